"""Self-checks for ``08-capstone``: the misinformation-reach figure, the learner's ranking policy,
and what fact-checking does to sharing.

``my_policy`` is checked in two full-size capstone worlds (seeds 5 and 6) against the plain
engagement feed in the same worlds: it must be a valid, fair policy (no hidden information),
cut misinformation reach by at least 65% and leave users at least 10% more satisfied (ratios
of the means over the worlds). The graded hidden tests ask the same in four other worlds.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from course import capstone, cascade
from course.checks import exercise, not_a_function, not_a_number, written

NB = "08-capstone"

#: The policy's targets, relative to the engagement feed in the same worlds (ratio of means).
MAX_REACH_RATIO = 0.35
MIN_SATISFACTION_RATIO = 1.10
#: The worlds of the self-check (the hidden tests use others).
CHECK_SEEDS = (5, 6)


def _reach_cases() -> list[tuple[object, np.ndarray]]:
    rng = np.random.default_rng(8)
    dense = (rng.random((40, 30)) < 0.2).astype(float)
    labels = rng.random(30) < 0.3
    return [(dense, labels), (sp.csr_matrix(dense), labels),
            (dense, np.zeros(30, dtype=bool))]


@exercise(NB, "misinfo_reach", points=2, hints=[
    "Look only at the columns of the false items: `consumed[:, item_false]`.",
    "For each false item, what share of all users (rows) consumed it? Then average those "
    "shares over the false items.",
    "Count, for each false item, the users (rows) with a positive entry; turn the counts into "
    "shares of all users and average them. With no false items there is nothing to reach: "
    "return 0.0.",
])
def _check_reach(func):
    problem = not_a_function(func, "misinfo_reach")
    if problem:
        return problem
    toy = np.array([[1, 1, 0], [0, 1, 0], [0, 1, 1], [0, 0, 0]])
    for consumed, labels in [(toy, np.array([True, False, True])), *_reach_cases()]:
        value = func(consumed, labels)
        if isinstance(value, np.ndarray):
            if value.size > 1:
                return "return one number (the mean over false items), not one per item"
            value = value.item() if value.size else value
        if not labels.any() and isinstance(value, float) and np.isnan(value):
            return "with no false items the reach should be 0.0, not nan"
        problem = not_a_number(value, "misinfo_reach's result")
        if problem:
            return problem
        right = capstone.misinformation_reach(consumed, labels)
        if not np.isclose(float(value), right, atol=1e-9):
            if labels.any():
                consumed_d = consumed.toarray() if sp.issparse(consumed) else consumed
                share = consumed_d[:, labels].sum() / max(consumed_d.sum(), 1)
                if np.isclose(float(value), share):
                    return ("that is the false share of all consumption; the reach counts "
                            "users: the share of users each false item reached")
                if np.isclose(float(value), consumed_d[:, labels].sum(axis=0).mean()):
                    return "divide each false item's count of users by the number of users"
            return "not quite: check which axis you sum over and what you divide by"
    return None


@exercise(NB, "my_policy", points=6, hints=[
    "Start from the plain engagement ranking `simulation.top_k(scores, view, k)` and change "
    "the scores before ranking; keep -inf wherever the score is -inf.",
    "Which estimate in the view tells the platform that a story disappoints the people who "
    "read it? Run a feed (`simulation.run(...)`), take `result.view()`, and compare the "
    "estimates of the false and the true stories (`world.item_false`, for your analysis only).",
    "Multiplying every score by an estimate re-ranks everyone; changing only the stories the "
    "evidence is against keeps what the recommender got right. Put the scores on a common "
    "scale per user first, and mind users who clicked nothing yet (all their scores are "
    "equal).",
])
def _check_policy(func):
    problem = not_a_function(func, "my_policy")
    if problem:
        return problem
    try:
        capstone.check_policy(func)
    except (ValueError, AttributeError) as err:
        return str(err)
    used = capstone.uses_hidden_information(func)
    if used:
        return (f"the policy reads {', '.join(used)}, which a platform cannot know while "
                "ranking; use the scores and what the view offers (features and estimates)")
    runs = capstone.dashboard({"engagement": None, "mine": func}, seeds=CHECK_SEEDS)
    return judge(capstone.versus(runs, "mine"))


def judge(relative) -> str | None:
    """None when a policy meets the targets; ``relative`` holds its figures relative to the
    engagement feed in the same worlds (:func:`course.capstone.versus`)."""
    reach, satisfaction = relative["misinformation_reach"], relative["satisfaction"]
    if not reach <= MAX_REACH_RATIO:
        return (f"misinformation reach is {reach:.2f} times the engagement feed's: cut it to "
                f"at most {MAX_REACH_RATIO:g} times (what does the platform learn about the "
                "stories people regret reading?)")
    if not satisfaction >= MIN_SATISFACTION_RATIO:
        return (f"satisfaction is {satisfaction:.2f} times the engagement feed's: make users "
                f"at least {MIN_SATISFACTION_RATIO:g} times as satisfied (the scores still "
                "carry what each user likes)")
    return None


@exercise(NB, "reach_cut", points=2, hints=[
    "Run `cascade.spread(graph, items, policy=..., seed=seed)` twice: with the policy and with "
    "'none'.",
    "`.summary()['false_reach']` is the mean reach of the false items.",
    "The cut is the share of the false reach without intervention that the policy removes.",
])
def _check_reach_cut(func):
    problem = not_a_function(func, "reach_cut")
    if problem:
        return problem
    graph = cascade.make_social_graph(n_users=300, seed=4)
    items = cascade.make_items(n_items=30, n_users=300, seed=4)
    none = cascade.spread(graph, items, policy="none", seed=4).summary()["false_reach"]
    for policy in ("remove", "downrank", "none"):
        value = func(graph, items, policy, seed=4)
        problem = not_a_number(value, "reach_cut's result")
        if problem:
            return problem
        cut = cascade.spread(graph, items, policy=policy, seed=4).summary()["false_reach"]
        right = 1 - cut / none
        if np.isclose(value, cut / none):
            return "that is the share of reach that remains; the cut is 1 minus it"
        if not np.isclose(value, right, atol=1e-9):
            return (f"for policy={policy!r} the cut is not right: compare the false reach "
                    "with the policy to the false reach with 'none', same seed")
    return None


written(NB, "reflection", points=5)
