"""The social feed model: its pieces on cases known by hand, its treatments, determinism."""

import doctest

import numpy as np
import pytest

from course import social_feed as sf

SMALL = dict(n_users=300, n_pages=40)


@pytest.fixture(scope="module")
def world():
    return sf.make_social_world(seed=4, **SMALL)


def test_world_shape_friends_and_follows(world):
    assert world.friends.shape == (300, 300) and (world.friends != world.friends.T).nnz == 0
    assert world.friends.diagonal().sum() == 0
    assert (world.follows.sum(axis=1) == 10).all()
    bad = world.page_untrustworthy
    assert bad.sum() == 4 and world.page_political[bad].all()
    assert (np.abs(world.page_slant[bad]) >= 0.6).all()


def test_friend_homophily_sets_the_share_of_friends_on_the_other_side():
    w = sf.make_social_world(n_users=2000, n_pages=20, friend_homophily=0.77, seed=1)
    rows, cols = w.friends.nonzero()
    other = (w.side[rows] != w.side[cols]).mean()
    assert other == pytest.approx(0.23, abs=0.03)     # Bakshy et al.: 23% of friends


def test_source_relation_and_reading_weights_by_hand():
    rel = sf.source_relation(np.array([1, -1, 1]), np.array([0.5, 0.5, 0.1]))
    assert rel.tolist() == [1, -1, 0]
    w = sf.reading_weights(np.array([[0.5, 0.5, np.nan, 0.5]]), stay_base=0.5, stay_gain=0.5)
    assert w.tolist() == [[1.0, 0.75, 0.0, 0.0]]           # a missing post ends the feed


def test_same_seed_same_run_and_independent_streams(world):
    a = sf.run_feed(world, steps=4, seed=2).per_user
    b = sf.run_feed(world, steps=4, seed=2).per_user
    c = sf.run_feed(world, steps=4, seed=3).per_user
    assert a.equals(b) and not a.equals(c)
    # prediction noise has its own stream: changing it leaves the posts (and so the
    # chronological users' inventory) alone
    chrono = np.ones(world.n_users, bool)
    d = sf.run_feed(world, steps=1, chronological=chrono, prediction_noise=0.0, seed=2).stages
    e = sf.run_feed(world, steps=1, chronological=chrono, prediction_noise=2.0, seed=2).stages
    assert d["potential_political"].equals(e["potential_political"])


def test_no_reshares_users_only_see_their_own_pages_posts(world):
    treated = np.arange(world.n_users) < 150
    r = sf.run_feed(world, steps=5, no_reshares=treated, post_rate=0.0, seed=1)
    outside = r.page_impressions * ~world.follows
    assert outside[treated].sum() == 0
    assert outside[~treated].sum() > 0                 # reshares bring other Pages' posts


def test_deactivated_users_see_nothing_and_do_not_change():
    w = sf.make_social_world(seed=5, **SMALL)
    off = np.arange(w.n_users) % 3 == 0
    r = sf.run_feed(w, steps=5, deactivated=off, seed=5).per_user
    assert (r.loc[off, "views"] == 0).all() and (r.loc[off, "extremity_change"] == 0).all()
    assert (r.loc[~off, "views"] > 0).all()


def test_like_minded_cut_of_one_removes_like_minded_posts(world):
    everyone = np.ones(world.n_users)
    r = sf.run_feed(world, steps=3, like_minded_cut=everyone, seed=1).per_user
    assert (r["like_minded_share"].fillna(0) == 0).all()


def test_integrity_demotion_lowers_untrustworthy_exposure_of_the_ranked_feed(world):
    plain = sf.run_feed(world, steps=5, seed=1).per_user["untrustworthy_share"].mean()
    tuned = sf.run_feed(world, steps=5, integrity_demotion=2.0, seed=1).per_user
    assert tuned["untrustworthy_share"].mean() < 0.5 * plain


def test_without_influence_attitudes_do_not_move(world):
    r = sf.run_feed(world, steps=3, influence=0.0, seed=1).per_user
    assert (r["extremity_change"] == 0).all()


def test_shares_are_shares(world):
    r = sf.run_feed(world, steps=3, seed=1).per_user
    parts = r[["like_minded_share", "cross_cutting_share", "moderate_share"]].sum(axis=1)
    assert np.allclose(parts, 1)
    for col in ("political_share", "untrustworthy_share"):
        assert r[col].between(0, 1).all()


def test_bad_input(world):
    with pytest.raises(ValueError, match="one value per user"):
        sf.run_feed(world, chronological=np.ones(3, bool))
    with pytest.raises(ValueError, match="like_minded_cut"):
        sf.run_feed(world, like_minded_cut=2.0)
    with pytest.raises(ValueError, match="friend_homophily"):
        sf.make_social_world(friend_homophily=1.5)


def test_doctests():
    assert doctest.testmod(sf).failed == 0
