"""The feedback-loop simulation: choice model, metrics wiring, determinism and Chaney et al.'s
qualitative findings on a small world."""

import doctest
import time

import numpy as np
import pytest
import scipy.sparse as sp

from course import bubble_metrics as bm
from course import simulation as sim


@pytest.fixture(scope="module")
def world():
    return sim.make_world(n_users=600, n_items=300, n_topics=6, seed=7)


@pytest.fixture(scope="module")
def runs(world):
    out = {}
    for name in ("random", "popularity", "mf", "oracle"):
        out[name] = sim.run(world, sim.make_recommender(name, world, seed=3), steps=20, seed=3,
                            progress=False)
    return out


def flat_world(n_users=20000, n_items=50, n_topics=5):
    """Every item has the same utility for every user, so only position matters."""
    return sim.World(
        user_topics=np.full((n_users, n_topics), 1 / n_topics),
        user_ideology=np.zeros(n_users), user_group=np.arange(n_users) % 2 == 0,
        item_topic=np.arange(n_items) % n_topics, item_slant=np.zeros(n_items),
        item_quality=np.full(n_items, 0.8), item_pull=np.zeros(n_items),
        item_false=np.zeros(n_items, dtype=bool))


def test_choice_probabilities_known_answer():
    # equal utilities 0.5, beta 1, outside 0.5, attention 1 and 1/2: weights 1, 1/2, 1
    p = sim.choice_probabilities(np.array([[0.5, 0.5]]), beta=1.0, outside=0.5,
                                 position_decay=1.0)
    assert p == pytest.approx(np.array([[0.4, 0.2, 0.4]]))
    # no position effect, utility log(2)/beta above the outside option: 2/(1+2+2) each
    p = sim.choice_probabilities(np.array([[1.0, 1.0]]), beta=np.log(2), outside=0.0,
                                 position_decay=0.0)
    assert p == pytest.approx(np.array([[0.4, 0.4, 0.2]]))
    # pull adds to attractiveness like utility does
    p2 = sim.choice_probabilities(np.array([[0.0, 0.0]]), np.array([[1.0, 1.0]]),
                                  beta=np.log(2), outside=0.0, position_decay=0.0)
    assert p2 == pytest.approx(p)


def test_users_choose_positions_at_the_documented_rates():
    world = flat_world()
    result = sim.run(world, sim.RandomRecommender(seed=1), steps=1, k=4, warmup_steps=0,
                     beta=5.0, outside=0.5, position_decay=1.0, seed=2, progress=False)
    u = world.utility(np.array([0]), np.array([[0]]))[0, 0]                 # 0.8 for everyone
    expected = sim.choice_probabilities(np.full((1, 4), u), beta=5.0, outside=0.5,
                                        position_decay=1.0)[0]
    counts = np.bincount(result.interactions["position"], minlength=5)[1:] / world.n_users
    # binomial standard error with n = 20000 is at most 0.0035: allow four of them
    assert counts == pytest.approx(expected[:4], abs=0.014)
    assert result.metrics["click_rate"].iloc[0] == pytest.approx(1 - expected[4], abs=0.014)


def test_utility_formula_on_a_hand_made_case():
    w = sim.World(user_topics=np.array([[0.75, 0.25]]), user_ideology=np.array([0.2]),
                  user_group=np.array([True]), item_topic=np.array([0, 1]),
                  item_slant=np.array([0.2, -0.5]), item_quality=np.array([0.9, 0.6]),
                  item_pull=np.zeros(2), item_false=np.zeros(2, dtype=bool), tolerance=0.35)
    expected = [0.9 * 1.0 * 1.0, 0.6 * (0.25 / 0.75) * np.exp(-0.49 / (2 * 0.35 ** 2))]
    assert w.utility()[0] == pytest.approx(expected)
    assert w.utility(np.array([0]), np.array([[1, 0]]))[0] == pytest.approx(expected[::-1])


def test_make_world_is_seeded_and_validates(world):
    again = sim.make_world(n_users=600, n_items=300, n_topics=6, seed=7)
    assert np.array_equal(world.user_topics, again.user_topics)
    assert np.array_equal(world.item_slant, again.item_slant)
    assert np.allclose(world.user_topics.sum(axis=1), 1)
    assert world.user_ideology.min() >= -1 and world.user_ideology.max() <= 1
    # the two groups sit on either side of the centre
    assert world.user_ideology[world.user_group].mean() > 0.3
    assert world.user_ideology[~world.user_group].mean() < -0.3
    misinfo = sim.make_world(n_users=10, n_items=2000, false_share=0.2, seed=0)
    assert misinfo.item_false.mean() == pytest.approx(0.2, abs=0.03)
    assert misinfo.item_pull[misinfo.item_false].mean() > 3 * misinfo.item_pull[
        ~misinfo.item_false].mean()
    with pytest.raises(ValueError, match="polarization"):
        sim.make_world(polarization=2)
    with pytest.raises(ValueError, match="n_users"):
        sim.make_world(n_users=1)


def test_same_seed_same_run_different_seed_different_run(world):
    a = sim.run(world, sim.make_recommender("popularity", world), steps=6, seed=11,
                progress=False)
    b = sim.run(world, sim.make_recommender("popularity", world), steps=6, seed=11,
                progress=False)
    c = sim.run(world, sim.make_recommender("popularity", world), steps=6, seed=12,
                progress=False)
    assert a.metrics.equals(b.metrics)
    assert a.interactions.equals(b.interactions)
    assert not a.interactions.equals(c.interactions)


def test_run_does_not_change_the_world_it_was_given(world):
    before = world.user_ideology.copy()
    sim.run(world, sim.RandomRecommender(), steps=3, drift=0.5, progress=False)
    assert np.array_equal(world.user_ideology, before)


def test_recorded_metrics_agree_with_the_final_state(runs, world):
    r = runs["popularity"]
    last = r.metrics.iloc[-1]
    first, second = bm.similar_user_pairs(world.true_tastes, 1000,
                                          seed=sim.stream_seed(3, "metrics"))
    assert last["homogenization"] == pytest.approx(bm.pair_jaccard(r.consumed, first,
                                                                   second).mean())
    assert last["diversity"] == pytest.approx(np.nanmean(bm.normalized_entropy(r.topic_counts)))
    assert last["group_distance"] == pytest.approx(bm.group_distance(r.mean_slant,
                                                                     world.user_group))
    assert last["slant_spread"] == pytest.approx(bm.slant_spread(r.mean_slant))
    assert r.consumed.sum() == len(r.interactions)
    counts = r.interactions.groupby("user").size()
    assert r.topic_counts.sum(axis=1)[counts.index] == pytest.approx(counts.to_numpy())


def test_nothing_is_consumed_twice(runs):
    for r in runs.values():
        assert not r.interactions.duplicated(["user", "item"]).any()


def test_a_fixed_slate_gives_the_known_exposure_gini_and_slate_diversity():
    world = sim.make_world(n_users=50, n_items=40, n_topics=4, seed=0)
    same_topic = np.flatnonzero(world.item_topic == 0)[:5]

    def fixed(scores, w, k):
        return np.tile(same_topic[:k], (scores.shape[0], 1))

    r = sim.run(world, sim.RandomRecommender(), steps=2, k=5, reranker=fixed, warmup_steps=0,
                progress=False)
    # 5 of 40 items get all the exposure: Gini = (n - k) / n
    assert r.metrics["exposure_gini"].iloc[0] == pytest.approx(35 / 40)
    assert r.metrics["slate_diversity"].iloc[0] == pytest.approx(1 / 4)


def test_oracle_is_the_reference_for_relative_utility(runs):
    assert runs["oracle"].metrics["relative_utility"].iloc[3:].to_numpy() == pytest.approx(1.0)


def test_chaney_findings_homogenization(runs):
    """Chaney et al. (2018): recommenders retrained on their own output make users with similar
    tastes consume more alike than a random recommender does."""
    h = {name: r.metrics["homogenization"].iloc[-1] for name, r in runs.items()}
    assert h["popularity"] > 2.5 * h["random"]
    assert h["mf"] > 2 * h["random"]
    # popularity homogenizes everyone, not only similar users (random pairs)
    hr = {name: r.metrics["homogenization_random"].iloc[-1] for name, r in runs.items()}
    assert hr["popularity"] > 2.5 * max(hr["oracle"], hr["random"])


def test_chaney_findings_utility_falls_short_of_the_oracle(runs):
    """... and their users get well below the utility an ideal recommender would give them."""
    after_warmup = slice(2, None)
    for name in ("popularity", "mf"):
        rel = runs[name].metrics["relative_utility"].iloc[after_warmup]
        assert rel.max() < 0.75, name
        assert rel.mean() < 0.6, name


def test_drift_moves_users_toward_what_they_consumed(world):
    r = sim.run(world, sim.RandomRecommender(seed=0), steps=1, warmup_steps=0, drift=0.5,
                progress=False)
    u, i = r.interactions["user"].to_numpy(), r.interactions["item"].to_numpy()
    expected = 0.5 * world.user_ideology[u] + 0.5 * world.item_slant[i]
    assert r.world.user_ideology[u] == pytest.approx(expected)
    assert np.allclose(r.world.user_topics.sum(axis=1), 1)
    assert np.all(r.world.user_topics[u, world.item_topic[i]] >= 0.5)


def test_misinformation_share_is_recorded():
    w = sim.make_world(n_users=500, n_items=200, false_share=0.3, false_pull=2.0, seed=1)
    r = sim.run(w, sim.make_recommender("popularity", w), steps=8, progress=False)
    consumed_false = w.item_false[r.interactions.query("step == 7")["item"]].mean()
    assert r.metrics["misinfo_share"].iloc[-1] == pytest.approx(consumed_false)
    assert r.metrics["misinfo_share"].iloc[-1] > 0.3      # pull makes false items over-consumed


def test_bad_input_gets_clear_errors(world):
    with pytest.raises(TypeError, match="fit"):
        sim.run(world, object(), steps=2)
    with pytest.raises(ValueError, match="k must be"):
        sim.run(world, sim.RandomRecommender(), steps=2, k=0)
    with pytest.raises(ValueError, match="drift"):
        sim.run(world, sim.RandomRecommender(), steps=2, drift=1.5)
    with pytest.raises(ValueError, match="re-ranker returned shape"):
        sim.run(world, sim.RandomRecommender(), steps=1,
                reranker=lambda s, w, k: np.zeros((3, k), dtype=int))
    with pytest.raises(ValueError, match="unknown recommender"):
        sim.make_recommender("magic", world)


def test_quick_run_is_fast_enough_for_a_widget():
    sim.quick_run("popularity", steps=2)                       # warm up imports
    start = time.perf_counter()
    r = sim.quick_run("popularity")
    assert len(r.metrics) == 20
    assert time.perf_counter() - start < 2.0   # well under 1 s on an idle machine


def test_random_recommender_protocol():
    rec = sim.RandomRecommender(seed=0).fit(sp.csr_matrix((4, 7)))
    s = rec.score(np.arange(3))
    assert s.shape == (3, 7) and 0 <= s.min() and s.max() < 1


def test_doctests():
    assert doctest.testmod(sim).failed == 0


def test_top_k_agrees_with_the_recommenders_top_k_including_ties():
    from course.recommender import top_k as plain_top_k

    rng = np.random.default_rng(0)
    tied = rng.integers(0, 5, (1500, 60)).astype(np.float32)       # many ties
    assert np.array_equal(sim.top_k(tied, None, 7), plain_top_k(tied, 7))
    assert np.array_equal(sim.top_k(tied, None, 60), plain_top_k(tied, 60))
    with pytest.raises(ValueError, match="k must be"):
        sim.top_k(tied, None, 61)


def test_the_course_recommenders_and_rerankers_plug_in():
    from course import interventions

    world = sim.make_world(n_users=200, n_items=120, seed=2)
    for name in sim.RECOMMENDERS:
        r = sim.run(world, sim.make_recommender(name, world), steps=4, progress=False)
        assert r.metrics["click_rate"].between(0, 1).all(), name
    quota = interventions.reranker("quota", min_share=0.5)
    shown = []

    def recording(scores, w, k):
        slates = quota(scores, w, k)
        shown.append(slates)
        return slates

    sim.run(world, sim.make_recommender("popularity", world), steps=3, reranker=recording,
            warmup_steps=0, progress=False)
    # an even split of perspectives: 5 of the 10 slots on each side of the slant axis
    left = (world.item_slant[np.concatenate(shown)] < 0).sum(axis=1)
    assert np.all(left == 5)


def test_summary_scorecard_matches_the_per_step_metrics():
    w = sim.make_world(n_users=300, n_items=150, false_share=0.2, seed=4)
    r = sim.run(w, sim.make_recommender("popularity", w), steps=6, progress=False)
    card = r.summary()
    after = r.metrics.iloc[2:]                         # the two warm-up steps are left out
    assert card["engagement"] == pytest.approx(after["click_rate"].mean())
    assert card["satisfaction"] == pytest.approx(after["utility"].mean())
    assert card["homogenization"] == r.metrics["homogenization"].iloc[-1]
    assert card["final_relative_utility"] == r.metrics["relative_utility"].iloc[-1]
    late = r.interactions.query("step >= 2")
    false_items = w.item_false[late["item"]]
    assert card["misinfo_share"] == pytest.approx(false_items.sum() / len(late))
    # cumulative relative utility: total utility of the measurement sample over the oracle's
    sample = sim.run(w, sim.make_recommender("popularity", w), steps=6, progress=False,
                     n_metric_users=None)
    m = sample.metrics.iloc[2:]
    assert sample.summary()["cumulative_relative_utility"] == pytest.approx(
        m["utility"].sum() / m["oracle_utility"].sum())


# -- independent random streams ----------------------------------------------------------------
def test_streams_are_independent_and_reproducible():
    draws = {name: sim.stream(5, name).random(4) for name in sim.STREAMS}
    assert len({tuple(d) for d in draws.values()}) == len(sim.STREAMS)
    assert np.array_equal(draws["warmup"], sim.stream(5, "warmup").random(4))
    # spawned from the seed with SeedSequence, as numpy documents
    child = np.random.SeedSequence(5).spawn(len(sim.STREAMS))[sim.STREAMS.index("choice")]
    assert np.array_equal(np.random.default_rng(child).random(4), draws["choice"])
    with pytest.raises(ValueError, match="unknown random stream"):
        sim.stream(0, "dice")


def test_random_feed_does_not_repeat_the_warmup_stream():
    """Issue 11: the random recommender's numbers repeated the warm-up's, so at the first step
    after the warm-up it showed the warm-up's first slates again (a dip in click rate)."""
    world = sim.make_world(n_users=400, n_items=200, seed=0)
    warm = sim.stream(0, "warmup").random((400, 200), dtype=np.float32)
    rec = sim.RandomRecommender(seed=0).fit(sp.csr_matrix((400, 200)))
    assert not np.allclose(rec.score(np.arange(400)), warm)
    dips = []
    for seed in range(3):
        r = sim.run(world, sim.RandomRecommender(seed=seed), steps=5, seed=seed, progress=False)
        clicks = r.metrics["click_rate"]
        slates_repeat = (r.interactions.groupby("user")["item"].nunique()
                         < r.interactions.groupby("user").size())
        assert not slates_repeat.any()
        dips.append(clicks.iloc[2] - clicks.iloc[:2].mean())
    # a random feed's click rate only moves by sampling noise (sd about 0.025 here)
    assert max(abs(d) for d in dips) < 0.08


def test_changing_one_seed_leaves_the_other_streams_alone():
    w1 = sim.make_world(n_users=200, n_items=100, seed=1)
    assert np.array_equal(w1.user_ideology, sim.make_world(n_users=200, n_items=100,
                                                           seed=1).user_ideology)
    # the recommender's seed does not change the warm-up or the users' choices during it
    a = sim.run(w1, sim.RandomRecommender(seed=1), steps=3, seed=7, progress=False)
    b = sim.run(w1, sim.RandomRecommender(seed=2), steps=3, seed=7, progress=False)
    warm = "step < 2"
    assert a.interactions.query(warm).equals(b.interactions.query(warm))
    assert not a.interactions.query("step == 2").equals(b.interactions.query("step == 2"))


# -- the controls and the news world -----------------------------------------------------------
def test_news_world_publishes_at_an_even_rate_and_stories_age_out():
    w = sim.make_world(n_users=50, n_items=990, lifetime=10, horizon=90, seed=2)
    counts = [int(w.available(t).sum()) for t in range(90)]
    assert min(counts) == max(counts) == 100                 # 990 stories over 99 periods
    assert w.item_time.min() == -9 and w.item_time.max() == 89
    r = sim.run(w, sim.make_recommender("popularity", w), steps=30, progress=False)
    t = w.item_time[r.interactions["item"]]
    step = r.interactions["step"].to_numpy()
    assert np.all((t <= step) & (step < t + 10))             # read only while readable
    assert (r.metrics["catalogue"] == 100).all()
    with pytest.raises(ValueError, match="horizon"):
        sim.run(w, sim.RandomRecommender(), steps=91)
    with pytest.raises(ValueError, match="at least one story per step"):
        sim.make_world(n_items=50, lifetime=10, horizon=100)


def test_chronological_feed_shows_the_newest_stories_first():
    w = sim.make_world(n_users=300, n_items=600, lifetime=5, horizon=20, seed=3)
    shown = []

    def recording(scores, view, k):
        slates = sim.top_k(scores, view, k)
        shown.append((view.step, slates))
        return slates

    sim.run(w, sim.make_recommender("chronological", w), steps=6, warmup_steps=0,
            reranker=recording, progress=False)
    for step, slates in shown:
        newest = w.item_time[slates[:, 0]]
        # the top story is from this step's batch unless the user has used it up
        assert np.mean(newest == step) > 0.9
        assert np.all(np.diff(w.item_time[slates], axis=1) <= 0)   # newest first


def test_news_world_keeps_long_runs_meaningful():
    """With a fixed catalogue the MF feed uses up the head of every list and its users'
    utility collapses after the first steps; with fresh stories it does not (two seeds)."""
    for seed in (0, 1):
        fixed = sim.make_world(n_users=300, n_items=150, seed=seed)
        news = sim.make_world(n_users=300, n_items=300, lifetime=8, horizon=40, seed=seed)
        out = {}
        for name, w in (("fixed", fixed), ("news", news)):
            m = sim.run(w, sim.make_recommender("mf", w, seed=seed), steps=40, seed=seed,
                        progress=False).metrics["utility"]
            out[name] = m.iloc[-10:].mean() / m.iloc[2:20].mean()    # late vs early
        assert out["fixed"] < 0.35, out
        assert out["news"] > 0.85, out


# -- what the platform can see -----------------------------------------------------------------
def test_policies_see_estimates_not_ground_truth():
    w = sim.make_world(n_users=800, n_items=120, false_share=0.2, seed=5)
    seen = {}

    def snooping(scores, view, k):
        for name in ("item_quality", "item_pull", "item_false", "user_topics",
                     "user_ideology", "user_group", "utility"):
            with pytest.raises(AttributeError, match="cannot see"):
                getattr(view, name)
        seen["view"] = view
        return sim.top_k(scores, view, k)

    r = sim.run(w, sim.make_recommender("popularity", w), steps=12, reranker=snooping,
                survey_rate=1.0, survey_noise=0.0, progress=False)
    view = r.view()
    clicks = np.bincount(r.interactions["item"], minlength=w.n_items)
    assert np.array_equal(view.item_clicks, clicks)
    assert view.item_impressions.sum() == 800 * 10 * 12
    ctr = view.item_ctr(prior_strength=0)
    shown = view.item_impressions > 0
    assert ctr[shown] == pytest.approx(clicks[shown] / view.item_impressions[shown])
    # with every reader surveyed and no noise, the estimate is the readers' mean utility
    u, i = r.interactions["user"].to_numpy(), r.interactions["item"].to_numpy()
    util = w.utility(u, i[:, None])[:, 0]
    want = np.bincount(i, weights=util, minlength=w.n_items) / np.maximum(clicks, 1)
    read = clicks > 0
    assert view.item_satisfaction(prior_strength=0)[read] == pytest.approx(want[read])
    # false items pull clicks: their estimated click-through rate is higher
    assert ctr[w.item_false & shown].mean() > ctr[~w.item_false & shown].mean()
    assert np.array_equal(view.user_consumed, r.interactions.groupby("user").size()
                          .reindex(range(800), fill_value=0).to_numpy())


# -- assumptions as knobs ----------------------------------------------------------------------
def test_selective_exposure_knob_removes_the_ideology_match():
    on = sim.make_world(n_users=30, n_items=20, seed=6)
    off = sim.make_world(n_users=30, n_items=20, seed=6, selective_exposure=0.0)
    tm = on.user_topics[:, on.item_topic] / on.user_topics.max(axis=1, keepdims=True)
    assert off.utility() == pytest.approx(on.item_quality[None, :] * tm)
    assert np.all(on.utility() <= off.utility() + 1e-12)


def test_content_recommender_matches_slant_by_distance_not_cosine():
    """Issue 11: signed slant inside a cosine quietly favoured more extreme stories."""
    w = sim.make_world(n_users=200, n_items=2000, n_topics=4, seed=7)
    rng = np.random.default_rng(0)
    rows, cols = [], []
    for u in range(200):      # each user read 10 stories with slant near +0.4 or -0.4
        side = 0.4 if u % 2 else -0.4
        near = np.flatnonzero(np.abs(w.item_slant - side) < 0.1)
        rows += [u] * 10
        cols += list(rng.choice(near, 10, replace=False))
    X = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(200, 2000))
    extremity = {}
    for mode in ("distance", "cosine"):
        rec = sim.ContentRecommender(w, slant_weight=0.5, slant=mode).fit(X)
        top = sim.top_k(rec.score(np.arange(200)), None, 10)
        extremity[mode] = np.abs(w.item_slant[top]).mean()
    assert abs(extremity["distance"] - 0.4) < 0.1
    assert extremity["cosine"] > extremity["distance"] + 0.2
    blind = sim.ContentRecommender(w, slant_weight=0.0).fit(X).score(np.arange(3))
    for topic in range(4):            # slant-blind: every story of a topic scores the same
        same = blind[:, w.item_topic == topic]
        assert np.allclose(same, same[:, :1])
