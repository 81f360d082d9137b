"""The playground's computations, widget wiring and debouncing (no browser: see tests/browser)."""

from __future__ import annotations

import doctest
import time

import numpy as np
import pytest

from course import playground as pgm
from course.playground import Playground, list_metrics
from course.simulation import World

SMALL = dict(n_users=80, n_items=60, steps=5)


def _tiny_world() -> World:
    # 2 users (left, right), 4 items: topics 0,0,1,1; slants -.5,-.2,.3,.6; item 3 false.
    return World(user_topics=np.array([[0.5, 0.5], [1.0, 0.0]]),
                 user_ideology=np.array([-0.5, 0.5]), user_group=np.array([False, True]),
                 item_topic=np.array([0, 0, 1, 1]), item_slant=np.array([-0.5, -0.2, 0.3, 0.6]),
                 item_quality=np.ones(4), item_pull=np.zeros(4),
                 item_false=np.array([False, False, False, True]))


def test_doctests():
    result = doctest.testmod(pgm)
    assert result.attempted >= 5 and result.failed == 0


def test_list_metrics_hand_worked():
    world = _tiny_world()
    scores = np.array([[1.0, 0.5, 0.0, 0.25], [0.0, 1.0, 0.5, 1.0]])
    history = np.array([[1, 0, 1, 0], [0, 0, 0, 0]])        # user 0 saw topics 0 and 1
    lists = np.array([[0, 1], [2, 3]])
    m = list_metrics(lists, scores, world, history)
    # relevance kept: user 0 has the top-2 (1); user 1 has .5 + 1 of a best 1 + 1 -> .75
    assert m["relevance kept"] == pytest.approx(0.875)
    # topic diversity: both lists are one topic -> 0; misinformation: 1 of 4 listed items
    assert m["topic diversity"] == pytest.approx(0.0)
    assert m["misinformation share"] == pytest.approx(0.25)
    # cross-cutting: user 0 (left) sees two left items, user 1 (right) two right items -> 0
    assert m["cross-cutting share"] == pytest.approx(0.0)
    # miscalibration: user 0 wants [.5, .5] and gets [1, 0]: KL 1.958518 (see the interventions
    # tests); user 1 has no history (uniform) and gets [0, 1]: the same by symmetry
    assert m["miscalibration (KL)"] == pytest.approx(1.958518, abs=1e-6)
    expected_utility = world.utility(np.arange(2), lists).mean()
    assert m["satisfaction"] == pytest.approx(expected_utility)


@pytest.fixture(scope="module")
def pg():
    return Playground("popularity", **SMALL)


def test_plain_feed_is_the_baseline(pg):
    plain = pg.list_metrics()
    assert plain["relevance kept"] == pytest.approx(1.0)
    assert plain.equals(pg.baseline("popularity")["list_metrics"])
    assert pg.simulate() is pg.baseline("popularity")["metrics"]


def test_knobs_move_the_list_metrics(pg):
    plain = pg.list_metrics()
    diverse = pg.list_metrics(diversity=0.8)
    assert diverse["topic diversity"] > plain["topic diversity"] + 0.02
    assert diverse["relevance kept"] < 1.0
    calibrated = pg.list_metrics(calibration=0.9)
    assert calibrated["miscalibration (KL)"] < plain["miscalibration (KL)"] - 0.05
    # popularity shows everyone the same list; a 50/50 quota gives each side half of it
    balanced = pg.lists(quota=0.5)
    slant = pg.world.item_slant[balanced]
    assert ((slant < 0).sum(axis=1) == 5).all() and ((slant > 0).sum(axis=1) == 5).all()


def test_simulation_is_seeded_and_responds(pg):
    again = Playground("popularity", **SMALL)
    a = pg.simulate(exploration=0.5)
    b = again.simulate(exploration=0.5)
    assert a.equals(b)
    base = pg.baseline("popularity")["metrics"]
    assert a["exposure_gini"].iloc[-1] < base["exposure_gini"].iloc[-1] - 0.1


def test_widget_updates_the_figures_when_a_knob_moves(pg):
    # conftest sets COURSE_BATCH_RUN=1, so updates are synchronous: nothing waits.
    box = pg.widget()
    ui = pg._ui
    assert box is pg.widget()                                 # built once
    list_png, sim_png = ui["list"].value, ui["simulation"].value
    assert list_png[:4] == b"\x89PNG" and sim_png[:4] == b"\x89PNG"
    ui["knobs"]["diversity"].value = 0.6
    assert pg.settings.diversity == 0.6
    assert ui["list"].value != list_png and ui["simulation"].value != sim_png
    assert "your feed" in ui["table"].value and "ms" in ui["status"].value
    ui["knobs"]["algorithm"].value = "random"
    assert pg.settings.algorithm == "random"
    pg.set(diversity=0.0, algorithm="popularity")
    assert ui["knobs"]["diversity"].value == 0.0


def test_a_failing_update_is_shown_in_the_widget(monkeypatch):
    monkeypatch.delenv("COURSE_BATCH_RUN", raising=False)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    pg = Playground("popularity", **SMALL)
    ui = pg.widget() and pg._ui

    def broken(settings=None) -> float:
        raise RuntimeError("simulated failure")

    monkeypatch.setattr(pg, "update_list", broken)
    ui["knobs"]["quota"].value = 0.2
    assert ui["worker"].wait(30)
    assert "simulated failure" in ui["busy"].text


def test_knobs_answer_at_once_and_a_burst_is_not_queued(monkeypatch):
    """In a live session the kernel hands the work to a background thread: moving a knob
    returns at once, and five quick moves cost at most two updates, the last setting winning."""
    monkeypatch.delenv("COURSE_BATCH_RUN", raising=False)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    pg = Playground("content", **SMALL)
    ui = pg.widget() and pg._ui
    before = len(pg.timings["list"])
    start = time.perf_counter()
    for value in (0.1, 0.2, 0.3, 0.4, 0.5):
        ui["knobs"]["diversity"].value = value
    assert time.perf_counter() - start < 0.2
    assert ui["worker"].wait(60)
    assert len(pg.timings["list"]) - before <= 2
    assert pg.settings.diversity == 0.5
    assert ui["simulation"].value == pg.simulation_png(pg.simulate(diversity=0.5), "content")


def test_bad_input_says_what_to_do():
    with pytest.raises(ValueError, match="choose one of"):
        Playground("magic", **SMALL)
    with pytest.raises(ValueError, match="quota"):
        Playground("popularity", quota=0.9, **SMALL)


def test_voila_template_is_the_lab_template_without_cdn_links():
    """The app's template must load nothing from the internet, and otherwise stay Voila's own
    lab template (a Voila upgrade that changes it shows up here)."""
    import sys
    from pathlib import Path

    ours = (Path(__file__).parents[1] / "apps" / "share" / "jupyter" / "voila" / "templates"
            / "inside-the-feed" / "index.html.j2").read_text().splitlines()
    stock = (Path(sys.prefix) / "share" / "jupyter" / "voila" / "templates" / "lab"
             / "index.html.j2").read_text().splitlines()
    loads = [line for line in ours if ("href=" in line or "src=" in line) and "//" in line]
    assert not loads, f"the template loads from the internet: {loads}"
    assert ours[1:] == [line for line in stock if "cdn.jsdelivr.net" not in line]


def test_app_notebook_runs_in_batch_mode(tmp_path):
    """apps/playground.ipynb executes unattended and displays the playground widget."""
    from pathlib import Path

    import papermill

    app = Path(__file__).parents[1] / "apps" / "playground.ipynb"
    out = papermill.execute_notebook(str(app), str(tmp_path / "app.ipynb"), kernel_name="python3",
                                     cwd=str(app.parent), progress_bar=False)
    outputs = [o for cell in out.cells if cell.cell_type == "code" for o in cell.outputs]
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
