"""The nbgrader round trip for every assignment, and feedback that keeps hidden tests hidden.

For each assignment, in a scratch copy of the course: release the student version, then
autograde three submissions in one run of the course's parallel command (``python -m
course.grading autograde --jobs 2``: nbgrader's pipeline with the sandbox, the judge and the
delegation check, two submissions at a time):

* ``instructor``: the instructor master, which must score full marks on every autograded cell;
* ``untouched``: the student version as released, which must score zero on every one of them;
* ``onewrong``: every answer solved except the assignment's ``WRONG_ANSWER``, which must lose
  exactly that exercise's points.

Then feedback is generated and must not contain any hidden test.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from course.grading import nbgrader
from harness import ROOT, assignments, read_notebook

ASSIGNMENTS = assignments()
BEGIN, END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"


def grade_id(cell):
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def answer_sources(master: dict) -> dict[str, str]:
    return {grade_id(c): "".join(c["source"]) for c in master["cells"]
            if c.get("metadata", {}).get("nbgrader", {}).get("solution")
            and c["cell_type"] == "code"}


def autograded_cells(master: dict) -> dict[str, float]:
    """grade id -> points of every autograded test cell."""
    return {grade_id(c): c["metadata"]["nbgrader"]["points"] for c in master["cells"]
            if c["cell_type"] == "code" and c.get("metadata", {}).get("nbgrader", {}).get("grade")}


def hidden_lines(master: dict) -> list[str]:
    lines = []
    for cell in master["cells"]:
        source = "".join(cell["source"])
        for block in re.findall(re.escape(BEGIN) + r"(.*?)" + re.escape(END), source, re.S):
            lines += [ln.strip() for ln in block.splitlines() if len(ln.strip()) > 12]
    return lines


def visible_text(page: str) -> str:
    """The text of an HTML page as a reader sees it (tags dropped, entities decoded)."""
    page = re.sub(r"<style.*?</style>|<script.*?</script>", "", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def submission(student_nb: dict, answers: dict[str, str], wrong: tuple[str, str] | None) -> dict:
    nb = json.loads(json.dumps(student_nb))
    for cell in nb["cells"]:
        gid = grade_id(cell)
        if gid in answers:
            cell["source"] = wrong[1] if wrong and gid == wrong[0] else answers[gid]
    return nb


@pytest.mark.parametrize("assignment", ASSIGNMENTS, ids=str)
def test_round_trip(assignment, tmp_path, timings):
    course = tmp_path / "course"
    course.mkdir()
    shutil.copytree(assignment.master.parent, course / "solutions" / assignment.id)
    shutil.copy(ROOT / "nbgrader_config.py", course)
    nbgrader("generate_assignment", assignment.id, "--force", cwd=course)

    master = read_notebook(assignment.master)
    student = read_notebook(course / "notebooks" / assignment.id / f"{assignment.id}.ipynb")
    answers = answer_sources(master)
    wrong = assignment.module.WRONG_ANSWER
    assert wrong[0] in answers, f"WRONG_ANSWER names {wrong[0]!r}, not an answer cell"
    submissions = {"instructor": master, "untouched": student,
                   "onewrong": submission(student, answers, wrong)}
    for name, nb in submissions.items():
        folder = course / "submitted" / name / assignment.id
        folder.mkdir(parents=True)
        (folder / f"{assignment.id}.ipynb").write_text(json.dumps(nb))

    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "course.grading", "autograde", assignment.id,
                           "--jobs", "2"], cwd=course, capture_output=True, text=True,
                          env={**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}"
                               f"{os.environ['PATH']}"})
    timings[f"autograde {assignment.id} (3 submissions, 2 jobs)"] = time.perf_counter() - start
    assert done.returncode == 0, (f"autograding failed:\n{done.stdout[-2000:]}\n"
                                  f"{done.stderr[-3000:]}")

    cells = autograded_cells(master)
    assert cells, "an assignment must have autograded tests"
    wrong_cell = f"{wrong[0]}-tests"
    assert wrong_cell in cells, f"no test cell {wrong_cell!r} for the wrong answer"
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        def scores(student_id):
            sub = gb.find_submission_notebook(assignment.id, assignment.id, student_id)
            return {g.name: g.auto_score for g in sub.grades if g.name in cells}

        assert scores("instructor") == cells, "the instructor version must score full marks"
        assert scores("untouched") == {k: 0 for k in cells}, "untouched must score zero"
        expected = {k: (0 if k == wrong_cell else v) for k, v in cells.items()}
        assert scores("onewrong") == expected, "one wrong answer must lose only its own points"

    nbgrader("generate_feedback", assignment.id, "--force", cwd=course)
    released_text = json.dumps(student)
    secrets = [line for line in hidden_lines(master) if json.dumps(line)[1:-1] not in released_text]
    assert secrets, "an assignment must have hidden tests"
    for student_id in submissions:
        page = visible_text(next((course / "feedback" / student_id / assignment.id)
                                 .glob("*.html")).read_text())
        assert "BEGIN HIDDEN TESTS" not in page
        leaked = [line for line in secrets if line in page]
        assert not leaked, f"feedback for {student_id} shows hidden tests: {leaked[:3]}"
