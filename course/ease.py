"""EASE: an "embarrassingly shallow" autoencoder for top-k recommendation (Steck 2019).

Each item's score for a user is a weighted sum of the user's other interactions,
``score(u, j) = sum_i X_ui B_ij``, with the item x item weights ``B`` learnt by ridge regression
of every item's column on all the *other* columns (the diagonal is forced to 0, or an item would
simply predict itself):

    min_B  |X - X B|^2 + reg |B|^2      subject to  diag(B) = 0

which has a closed form: with ``P = (X^T X + reg I)^-1``, ``B = I - P diag(1 / diag(P))``.
One matrix inversion, no iterations, and on MovieLens it is among the most accurate top-k models.

Example
-------
>>> import numpy as np, scipy.sparse as sp
>>> X = sp.csr_matrix(np.array([[1, 1, 0], [1, 1, 0], [0, 1, 1], [1, 0, 0.]]))
>>> model = EASE(reg=1.0).fit(X)
>>> bool(np.allclose(np.diag(model.weights_), 0))
True
>>> model.recommend(3, k=1)           # whoever took item 0 also took item 1
array([1])
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from course.recommender import Recommender


def ease_weights(X: sp.spmatrix, reg: float) -> np.ndarray:
    """The item x item EASE weight matrix of the user x item matrix ``X``."""
    if reg <= 0:
        raise ValueError(f"reg must be positive (it keeps X^T X invertible), got {reg}")
    G = np.asarray((X.T @ X).toarray(), dtype=float)
    G[np.diag_indices_from(G)] += reg
    P = np.linalg.inv(G)
    B = -P / np.diag(P)[None, :]
    B[np.diag_indices_from(B)] = 0.0
    return B


class EASE(Recommender):
    """Steck's EASE with L2 penalty ``reg`` (a few hundred suits MovieLens 100K).

    A DataFrame is read as interactions (each rating counts as 1); a sparse matrix as given.
    Memory and time grow with the square and cube of the number of items (fine up to ~20,000).

    Fitted: ``weights_`` (n_items x n_items).
    """

    uses_ratings = False

    def __init__(self, reg: float = 500.0) -> None:
        self.reg = reg

    def _fit(self, X: sp.csr_matrix) -> None:
        self.weights_ = ease_weights(X, self.reg)

    def score(self, users: Any) -> np.ndarray:
        return np.asarray(self.X_[np.atleast_1d(users)] @ self.weights_)
