"""course.replication: seeds, tidy frames, intervals, paired differences and plots."""

from __future__ import annotations

import doctest

import matplotlib
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from course import interventions, replication, simulation

matplotlib.use("Agg")

SMALL = dict(n_users=150, n_items=120)


@pytest.fixture(scope="module")
def tidy():
    return replication.run_feeds(["random", "chronological", "popularity"], seeds=[0, 1, 2],
                                 steps=5, world=dict(**SMALL, lifetime=4))


def test_run_feeds_is_tidy_and_every_seed_and_feed_is_there(tidy):
    assert list(tidy.columns) == ["seed", "feed", "step", "metric", "value"]
    runs = tidy[["seed", "feed"]].drop_duplicates()
    assert len(runs) == 9
    per_run = tidy.groupby(["seed", "feed"]).size()
    assert per_run.nunique() == 1                  # the same metrics and steps in every run
    assert set(tidy["step"]) == set(range(5))


def test_feeds_of_one_seed_share_a_world_and_seeds_differ(tidy):
    catalogue = tidy[tidy["metric"] == "oracle_utility"].pivot_table(
        index=["seed", "step"], columns="feed", values="value")
    # oracle_utility is measured on the same world and sample for every feed of a seed: the
    # first step (nothing consumed yet) is identical across feeds, different across seeds
    first = catalogue.xs(0, level="step")
    assert np.allclose(first.to_numpy(), first.to_numpy()[:, :1])
    assert first.iloc[:, 0].nunique() == 3


def test_replicate_accepts_the_documented_outcomes():
    world = simulation.make_world(**SMALL, seed=0)
    result = simulation.run(world, simulation.RandomRecommender(), steps=2, progress=False)
    outcomes = {
        "result": (lambda s: result, {"step", "metric", "value"}),
        "frame": (lambda s: result.metrics, {"step", "metric", "value"}),
        "series": (lambda s: result.summary(), {"metric", "value"}),
        "number": (lambda s: 1.5, {"metric", "value"}),
        "feeds": (lambda s: {"a": result, "b": result}, {"feed", "step", "metric", "value"}),
    }
    for name, (experiment, columns) in outcomes.items():
        tidy = replication.replicate(experiment, seeds=[4, 5])
        assert set(tidy.columns) == {"seed"} | columns, name
        assert set(tidy["seed"]) == {4, 5}
    with pytest.raises(ValueError, match="different"):
        replication.replicate(lambda s: 1.0, seeds=[1, 1])
    with pytest.raises(TypeError, match="SimulationResult"):
        replication.replicate(lambda s: "text", seeds=[1])


def test_summarize_gives_t_intervals_for_every_group_at_once():
    rng = np.random.default_rng(0)
    values = rng.normal(size=(6, 3))
    tidy = pd.DataFrame({"seed": np.repeat(range(6), 3), "feed": np.tile(["a", "b", "c"], 6),
                         "metric": "m", "value": values.ravel()})
    table = replication.summarize(tidy).set_index("feed")
    for j, feed in enumerate("abc"):
        x = values[:, j]
        low, high = stats.t.interval(0.95, 5, loc=x.mean(), scale=stats.sem(x))
        assert table.loc[feed, "mean"] == pytest.approx(x.mean())
        assert (table.loc[feed, "ci_low"], table.loc[feed, "ci_high"]) == pytest.approx(
            (low, high))
        assert replication.interval(x) == pytest.approx((low, high))
        assert table.loc[feed, "n"] == 6
    one = replication.summarize(tidy[tidy["seed"] == 0])
    assert (one["ci_low"] == one["mean"]).all() and (one["n"] == 1).all()


def test_scorecards_agree_with_the_runs_own_summary():
    world = simulation.make_world(**SMALL, seed=2)
    result = simulation.run(world, simulation.make_recommender("popularity", world, seed=2),
                            steps=5, seed=2, progress=False)
    tidy = replication.run_feeds(["popularity"], seeds=[2], steps=5, world=SMALL)
    cards = replication.scorecards(tidy).set_index("metric")["value"]
    want = result.summary()
    assert cards[want.index].to_numpy() == pytest.approx(want.to_numpy(), nan_ok=True)


def test_tables_with_intervals_and_differences(tidy):
    cards = replication.scorecards(tidy)
    table = replication.interval_table(cards, ["homogenization", "satisfaction"])
    assert list(table.index) == ["random", "chronological", "popularity"]
    rows = cards[(cards["feed"] == "popularity") & (cards["metric"] == "homogenization")]
    low, high = replication.interval(rows["value"])
    assert table.loc["popularity", "homogenization"] == (
        f"{rows['value'].mean():.3f} [{low:.3f}, {high:.3f}]")
    diff = replication.difference_table(cards, "random", ["homogenization"])
    assert list(diff.index) == ["chronological - random", "popularity - random"]
    assert diff.loc["popularity - random", "homogenization"].endswith("seeds > 0)")
    with pytest.raises(ValueError, match="one value per seed"):
        replication.share_above(tidy, "popularity", "random", "homogenization")


def test_paired_difference_and_holds_in_every_seed(tidy):
    cards = replication.scorecards(tidy)
    diff = replication.paired_difference(cards, "popularity", "random")
    hom = diff[diff["metric"] == "homogenization"].set_index("seed")["value"]
    wide = cards[cards["metric"] == "homogenization"].pivot(index="seed", columns="feed",
                                                            values="value")
    assert hom.to_numpy() == pytest.approx((wide["popularity"] - wide["random"]).to_numpy())
    share = replication.holds_in_every_seed(diff[diff["metric"] == "homogenization"],
                                            lambda v: (v > 0).all())
    assert share == float((hom > 0).mean())
    with pytest.raises(ValueError, match="no rows"):
        replication.paired_difference(cards, "oracle", "random")


def test_feed_specs_take_fresh_rerankers_and_options():
    made = []

    def factory(seed):
        policy = interventions.FeedPolicy(quota=0.5, seed=seed)
        made.append(policy)
        return policy

    feeds = {"quota": replication.Feed("popularity", reranker=factory),
             "small mf": replication.Feed("mf", options=dict(n_factors=4))}
    tidy = replication.run_feeds(feeds, seeds=[0, 1], steps=4, world=SMALL)
    assert len(made) == 2 and made[0] is not made[1]
    quota = tidy[(tidy["feed"] == "quota") & (tidy["metric"] == "cross_cutting_exposure")]
    assert quota[quota["step"] >= 2]["value"].min() > 0.45     # half of every slate


def test_plots_draw_one_line_per_feed_with_bands(tidy):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    replication.lineplot(tidy, "click_rate", ax=ax, hue_order=["random", "chronological",
                                                               "popularity"])
    assert len(ax.get_lines()) >= 3
    assert len(ax.collections) == 3                  # one confidence band per feed
    # the band is the t interval of summarize(): check the random feed's at step 3
    band = ax.collections[0].get_paths()[0].vertices
    at_step = band[np.isclose(band[:, 0], 3.0), 1]
    rows = tidy[(tidy["metric"] == "click_rate") & (tidy["feed"] == "random")
                & (tidy["step"] == 3)]
    assert (at_step.min(), at_step.max()) == pytest.approx(replication.interval(rows["value"]))
    ax.clear()
    replication.pointplot(replication.scorecards(tidy), "homogenization", ax=ax)
    assert ax.get_xticklabels()
    with pytest.raises(ValueError, match="no rows"):
        replication.lineplot(tidy, "nonsense")
    plt.close(fig)


def test_doctests():
    assert doctest.testmod(replication).failed == 0
