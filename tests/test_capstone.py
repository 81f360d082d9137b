"""course.capstone (the capstone's dashboard) and the self-checks of 08-capstone."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from course import capstone, simulation
from course.exercises import nb08

SMALL = dict(n_users=200, n_items=150, steps=10)


def fair_policy(scores, world, k):
    """Engagement plus quality minus pull: the kind of policy the capstone asks for."""
    allowed = np.isfinite(scores)
    low = np.where(allowed, scores, np.inf).min(axis=1, keepdims=True)
    high = np.where(allowed, scores, -np.inf).max(axis=1, keepdims=True)
    engagement = (scores - low) / np.where(high > low, high - low, 1.0)
    pull = world.item_pull / world.item_pull.max()
    adjusted = np.where(allowed, engagement + 0.5 * world.item_quality - 0.3 * pull, -np.inf)
    return simulation.top_k(adjusted, world, k)


def test_misinformation_reach_counts_users_per_false_item():
    consumed = np.array([[1, 1, 0], [0, 1, 0], [0, 1, 1], [0, 0, 0]])
    labels = np.array([True, False, True])
    assert capstone.misinformation_reach(consumed, labels) == pytest.approx(0.25)
    assert capstone.misinformation_reach(sp.csr_matrix(consumed), labels) == pytest.approx(0.25)
    assert capstone.misinformation_reach(consumed, np.zeros(3, dtype=bool)) == 0.0
    with pytest.raises(ValueError, match="same items"):
        capstone.misinformation_reach(consumed, labels[:2])


@pytest.mark.parametrize("bad, message", [
    (lambda s, w, k: None, "returned None"),
    (lambda s, w, k: simulation.top_k(s, w, k)[:, :-1], "shape"),
    (lambda s, w, k: s[:, :k], "integer item indices"),
    (lambda s, w, k: np.zeros((s.shape[0], k), dtype=int), "same item twice"),
    (lambda s, w, k: np.argsort(s, axis=1)[:, :k], "already consumed"),
])
def test_check_policy_says_what_is_wrong(bad, message):
    with pytest.raises(ValueError, match=message):
        capstone.check_policy(bad)


def test_hidden_information_is_detected():
    def reads_labels(scores, world, k):
        return simulation.top_k(np.where(world.item_false, -1.0, scores), world, k)

    def reads_ideology(scores, world, k):     # matches slant to each user's true ideology
        gap = np.abs(world.item_slant[None, :] - world.user_ideology[:, None])
        return simulation.top_k(scores - gap, world, k)

    assert capstone.uses_hidden_information(reads_labels) == ["item_false"]
    assert capstone.uses_hidden_information(reads_ideology) == ["user_ideology"]
    assert capstone.uses_hidden_information(fair_policy) == []


def test_evaluate_is_seeded_and_the_seed_matters():
    a = capstone.evaluate(None, 3, **SMALL)
    b = capstone.evaluate(None, 3, **SMALL)
    c = capstone.evaluate(None, 4, **SMALL)
    assert list(a.index) == list(capstone.METRICS)
    assert a.equals(b)
    assert not a.equals(c)
    assert 0 < a["engagement"] <= 1 and 0 < a["misinformation_reach"] < 1


@pytest.mark.parametrize("seed", [1, 2])
def test_penalising_pull_cuts_misinformation_reach(seed):
    """The capstone's premise: false items spread through their pull, so a feed that penalises
    pull halves their reach without losing much satisfaction (here on small worlds)."""
    base = capstone.evaluate(None, seed, **SMALL)
    fair = capstone.evaluate(fair_policy, seed, **SMALL)
    assert fair["misinformation_reach"] < 0.5 * base["misinformation_reach"]
    assert fair["satisfaction"] > 0.8 * base["satisfaction"]
    assert fair["engagement"] < base["engagement"]      # the price: fewer clicks


def test_dashboard_and_its_plot():
    import matplotlib

    matplotlib.use("Agg")
    table = capstone.dashboard({"engagement": None, "fair": fair_policy}, seed=1,
                               n_users=100, n_items=80, steps=4)
    assert table.index.tolist() == ["engagement", "fair"]
    fig = capstone.plot_dashboard(table)
    for ax, metric in zip(fig.axes, capstone.METRICS, strict=True):
        assert metric.replace("_", " ") in ax.get_title()
        assert ax.get_xlabel() and ax.get_ylabel()
    with pytest.raises(ValueError, match="capstone.dashboard"):
        capstone.plot_dashboard(table.drop(columns="diversity"))


def test_reach_checker_names_the_common_mistakes():
    def share_of_consumption(consumed, item_false):
        consumed = consumed.toarray() if sp.issparse(consumed) else consumed
        return consumed[:, item_false].sum() / consumed.sum()

    assert "share of all consumption" in nb08._check_reach(share_of_consumption)
    assert nb08._check_reach(capstone.misinformation_reach) is None


def test_policy_checker_rejects_the_engagement_feed_and_accepts_a_fair_policy():
    assert "misinformation reach" in nb08._check_policy(simulation.top_k)
    assert nb08._check_policy(fair_policy) is None


def test_judge_asks_for_both_targets():
    base = {"misinformation_reach": 0.2, "satisfaction": 0.1}
    assert nb08.judge({"misinformation_reach": 0.05, "satisfaction": 0.09}, base) is None
    assert "misinformation" in nb08.judge({"misinformation_reach": 0.15,
                                           "satisfaction": 0.1}, base)
    assert "satisfaction" in nb08.judge({"misinformation_reach": 0.0,
                                         "satisfaction": 0.05}, base)
