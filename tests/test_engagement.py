"""Engagement metrics on hand-computed cases, and against brute force on a synthetic log."""

import doctest

import numpy as np
import pandas as pd
import pytest

from course import engagement as e
from course import facts
from course.eventlog import EventLog, generate_event_log

NAN = float("nan")


@pytest.fixture
def toy():
    """Three users over six days (2020-01-01 = day 0):
    user 1 on days 0, 1, 5; user 2 twice on day 0 and on day 3; user 3 on day 2."""
    day = [0, 1, 5, 0, 0, 3, 2]
    return pd.DataFrame({
        "user_id": [1, 1, 1, 2, 2, 2, 3],
        "date": pd.Timestamp("2020-01-01") + pd.to_timedelta(day, unit="D"),
        "minutes": [1.0, 2.0, 3.0, 10.0, 4.0, 4.0, 4.0],
    })


@pytest.fixture(scope="module")
def log():
    return generate_event_log(n_users=1500, n_days=63, seed=11)


def test_headline_arithmetic_on_facebook_figures():
    assert e.stickiness(facts.DAU_Q2_2020, facts.MAU_Q2_2020) == pytest.approx(0.66296, abs=1e-5)
    assert e.arpu(facts.REVENUE_Q2_2020, [facts.MAU_Q1_2020, facts.MAU_Q2_2020]) == \
        pytest.approx(facts.ARPU_Q2_2020, abs=0.005)
    assert e.arpu(100.0, 40) == 2.5
    assert e.minutes_per_user(facts.HOURS_CUT_PER_DAY_2018, facts.DAU_Q4_2017) == \
        pytest.approx(50e6 * 60 / 1.40e9)
    assert e.minutes_per_user(2, 4) == 30.0


def test_headline_arithmetic_rejects_nonsense_with_a_hint():
    with pytest.raises(ValueError, match="swap"):
        e.stickiness(2.70e9, 1.79e9)
    with pytest.raises(ValueError, match="positive"):
        e.stickiness(0, 10)
    with pytest.raises(ValueError, match="positive count"):
        e.arpu(10.0, [])
    with pytest.raises(ValueError, match="users must be a positive"):
        e.minutes_per_user(5, 0)


def test_dau_and_mau_by_hand(toy):
    assert e.daily_active_users(toy).tolist() == [2, 1, 1, 1, 0, 1]
    assert e.monthly_active_users(toy, window=3, complete_only=False).tolist() == \
        [2, 2, 3, 3, 2, 2]
    mau = e.monthly_active_users(toy, window=3)
    assert mau.tolist() == [3, 3, 2, 2]
    assert mau.index[0] == pd.Timestamp("2020-01-03")
    assert e.dau_mau_ratio(toy, window=3).tolist() == pytest.approx([1 / 3, 1 / 3, 0, 1 / 2])


def test_mau_agrees_with_brute_force(log):
    mau = e.monthly_active_users(log, window=28)
    s = log.sessions
    for day in mau.index[::7]:
        window = s[(s["date"] > day - pd.Timedelta(days=28)) & (s["date"] <= day)]
        assert mau[day] == window["user_id"].nunique()
    dau = e.daily_active_users(log)
    assert (dau == s.groupby("date")["user_id"].nunique().reindex(dau.index, fill_value=0)).all()
    assert e.dau_mau_ratio(log).between(0, 1).all()


def test_daily_retention_cohorts_by_hand(toy):
    table = e.retention_cohorts(toy, period="D")
    assert list(table.index) == [pd.Timestamp("2020-01-01"), pd.Timestamp("2020-01-03")]
    np.testing.assert_allclose(table.to_numpy(), [[1, .5, 0, .5, 0, .5], [1, 0, 0, 0, NAN, NAN]])
    counts = e.retention_cohorts(toy, period="D", values="count")
    np.testing.assert_array_equal(counts.iloc[0], [2, 1, 0, 1, 0, 1])
    np.testing.assert_allclose(e.retention_curve(toy, "D"), [1, 1 / 3, 0, 1 / 3, 0, 1 / 2])


def test_two_day_cohorts_by_hand(toy):
    # cohort of days 0-1: users 1 and 2; cohort of days 2-3: user 3 (its period 2 is unseen)
    table = e.retention_cohorts(toy, period=2)
    np.testing.assert_allclose(table.to_numpy(), [[1, .5, .5], [1, 0, NAN]])
    assert table.columns.name == "2-day periods since signup"


def test_cohorts_use_signup_dates_and_skip_users_who_joined_before_the_log(toy):
    users = pd.DataFrame({"user_id": [1, 2, 3], "segment": ["heavy", "casual", "lurker"],
                          "signup_date": pd.to_datetime(["2019-12-01", "2020-01-01",
                                                         "2020-01-02"]),
                          "churn_date": pd.NaT})
    log = EventLog(users, toy, toy.iloc[:0], pd.Timestamp("2020-01-01"), 6)
    table = e.retention_cohorts(log, period="D", values="count")
    # user 1 is left out; user 3 signed up on day 1 but first came on day 2
    np.testing.assert_allclose(table.to_numpy(), [[1, 0, 0, 1, 0, 0], [0, 1, 0, 0, 0, NAN]])


def test_weekly_retention_falls_and_is_higher_for_heavy_users(log):
    curve = e.retention_curve(log, "W")
    assert curve[0] == 1.0
    assert curve[1] > curve[4] > curve[7]
    heavy = log.users[log.users["segment"] == "heavy"]
    lurk = log.users[log.users["segment"] == "lurker"]

    def week1(users):
        part = EventLog(users, log.sessions[log.sessions["user_id"].isin(users["user_id"])],
                        log.impressions.iloc[:0], log.start, log.n_days)
        return e.retention_curve(part, "W")[1]

    assert week1(heavy) > 0.8 > 0.3 > week1(lurk)


def test_bad_periods_and_inputs_get_clear_errors(toy):
    with pytest.raises(ValueError, match="calendar months"):
        e.retention_cohorts(toy, period="M")
    with pytest.raises(ValueError, match="share' or 'count"):
        e.retention_cohorts(toy, values="percent")
    with pytest.raises(TypeError, match="EventLog"):
        e.daily_active_users([1, 2, 3])
    with pytest.raises(ValueError, match="28 or 30"):
        e.monthly_active_users(toy, window=0)


def test_session_length_stats_by_hand(toy):
    stats = e.session_length_stats(toy)
    row = stats.iloc[0]
    assert row["sessions"] == 7
    assert row["mean"] == pytest.approx(28 / 7)
    assert row["median"] == 4.0
    assert row["p90"] == pytest.approx(np.quantile(toy["minutes"], 0.9))
    assert row["total_hours"] == pytest.approx(28 / 60)
    by_user = e.session_length_stats(toy, by="user_id")
    assert by_user.loc[1, "mean"] == 2.0 and by_user.loc[2, "median"] == 4.0
    with pytest.raises(ValueError, match="cannot group"):
        e.session_length_stats(toy, by="segment")


def test_session_length_by_segment_on_a_log(log):
    stats = e.session_length_stats(log, by="segment")
    assert stats["median"]["heavy"] > stats["median"]["casual"] > stats["median"]["lurker"]
    assert stats["sessions"].sum() == len(log.sessions)


def test_ctr_by_position_by_hand():
    imp = pd.DataFrame({"position": [1, 1, 1, 1, 2, 2, 3, 5],
                        "clicked": [True, True, False, False, True, False, False, True]})
    table = e.ctr_by_position(imp)
    assert table.index.tolist() == [1, 2, 3, 5]  # no impressions at position 4: no row
    assert table["ctr"].tolist() == [0.5, 0.5, 0.0, 1.0]
    assert table.loc[1, "se"] == pytest.approx(0.25)
    assert e.ctr_by_position(imp, max_position=2).index.tolist() == [1, 2]
    with pytest.raises(ValueError, match="start at 1"):
        e.ctr_by_position(pd.DataFrame({"position": [0], "clicked": [True]}))


def test_cohort_explorer_updates_when_a_knob_changes(log, monkeypatch):
    monkeypatch.setenv("COURSE_BATCH_RUN", "1")
    explorer = e.cohort_explorer(log)
    weekly = explorer.table.copy()
    pd.testing.assert_frame_equal(weekly, e.retention_cohorts(log, "W"))
    assert explorer.png.startswith(b"\x89PNG")
    explorer.period.value = "D"
    assert explorer.table.shape == (28, 15) and "day-1 retention" in explorer.summary.value
    explorer.period.value = "W"
    explorer.segment.value = "heavy"
    assert (explorer.table.iloc[:, 1] > weekly.iloc[:, 1]).mean() > 0.8
    explorer.values.value = "count"
    shown = log.users["signup_date"].between(log.start, explorer.table.index[-1] + pd.Timedelta(
        days=6))
    assert explorer.table.iloc[:, 0].sum() == ((log.users["segment"] == "heavy") & shown).sum()
    with pytest.raises(TypeError, match="EventLog"):
        e.cohort_explorer(log.sessions)


def test_docstring_examples():
    assert doctest.testmod(e).failed == 0


# -- the self-checks of notebooks 00 and 01 (course/exercises/nb00.py, nb01.py) -------------------
def _status(notebook, name, value):
    from course import checks

    target = checks._load(notebook)[name].target
    return checks.status(name, {target: value}, notebook)


def test_notebook_01_checks_accept_right_answers_and_explain_common_mistakes():
    nb = "01-engagement-metrics"
    assert _status(nb, "stickiness", 1.79 / 2.70)[0] == "right"
    state, message = _status(nb, "stickiness", 2.70 / 1.79)
    assert state == "wrong" and "daily figure goes on top" in message
    assert _status(nb, "arpu_q2_2020", facts.REVENUE_Q2_2020 / 2.65e9)[0] == "right"
    assert "average" in _status(nb, "arpu_q2_2020", facts.REVENUE_Q2_2020 / 2.70e9)[1]
    assert _status(nb, "minutes_per_user", e.minutes_per_user)[0] == "right"
    assert "minutes" in _status(nb, "minutes_per_user", lambda h, u: h / u)[1]
    assert _status(nb, "click_through_rate",
                   lambda imp: e.ctr_by_position(imp)["ctr"])[0] == "right"
    counts = _status(nb, "click_through_rate",
                     lambda imp: imp.groupby("position")["clicked"].sum())
    assert counts[0] == "wrong" and "click counts" in counts[1]

    def retention(sessions, users, n):  # the reference answer, written differently
        day_n = users.set_index("user_id")["signup_date"] + pd.Timedelta(days=n)
        day_n = day_n[day_n <= sessions["date"].max()]
        came = pd.MultiIndex.from_frame(sessions[["user_id", "date"]])
        return float(pd.MultiIndex.from_arrays([day_n.index, day_n.to_numpy()]).isin(came).mean())

    assert _status(nb, "day_n_retention", retention)[0] == "right"

    def no_censoring(sessions, users, n):
        day_n = users.set_index("user_id")["signup_date"] + pd.Timedelta(days=n)
        came = pd.MultiIndex.from_frame(sessions[["user_id", "date"]])
        return float(pd.MultiIndex.from_arrays([day_n.index, day_n.to_numpy()]).isin(came).mean())

    assert "after the end of the log" in _status(nb, "day_n_retention", no_censoring)[1]


def test_notebook_00_checks_accept_right_answers_and_explain_common_mistakes():
    from course import data

    nb = "00-start-here"
    sessions = pd.DataFrame({"user_id": [1, 1], "date": pd.to_datetime(["2020-01-01"] * 2)})
    assert _status(nb, "active_days", lambda s: s.groupby("user_id")["date"].nunique())[0] == \
        "right"
    assert "count days, not sessions" in _status(
        nb, "active_days", lambda s: s.groupby("user_id").size())[1]
    assert sessions.groupby("user_id").size().iloc[0] == 2  # the mistake the check describes
    if not data.is_fetched():
        pytest.skip("MovieLens is not fetched (course-fetch-data)")
    assert _status(nb, "n_users", 943)[0] == "right"
    assert "number of ratings" in _status(nb, "n_users", 100_000)[1]
    right = _status(nb, "rating_shares", lambda r: r["rating"].value_counts(normalize=True)
                    .reindex(range(1, 6), fill_value=0))
    assert right[0] == "right"
    counts = _status(nb, "rating_shares",
                     lambda r: r["rating"].value_counts().reindex(range(1, 6), fill_value=0))
    assert counts[0] == "wrong" and "counts" in counts[1]
