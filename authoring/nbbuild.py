"""Build the instructor notebooks in ``solutions/`` from readable Python scripts.

Each ``authoring/nbNN_*.py`` script describes one assignment as a sequence of cells and writes
``solutions/<assignment>/<assignment>.ipynb`` with the nbgrader metadata filled in.  Writing the
cells in Python keeps the notebooks reviewable in diffs; nbgrader then makes the student version
(``./run release``).  See docs/authoring.md.

Example
-------
>>> nb = Notebook("99-example", "An example")
>>> nb.md("Some prose.")
>>> nb.answer("double", "def double(x):\\n    ### BEGIN SOLUTION\\n    return 2 * x\\n"
...           "    ### END SOLUTION")
>>> nb.tests("double", 1, "assert double(2) == 4", hidden="assert double(-1) == -2")
>>> len(nb.cells)
3
"""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions"


def _clean(source: str) -> str:
    return textwrap.dedent(source).strip("\n")


class Notebook:
    """An nbgrader source notebook under construction."""

    def __init__(self, assignment: str, title: str) -> None:
        self.assignment = assignment
        self.title = title
        self.cells: list[nbformat.NotebookNode] = []
        self._ids: set[str] = set()
        self.points = 0.0

    # -- plain cells --------------------------------------------------------------------------
    def md(self, source: str) -> None:
        """A markdown cell of prose."""
        self.cells.append(nbformat.v4.new_markdown_cell(_clean(source)))

    def code(self, source: str, tags: list[str] | None = None) -> None:
        """An ordinary code cell that students run (and may edit)."""
        cell = nbformat.v4.new_code_cell(_clean(source))
        if tags:
            cell.metadata["tags"] = tags
        self.cells.append(cell)

    def parameters(self, source: str) -> None:
        """The papermill ``parameters`` cell: defaults a test run may override."""
        self.code(source, tags=["parameters"])

    # -- graded cells -------------------------------------------------------------------------
    def _grade_id(self, grade_id: str) -> str:
        if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", grade_id):
            raise ValueError(f"grade id {grade_id!r}: use lower-case letters, digits, - and _")
        if grade_id in self._ids:
            raise ValueError(f"duplicate grade id {grade_id!r} in {self.assignment}")
        self._ids.add(grade_id)
        return grade_id

    @staticmethod
    def _meta(grade_id: str, *, grade: bool, solution: bool, locked: bool,
              points: float | None = None, task: bool = False) -> dict:
        meta = {"grade": grade, "grade_id": grade_id, "locked": locked,
                "schema_version": 3, "solution": solution, "task": task}
        if points is not None:
            meta["points"] = points
        return meta

    def answer(self, exercise: str, source: str) -> None:
        """A code cell the student completes; the solution sits between
        ``### BEGIN SOLUTION`` and ``### END SOLUTION``."""
        source = _clean(source)
        if "### BEGIN SOLUTION" not in source:
            raise ValueError(f"answer cell {exercise!r} has no '### BEGIN SOLUTION' region")
        cell = nbformat.v4.new_code_cell(source)
        cell.metadata["nbgrader"] = self._meta(self._grade_id(exercise), grade=False,
                                               solution=True, locked=False)
        self.cells.append(cell)

    def tests(self, exercise: str, points: float, visible: str, hidden: str) -> None:
        """The autograded test cell for ``exercise``: visible tests give learners feedback,
        hidden tests (removed from the student version and from feedback) grade it."""
        visible, hidden = _clean(visible), _clean(hidden)
        if not visible or not hidden:
            raise ValueError(f"tests for {exercise!r} need both visible and hidden tests")
        source = (f"{visible}\n\n### BEGIN HIDDEN TESTS\n{hidden}\n### END HIDDEN TESTS")
        cell = nbformat.v4.new_code_cell(source)
        cell.metadata["nbgrader"] = self._meta(self._grade_id(f"{exercise}-tests"), grade=True,
                                               solution=False, locked=True, points=points)
        self.cells.append(cell)
        self.points += points

    def written(self, question: str, points: float, prompt: str, model_answer: str,
                rubric: str) -> None:
        """A written answer graded by hand: a locked prompt, then an answer cell whose model
        answer and rubric appear only in the instructor version."""
        self.md(f"**Written answer ({points:g} points).** {_clean(prompt)}")
        body = (f"### BEGIN SOLUTION\n**Model answer.** {_clean(model_answer)}\n\n"
                f"**Rubric ({points:g} points).**\n\n{_clean(rubric)}\n### END SOLUTION")
        cell = nbformat.v4.new_markdown_cell(body)
        cell.metadata["nbgrader"] = self._meta(self._grade_id(question), grade=True,
                                               solution=True, locked=False, points=points)
        self.cells.append(cell)
        self.points += points

    # -- output ---------------------------------------------------------------------------------
    def notebook(self) -> nbformat.NotebookNode:
        nb = nbformat.v4.new_notebook()
        nb.cells = self.cells
        nb.metadata = {
            "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python",
                           "name": "python3"},
            "language_info": {"name": "python"},
        }
        # Stable cell ids keep regenerated notebooks identical (and diffs small).
        for i, cell in enumerate(nb.cells):
            cell["id"] = f"{self.assignment[:2]}-{i:03d}"
        return nb

    def write(self) -> Path:
        """Write ``solutions/<assignment>/<assignment>.ipynb`` and return its path."""
        path = SOLUTIONS / self.assignment / f"{self.assignment}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        nb = self.notebook()
        nbformat.validate(nb)
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
        print(f"wrote {path.relative_to(ROOT)} ({self.points:g} points)")
        return path
