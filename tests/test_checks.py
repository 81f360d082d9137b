"""Self-checks: right / wrong / not attempted in one line, tiered hints, never the answer itself;
visible tests that never stop Run All in a learner's session but fail under nbgrader."""

from __future__ import annotations

import json
import re

import nbformat
import pytest
from nbclient import NotebookClient

from course import checks
from harness import ROOT, assignments, read_notebook

NB = "99-test-notebook"
ASSIGNMENTS = assignments()


@checks.exercise(NB, "double", points=2, hints=["Multiply.", "Return 2 * x."])
def _check_double(f):
    if f(3) != 6:
        return "double(3) should be twice 3"
    return None


@checks.exercise(NB, "answer", target="my_answer", points=1)
def _check_answer(value):
    return None if value == 42 else "not the right number"


checks.written(NB, "essay", points=3)


def _not_done(x):
    raise NotImplementedError()


def _stub(x):
    """The released stub: a docstring and pass."""
    pass


def test_statuses(capsys):
    assert checks.check("double", {"double": lambda x: 2 * x}, NB) == checks.RIGHT
    assert checks.check("double", {"double": lambda x: x + 2}, NB) == checks.WRONG
    assert checks.check("double", {"double": _not_done}, NB) == checks.NOT_ATTEMPTED
    assert checks.check("double", {"double": _stub}, NB) == checks.NOT_ATTEMPTED
    assert checks.check("double", {}, NB) == checks.NOT_ATTEMPTED
    assert checks.check("answer", {"my_answer": 41}, NB) == checks.WRONG
    out = capsys.readouterr().out
    assert "42" not in out, "a check must not reveal the answer"
    assert "hint('double')" in out
    assert all(line[0] in "✔✘○" for line in out.splitlines()), "one line per check"


def test_learner_exceptions_are_reported_on_one_line():
    def crash(x):
        raise ValueError("first line\nsecond line")
    state, message = checks.status("double", {"double": crash}, NB)
    assert state == checks.WRONG and "ValueError: first line" in message
    assert "\n" not in message


def test_strict_check_raises_one_line_under_nbgrader(monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    with pytest.raises(checks.ExerciseFailed, match="twice") as failure:
        checks.check("double", {"double": lambda x: x}, NB, strict=True)
    assert isinstance(failure.value, AssertionError)
    assert len(failure.value._render_traceback_()) == 1
    assert checks.check("double", {"double": lambda x: 2 * x}, NB, strict=True) == checks.RIGHT


def test_hints_come_in_tiers():
    assert "Hint 1 of 2" in checks.hint("double", NB)
    assert "Hint 2 of 2" in checks.hint("double", NB)
    assert "Hint 2 of 2" in checks.hint("double", NB)


def test_written_answers_and_typos_get_a_line_not_a_keyerror(capsys):
    assert checks.check("essay", {}, NB) == checks.BY_HAND
    assert "No hints for the written answer essay" in checks.hint("essay", NB)
    assert checks.check("dubble", {}, NB) == checks.UNKNOWN
    assert "dubble" in checks.hint("dubble", NB)
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 4 and "its exercises are: double, answer, essay" in out[2]


def test_check_all_counts_code_and_written_answers(tmp_path):
    saved = tmp_path / "99-test-notebook.ipynb"
    cell = nbformat.v4.new_markdown_cell(checks.TEXT_STUB)
    cell.metadata["nbgrader"] = {"grade_id": "essay", "grade": True, "solution": True}
    saved.write_text(nbformat.writes(nbformat.v4.new_notebook(cells=[cell])))
    ns = {"double": lambda x: 2 * x, "__session__": str(saved)}
    summary = checks.check_all(ns, NB)
    assert summary.table["exercise"].tolist() == ["double", "answer", "essay"]
    assert summary.table["status"].tolist() == ["✔ right", "○ not attempted",
                                                "○ not written yet"]
    assert summary.line == (f"{NB}: 1 of 2 code exercises right (2 of 3 points); 1 written "
                            "answer (3 points) graded by hand, 1 not written yet.")
    cell.source = "My essay."
    saved.write_text(nbformat.writes(nbformat.v4.new_notebook(cells=[cell])))
    assert checks.check_all(ns, NB).table["status"].iloc[-1] == "✎ written"


def test_unknown_notebook_is_a_clear_error():
    with pytest.raises(ValueError, match="no self-checks"):
        checks.start("77-nothing")


# -- the contract on visible tests, in a real kernel ---------------------------------------------
SETUP = f"""
from course import checks
@checks.exercise({NB!r}, "double")
def _(f):
    return None if f(3) == 6 else "double(3) should be twice 3"
checks.start({NB!r})
"""
STUB = "def double(x):\n    # YOUR CODE HERE\n    pass"
VISIBLE = "checks.check('double', strict=True)\nassert double(1) == 2\nprint('after the check')"


def _run(grading: bool) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in
                                         (SETUP, STUB, VISIBLE, "print('next cell ran')")])
    with pytest.MonkeyPatch.context() as env:          # the kernel inherits the environment
        if grading:
            env.setenv("NBGRADER_EXECUTION", "validate")
        else:
            env.delenv("NBGRADER_EXECUTION", raising=False)
        NotebookClient(nb, timeout=60, kernel_name="python3", allow_errors=grading).execute()
    return nb


@pytest.fixture(scope="module")
def kernel_runs():
    return {"learner": _run(grading=False), "nbgrader": _run(grading=True)}


def test_visible_test_of_a_blank_answer_in_a_learners_session(kernel_runs):
    nb = kernel_runs["learner"]
    outputs = nb.cells[2].outputs
    assert [o.output_type for o in outputs] == ["stream"], "one line, no error"
    assert outputs[0].text.count("\n") == 1 and "not attempted" in outputs[0].text
    assert "after the check" not in outputs[0].text, "the rest of the test cell is skipped"
    assert nb.cells[3].outputs[0].text == "next cell ran\n", "Run All carries on"


def test_visible_test_of_a_blank_answer_under_nbgrader(kernel_runs):
    outputs = kernel_runs["nbgrader"].cells[2].outputs
    errors = [o for o in outputs if o.output_type == "error"]
    assert len(errors) == 1 and errors[0].ename == "ExerciseFailed"
    assert len(errors[0].traceback) == 1 and "not attempted" in errors[0].traceback[0]


# -- the registry agrees with the notebooks ------------------------------------------------------
def _graded(master: dict) -> list[tuple[str, str, float]]:
    out = []
    for cell in master["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade"):
            kind = "code" if cell["cell_type"] == "code" else "written"
            out.append((meta["grade_id"].removesuffix("-tests"), kind, meta["points"]))
    return out


@pytest.mark.parametrize("assignment", ASSIGNMENTS, ids=str)
def test_every_graded_cell_is_registered_in_order_with_its_points(assignment):
    registered = [(name, "written" if isinstance(ex, checks.WrittenAnswer) else "code",
                   ex.points) for name, ex in checks._load(assignment.id).items()]
    assert registered == _graded(read_notebook(assignment.master))


def _solution_lines(master: dict) -> list[str]:
    lines = []
    for cell in master["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        for block in re.findall(r"### BEGIN SOLUTION(.*?)### END SOLUTION", source, re.S):
            lines += [ln.strip() for ln in block.splitlines()]
    return lines


def _normal(text: str) -> str:
    text = re.sub(r"^(return|[\w, ]+=)\s*", "", text)      # the expression, not the name
    return re.sub(r"\s+", "", text).replace('"', "'")


@pytest.mark.parametrize("assignment", ASSIGNMENTS, ids=str)
def test_no_hint_gives_away_a_solution_line(assignment):
    hints = [_normal(h) for ex in checks._load(assignment.id).values() for h in ex.hints]
    for line in _solution_lines(read_notebook(assignment.master)):
        code = _normal(line)
        if len(code) >= 14 and not line.startswith(("#", "def ", "import ", "from ")):
            leaks = [h for h in hints if code in h]
            assert not leaks, f"a hint contains the solution line {line!r}"


def test_released_stub_is_the_one_checks_expects():
    student = json.loads((ROOT / "notebooks" / "00-start-here" / "00-start-here.ipynb")
                         .read_text())
    sources = ["".join(c["source"]) for c in student["cells"]]
    assert any(s.strip() == checks.CODE_STUB for s in sources)


def test_a_grading_process_can_supply_the_namespace(monkeypatch):
    """course.grading's judge runs test cells outside the learner's kernel and replaces
    ``checks._user_namespace``; under nbgrader a wrong answer still fails in one line."""
    monkeypatch.setattr(checks, "_user_namespace", lambda: {"double": lambda x: 2 * x})
    assert checks.check("double", notebook=NB, strict=True) == checks.RIGHT
    monkeypatch.setattr(checks, "_user_namespace", lambda: {"double": lambda x: x})
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    with pytest.raises(checks.ExerciseFailed):
        checks.check("double", notebook=NB, strict=True)
