"""The toy recommender as a Voila app in a real browser: it renders its top-10 and responds to
a change of algorithm, with no JavaScript error and nothing fetched from the internet."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

RENDER_TIMEOUT = 90_000     # ms: the first view fits EASE and scores every user in a cold kernel
FIRST_TITLES = """() => [...document.querySelectorAll('table.dataframe')]
    .filter(t => t.innerText.includes('genres'))
    .map(t => [...t.querySelectorAll('tbody tr')].map(r => r.cells[1].innerText).join('|'))
    .join('')"""


def test_toy_recommender_app_renders_and_responds(toy_voila_server, watched_page, artifacts,
                                                  screenshot_on_failure):
    page = watched_page.page
    page.goto(toy_voila_server.url + "/", timeout=RENDER_TIMEOUT)
    page.get_by_text("Toy recommender").wait_for(timeout=RENDER_TIMEOUT)
    page.wait_for_function(f"() => ({FIRST_TITLES})().split('|').length === 10",
                           timeout=RENDER_TIMEOUT)
    before = page.evaluate(FIRST_TITLES)
    assert "NDCG@10" in page.inner_text("body"), "the list's metrics are shown"

    algorithm = page.locator("select").nth(1)      # the second dropdown: user, then algorithm
    # the controls are usable: nothing (such as the wide list) is drawn on top of them
    assert algorithm.evaluate("""s => { const r = s.getBoundingClientRect();
        return r.width > 100 && document.elementFromPoint(r.x + r.width / 2,
                                                          r.y + r.height / 2) === s; }""")
    algorithm.select_option("Popularity")
    page.wait_for_function(f"(old) => {{ const now = ({FIRST_TITLES})(); "
                           "return now.split('|').length === 10 && now !== old; }",
                           arg=before, timeout=RENDER_TIMEOUT)
    after = page.evaluate(FIRST_TITLES)
    assert after != before, "a new algorithm gives a new list"
    page.screenshot(path=str(artifacts / "toy-recommender-voila.png"), full_page=True)
    watched_page.assert_clean()
