"""Every student notebook in JupyterLab at laptop size, as a learner's first hour goes.

For each assignment found in ``notebooks/`` (a new notebook is covered without touching this
file): open the untouched student version in one shared JupyterLab (started as ``./run lab``
starts it), *Run All*, and check that the run reached the last cell, that no cell shows an error
and that every widget is drawn live. A screenshot at 1366 x 768 goes to ``test-artifacts/``
with the Run All time (``test-artifacts/run-all.json``).

Also: a first open shows no news prompt, and an exercise left blank answers in one line.
"""

from __future__ import annotations

import json

import pytest
from labpage import open_notebook, run_all, shut_down_kernel

from harness import ARTIFACTS, student_assignments

pytestmark = pytest.mark.browser

RUN_ALL: dict[str, float] = {}


@pytest.mark.parametrize("name", student_assignments())
def test_run_all_in_jupyterlab(name, lab_server, watched_page, artifacts, student_runs,
                               timings, screenshot_on_failure):
    # student_runs: the nbclient runs of tests/test_student_notebooks.py go on meanwhile
    page = watched_page.page
    open_notebook(page, lab_server, f"{name}/{name}.ipynb")
    result = run_all(page)
    RUN_ALL[name] = round(result.seconds, 1)
    timings[f"JupyterLab Run All {name}"] = result.seconds
    (ARTIFACTS / "run-all.json").write_text(json.dumps(RUN_ALL, indent=1))
    page.screenshot(path=str(artifacts / f"run-all-{name}.png"))
    shut_down_kernel(page)
    assert not result.errors, f"cells show errors: {result.errors}"
    assert result.last_cell_ran, f"Run All stopped; cells never run: {result.not_run}"
    wanted, live = result.widgets
    assert live == wanted, f"{wanted - live} of {wanted} widgets are not drawn"
    assert not result.broken_widgets, "a widget shows 'Error displaying widget'"
    assert not result.stderr, f"warnings a learner should not see: {result.stderr}"
    watched_page.assert_clean()


def test_first_open_has_no_news_prompt_and_blank_exercises_answer_in_one_line(
        lab_server, watched_page, artifacts):
    page = watched_page.page
    open_notebook(page, lab_server, "00-start-here/00-start-here.ipynb")
    page.wait_for_timeout(2000)                     # the news prompt comes a moment later
    assert page.get_by_text("official Jupyter news").count() == 0
    result = run_all(page)
    visible_tests = [c for c in result.cells
                     if any("not attempted" in o["text"] for o in c["outputs"])]
    assert len(visible_tests) >= 3, "each blank exercise's test cell says 'not attempted'"
    for cell in visible_tests:
        assert [o["type"] for o in cell["outputs"]] == ["stream"]
        assert cell["outputs"][0]["text"].count("\n") == 1, "one line of feedback"
    first = next(i for i, c in enumerate(result.cells) if c in visible_tests)
    page.evaluate("""(i) => { const nb = window.jupyterapp.shell.currentWidget.content;
        const cells = nb.widgets.filter(c => c.model.type === 'code');
        return nb.scrollToCell(cells[i], 'center'); }""", first)
    page.wait_for_timeout(500)
    page.screenshot(path=str(artifacts / "00-blank-exercise-feedback.png"))
