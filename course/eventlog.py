"""A synthetic platform event log: users, sessions and feed impressions, seeded and vectorized.

Real platforms do not publish their logs, so the course simulates one.  The simulation is
simple enough to read in one sitting and has the features engagement metrics are about:

* **Users** come in three segments with different habits: ``heavy`` users visit most days and
  scroll for long, ``casual`` users drop in a few times a week, ``lurkers`` rarely come and
  rarely click.  Part of the users already exist when the log starts; the rest **sign up** on
  days spread over the period.
* **Churn**: every day a user may leave for good.  The daily hazard depends on the segment and
  is several times higher in a user's first days (most new users who leave, leave early).
* **Sessions**: on a day a user is active they open the app one or more times; each session
  lasts a log-normal number of minutes (its *dwell time*).  Weekends are a little busier.
* **Impressions**: each session shows feed items at positions 1, 2, 3, ...; longer sessions
  scroll further.  The feed order is shuffled, so the items' appeal does not depend on their
  position, but people look less often at lower positions (*position bias*): a user examines
  position ``p`` with probability ``p ** -EXAMINATION_EXPONENT`` and clicks an examined item
  with probability ``appeal * click propensity``.  Clicked items have a dwell time in seconds.

Everything is drawn with one ``numpy.random.default_rng(seed)``, so the same arguments always
give the same log.  A small copy is committed in ``datasets/eventlog/`` (see
:func:`write_small_copy` and :func:`load_small_copy`; ``python -m course.eventlog`` rewrites it).

Example
-------
>>> log = generate_event_log(n_users=200, n_days=28, seed=1)
>>> sorted(log.users["segment"].unique())
['casual', 'heavy', 'lurker']
>>> list(log.impressions.columns)
['session_id', 'user_id', 'date', 'position', 'clicked', 'dwell_seconds']
>>> generate_event_log(n_users=200, n_days=28, seed=1).sessions.equals(log.sessions)
True
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

#: Segment parameters: share of users, daily probability of visiting, mean number of *extra*
#: sessions on a visiting day (Poisson), median session minutes, click propensity (multiplies
#: an item's appeal) and baseline daily churn hazard.
SEGMENTS = pd.DataFrame(
    {
        "share": [0.15, 0.45, 0.40],
        "p_visit": [0.80, 0.35, 0.12],
        "extra_sessions": [1.5, 0.4, 0.1],
        "median_minutes": [14.0, 7.0, 3.0],
        "click_propensity": [1.3, 1.0, 0.5],
        "churn_hazard": [0.004, 0.012, 0.025],
    },
    index=pd.Index(["heavy", "casual", "lurker"], name="segment"),
)
#: New users churn more: the hazard is multiplied by ``1 + NEW_USER_CHURN * exp(-age / 5 days)``.
NEW_USER_CHURN = 4.0
#: Position bias: probability of examining feed position ``p`` is ``p ** -EXAMINATION_EXPONENT``.
EXAMINATION_EXPONENT = 0.7
#: Feed items scrolled past per minute of session (Poisson mean), and the most shown per session.
ITEMS_PER_MINUTE, MAX_POSITION = 0.8, 30
#: Weekend visits are this much more likely.
WEEKEND_BOOST = 1.15

#: The arguments that made the committed copy in ``datasets/eventlog/``.
SMALL_COPY = {"n_users": 800, "n_days": 56, "seed": 2020, "start": "2020-06-01"}
SMALL_COPY_DIR = Path(__file__).resolve().parents[1] / "datasets" / "eventlog"
_TABLES = ("users", "sessions", "impressions")
_DATES = {"users": ["signup_date", "churn_date"], "sessions": ["date", "start"],
          "impressions": ["date"]}


@dataclass
class EventLog:
    """A synthetic event log: three tidy tables and the period they cover.

    * ``users``: user_id, segment, signup_date, churn_date (``NaT`` if the user had not left by
      the end of the log; real logs never show this column: churn is only *inferred* from
      silence, which is what retention metrics do).
    * ``sessions``: session_id, user_id, date, start (timestamp), minutes (session length).
    * ``impressions``: session_id, user_id, date, position (1 = top of the feed), clicked,
      dwell_seconds (time on the item after a click, 0 without a click).
    """

    users: pd.DataFrame
    sessions: pd.DataFrame
    impressions: pd.DataFrame
    start: pd.Timestamp
    n_days: int

    @property
    def dates(self) -> pd.DatetimeIndex:
        """Every day the log covers (including days on which nobody was active)."""
        return pd.date_range(self.start, periods=self.n_days, freq="D", unit="s")

    def __repr__(self) -> str:
        return (f"EventLog({self.start:%Y-%m-%d} + {self.n_days} days: {len(self.users):,} users, "
                f"{len(self.sessions):,} sessions, {len(self.impressions):,} impressions)")


def generate_event_log(n_users: int = 2000, n_days: int = 84, seed: int = 2020,
                       start: str = "2020-06-01", existing_share: float = 0.4) -> EventLog:
    """Simulate ``n_days`` of a platform with ``n_users`` users (see the module docstring).

    ``existing_share`` of the users signed up (uniformly) in the 180 days before ``start``; the
    others sign up on a uniformly random day of the log.  Takes well under a second for the
    defaults (2,000 users, 12 weeks, about 0.5 million impressions).

    >>> log = generate_event_log(n_users=50, n_days=14, seed=0)
    >>> bool(log.sessions["date"].between(log.start, log.dates[-1]).all())
    True
    """
    if int(n_users) != n_users or n_users < 1:
        raise ValueError(f"n_users must be a positive whole number, got {n_users!r}")
    if int(n_days) != n_days or n_days < 1:
        raise ValueError(f"n_days must be a positive whole number of days, got {n_days!r}")
    if not 0 <= existing_share <= 1:
        raise ValueError(f"existing_share is a share of users: between 0 and 1, got "
                         f"{existing_share!r}")
    n_users, n_days = int(n_users), int(n_days)
    rng = np.random.default_rng(seed)
    start_ts = pd.Timestamp(start).normalize()
    seg = SEGMENTS

    # -- users: segment, signup day (negative = before the log), personal habits ---------------
    segment = rng.choice(len(seg), size=n_users, p=seg["share"].to_numpy())
    existing = rng.random(n_users) < existing_share
    signup = np.where(existing, -rng.integers(1, 181, n_users), rng.integers(0, n_days, n_users))
    p_visit = np.clip(seg["p_visit"].to_numpy()[segment] * rng.lognormal(0, 0.3, n_users), 0, 1)
    minutes_scale = seg["median_minutes"].to_numpy()[segment] * rng.lognormal(0, 0.25, n_users)
    propensity = seg["click_propensity"].to_numpy()[segment]

    # -- churn: first day d > signup with cumulative hazard above an Exp(1) draw ------------------
    days = np.arange(n_days)
    age = days[None, :] - signup[:, None]  # (users, days)
    hazard = seg["churn_hazard"].to_numpy()[segment][:, None] * (
        1 + NEW_USER_CHURN * np.exp(-np.maximum(age, 0) / 5.0))
    hazard[age < 1] = 0.0  # no one leaves on the day they sign up (or before it)
    crossed = np.cumsum(hazard, axis=1) > rng.exponential(1.0, n_users)[:, None]
    churn = np.where(crossed.any(axis=1), crossed.argmax(axis=1), n_days)  # n_days: never left

    # -- active days: alive, and visiting today (always on the signup day) -----------------------
    weekend = (start_ts + pd.to_timedelta(days, unit="D")).day_of_week >= 5
    p_today = np.clip(p_visit[:, None] * np.where(weekend, WEEKEND_BOOST, 1.0)[None, :], 0, 1)
    alive = (age >= 0) & (days[None, :] < churn[:, None])
    active = alive & ((rng.random((n_users, n_days)) < p_today) | (age == 0))
    user_of, day_of = np.nonzero(active)  # row-major: sorted by user, then day

    # -- sessions: 1 + Poisson(extra) per active day, log-normal lengths -------------------------
    n_sessions = 1 + rng.poisson(seg["extra_sessions"].to_numpy()[segment[user_of]])
    s_user = np.repeat(user_of, n_sessions)
    s_day = np.repeat(day_of, n_sessions)
    seconds = rng.integers(6 * 3600, 24 * 3600, len(s_user))  # opened between 06:00 and 24:00
    order = np.lexsort((seconds, s_day, s_user))
    s_user, s_day, seconds = s_user[order], s_day[order], seconds[order]
    minutes = np.maximum(np.round(minutes_scale[s_user] * rng.lognormal(0, 0.7, len(s_user)), 2),
                         0.1)

    # -- impressions: positions 1..n per session; clicks with position bias ----------------------
    n_items = np.minimum(1 + rng.poisson(minutes * ITEMS_PER_MINUTE), MAX_POSITION)
    i_session = np.repeat(np.arange(len(s_user)), n_items)
    first = np.cumsum(n_items) - n_items
    position = np.arange(len(i_session)) - np.repeat(first, n_items) + 1
    appeal = rng.beta(1.5, 12.0, len(i_session))  # shuffled feed: independent of position
    p_click = np.minimum(appeal * propensity[s_user[i_session]], 1.0) * (
        position.astype(float) ** -EXAMINATION_EXPONENT)
    clicked = rng.random(len(i_session)) < p_click
    dwell = np.where(clicked, np.round(rng.lognormal(np.log(30.0), 0.9, len(i_session)), 1), 0.0)

    # -- tidy tables -----------------------------------------------------------------------------
    def date(day: np.ndarray) -> np.ndarray:
        return (np.datetime64(start_ts.date(), "s") + day.astype("timedelta64[D]")).astype(
            "datetime64[s]")

    users = pd.DataFrame({
        "user_id": np.arange(1, n_users + 1),
        "segment": seg.index.to_numpy()[segment].astype(str),
        "signup_date": date(signup),
        "churn_date": pd.Series(date(churn)).where(churn < n_days),
    })
    sessions = pd.DataFrame({
        "session_id": np.arange(1, len(s_user) + 1),
        "user_id": s_user + 1,
        "date": date(s_day),
        "start": date(s_day) + seconds.astype("timedelta64[s]"),
        "minutes": minutes,
    })
    impressions = pd.DataFrame({
        "session_id": i_session + 1,
        "user_id": s_user[i_session] + 1,
        "date": date(s_day[i_session]),
        "position": position,
        "clicked": clicked,
        "dwell_seconds": dwell,
    })
    return EventLog(users, sessions, impressions, pd.Timestamp(start_ts).as_unit("s"), n_days)


def write_small_copy(directory: str | Path = SMALL_COPY_DIR) -> list[Path]:
    """Generate the log with :data:`SMALL_COPY` and write it as gzipped CSVs into ``directory``.

    The gzip header carries no timestamp, so rewriting the same data gives the same bytes.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    log = generate_event_log(**SMALL_COPY)
    paths = []
    for name in _TABLES:
        path = directory / f"{name}.csv.gz"
        getattr(log, name).to_csv(path, index=False, date_format="%Y-%m-%d %H:%M:%S",
                                  compression={"method": "gzip", "mtime": 0})
        paths.append(path)
    return paths


def load_small_copy(directory: str | Path = SMALL_COPY_DIR) -> EventLog:
    """Read the committed small copy (made with :data:`SMALL_COPY`) without simulating anything.

    >>> load_small_copy()                               # doctest: +ELLIPSIS
    EventLog(2020-06-01 + 56 days: 800 users, ...)
    """
    directory = Path(directory)
    tables = {}
    for name in _TABLES:
        path = directory / f"{name}.csv.gz"
        if not path.exists():
            raise FileNotFoundError(f"{path} is missing: recreate it with "
                                    "`python -m course.eventlog` (takes a second)")
        table = pd.read_csv(path)
        for column in _DATES[name]:
            table[column] = pd.to_datetime(table[column]).astype("datetime64[s]")
        if "segment" in table:
            table["segment"] = table["segment"].astype("str")
        tables[name] = table
    return EventLog(**tables, start=pd.Timestamp(SMALL_COPY["start"]).as_unit("s"),
                    n_days=SMALL_COPY["n_days"])


def main(argv: list[str] | None = None) -> None:
    """``python -m course.eventlog [DIRECTORY]``: rewrite the committed small copy."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("directory", nargs="?", default=str(SMALL_COPY_DIR))
    args = parser.parse_args(argv)
    for path in write_small_copy(args.directory):
        print(f"wrote {path} ({path.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
