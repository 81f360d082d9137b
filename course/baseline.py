"""The baseline predictor: global mean plus a user bias and an item bias.

    r(u, i) = mu + b_u + b_i

``b_i`` says how much better than average item ``i`` is rated, ``b_u`` how generous user ``u``
is. Both are *regularised*: with few ratings they shrink towards 0. Fitted by alternating least
squares, exactly as Surprise's ``BaselineOnly`` (Koren 2010, section 2.1):

    b_i = sum_{u rated i} (r_ui - mu - b_u) / (reg_item + n_i)
    b_u = sum_{i rated by u} (r_ui - mu - b_i) / (reg_user + n_u)

Almost every collaborative filter starts from these biases, and they are surprisingly hard to
beat on RMSE.

Example
-------
>>> import numpy as np, scipy.sparse as sp
>>> X = sp.csr_matrix(np.array([[4.0, 2.0], [5.0, 3.0]]))     # item 0 is 2 points better
>>> model = Baseline(reg_user=0, reg_item=0, n_epochs=20).fit(X)
>>> model.predict([0, 1], [0, 1]).round(3)
array([4., 3.])
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from course.recommender import RatingModel, global_mean_and_counts


def fit_biases(X: sp.csr_matrix, reg_user: float = 15.0, reg_item: float = 10.0,
               n_epochs: int = 10, offset: np.ndarray | None = None) -> tuple[float, np.ndarray,
                                                                              np.ndarray]:
    """Global mean, user biases and item biases of the ratings in ``X`` by ALS.

    ``offset`` (one value per stored rating, in ``X.data`` order) is subtracted from the ratings
    first; the matrix-factorisation ALS uses it.
    """
    X = sp.csr_matrix(X)
    if reg_user < 0 or reg_item < 0:
        raise ValueError("regularisation must be >= 0")
    rows = np.repeat(np.arange(X.shape[0]), np.diff(X.indptr))
    cols = X.indices
    mu, n_u, n_i = global_mean_and_counts(X)
    r = X.data - mu - (0.0 if offset is None else offset)
    b_u, b_i = np.zeros(X.shape[0]), np.zeros(X.shape[1])
    for _ in range(int(n_epochs)):
        b_i = np.bincount(cols, r - b_u[rows], minlength=X.shape[1]) / np.maximum(
            reg_item + n_i, 1e-12)
        b_u = np.bincount(rows, r - b_i[cols], minlength=X.shape[0]) / np.maximum(
            reg_user + n_u, 1e-12)
    return mu, b_u, b_i


class Baseline(RatingModel):
    """Global mean + regularised user and item biases (Surprise's ``BaselineOnly``, ALS).

    Defaults are Surprise's: ``reg_user=15``, ``reg_item=10``, ``n_epochs=10``.

    Fitted: ``global_mean_``, ``user_bias_``, ``item_bias_``.
    """

    def __init__(self, reg_user: float = 15.0, reg_item: float = 10.0,
                 n_epochs: int = 10) -> None:
        self.reg_user = reg_user
        self.reg_item = reg_item
        self.n_epochs = n_epochs

    def _fit(self, X: sp.csr_matrix) -> None:
        self.global_mean_, self.user_bias_, self.item_bias_ = fit_biases(
            X, self.reg_user, self.reg_item, self.n_epochs)

    def score(self, users: Any) -> np.ndarray:
        users = np.atleast_1d(users)
        return self.global_mean_ + self.user_bias_[users][:, None] + self.item_bias_[None, :]

    def _predict(self, u: np.ndarray, i: np.ndarray) -> np.ndarray:
        bu = np.where(u >= 0, self.user_bias_[np.maximum(u, 0)], 0.0)
        bi = np.where(i >= 0, self.item_bias_[np.maximum(i, 0)], 0.0)
        return self.global_mean_ + bu + bi
