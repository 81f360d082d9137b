"""The toy recommender as a Voila app in a real browser at laptop size (1366 x 768): it renders
its top-10, answers a knob (list first, then the metrics over all users: both times go to
``test-artifacts/latencies.json``), shows a busy sign during a longer wait, has usable rating
sliders and accessible knobs, with no JavaScript error and nothing fetched from the internet."""

from __future__ import annotations

import time

import pytest
from latency import record_latency

pytestmark = pytest.mark.browser

RENDER_TIMEOUT = 90_000     # ms: the first view fits EASE and scores every user in a cold kernel
TITLES = """() => [...document.querySelectorAll('table.course-toy-table tbody tr')]
    .map(r => r.querySelector('td').innerText).join('|')"""
METRICS = "() => document.querySelector('table.course-toy-metrics').innerText"


def _timed_change(page, name: str, change) -> None:
    """Make ``change`` and record how long until the list, then all users' metrics, update."""
    before = page.evaluate(TITLES), page.evaluate(METRICS)
    change()
    start = time.perf_counter()
    page.wait_for_function(f"(old) => ({TITLES})() !== old && ({TITLES})().split('|').length "
                           "=== 10", arg=before[0], timeout=RENDER_TIMEOUT, polling=20)
    record_latency(f"toy recommender: list after {name}", time.perf_counter() - start)
    page.wait_for_function(f"() => ({METRICS})().includes('all users: NDCG@10')",
                           timeout=RENDER_TIMEOUT, polling=20)
    record_latency(f"toy recommender: all-user metrics after {name}",
                   time.perf_counter() - start)


def test_toy_recommender_app_renders_and_responds(toy_voila_server, watched_page, artifacts,
                                                  screenshot_on_failure):
    page = watched_page.page
    start = time.perf_counter()
    page.goto(toy_voila_server.url + "/", timeout=RENDER_TIMEOUT)
    page.wait_for_function(f"() => ({TITLES})().split('|').length === 10",
                           timeout=RENDER_TIMEOUT)
    page.wait_for_function(f"() => ({METRICS})().includes('all users: NDCG@10')",
                           timeout=RENDER_TIMEOUT)
    record_latency("toy recommender (Voila): first render", time.perf_counter() - start)
    page.wait_for_timeout(500)
    page.screenshot(path=str(artifacts / "toy-recommender-voila.png"))

    algorithm = page.locator("select").nth(1)      # the second dropdown: user, then algorithm
    # the controls are usable: nothing (such as the wide list) is drawn on top of them
    assert algorithm.evaluate("""s => { const r = s.getBoundingClientRect();
        return r.width > 100 && document.elementFromPoint(r.x + r.width / 2,
                                                          r.y + r.height / 2) === s; }""")
    # keyboard on the popularity penalty's handle: one step right
    handle = page.locator(".widget-slider .noUi-handle").nth(3)
    assert handle.get_attribute("aria-label") == "popularity penalty"
    _timed_change(page, "a popularity-penalty step (keyboard)",
                  lambda: (handle.focus(), handle.press("ArrowRight")))
    _timed_change(page, "choosing Popularity", lambda: algorithm.select_option("Popularity"))
    # item kNN scores every user slowly: the busy sign and 'computing' show meanwhile
    algorithm.select_option("Item-item kNN")
    page.wait_for_function(f"() => ({METRICS})().includes('computing')", timeout=30_000)
    assert page.locator(".course-busy.on").count() == 1
    page.wait_for_function(f"() => ({METRICS})().includes('all users: NDCG@10')",
                           timeout=RENDER_TIMEOUT)
    reg = page.locator(".widget-slider").nth(2)
    assert reg.locator(".noUi-handle").get_attribute("aria-valuetext") == \
        reg.locator(".widget-readout").inner_text()
    # rating films yourself: sliders with a track a mouse can use
    page.locator("select").first.select_option("You (rate films below)")
    star = page.locator(".widget-slider").nth(4)
    star.wait_for(state="visible", timeout=30_000)
    assert star.locator(".slider-container").bounding_box()["width"] > 120
    star.locator(".noUi-handle").focus()
    for _ in range(4):
        star.locator(".noUi-handle").press("ArrowRight")
    page.wait_for_function(f"() => ({TITLES})().split('|').length === 10",
                           timeout=RENDER_TIMEOUT)
    page.screenshot(path=str(artifacts / "toy-recommender-you.png"))
    watched_page.assert_clean()
