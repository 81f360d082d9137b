"""The committed notebooks are what the pipeline generates, and follow the course's rules."""

from __future__ import annotations

import json

import pytest

from course.grading import fresh_release
from harness import ROOT, assignments, read_notebook

ASSIGNMENTS = assignments()


def cells_of(nb: dict) -> list[tuple[str, str, dict]]:
    return [(c["cell_type"], "".join(c["source"]) if isinstance(c["source"], list) else c["source"],
             c.get("metadata", {})) for c in nb["cells"]]


def test_every_solution_has_an_authoring_script():
    built = {a.id for a in ASSIGNMENTS}
    on_disk = {p.name for p in (ROOT / "solutions").iterdir() if p.is_dir()}
    assert on_disk == built


@pytest.mark.parametrize("assignment", ASSIGNMENTS, ids=str)
def test_master_matches_its_authoring_script(assignment):
    fresh = json.loads(json.dumps(assignment.module.build().notebook()))
    assert cells_of(read_notebook(assignment.master)) == cells_of(fresh), (
        f"solutions/{assignment.id} is stale: run ./run build")


def test_student_versions_match_a_fresh_release(tmp_path):
    fresh = fresh_release(tmp_path)
    for assignment in ASSIGNMENTS:
        committed = read_notebook(assignment.student)
        generated = read_notebook(fresh / assignment.id / f"{assignment.id}.ipynb")
        assert committed == generated, f"notebooks/{assignment.id} is stale: run ./run release"
    released = {p.name for p in (ROOT / "notebooks").iterdir() if p.is_dir()}
    assert released == {a.id for a in ASSIGNMENTS}


@pytest.mark.parametrize("assignment", ASSIGNMENTS, ids=str)
def test_student_version_keeps_secrets(assignment):
    text = assignment.student.read_text()
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "Model answer.",
                   "Rubric ("):
        assert marker not in text
    for path in (assignment.master, assignment.student):
        nb = read_notebook(path)
        assert not any(c.get("outputs") for c in nb["cells"]), f"{path} carries outputs"


@pytest.mark.parametrize("assignment", ASSIGNMENTS, ids=str)
def test_notebook_is_a_complete_chapter(assignment):
    cells = cells_of(read_notebook(assignment.master))
    text = "\n".join(src for _, src, _ in cells)
    first_md = next(src for kind, src, _ in cells if kind == "markdown")
    assert "Learning objectives" in first_md and "Estimated time" in first_md
    assert "## Summary" in text and "Further reading" in text
    assert "checks.check_all()" in cells[-1][1] or "check_all" in "".join(
        src for _, src, _ in cells[-3:]), "end with checks.check_all()"
    tests = [(src, meta["nbgrader"]) for kind, src, meta in cells
             if kind == "code" and meta.get("nbgrader", {}).get("grade")]
    written = [m for kind, _, meta in cells if kind == "markdown"
               for m in [meta.get("nbgrader", {})] if m.get("grade")]
    assert tests, "graded code exercises needed"
    assert written, "at least one written answer with a rubric"
    for src, meta in tests:
        visible, _, rest = src.partition("### BEGIN HIDDEN TESTS")
        hidden = rest.partition("### END HIDDEN TESTS")[0]
        assert visible.strip() and hidden.strip(), f"{meta['grade_id']}: visible and hidden tests"
    answers = {meta["nbgrader"]["grade_id"] for kind, _, meta in cells
               if kind == "code" and meta.get("nbgrader", {}).get("solution")}
    tested = {meta["grade_id"].removesuffix("-tests") for _, meta in tests}
    assert answers <= tested, f"answers without tests: {answers - tested}"
    from course import checks
    registered = set(checks._load(assignment.id))
    assert answers <= registered, f"answers without self-checks: {answers - registered}"
