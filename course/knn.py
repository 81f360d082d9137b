"""Neighbourhood methods: recommend what similar users liked (user-user kNN), or items similar to
what you liked (item-item kNN).

Both predict a rating as the user's mean plus a weighted average of *mean-centred* ratings:

    user-user:  r(u, i) = mean(u) + sum_v s(u, v) (r(v, i) - mean(v)) / sum_v |s(u, v)|
                (v over the ``n_neighbors`` users most similar to u who rated i)
    item-item:  r(u, i) = mean(u) + sum_j s(i, j) (r(u, j) - mean(u)) / sum_j |s(i, j)|
                (j over the ``n_neighbors`` items most similar to i that u rated)

(only neighbours with a positive similarity vote, as in Surprise's ``KNNWithMeans``).

Centring removes the fact that some people rate everything 4 or 5 and others everything 2 or 3.
Similarities: ``"cosine"`` of the raw rows, ``"pearson"`` (cosine of the
mean-centred rows, the usual sparse approximation of Pearson's correlation), both optionally
shrunk towards 0 when two users share few items (``shrinkage``).

Example
-------
>>> import numpy as np, scipy.sparse as sp
>>> X = sp.csr_matrix(np.array([[5, 4, 0], [5, 4, 1], [1, 2, 5.]]))
>>> cosine_similarity(X).round(2)
array([[1.  , 0.99, 0.37],
       [0.99, 1.  , 0.51],
       [0.37, 0.51, 1.  ]])
>>> # user 0 (mean 4.5) has one neighbour, user 1, who rated item 2 at 2.33 below their mean
>>> UserKNN(n_neighbors=1).fit(X).predict([0], [2]).round(3)
array([2.167])
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import scipy.sparse as sp

from course.recommender import RatingModel, center_rows, user_means

SIMILARITIES = ("cosine", "pearson")


def _normalise_rows(X: sp.csr_matrix) -> sp.csr_matrix:
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    inv = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    return sp.csr_matrix(sp.diags(inv) @ X)


def cosine_similarity(A: Any, B: Any = None) -> np.ndarray:
    """Cosine similarity between the rows of ``A`` and the rows of ``B`` (default ``A``).

    Accepts dense arrays or scipy.sparse matrices; returns a dense array. Rows of zeros have
    similarity 0 with everything.

    >>> cosine_similarity(np.array([[1.0, 0.0], [1.0, 1.0]])).round(3)
    array([[1.   , 0.707],
           [0.707, 1.   ]])
    """
    A = _normalise_rows(sp.csr_matrix(A, dtype=float))
    B = A if B is None else _normalise_rows(sp.csr_matrix(B, dtype=float))
    return np.asarray((A @ B.T).toarray())


def similarity(X: sp.csr_matrix, rows: np.ndarray | None = None, kind: str = "pearson",
               shrinkage: float = 0.0) -> np.ndarray:
    """Similarity of the rows ``rows`` of ``X`` (default: all) to every row of ``X``.

    ``kind="pearson"`` centres each row on the mean of its stored ratings first. ``shrinkage``
    multiplies each similarity by ``n / (n + shrinkage)``, ``n`` the number of co-rated columns.
    """
    if kind not in SIMILARITIES:
        raise ValueError(f"unknown similarity {kind!r}; choose one of {SIMILARITIES}")
    X = sp.csr_matrix(X, dtype=float)
    rows = np.arange(X.shape[0]) if rows is None else np.asarray(rows)
    if kind == "pearson":
        X = center_rows(X, user_means(X))
    S = cosine_similarity(X[rows], X)
    if shrinkage > 0:
        B = X.copy()
        B.data = np.ones_like(B.data)
        support = np.asarray((B[rows] @ B.T).toarray())
        S *= support / (support + shrinkage)
    return S


def _binary(X: sp.csr_matrix) -> sp.csr_matrix:
    B = X.copy()
    B.data = np.ones_like(B.data)
    return B


def _vote(S: np.ndarray, values: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """For each row of ``S`` (similarities to candidate neighbours, shape (n, m)) keep the ``k``
    most similar candidates with a positive similarity, and return ``sum(s * value)`` and
    ``sum(s)`` per row. ``values`` has shape (m,) or (n, m)."""
    W = np.maximum(S, 0.0)
    if S.shape[1] > k:
        cut = S.shape[1] - k       # the k-th largest similarity of each row is the threshold
        threshold = np.partition(S, cut, axis=1)[:, cut:cut + 1]
        keep = S >= threshold
        W[~keep] = 0.0
        ties = np.flatnonzero((keep.sum(axis=1) > k) & (threshold[:, 0] > 0))
        if len(ties):              # equal positive similarities at the threshold: keep k
            idx = np.argpartition(-S[ties], k - 1, axis=1)[:, :k]
            W[ties] = 0.0
            W[ties[:, None], idx] = np.maximum(np.take_along_axis(S[ties], idx, axis=1), 0.0)
    values = np.asarray(values, dtype=float)
    num = W @ values if values.ndim == 1 else (W * values).sum(axis=1)
    return num, W.sum(axis=1)


class _KNN(RatingModel):
    def __init__(self, n_neighbors: int = 40, similarity: str = "pearson",
                 shrinkage: float = 0.0, center: bool = True, normalize: bool = True) -> None:
        self.n_neighbors = n_neighbors
        self.similarity = similarity
        self.shrinkage = shrinkage
        self.center = center
        self.normalize = normalize

    def _fit_means(self, X: sp.csr_matrix) -> None:
        if self.similarity not in SIMILARITIES:
            raise ValueError(f"unknown similarity {self.similarity!r}; choose one of "
                             f"{SIMILARITIES}")
        if int(self.n_neighbors) < 1:
            raise ValueError(f"n_neighbors must be at least 1, got {self.n_neighbors}")
        self.global_mean_ = float(X.data.mean())
        self.user_means_ = (user_means(X) if self.center else np.zeros(X.shape[0]))
        self.centred_ = center_rows(X, self.user_means_)

    def _combine(self, users: np.ndarray, num: np.ndarray, den: np.ndarray) -> np.ndarray:
        if not self.normalize:      # implicit feedback: sum of similarities
            return num
        dev = np.divide(num, den, out=np.zeros_like(num), where=den > 1e-12)
        return self.user_means_[users][:, None] + dev

    def _pairs(self, u: np.ndarray, i: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError  # pragma: no cover

    def _predict(self, u: np.ndarray, i: np.ndarray) -> np.ndarray:
        pred = np.full(len(u), self.global_mean_)
        known_u = u >= 0
        if self.center:
            pred[known_u] = self.user_means_[u[known_u]]
        both = known_u & (i >= 0)
        if both.any():
            # only the requested pairs: much cheaper than scoring every item
            num, den = self._pairs(u[both], i[both])
            pred[both] = self._combine(u[both], num[:, None], den[:, None])[:, 0]
        return pred


def _in_parallel(work, n: int, min_chunk: int = 64) -> None:
    """Call ``work(positions)`` on chunks of ``range(n)`` in a few threads (numpy's partition
    releases the GIL, so scoring many users uses every core); each chunk writes its own rows."""
    chunks = np.array_split(np.arange(n), max(1, min(4 * (os.cpu_count() or 1), n // min_chunk)))
    if len(chunks) == 1:
        work(chunks[0])
        return
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        list(pool.map(work, chunks))


def _groups(keys: np.ndarray):
    """Yield (key, positions) for each distinct key, looping over groups, not elements."""
    order = np.argsort(keys, kind="stable")
    bounds = np.flatnonzero(np.diff(keys[order])) + 1
    for group in np.split(order, bounds):
        yield keys[group[0]], group


class UserKNN(_KNN):
    """User-user collaborative filtering with mean-centred ratings.

    For each (user, item), the ``n_neighbors`` users most similar to the user *among those who
    rated the item* vote (only positive similarities count, as in Surprise's
    ``KNNWithMeans``). ``similarity`` is ``"pearson"`` or ``"cosine"``; ``shrinkage`` damps
    similarities built on few shared items. ``normalize=False`` (for 0/1 implicit data, with
    ``center=False``) scores by the sum of the neighbours' similarities instead of a weighted
    average. Similarities are computed in ``score`` for the requested users only, so memory
    stays (users x n_users); the loop runs over items.

    Fitted: ``global_mean_``, ``user_means_``.
    """

    def _fit(self, X: sp.csr_matrix) -> None:
        self._fit_means(X)
        self.by_item_ = sp.csc_matrix(self.centred_)

    def score(self, users: Any) -> np.ndarray:
        users = np.atleast_1d(users)
        S = similarity(self.X_, users, self.similarity, self.shrinkage)
        S[np.arange(len(users)), users] = 0.0       # nobody is their own neighbour
        num, den = np.zeros((len(users), self.n_items_)), np.zeros((len(users), self.n_items_))
        C = self.by_item_

        def items(positions: np.ndarray) -> None:
            for i in positions:
                raters = C.indices[C.indptr[i]:C.indptr[i + 1]]
                if len(raters):
                    num[:, i], den[:, i] = _vote(S[:, raters],
                                                 C.data[C.indptr[i]:C.indptr[i + 1]],
                                                 int(self.n_neighbors))

        _in_parallel(items, self.n_items_)
        return self._combine(users, num, den)

    def _pairs(self, u: np.ndarray, i: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        users, row = np.unique(u, return_inverse=True)
        S = similarity(self.X_, users, self.similarity, self.shrinkage)
        S[np.arange(len(users)), users] = 0.0
        num, den = np.zeros(len(u)), np.zeros(len(u))
        C = self.by_item_
        for item, at in _groups(i):
            raters = C.indices[C.indptr[item]:C.indptr[item + 1]]
            if len(raters):
                num[at], den[at] = _vote(S[row[at]][:, raters],
                                         C.data[C.indptr[item]:C.indptr[item + 1]],
                                         int(self.n_neighbors))
        return num, den


class ItemKNN(_KNN):
    """Item-item collaborative filtering with mean-centred ratings.

    Item similarities are computed once in ``fit`` on the user-centred ratings (with
    ``similarity="pearson"`` this is the *adjusted cosine* of Sarwar et al. 2001). For each
    (user, item), the ``n_neighbors`` items most similar to it *among those the user rated*
    vote, positive similarities only.

    Fitted: ``global_mean_``, ``user_means_``, ``similarity_`` (dense items x items).
    """

    def _fit(self, X: sp.csr_matrix) -> None:
        self._fit_means(X)
        cols = sp.csr_matrix(self.centred_.T if self.similarity == "pearson" else X.T)
        S = cosine_similarity(cols)
        if self.shrinkage > 0:
            B = _binary(sp.csr_matrix(X.T))
            support = np.asarray((B @ B.T).toarray())
            S *= support / (support + self.shrinkage)
        np.fill_diagonal(S, 0.0)
        self.similarity_ = S

    def score(self, users: Any) -> np.ndarray:
        users = np.atleast_1d(users)
        num, den = np.zeros((len(users), self.n_items_)), np.zeros((len(users), self.n_items_))
        R = self.centred_

        def rows(positions: np.ndarray) -> None:
            for row in positions:
                u = users[row]
                items = R.indices[R.indptr[u]:R.indptr[u + 1]]
                if len(items):   # similarity_ is symmetric: gather rows, not columns (faster)
                    num[row], den[row] = _vote(self.similarity_[items].T,
                                               R.data[R.indptr[u]:R.indptr[u + 1]],
                                               int(self.n_neighbors))

        _in_parallel(rows, len(users))
        return self._combine(users, num, den)

    def _pairs(self, u: np.ndarray, i: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        num, den = np.zeros(len(u)), np.zeros(len(u))
        R = self.centred_
        for user, at in _groups(u):
            items = R.indices[R.indptr[user]:R.indptr[user + 1]]
            if len(items):
                num[at], den[at] = _vote(self.similarity_[i[at]][:, items],
                                         R.data[R.indptr[user]:R.indptr[user + 1]],
                                         int(self.n_neighbors))
        return num, den
