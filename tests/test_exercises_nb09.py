"""The self-checks of notebook 09 accept right answers and explain typical wrong ones, without
giving the solution away."""

import numpy as np
import pandas as pd
import pytest

from course import checks
from course import field_experiments as fe

NB = "09-what-the-experiments-found"


def status(name, value):
    return checks.status(name, {name: value}, notebook=NB)


def totals_ratio(impressions, treated, groups):
    impressions, groups = np.asarray(impressions, float), np.asarray(groups)
    return pd.Series({g: impressions[treated][:, groups == g].sum()
                      / impressions[~treated][:, groups == g].sum() for g in np.unique(groups)})


def per_user_average_decomposition(stages):
    names = ["random", "potential", "exposed", "engaged"]
    share = {s: (stages[f"{s}_cross_cutting"] / stages[f"{s}_political"]).mean() for s in names}
    out = pd.Series(share)
    out["network_effect"] = 1 - share["potential"] / share["random"]
    out["algorithm_effect"] = 1 - share["exposed"] / share["potential"]
    out["choice_effect"] = 1 - share["engaged"] / share["exposed"]
    return out


def point_differences(stages):
    out = fe.exposure_decomposition(stages)
    shares = out[["random", "potential", "exposed", "engaged"]].to_numpy()
    out[["network_effect", "algorithm_effect", "choice_effect"]] = shares[:-1] - shares[1:]
    return out


@pytest.mark.parametrize("name, value", [("amplification_ratio", fe.amplification_ratio),
                                         ("exposure_decomposition", fe.exposure_decomposition)])
def test_reference_answers_are_right(name, value):
    assert status(name, value) == (checks.RIGHT, "right.")


@pytest.mark.parametrize("name, value, words", [
    ("amplification_ratio", totals_ratio, "per user"),
    ("amplification_ratio", lambda i, t, g: 1 / fe.amplification_ratio(i, t, g), "upside down"),
    ("amplification_ratio", lambda i, t, g: fe.amplification_ratio(i, t, g).to_numpy(),
     "Series"),
    ("exposure_decomposition", per_user_average_decomposition, "pool"),
    ("exposure_decomposition", point_differences, "relative"),
    ("exposure_decomposition", lambda s: fe.exposure_decomposition(s).drop("choice_effect"),
     "missing"),
])
def test_typical_mistakes_get_a_helpful_message(name, value, words):
    state, message = status(name, value)
    assert state == checks.WRONG and words in message


def test_not_attempted_and_hints_never_contain_the_solution_line():
    def stub(*args):
        raise NotImplementedError()
    assert status("amplification_ratio", stub)[0] == checks.NOT_ATTEMPTED
    ex = checks._load(NB)
    for name, solution_bits in [("amplification_ratio", ["].mean()", "seen[treated]"]),
                                ("exposure_decomposition", ['1 - share["exposed"]'])]:
        for hint_text in ex[name].hints:
            assert not any(bit in hint_text for bit in solution_bits)
