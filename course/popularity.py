"""Non-personalised recommenders: the most popular items, and the best-rated ones (damped mean).

*Popularity* ranks items by how many users interacted with them: everyone gets the same list,
which is hard to beat on accuracy and maximally unoriginal. *Damped mean* (a Bayesian average)
ranks by average rating, pulled towards the global mean for items with few ratings, so that a
film rated 5 by a single person does not top the chart:

    damped_mean(i) = (sum of i's ratings + m * global mean) / (number of i's ratings + m)

Example
-------
>>> import pandas as pd
>>> ratings = pd.DataFrame({"user": [1, 2, 3, 1], "item": [10, 10, 10, 20],
...                         "rating": [4, 4, 4, 5]})
>>> DampedMean(damping=0).fit(ratings).item_scores_        # plain means
array([4., 5.])
>>> DampedMean(damping=2).fit(ratings).item_scores_.round(3)
array([4.1, 4.5])
>>> Popularity().fit(ratings).item_scores_
array([3., 1.])
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from course.recommender import RatingModel, Recommender, global_mean_and_counts


def item_popularity(X: sp.csr_matrix) -> np.ndarray:
    """Number of users who interacted with each item (column) of the user x item matrix ``X``."""
    return np.bincount(sp.csr_matrix(X).indices, minlength=X.shape[1]).astype(float)


def damped_mean(X: sp.csr_matrix, damping: float = 5.0) -> np.ndarray:
    """Each item's mean rating shrunk towards the global mean by ``damping`` pseudo-ratings."""
    if damping < 0:
        raise ValueError(f"damping must be >= 0 (a number of pseudo-ratings), got {damping}")
    X = sp.csr_matrix(X)
    mu, _, counts = global_mean_and_counts(X)
    sums = np.bincount(X.indices, weights=X.data, minlength=X.shape[1])
    denom = counts + damping
    return np.divide(sums + damping * mu, denom, out=np.full(X.shape[1], mu), where=denom > 0)


class Popularity(Recommender):
    """Recommend the items most users interacted with (the same list for everyone).

    Fitted: ``item_scores_`` (the number of users per item).
    """

    uses_ratings = False

    def _fit(self, X: sp.csr_matrix) -> None:
        self.item_scores_ = item_popularity(X)

    def score(self, users) -> np.ndarray:
        return np.tile(self.item_scores_, (len(np.atleast_1d(users)), 1))


class DampedMean(RatingModel):
    """Recommend the best-rated items, each mean damped by ``damping`` pseudo-ratings at the
    global mean (a Bayesian average). Also predicts a rating: the item's damped mean.

    Fitted: ``global_mean_``, ``item_scores_``.
    """

    def __init__(self, damping: float = 5.0) -> None:
        self.damping = damping

    def _fit(self, X: sp.csr_matrix) -> None:
        self.global_mean_ = float(X.data.mean())
        self.item_scores_ = damped_mean(X, self.damping)

    def score(self, users) -> np.ndarray:
        return np.tile(self.item_scores_, (len(np.atleast_1d(users)), 1))

    def _predict(self, u: np.ndarray, i: np.ndarray) -> np.ndarray:
        return np.where(i >= 0, self.item_scores_[np.maximum(i, 0)], self.global_mean_)
