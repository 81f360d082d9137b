"""The self-checks of notebook 05's seed exercises accept right answers and explain typical
wrong ones (without giving the answer away)."""

import numpy as np
import pytest
from scipy import stats

from course import checks, simulation
from course.exercises import nb05

NB = "05-filter-bubbles"
WORLD = dict(n_users=60, n_items=120, n_topics=4, lifetime=4)
NAMESPACE = dict(WORLD=WORLD, STEPS=5, K=5, DRIFT=0.1, SEEDS=[1, 2, 3])


@pytest.fixture(autouse=True)
def namespace(monkeypatch):
    ns = dict(NAMESPACE)
    monkeypatch.setattr(nb05, "_namespace", lambda: ns)
    return ns


def focus_change(feed, seed, sign=1.0, after_only=False):
    w = simulation.make_world(**WORLD, horizon=5, seed=seed)
    after = simulation.run(w, simulation.make_recommender(feed, w, seed=seed), 5, k=5,
                           drift=0.1, seed=seed, progress=False).world
    before = 0.0 if after_only else w.user_topics.max(axis=1).mean()
    return sign * (after.user_topics.max(axis=1).mean() - before)


def status(name, value):
    return checks.status(name, {name: value}, notebook=NB)


def test_topic_focus_change_right_and_wrong():
    assert status("topic_focus_change", focus_change)[0] == checks.RIGHT
    flipped = status("topic_focus_change", lambda f, s: focus_change(f, s, sign=-1.0))
    assert flipped[0] == checks.WRONG and "sign" in flipped[1]
    after = status("topic_focus_change", lambda f, s: focus_change(f, s, after_only=True))
    assert after[0] == checks.WRONG and "subtract" in after[1]
    unseeded = status("topic_focus_change", lambda f, s: focus_change(f, s + 1))
    assert unseeded[0] == checks.WRONG


def interval_of(gaps, quantile=None, ddof=1, root=True):
    n = len(gaps)
    q = stats.t.ppf(0.975, n - 1) if quantile is None else quantile
    half = q * np.std(gaps, ddof=ddof) / (np.sqrt(n) if root else 1.0)
    return (np.mean(gaps) - half, np.mean(gaps) + half)


@pytest.mark.parametrize("make, message", [
    (lambda g: interval_of(g, quantile=1.96), "Student's t"),
    (lambda g: interval_of(g, ddof=0), "ddof=1"),
    (lambda g: interval_of(g, root=False), "square root"),
    (lambda g: interval_of(g)[::-1], "smaller number first"),
    (lambda g: (0.0, 1.0), "not the 95% t interval"),
])
def test_gap_interval_names_the_common_mistakes(namespace, make, message):
    gaps = np.array([0.01, 0.03, -0.005])
    namespace["focus_gaps"] = gaps
    assert status("gap_interval", interval_of(gaps))[0] == checks.RIGHT
    state, text = status("gap_interval", make(gaps))
    assert state == checks.WRONG and message in text
    assert str(round(interval_of(gaps)[0], 4)) not in text      # never the answer


def test_gap_interval_wants_one_gap_per_seed(namespace):
    namespace["focus_gaps"] = np.array([0.01, 0.02])
    state, text = status("gap_interval", interval_of([0.01, 0.02]))
    assert state == checks.WRONG and "per seed" in text


def test_hints_do_not_give_the_solution_line():
    for name in ("topic_focus_change", "gap_interval"):
        for hint in checks._load(NB)[name].hints:
            assert "stats.t.ppf(0.975, n - 1) *" not in hint
            assert "focus(result.world) - focus(w)" not in hint
