"""Self-checks for ``02-recommendation-basics``: sparsity, damped mean, cosine, ranking metrics.

Functions are compared with the course's own implementations (:mod:`course.popularity`,
:mod:`course.knn`, :mod:`course.metrics`) on small cases with known answers; messages name the
likely mistake, never the number.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from course import data, metrics
from course.checks import exercise, not_a_number, written
from course.popularity import damped_mean
from course.recommender import interaction_matrix

NB = "02-recommendation-basics"


@exercise(NB, "sparsity", points=1, hints=[
    "The matrix has one cell per (user, item) pair: how many cells is that?",
    "Each rating fills one cell; sparsity is the share of cells that are empty.",
    "Count the users and the items with `nunique()`; their product is the number of cells. "
    "Compare it with the number of ratings.",
])
def _check_sparsity(value):
    problem = not_a_number(value, "sparsity")
    if problem:
        return problem
    density = data.N_RATINGS / (data.N_USERS * data.N_ITEMS)
    if math.isclose(value, density, rel_tol=1e-3):
        return "that is the share of cells that *have* a rating (the density); take 1 minus it"
    if math.isclose(value, 100 * (1 - density), rel_tol=1e-3):
        return "give a share between 0 and 1, not a percentage"
    if not math.isclose(value, 1 - density, rel_tol=1e-6):
        return "not the share of empty cells: count users and items with nunique()"
    return None


written(NB, "leakage", points=3)


def _toy_ratings() -> pd.DataFrame:
    return pd.DataFrame({"user": [1, 2, 3, 1, 4, 2], "item": [10, 10, 10, 20, 30, 30],
                         "rating": [4, 5, 3, 5, 1, 2]})


@exercise(NB, "damped_mean_scores", points=2, hints=[
    "Group the ratings by item: you need each item's sum of ratings and number of ratings.",
    "The global mean is the mean of *all* ratings, not the mean of the item means.",
    "`groupby('item')['rating'].agg(['sum', 'count'])` gives both numbers per item; put them "
    "into the formula of the text and return a Series indexed by item.",
])
def _check_damped_mean(damped_mean_scores):
    if not callable(damped_mean_scores):
        return "damped_mean_scores should be a function of (ratings, damping)"
    toy = _toy_ratings()
    X, _, items = interaction_matrix(toy)
    for damping in (0, 3, 10):
        got = damped_mean_scores(toy, damping)
        if not isinstance(got, pd.Series):
            return f"return a pandas Series indexed by item, not {type(got).__name__}"
        if sorted(got.index) != items.tolist():
            return "the Series should be indexed by item id, one entry per rated item"
        want = damped_mean(X, damping)
        got = got.sort_index().to_numpy(dtype=float)
        if not np.allclose(got, want):
            if damping == 0:
                return "with damping=0 the result should be each item's plain mean rating"
            plain_mu = toy.groupby("item")["rating"].mean().mean()
            alt = ((toy.groupby("item")["rating"].sum() + damping * plain_mu)
                   / (toy.groupby("item").size() + damping)).to_numpy()
            if np.allclose(got, alt):
                return "use the mean of all ratings as the prior, not the mean of item means"
            return f"wrong with damping={damping}: check the formula in the text"
    return None


@exercise(NB, "cosine", points=2, hints=[
    "Cosine similarity is the dot product divided by the product of the two lengths.",
    "numpy has `np.dot` for the dot product and `np.linalg.norm` for the length of a vector.",
    "A vector of zeros has no direction: return 0.0 when either length is 0.",
])
def _check_cosine(cosine):
    if not callable(cosine):
        return "cosine should be a function of two vectors"
    cases = [([1, 0], [1, 0], 1.0), ([1, 0], [0, 1], 0.0), ([1, 1, 0], [1, 0, 0], 2 ** -0.5),
             ([1, 2, 3], [-1, -2, -3], -1.0), ([2, 0, 1, 1], [1, 1, 0, 1], 3 / np.sqrt(18))]
    for a, b, want in cases:
        got = cosine(np.array(a, dtype=float), np.array(b, dtype=float))
        if not_a_number(got, "cosine(a, b)"):
            return "cosine(a, b) should return a number"
        if not math.isclose(float(got), want, abs_tol=1e-9):
            if math.isclose(float(got), float(np.dot(a, b)), abs_tol=1e-9):
                return "that is the dot product: divide by the lengths of both vectors"
            return f"cosine({a}, {b}) is not right"
    zero = cosine(np.zeros(3), np.array([1.0, 0.0, 1.0]))
    if not_a_number(zero, "cosine of a zero vector") or zero != 0:
        return "a vector of zeros (a movie with no genre) should give 0.0, not nan"
    return None


_REC = [10, 20, 30, 40, 50]
_REL = {20, 50, 60}


def _ranking_cases():
    rng = np.random.default_rng(7)
    cases = [(_REC, _REL, 5), (_REC, _REL, 2), (_REC, _REL, 1), ([1, 2, 3], {1, 2, 3}, 3),
             ([4, 5, 6], {1}, 3), ([6, 5, 4, 3], {4}, 4)]
    for _ in range(10):
        rec = rng.choice(50, size=10, replace=False).tolist()
        rel = set(rng.choice(50, size=int(rng.integers(1, 15)), replace=False).tolist())
        cases.append((rec, rel, int(rng.integers(1, 11))))
    return cases


@exercise(NB, "precision_at_k", points=1, hints=[
    "Look only at the first k recommended items.",
    "Count how many of them are in `relevant`, then divide by k.",
])
def _check_precision(precision_at_k):
    if not callable(precision_at_k):
        return "precision_at_k should be a function of (recommended, relevant, k)"
    for rec, rel, k in _ranking_cases():
        got = precision_at_k(list(rec), set(rel), k)
        if not_a_number(got, "precision_at_k"):
            return "precision_at_k should return a number"
        want = metrics.precision_at_k(rec, rel, k)
        if not math.isclose(float(got), want, abs_tol=1e-9):
            hits = len(set(rec[:k]) & rel)
            if math.isclose(float(got), hits / len(rel), abs_tol=1e-9):
                return "that divides by the number of relevant items (that is recall)"
            if math.isclose(float(got), len(set(rec) & rel) / k, abs_tol=1e-9):
                return "only the first k recommendations count"
            return f"wrong for recommended={rec}, relevant={sorted(rel)}, k={k}"
    return None


@exercise(NB, "ndcg_at_k", points=3, hints=[
    "DCG adds 1 / log2(rank + 1) for every relevant item among the first k (rank 1 is the top).",
    "The ideal DCG puts all relevant items first: how many of them fit in k places?",
    "Normalise by the DCG of the best possible list (its hits all at the top, as many as fit); "
    "when nothing is relevant there is nothing to find: return 0.0.",
])
def _check_ndcg(ndcg_at_k):
    if not callable(ndcg_at_k):
        return "ndcg_at_k should be a function of (recommended, relevant, k)"
    for rec, rel, k in _ranking_cases():
        got = ndcg_at_k(list(rec), set(rel), k)
        if not_a_number(got, "ndcg_at_k"):
            return ("ndcg_at_k should return a finite number (log2(1) is 0: the top rank has "
                    "discount 1 / log2(2))")
        want = metrics.ndcg_at_k(rec, rel, k)
        if not math.isclose(float(got), want, abs_tol=1e-9):
            hits = np.isin(rec[:k], list(rel))
            dcg = float(hits @ metrics.discounts(k)[:len(hits)])
            if math.isclose(float(got), dcg, abs_tol=1e-9):
                return "that is the DCG: divide it by the ideal DCG to normalise"
            wrong_ideal = dcg / metrics.discounts(k).sum()
            if math.isclose(float(got), wrong_ideal, abs_tol=1e-9):
                return ("the ideal list can hold at most min(k, number relevant) hits; with "
                        "fewer relevant items than k, don't count k of them")
            return f"wrong for recommended={rec}, relevant={sorted(rel)}, k={k}"
    if ndcg_at_k([1, 2], set(), 2) != 0:
        return "with no relevant items, return 0.0"
    return None


written(NB, "popularity_bias", points=3)
