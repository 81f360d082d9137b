"""Engagement metrics: what platforms count (active users, stickiness, retention, clicks).

Headline arithmetic works on published figures (:func:`stickiness`, :func:`arpu`,
:func:`minutes_per_user`); the log metrics work on an event log from :mod:`course.eventlog` (or
any sessions table with ``user_id`` and ``date`` columns): :func:`daily_active_users`,
:func:`monthly_active_users`, :func:`dau_mau_ratio`, :func:`retention_cohorts`,
:func:`retention_curve`, :func:`session_length_stats` and :func:`ctr_by_position`.
:class:`CohortExplorer` is the retention-cohort widget of notebook 01.

Example
-------
>>> round(stickiness(1.79e9, 2.70e9), 3)             # Facebook, Q2 2020
0.663
>>> round(minutes_per_user(50e6, 1.40e9), 2)          # the 2018 cut, per daily user
2.14
>>> from course.eventlog import generate_event_log
>>> log = generate_event_log(n_users=300, n_days=35, seed=1)
>>> first_day = log.sessions[log.sessions["date"] == log.start]
>>> int(daily_active_users(log).iloc[0]) == first_day["user_id"].nunique()
True
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np
import pandas as pd

from course.eventlog import EventLog

Log = EventLog | pd.DataFrame


# -- headline arithmetic ----------------------------------------------------------------------
def _positive(name: str, value: float) -> float:
    value = float(value)
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    return value


def stickiness(dau: float, mau: float) -> float:
    """Daily over monthly active users: the share of a month's users who come on a given day.

    1.0 would mean every monthly user comes every day; 1/30 that each comes once a month.

    >>> stickiness(50, 100)
    0.5
    """
    dau, mau = _positive("dau", dau), _positive("mau", mau)
    if dau > mau:
        raise ValueError(f"dau ({dau:,.0f}) cannot exceed mau ({mau:,.0f}): everyone active on a "
                         "day is active in the month; did you swap the arguments?")
    return dau / mau


def arpu(revenue: float, users: float | Sequence[float]) -> float:
    """Average revenue per user: revenue divided by the number of users.

    Pass ``users`` as one number, or as the user counts at the start and end of the period (as
    Facebook does: revenue over the *average* of the MAUs at the start and end of the quarter).

    >>> round(arpu(18.687e9, [2.60e9, 2.70e9]), 2)    # Facebook, Q2 2020
    7.05
    """
    counts = np.atleast_1d(np.asarray(users, dtype=float))
    if counts.size == 0 or not np.all(np.isfinite(counts)) or np.any(counts <= 0):
        raise ValueError(f"users must be a positive count or a list of them, got {users!r}")
    return float(revenue) / float(counts.mean())


def minutes_per_user(hours_per_day: float, users: float) -> float:
    """Convert hours a day summed over all users into minutes a day per user.

    >>> minutes_per_user(1, 60)                       # one hour shared by 60 users
    1.0
    """
    return float(hours_per_day) * 60.0 / _positive("users", users)


# -- metrics on an event log ----------------------------------------------------------------------
def _sessions(log: Log) -> tuple[pd.DataFrame, pd.DatetimeIndex]:
    """The sessions table and every day the log covers."""
    if isinstance(log, EventLog):
        return log.sessions, log.dates
    if not isinstance(log, pd.DataFrame) or not {"user_id", "date"} <= set(log.columns):
        raise TypeError("pass an EventLog (course.eventlog.generate_event_log) or a DataFrame "
                        "of sessions with columns 'user_id' and 'date'")
    if log.empty:
        raise ValueError("the sessions table is empty: there is no activity to measure")
    dates = pd.to_datetime(log["date"]).dt.normalize()
    return log, pd.date_range(dates.min(), dates.max(), freq="D")


def _active_days(log: Log) -> tuple[np.ndarray, np.ndarray, pd.DatetimeIndex]:
    """Unique (user, day number) pairs with activity, sorted by user then day."""
    sessions, dates = _sessions(log)
    day = ((pd.to_datetime(sessions["date"]).dt.normalize() - dates[0]).dt.days).to_numpy()
    user = sessions["user_id"].to_numpy()
    pairs = np.unique(np.stack([user, day], axis=1), axis=0)
    return pairs[:, 0], pairs[:, 1], dates


def daily_active_users(log: Log) -> pd.Series:
    """DAU: the number of distinct users with at least one session, for every day of the log.

    >>> s = pd.DataFrame({"user_id": [1, 1, 2], "date": pd.to_datetime(["2020-01-01"] * 2
    ...                   + ["2020-01-03"])})
    >>> daily_active_users(s).tolist()
    [1, 0, 1]
    """
    _, day, dates = _active_days(log)
    return pd.Series(np.bincount(day, minlength=len(dates)), index=dates.rename("date"),
                     name="dau")


def monthly_active_users(log: Log, window: int = 28, complete_only: bool = True) -> pd.Series:
    """MAU: distinct users active at least once in the ``window`` days ending on each day.

    Platforms use 28 days (four whole weeks) or 30.  With ``complete_only`` the first
    ``window - 1`` days, whose windows reach back before the log began, are left out.

    >>> s = pd.DataFrame({"user_id": [1, 1, 2], "date": pd.to_datetime(["2020-01-01"] * 2
    ...                   + ["2020-01-03"])})
    >>> monthly_active_users(s, window=2, complete_only=False).tolist()
    [1, 1, 1]
    """
    if int(window) != window or window < 1:
        raise ValueError(f"window is a number of days (28 or 30 for a month), got {window!r}")
    user, day, dates = _active_days(log)
    # A user counts from an active day until `window` days later or their next active day,
    # whichever comes first: the windows of one user never double count.
    next_day = np.append(day[1:], np.iinfo(np.int64).max)
    next_day[np.append(user[1:] != user[:-1], True)] = np.iinfo(np.int64).max
    until = np.minimum(day + window, next_day)
    change = np.bincount(day, minlength=len(dates) + window + 1)
    change -= np.bincount(np.minimum(until, len(dates)), minlength=len(change))
    mau = pd.Series(np.cumsum(change)[: len(dates)], index=dates.rename("date"), name="mau")
    return mau.iloc[window - 1:] if complete_only else mau


def dau_mau_ratio(log: Log, window: int = 28) -> pd.Series:
    """Stickiness over time: DAU divided by the MAU of the window ending that day.

    >>> from course.eventlog import generate_event_log
    >>> ratio = dau_mau_ratio(generate_event_log(200, 35, seed=0))
    >>> len(ratio), bool(ratio.between(0, 1).all())
    (8, True)
    """
    mau = monthly_active_users(log, window)
    dau = daily_active_users(log).loc[mau.index]
    return (dau / mau).rename("dau_mau")


_PERIOD_NAMES = {1: "day", 7: "week"}


def _period_days(period: str | int) -> int:
    if isinstance(period, str):
        if period.upper() in {"D", "W"}:
            return {"D": 1, "W": 7}[period.upper()]
        raise ValueError(f"period {period!r}: use 'D' (days), 'W' (weeks) or a number of days "
                         "(28 or 30 for months: calendar months have unequal lengths)")
    if int(period) != period or period < 1:
        raise ValueError(f"period must be 'D', 'W' or a positive number of days, got {period!r}")
    return int(period)


def _signup_days(log: Log, dates: pd.DatetimeIndex) -> pd.Series:
    """Signup day number by user: from the users table when there is one, else first session."""
    if isinstance(log, EventLog):
        signup = log.users.set_index("user_id")["signup_date"]
        days = (signup - dates[0]).dt.days
        return days[days >= 0]  # users who joined before the log: their start is unobserved
    sessions, _ = _sessions(log)
    return (pd.to_datetime(sessions["date"]).dt.normalize() - dates[0]).dt.days.groupby(
        sessions["user_id"]).min()


def _cohort_counts(log: Log, length: int) -> tuple[np.ndarray, np.ndarray, pd.DatetimeIndex]:
    """Users active k periods after signup, by cohort (NaN where unobserved), and cohort sizes."""
    user, day, dates = _active_days(log)
    signup = _signup_days(log, dates)
    if signup.empty:
        raise ValueError("no user signed up during the log, so there is no cohort to follow")
    keep = np.isin(user, signup.index.to_numpy())
    user, day = user[keep], day[keep]
    user_signup = signup.loc[user].to_numpy()
    cohort, k = user_signup // length, (day - user_signup) // length
    n_cohorts = int(signup.max() // length) + 1
    n_periods = int((len(dates) - 1) // length) + 1
    # distinct users per (cohort, k): one user may be active on several days of a period
    cells = np.unique(np.stack([user, cohort, k], axis=1), axis=0)
    counts = np.zeros((n_cohorts, n_periods))
    np.add.at(counts, (cells[:, 1], cells[:, 2]), 1)
    size = np.bincount(signup.to_numpy() // length, minlength=n_cohorts).astype(float)
    # period k of a cohort is seen once its last member's period k has ended
    last_signup = signup.groupby(signup.to_numpy() // length).max().reindex(range(n_cohorts))
    ends = last_signup.to_numpy()[:, None] + (np.arange(n_periods)[None, :] + 1) * length - 1
    counts[~(ends <= len(dates) - 1)] = np.nan
    return counts, size, dates


def retention_cohorts(log: Log, period: str | int = "W", values: str = "share") -> pd.DataFrame:
    """Cohort retention matrix: users grouped by signup period (rows) and the share of each
    cohort active 0, 1, 2, ... periods after signing up (columns).

    Period ``k`` of a user covers days ``k * L`` to ``k * L + L - 1`` after their own signup
    (``L`` = 1 for ``"D"``, 7 for ``"W"``), so column 1 of a daily matrix is *day-1 retention*.
    Column 0 is 1.0 by construction.  Cells the log cannot see yet (a cohort's later periods that
    have not fully happened by the last day) are ``NaN``: the familiar triangle.  With an
    :class:`~course.eventlog.EventLog` cohorts come from the users' signup dates (users who
    joined before the log are left out); with a bare sessions table, from each user's first day.
    ``values="count"`` gives numbers of users instead of shares.

    >>> s = pd.DataFrame({"user_id": [1, 1, 2, 2, 3], "date": pd.to_datetime(
    ...     ["2020-01-01", "2020-01-02", "2020-01-01", "2020-01-03", "2020-01-02"])})
    >>> retention_cohorts(s, period="D").round(2).to_numpy().tolist()
    [[1.0, 0.5, 0.5], [1.0, 0.0, nan]]
    """
    if values not in {"share", "count"}:
        raise ValueError(f"values must be 'share' or 'count', got {values!r}")
    length = _period_days(period)
    counts, size, dates = _cohort_counts(log, length)
    table = counts / np.where(size > 0, size, np.nan)[:, None] if values == "share" else counts
    name = _PERIOD_NAMES.get(length, f"{length}-day period")
    index = pd.Index(dates[0] + pd.to_timedelta(np.arange(len(size)) * length, unit="D"),
                     name="cohort")
    frame = pd.DataFrame(table, index=index,
                         columns=pd.RangeIndex(table.shape[1], name=f"{name}s since signup"))
    return frame[size > 0].dropna(axis=0, how="all").dropna(axis=1, how="all")


def retention_curve(log: Log, period: str | int = "W") -> pd.Series:
    """Share of new users still active ``k`` periods after signup, pooled over every cohort
    whose period ``k`` the log has seen (each cohort weighted by its size).

    >>> s = pd.DataFrame({"user_id": [1, 1, 2, 2, 3], "date": pd.to_datetime(
    ...     ["2020-01-01", "2020-01-02", "2020-01-01", "2020-01-03", "2020-01-02"])})
    >>> retention_curve(s, "D").round(3).tolist()
    [1.0, 0.333, 0.5]
    """
    length = _period_days(period)
    counts, size, _ = _cohort_counts(log, length)
    seen = ~np.isnan(counts)
    at_risk = (size[:, None] * seen).sum(axis=0)
    pooled = np.nansum(counts, axis=0) / np.where(at_risk > 0, at_risk, 1.0)
    name = _PERIOD_NAMES.get(length, f"{length}-day period")
    curve = pd.Series(pooled, index=pd.RangeIndex(len(pooled), name=f"{name}s since signup"),
                      name="retention")
    return curve[seen.any(axis=0)]


def session_length_stats(log: Log, by: str | None = None) -> pd.DataFrame:
    """Session counts and lengths (minutes): mean, median, 90th percentile and total hours.

    ``by`` groups the sessions by one of their columns, or by ``"segment"`` for an EventLog.

    >>> s = pd.DataFrame({"user_id": [1, 2], "date": pd.to_datetime(["2020-01-01"] * 2),
    ...                   "minutes": [2.0, 4.0]})
    >>> session_length_stats(s)[["sessions", "mean", "median"]].to_numpy().tolist()
    [[2.0, 3.0, 3.0]]
    """
    sessions, _ = _sessions(log)
    if "minutes" not in sessions:
        raise ValueError("the sessions table needs a 'minutes' column with session lengths")
    if by == "segment" and isinstance(log, EventLog) and "segment" not in sessions:
        sessions = sessions.merge(log.users[["user_id", "segment"]], on="user_id")
    if by is not None and by not in sessions:
        raise ValueError(f"cannot group sessions by {by!r}: columns are {list(sessions.columns)}")
    keys = sessions[by] if by else pd.Series("all sessions", index=sessions.index, name="group")
    minutes = sessions["minutes"].groupby(keys)
    return pd.DataFrame({
        "sessions": minutes.size().astype(float),
        "mean": minutes.mean(),
        "median": minutes.median(),
        "p90": minutes.quantile(0.9),
        "total_hours": minutes.sum() / 60,
    })


def ctr_by_position(impressions: pd.DataFrame, max_position: int | None = None) -> pd.DataFrame:
    """Click-through rate at every feed position: clicks / impressions, with a standard error.

    >>> imp = pd.DataFrame({"position": [1, 1, 2, 2], "clicked": [True, False, False, False]})
    >>> ctr_by_position(imp)["ctr"].tolist()
    [0.5, 0.0]
    """
    if isinstance(impressions, EventLog):
        impressions = impressions.impressions
    if not {"position", "clicked"} <= set(impressions.columns):
        raise ValueError("impressions need columns 'position' (1 = top) and 'clicked' (True/False)")
    position = impressions["position"].to_numpy()
    if position.size == 0 or position.min() < 1:
        raise ValueError("positions start at 1 (the top of the feed); got none or smaller ones")
    clicked = impressions["clicked"].to_numpy().astype(float)
    shown = np.bincount(position)[1:]
    clicks = np.bincount(position, weights=clicked)[1:]
    table = pd.DataFrame({"impressions": shown, "clicks": clicks},
                         index=pd.RangeIndex(1, len(shown) + 1, name="position"))
    table = table[table["impressions"] > 0]
    table["ctr"] = table["clicks"] / table["impressions"]
    table["se"] = np.sqrt(table["ctr"] * (1 - table["ctr"]) / table["impressions"])
    return table.loc[: max_position] if max_position else table


# -- figures and the cohort explorer ------------------------------------------------------------
def plot_cohorts(cohorts: pd.DataFrame, ax=None, title: str = "Retention by signup cohort"):
    """Draw a cohort matrix from :func:`retention_cohorts` as an annotated heatmap."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    from course.style import SEQUENTIAL_CMAP, label

    if ax is None:
        _, ax = plt.subplots(figsize=(9, 0.35 * len(cohorts) + 2))
    shares = float(np.nanmax(cohorts.to_numpy(), initial=0)) <= 1.0
    table = cohorts.set_axis([f"{d:%d %b}" for d in cohorts.index], axis=0)
    sns.heatmap(table, ax=ax, cmap=SEQUENTIAL_CMAP, vmin=0, vmax=1 if shares else None,
                annot=table.size <= 250, fmt=".0%" if shares else ".0f",
                annot_kws={"size": 8}, cbar_kws={"label": "share active" if shares else "users"})
    ax.grid(False)
    label(ax, title, cohorts.columns.name or "periods since signup", "signup cohort (start)")
    return ax


class CohortExplorer:
    """The retention-cohort explorer: choose cohort period, user segment and what to show.

    The first view is computed when the explorer is made; under papermill or nbgrader
    (:func:`course.widgets.is_batch_run`) it is shown as a still picture and nothing waits.

    >>> from course.eventlog import generate_event_log
    >>> explorer = CohortExplorer(generate_event_log(300, 28, seed=0))
    >>> explorer.segment.value = "heavy"                 # what a learner's click does
    >>> explorer.table.shape[1] <= 4
    True
    """

    def __init__(self, log: EventLog, period: str = "W", segment: str = "all",
                 values: str = "share") -> None:
        import ipywidgets as widgets

        if not isinstance(log, EventLog):
            raise TypeError("the cohort explorer needs an EventLog (with its users table)")
        self.log = log
        segments = ["all", *sorted(log.users["segment"].unique())]
        # Radio buttons: the choice shows as a filled circle, not as a faint shade of grey.
        self.period = widgets.RadioButtons(options=[("weekly", "W"), ("daily", "D")],
                                           value=period, description="cohorts")
        self.segment = widgets.Dropdown(options=segments, value=segment, description="segment")
        self.values = widgets.RadioButtons(
            options=[("share retained", "share"), ("users retained", "count")], value=values,
            description="show")
        from course.widgets import BusySign, Worker

        self.summary = widgets.HTML()
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        # Recomputing takes seconds for a big log: a background thread does it, latest
        # choice first, with a busy sign (course.widgets).
        self.busy = BusySign(dims=[self.image])
        worker = Worker(self.update, self.busy, "recomputing the cohorts")
        self.widget = widgets.VBox([widgets.HBox([self.period, self.segment]), self.values,
                                    self.summary, self.busy.widget, self.image])
        self.table: pd.DataFrame | None = None
        self.png: bytes = b""
        self.update()
        for control in (self.period, self.segment, self.values):
            control.observe(worker.submit, names="value")

    def _log(self) -> EventLog:
        if self.segment.value == "all":
            return self.log
        users = self.log.users[self.log.users["segment"] == self.segment.value]
        keep = self.log.sessions["user_id"].isin(users["user_id"])
        return EventLog(users, self.log.sessions[keep], self.log.impressions.iloc[:0],
                        self.log.start, self.log.n_days)

    def update(self, *_) -> None:
        """Recompute the matrix and redraw (called whenever a control changes)."""
        from matplotlib.figure import Figure

        log = self._log()
        daily = self.period.value == "D"
        self.table = retention_cohorts(log, self.period.value, self.values.value)
        if daily:  # keep a daily view readable: four weeks of cohorts, two weeks after signup
            self.table = self.table.iloc[:28, :15]
        curve = retention_curve(log, self.period.value)
        unit = "day" if daily else "week"
        later = 7 if daily else 4
        new_users = int(((log.users["signup_date"] >= log.start)).sum())
        self.summary.value = (
            f"<b>{self.segment.value}</b>: {new_users:,} users signed up; {unit}-1 retention "
            f"{curve.get(1, np.nan):.0%}, {unit}-{later} retention {curve.get(later, np.nan):.0%}")
        fig = Figure(figsize=(9, 0.3 * len(self.table) + 2.2))   # not pyplot: thread-safe
        ax = fig.subplots()
        plot_cohorts(self.table, ax=ax, title=f"{'Daily' if daily else 'Weekly'} retention "
                     f"cohorts ({self.segment.value} users)")
        fig.tight_layout()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=80)
        self.png = buffer.getvalue()
        self.image.value = self.png

    def _ipython_display_(self) -> None:
        from IPython.display import HTML, Image, display

        from course.widgets import is_batch_run, show

        if is_batch_run():  # a still picture for papermill, nbgrader and static exports
            display(HTML(self.summary.value))
            display(Image(self.png))
        else:
            show(self.widget)


def cohort_explorer(log: EventLog, **knobs) -> CohortExplorer:
    """Make the retention-cohort explorer (display it by leaving it last in a cell)."""
    return CohortExplorer(log, **knobs)
