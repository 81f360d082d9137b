"""Self-checks for ``07-misinformation``: the probability of seeing a shared post, the share of
exposures that go to false items, and the fact-checkers' queue.

The functions are compared with :mod:`course.cascade` on small cases with known answers;
messages name the likely mistake, never the expected number.
"""

from __future__ import annotations

import numpy as np

from course import cascade
from course.checks import exercise, not_a_function, written

NB = "07-misinformation"


@exercise(NB, "see_probability", points=2, hints=[
    "Each sharing friend's post is shown independently with probability v; the user misses "
    "it only if every one of the c posts is hidden.",
    "One share stays hidden with probability 1 - v; all c of them stay hidden with that "
    "probability multiplied by itself c times. Seeing the post is the opposite event.",
    "visibility has one entry per item (row): use visibility[:, None] to broadcast it over "
    "the users (columns).",
])
def _check_see_probability(see_probability):
    problem = not_a_function(see_probability, "see_probability")
    if problem:
        return problem
    counts = np.array([[0, 1, 2, 3], [4, 0, 1, 1]])
    vis = np.array([0.5, 0.2])
    got = np.asarray(see_probability(counts, vis), dtype=float)
    want = cascade.see_probability(counts, vis)
    if got.shape != want.shape:
        return (f"return one probability per item and user: shape {want.shape} here, "
                f"not {got.shape} (did you broadcast visibility over the columns?)")
    if np.allclose(got, np.minimum(1, counts * vis[:, None])):
        return ("adding up the chances overcounts: two friends with visibility 0.5 do not "
                "make a certain view; compute the chance of missing every share")
    if np.allclose(got, 1 - want):
        return "that is the probability of *not* seeing it"
    if not np.allclose(got, want):
        return "not the probability of seeing at least one of the shares; check the formula"
    return None


@exercise(NB, "exposure_share", points=1, hints=[
    "Each item's reach counts its exposures; add up the reach of the false items.",
    "Divide by the total reach of all items.",
])
def _check_exposure_share(exposure_share):
    problem = not_a_function(exposure_share, "exposure_share")
    if problem:
        return problem
    reach = np.array([10, 30, 60, 0])
    is_false = np.array([True, False, True, False])
    got = exposure_share(reach, is_false)
    try:
        got = float(got)
    except (TypeError, ValueError):
        return "return a single number (a share between 0 and 1)"
    if np.isclose(got, 70):
        return "that is the number of false exposures; divide by all exposures"
    if np.isclose(got, 35):
        return "that is the mean reach of false items; the question asks for a share of the total"
    if not np.isclose(got, 0.7):
        return "not the share of exposures that went to false items on a small case"
    if not np.isclose(float(exposure_share(np.array([5, 5]), np.array([False, False]))), 0.0):
        return "with no false items the share is 0"
    return None


@exercise(NB, "fact_check_queue", points=2, hints=[
    "Only eligible items can be checked: start from np.flatnonzero(eligible).",
    "Order those candidates by reach, largest first; for equal reach, lower index first "
    "(`np.lexsort` sorts by several keys at once; its *last* key is the primary one).",
    "Return at most `capacity` of them (and an empty array when there is nothing to check).",
])
def _check_fact_check_queue(fact_check_queue):
    problem = not_a_function(fact_check_queue, "fact_check_queue")
    if problem:
        return problem
    cases = [
        (np.array([5, 40, 40, 7]), np.array([True, True, True, False]), 2),
        (np.array([10, 50, 30, 50, 99]), np.array([True, True, True, True, False]), 3),
        (np.array([1, 2, 3]), np.array([True, True, True]), 10),
        (np.array([1, 2, 3]), np.array([False, False, False]), 2),
        (np.array([4, 4, 4]), np.array([True, True, True]), 0),
    ]
    for reach, eligible, capacity in cases:
        got = np.asarray(fact_check_queue(reach, eligible, capacity)).astype(int)
        want = cascade.fact_check_queue(reach, eligible, capacity)
        if not np.array_equal(got, want):
            if len(got) and not eligible[got].all():
                return "an item that is not eligible yet was checked"
            if len(got) > capacity:
                return "more items were checked than the capacity allows"
            if set(got) == set(want):
                return "the right items, in the wrong order: largest reach first, ties by index"
            return "not the items with the largest reach among the eligible ones"
    return None


written(NB, "policy", points=3)
written(NB, "experiment", points=3)
