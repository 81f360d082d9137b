"""Self-checks for ``05-filter-bubbles``: topic diversity, Jaccard overlap, Gini of exposure and
the table of final metrics.

The functions are compared with :mod:`course.bubble_metrics` on small cases with known answers;
messages name the likely mistake, never the expected number.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from course import bubble_metrics
from course.checks import exercise, written

NB = "05-filter-bubbles"


def _call(function, *args):
    if not callable(function):
        return None, f"{getattr(function, '__name__', 'this')} should be a function (use def)"
    return function(*args), None


@exercise(NB, "topic_diversity", points=2, hints=[
    "Turn each row of counts into shares p (divide by the row's total), then compute the "
    "Shannon entropy -sum(p log p), skipping zeros.",
    "Divide by log(number of topics) so that a user who reads every topic equally scores 1.",
    "Divide each row by its own total (`keepdims=True` keeps the shapes aligned), let "
    "`np.where` turn the 0 log 0 terms into 0, sum each row and normalise; a row with no "
    "consumption has no shares at all (nan).",
])
def _check_topic_diversity(topic_diversity):
    cases = [np.array([[1, 1, 1, 1], [5, 0, 0, 0], [2, 2, 0, 0]]),
             np.array([[3, 1], [0, 7], [1, 3]]),
             np.random.default_rng(0).integers(0, 5, (6, 8))]
    for counts in cases:
        got, problem = _call(topic_diversity, counts)
        if problem:
            return problem
        got = np.asarray(got, dtype=float)
        want = bubble_metrics.normalized_entropy(counts)
        if got.shape != want.shape:
            return (f"return one value per user (row): expected shape {want.shape}, "
                    f"got {got.shape}")
        if np.isnan(got).any():
            return "a user with counts got nan: treat 0 log 0 as 0 (skip zero shares)"
        unnorm = want * np.log(counts.shape[1])
        if np.allclose(got, unnorm):
            return "right shape of the curve, but divide by log(number of topics) to get [0, 1]"
        if not np.allclose(got, want, atol=1e-9):
            return ("not the normalized entropy: check the shares (each row sums to 1) and the "
                    "sign of -p log p")
    got, problem = _call(topic_diversity, np.array([[0, 0, 0], [1, 0, 0]]))
    if problem:
        return problem
    if not np.isnan(np.asarray(got, dtype=float)[0]):
        return "a user who consumed nothing has no diversity: return nan for an all-zero row"
    return None


@exercise(NB, "jaccard", points=1, hints=[
    "Jaccard similarity = size of the intersection / size of the union.",
    "Python sets have & (intersection) and | (union); convert the inputs with set(...).",
    "When both sets are empty the union is empty: return 0.0 instead of dividing by zero.",
])
def _check_jaccard(jaccard):
    cases = [({1, 2, 3}, {2, 3, 4}), ([1, 2], [3]), ({5}, {5}), ([1, 2, 3, 4], [4]),
             (np.array([1, 2, 2]), np.array([2]))]
    for a, b in cases:
        got, problem = _call(jaccard, a, b)
        if problem:
            return problem
        want = bubble_metrics.jaccard(a, b)
        if not np.isclose(float(got), want):
            inter = len(set(a) & set(b))
            if np.isclose(float(got), inter / max(len(set(a)), 1)):
                return "divide by the size of the union, not of the first set"
            return "not the Jaccard similarity on a small case; compare with the formula"
    got, problem = _call(jaccard, set(), set())
    if problem:
        return problem
    if float(got) != 0.0:
        return "two empty sets should give 0.0"
    return None


@exercise(NB, "gini", points=2, hints=[
    "Sort the values from small to large first; the formula uses their ranks 1..n.",
    "G = sum_i (2i - n - 1) x_(i) / (n * sum(x)), with i the rank after sorting.",
    "Return 0.0 when all values are 0 (nobody was shown anything).",
])
def _check_gini(gini):
    cases = [np.ones(5), np.array([0, 0, 0, 4]), np.array([3, 0, 1, 0]),
             np.random.default_rng(1).exponential(size=40), np.array([1, 3])]
    for x in cases:
        got, problem = _call(gini, x)
        if problem:
            return problem
        want = bubble_metrics.gini(x)
        if not np.isclose(float(got), want, atol=1e-9):
            if want != 0 and np.isclose(float(got), -want):
                return "the sign is flipped: sort from small to large"
            return ("not the Gini coefficient: did you sort the values first, and use ranks "
                    "starting at 1?")
    got, problem = _call(gini, np.zeros(4))
    if problem:
        return problem
    if not np.isclose(float(got), 0.0):
        return "all-zero exposure should give 0.0 (no inequality), not nan"
    return None


def expected_final_metrics(results: dict) -> pd.DataFrame:
    """The last step's metrics of every run in ``results`` (a dict name -> SimulationResult)."""
    columns = ["homogenization", "diversity", "relative_utility", "exposure_gini",
               "group_distance"]
    return pd.DataFrame({name: r.metrics[columns].iloc[-1] for name, r in results.items()}).T


@exercise(NB, "final_metrics", points=1, hints=[
    "`results[name].metrics` is a DataFrame with one row per step; `.iloc[-1]` is the last.",
    "Build a dict {name: last row (restricted to the five columns)} and pass it to "
    "pd.DataFrame(...).T, so that recommenders are rows.",
])
def _check_final_metrics(final_metrics):
    if not isinstance(final_metrics, pd.DataFrame):
        return "final_metrics should be a pandas DataFrame"
    from IPython import get_ipython

    shell = get_ipython()
    results = shell.user_ns.get("results") if shell is not None else None
    if not isinstance(results, dict):
        return "run the cell that makes `results` (the comparison of recommenders) first"
    want = expected_final_metrics(results)
    if set(final_metrics.index) != set(want.index):
        if set(final_metrics.columns) == set(want.index):
            return "recommenders should be the rows (index); transpose with .T"
        return f"the rows should be the recommenders {list(want.index)}"
    missing = set(want.columns) - set(final_metrics.columns)
    if missing:
        return f"missing columns: {sorted(missing)}"
    got = final_metrics.loc[want.index, want.columns].astype(float)
    if not np.allclose(got.to_numpy(), want.to_numpy(), atol=1e-12, equal_nan=True):
        return "the values are not those of the last step of each run (use .iloc[-1])"
    return None


written(NB, "mechanism", points=3)
written(NB, "experiment", points=3)
