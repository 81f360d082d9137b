"""Feedback that never shows hidden tests.

nbgrader's default feedback shows the hidden tests (nbgrader issue #917) and the tracebacks of
failed hidden asserts quote them. :class:`HideHiddenTests` (a ``GenerateFeedback`` preprocessor,
configured in ``nbgrader_config.py``) replaces each hidden region with a note, cuts tracebacks to
one line, and drops any output the judge marked as coming from a hidden test.

Example
-------
>>> import nbformat
>>> cell = nbformat.v4.new_code_cell("assert f(1) == 2\\n### BEGIN HIDDEN TESTS\\n"
...                                  "assert f(7) == 8\\n### END HIDDEN TESTS")
>>> print(hide_hidden_tests(cell).source)
assert f(1) == 2
# (hidden tests are not shown)
"""

from __future__ import annotations

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

from course.grading.wire import HIDDEN_OUTPUT

BEGIN, END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
HIDDEN_NOTE = "# (hidden tests are not shown)"


def hide_hidden_tests(cell):
    """Remove hidden test regions from a grade cell and strip tracebacks that could quote them."""
    if cell.cell_type != "code":
        return cell
    outputs = cell.get("outputs", [])
    if any(o.get("metadata", {}).get(HIDDEN_OUTPUT) for o in outputs):
        cell["outputs"] = [o for o in outputs if not o.get("metadata", {}).get(HIDDEN_OUTPUT)
                           or o.get("output_type") == "error"]
    if BEGIN not in cell.source:
        return cell
    lines, kept, inside = cell.source.split("\n"), [], False
    for line in lines:
        if BEGIN in line:
            inside = True
            kept.append(HIDDEN_NOTE)
        elif END in line:
            inside = False
        elif not inside:
            kept.append(line)
    cell.source = "\n".join(kept)
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            output["traceback"] = [f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"]
    return cell


class HideHiddenTests(Preprocessor):
    """nbconvert preprocessor for ``GenerateFeedback``: apply :func:`hide_hidden_tests`."""

    enabled = Bool(True, help="on by default, like nbgrader's own preprocessors").tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        return hide_hidden_tests(cell), resources
