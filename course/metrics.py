"""How good is a recommender? Error metrics for ratings, ranking metrics for top-k lists, and
"beyond accuracy" metrics for what a list does to the catalogue.

*Rating error*: :func:`rmse`, :func:`mae` compare predicted and true ratings.

*Ranking* (one list per user, best first; an item is *relevant* when the user interacted with it
in the test set): :func:`precision_at_k`, :func:`recall_at_k`, :func:`ndcg_at_k`,
:func:`average_precision_at_k` and its mean :func:`map_at_k`, :func:`hit_rate_at_k`. Each takes
either one list and one collection of relevant items, or a 2-D array of lists (one row per user)
and a sequence of collections (one per row), and returns the mean over users. Conventions:
precision divides by ``k``; average precision divides by ``min(k, number relevant)``; NDCG uses
binary relevance and ``log2(rank + 1)`` discounts; users with nothing relevant score 0.

*Beyond accuracy*: :func:`catalogue_coverage`, :func:`average_popularity`, :func:`novelty`,
:func:`intra_list_diversity`.

:func:`evaluate_ratings` and :func:`evaluate_ranking` compute everything for a fitted model.

Example
-------
>>> precision_at_k([3, 1, 2], {1, 9}, k=3)      # one hit in three
0.3333333333333333
>>> round(ndcg_at_k([3, 1, 2], {1, 9}, k=3), 4)  # (1/log2 3) / (1 + 1/log2 3)
0.3869
>>> rmse([4, 2], [3, 2])
0.7071067811865476
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

import numpy as np
import pandas as pd

# -- rating error ---------------------------------------------------------------------------


def _pair(y_true: Any, y_pred: Any) -> tuple[np.ndarray, np.ndarray]:
    y_true = np.asarray(y_true, dtype=float).ravel()
    y_pred = np.asarray(y_pred, dtype=float).ravel()
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true has {len(y_true)} values but y_pred has {len(y_pred)}; "
                         "predict one rating for every true rating")
    if len(y_true) == 0:
        raise ValueError("no ratings to compare: y_true is empty")
    return y_true, y_pred


def rmse(y_true: Any, y_pred: Any) -> float:
    """Root mean squared error: ``sqrt(mean((y_true - y_pred) ** 2))``.

    >>> rmse([1, 2, 3], [1, 2, 5])
    1.1547005383792515
    """
    y_true, y_pred = _pair(y_true, y_pred)
    return float(np.sqrt(np.mean((y_true - y_pred) ** 2)))


def mae(y_true: Any, y_pred: Any) -> float:
    """Mean absolute error: ``mean(|y_true - y_pred|)``.

    >>> mae([1, 2, 3], [1, 2, 5])
    0.6666666666666666
    """
    y_true, y_pred = _pair(y_true, y_pred)
    return float(np.mean(np.abs(y_true - y_pred)))


# -- ranking ----------------------------------------------------------------------------------


def relevance(recommended: Any, relevant: Any, k: int | None = None) -> tuple[np.ndarray,
                                                                               np.ndarray]:
    """The building block of every ranking metric.

    Returns ``hits``, a boolean array (n_users, k) telling whether each recommended item is
    relevant, and ``n_relevant`` (n_users,), the number of relevant items of each user.
    ``recommended`` is one list (1-D) or one list per row (2-D); ``relevant`` is one collection
    of item ids, or one per row. Vectorized: no Python loop over lists' items.

    >>> hits, n_rel = relevance([[1, 2], [3, 4]], [{2}, {5, 6}])
    >>> hits
    array([[False,  True],
           [False, False]])
    >>> n_rel
    array([1, 2])
    """
    rec = np.asarray(recommended)
    if rec.ndim == 1:
        rec, relevant = rec[None, :], [relevant]
    if rec.ndim != 2:
        raise ValueError("recommended must be one list or a 2-D array with one list per user")
    if k is not None:
        if k < 1:
            raise ValueError(f"k must be at least 1, got {k}")
        rec = rec[:, :k]
    if isinstance(relevant, (set, frozenset)) or len(relevant) != len(rec):
        raise ValueError(f"give one collection of relevant items per list: {len(rec)} lists "
                         f"but {len(relevant) if not isinstance(relevant, set) else 1} "
                         "collections")
    rel = [np.fromiter(r, dtype=rec.dtype) if isinstance(r, (set, frozenset))
           else np.asarray(r, dtype=rec.dtype).ravel() for r in relevant]
    n_relevant = np.array([len(np.unique(r)) for r in rel], dtype=int)
    rel_rows = np.repeat(np.arange(len(rel)), [len(r) for r in rel])
    rel_items = np.concatenate(rel) if rel else np.empty(0, dtype=rec.dtype)
    # encode (row, item) pairs as single integers so np.isin can compare them all at once
    codes, inverse = np.unique(np.concatenate([rec.ravel(), rel_items]), return_inverse=True)
    rec_keys = np.repeat(np.arange(len(rec)), rec.shape[1]) * len(codes) + inverse[:rec.size]
    rel_keys = rel_rows * len(codes) + inverse[rec.size:]
    hits = np.isin(rec_keys, rel_keys).reshape(rec.shape)
    return hits, n_relevant


def _k(hits: np.ndarray, k: int | None) -> int:
    return hits.shape[1] if k is None else k


def precision_at_k(recommended: Any, relevant: Any, k: int | None = None) -> float:
    """Share of the top ``k`` that is relevant, averaged over users.

    >>> precision_at_k([[1, 2], [3, 4]], [{2}, {3, 4}])
    0.75
    """
    hits, _ = relevance(recommended, relevant, k)
    return float(np.mean(hits.sum(axis=1) / _k(hits, k)))


def recall_at_k(recommended: Any, relevant: Any, k: int | None = None) -> float:
    """Share of a user's relevant items found in the top ``k``, averaged over users.

    >>> recall_at_k([1, 2, 3], {2, 7, 8, 9}, k=3)
    0.25
    """
    hits, n_rel = relevance(recommended, relevant, k)
    return float(np.mean(np.divide(hits.sum(axis=1), n_rel, out=np.zeros(len(n_rel)),
                                   where=n_rel > 0)))


def discounts(k: int) -> np.ndarray:
    """The NDCG position discounts ``1 / log2(rank + 1)`` for ranks 1..k."""
    return 1.0 / np.log2(np.arange(2, k + 2))


def ndcg_at_k(recommended: Any, relevant: Any, k: int | None = None) -> float:
    """Normalised discounted cumulative gain with binary relevance, averaged over users.

    DCG adds ``1 / log2(rank + 1)`` for each relevant item in the list; it is divided by the
    best DCG possible (all relevant items first), so 1 is a perfect list.

    >>> ndcg_at_k([5, 6], {5})
    1.0
    >>> round(ndcg_at_k([6, 5], {5}), 4)
    0.6309
    """
    hits, n_rel = relevance(recommended, relevant, k)
    kk = _k(hits, k)
    disc = discounts(max(kk, hits.shape[1]))
    dcg = hits @ disc[:hits.shape[1]]
    ideal = np.concatenate([[0.0], np.cumsum(disc)])[np.minimum(n_rel, kk)]
    return float(np.mean(np.divide(dcg, ideal, out=np.zeros(len(dcg)), where=ideal > 0)))


def average_precision_at_k(recommended: Any, relevant: Any,
                           k: int | None = None) -> np.ndarray:
    """Average precision of each list: the mean of precision@j over the ranks j of its hits,
    divided by ``min(k, number relevant)``. Returns one value per list.

    >>> average_precision_at_k([1, 2, 3], {1, 3}, k=3)     # (1/1 + 2/3) / 2
    array([0.83333333])
    """
    hits, n_rel = relevance(recommended, relevant, k)
    kk = _k(hits, k)
    prec_at_j = np.cumsum(hits, axis=1) / np.arange(1, hits.shape[1] + 1)
    denom = np.minimum(n_rel, kk)
    return np.divide((prec_at_j * hits).sum(axis=1), denom, out=np.zeros(len(denom)),
                     where=denom > 0)


def map_at_k(recommended: Any, relevant: Any, k: int | None = None) -> float:
    """Mean average precision: :func:`average_precision_at_k` averaged over users.

    >>> round(map_at_k([[1, 2, 3], [4, 5, 6]], [{1, 3}, {9}], k=3), 4)
    0.4167
    """
    return float(np.mean(average_precision_at_k(recommended, relevant, k)))


def hit_rate_at_k(recommended: Any, relevant: Any, k: int | None = None) -> float:
    """Share of users with at least one relevant item in their top ``k``.

    >>> hit_rate_at_k([[1, 2], [3, 4]], [{2}, {9}])
    0.5
    """
    hits, _ = relevance(recommended, relevant, k)
    return float(np.mean(hits.any(axis=1)))


# -- beyond accuracy --------------------------------------------------------------------------


def catalogue_coverage(recommended: Any, catalogue: int | Collection) -> float:
    """Share of the catalogue that appears in at least one list.

    ``catalogue`` is the number of items, or the collection of all item ids.

    >>> catalogue_coverage([[1, 2], [2, 3]], 10)
    0.3
    """
    n = catalogue if isinstance(catalogue, int | np.integer) else len(catalogue)
    if n <= 0:
        raise ValueError("the catalogue is empty: give the number of items (> 0)")
    return float(len(np.unique(np.asarray(recommended))) / n)


def _lookup(popularity: pd.Series, recommended: Any) -> np.ndarray:
    if not isinstance(popularity, pd.Series):
        raise TypeError("popularity must be a pandas Series indexed by item id, e.g. "
                        "train['item'].value_counts()")
    rec = np.asarray(recommended)
    return popularity.reindex(rec.ravel()).fillna(0).to_numpy(dtype=float).reshape(rec.shape)


def average_popularity(recommended: Any, popularity: pd.Series) -> float:
    """Average recommendation popularity (ARP): the mean, over all recommended items, of their
    popularity (``popularity`` is a Series indexed by item id, e.g. training counts).

    >>> pop = pd.Series({1: 100, 2: 10, 3: 1})
    >>> average_popularity([[1, 2], [1, 3]], pop)
    52.75
    """
    return float(_lookup(popularity, recommended).mean())


def novelty(recommended: Any, popularity: pd.Series, n_users: int) -> float:
    """Mean self-information ``-log2(popularity / n_users)`` of the recommended items, in bits:
    high when lists hold items few users know. Items never seen count as seen once.

    >>> novelty([[1, 2]], pd.Series({1: 50, 2: 25}), n_users=100)
    1.5
    """
    if n_users <= 0:
        raise ValueError("n_users must be positive")
    share = np.maximum(_lookup(popularity, recommended), 1.0) / n_users
    return float(np.mean(-np.log2(share)))


def intra_list_diversity(recommended: Any, features: pd.DataFrame) -> float:
    """Mean pairwise cosine *distance* (1 - cosine similarity) between the items of each list,
    averaged over lists. ``features`` is indexed by item id (e.g. genre indicators).

    >>> genres = pd.DataFrame({"drama": [1, 1, 0], "comedy": [0, 0, 1]}, index=[1, 2, 3])
    >>> round(intra_list_diversity([[1, 2, 3]], genres), 4)  # pairs: same, different, different
    0.6667
    """
    rec = np.atleast_2d(np.asarray(recommended))
    if rec.shape[1] < 2:
        raise ValueError("intra-list diversity needs lists of at least two items")
    F = features.reindex(rec.ravel()).fillna(0).to_numpy(dtype=float)
    norms = np.linalg.norm(F, axis=1, keepdims=True)
    F = np.divide(F, norms, out=np.zeros_like(F), where=norms > 0).reshape(*rec.shape, -1)
    sims = np.einsum("ukd,ujd->ukj", F, F)
    k = rec.shape[1]
    off_diagonal = (sims.sum(axis=(1, 2)) - np.einsum("ukk->u", sims)) / (k * (k - 1))
    return float(np.mean(1.0 - off_diagonal))


# -- whole-model reports ----------------------------------------------------------------------


def evaluate_ratings(model: Any, test: pd.DataFrame) -> dict[str, float]:
    """RMSE and MAE of a fitted rating model on a test table (user, item, rating)."""
    pred = model.predict(test["user"].to_numpy(), test["item"].to_numpy())
    truth = test["rating"].to_numpy(dtype=float)
    return {"rmse": rmse(truth, pred), "mae": mae(truth, pred)}


def relevant_items(test: pd.DataFrame, users: Sequence | None = None,
                   min_rating: float | None = None) -> tuple[np.ndarray, list[np.ndarray]]:
    """Users of ``test`` and, for each, the array of their test items (rating >= ``min_rating``
    when given)."""
    if min_rating is not None:
        test = test[test["rating"] >= min_rating]
    groups = test.groupby("user", sort=True)["item"]
    by_user = {u: g.to_numpy() for u, g in groups}
    users = np.array(sorted(by_user)) if users is None else np.asarray(users)
    return users, [by_user.get(u, np.empty(0, dtype=int)) for u in users]


def evaluate_ranking(model: Any, test: pd.DataFrame, k: int = 10,
                     features: pd.DataFrame | None = None,
                     min_rating: float | None = None) -> dict[str, float]:
    """All ranking and beyond-accuracy metrics of a fitted model's top-``k`` lists.

    The users evaluated are the test users the model saw in training; an item is relevant when
    the user has it in ``test`` (with rating >= ``min_rating`` when given). Items seen in
    training are never recommended. Popularity and novelty use the training matrix ``model.X_``.
    """
    users, relevant = relevant_items(test, min_rating=min_rating)
    known = model.user_index(users) >= 0
    users = users[known]
    relevant = [r for r, keep in zip(relevant, known, strict=True) if keep]
    if len(users) == 0:
        raise ValueError("no test user appears in the training data; check the split")
    recs = model.recommend_many(users, k=k)
    train_pop = pd.Series(np.bincount(model.X_.indices, minlength=model.n_items_),
                          index=model.item_ids_)
    hits, n_rel = relevance(recs, relevant)
    report = {
        f"precision@{k}": precision_at_k(recs, relevant),
        f"recall@{k}": recall_at_k(recs, relevant),
        f"ndcg@{k}": ndcg_at_k(recs, relevant),
        f"map@{k}": map_at_k(recs, relevant),
        f"hit_rate@{k}": hit_rate_at_k(recs, relevant),
        "coverage": catalogue_coverage(recs, model.n_items_),
        "avg_popularity": average_popularity(recs, train_pop),
        "novelty": novelty(recs, train_pop, model.n_users_),
    }
    if features is not None:
        report["diversity"] = intra_list_diversity(recs, features)
    return report
