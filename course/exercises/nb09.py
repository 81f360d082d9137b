"""Self-checks for ``09-what-the-experiments-found``: the amplification ratio against a
chronological holdout, and the algorithm-versus-choice decomposition of cross-cutting exposure.

The learner's functions are compared with :mod:`course.field_experiments` on small cases with
known answers; messages name the likely mistake, never the expected numbers or the code.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from course import field_experiments
from course.checks import exercise, not_a_function, written

NB = "09-what-the-experiments-found"

_IMPRESSIONS = np.array([[6.0, 2.0, 0.0, 1.0],
                         [2.0, 2.0, 1.0, 0.0],
                         [0.0, 1.0, 1.0, 3.0],
                         [1.0, 2.0, 1.0, 1.0],
                         [3.0, 2.0, 1.0, 1.0]])
_TREATED = np.array([True, True, True, False, False])
_GROUPS = np.array(["left", "right", "left", "right"])


@exercise(NB, "amplification_ratio", points=3, hints=[
    "Amplification compares two groups of users of very different sizes (most users have the "
    "ranked feed, a few are in the holdout), so compare impressions *per user* of each group.",
    "For each source group: take the columns of its sources, add up the impressions of the "
    "ranked-feed users and divide by their number; do the same for the holdout users; the "
    "ratio of the two is the amplification (1 means none).",
    "Return a pandas Series with one entry per group label, indexed by the labels.",
])
def _check_amplification_ratio(amplification_ratio):
    problem = not_a_function(amplification_ratio, "amplification_ratio")
    if problem:
        return problem
    got = amplification_ratio(_IMPRESSIONS, _TREATED, _GROUPS)
    want = field_experiments.amplification_ratio(_IMPRESSIONS, _TREATED, _GROUPS)
    if not isinstance(got, pd.Series):
        return "return a pandas Series indexed by the group labels"
    if sorted(map(str, got.index)) != sorted(want.index):
        return "the Series needs one entry per group label (here 'left' and 'right')"
    got = got.astype(float).reindex(want.index)
    treated = _TREATED
    totals = {g: _IMPRESSIONS[treated][:, _GROUPS == g].sum()
              / _IMPRESSIONS[~treated][:, _GROUPS == g].sum() for g in want.index}
    if np.allclose(got, pd.Series(totals)):
        return ("compare impressions *per user*: the ranked feed and the holdout have "
                "different numbers of users")
    if np.allclose(got, 1 / want):
        return "upside down: the ranked feed goes on top, the chronological holdout below"
    if np.allclose(got, want - 1):
        return "report the ratio itself (1 = no amplification), not its excess over 1"
    if not np.allclose(got, want):
        return "not the ratio of impressions per ranked-feed user to impressions per holdout user"
    return None


def _toy_stages() -> pd.DataFrame:
    return pd.DataFrame({
        "random_cross_cutting": [20.0, 25.0], "random_political": [50.0, 50.0],
        "potential_cross_cutting": [6.0, 12.0], "potential_political": [30.0, 30.0],
        "exposed_cross_cutting": [2.0, 4.0], "exposed_political": [10.0, 14.0],
        "engaged_cross_cutting": [0.5, 1.0], "engaged_political": [5.0, 5.0],
    })


@exercise(NB, "exposure_decomposition", points=3, hints=[
    "At each stage the share of cross-cutting posts is cross-cutting posts over political posts, "
    "pooled over all users (add up the columns first, then divide: users who saw more count "
    "more, as in Bakshy et al.).",
    "Each effect is a relative cut from one stage to the next: how much smaller the share "
    "became, as a fraction of the earlier stage's share.",
    "Return a Series with the four shares ('random', 'potential', 'exposed', 'engaged') and "
    "'network_effect', 'algorithm_effect', 'choice_effect'.",
])
def _check_exposure_decomposition(exposure_decomposition):
    problem = not_a_function(exposure_decomposition, "exposure_decomposition")
    if problem:
        return problem
    stages = _toy_stages()
    before = stages.copy()
    got = exposure_decomposition(stages)
    if not stages.equals(before):
        return "exposure_decomposition must not change its argument"
    want = field_experiments.exposure_decomposition(stages)
    if not isinstance(got, pd.Series) and not isinstance(got, dict):
        return "return a pandas Series (or a dict) of shares and effects"
    got = pd.Series(got)
    missing = [k for k in want.index if k not in got.index]
    if missing:
        return f"missing entries: {', '.join(missing)}"
    got = got[want.index].astype(float)
    stage_names = ["random", "potential", "exposed", "engaged"]
    per_user = {s: (stages[f"{s}_cross_cutting"] / stages[f"{s}_political"]).mean()
                for s in stage_names}
    if np.allclose(got[stage_names], pd.Series(per_user)[stage_names]):
        return ("pool over users (sum cross-cutting and political posts first, then divide) "
                "instead of averaging each user's share")
    if not np.allclose(got[stage_names], want[stage_names]):
        return "the shares of cross-cutting posts at each stage are not right"
    effects = ["network_effect", "algorithm_effect", "choice_effect"]
    if np.allclose(got[effects], -want[effects]) or np.allclose(got[effects], 1 - want[effects]):
        return "an effect is the share that was *removed* between two stages (a cut, positive)"
    shares = want[stage_names].to_numpy()
    if np.allclose(got[effects], shares[:-1] - shares[1:]):
        return ("the effects are relative cuts (divide by the earlier stage's share), not "
                "differences in percentage points")
    if not np.allclose(got[effects], want[effects]):
        return "the three effects are not the relative cuts between consecutive stages"
    return None


written(NB, "verdict", points=5)
