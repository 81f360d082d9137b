"""The cascade model: the spreading step on graphs whose answer is known by hand, the
fact-checking queue, policies, determinism, and the qualitative facts notebook 07 teaches."""

import doctest

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from course import cascade as cc
from course import facts


def items_table(pulls, is_false, posters, post_steps=None):
    n = len(pulls)
    return pd.DataFrame({"is_false": is_false, "pull": pulls, "poster": posters,
                         "post_step": post_steps if post_steps is not None else [0] * n})


@pytest.fixture(scope="module")
def graph():
    return cc.make_social_graph(n_users=1500, seed=2)


@pytest.fixture(scope="module")
def items():
    return cc.make_items(n_items=150, n_users=1500, seed=2)


def test_see_probability_known_values():
    p = cc.see_probability(np.array([[0, 1, 3], [2, 2, 0]]), np.array([0.5, 0.1]))
    assert p == pytest.approx(np.array([[0, 0.5, 0.875], [0.19, 0.19, 0]]))


def test_fact_check_queue():
    reach = np.array([10, 50, 30, 50, 99])
    eligible = np.array([True, True, True, True, False])
    assert cc.fact_check_queue(reach, eligible, 3).tolist() == [1, 3, 2]
    assert cc.fact_check_queue(reach, eligible, 0).size == 0
    assert cc.fact_check_queue(reach, np.zeros(5, bool), 2).size == 0


def test_certain_spread_on_a_path_reaches_one_more_user_per_step():
    # visibility 1 and pull 1: the post moves one hop per step along a path 0-1-2-3-4-5
    g = nx.path_graph(6)
    it = items_table([1.0], [False], [0])
    r = cc.spread(g, it, steps=4, ranking="chronological", base_visibility=1.0, seed=0)
    assert r.reach[:, 0].tolist() == [0, 2, 3, 4, 5]           # step 1: the poster and user 1
    assert r.exposed[0].tolist() == [True] * 5 + [False]


def test_no_sharing_means_only_direct_friends_see_it():
    g = nx.star_graph(10)                                        # hub 0 with 10 friends
    it = items_table([1e-9], [False], [0])
    r = cc.spread(g, it, steps=5, ranking="chronological", base_visibility=1.0, seed=0)
    assert r.items["reach"].iloc[0] == 11


def test_visibility_is_the_share_of_friends_who_see_a_post():
    g = nx.star_graph(4000)
    it = items_table([1e-9], [False], [0])
    r = cc.spread(g, it, steps=2, ranking="chronological", base_visibility=0.3, seed=1)
    assert (r.items["reach"].iloc[0] - 1) / 4000 == pytest.approx(0.3, abs=0.03)


def test_removal_stops_a_flagged_item(graph):
    # one false item, checked as soon as possible (delay 0): removal freezes its reach
    it = items_table([0.5], [True], [int(np.argmax([d for _, d in graph.degree()]))])
    r = cc.spread(graph, it, steps=10, policy="remove", capacity=1, delay=0, seed=0)
    assert r.items["flagged_step"].iloc[0] == 0
    assert np.all(r.reach[2:, 0] == r.reach[1, 0])
    none = cc.spread(graph, it, steps=10, policy="none", capacity=1, delay=0, seed=0)
    assert none.items["reach"].iloc[0] > 3 * r.items["reach"].iloc[0]


def test_true_items_are_never_flagged_and_policies_leave_them_alone(graph, items):
    runs = {p: cc.spread(graph, items, policy=p, seed=3) for p in cc.POLICIES}
    true = ~items["is_false"].to_numpy()
    for r in runs.values():
        assert (r.items.loc[true, "flagged_step"] == -1).all()
        assert np.array_equal(r.reach[:, true], runs["none"].reach[:, true])


def test_same_seed_same_cascades(graph, items):
    a = cc.spread(graph, items, seed=5)
    b = cc.spread(graph, items, seed=5)
    c = cc.spread(graph, items, seed=6)
    assert np.array_equal(a.reach, b.reach)
    assert not np.array_equal(a.reach, c.reach)


@pytest.fixture(scope="module")
def over_seeds():
    # the notebook's size (2000 people, 200 posts): 40 false posts per world
    plain = cc.compare_over_seeds(range(1, 7), rankings=("engagement", "chronological"),
                                  policies=("none",))
    acted = cc.compare_over_seeds([1, 2, 3], policies=("downrank", "remove"))
    return pd.concat([plain, acted], ignore_index=True).set_index(["seed", "ranking", "policy"])


def test_false_items_travel_further_as_a_tendency_not_in_every_world(over_seeds):
    eng = over_seeds.xs(("engagement", "none"), level=("ranking", "policy"))
    assert eng["false_reach"].mean() > 1.5 * eng["true_reach"].mean()
    assert (eng["false_reach"] > eng["true_reach"]).mean() >= 0.6
    # ... but a world with 40 false posts can draw few viral ones: seed 1 is such a world,
    # which is why notebook 07 reports this as a tendency with an interval
    assert eng.loc[1, "false_reach"] < eng.loc[1, "true_reach"]


def test_engagement_ranking_boosts_false_reach_and_policies_cut_it_in_every_seed(over_seeds):
    eng = over_seeds.xs(("engagement", "none"), level=("ranking", "policy"))
    chrono = over_seeds.xs(("chronological", "none"), level=("ranking", "policy"))
    assert (chrono["false_reach"] < eng["false_reach"]).all()   # the model's ranking assumption
    for policy in ("downrank", "remove"):
        cut = over_seeds.xs(("engagement", policy), level=("ranking", "policy"))["false_reach"]
        assert (cut < eng["false_reach"].loc[cut.index]).all()


def test_false_advantage_is_counted_once():
    # pull ratio x visibility ratio under the engagement feed = Vosoughi et al.'s 1.7
    assert cc.FALSE_PULL_RATIO ** 2 == pytest.approx(1 + facts.FALSE_NEWS_RETWEET_ADVANTAGE)
    items = cc.make_items(n_items=4000, n_users=10, seed=0)
    means = items.groupby("is_false")["pull"].mean()
    assert means[True] / means[False] == pytest.approx(cc.FALSE_PULL_RATIO, rel=0.05)
    # engagement_boost=0 makes the engagement feed show every item equally
    g = nx.path_graph(50)
    it = items_table([0.9, 0.1], [True, False], [0, 0])
    flat = cc.spread(g, it, steps=3, ranking="engagement", engagement_boost=0.0, seed=1)
    chrono = cc.spread(g, it, steps=3, ranking="chronological", seed=1)
    assert np.array_equal(flat.reach, chrono.reach)


def test_excess_degree_and_reproduction_number_by_hand():
    assert cc.mean_excess_degree(nx.random_regular_graph(4, 20, seed=1)) == pytest.approx(3)
    assert cc.mean_excess_degree(nx.star_graph(10)) == pytest.approx(4.5)   # (n - 1) / 2
    heavy = cc.make_social_graph(n_users=2000, seed=2020)
    degrees = np.array([d for _, d in heavy.degree()])
    assert cc.mean_excess_degree(heavy) > 2 * degrees.mean()
    assert cc.reproduction_number(nx.cycle_graph(8), 0.4, 0.5) == pytest.approx(0.2)


def test_future_view_cut_and_calibration_to_80_percent(graph, items):
    none = cc.spread(graph, items, policy="none", seed=0)
    assert cc.future_view_cut(none, cc.spread(graph, items, policy="remove", seed=0)) == 1.0
    assert cc.future_view_cut(none, none) == 0.0
    cuts = [cc.future_view_cut(none, cc.spread(graph, items, policy="downrank",
                                               downrank_factor=f, seed=0))
            for f in (0.6, 0.3, 0.1)]
    assert cuts[0] < cuts[1] < cuts[2] < 1
    table = cc.calibrate_downrank(graph, items, factors=(0.5, 0.3, 0.2, 0.1), seed=0)
    chosen = table.loc[table["chosen"]].iloc[0]
    assert abs(chosen["future_view_cut"] - facts.FALSE_RATING_VIEW_CUT) == \
        (table["future_view_cut"] - 0.8).abs().min()
    assert abs(chosen["future_view_cut"] - 0.8) < 0.1


def test_longer_delays_let_more_through_in_every_seed():
    for seed in (1, 2, 3):
        g = cc.make_social_graph(n_users=1000, seed=seed)
        it = cc.make_items(n_items=120, n_users=1000, seed=seed)

        fast, slow = (cc.spread(g, it, policy="remove", capacity=10, delay=d,
                                seed=seed).summary()["false_reach"] for d in (1, 6))
        assert fast < slow


def test_bad_input(graph, items):
    with pytest.raises(ValueError, match="unknown policy"):
        cc.spread(graph, items, policy="ban")
    with pytest.raises(ValueError, match="poster"):
        cc.spread(nx.path_graph(3), items)
    with pytest.raises(ValueError, match="columns"):
        cc.spread(graph, items.drop(columns="pull"))


def test_doctests():
    assert doctest.testmod(cc).failed == 0


def test_notebook_07_checkers_accept_the_reference_and_catch_mistakes():
    from course import checks

    def check(name, value):
        return checks.status(name, {name: value}, notebook="07-misinformation")[0]

    assert check("see_probability", cc.see_probability) == checks.RIGHT
    assert check("see_probability",
                 lambda c, v: np.minimum(1, c * np.asarray(v)[:, None])) == checks.WRONG
    assert check("fact_check_queue", cc.fact_check_queue) == checks.RIGHT
    assert check("fact_check_queue", lambda r, e, c: np.flatnonzero(e)[:c]) == checks.WRONG

    def share(reach, is_false):
        return reach[is_false].sum() / reach.sum()

    assert check("exposure_share", share) == checks.RIGHT
    assert check("exposure_share", lambda r, f: r[f].sum()) == checks.WRONG
