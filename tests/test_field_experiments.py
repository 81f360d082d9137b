"""The field designs in the simulation: measures known by hand, and the conclusions notebook 09
draws, each checked in every seed (not one seed's digits)."""

import doctest

import numpy as np
import pandas as pd
import pytest

from course import facts
from course import field_experiments as fe

OPTS = dict(n_users=400, n_pages=50, steps=10)
SEEDS = [1, 2, 3, 4]


def test_assignment_is_random_reproducible_and_its_own_stream():
    a = fe.assign(1000, 0.2, seed=3)
    assert a.sum() == 200 and np.array_equal(a, fe.assign(1000, 0.2, seed=3))
    assert not np.array_equal(a, fe.assign(1000, 0.2, seed=4))
    with pytest.raises(ValueError, match="share"):
        fe.assign(10, 1.0)


def test_amplification_ratio_by_hand():
    imp = np.array([[6.0, 2.0, 0.0], [2.0, 2.0, 1.0], [1.0, 2.0, 1.0], [3.0, 2.0, 1.0]])
    treated = np.array([True, True, False, False])
    got = fe.amplification_ratio(imp, treated, np.array(["x", "y", "x"]))
    # x: (6 + 0 + 2 + 1) / 2 per ranked user = 4.5; (1 + 1 + 3 + 1) / 2 per holdout user = 3
    assert got.to_dict() == {"x": 1.5, "y": 1.0}
    with pytest.raises(ValueError, match="both"):
        fe.amplification_ratio(imp, np.ones(4, bool), np.array(["x", "y", "x"]))
    with pytest.raises(ValueError, match="users, sources"):
        fe.amplification_ratio(imp[:, :2], treated, np.array(["x", "y", "x"]))


def test_exposure_decomposition_reproduces_the_published_arithmetic():
    # Bakshy et al.: 29.5% cross-cutting shared by friends, 28.9% seen, 24.9% clicked
    published = facts.field_findings_table().query("study == 'bakshy2015'")["value"].dropna()
    potential, exposed, clicked = published.tolist()
    stages = pd.DataFrame({"random_cross_cutting": [45.0], "random_political": [100.0],
                           "potential_cross_cutting": [potential], "potential_political": [1.0],
                           "exposed_cross_cutting": [exposed], "exposed_political": [1.0],
                           "engaged_cross_cutting": [clicked], "engaged_political": [1.0]})
    d = fe.exposure_decomposition(stages)
    assert d["algorithm_effect"] == pytest.approx(1 - 0.289 / 0.295)       # about 2%
    assert d["choice_effect"] == pytest.approx(1 - 0.249 / 0.289)          # about 14%
    assert d["choice_effect"] > d["algorithm_effect"]


def test_isolation_index_by_hand():
    assert fe.isolation_index(np.array([10, 0]), np.array([0, 10])) == 1.0
    assert fe.isolation_index(np.array([3, 6]), np.array([3, 6])) == 0.0
    # one mixed item and one right-only item
    got = fe.isolation_index(np.array([5, 5]), np.array([5, 0]))
    assert got == pytest.approx((0.5 * 0.5 + 0.5 * 1.0) - 0.5)
    assert np.isnan(fe.isolation_index(np.array([1]), np.array([0])))


def test_treatment_effects_and_summary_by_hand():
    toy = pd.DataFrame({"treated": [True, True, False, False], "views": [1.0, 3, 4, 6]})
    row = fe.treatment_effects(toy, ["views"]).loc["views"]
    assert row["effect"] == -3 and row["relative_effect"] == pytest.approx(-0.6)
    tidy = pd.DataFrame({"seed": [1, 2, 1, 2], "outcome": ["a", "a", "b", "b"],
                         "effect": [1.0, 3.0, -1.0, 1.0]})
    s = fe.summarise(tidy)
    assert s.loc["a", "mean"] == 2 and s.loc["a", "same_sign"]
    assert not s.loc["b", "same_sign"] and s.loc["b", "ci_low"] < 0 < s.loc["b", "ci_high"]


@pytest.fixture(scope="module")
def effects():
    return pd.concat([fe.replicate(d, SEEDS, **OPTS) for d in fe.DESIGNS])


def _per_seed(effects, design, outcome, value="relative_effect"):
    rows = effects[(effects["design"] == design) & (effects["outcome"] == outcome)]
    assert len(rows) == len(SEEDS)
    return rows[value].to_numpy()


def test_chronological_feed_cuts_time_spent_and_raises_moderate_sources_in_every_seed(effects):
    assert (_per_seed(effects, "chronological", "views") < -0.05).all()
    assert (_per_seed(effects, "chronological", "moderate_share") > 0).all()
    # the model's engagement-only ranking boosts untrustworthy Pages: the chronological feed
    # LOWERS their share in every seed (the field found the opposite)
    assert (_per_seed(effects, "chronological", "untrustworthy_share") < 0).all()


def test_removing_reshares_cuts_political_and_untrustworthy_views_in_every_seed(effects):
    for outcome in ("political_views", "untrustworthy_views", "engagements"):
        assert (_per_seed(effects, "no_reshares", outcome) < 0).all(), outcome


def test_fewer_like_minded_cuts_like_minded_exposure_by_about_a_third(effects):
    cut = _per_seed(effects, "fewer_like_minded", "like_minded_share")
    assert ((cut > -0.45) & (cut < -0.2)).all()
    assert (_per_seed(effects, "fewer_like_minded", "cross_cutting_share") > 0).all()


def test_attitude_effects_are_small_in_sd_units(effects):
    for design in fe.DESIGNS:
        assert (np.abs(_per_seed(effects, design, "extremity_change", "effect")) < 0.1).all()


def test_integrity_demotion_flips_the_untrustworthy_effect_of_a_chronological_feed():
    tuned = fe.replicate("chronological", SEEDS, integrity_demotion=1.0, **OPTS)
    assert (_per_seed(tuned, "chronological", "untrustworthy_share") > 0).all()


def test_holdout_amplifies_extreme_pages_more_than_moderate_ones_in_every_seed():
    amp = fe.holdout_amplification(SEEDS, **OPTS).pivot(index="seed", columns="group",
                                                         values="amplification_ratio")
    assert (amp["extreme"] > amp["moderate"]).all()
    assert (amp["extreme"] > 1).all()


def test_feed_and_choice_both_cut_cross_cutting_exposure_and_segregation_grows():
    d = fe.decomposition_over_seeds(SEEDS, **OPTS).pivot(index="seed", columns="measure",
                                                         values="value")
    assert (d["network_effect"] > 0.2).all()
    assert (d["algorithm_effect"] > 0).all() and (d["choice_effect"] > 0).all()
    assert (d["isolation_exposed"] > d["isolation_potential"]).all()
    assert (d["isolation_engaged"] > d["isolation_exposed"]).all()


def test_compare_with_field_names_published_effects_and_verdicts():
    index = pd.MultiIndex.from_tuples([("chronological", "untrustworthy_share"),
                                       ("nyhan_is_not_a_design", "x")])
    sim = pd.DataFrame({"mean": [-0.5, 1], "ci_low": [-0.6, 0], "ci_high": [-0.4, 2]},
                       index=index)
    table = fe.compare_with_field(sim)
    assert len(table) == 1
    row = table.iloc[0]
    assert row["published"] == "up" and row["simulated_direction"] == "down"
    assert row["verdict"] == "disagree"
    every = {(c.study, c.finding) for c in fe.COMPARISONS}
    findings = facts.field_findings_table()
    assert every <= set(zip(findings["study"], findings["outcome"], strict=True))
    assert {c.study for c in fe.COMPARISONS} == {s.key for s in facts.FIELD_STUDIES}


def test_doctests():
    assert doctest.testmod(fe).failed == 0
