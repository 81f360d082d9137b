"""Self-checks for ``05-filter-bubbles``: topic diversity, Jaccard overlap, Gini of exposure,
drift in one world and the interval of a difference over several seeds.

The functions are compared with :mod:`course.bubble_metrics` on small cases with known answers;
messages name the likely mistake, never the expected number.
"""

from __future__ import annotations

import numbers

import numpy as np
from scipy import stats

from course import bubble_metrics, simulation
from course.checks import _user_namespace, exercise, written

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


def _namespace() -> dict:
    """The learner's names (course.checks' lookup, which a grading process may replace)."""
    return _user_namespace()


written(NB, "mechanism", points=3)


@exercise(NB, "topic_focus_change", points=2, hints=[
    "Draw the seed's world with simulation.make_world (the WORLD settings, a horizon of "
    "STEPS, the seed) and keep it: you need the users' tastes before the run as well as "
    "after it.",
    "simulation.run(...) copies the world and returns a result whose .world holds the tastes "
    "after the run; give it k=K, drift=DRIFT and seed=seed, and seed the recommender too "
    "(simulation.make_recommender(feed, world, seed=seed)).",
    "Return one number: the focus of the tastes after the run minus the focus before it "
    "(the cell above defines focus()).",
])
def _check_topic_focus_change(topic_focus_change):
    if not callable(topic_focus_change):
        return "topic_focus_change should be a function (use def)"
    ns = _namespace()
    needed = ["WORLD", "STEPS", "K", "DRIFT"]
    if any(name not in ns for name in needed):
        return "run the notebook's cells from the top first (WORLD, STEPS, K and DRIFT)"
    world_settings, steps, k, drift = (ns[name] for name in needed)
    seed = 11
    got = topic_focus_change("random", seed)
    if isinstance(got, bool) or not isinstance(got, numbers.Real | np.floating):
        return "return one number (the change in mean topic focus)"
    w = simulation.make_world(**world_settings, horizon=steps, seed=seed)
    after = simulation.run(w, simulation.make_recommender("random", w, seed=seed), steps,
                           k=k, drift=drift, seed=seed, progress=False).world
    before_focus = w.user_topics.max(axis=1).mean()
    want = after.user_topics.max(axis=1).mean() - before_focus
    if np.isclose(float(got), -want, atol=1e-9):
        return "the sign is flipped: after minus before"
    if np.isclose(float(got), want + before_focus, atol=1e-9):
        return "that is the focus after the run; subtract the focus before it"
    if not np.isclose(float(got), want, atol=1e-9):
        return ("not the change for the random feed in another world: draw that seed's world, "
                "run with k=K, drift=DRIFT and seed=seed (recommender seeded too), and compare "
                "the tastes after the run with those before")
    return None


@exercise(NB, "gap_interval", points=2, hints=[
    "Loop over SEEDS; in each, call topic_focus_change for 'mf' and for 'random' (same seed, "
    "same world) and keep the difference. np.array(...) of the list gives focus_gaps.",
    "The half-width of the interval is a t quantile times the standard error: the sample "
    "standard deviation (ddof=1) divided by the square root of the number of seeds.",
    "stats.t.ppf(0.975, df) is the quantile of a 95% interval; df is one less than the number "
    "of seeds. The interval is (mean - half-width, mean + half-width).",
])
def _check_gap_interval(gap_interval):
    ns = _namespace()
    gaps = ns.get("focus_gaps")
    seeds = ns.get("SEEDS")
    if gaps is None:
        return "make focus_gaps (one MF - random difference per seed) in the same cell"
    gaps = np.asarray(gaps, dtype=float).ravel()
    if seeds is not None and gaps.size != len(seeds):
        return (f"focus_gaps has {gaps.size} entries for {len(seeds)} seeds: one difference "
                "per seed")
    if gaps.size < 2:
        return "an interval needs at least two seeds"
    try:
        low, high = (float(x) for x in gap_interval)
    except (TypeError, ValueError):
        return "gap_interval should be a pair of numbers (low, high)"
    n, mean = gaps.size, gaps.mean()
    se = gaps.std(ddof=1) / np.sqrt(n)
    want = stats.t.ppf(0.975, n - 1) * se
    if low > high:
        return "the interval is (low, high): the smaller number first"
    if np.isclose(high - low, 2 * 1.96 * se, rtol=1e-6) and not np.isclose(1.96, want / se):
        return ("that is the normal (z = 1.96) interval; with a few seeds use Student's t "
                "with n - 1 degrees of freedom")
    if np.isclose(high - low, 2 * stats.t.ppf(0.975, n - 1) * gaps.std(ddof=0) / np.sqrt(n),
                  rtol=1e-6):
        return "use the sample standard deviation (ddof=1), not the population one"
    if np.isclose(high - low, 2 * stats.t.ppf(0.975, n - 1) * gaps.std(ddof=1), rtol=1e-6):
        return "divide the standard deviation by the square root of the number of seeds"
    if not (np.isclose(low, mean - want, atol=1e-9) and np.isclose(high, mean + want,
                                                                   atol=1e-9)):
        return "not the 95% t interval of the mean of focus_gaps: check the centre and width"
    return None


written(NB, "experiment", points=3)
