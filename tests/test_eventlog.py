"""The synthetic event log: reproducible, internally consistent, and it follows its own model."""

import doctest
import gzip
import hashlib

import numpy as np
import pandas as pd
import pytest

from course import eventlog
from course.eventlog import SEGMENTS, generate_event_log

# SHA-256 of the uncompressed CSV files of the committed copy (also in datasets/README.md).
CSV_SHA256 = {
    "users.csv.gz": "2b3a25b78c4dd99cf465c277af14caddfa8c777c2be3090da0539234c3840fd7",
    "sessions.csv.gz": "285f6671d9ec963c0ebb83b6e589fff2cc349ae9567007e47e423be6c4e1b3c0",
    "impressions.csv.gz": "68bdc0ac12ce17aa30802fbbe504267f031b076bfba611aeb9010ed8c784be85",
}


@pytest.fixture(scope="module")
def log():
    return generate_event_log(n_users=3000, n_days=56, seed=7)


def test_same_seed_same_log_other_seed_other_log():
    a, b = generate_event_log(300, 21, seed=3), generate_event_log(300, 21, seed=3)
    for name in ("users", "sessions", "impressions"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
    c = generate_event_log(300, 21, seed=4)
    assert not a.sessions["minutes"].equals(c.sessions["minutes"])


def test_committed_small_copy_is_reproduced_exactly(tmp_path):
    committed = eventlog.load_small_copy()
    fresh = generate_event_log(**eventlog.SMALL_COPY)
    for name in ("users", "sessions", "impressions"):
        pd.testing.assert_frame_equal(getattr(committed, name), getattr(fresh, name))
    assert (committed.start, committed.n_days) == (fresh.start, fresh.n_days)
    # ... and rewriting it gives the same CSV text (compared uncompressed: gzip's bytes may
    # differ between zlib builds), matching the checksums in datasets/README.md.
    for path in eventlog.write_small_copy(tmp_path):
        text = gzip.decompress(path.read_bytes())
        assert text == gzip.decompress((eventlog.SMALL_COPY_DIR / path.name).read_bytes())
        assert hashlib.sha256(text).hexdigest() == CSV_SHA256[path.name]


def test_missing_small_copy_says_how_to_make_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="python -m course.eventlog"):
        eventlog.load_small_copy(tmp_path)


def test_sessions_fall_between_signup_and_churn(log):
    s = log.sessions.merge(log.users, on="user_id")
    assert (s["date"] >= s["signup_date"]).all()
    assert ((s["date"] < s["churn_date"]) | s["churn_date"].isna()).all()
    assert s["date"].between(log.dates[0], log.dates[-1]).all()
    # every user who signs up during the log is active on the signup day
    new = log.users[log.users["signup_date"] >= log.start]
    first = log.sessions.groupby("user_id")["date"].min()
    assert (first.loc[new["user_id"]].to_numpy() == new["signup_date"].to_numpy()).all()
    assert log.sessions["session_id"].is_unique
    assert (log.sessions["start"].dt.normalize() == log.sessions["date"]).all()


def test_impressions_are_contiguous_positions_and_dwell_follows_clicks(log):
    imp = log.impressions
    per_session = imp.groupby("session_id")["position"].agg(["min", "max", "size"])
    assert (per_session["min"] == 1).all()
    assert (per_session["max"] == per_session["size"]).all()
    assert per_session["max"].max() <= eventlog.MAX_POSITION
    assert ((imp["dwell_seconds"] > 0) == imp["clicked"]).all()
    assert set(imp["session_id"]) <= set(log.sessions["session_id"])


def test_segments_have_their_shares_and_habits(log):
    shares = log.users["segment"].value_counts(normalize=True)
    for segment, share in SEGMENTS["share"].items():
        assert shares[segment] == pytest.approx(share, abs=0.03)
    s = log.sessions.merge(log.users[["user_id", "segment"]], on="user_id")
    median = s.groupby("segment")["minutes"].median()
    assert median["heavy"] > median["casual"] > median["lurker"]
    assert median["casual"] == pytest.approx(SEGMENTS.loc["casual", "median_minutes"], rel=0.15)


def test_click_rate_decays_with_position_as_modelled(log):
    ctr = log.impressions.groupby("position")["clicked"].mean()
    # shuffled feed: CTR(p) / CTR(1) = p ** -EXAMINATION_EXPONENT (plus sampling noise)
    for p in (2, 4, 8):
        assert ctr[p] / ctr[1] == pytest.approx(p ** -eventlog.EXAMINATION_EXPONENT, rel=0.1)


def test_new_users_survive_their_first_week_as_the_hazard_says(log):
    users = log.users[(log.users["signup_date"] >= log.start)
                      & (log.users["signup_date"] <= log.dates[-8])]
    age = np.arange(1, 8)
    for segment, base in SEGMENTS["churn_hazard"].items():
        group = users[users["segment"] == segment]
        lasted = ((group["churn_date"] - group["signup_date"]).dt.days > 7) | \
            group["churn_date"].isna()
        expected = np.exp(-(base * (1 + eventlog.NEW_USER_CHURN * np.exp(-age / 5))).sum())
        assert lasted.mean() == pytest.approx(expected, abs=0.05), segment


def test_bad_arguments_get_clear_messages():
    with pytest.raises(ValueError, match="n_users must be a positive"):
        generate_event_log(n_users=0)
    with pytest.raises(ValueError, match="n_days"):
        generate_event_log(n_days=2.5)
    with pytest.raises(ValueError, match="between 0 and 1"):
        generate_event_log(existing_share=40)


def test_docstring_examples():
    assert doctest.testmod(eventlog).failed == 0
