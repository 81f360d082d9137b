"""The playground in a real browser at laptop size (1366 x 768): as a Voila app and inside
JupyterLab.

Each test checks that the widget renders with its figures beside the knobs, that dragging a
slider changes both figures, and how long that took (the latency a learner sees, written to
``test-artifacts/latencies.json``); that the knobs have accessible names; that no JavaScript
error occurs and nothing is fetched from the internet; and saves a screenshot.
"""

from __future__ import annotations

import time

import pytest
from labpage import open_notebook, shut_down_kernel
from latency import record_latency

pytestmark = pytest.mark.browser

IMAGES = ".feed-playground img"
RENDER_TIMEOUT = 90_000     # ms: the first view runs a simulation in a cold kernel


def _wait_for_figures(page) -> list[str]:
    page.locator(".feed-playground").wait_for(timeout=RENDER_TIMEOUT)
    page.wait_for_function(
        f"""() => {{
            const imgs = document.querySelectorAll({IMAGES!r});
            return imgs.length === 2 && [...imgs].every(i => i.src && i.naturalWidth > 100);
        }}""", timeout=RENDER_TIMEOUT)
    return _sources(page)


def _sources(page) -> list[str]:
    return page.evaluate(_DIGESTS)


#: A digest of each figure's bytes (an image's blob URL changes whenever its view redraws,
#: e.g. when the busy sign dims it, so the URL does not tell whether the picture changed).
_DIGESTS = f"""async () => {{
    const out = [];
    for (const img of document.querySelectorAll({IMAGES!r})) {{
        const bytes = new Uint8Array(await (await fetch(img.src)).arrayBuffer());
        let h = 2166136261;
        for (let i = 0; i < bytes.length; i += 7) {{ h = Math.imul(h ^ bytes[i], 16777619); }}
        out.push(bytes.length + ':' + (h >>> 0));
    }}
    return out;
}}"""


def _wait_for_change(page, old: list[str], index: int, timeout: float = 30.0) -> None:
    deadline = time.perf_counter() + timeout
    while _sources(page)[index] == old[index]:
        assert time.perf_counter() < deadline, "the figure did not change"
        page.wait_for_timeout(20)


def _drag_diversity_slider(page, pixels: int = 60) -> None:
    """Drag the first slider (diversity) to the right with the mouse, as a learner would."""
    handle = page.locator(".feed-playground .widget-slider .noUi-handle").first
    box = handle.bounding_box()
    assert box is not None, "the diversity slider's handle is not visible"
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 7):                       # several moves: a drag, not a click
        page.mouse.move(x + pixels * step / 6, y)
    page.mouse.up()


def _check_layout_and_accessibility(page) -> None:
    slider = page.locator(".feed-playground .widget-slider").first.bounding_box()
    images = [page.locator(IMAGES).nth(i).bounding_box() for i in range(2)]
    for image in images:                            # beside the knobs, on a laptop screen
        assert image["x"] >= slider["x"] + slider["width"] - 5
        assert image["y"] < 768 and image["width"] > 250
    names = page.eval_on_selector_all(".feed-playground .noUi-handle",
                                      "hs => hs.map(h => h.getAttribute('aria-label'))")
    assert names and all(names), f"slider handles without an accessible name: {names}"
    assert page.locator(".feed-playground input[type=radio]").count() == 2


def _check_slider_changes_figures(watched, where: str) -> None:
    page = watched.page
    before = _wait_for_figures(page)
    page.wait_for_timeout(500)
    readout = page.locator(".feed-playground .widget-readout").first.inner_text()
    _drag_diversity_slider(page)
    start = time.perf_counter()
    _wait_for_change(page, before, 0)
    list_seconds = time.perf_counter() - start
    _wait_for_change(page, before, 1)
    sim_seconds = time.perf_counter() - start
    record_latency(f"playground ({where}): list view after a slider drag", list_seconds)
    record_latency(f"playground ({where}): simulation view after a slider drag", sim_seconds)
    assert page.locator(".feed-playground .widget-readout").first.inner_text() != readout
    _check_layout_and_accessibility(page)


def test_voila_app_renders_and_responds(voila_server, watched_page, artifacts,
                                        screenshot_on_failure):
    page = watched_page.page
    start = time.perf_counter()
    page.goto(voila_server.url + "/", timeout=RENDER_TIMEOUT)
    _wait_for_figures(page)
    record_latency("playground (Voila): first render", time.perf_counter() - start)
    _check_slider_changes_figures(watched_page, "Voila")
    page.wait_for_timeout(500)
    page.screenshot(path=str(artifacts / "playground-voila.png"))
    watched_page.assert_clean()


def test_playground_in_jupyterlab(lab_server, watched_page, artifacts, screenshot_on_failure):
    page = watched_page.page
    open_notebook(page, lab_server, "playground.ipynb")
    # Start the run without awaiting it inside the page (evaluate has no timeout of its own).
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
    _wait_for_figures(page)
    page.evaluate("""() => document.querySelector('.feed-playground')
        .scrollIntoView({block: 'start'})""")
    _check_slider_changes_figures(watched_page, "JupyterLab")
    page.wait_for_timeout(500)
    page.screenshot(path=str(artifacts / "playground-jupyterlab.png"))
    watched_page.assert_clean()


def test_reopened_notebook_says_to_run_the_cell_again(lab_server, watched_page, artifacts):
    """After a restart the widget's model is gone: the cell says what to do."""
    page = watched_page.page
    open_notebook(page, lab_server, "playground.ipynb")
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
    _wait_for_figures(page)
    note = page.locator(".course-rerun")
    assert note.count() == 1 and not note.is_visible(), "hidden while the widget is alive"
    page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
    page.wait_for_timeout(1000)
    shut_down_kernel(page)                         # as when Lab is closed and opened again
    open_notebook(page, lab_server, "playground.ipynb")      # a new kernel: no models
    page.wait_for_timeout(3000)
    assert page.get_by_text("run this cell again").is_visible()
    page.locator(".course-rerun").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "playground-reopened.png"))
