"""What every recommender in the course shares: ids, the interaction matrix, top-k lists.

A recommender learns from a table of who rated (or clicked) what and then, for any user, gives a
score to every item; the items with the highest scores form that user's list. The models in
:mod:`course.popularity`, :mod:`course.content`, :mod:`course.knn`, :mod:`course.baseline`,
:mod:`course.mf`, :mod:`course.implicit` and :mod:`course.ease` all follow one interface, in the
style of scikit-learn:

``fit(X)``
    learn from ``X``: either a ratings DataFrame with columns ``user``, ``item``, ``rating``
    (ids can be any integers) or a ``scipy.sparse`` user x item matrix whose rows and columns
    already are the indices. Returns the model itself. Fitted attributes end with ``_``.
``score(users)``
    a dense ``(len(users), n_items)`` float array of scores, for user *indices*; the columns are
    item indices (``item_ids_[j]`` is the id of column ``j``).
``recommend(user, k=10, exclude_seen=True)``
    the ids of the ``k`` best items for one user *id*, best first.
``recommend_many(users, k=10, exclude_seen=True)``
    the same for many user ids at once, as a ``(len(users), k)`` array of item ids.
``predict(users, items)`` (rating models only)
    predicted ratings for pairs of ids; unknown users or items fall back sensibly.

Example
-------
>>> import pandas as pd
>>> from course.popularity import Popularity
>>> ratings = pd.DataFrame({"user": [1, 1, 2, 3], "item": [10, 20, 10, 30],
...                         "rating": [5, 3, 4, 2]})
>>> model = Popularity().fit(ratings)
>>> model.recommend(3, k=2)          # user 3 has seen item 30 already
array([10, 20])
>>> model.item_ids_
array([10, 20, 30])
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

COLUMNS = ("user", "item", "rating")


# -- building the interaction matrix ----------------------------------------------------------
def check_ratings(ratings: pd.DataFrame, rating: bool = True) -> None:
    """Raise a clear ``ValueError`` when ``ratings`` is not a usable ratings table."""
    if not isinstance(ratings, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame of ratings, got {type(ratings).__name__}; "
                        "pass course.data.load_ratings() or a scipy.sparse user x item matrix")
    need = COLUMNS if rating else COLUMNS[:2]
    missing = [c for c in need if c not in ratings.columns]
    if missing:
        raise ValueError(f"the ratings table has no column(s) {missing}; it needs columns "
                         f"{list(need)} (rename yours with DataFrame.rename(columns=...))")
    if len(ratings) == 0:
        raise ValueError("the ratings table is empty: there is nothing to learn from")


def interaction_matrix(ratings: pd.DataFrame, user_ids: np.ndarray | None = None,
                       item_ids: np.ndarray | None = None,
                       value: str | None = "rating") -> tuple[sp.csr_matrix, np.ndarray,
                                                                np.ndarray]:
    """The sparse user x item matrix of ``ratings`` and the ids of its rows and columns.

    ``value=None`` puts a 1 for every interaction (implicit feedback). Rows whose user or item is
    not among ``user_ids``/``item_ids`` (when given) are dropped.

    >>> df = pd.DataFrame({"user": [7, 7, 9], "item": [1, 2, 2], "rating": [4, 5, 3]})
    >>> X, users, items = interaction_matrix(df)
    >>> X.toarray()
    array([[4., 5.],
           [0., 3.]])
    >>> users, items
    (array([7, 9]), array([1, 2]))
    """
    check_ratings(ratings, rating=value is not None)
    users = ratings["user"].to_numpy()
    items = ratings["item"].to_numpy()
    if user_ids is None:
        user_ids, rows = np.unique(users, return_inverse=True)
    else:
        user_ids = np.asarray(user_ids)
        rows = index_of(user_ids, users)
    if item_ids is None:
        item_ids, cols = np.unique(items, return_inverse=True)
    else:
        item_ids = np.asarray(item_ids)
        cols = index_of(item_ids, items)
    keep = (rows >= 0) & (cols >= 0)
    values = (np.ones(int(keep.sum())) if value is None
              else ratings[value].to_numpy(dtype=float)[keep])
    X = sp.csr_matrix((values, (rows[keep], cols[keep])),
                      shape=(len(user_ids), len(item_ids)), dtype=float)
    X.sum_duplicates()
    return X, user_ids, item_ids


def index_of(sorted_ids: np.ndarray, ids: Any) -> np.ndarray:
    """Positions of ``ids`` in the sorted array ``sorted_ids``; -1 where an id is unknown.

    >>> index_of(np.array([3, 5, 9]), [9, 4, 3])
    array([ 2, -1,  0])
    """
    ids = np.asarray(ids)
    if len(sorted_ids) == 0:
        return np.full(ids.shape, -1)
    pos = np.searchsorted(sorted_ids, ids)
    pos = np.clip(pos, 0, len(sorted_ids) - 1)
    return np.where(sorted_ids[pos] == ids, pos, -1)


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Column indices of the ``k`` largest scores in each row, best first (ties: lower index).

    Uses ``np.argpartition`` (linear time) and sorts only the ``k`` winners.

    >>> top_k(np.array([[0.1, 0.9, 0.5], [3.0, 1.0, 2.0]]), 2)
    array([[1, 2],
           [0, 2]])
    """
    scores = np.atleast_2d(np.asarray(scores, dtype=float))
    n = scores.shape[1]
    k = int(min(k, n))
    if k <= 0:
        return np.empty((scores.shape[0], 0), dtype=int)
    if k < n:
        part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    else:
        part = np.broadcast_to(np.arange(n), scores.shape).copy()
    part.sort(axis=1)  # so that the stable sort below breaks ties by the lower index
    order = np.argsort(-np.take_along_axis(scores, part, axis=1), axis=1, kind="stable")
    return np.take_along_axis(part, order, axis=1)


# -- the shared base class --------------------------------------------------------------------
class Recommender:
    """Base class: id <-> index mapping, ``recommend`` and ``recommend_many`` on top of ``score``.

    Subclasses implement ``_fit(X)`` (``X`` is the csr user x item matrix, already built) and
    ``score(users)``. After ``fit``:

    - ``user_ids_``, ``item_ids_``: the ids of the matrix rows and columns (sorted);
    - ``n_users_``, ``n_items_``;
    - ``X_``: the training matrix (csr), used to leave out what a user has already seen.
    """

    #: whether ``fit`` keeps the rating values of a DataFrame (False: any interaction counts as
    #: 1; a sparse matrix is always used as given, e.g. click counts).
    uses_ratings = True

    def fit(self, X: pd.DataFrame | sp.spmatrix | sp.sparray) -> Recommender:
        """Learn from a ratings DataFrame (user, item, rating) or a sparse user x item matrix."""
        if sp.issparse(X):
            X = sp.csr_matrix(X, dtype=float)
            self.user_ids_ = np.arange(X.shape[0])
            self.item_ids_ = np.arange(X.shape[1])
        else:
            X, self.user_ids_, self.item_ids_ = interaction_matrix(
                X, value="rating" if self.uses_ratings else None)
        X.sort_indices()
        if X.shape[0] == 0 or X.shape[1] == 0:
            raise ValueError("cannot fit on an empty matrix: there are no users or no items")
        self.X_ = X
        self.n_users_, self.n_items_ = X.shape
        self._fit(X)
        return self

    def _fit(self, X: sp.csr_matrix) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def score(self, users: Any) -> np.ndarray:  # pragma: no cover - abstract
        """Scores of every item for the user indices ``users``: shape (len(users), n_items)."""
        raise NotImplementedError

    # -- ids and indices ----------------------------------------------------------------------
    def _check_fitted(self) -> None:
        if not hasattr(self, "X_"):
            raise RuntimeError(f"this {type(self).__name__} is not fitted yet: call "
                               ".fit(ratings) first")

    def user_index(self, users: Any) -> np.ndarray:
        """Row indices of user ids (-1 for users not seen in training)."""
        self._check_fitted()
        return index_of(self.user_ids_, users)

    def item_index(self, items: Any) -> np.ndarray:
        """Column indices of item ids (-1 for items not seen in training)."""
        self._check_fitted()
        return index_of(self.item_ids_, items)

    def _user_rows(self, users: Any) -> np.ndarray:
        idx = np.atleast_1d(self.user_index(users))
        if (idx < 0).any():
            unknown = np.atleast_1d(users)[idx < 0][:5].tolist()
            raise KeyError(f"unknown user id(s) {unknown}: they have no ratings in the training "
                           "data (a model can only personalise for users it has seen)")
        return idx

    # -- top-k lists ----------------------------------------------------------------------------
    def recommend_many(self, users: Any, k: int = 10, exclude_seen: bool = True,
                       batch_size: int = 1024) -> np.ndarray:
        """Top-``k`` item ids for each user id in ``users``: an int array (len(users), k).

        With ``exclude_seen`` the items a user interacted with in training are never
        recommended; a user with fewer than ``k`` unseen items gets a list padded with ``-1``.
        Users are scored in batches of ``batch_size`` to bound memory.
        """
        rows = self._user_rows(users)
        if k < 1:
            raise ValueError(f"k must be a positive number of items, got {k}")
        k = min(int(k), self.n_items_)
        out = np.empty((len(rows), k), dtype=np.result_type(self.item_ids_.dtype, np.int8))
        for start in range(0, len(rows), batch_size):
            block = rows[start:start + batch_size]
            scores = np.array(self.score(block), dtype=float)
            if exclude_seen:
                seen = self.X_[block]
                scores[np.repeat(np.arange(len(block)), np.diff(seen.indptr)),
                       seen.indices] = -np.inf
            best = top_k(scores, k)
            ids = self.item_ids_[best]
            if exclude_seen:
                ids[np.isneginf(np.take_along_axis(scores, best, axis=1))] = -1
            out[start:start + len(block)] = ids
        return out

    def recommend(self, user: Any, k: int = 10, exclude_seen: bool = True) -> np.ndarray:
        """The ids of the ``k`` highest-scoring items for one user id, best first (fewer when
        the user has seen almost everything)."""
        items = self.recommend_many([user], k=k, exclude_seen=exclude_seen)[0]
        return items[items != -1] if exclude_seen else items

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in vars(self).items()
                           if not k.endswith("_") and not k.startswith("_"))
        return f"{type(self).__name__}({params})"


class RatingModel(Recommender):
    """A recommender that predicts ratings: adds ``predict(users, items)``.

    Subclasses implement ``_predict(u, i)`` for index arrays, where ``-1`` marks a user or item
    unknown at training time; they fall back to what they know (biases, means).
    Predictions are clipped to the rating scale seen in training (``rating_range_``).
    """

    clip = True

    def fit(self, X: pd.DataFrame | sp.spmatrix | sp.sparray) -> RatingModel:
        super().fit(X)
        self.rating_range_ = (float(self.X_.data.min()), float(self.X_.data.max()))
        return self

    def _predict(self, u: np.ndarray, i: np.ndarray) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def predict(self, users: Any, items: Any) -> np.ndarray:
        """Predicted ratings for the pairs ``(users[j], items[j])`` (arrays of ids)."""
        self._check_fitted()
        users, items = np.atleast_1d(users), np.atleast_1d(items)
        if users.shape != items.shape:
            raise ValueError(f"users and items must have the same length, got {len(users)} "
                             f"and {len(items)}")
        pred = np.asarray(self._predict(self.user_index(users), self.item_index(items)),
                          dtype=float)
        if self.clip:
            pred = np.clip(pred, *self.rating_range_)
        return pred


def global_mean_and_counts(X: sp.csr_matrix) -> tuple[float, np.ndarray, np.ndarray]:
    """Mean of the stored ratings and the number of ratings per user and per item."""
    return (float(X.data.mean()), np.diff(X.indptr),
            np.bincount(X.indices, minlength=X.shape[1]))


def user_means(X: sp.csr_matrix, default: float | None = None) -> np.ndarray:
    """Mean rating of each user (row); users with no ratings get ``default`` (the global mean).

    >>> user_means(sp.csr_matrix(np.array([[4.0, 2.0], [0.0, 0.0]])))
    array([3., 3.])
    """
    counts = np.diff(X.indptr)
    sums = np.asarray(X.sum(axis=1)).ravel()
    fill = float(X.data.mean()) if default is None and X.nnz else (default or 0.0)
    return np.divide(sums, counts, out=np.full(X.shape[0], fill), where=counts > 0)


def center_rows(X: sp.csr_matrix, means: np.ndarray) -> sp.csr_matrix:
    """Subtract ``means[u]`` from the stored entries of row ``u`` (zeros stay zero)."""
    C = X.copy()
    C.data = C.data - np.repeat(means, np.diff(X.indptr))
    return C
