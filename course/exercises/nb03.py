"""Self-checks for ``03-collaborative-filtering``: a similarity, an SGD update, an ALS step.

Each function is compared with the course's implementation (:mod:`course.knn`,
:mod:`course.mf`) on small random cases; messages name the likely mistake, never the answer.
"""

from __future__ import annotations

import numbers

import numpy as np
import scipy.sparse as sp

from course.checks import exercise, written
from course.knn import similarity
from course.mf import ridge_solve

NB = "03-collaborative-filtering"


def _is_number(value) -> bool:
    return (not isinstance(value, bool) and isinstance(value, numbers.Real)
            and bool(np.isfinite(value)))


def _rating_vectors(seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    a = rng.integers(1, 6, size=12) * (rng.random(12) < 0.7)
    b = rng.integers(1, 6, size=12) * (rng.random(12) < 0.7)
    a[0] = b[0] = 3          # at least one rating each
    return a.astype(float), b.astype(float)


@exercise(NB, "centred_cosine", points=2, hints=[
    "First centre each user on the mean of *their own* ratings, computed over rated films only "
    "(the zeros are not ratings).",
    "Only rated entries are centred; unrated entries stay 0. Then take the cosine.",
    "`np.where(a > 0, ..., 0.0)` centres the rated entries and keeps the others at 0. Then "
    "reuse the cosine of notebook 02; a user whose centred vector is all zeros gets 0.0.",
])
def _check_centred_cosine(centred_cosine):
    if not callable(centred_cosine):
        return "centred_cosine should be a function of two rating vectors"
    for seed in range(8):
        a, b = _rating_vectors(seed)
        got = centred_cosine(a.copy(), b.copy())
        if not _is_number(got):
            return "centred_cosine should return a finite number"
        want = similarity(sp.csr_matrix(np.vstack([a, b])), kind="pearson")[0, 1]
        if not np.isclose(got, want, atol=1e-9):
            wrong_mean = a - a.mean()
            wrong = np.where(a > 0, wrong_mean, 0.0)
            bc = np.where(b > 0, b - b[b > 0].mean(), 0.0)
            if np.isclose(got, wrong @ bc / (np.linalg.norm(wrong) * np.linalg.norm(bc))):
                return "the mean should be over rated films only (leave out the zeros)"
            plain = a @ b / (np.linalg.norm(a) * np.linalg.norm(b))
            if np.isclose(got, plain):
                return "that is the plain cosine: centre each user's ratings first"
            return "not the mean-centred cosine: check the centring, then the cosine"
    flat = centred_cosine(np.array([4.0, 4.0, 0.0]), np.array([5.0, 1.0, 3.0]))
    if not _is_number(flat) or flat != 0:
        return ("a user who gives every film the same rating has no deviations: return 0.0, "
                "not nan")
    return None


def _sgd_reference(r, mu, b_u, b_i, p_u, q_i, lr, reg):
    e = r - (mu + b_u + b_i + p_u @ q_i)
    return (b_u + lr * (e - reg * b_u), b_i + lr * (e - reg * b_i),
            p_u + lr * (e * q_i - reg * p_u), q_i + lr * (e * p_u - reg * q_i))


@exercise(NB, "sgd_step", points=3, hints=[
    "Start with the error of the current prediction: e = r - (mu + b_u + b_i + p_u . q_i).",
    "Each parameter moves by lr times (its gradient term minus reg times itself).",
    "Update p_u with the *old* q_i and q_i with the *old* p_u: compute both new values before "
    "assigning either.",
])
def _check_sgd_step(sgd_step):
    if not callable(sgd_step):
        return "sgd_step should be a function"
    rng = np.random.default_rng(3)
    for _ in range(5):
        args = (float(rng.integers(1, 6)), 3.5, rng.normal(0, 0.3), rng.normal(0, 0.3),
                rng.normal(0, 0.3, 4), rng.normal(0, 0.3, 4), 0.05, 0.1)
        p_before, q_before = args[4].copy(), args[5].copy()
        got = sgd_step(*args)
        for name, now, before in (("p_u", args[4], p_before), ("q_i", args[5], q_before)):
            if not np.array_equal(now, before):
                return (f"sgd_step changed its argument {name} in place (with += or [:] =); "
                        "the exercise asks for new arrays, e.g. new_p = p_u + ...")
        if not isinstance(got, tuple) or len(got) != 4:
            return "return a tuple (b_u, b_i, p_u, q_i) of the updated values"
        want = _sgd_reference(args[0], args[1], args[2], args[3], p_before, q_before,
                              args[6], args[7])
        names = ("b_u", "b_i", "p_u", "q_i")
        for name, g, w in zip(names, got, want, strict=True):
            if np.shape(g) != np.shape(w) or not np.allclose(g, w, atol=1e-12):
                if name == "q_i":
                    e = args[0] - (args[1] + args[2] + args[3] + p_before @ q_before)
                    stale = q_before + 0.05 * (e * want[2] - 0.1 * q_before)
                    if np.allclose(g, stale):
                        return "q_i was updated with the *new* p_u; use the old one"
                return f"the new {name} is not right"
    return None


def inverts_a_matrix(function) -> bool:
    """True when ``function`` inverts a matrix: it calls ``np.linalg.inv`` or ``pinv`` when run
    on a small case, or its source mentions ``inv(`` (an inverse imported under another name)."""
    import inspect
    import re
    from unittest import mock

    try:
        source = inspect.getsource(function)
    except (OSError, TypeError):
        source = ""
    if re.search(r"\b(p?inv|inverse)\s*\(", source):
        return True
    calls = []

    def spy(real):
        def wrapper(*args, **kwargs):
            calls.append(real.__name__)
            return real(*args, **kwargs)
        return wrapper

    with (mock.patch.object(np.linalg, "inv", spy(np.linalg.inv)),
          mock.patch.object(np.linalg, "pinv", spy(np.linalg.pinv))):
        try:
            function(np.eye(3)[:, :2] + 0.1, np.ones(3), 0.5)
        except Exception:  # noqa: BLE001 - a wrong answer is reported by the main check
            pass
    return bool(calls)


@exercise(NB, "als_user_factors", points=3, hints=[
    "This is ridge regression: the film factors are the features, the ratings the targets.",
    "Write the normal equations of ridge regression (the penalty goes on the diagonal: "
    "`np.eye(k)`), then solve them with `np.linalg.solve`, not with a matrix inverse.",
])
def _check_als_user(als_user_factors):
    if not callable(als_user_factors):
        return "als_user_factors should be a function of (Q, r, reg)"
    if inverts_a_matrix(als_user_factors):
        return ("solve the system with np.linalg.solve, as the exercise asks: inverting the "
                "matrix first is slower and less accurate")
    rng = np.random.default_rng(5)
    for n, k, reg in [(6, 2, 0.5), (15, 4, 2.0), (3, 3, 0.1)]:
        Q = rng.normal(size=(n, k))
        r = rng.normal(size=n)
        got = np.asarray(als_user_factors(Q.copy(), r.copy(), reg), dtype=float)
        A = sp.csr_matrix(np.ones((1, n)))
        want = ridge_solve(A, Q, r, np.array([reg]))[0]
        if got.shape != (k,):
            return f"return one factor vector of length k ({k}), got shape {got.shape}"
        if not np.allclose(got, want, atol=1e-8):
            plain = np.linalg.lstsq(Q, r, rcond=None)[0]
            if np.allclose(got, plain, atol=1e-6):
                return "that is least squares without the penalty: add reg on the diagonal"
            return "not the ridge solution: check (Q^T Q + reg I) p = Q^T r"
    return None


written(NB, "rating_vs_ranking", points=3)
written(NB, "implicit_signal", points=2)
