"""Splitting ratings into training and test sets without leaking the answer.

A test set is only honest if the model could not have seen it: no (user, item) pair in both
parts, and for a *temporal* split nothing in training that happened after the test period began.
Statistics such as popularity or mean ratings must then be computed on the training part only.

- :func:`random_split`: a random share of all ratings (the classic, slightly optimistic setup).
- :func:`stratified_split`: the same share of *each user's* ratings, so every user has history in
  training and something to find in test (the top-k setup of Microsoft Recommenders).
- :func:`temporal_split`: everything before a moment in time trains, everything after tests
  (what a deployed system faces).
- :func:`kfold`: k random folds for cross-validation.
- :func:`leakage` reports overlap and time travel between two parts.

Example
-------
>>> import pandas as pd
>>> ratings = pd.DataFrame({"user": [1, 1, 1, 1, 2, 2, 2, 2], "item": [1, 2, 3, 4] * 2,
...                         "rating": 4, "timestamp": pd.date_range("2020", periods=8)})
>>> train, test = stratified_split(ratings, test_size=0.25, seed=0)
>>> test.groupby("user").size().tolist()
[1, 1]
>>> leakage(train, test)["shared_pairs"]
0
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from course.recommender import check_ratings


def _check(ratings: pd.DataFrame, test_size: float) -> None:
    check_ratings(ratings, rating=False)
    if not 0 < test_size < 1:
        raise ValueError(f"test_size is the share of ratings in the test set, between 0 and 1 "
                         f"(e.g. 0.2); got {test_size}")


def _parts(ratings: pd.DataFrame, is_test: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
    return (ratings[~is_test].reset_index(drop=True), ratings[is_test].reset_index(drop=True))


def random_split(ratings: pd.DataFrame, test_size: float = 0.2,
                 seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Put a random ``test_size`` share of the rows in test, the rest in train."""
    _check(ratings, test_size)
    n = len(ratings)
    rng = np.random.default_rng(seed)
    is_test = np.zeros(n, dtype=bool)
    is_test[rng.permutation(n)[:round(test_size * n)]] = True
    return _parts(ratings, is_test)


def stratified_split(ratings: pd.DataFrame, test_size: float = 0.25, seed: int = 0,
                     min_train: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Put a random ``test_size`` share of *each user's* rows in test (rounded), keeping at
    least ``min_train`` rows per user in train."""
    _check(ratings, test_size)
    rng = np.random.default_rng(seed)
    users = ratings["user"].to_numpy()
    # a random order within each user: sort by (user, random key)
    order = np.lexsort((rng.random(len(users)), users))
    sorted_users = users[order]
    starts = np.r_[0, np.flatnonzero(sorted_users[1:] != sorted_users[:-1]) + 1]
    counts = np.diff(np.r_[starts, len(users)])
    rank = np.arange(len(users)) - np.repeat(starts, counts)
    n_test = np.minimum(np.round(test_size * counts), np.maximum(counts - min_train, 0))
    is_test = np.empty(len(users), dtype=bool)
    is_test[order] = rank < np.repeat(n_test, counts)
    return _parts(ratings, is_test)


def temporal_split(ratings: pd.DataFrame, test_size: float = 0.2,
                   time: str = "timestamp") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Train on the earliest ``1 - test_size`` of the ratings, test on the latest.

    Every training rating is no later than every test rating. Test users or items that never
    appear in training are kept: a real system meets them too (cold start).
    """
    _check(ratings, test_size)
    if time not in ratings.columns:
        raise ValueError(f"a temporal split needs a {time!r} column; load_ratings() has one")
    order = np.argsort(ratings[time].to_numpy(), kind="stable")
    is_test = np.zeros(len(ratings), dtype=bool)
    is_test[order[len(ratings) - round(test_size * len(ratings)):]] = True
    return _parts(ratings, is_test)


def kfold(ratings: pd.DataFrame, n_splits: int = 5,
          seed: int = 0) -> Iterator[tuple[pd.DataFrame, pd.DataFrame]]:
    """Yield ``n_splits`` (train, test) pairs; every row is in exactly one test fold."""
    check_ratings(ratings, rating=False)
    if not 2 <= n_splits <= len(ratings):
        raise ValueError(f"n_splits must be between 2 and the number of ratings, got {n_splits}")
    fold = np.empty(len(ratings), dtype=int)
    fold[np.random.default_rng(seed).permutation(len(ratings))] = (
        np.arange(len(ratings)) % n_splits)
    for f in range(n_splits):
        yield _parts(ratings, fold == f)


def leakage(train: pd.DataFrame, test: pd.DataFrame,
            time: str = "timestamp") -> dict[str, int]:
    """How the test set leaks into training.

    ``shared_pairs``: (user, item) pairs present in both; ``future_in_train``: training rows
    later than the earliest test row (only meaningful for a temporal evaluation; 0 if there is
    no ``time`` column); ``cold_users``/``cold_items``: test users/items absent from training.
    """
    pairs = train[["user", "item"]].merge(test[["user", "item"]].drop_duplicates(),
                                          on=["user", "item"])
    future = 0
    if time in train.columns and time in test.columns and len(test):
        future = int((train[time] > test[time].min()).sum())
    return {"shared_pairs": len(pairs), "future_in_train": future,
            "cold_users": int((~test["user"].isin(train["user"])).sum()),
            "cold_items": int((~test["item"].isin(train["item"])).sum())}
