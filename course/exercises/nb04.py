"""Self-checks for ``04-optimizing-for-engagement``: expected clicks under position bias, the
position-bias estimate from a randomised feed, and the Pareto frontier.

The functions are compared with :mod:`course.user_model` and :mod:`course.engagement` on small
cases with known answers; messages name the likely mistake, never the expected number.
"""

from __future__ import annotations

import numpy as np

from course import engagement, user_model
from course.checks import exercise, not_a_function, written

NB = "04-optimizing-for-engagement"


@exercise(NB, "expected_clicks", points=2, hints=[
    "A user clicks position p only if they look at it (probability examination[p]) and then "
    "decide to click (probability click[u, p]).",
    "Multiply the two, then add up over the positions of each user's feed (axis=1).",
    "numpy broadcasts a (positions,) vector across every row of a (users x positions) array, "
    "so no loop is needed; then sum along the positions axis.",
])
def _check_expected_clicks(expected_clicks):
    problem = not_a_function(expected_clicks, "expected_clicks")
    if problem:
        return problem
    click = np.array([[0.5, 0.5, 0.5], [0.9, 0.1, 0.0]])
    exam = np.array([1.0, 0.5, 0.25])
    got = np.asarray(expected_clicks(click, exam), dtype=float)
    if got.shape != (2,):
        return f"return one number per user (shape (2,) here), not shape {got.shape}"
    if np.allclose(got, click.sum(axis=1)):
        return "you ignored the examination probabilities: users do not look at every position"
    if not np.allclose(got, [0.875, 0.95]):
        return "not the expected number of clicks on a small case; check the formula"
    rng = np.random.default_rng(0)
    click = rng.random((5, 8))
    exam = user_model.examination_probability(8, 1.3)
    if not np.allclose(expected_clicks(click, exam), (click * exam).sum(axis=1)):
        return "right on the first case but not on a random 5 x 8 case"
    return None


@exercise(NB, "position_bias", points=2, hints=[
    "In a randomised feed every position gets equally good items on average, so differences "
    "in click-through rate between positions come from attention alone.",
    "Compute the CTR at each position (clicks / impressions; `engagement.ctr_by_position` does "
    "it), then divide by the CTR at position 1.",
])
def _check_position_bias(position_bias):
    problem = not_a_function(position_bias, "position_bias")
    if problem:
        return problem
    world = user_model.make_engagement_world(n_users=400, n_items=60, position_decay=0.8,
                                             seed=11)
    log = user_model.simulate_impressions(world, user_model.rank_by(world, "random", 6), seed=3)
    got = np.asarray(position_bias(log), dtype=float)
    ctr = engagement.ctr_by_position(log)["ctr"].to_numpy()
    if got.shape != (6,):
        return f"return one number per position (6 here), not shape {got.shape}"
    if np.allclose(got, ctr):
        return "these are click-through rates; divide them by the CTR at position 1"
    if not np.allclose(got, ctr / ctr[0]):
        return ("not CTR(p) / CTR(1) of the log you were given; group by position and divide "
                "clicks by impressions")
    return None


@exercise(NB, "pareto_mask", points=2, hints=[
    "Point j dominates point i if it is at least as good on both objectives and strictly "
    "better on at least one.",
    "Compare every pair of points: with arrays e and s, e[None, :] >= e[:, None] is a matrix "
    "whose row i says which points are at least as engaging as point i.",
    "Combine the comparisons into one boolean 'j dominates i' matrix; point i is on the "
    "frontier when its row has no True in it.",
])
def _check_pareto_mask(pareto_mask):
    problem = not_a_function(pareto_mask, "pareto_mask")
    if problem:
        return problem
    cases = [
        (np.array([1.0, 2.0, 1.5, 0.5]), np.array([2.0, 1.0, 1.5, 0.5])),
        (np.array([1.0, 1.0, 2.0]), np.array([2.0, 1.0, 1.0])),      # ties on one objective
        (np.array([3.0, 3.0]), np.array([1.0, 1.0])),                # identical points
    ]
    rng = np.random.default_rng(2)
    cases.append((rng.random(30), rng.random(30)))
    for e, s in cases:
        got = np.asarray(pareto_mask(e, s))
        want = user_model.pareto_mask(e, s)
        if got.shape != want.shape or got.dtype != bool:
            return "return a boolean array with one entry per point"
        if not np.array_equal(got, want):
            if len(e) == 3 and got[1]:
                return ("a point that is equal on one objective and worse on the other is "
                        "dominated")
            if len(e) == 2 and not got.all():
                return "identical points do not dominate each other: both are on the frontier"
            return "not the Pareto frontier on a small case; check the dominance rule"
    return None


written(NB, "goodhart", points=3)
written(NB, "experiment", points=3)
