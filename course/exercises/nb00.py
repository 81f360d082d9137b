"""Self-checks for ``00-start-here``: counting users, rating shares, active days.

Each checker runs the learner's value or function on the real data and on small tables with a
known answer, and explains what is off without printing the expected result.
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

from course.checks import exercise, written

NB = "00-start-here"


def _ratings() -> pd.DataFrame:
    from course.data import load_ratings

    return load_ratings()


@exercise(NB, "n_users", points=1, hints=[
    "Each row of `ratings` is one rating; the `user` column says who gave it.",
    "A user who rated 50 movies appears in 50 rows: count each user once.",
    "pandas counts distinct values with `Series.nunique()`.",
])
def _check_n_users(value):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        return f"n_users should be a whole number (an int), not {type(value).__name__}"
    ratings = _ratings()
    if value == len(ratings):
        return "that is the number of ratings (rows); count the distinct users instead"
    if value == ratings["item"].nunique():
        return "that is the number of distinct movies; look at the `user` column"
    if value != ratings["user"].nunique():
        return "not the number of distinct users in `ratings`; count each user once"
    return None


def _toy_ratings() -> pd.DataFrame:
    return pd.DataFrame({"user": [1, 1, 2, 3], "item": [10, 11, 10, 12],
                         "rating": [5, 3, 5, 1]})


@exercise(NB, "rating_shares", points=2, hints=[
    "`value_counts()` counts how often each star value occurs; you want shares of all ratings.",
    "`value_counts` has an option that gives shares instead of counts (see its docstring: "
    "`ratings['rating'].value_counts?`).",
    "A star value nobody used has no row yet: `Series.reindex` can add the values 1 to 5 in "
    "order, filling the missing ones with 0.",
])
def _check_rating_shares(rating_shares):
    if not callable(rating_shares):
        return "rating_shares should be a function taking a ratings DataFrame"
    toy = rating_shares(_toy_ratings())
    if not isinstance(toy, pd.Series):
        return f"rating_shares should return a pandas Series, not {type(toy).__name__}"
    if list(toy.index) != [1, 2, 3, 4, 5]:
        return ("the result should have one row for each star value 1, 2, 3, 4, 5 in that "
                "order, including values nobody used")
    if np.isclose(toy.sum(), len(_toy_ratings())):
        return "these look like counts; divide by the number of ratings to get shares"
    if not np.isclose(toy.sum(), 1.0):
        return "the shares should add up to 1"
    if not np.allclose(toy.to_numpy(), [0.25, 0, 0.25, 0, 0.5]):
        return "the shares are wrong on a small table of four ratings (5, 3, 5, 1)"
    full = rating_shares(_ratings())
    want = _ratings()["rating"].value_counts(normalize=True).reindex(range(1, 6), fill_value=0)
    if not np.allclose(np.asarray(full, dtype=float), want.to_numpy()):
        return "right on a small table but not on MovieLens: does your function use its argument?"
    return None


def _toy_sessions() -> pd.DataFrame:
    return pd.DataFrame({"user_id": [7, 7, 7, 9],
                         "date": pd.to_datetime(["2020-06-01", "2020-06-01", "2020-06-03",
                                                 "2020-06-02"])})


@exercise(NB, "active_days", points=2, hints=[
    "Group the sessions by user (`groupby('user_id')`) and look at the `date` column.",
    "Two sessions on the same day are one active day: count *distinct* dates.",
    "Group by user, select the date column and count its distinct values in each group: the "
    "same counting method as in exercise 1, applied per group.",
])
def _check_active_days(active_days):
    if not callable(active_days):
        return "active_days should be a function taking a sessions DataFrame"
    toy = active_days(_toy_sessions())
    if not isinstance(toy, pd.Series):
        return f"active_days should return a pandas Series, not {type(toy).__name__}"
    if sorted(toy.index) != [7, 9]:
        return "the result should be indexed by user_id, one row per user"
    if toy.loc[7] == 3:
        return "user 7 had two sessions on the same day: count days, not sessions"
    if toy.loc[7] != 2 or toy.loc[9] != 1:
        return "wrong on a small log (user 7: sessions on 1, 1 and 3 June; user 9 on 2 June)"
    return None


written(NB, "testable_claim", points=4)
