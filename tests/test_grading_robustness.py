"""Autograding a class survives bad submissions, and every student still gets the right score.

A tiny purpose-made assignment (two exercises: ``add`` worth 2 points, ``square`` worth 1) is
released with nbgrader in a scratch course directory configured like a course on the hub: the
course's own ``nbgrader_config.py`` (which puts ``course.grading.JudgedExecute`` in nbgrader's
pipeline: sandbox, judge, survival of a dead kernel; and restores deleted test cells) plus the
hub-wide ``deploy/nbgrader_config.py``, with a short cell timeout so the test stays fast. Then
one class of submissions is autograded in a single ``nbgrader autograde`` run, as an
instructor would:

==================  ==================================================================  ======
student             what the submission does                                            score
==================  ==================================================================  ======
``good``            both answers right                                                  3
``wrong``           ``add`` wrong (a plain mistake, the baseline for the cases below)   1
``loop``            ``add``'s cell never ends (``while True``): the cell times out      1
``loopcall``        ``add`` loops only when the tests call it: the test cell times out  1
``exception``       ``add``'s cell raises                                               1
``crash``           ``square``'s cell kills the kernel (``os._exit``)                   2
``deletedtests``    ``add`` wrong and its test cell deleted: nbgrader restores it        1
``editedtests``     ``add`` wrong and its test cell replaced by ``pass``                1
``fakeoutput``      ``add`` wrong; the saved outputs of its test cell forged to "pass"   1
``muted``           ``add`` wrong; tracebacks silenced and the self-check patched        1
``untouched``       the released notebook as is                                         0
==================  ==================================================================  ======

Each row is its own test, so a regression names the trick that got through. The same class is
also graded with the parallel command (``python -m course.grading autograde --jobs 2``), which
must give exactly the same scores. Run with
``.venv/bin/python -m pytest tests/test_grading_robustness.py`` (about two minutes on 2 cores).
"""

from __future__ import annotations

import copy
import html
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "authoring"))
from nbbuild import Notebook  # noqa: E402

ASSIGNMENT = "robust"
DEPLOY_CONFIG = ROOT / "deploy" / "nbgrader_config.py"  # the hub's grading settings
TIMEOUT = 5  # seconds per cell while grading (the course's real setting is 120)

ADD_RIGHT = "def add(a, b):\n    return a + b"
ADD_WRONG = "def add(a, b):\n    return a - b"
SQUARE_RIGHT = "def square(x):\n    return x * x"


def tiny_assignment() -> nbformat.NotebookNode:
    """The instructor version of the assignment, built like every course notebook."""
    nb = Notebook(ASSIGNMENT, "Robustness")
    nb.md("# A tiny assignment\nTwo short exercises.")
    add_two_exercises(nb)
    return nb.notebook()


def add_two_exercises(nb: Notebook) -> None:
    """``add`` (2 points) and ``square`` (1 point), each with visible and hidden tests."""
    nb.answer("add", """
        def add(a, b):
            ### BEGIN SOLUTION
            return a + b
            ### END SOLUTION
        """)
    nb.tests("add", 2, visible="assert add(1, 2) == 3",
             hidden="assert add(-1, 1) == 0\nassert add(0.5, 0.25) == 0.75")
    nb.answer("square", """
        def square(x):
            ### BEGIN SOLUTION
            return x * x
            ### END SOLUTION
        """)
    nb.tests("square", 1, visible="assert square(3) == 9", hidden="assert square(-4) == 16")


def nbgrader(*args: str, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run nbgrader with the venv's tools on PATH (nbgrader calls ``alembic`` by name)."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run([sys.executable, "-m", "nbgrader", *args, "--log-level=WARN"],
                          cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)


def make_course(root: Path, timeout: int = TIMEOUT) -> nbformat.NotebookNode:
    """A scratch course directory with the course's nbgrader config; returns the student version."""
    source = root / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    source.parent.mkdir(parents=True)
    nbformat.write(tiny_assignment(), source)
    config = (ROOT / "nbgrader_config.py").read_text()
    (root / "nbgrader_config.py").write_text(
        f"{config}\nload_subconfig({str(DEPLOY_CONFIG)!r})\nc.Execute.timeout = {timeout}\n")
    done = nbgrader("generate_assignment", ASSIGNMENT, cwd=root)
    assert done.returncode == 0, done.stderr
    return nbformat.read(root / "notebooks" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)


def _index(nb: nbformat.NotebookNode, grade_id: str) -> int:
    for i, cell in enumerate(nb.cells):
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            return i
    raise KeyError(grade_id)


def solve(released: nbformat.NotebookNode, add: str = ADD_RIGHT,
          square: str = SQUARE_RIGHT) -> nbformat.NotebookNode:
    """The released notebook with the two answer cells filled in."""
    nb = copy.deepcopy(released)
    nb.cells[_index(nb, "add")].source = add
    nb.cells[_index(nb, "square")].source = square
    return nb


def submissions(released: nbformat.NotebookNode) -> dict[str, nbformat.NotebookNode]:
    """student id -> submitted notebook (see the table in the module docstring)."""
    subs = {
        "good": solve(released),
        "wrong": solve(released, add=ADD_WRONG),
        "loop": solve(released, add="while True:\n    pass\n" + ADD_RIGHT),
        "loopcall": solve(released, add="def add(a, b):\n    while True:\n        pass"),
        "exception": solve(released, add="raise RuntimeError('oops')\n" + ADD_RIGHT),
        "crash": solve(released, square="import os\nos._exit(1)\n" + SQUARE_RIGHT),
        "untouched": copy.deepcopy(released),
    }

    deleted = solve(released, add=ADD_WRONG)
    del deleted.cells[_index(deleted, "add-tests")]
    subs["deletedtests"] = deleted

    edited = solve(released, add=ADD_WRONG)
    edited.cells[_index(edited, "add-tests")].source = "pass"
    subs["editedtests"] = edited

    fake = solve(released, add=ADD_WRONG)
    fake.cells[_index(fake, "add")].outputs = []
    tests = fake.cells[_index(fake, "add-tests")]
    tests.execution_count = 3
    tests.outputs = [nbformat.v4.new_output("stream", name="stdout", text="All tests passed!\n"),
                     nbformat.v4.new_output("execute_result", data={"text/plain": "2.0"},
                                            execution_count=3)]
    subs["fakeoutput"] = fake

    subs["muted"] = solve(released, add=(
        "import sys\n"
        "get_ipython().showtraceback = lambda *args, **kwargs: None\n"
        "sys.excepthook = lambda *args: None\n"
        "import builtins\n"
        "builtins.AssertionError = type('AssertionError', (Exception,), {})\n"
        + ADD_WRONG))
    return subs


EXPECTED = {"good": 3, "wrong": 1, "loop": 1, "loopcall": 1, "exception": 1, "crash": 2,
            "deletedtests": 1, "editedtests": 1, "fakeoutput": 1, "muted": 1, "untouched": 0}


def place_submissions(root: Path, subs: dict[str, nbformat.NotebookNode]) -> None:
    for student, nb in subs.items():
        folder = root / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{ASSIGNMENT}.ipynb")
        (folder / "timestamp.txt").write_text("2026-11-26 12:00:00.000000 UTC")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Autograde the whole class once; return (scores, seconds, nbgrader's output, root)."""
    root = tmp_path_factory.mktemp("robust-course")
    released = make_course(root)
    subs = submissions(released)
    assert set(subs) == set(EXPECTED)
    place_submissions(root, subs)
    start = time.perf_counter()
    done = nbgrader("autograde", ASSIGNMENT, "--create", cwd=root, timeout=600)
    seconds = time.perf_counter() - start
    scores = {}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        for student in subs:
            try:
                scores[student] = gb.find_submission(ASSIGNMENT, student).score
            except Exception:  # noqa: BLE001 - a missing grade is reported by the test below
                scores[student] = None
    return scores, seconds, done, root


@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_each_submission_gets_its_correct_score(graded, student):
    scores, _, done, _ = graded
    assert scores[student] is not None, (
        f"{student}'s submission was not graded; nbgrader said:\n{done.stderr[-3000:]}")
    assert scores[student] == pytest.approx(EXPECTED[student], abs=1e-9), (
        f"{student}: got {scores[student]}, expected {EXPECTED[student]}")


def test_one_autograde_run_grades_the_whole_class_in_bounded_time(graded):
    scores, seconds, done, root = graded
    assert all(scores[s] is not None for s in EXPECTED), done.stderr[-3000:]
    # Two cells time out (2 x TIMEOUT) and eleven kernels start; anything near nbgrader's own
    # 120 s default timeout would mean a runaway cell was not stopped.
    assert seconds < 100, f"autograding 11 submissions took {seconds:.0f} s"
    for student in EXPECTED:
        assert (root / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").exists()


def test_timeouts_and_crashes_are_visible_in_the_graded_notebook(graded):
    """The instructor (and the student's feedback) can see why points were lost."""
    _, _, _, root = graded

    def errors(student, grade_id):
        nb = json.loads((root / "autograded" / student / ASSIGNMENT /
                         f"{ASSIGNMENT}.ipynb").read_text())
        cell = next(c for c in nb["cells"]
                    if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id)
        return [o.get("ename", "") for o in cell.get("outputs", [])
                if o["output_type"] == "error"]

    assert errors("loopcall", "add-tests"), "the timed-out test cell shows no error"
    assert errors("loop", "add"), "the timed-out answer cell shows no error"
    assert errors("muted", "add-tests"), "silenced tracebacks hid the failure"
    assert not errors("good", "add-tests")


def test_deleted_and_edited_test_cells_are_restored(graded):
    _, _, _, root = graded
    for student in ("deletedtests", "editedtests"):
        text = (root / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text()
        assert "assert add(-1, 1) == 0" in text, f"{student}: the real tests were not run"


def test_feedback_for_the_whole_class_hides_the_hidden_tests(graded):
    """Bad submissions get feedback too, and none of it quotes a hidden test."""
    _, _, _, root = graded
    done = nbgrader("generate_feedback", ASSIGNMENT, cwd=root)
    assert done.returncode == 0, done.stderr[-3000:]
    for student in EXPECTED:
        page = (root / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
        text = html.unescape(re.sub(r"<[^>]+>", "", page))    # the code as a reader sees it
        assert "assert add(1, 2) == 3" in text, f"{student}'s feedback lacks the visible test"
        for hidden in ("assert add(-1, 1) == 0", "assert square(-4) == 16"):
            assert hidden not in text, f"{student}'s feedback shows a hidden test"


@pytest.fixture(scope="module")
def graded_in_parallel(tmp_path_factory):
    """The same class, graded with the parallel command; returns the scores."""
    root = tmp_path_factory.mktemp("robust-course-parallel")
    place_submissions(root, submissions(make_course(root)))
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run([sys.executable, "-m", "course.grading", "autograde", ASSIGNMENT,
                           "--jobs", "2"], cwd=root, env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        return {s.student_id: {g.name: g.auto_score for n in s.notebooks for g in n.grades}
                for s in gb.find_assignment(ASSIGNMENT).submissions}


def test_parallel_autograding_gives_exactly_the_sequential_scores(graded, graded_in_parallel):
    _, _, _, root = graded
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        sequential = {s.student_id: {g.name: g.auto_score for n in s.notebooks for g in n.grades}
                      for s in gb.find_assignment(ASSIGNMENT).submissions}
    assert set(sequential) == set(EXPECTED)
    assert graded_in_parallel == sequential
