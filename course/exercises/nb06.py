"""Self-checks for ``06-breaking-the-bubble``: MMR, miscalibration, calibrated lists, and
cross-cutting exposure.

Each learner function is compared with :mod:`course.interventions` on the small example worked
in the notebook and on random cases; messages point at the likely mistake, never at the answer.
"""

from __future__ import annotations

import numbers

import numpy as np

from course import interventions
from course.checks import exercise, not_a_function, written

NB = "06-breaking-the-bubble"

#: The worked example of the notebook: 0 and 1 are near-duplicates, 3 is unlike anything.
EXAMPLE_RELEVANCE = np.array([1.0, 0.9, 0.8, 0.0])
EXAMPLE_SIMILARITY = np.array([[1.00, 0.95, 0.10, 0.0],
                               [0.95, 1.00, 0.20, 0.0],
                               [0.10, 0.20, 1.00, 0.0],
                               [0.00, 0.00, 0.00, 1.0]])


def _as_list(result, k: int, n_items: int, name: str) -> tuple[list[int] | None, str | None]:
    try:
        items = [int(i) for i in np.asarray(result).ravel()]
    except (TypeError, ValueError):
        return None, f"{name} should return a list of item indices"
    if len(items) != k:
        return None, f"{name} should return exactly k={k} items, got {len(items)}"
    if len(set(items)) != k:
        return None, f"{name} returned the same item twice: skip items already chosen"
    if min(items) < 0 or max(items) >= n_items:
        return None, f"{name} should return indices between 0 and {n_items - 1}"
    return items, None


def _random_mmr_case(seed: int):
    rng = np.random.default_rng(seed)
    relevance = rng.random(25)
    similarity = interventions.cosine_similarity(rng.random((25, 4)) ** 3)
    return relevance, similarity


@exercise(NB, "mmr", points=3, hints=[
    "Start the list with the single most relevant item (np.argmax).",
    "For every item not yet chosen, its redundancy is its *highest* similarity to the items "
    "already in the list: a maximum over the columns of the chosen items.",
    "Score every candidate with the MMR formula of the text (relevance weighted by lam, "
    "redundancy by 1 - lam); give chosen items -np.inf so they are "
    "never picked twice; append the argmax; repeat until the list has k items.",
])
def _check_mmr(mmr):
    problem = not_a_function(mmr, "mmr")
    if problem:
        return problem
    cases = [(EXAMPLE_RELEVANCE, EXAMPLE_SIMILARITY, 3, 0.5),
             (EXAMPLE_RELEVANCE, EXAMPLE_SIMILARITY, 3, 1.0)]
    cases += [(*_random_mmr_case(seed), 6, lam) for seed, lam in [(1, 0.7), (2, 0.3)]]
    for relevance, similarity, k, lam in cases:
        got, problem = _as_list(mmr(relevance.copy(), similarity.copy(), k, lam), k,
                                len(relevance), "mmr")
        if problem:
            return problem
        want = interventions.mmr_rerank(relevance[None, :], similarity, k, lam, pool=None,
                                        normalize=False)[0].tolist()
        if got != want:
            if got[0] != want[0]:
                return "the first item should be the most relevant one"
            if lam == 1.0:
                return "with lam=1 MMR is the plain ranking by relevance"
            return ("not the MMR list on a small case: is the redundancy the *maximum* "
                    "similarity to the chosen items (not the mean or the sum), and is "
                    "(1 - lam) its weight?")
    return None


@exercise(NB, "miscalibration", points=2, hints=[
    "First smooth the list's distribution towards the user's, as in the text: weight alpha "
    "on p and 1 - alpha on q.",
    "Then KL = sum over genres of p * log(p / q_smooth).",
    "Genres with p = 0 contribute 0 (0 log 0 = 0): sum only where p > 0, or use np.where.",
])
def _check_miscalibration(miscalibration):
    problem = not_a_function(miscalibration, "miscalibration")
    if problem:
        return problem
    rng = np.random.default_rng(3)
    cases = [(np.array([0.5, 0.5]), np.array([1.0, 0.0]), 0.01),
             (np.array([0.2, 0.8]), np.array([0.2, 0.8]), 0.01),
             (np.array([0.0, 0.3, 0.7]), np.array([0.5, 0.5, 0.0]), 0.05),
             (rng.dirichlet(np.ones(6)), rng.dirichlet(np.ones(6)), 0.01)]
    for p, q, alpha in cases:
        got = miscalibration(p.copy(), q.copy(), alpha)
        if isinstance(got, bool) or not isinstance(got, numbers.Real | np.floating):
            return "miscalibration should return one number"
        if not np.isfinite(got):
            return ("the result is not finite: genres where p = 0 must contribute 0, and q "
                    "must be smoothed with alpha before dividing")
        want = float(interventions.kl_miscalibration(p, q, alpha))
        if not np.isclose(float(got), want, atol=1e-9):
            if np.isclose(float(got), float(interventions.kl_miscalibration(q, p, alpha)),
                          atol=1e-9):
                return "p and q are swapped: the user's distribution p comes first"
            if np.isclose(float(got), float(interventions.kl_miscalibration(p, q, 0.0)),
                          atol=1e-9):
                return "smooth q with alpha first: q_smooth = (1 - alpha) * q + alpha * p"
            return ("not Steck's miscalibration on a small case: smooth q first, "
                    "then sum p * log(p / q_smooth)")
    return None


def _random_calibration_case(seed: int):
    rng = np.random.default_rng(seed)
    relevance = rng.random(30)
    item_dist = interventions.item_distributions(np.eye(5)[rng.integers(0, 5, 30)])
    p = rng.dirichlet(np.full(5, 0.7))
    return relevance, item_dist, p


@exercise(NB, "calibrate", points=3, hints=[
    "Build the list one item at a time, like MMR: at each step try every item not yet chosen.",
    "For a candidate i, q is the mean of item_dist over the chosen items plus i; its value is "
    "(1 - lam) * relevance[i] - lam * interventions.kl_miscalibration(p, q, alpha).",
    "Append the candidate with the highest value; stop at k items.",
])
def _check_calibrate(calibrate):
    problem = not_a_function(calibrate, "calibrate")
    if problem:
        return problem
    cases = [(np.array([1.0, 0.9, 0.8, 0.0]), np.eye(2)[[0, 0, 0, 1]], np.array([0.5, 0.5]),
              2, 0.5)]
    cases += [(*_random_calibration_case(seed), 6, lam) for seed, lam in [(4, 0.3), (5, 0.8)]]
    cases.append((*_random_calibration_case(6), 5, 0.0))
    for relevance, item_dist, p, k, lam in cases:
        got, problem = _as_list(calibrate(relevance.copy(), item_dist.copy(), p.copy(), k, lam),
                                k, len(relevance), "calibrate")
        if problem:
            return problem
        want = interventions.calibrated_rerank(relevance[None, :], item_dist, p[None, :], k,
                                               lam, pool=None, normalize=False)[0].tolist()
        if got != want:
            if lam == 0.0:
                return "with lam=0 the calibrated list is the plain ranking by relevance"
            return ("not the calibrated list on a small case: is q the mean topic mix of the "
                    "chosen items *plus the candidate*, and the value (1 - lam) * relevance "
                    "- lam * KL(p || q)?")
    return None


written(NB, "calibration_vs_diversity", points=3)


@exercise(NB, "cross_cutting_share", points=2, hints=[
    "np.sign gives -1, 0 or +1: the side of an item's slant or of a user's ideology.",
    "item_slant[lists] has the shape of lists; multiply it by the users' signs as a column "
    "(user_ideology[:, None]).",
    "An item is cross-cutting when the product of the two signs is negative; return the mean.",
])
def _check_cross_cutting_share(cross_cutting_share):
    problem = not_a_function(cross_cutting_share, "cross_cutting_share")
    if problem:
        return problem
    rng = np.random.default_rng(7)
    cases = [(np.array([[0, 3], [0, 1], [3, 0]]), np.array([-0.8, -0.1, 0.0, 0.3]),
              np.array([-0.5, 0.6, 0.0])),
             (rng.integers(0, 20, (15, 4)), rng.uniform(-1, 1, 20), rng.uniform(-1, 1, 15))]
    for lists, slant, ideology in cases:
        got = cross_cutting_share(lists.copy(), slant.copy(), ideology.copy())
        if isinstance(got, bool) or not isinstance(got, numbers.Real | np.floating):
            return "cross_cutting_share should return one number (a share between 0 and 1)"
        want = interventions.cross_cutting_share(lists, slant, ideology)
        if not np.isclose(float(got), want):
            if np.isclose(float(got), 1 - want):
                return "that is the share on the *same* side: count items on the other side"
            return ("not the cross-cutting share on a small case: items or users exactly at 0 "
                    "are on neither side, and each user's ideology applies to their own row")
    return None


written(NB, "defend_setting", points=5)
