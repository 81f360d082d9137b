"""course.splits: every split partitions the ratings and leaks nothing."""

import numpy as np
import pandas as pd
import pytest

from course import splits


@pytest.fixture
def ratings():
    rng = np.random.default_rng(1)
    n_users, per_user = 40, rng.integers(2, 30, size=40)
    user = np.repeat(np.arange(n_users) * 3 + 7, per_user)
    item = np.concatenate([rng.choice(200, size=n, replace=False) for n in per_user])
    return pd.DataFrame({
        "user": user, "item": item, "rating": rng.integers(1, 6, size=len(user)),
        "timestamp": pd.Timestamp("1998-01-01") + pd.to_timedelta(
            rng.integers(0, 10**7, size=len(user)), unit="s")})


def _same_rows(a, b):
    key = ["user", "item"]
    return a.sort_values(key).reset_index(drop=True).equals(b.sort_values(key)
                                                            .reset_index(drop=True))


@pytest.mark.parametrize("split", [
    lambda r: splits.random_split(r, 0.2, seed=3),
    lambda r: splits.stratified_split(r, 0.25, seed=3),
    lambda r: splits.temporal_split(r, 0.2)])
def test_splits_partition_without_shared_pairs(ratings, split):
    train, test = split(ratings)
    assert len(train) + len(test) == len(ratings)
    assert _same_rows(pd.concat([train, test]), ratings)
    assert splits.leakage(train, test)["shared_pairs"] == 0


def test_random_split_size_and_seed(ratings):
    train, test = splits.random_split(ratings, 0.2, seed=5)
    assert len(test) == round(0.2 * len(ratings))
    again = splits.random_split(ratings, 0.2, seed=5)[1]
    assert test.equals(again)
    assert not test.equals(splits.random_split(ratings, 0.2, seed=6)[1])


def test_stratified_split_takes_the_share_of_every_user(ratings):
    train, test = splits.stratified_split(ratings, 0.25, seed=0)
    n = ratings.groupby("user").size()
    expected = np.minimum(np.round(0.25 * n), n - 1)
    got = test.groupby("user").size().reindex(n.index, fill_value=0)
    assert (got == expected).all()
    assert set(train["user"]) == set(ratings["user"])       # everyone keeps some history


def test_temporal_split_never_trains_on_the_future(ratings):
    train, test = splits.temporal_split(ratings, 0.3)
    assert train["timestamp"].max() <= test["timestamp"].min()
    assert splits.leakage(train, test)["future_in_train"] == 0
    assert len(test) == round(0.3 * len(ratings))


def test_leakage_reports_overlap_and_time_travel(ratings):
    train, test = splits.random_split(ratings, 0.2, seed=0)
    leaky = pd.concat([train, test.iloc[:5]])
    report = splits.leakage(leaky, test)
    assert report["shared_pairs"] == 5
    assert report["future_in_train"] > 0          # a random split mixes past and future


def test_kfold_puts_every_row_in_one_test_fold(ratings):
    folds = list(splits.kfold(ratings, n_splits=5, seed=0))
    tests = pd.concat([t for _, t in folds])
    assert len(folds) == 5 and _same_rows(tests, ratings)
    sizes = [len(t) for _, t in folds]
    assert max(sizes) - min(sizes) <= 1
    for train, test in folds:
        assert len(train) + len(test) == len(ratings)


def test_bad_input_gets_a_clear_message(ratings):
    with pytest.raises(ValueError, match="between 0 and 1"):
        splits.random_split(ratings, 20)
    with pytest.raises(ValueError, match="needs a 'timestamp' column"):
        splits.temporal_split(ratings.drop(columns="timestamp"))
    with pytest.raises(ValueError, match="no column"):
        splits.random_split(ratings.rename(columns={"user": "u"}))
