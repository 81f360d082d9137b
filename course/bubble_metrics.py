"""Filter-bubble metrics: diversity, homogenization, polarization and concentration of exposure.

Each function measures one thing a debate about filter bubbles needs a number for:

* :func:`normalized_entropy` - how spread a user's consumption is over topics (0 = one topic only,
  1 = every topic equally): *consumption diversity*.
* :func:`jaccard` and :func:`pair_jaccard` - how much two users' consumed items overlap; the mean
  over pairs of users with similar true tastes (:func:`similar_user_pairs`) is the
  *homogenization* measure of Chaney, Stewart & Engelhardt (2018) and of T-RECS (Lucherini et al.
  2021).
* :func:`slant_spread` and :func:`group_distance` - *polarization*: how far apart users' consumed
  slant is, overall and between two groups.
* :func:`gini` - how concentrated *exposure* is on a few items (0 = every item shown equally
  often, close to 1 = everything shown is the same handful of items).

Example
-------
>>> import numpy as np
>>> gini(np.array([1, 1, 1, 1]))
0.0
>>> gini(np.array([0, 0, 0, 4]))
0.75
>>> round(float(normalized_entropy(np.array([[2, 2], [4, 0]]))[0]), 3)
1.0
>>> jaccard({1, 2, 3}, {2, 3, 4})
0.5
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import scipy.sparse as sp

__all__ = [
    "gini", "normalized_entropy", "jaccard", "pair_jaccard", "similar_user_pairs",
    "slant_spread", "group_distance",
]


def gini(values: np.ndarray) -> float:
    """Gini coefficient of non-negative ``values`` (for example how often each item was shown).

    0 means perfectly equal; ``(n - 1) / n`` means all of the total sits on one of ``n`` entries.
    Computed with the sorted-values formula ``G = sum_i (2i - n - 1) x_(i) / (n sum x)``.

    >>> gini(np.array([3.0, 1.0, 0.0, 0.0]))
    0.625
    """
    x = np.asarray(values, dtype=float).ravel()
    if x.size == 0:
        raise ValueError("gini() needs at least one value; pass e.g. the exposure count per item")
    if np.any(x < 0) or not np.all(np.isfinite(x)):
        raise ValueError("gini() is defined for finite, non-negative values such as counts")
    total = x.sum()
    if total == 0:
        return 0.0
    x = np.sort(x)
    n = x.size
    ranks = np.arange(1, n + 1)
    return float(np.sum((2 * ranks - n - 1) * x) / (n * total))


def normalized_entropy(counts: np.ndarray) -> np.ndarray:
    """Shannon entropy of each row of ``counts``, divided by ``log(n_columns)`` (so in [0, 1]).

    ``counts`` is (n_users, n_categories), e.g. how many items of each topic each user consumed.
    Rows that sum to zero (nothing consumed yet) give ``nan``.

    >>> normalized_entropy(np.array([[1, 1, 1, 1], [5, 0, 0, 0], [0, 0, 0, 0]]))
    array([ 1.,  0., nan])
    """
    c = np.asarray(counts, dtype=float)
    if c.ndim == 1:
        c = c[None, :]
    if c.ndim != 2 or c.shape[1] < 2:
        raise ValueError("normalized_entropy() needs a 2-D array of counts with at least two "
                         "categories (columns)")
    if np.any(c < 0):
        raise ValueError("normalized_entropy() needs non-negative counts")
    totals = c.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = c / totals
        terms = np.where(p > 0, -p * np.log(p), 0.0)
    h = terms.sum(axis=1) / np.log(c.shape[1])
    h[totals[:, 0] == 0] = np.nan
    return h


def jaccard(a: Iterable, b: Iterable) -> float:
    """Jaccard similarity ``|A & B| / |A | B|`` of two collections (0 when both are empty).

    >>> jaccard([1, 2], [3])
    0.0
    """
    a, b = set(a), set(b)
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def pair_jaccard(consumed: sp.spmatrix | np.ndarray, first: np.ndarray,
                 second: np.ndarray) -> np.ndarray:
    """Jaccard similarity of the item sets of user ``first[j]`` and user ``second[j]``, per pair.

    ``consumed`` is a user x item matrix whose non-zero entries mark consumed items (sparse or
    dense). Pairs where neither user consumed anything give 0.

    >>> X = sp.csr_matrix(np.array([[1, 1, 0], [0, 1, 1], [0, 0, 0]]))
    >>> pair_jaccard(X, np.array([0, 0]), np.array([1, 2]))
    array([0.33333333, 0.        ])
    """
    X = sp.csr_matrix(consumed, dtype=np.float64)
    X.data = (X.data != 0).astype(np.float64)
    X.eliminate_zeros()
    first, second = np.asarray(first), np.asarray(second)
    if first.shape != second.shape:
        raise ValueError("pair_jaccard(): `first` and `second` must have the same length")
    sizes = np.diff(X.indptr)
    inter = np.asarray(X[first].multiply(X[second]).sum(axis=1)).ravel()
    union = sizes[first] + sizes[second] - inter
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)


def similar_user_pairs(tastes: np.ndarray, n_pairs: int | None = None, seed: int = 0,
                       block: int = 1024) -> tuple[np.ndarray, np.ndarray]:
    """Pair users with the user whose true taste vector is most similar (cosine similarity).

    Returns ``(first, second)``: ``first`` is ``n_pairs`` users drawn without replacement (all
    users when ``None``), ``second[j]`` is the most similar *other* user to ``first[j]``. This is
    how Chaney et al. (2018) choose the pairs whose overlap measures homogenization: users who
    *should* like similar things. Memory stays small by working in blocks of rows.

    >>> t = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 1.0]])
    >>> similar_user_pairs(t)
    (array([0, 1, 2, 3]), array([1, 0, 3, 2]))
    """
    t = np.asarray(tastes, dtype=float)
    if t.ndim != 2 or t.shape[0] < 2:
        raise ValueError("similar_user_pairs() needs a 2-D array with at least two users")
    norms = np.linalg.norm(t, axis=1, keepdims=True)
    t = t / np.where(norms > 0, norms, 1.0)
    n = t.shape[0]
    if n_pairs is None or n_pairs >= n:
        first = np.arange(n)
    else:
        first = np.sort(np.random.default_rng(seed).choice(n, size=n_pairs, replace=False))
    second = np.empty_like(first)
    for start in range(0, first.size, block):
        rows = first[start:start + block]
        sim = t[rows] @ t.T
        sim[np.arange(rows.size), rows] = -np.inf  # never pair a user with themself
        second[start:start + block] = np.argmax(sim, axis=1)
    return first, second


def slant_spread(mean_slant: np.ndarray) -> float:
    """Standard deviation across users of each user's mean consumed slant (``nan`` ignored).

    >>> slant_spread(np.array([-0.5, 0.5, np.nan]))
    0.5
    """
    return float(np.nanstd(np.asarray(mean_slant, dtype=float)))


def group_distance(mean_slant: np.ndarray, group: np.ndarray) -> float:
    """Absolute difference between the average consumed slant of group 1 and of group 0.

    ``group`` is a boolean (or 0/1) array over users; users whose ``mean_slant`` is ``nan`` (no
    consumption yet) are ignored.

    >>> round(group_distance(np.array([-0.4, -0.2, 0.3, 0.5]), np.array([0, 0, 1, 1])), 3)
    0.7
    """
    s = np.asarray(mean_slant, dtype=float)
    g = np.asarray(group).astype(bool)
    if s.shape != g.shape:
        raise ValueError("group_distance(): `mean_slant` and `group` need one entry per user")
    a, b = s[g & ~np.isnan(s)], s[~g & ~np.isnan(s)]
    if a.size == 0 or b.size == 0:
        return float("nan")
    return float(abs(a.mean() - b.mean()))
