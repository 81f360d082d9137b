"""The engagement-vs-satisfaction user model: formulas on hand-made cases and the qualitative
facts notebook 04 teaches."""

import doctest

import numpy as np
import pytest

from course import user_model as um
from course.engagement import ctr_by_position


def tiny_world():
    # 2 users x 3 items; item 2 is clickbait (high click, negative satisfaction)
    click = np.array([[0.2, 0.4, 0.9], [0.5, 0.1, 0.8]])
    satisfaction = np.array([[1.0, 2.0, -1.0], [0.5, 3.0, -2.0]])
    return um.EngagementWorld(click, satisfaction, np.array([False, False, True]),
                              np.array([0.8, 0.7, 0.2]), um.examination_probability(3, 1.0))


@pytest.fixture(scope="module")
def world():
    return um.make_engagement_world(n_users=1500, n_items=300, seed=4)


def test_expected_outcomes_by_hand():
    w = tiny_world()
    ranked = np.array([[2, 1, 0], [1, 0, 2]])
    out = um.expected_outcomes(w, ranked)
    clicks = [0.9 + 0.5 * 0.4 + 0.2 / 3, 0.1 + 0.5 * 0.5 + 0.8 / 3]
    sat = [0.9 * -1 + 0.2 * 2 + 0.2 / 3 * 1, 0.1 * 3 + 0.25 * 0.5 + 0.8 / 3 * -2]
    assert out["clicks"] == pytest.approx(np.mean(clicks))
    assert out["satisfaction"] == pytest.approx(np.mean(sat))
    assert out["clickbait_share"] == pytest.approx((0.9 + 0.8 / 3) / sum(clicks))


def test_rank_by_objectives_on_the_tiny_world():
    w = tiny_world()
    assert um.rank_by(w, "engagement", 1).ravel().tolist() == [2, 2]
    assert um.rank_by(w, "satisfaction", 1).ravel().tolist() == [1, 1]
    assert um.rank_by(w, 0.0, 3).tolist() == um.rank_by(w, "engagement", 3).tolist()
    assert um.rank_by(w, 1.0, 3).tolist() == um.rank_by(w, "satisfaction", 3).tolist()
    with pytest.raises(ValueError, match="objective"):
        um.rank_by(w, "likes", 2)
    with pytest.raises(ValueError, match="k must be"):
        um.rank_by(w, "engagement", 4)


def test_pareto_mask_known_answers():
    e = np.array([1.0, 2.0, 2.0, 0.5, 1.0])
    s = np.array([2.0, 1.0, 1.0, 0.5, 1.5])
    # point 3 is dominated by everyone; 4 by 0 (same e, lower s); the tie 1 = 2 both survive
    assert um.pareto_mask(e, s).tolist() == [True, True, True, False, False]
    with pytest.raises(ValueError):
        um.pareto_mask(e, s[:2])


def test_model_is_seeded_and_clickbait_is_engaging_but_unsatisfying(world):
    again = um.make_engagement_world(n_users=1500, n_items=300, seed=4)
    assert np.array_equal(world.click, again.click)
    cb = world.is_clickbait
    assert cb.mean() == pytest.approx(0.2)
    assert world.click[:, cb].mean() > 1.5 * world.click[:, ~cb].mean()
    assert world.satisfaction[:, cb].mean() < world.satisfaction[:, ~cb].mean() - 1.0


def test_engagement_ranking_buys_clicks_with_satisfaction(world):
    eng = um.expected_outcomes(world, um.rank_by(world, "engagement"))
    sat = um.expected_outcomes(world, um.rank_by(world, "satisfaction"))
    assert eng["clicks"] > 1.1 * sat["clicks"]
    assert sat["satisfaction"] > 2 * eng["satisfaction"]
    assert eng["clickbait_share"] > 0.5 > sat["clickbait_share"]


def test_frontier_is_monotone_in_clicks_and_ends_meet_the_pure_rankings(world):
    f = um.frontier(world, np.linspace(0, 1, 6))
    assert np.all(np.diff(f["clicks"]) <= 1e-12)              # more weight on satisfaction
    assert f["clicks"].iloc[0] == pytest.approx(
        um.expected_outcomes(world, um.rank_by(world, "engagement"))["clicks"])
    assert f["pareto"].iloc[:4].all()


def test_randomised_feed_reveals_the_examination_curve(world):
    log = um.simulate_impressions(world, um.rank_by(world, "random", 10), seed=1)
    ctr = ctr_by_position(log)["ctr"].to_numpy()
    # with items in random order, CTR(p) / CTR(1) estimates examination(p) / examination(1)
    assert ctr / ctr[0] == pytest.approx(world.examination[:10], abs=0.1)
    assert log["examined"].mean() == pytest.approx(world.examination[:10].mean(), abs=0.01)
    assert not log.loc[~log["examined"], "clicked"].any()


def test_examination_probability_validates():
    assert um.examination_probability(3, 0.0).tolist() == [1.0, 1.0, 1.0]
    with pytest.raises(ValueError, match="position_decay"):
        um.examination_probability(3, -1)


def test_doctests():
    assert doctest.testmod(um).failed == 0


def test_notebook_04_checkers_accept_the_reference_and_catch_mistakes():
    from course import checks

    def check(name, value):
        return checks.status(name, {name: value}, notebook="04-optimizing-for-engagement")[0]

    assert check("expected_clicks", lambda c, e: (c * e).sum(axis=1)) == checks.RIGHT
    assert check("expected_clicks", lambda c, e: c.sum(axis=1)) == checks.WRONG
    assert check("pareto_mask", um.pareto_mask) == checks.RIGHT
    assert check("pareto_mask", lambda e, s: np.ones(len(e), bool)) == checks.WRONG

    def bias(log):
        ctr = ctr_by_position(log)["ctr"].to_numpy()
        return ctr / ctr[0]

    assert check("position_bias", bias) == checks.RIGHT
    assert check("position_bias", lambda log: ctr_by_position(log)["ctr"].to_numpy()) == \
        checks.WRONG
