"""Matrix factorisation with biases: every user and every item becomes a short vector of
*latent factors*, and a rating is predicted by how well the two vectors line up:

    r(u, i) = mu + b_u + b_i + p_u . q_i

The factors are learnt by minimising the squared error on the known ratings plus a penalty that
keeps them small (each user's and item's terms are counted once per rating, as in Funk's SVD
and Surprise's ``SVD``):

    sum_(u,i) (r_ui - r(u, i))^2 + reg * sum_(u,i) (b_u^2 + b_i^2 + |p_u|^2 + |q_i|^2)

Two solvers minimise the same objective:

- ``solver="sgd"``: stochastic gradient descent. For each rating, with ``e`` its error::

      b_u += lr (e - reg b_u)            p_u += lr (e q_i - reg p_u)
      b_i += lr (e - reg b_i)            q_i += lr (e p_u - reg q_i)

  Here in mini-batches of ``batch_size`` ratings updated at once (numpy), which is what makes
  it fast in Python; ``batch_size=1`` is the textbook one-rating-at-a-time version.
- ``solver="als"``: alternating least squares. With the items fixed, each user's
  ``(b_u, p_u)`` is the solution of a small ridge regression (and the other way round). All
  users' regressions are solved at once as a batch of (k+1) x (k+1) linear systems.

Example
-------
>>> import numpy as np, scipy.sparse as sp
>>> rng = np.random.default_rng(0)
>>> truth = 3 + rng.normal(size=(30, 2)) @ rng.normal(size=(2, 20))   # a rank-2 matrix
>>> X = sp.csr_matrix(truth)
>>> model = MatrixFactorization(n_factors=2, solver="als", reg=0.0, n_epochs=50).fit(X)
>>> bool(np.abs(model.score(np.arange(30)) - truth).max() < 1e-3)
True
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from course.recommender import RatingModel

SOLVERS = ("sgd", "als")


def init_factors(n: int, k: int, rng: np.random.Generator, std: float,
                 previous: np.ndarray | None = None) -> np.ndarray:
    """Random normal factors (``n`` x ``k``); with ``previous`` (a warm start) its rows are kept
    and only new rows are drawn."""
    new = rng.normal(0.0, std, size=(n, k))
    if previous is not None and previous.shape[1] == k:
        m = min(n, len(previous))
        new[:m] = previous[:m]
    return new


def _keep(previous: np.ndarray | None, n: int) -> np.ndarray:
    out = np.zeros(n)
    if previous is not None:
        m = min(n, len(previous))
        out[:m] = previous[:m]
    return out


def ridge_solve(A: sp.csr_matrix, F: np.ndarray, targets: np.ndarray,
                reg: np.ndarray) -> np.ndarray:
    """Solve, for every row ``u`` of the sparse pattern ``A``, the ridge regression

        min_w  sum_{i in row u} (targets_ui - F_i . w)^2 + reg_u |w|^2

    ``reg`` has one value per row, or one per row and coefficient (shape (n_rows, n_cols(F))).

    ``targets`` holds one value per stored entry of ``A`` (in ``A.data`` order). Returns the
    (n_rows x n_cols(F)) solutions. The Gram matrices ``sum_i F_i F_i^T`` of all rows come from
    one sparse x dense product with the outer products ``F_i F_i^T``: no Python loop.
    """
    pattern = sp.csr_matrix((np.ones(A.nnz), A.indices, A.indptr), shape=A.shape)
    values = sp.csr_matrix((np.asarray(targets, dtype=float), A.indices, A.indptr),
                           shape=A.shape)
    return _ridge(pattern, values, F, reg)


def _ridge(pattern: sp.csr_matrix, values: sp.csr_matrix, F: np.ndarray,
           reg: np.ndarray) -> np.ndarray:
    """:func:`ridge_solve` on prebuilt matrices (``pattern``: ones, ``values``: targets)."""
    k = F.shape[1]
    upper = np.triu_indices(k)           # Gram matrices are symmetric: build one triangle
    flat = pattern @ (F[:, upper[0]] * F[:, upper[1]])
    gram = np.empty((pattern.shape[0], k, k))
    gram[:, upper[0], upper[1]] = flat
    gram[:, upper[1], upper[0]] = flat
    reg = np.asarray(reg, dtype=float)
    # rows without data (or with reg 0 and too little data) get a tiny ridge to stay solvable
    gram[:, np.arange(k), np.arange(k)] += (reg if reg.ndim == 2 else reg[:, None]) + 1e-10
    rhs = values @ F
    return np.linalg.solve(gram, rhs[:, :, None])[:, :, 0]


class MatrixFactorization(RatingModel):
    """Biased matrix factorisation (Funk SVD / Koren's SVD) trained by ``"sgd"`` or ``"als"``.

    Parameters: ``n_factors``, ``n_epochs``, ``reg`` (the penalty), ``reg_bias`` (the penalty
    on the biases, default ``reg``), ``reg_power``: user ``u``'s terms are penalised by
    ``reg * n_u ** reg_power``, ``n_u`` their number of ratings (1: once per rating, the
    objective above; 0: once per user, the classic ridge; in between often generalises best),
    ``lr`` and
    ``batch_size`` (SGD only), ``init_std`` (the spread of the random initial factors),
    ``biased`` (learn b_u, b_i), ``seed``, and ``warm_start``: refit from the current factors
    (useful when retraining repeatedly, as in a simulation); ``track_loss`` records the training
    RMSE after each epoch in ``history_`` (costs a little time).

    Defaults are Surprise's ``SVD`` (100 factors, 20 epochs, lr 0.005, reg 0.02) with SGD.

    Fitted: ``global_mean_``, ``user_bias_``, ``item_bias_``, ``user_factors_``,
    ``item_factors_``, ``history_`` (training RMSE per epoch, if ``track_loss``).
    """

    def __init__(self, n_factors: int = 100, n_epochs: int = 20, reg: float = 0.02,
                 lr: float = 0.005, solver: str = "sgd", batch_size: int = 128,
                 init_std: float = 0.1, biased: bool = True, seed: int = 0,
                 warm_start: bool = False, track_loss: bool = False,
                 reg_bias: float | None = None, reg_power: float = 1.0) -> None:
        self.n_factors = n_factors
        self.n_epochs = n_epochs
        self.reg = reg
        self.lr = lr
        self.solver = solver
        self.batch_size = batch_size
        self.init_std = init_std
        self.biased = biased
        self.seed = seed
        self.warm_start = warm_start
        self.track_loss = track_loss
        self.reg_bias = reg_bias
        self.reg_power = reg_power

    def _fit(self, X: sp.csr_matrix) -> None:
        if self.solver not in SOLVERS:
            raise ValueError(f"unknown solver {self.solver!r}; choose one of {SOLVERS}")
        if int(self.n_factors) < 1 or self.reg < 0:
            raise ValueError("n_factors must be >= 1 and reg >= 0")
        rng = np.random.default_rng(self.seed)
        warm = self.warm_start and hasattr(self, "user_factors_")
        k = int(self.n_factors)
        self.user_factors_ = init_factors(X.shape[0], k, rng, self.init_std,
                                          self.user_factors_ if warm else None)
        self.item_factors_ = init_factors(X.shape[1], k, rng, self.init_std,
                                          self.item_factors_ if warm else None)
        self.user_bias_ = _keep(self.user_bias_ if warm else None, X.shape[0])
        self.item_bias_ = _keep(self.item_bias_ if warm else None, X.shape[1])
        self.global_mean_ = float(X.data.mean()) if self.biased else 0.0
        self.history_: list[float] = []
        rows = np.repeat(np.arange(X.shape[0]), np.diff(X.indptr)).astype(np.int64)
        cols = X.indices.astype(np.int64)
        if self.solver == "sgd":
            self._sgd(rows, cols, X.data, rng)
        else:
            self._als(X, rows, cols)

    # -- stochastic gradient descent ---------------------------------------------------------
    def _sgd(self, rows: np.ndarray, cols: np.ndarray, r: np.ndarray,
             rng: np.random.Generator) -> None:
        P, Q = self.user_factors_, self.item_factors_
        bu, bi, mu = self.user_bias_, self.item_bias_, self.global_mean_
        lr, size = float(self.lr), max(int(self.batch_size), 1)
        # per-rating penalties: reg * n ** (power - 1) per rating adds up to reg * n ** power
        scale_u = np.maximum(np.bincount(rows, minlength=len(P)), 1) ** (self.reg_power - 1.0)
        scale_i = np.maximum(np.bincount(cols, minlength=len(Q)), 1) ** (self.reg_power - 1.0)
        reg_b = float(self.reg if self.reg_bias is None else self.reg_bias)
        reg_u, reg_i = float(self.reg) * scale_u, float(self.reg) * scale_i
        rb_u, rb_i = reg_b * scale_u, reg_b * scale_i
        for _ in range(int(self.n_epochs)):
            order = rng.permutation(len(r))
            for start in range(0, len(r), size):
                b = order[start:start + size]
                u, i = rows[b], cols[b]
                pu, qi = P[u], Q[i]
                err = r[b] - (mu + bu[u] + bi[i] + np.einsum("nk,nk->n", pu, qi))
                if self.biased:
                    np.add.at(bu, u, lr * (err - rb_u[u] * bu[u]))
                    np.add.at(bi, i, lr * (err - rb_i[i] * bi[i]))
                np.add.at(P, u, lr * (err[:, None] * qi - reg_u[u][:, None] * pu))
                np.add.at(Q, i, lr * (err[:, None] * pu - reg_i[i][:, None] * qi))
            if self.track_loss:
                self.history_.append(self._train_rmse(rows, cols, r))

    # -- alternating least squares -----------------------------------------------------------
    def _als(self, X: sp.csr_matrix, rows: np.ndarray, cols: np.ndarray) -> None:
        mu, r = self.global_mean_, X.data
        # the item step works on the transposed matrix; order_t maps its entries to X.data
        order_t = np.argsort(cols, kind="stable")
        Xt = sp.csr_matrix((r[order_t], rows[order_t],
                            np.r_[0, np.cumsum(np.bincount(cols, minlength=X.shape[1]))]),
                           shape=X.shape[::-1])
        r_t, rows_t = Xt.data, rows[order_t]
        # the sparse patterns are fixed: build them once, refill the targets every step
        P, Pt = X.copy(), Xt.copy()
        P.data[:], Pt.data[:] = 1.0, 1.0
        T, Tt = X.copy(), Xt.copy()
        n_u = np.diff(X.indptr).astype(float) ** self.reg_power
        n_i = np.diff(Xt.indptr).astype(float) ** self.reg_power
        reg = float(self.reg)
        reg_b = reg if self.reg_bias is None else float(self.reg_bias)
        k = int(self.n_factors)
        if self.biased:   # unknowns (b, factors): penalties reg_b and reg, scaled per row
            coef = np.r_[reg_b, np.full(k, reg)][None, :]
            reg_u, reg_i = coef * n_u[:, None], coef * n_i[:, None]
            F_i, F_u = np.ones((X.shape[1], k + 1)), np.ones((X.shape[0], k + 1))
        for _ in range(int(self.n_epochs)):
            if self.biased:
                # user step: unknowns (b_u, p_u); features (1, q_i); target r - mu - b_i
                F_i[:, 1:] = self.item_factors_
                T.data[:] = r - mu - self.item_bias_[cols]
                W = _ridge(P, T, F_i, reg_u)
                self.user_bias_, self.user_factors_ = W[:, 0].copy(), W[:, 1:].copy()
                # item step: unknowns (b_i, q_i); features (1, p_u); target r - mu - b_u
                F_u[:, 1:] = self.user_factors_
                Tt.data[:] = r_t - mu - self.user_bias_[rows_t]
                W = _ridge(Pt, Tt, F_u, reg_i)
                self.item_bias_, self.item_factors_ = W[:, 0].copy(), W[:, 1:].copy()
            else:
                self.user_factors_ = _ridge(P, X, self.item_factors_, reg * n_u)
                self.item_factors_ = _ridge(Pt, Xt, self.user_factors_, reg * n_i)
            if self.track_loss:
                self.history_.append(self._train_rmse(rows, cols, r))

    # -- predictions ----------------------------------------------------------------------------
    def _raw(self, u: np.ndarray, i: np.ndarray) -> np.ndarray:
        return (self.global_mean_ + self.user_bias_[u] + self.item_bias_[i]
                + np.einsum("nk,nk->n", self.user_factors_[u], self.item_factors_[i]))

    def _train_rmse(self, rows: np.ndarray, cols: np.ndarray, r: np.ndarray) -> float:
        return float(np.sqrt(np.mean((r - self._raw(rows, cols)) ** 2)))

    def score(self, users: Any) -> np.ndarray:
        users = np.atleast_1d(users)
        return (self.global_mean_ + self.user_bias_[users][:, None] + self.item_bias_[None, :]
                + self.user_factors_[users] @ self.item_factors_.T)

    def _predict(self, u: np.ndarray, i: np.ndarray) -> np.ndarray:
        pred = np.full(len(u), self.global_mean_)
        ku, ki = u >= 0, i >= 0
        pred[ku] += self.user_bias_[u[ku]]
        pred[ki] += self.item_bias_[i[ki]]
        both = ku & ki
        pred[both] += np.einsum("nk,nk->n", self.user_factors_[u[both]],
                                self.item_factors_[i[both]])
        return pred
