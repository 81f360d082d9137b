"""The playground in a real browser: as a Voila app and inside JupyterLab.

Each test checks that the widget renders, that dragging a slider changes the plotted figures,
that no JavaScript error occurs and nothing is fetched from the internet, and saves a
screenshot to ``test-artifacts/``.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

IMAGES = ".feed-playground img"
RENDER_TIMEOUT = 60_000     # ms: the first view runs a simulation in a cold kernel


def _wait_for_figures(page) -> list[str]:
    page.locator(".feed-playground").wait_for(timeout=RENDER_TIMEOUT)
    page.wait_for_function(
        f"""() => {{
            const imgs = document.querySelectorAll({IMAGES!r});
            return imgs.length === 2 && [...imgs].every(i => i.src && i.naturalWidth > 100);
        }}""", timeout=RENDER_TIMEOUT)
    return _sources(page)


def _sources(page) -> list[str]:
    return page.eval_on_selector_all(IMAGES, "imgs => imgs.map(i => i.src)")


def _drag_diversity_slider(page, pixels: int = 120) -> None:
    """Drag the first slider (diversity) to the right with the mouse, as a learner would."""
    handle = page.locator(".feed-playground .widget-slider .noUi-handle").first
    handle.scroll_into_view_if_needed()
    box = handle.bounding_box()
    assert box is not None, "the diversity slider's handle is not visible"
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 7):                       # several moves: a drag, not a click
        page.mouse.move(x + pixels * step / 6, y)
    page.mouse.up()


def _check_slider_changes_figures(watched) -> None:
    page = watched.page
    before = _wait_for_figures(page)
    readout = page.locator(".feed-playground .widget-readout").first.inner_text()
    _drag_diversity_slider(page)
    page.wait_for_function(
        f"""(old) => {{
            const imgs = [...document.querySelectorAll({IMAGES!r})];
            return imgs.length === 2 && imgs.every((img, i) => img.src !== old[i]);
        }}""", arg=before, timeout=30_000)
    assert page.locator(".feed-playground .widget-readout").first.inner_text() != readout
    page.wait_for_function(
        "() => document.querySelector('.feed-playground').innerText.includes('Updated')",
        timeout=30_000)


def test_voila_app_renders_and_responds(voila_server, watched_page, artifacts,
                                        screenshot_on_failure):
    page = watched_page.page
    page.goto(voila_server.url + "/", timeout=RENDER_TIMEOUT)
    _check_slider_changes_figures(watched_page)
    page.screenshot(path=str(artifacts / "playground-voila.png"), full_page=True)
    watched_page.assert_clean()


def test_playground_in_jupyterlab(lab_server, watched_page, artifacts, screenshot_on_failure):
    page = watched_page.page
    page.goto(f"{lab_server.url}/lab/tree/playground.ipynb?token={lab_server.token}",
              timeout=RENDER_TIMEOUT)
    page.wait_for_function("() => window.jupyterapp && document.querySelector('.jp-Notebook')",
                           timeout=RENDER_TIMEOUT)
    # Run the cells only once the kernel is up (running them earlier races its start).
    page.wait_for_function(
        """() => {
            const panel = window.jupyterapp.shell.currentWidget;
            return panel && panel.sessionContext
                && panel.sessionContext.kernelDisplayStatus === 'idle';
        }""", timeout=RENDER_TIMEOUT)
    # Start the run without awaiting it inside the page (evaluate has no timeout of its own).
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
    _check_slider_changes_figures(watched_page)
    page.screenshot(path=str(artifacts / "playground-jupyterlab.png"), full_page=False)
    watched_page.assert_clean()
