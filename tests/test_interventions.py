"""Known-answer tests for the re-rankers of course.interventions (cases worked by hand)."""

from __future__ import annotations

import doctest
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from scipy.stats import entropy

from course import interventions as iv
from course.metrics import intra_list_diversity
from course.recommender import top_k

# Four items: 0 and 1 are near-duplicates, 2 is a little like them, 3 is unlike anything.
SCORES = np.array([[1.0, 0.9, 0.8, 0.0]])
SIM = np.array([[1.00, 0.95, 0.10, 0.0],
                [0.95, 1.00, 0.20, 0.0],
                [0.10, 0.20, 1.00, 0.0],
                [0.00, 0.00, 0.00, 1.0]])


def test_doctests():
    result = doctest.testmod(iv)
    assert result.attempted >= 15 and result.failed == 0


# -- MMR -------------------------------------------------------------------------------------------
def test_mmr_hand_worked():
    # lam=0.5: step 2 values: item1 .45-.5*.95=-.025, item2 .4-.5*.1=.35, item3 0 -> item 2;
    # step 3: item1 still -.025 (max sim .95), item3 0 -> item 3.
    assert iv.mmr_rerank(SCORES, SIM, 3, lam=0.5).tolist() == [[0, 2, 3]]
    # lam=0.8: step 2: item1 .72-.19=.53, item2 .64-.02=.62 -> 2; step 3: item1 .53 > item3 0.
    assert iv.mmr_rerank(SCORES, SIM, 3, lam=0.8).tolist() == [[0, 2, 1]]
    # lam=1 is plain relevance; a pool of 2 candidates leaves no room for diversity.
    assert iv.mmr_rerank(SCORES, SIM, 3, lam=1.0).tolist() == [[0, 1, 2]]
    assert iv.mmr_rerank(SCORES, SIM, 2, lam=0.0, pool=2).tolist() == [[0, 1]]


def _mmr_reference(scores, sim, k, lam):
    """A slow, obviously correct MMR for one user (scores already in [0, 1])."""
    chosen = [int(np.argmax(scores))]
    while len(chosen) < k:
        best, best_value = None, -np.inf
        for i in range(len(scores)):
            if i in chosen:
                continue
            value = lam * scores[i] - (1 - lam) * max(sim[i, j] for j in chosen)
            if value > best_value:
                best, best_value = i, value
        chosen.append(best)
    return chosen


def test_mmr_vectorized_matches_reference_loop():
    rng = np.random.default_rng(3)
    scores = rng.random((6, 30))
    scores = (scores - scores.min(1, keepdims=True)) / np.ptp(scores, axis=1, keepdims=True)
    sim = iv.cosine_similarity(rng.random((30, 5)))
    got = iv.mmr_rerank(scores, sim, 5, lam=0.6, pool=None)
    for u in range(6):
        assert got[u].tolist() == _mmr_reference(scores[u], sim, 5, 0.6)


def test_mmr_raises_diversity_and_costs_relevance():
    rng = np.random.default_rng(0)
    features = (rng.random((80, 6)) < 0.3).astype(float)
    sim = iv.cosine_similarity(features)
    scores = rng.random((40, 80))
    plain = top_k(scores, 10)
    diverse = iv.mmr_rerank(scores, sim, 10, lam=0.3)
    feats = pd.DataFrame(features)
    assert intra_list_diversity(diverse, feats) > intra_list_diversity(plain, feats) + 0.05
    assert np.take_along_axis(scores, diverse, 1).sum() < np.take_along_axis(scores, plain, 1).sum()
    assert all(len(set(row)) == 10 for row in diverse.tolist())


# -- calibration -----------------------------------------------------------------------------------
def test_kl_miscalibration_hand_value_and_scipy():
    # q~ = .99*[1, 0] + .01*[.5, .5] = [.995, .005]; .5 ln(.5/.995) + .5 ln(.5/.005) = 1.958518
    assert iv.kl_miscalibration([0.5, 0.5], [1.0, 0.0]) == pytest.approx(1.958518, abs=1e-6)
    assert iv.kl_miscalibration([0.2, 0.8], [0.2, 0.8]) == pytest.approx(0.0, abs=1e-12)
    rng = np.random.default_rng(1)
    p, q = rng.dirichlet(np.ones(5), 4), rng.dirichlet(np.ones(5), 4)
    np.testing.assert_allclose(iv.kl_miscalibration(p, q, alpha=0.0), entropy(p, q, axis=1))


def test_distributions():
    genres = np.array([[1, 0, 0], [1, 1, 0], [0, 0, 0]])
    np.testing.assert_allclose(iv.item_distributions(genres)[1], [0.5, 0.5, 0])
    history = np.array([[1, 1, 0], [0, 0, 0]])
    np.testing.assert_allclose(iv.user_distributions(history, genres),
                               [[0.75, 0.25, 0], [1 / 3, 1 / 3, 1 / 3]])
    np.testing.assert_allclose(iv.list_distributions(np.array([[0, 1]]), genres),
                               [[0.75, 0.25, 0]])


def test_calibrated_hand_worked():
    genres = np.array([[1, 0], [1, 0], [1, 0], [0, 1]])
    target = np.array([[0.5, 0.5]])
    # step 1: item 0 scores .5*1 - .5*1.9585 > item 3's 0 - .5*1.9585; step 2: item 1 gives
    # .45 - .979 while item 3 makes the list [.5, .5] (KL 0): value 0 -> item 3.
    assert iv.calibrated_rerank(SCORES, genres, target, 2, lam=0.5).tolist() == [[0, 3]]
    assert iv.calibrated_rerank(SCORES, genres, target, 2, lam=0.0).tolist() == [[0, 1]]


def test_greedy_combines_diversity_and_calibration_by_hand():
    genres = np.array([[1, 0], [1, 0], [1, 0], [0, 1]])
    target = np.array([[0.5, 0.5]])
    both = dict(similarity=SIM, item_features=genres, target=target)
    # step 2, cal=.5, div=.5: item1 .5(.45-.475)-.979=-.992, item2 .5(.4-.05)-.979=-.804,
    # item3 .5(0-0)-0 = 0 -> 3
    assert iv.greedy_rerank(SCORES, 2, diversity=0.5, calibration=0.5, **both).tolist() == \
        [[0, 3]]
    # cal=.1: item2 .9*.35-.1*1.9585=.119 beats item3 (0) and item1 (.9*-.025-.196)
    assert iv.greedy_rerank(SCORES, 2, diversity=0.5, calibration=0.1, **both).tolist() == \
        [[0, 2]]
    # without the diversity term item 1 (.9*.9-.196=.614) wins
    assert iv.greedy_rerank(SCORES, 2, diversity=0.0, calibration=0.1, **both).tolist() == \
        [[0, 1]]
    with pytest.raises(ValueError, match="needs similarity"):
        iv.greedy_rerank(SCORES, 2, diversity=0.5)


def test_calibration_lowers_miscalibration():
    rng = np.random.default_rng(2)
    genres = (rng.random((100, 8)) < 0.25).astype(float)
    history = (rng.random((50, 100)) < 0.1).astype(float)
    target = iv.user_distributions(history, genres)
    scores = rng.random((50, 100))
    before = iv.kl_miscalibration(target, iv.list_distributions(top_k(scores, 10), genres))
    lists = iv.calibrated_rerank(scores, genres, target, 10, lam=0.9)
    after = iv.kl_miscalibration(target, iv.list_distributions(lists, genres))
    assert after.mean() < 0.5 * before.mean()


# -- exploration -----------------------------------------------------------------------------------
def test_epsilon_greedy():
    rng = np.random.default_rng(5)
    scores = rng.random((1000, 50))
    best = top_k(scores, 10)
    assert (iv.epsilon_greedy(scores, 10, 0.0) == best).all()
    every = iv.epsilon_greedy(scores, 10, 1.0, rng=1)
    assert not (every[:, :, None] == best[:, None, :]).any()          # all replaced
    assert all(len(set(row)) == 10 for row in every.tolist())
    some = iv.epsilon_greedy(scores, 10, 0.3, rng=1)
    assert (some != best).mean() == pytest.approx(0.3, abs=0.02)       # 4+ standard errors
    assert (iv.epsilon_greedy(scores, 10, 0.3, rng=1) == some).all()   # seeded
    scores[:, :45] = -np.inf                                           # only 5 items allowed
    assert set(iv.epsilon_greedy(scores, 3, 1.0).ravel()) <= set(range(45, 50))


def test_ucb_bonus_and_explorer():
    # 2 log(4) / 1 = 2.7726 -> sqrt 1.6651; / 4 -> 0.8326
    np.testing.assert_allclose(iv.ucb_bonus(np.array([0, 3]), 3), [1.66511, 0.83255], atol=1e-5)
    scores = np.tile(np.linspace(1, 0, 20), (3, 1))
    greedy = iv.UCBExplorer(c=0.0)
    assert all((greedy(scores, None, 5) == np.arange(5)).all() for _ in range(4))
    explorer = iv.UCBExplorer(c=2.0)
    for _ in range(8):
        explorer(scores, None, 5)
    assert (explorer.counts_ > 0).all()          # optimism got every item shown
    assert explorer.counts_.sum() == 8 * 3 * 5


# -- perspectives ----------------------------------------------------------------------------------
def test_perspective_quota():
    scores = np.array([[0.9, 0.8, 0.7, 0.6, 0.2, 0.1]])
    slant = np.array([-0.9, -0.5, -0.2, 0.0, 0.4, 0.8])
    assert iv.perspective_quota(scores, slant, 4, 0.0).tolist() == [[0, 1, 2, 3]]
    # round(.25*4) = 1 right-leaning item must be in: the best one (4) replaces the worst (3).
    assert iv.perspective_quota(scores, slant, 4, 0.25).tolist() == [[0, 1, 2, 4]]
    assert iv.perspective_quota(scores, slant, 4, 0.5).tolist() == [[0, 1, 4, 5]]
    # only two right-leaning items exist: a quota of 3 takes both, the rest by score
    assert iv.perspective_quota(scores, slant, 6, 0.5).tolist() == [[0, 1, 2, 3, 4, 5]]
    # an odd k: round(.5 * 3) = 2 per side would need 4 slots; each side gets k // 2 = 1
    assert iv.perspective_quota(scores, slant, 3, 0.5).tolist() == [[0, 1, 4]]


def test_cross_cutting_share_by_hand():
    slant = np.array([-0.8, -0.1, 0.0, 0.3])
    ideology = np.array([-0.5, 0.6, 0.0])
    lists = np.array([[0, 3], [0, 1], [3, 0]])
    # user 0 (left): item 3 crosses; user 1 (right): both cross; user 2 (centre): none -> 3/6
    assert iv.cross_cutting_share(lists, slant, ideology) == pytest.approx(0.5)
    assert iv.cross_cutting_share(np.array([[2, 2]]), slant, ideology[:1]) == 0.0
    with pytest.raises(ValueError, match="one ideology per user"):
        iv.cross_cutting_share(lists, slant, ideology[:2])


def test_quota_balances_many_users():
    rng = np.random.default_rng(4)
    slant = rng.uniform(-1, 1, 200)
    scores = rng.random((30, 200)) + 2 * (slant < 0)                   # everyone loves the left
    lists = iv.perspective_quota(scores, slant, 10, 0.4)
    assert ((slant[lists] > 0).sum(axis=1) == 4).all()


# -- blend -----------------------------------------------------------------------------------------
def test_blend_objectives():
    eng, sat = np.array([[1.0, 2.0, 3.0]]), np.array([[3.0, 2.0, 1.0]])
    np.testing.assert_allclose(iv.blend_objectives(eng, sat, 0.0), [[-1.224745, 0, 1.224745]],
                               atol=1e-6)
    np.testing.assert_allclose(iv.blend_objectives(eng, sat, 0.5), [[0, 0, 0]], atol=1e-12)
    rng = np.random.default_rng(0)
    e, s = rng.random((5, 40)), rng.random((5, 40)) * 100
    assert (top_k(iv.blend_objectives(e, s, 1.0), 5) == top_k(s, 5)).all()


# -- plugging into the simulation ------------------------------------------------------------------
def test_reranker_protocol_matches_functions():
    rng = np.random.default_rng(7)
    world = SimpleNamespace(item_topics=(rng.random((60, 5)) < 0.3).astype(float),
                            item_slant=rng.uniform(-1, 1, 60),
                            user_topics=rng.dirichlet(np.ones(5), 12))
    scores = rng.random((12, 60))
    sim = iv.cosine_similarity(world.item_topics)
    assert (iv.reranker("top_k")(scores, world, 5) == top_k(scores, 5)).all()
    assert (iv.reranker("mmr", lam=0.4)(scores, world, 5)
            == iv.mmr_rerank(scores, sim, 5, 0.4)).all()
    assert (iv.reranker("calibrated", lam=0.7, target="tastes")(scores, world, 5)
            == iv.calibrated_rerank(scores, world.item_topics, world.user_topics, 5, 0.7)).all()
    seen = scores.copy()
    seen[:, :10] = -np.inf                                  # everyone consumed items 0-9
    history = iv.user_distributions(np.isneginf(seen), world.item_topics)
    assert (iv.reranker("calibrated", lam=0.7)(seen, world, 5)
            == iv.calibrated_rerank(seen, world.item_topics, history, 5, 0.7)).all()
    assert (iv.reranker("quota", min_share=0.5)(scores, world, 6)
            == iv.perspective_quota(scores, world.item_slant, 6, 0.5)).all()
    for kind in ("epsilon_greedy", "ucb"):
        assert iv.reranker(kind)(scores, world, 5).shape == (12, 5)


@pytest.mark.parametrize("lam", [0.0, 0.5, 1.0])
def test_excluded_items_never_chosen_while_others_remain(lam):
    # The simulation marks consumed items -inf; with lam at either end 0 * inf must not be NaN.
    rng = np.random.default_rng(8)
    world = SimpleNamespace(item_topics=(rng.random((30, 4)) < 0.4).astype(float),
                            item_slant=rng.uniform(-1, 1, 30),
                            user_topics=rng.dirichlet(np.ones(4), 5))
    scores = rng.random((5, 30))
    scores[:, ::2] = -np.inf                                           # 15 items left per user
    for rerank in (iv.reranker("mmr", lam=lam), iv.reranker("calibrated", lam=lam),
                   iv.reranker("quota", min_share=lam / 2), iv.reranker("ucb", c=lam),
                   iv.reranker("epsilon_greedy", epsilon=lam)):
        lists = rerank(scores, world, 10)
        assert np.isfinite(np.take_along_axis(scores, lists, 1)).all()
        assert all(len(set(row)) == 10 for row in lists.tolist())
    # fewer allowed items than slots: the allowed ones come first, then the excluded ones
    lists = iv.mmr_rerank(scores[:, :6], np.eye(6), 4, lam=lam)
    assert set(lists[:, :3].ravel()) == {1, 3, 5}


def test_bad_input_says_what_to_do():
    with pytest.raises(ValueError, match="2-D"):
        iv.mmr_rerank(np.ones(4), SIM, 2)
    with pytest.raises(ValueError, match="k=9"):
        iv.mmr_rerank(SCORES, SIM, 9)
    with pytest.raises(ValueError, match="cosine_similarity"):
        iv.mmr_rerank(SCORES, np.eye(3), 2)
    with pytest.raises(ValueError, match="lam=1.5"):
        iv.calibrated_rerank(SCORES, np.eye(4), np.ones((1, 4)) / 4, 2, lam=1.5)
    with pytest.raises(ValueError, match="NaN"):
        iv.epsilon_greedy(np.array([[np.nan, 1.0]]), 1)
    with pytest.raises(ValueError, match="min_share"):
        iv.perspective_quota(SCORES, np.zeros(4), 2, 0.7)
    with pytest.raises(ValueError, match="unknown re-ranker"):
        iv.reranker("magic")


# -- all interventions at once ---------------------------------------------------------------------
def _world(rng, n_users=12, n_items=60):
    satisfaction = rng.uniform(0.2, 1.0, n_items)    # what the platform estimated from surveys
    return SimpleNamespace(item_topics=np.eye(5)[rng.integers(0, 5, n_items)],
                           item_slant=rng.uniform(-1, 1, n_items),
                           item_satisfaction=lambda: satisfaction,
                           user_topics=rng.dirichlet(np.ones(5), n_users))


def test_feed_policy_knobs_match_the_single_interventions():
    rng = np.random.default_rng(11)
    world = _world(rng)
    scores = rng.random((12, 60))
    scores[:, :8] = -np.inf                                            # consumed
    history = iv.user_distributions(np.isneginf(scores), world.item_topics)
    sim = iv.cosine_similarity(world.item_topics)
    same = [(iv.FeedPolicy(), top_k(scores, 6)),
            (iv.FeedPolicy(diversity=0.4), iv.mmr_rerank(scores, sim, 6, lam=0.6, pool=50)),
            (iv.FeedPolicy(calibration=0.5),
             iv.calibrated_rerank(scores, world.item_topics, history, 6, lam=0.5, pool=50)),
            (iv.FeedPolicy(quota=0.5), iv.perspective_quota(scores, world.item_slant, 6, 0.5)),
            (iv.FeedPolicy(exploration=0.3, seed=4),
             iv.epsilon_greedy(scores, 6, 0.3, np.random.default_rng(4))),
            # satisfaction = engagement scaled to [0, 1] per user, times the item's estimated
            # satisfaction (never its true quality)
            (iv.FeedPolicy(blend=1.0),
             top_k(iv._minmax(scores) * world.item_satisfaction(), 6))]
    for policy, expected in same:
        assert (policy(scores, world, 6) == expected).all(), policy.__dict__
    ucb, explorer = iv.FeedPolicy(exploration=0.5, explore="ucb"), iv.UCBExplorer(c=0.5)
    for _ in range(3):
        assert (ucb(scores, world, 6) == explorer(scores, world, 6)).all()


def test_feed_policy_combines_mmr_and_quota():
    rng = np.random.default_rng(12)
    world = _world(rng, n_users=40)
    scores = rng.random((40, 60)) + 2 * (world.item_slant < 0)         # left items score higher
    lists = iv.FeedPolicy(diversity=0.5, quota=0.3)(scores, world, 10)
    assert ((world.item_slant[lists] > 0).sum(axis=1) >= 3).all()
    mmr = iv.mmr_rerank(scores, iv.cosine_similarity(world.item_topics), 10, lam=0.5, pool=50)
    # the quota keeps MMR's first seven picks (in order) and swaps in three right-leaning items
    assert (lists[:, :7] == mmr[:, :7]).all()
    with pytest.raises(ValueError, match="quota"):
        iv.FeedPolicy(quota=0.8)
    with pytest.raises(ValueError, match="explore"):
        iv.FeedPolicy(explore="thompson")


def test_interventions_change_the_simulated_bubble():
    from course.simulation import quick_run

    base = quick_run("popularity", steps=8, n_users=200, n_items=150).metrics.iloc[-1]
    mmr = quick_run("popularity", iv.FeedPolicy(diversity=0.7), steps=8, n_users=200,
                    n_items=150).metrics.iloc[-1]
    explore = quick_run("popularity", iv.FeedPolicy(exploration=0.5), steps=8, n_users=200,
                        n_items=150).metrics.iloc[-1]
    # popularity shows everyone the same slate: MMR spreads its topics, exploration its items
    assert mmr["slate_diversity"] > base["slate_diversity"] + 0.2
    assert explore["exposure_gini"] < base["exposure_gini"] - 0.2
    assert explore["homogenization"] < base["homogenization"]


def test_one_genre_shortcut_matches_general_calibration(monkeypatch):
    rng = np.random.default_rng(13)
    topics = np.eye(6)[rng.integers(0, 6, 80)]                         # one topic per item
    target = rng.dirichlet(np.full(6, 0.5), 25)
    scores = rng.random((25, 80))
    scores[:, :5] = -np.inf
    fast = iv.greedy_rerank(scores, 10, calibration=0.6, diversity=0.2, item_features=topics,
                            target=target, similarity=iv.cosine_similarity(topics))
    monkeypatch.setattr(iv, "_dense_calibration", True)
    dense = iv.greedy_rerank(scores, 10, calibration=0.6, diversity=0.2, item_features=topics,
                             target=target, similarity=iv.cosine_similarity(topics))
    assert (fast == dense).all()


def test_rerankers_work_on_a_course_recommender():
    # Popularity on a toy ratings table: items 10 and 20 (both drama) are the most popular,
    # item 30 (comedy) next. Re-ranking its scores makes room for the comedy.
    from course.popularity import Popularity

    ratings = pd.DataFrame({"user": [1, 2, 3, 1, 2, 3, 1, 2],
                            "item": [10, 10, 10, 20, 20, 20, 30, 30],
                            "rating": [5, 4, 4, 3, 4, 5, 2, 3]})
    model = Popularity().fit(ratings)
    scores = model.score(np.arange(model.n_users_))            # (3 users, 3 items)
    genres = np.array([[1, 0], [1, 0], [0, 1]])                 # items 10, 20: drama; 30: comedy
    assert (top_k(scores, 2) == [0, 1]).all()
    mmr = iv.mmr_rerank(scores, iv.cosine_similarity(genres), 2, lam=0.3)
    assert (model.item_ids_[mmr] == [10, 30]).all()
    calibrated = iv.calibrated_rerank(scores, genres, np.full((3, 2), 0.5), 2, lam=0.5)
    assert (model.item_ids_[calibrated] == [10, 30]).all()
