"""Self-checks for ``01-engagement-metrics``: headline arithmetic, CTR by position, retention.

The function exercises are compared with :mod:`course.engagement` on small tables with a known
answer and on a synthetic log; messages point at the likely mistake, never at the number.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from course import engagement, facts
from course.checks import exercise, not_a_number, written
from course.eventlog import generate_event_log

NB = "01-engagement-metrics"


@exercise(NB, "stickiness", points=1, hints=[
    "Stickiness compares the users of an average day with the users of the whole month.",
    "It is a share, so it lies between 0 and 1: the smaller count goes on top.",
    "Both figures are in `course.facts`, named after the metric and the quarter (type "
    "`facts.` and press Tab to list them).",
])
def _check_stickiness(value):
    problem = not_a_number(value, "stickiness")
    if problem:
        return problem
    right = facts.DAU_Q2_2020 / facts.MAU_Q2_2020
    if np.isclose(value, 1 / right, rtol=1e-3):
        return "more than 1: you divided monthly by daily users; the daily figure goes on top"
    if np.isclose(value, 100 * right, rtol=1e-3):
        return "keep it as a share between 0 and 1, not a percentage"
    if abs(value - right) > 1e-4:
        return "not the Q2 2020 stickiness; use the DAU and MAU figures of that quarter"
    return None


@exercise(NB, "arpu_q2_2020", points=2, hints=[
    "ARPU is revenue divided by a number of users; which users does Facebook count?",
    "Facebook divides by the *average* of its monthly active users at the start and at the end "
    "of the quarter; both MAU figures are in `course.facts`.",
])
def _check_arpu(value):
    problem = not_a_number(value, "arpu_q2_2020")
    if problem:
        return problem
    revenue = facts.REVENUE_Q2_2020
    if np.isclose(value, revenue / facts.MAU_Q2_2020, rtol=1e-4):
        return ("close, but Facebook divides by the average of the MAUs at the start and the end "
                "of the quarter, not by the end figure alone")
    if np.isclose(value, revenue / facts.DAU_Q2_2020, rtol=1e-4):
        return "ARPU counts monthly active users, not daily ones"
    if value > 1e6:
        return "that is far too large for dollars per user: did you divide by the users?"
    if abs(value - revenue / ((facts.MAU_Q1_2020 + facts.MAU_Q2_2020) / 2)) > 1e-6:
        return "not quite: revenue for the quarter over the average MAU of the quarter"
    return None


@exercise(NB, "minutes_per_user", points=2, hints=[
    "Hours a day summed over everyone; convert to minutes first.",
    "Then share the minutes out: divide by the number of users.",
])
def _check_minutes_per_user(minutes_per_user):
    if not callable(minutes_per_user):
        return "minutes_per_user should be a function of (hours_per_day, users)"
    got = minutes_per_user(1, 60)
    if not_a_number(got, "the result"):
        return "minutes_per_user(1, 60) should return a number"
    if np.isclose(got, 1 / 60):
        return "minutes_per_user(1, 60) should be 1 minute: did you forget to convert to minutes?"
    if np.isclose(got, 3600):
        return "minutes_per_user(1, 60) should be 1: divide by the users, don't multiply"
    for hours, users in [(1, 60), (5, 2), (facts.HOURS_CUT_PER_DAY_2018, facts.DAU_Q4_2017)]:
        if not np.isclose(minutes_per_user(hours, users), hours * 60 / users, rtol=1e-9):
            return f"minutes_per_user({hours:g}, {users:g}) is not right"
    return None


written(NB, "cut_2018", points=3)


def _toy_retention() -> tuple[pd.DataFrame, pd.DataFrame]:
    users = pd.DataFrame({"user_id": [1, 2, 3, 4],
                          "signup_date": pd.to_datetime(["2020-06-01", "2020-06-01",
                                                         "2020-06-02", "2020-06-04"])})
    sessions = pd.DataFrame({"user_id": [1, 1, 2, 2, 3, 3, 4],
                             "date": pd.to_datetime(["2020-06-01", "2020-06-02", "2020-06-01",
                                                     "2020-06-04", "2020-06-02", "2020-06-03",
                                                     "2020-06-04"])})
    return sessions, users


@exercise(NB, "day_n_retention", points=3, hints=[
    "For each user, day n is their `signup_date` plus n days.",
    "Only users whose day n is on or before the last date in `sessions` can be counted: for "
    "the others the log does not know yet.",
    "Mark which (user, date) pairs had a session, e.g. with a merge or with `isin` on a "
    "combined key, then take the share among the users you can count.",
])
def _check_retention(day_n_retention):
    if not callable(day_n_retention):
        return "day_n_retention should be a function of (sessions, users, n)"
    sessions, users = _toy_retention()
    got = day_n_retention(sessions, users, 1)
    if not_a_number(got, "the result"):
        return "day_n_retention should return a number (a share between 0 and 1)"
    if np.isclose(got, 2 / 4):
        return ("users 1-4 can all be counted for n=1 except user 4 (signed up on the last "
                "day): leave out users whose day n is after the end of the log")
    if not np.isclose(got, 2 / 3):
        return ("wrong on a small log: for n=1, users 1, 2 and 3 can be counted and users 1 and "
                "3 came back the next day")
    if not np.isclose(day_n_retention(sessions, users, 0), 1.0):
        return "day 0 is the signup day: every user in this small log was active on it"
    log = generate_event_log(n_users=300, n_days=28, seed=9)
    new = log.users[log.users["signup_date"] >= log.start]
    want = engagement.retention_curve(log, "D")
    for n in (1, 7):
        if not np.isclose(day_n_retention(log.sessions, new, n), want[n]):
            return f"right on a small log, but not day-{n} retention on a synthetic log"
    return None


def _toy_impressions() -> pd.DataFrame:
    return pd.DataFrame({"session_id": [1, 1, 1, 2, 2, 3],
                         "position": [1, 2, 3, 1, 2, 1],
                         "clicked": [True, False, False, False, True, True]})


@exercise(NB, "click_through_rate", points=3, hints=[
    "Group the impressions by `position`; the CTR of a group is clicks over impressions.",
    "`clicked` is True/False, and the mean of True/False values is the share of True.",
    "The result has one value per position, indexed by position: a grouped mean has exactly "
    "that shape.",
])
def _check_ctr(click_through_rate):
    if not callable(click_through_rate):
        return "click_through_rate should be a function taking an impressions DataFrame"
    toy = click_through_rate(_toy_impressions())
    if not isinstance(toy, pd.Series):
        return f"click_through_rate should return a pandas Series, not {type(toy).__name__}"
    if sorted(toy.index) != [1, 2, 3]:
        return "the result should be indexed by position (1, 2, 3, ...), one row per position"
    toy = toy.sort_index().astype(float)
    if np.allclose(toy.to_numpy(), [2, 1, 0]):
        return "these are click counts: divide by the number of impressions at each position"
    if not np.allclose(toy.to_numpy(), [2 / 3, 1 / 2, 0]):
        return "wrong on a small table (position 1: 2 clicks in 3 impressions)"
    log = generate_event_log(n_users=150, n_days=21, seed=5)
    want = engagement.ctr_by_position(log.impressions)["ctr"]
    got = click_through_rate(log.impressions).sort_index().astype(float)
    if not np.allclose(got.reindex(want.index).to_numpy(), want.to_numpy()):
        return "right on a small table but not on a synthetic log: does it use its argument?"
    return None


written(NB, "goodhart", points=3)
