"""The figures and claims of the debate over "The Social Dilemma", with their sources.

The course checks arithmetic against these constants instead of retyping numbers in every
notebook.  Every figure is as published (rounded as in the source); :data:`SOURCES` says where each
one comes from and :func:`figures_table` lists them all.  :data:`CLAIMS` turns the two sides of the
debate into statements the course tests, each with the notebook that tests it.

Example
-------
>>> from course import facts
>>> round(facts.DAU_Q2_2020 / facts.MAU_Q2_2020, 3)     # stickiness, Q2 2020
0.663
>>> facts.claims_table()["side"].value_counts().to_dict()
{'platform': 5, 'film': 5}
"""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd

_Q2_2020 = ("Facebook Reports Second Quarter 2020 Results (press release and earnings slides), "
            "30 July 2020, investor.fb.com")
_Q1_2020 = "Facebook Reports First Quarter 2020 Results (press release), 29 April 2020"
_Q4_2017 = ("Facebook Reports Fourth Quarter and Full Year 2017 Results (press release), "
            "31 January 2018, investor.fb.com")
_CALL_Q4_2017 = ("Mark Zuckerberg, Facebook Q4 2017 earnings call, 31 January 2018; repeated in "
                 "Facebook's 'What The Social Dilemma Gets Wrong' (October 2020)")
_RESPONSE = "Facebook, 'What The Social Dilemma Gets Wrong' (about.fb.com, October 2020)"

# -- Facebook, Q2 2020 (the quarter before the film's release in September 2020) ----------------
#: Daily active users, average over June 2020 (Facebook the app, worldwide).
DAU_Q2_2020: float = 1.79e9
#: Monthly active users as of 30 June 2020.
MAU_Q2_2020: float = 2.70e9
#: Monthly active users as of 31 March 2020 (start of the quarter; Facebook's ARPU divides revenue
#: by the average of the MAUs at the start and at the end of the quarter).
MAU_Q1_2020: float = 2.60e9
#: Revenue for the quarter (April to June 2020), US dollars ($18,687 million).
REVENUE_Q2_2020: float = 18.687e9
#: Average revenue per user for the quarter, worldwide, US dollars.
ARPU_Q2_2020: float = 7.05
#: Days in the quarter April to June 2020.
DAYS_Q2_2020: int = 91

# -- Facebook, Q4 2017 (when the 2018 "meaningful social interactions" feed change was announced) --
#: Daily active users, average over December 2017.
DAU_Q4_2017: float = 1.40e9
#: Monthly active users as of 31 December 2017.
MAU_Q4_2017: float = 2.13e9
#: Hours a day of time spent on Facebook removed by the feed changes of Q4 2017 (fewer viral
#: videos), reported on 31 January 2018 with the move to "meaningful social interactions".
HOURS_CUT_PER_DAY_2018: float = 50e6
#: The same cut as a share of total time spent ("roughly 5%").
TIME_CUT_SHARE_2018: float = 0.05

# -- Integrity figures Facebook cited in its response to the film ---------------------------------
#: Fact-checking partners ("more than 70"; the figure is a lower bound).
FACT_CHECKING_PARTNERS: int = 70
#: Pieces of hate-speech content removed in Q2 2020.
HATE_SPEECH_REMOVED_Q2_2020: float = 22e6

#: Where every figure above comes from, by constant name.
SOURCES: dict[str, str] = {
    "DAU_Q2_2020": _Q2_2020,
    "MAU_Q2_2020": _Q2_2020,
    "MAU_Q1_2020": _Q1_2020,
    "REVENUE_Q2_2020": _Q2_2020,
    "ARPU_Q2_2020": _Q2_2020,
    "DAYS_Q2_2020": "calendar: 30 + 31 + 30 days",
    "DAU_Q4_2017": _Q4_2017,
    "MAU_Q4_2017": _Q4_2017,
    "HOURS_CUT_PER_DAY_2018": _CALL_Q4_2017,
    "TIME_CUT_SHARE_2018": _CALL_Q4_2017,
    "FACT_CHECKING_PARTNERS": _RESPONSE,
    "HATE_SPEECH_REMOVED_Q2_2020": _RESPONSE + "; Community Standards Enforcement Report, Aug 2020",
}

_DESCRIPTIONS: dict[str, tuple[str, str]] = {
    "DAU_Q2_2020": ("daily active users, June 2020 average", "users"),
    "MAU_Q2_2020": ("monthly active users, 30 June 2020", "users"),
    "MAU_Q1_2020": ("monthly active users, 31 March 2020", "users"),
    "REVENUE_Q2_2020": ("revenue, April-June 2020", "US$"),
    "ARPU_Q2_2020": ("average revenue per user, April-June 2020", "US$ per user"),
    "DAYS_Q2_2020": ("days in April-June 2020", "days"),
    "DAU_Q4_2017": ("daily active users, December 2017 average", "users"),
    "MAU_Q4_2017": ("monthly active users, 31 December 2017", "users"),
    "HOURS_CUT_PER_DAY_2018": ("time spent removed by the feed changes (reported Jan 2018)",
                               "hours per day"),
    "TIME_CUT_SHARE_2018": ("the same cut as a share of all time spent", "share"),
    "FACT_CHECKING_PARTNERS": ("fact-checking partners (more than)", "organisations"),
    "HATE_SPEECH_REMOVED_Q2_2020": ("hate-speech posts removed, April-June 2020", "posts"),
}


def figures_table() -> pd.DataFrame:
    """All the figures above as a table: name, description, value, unit and source.

    >>> figures_table().loc["DAU_Q2_2020", "value"]
    np.float64(1790000000.0)
    """
    rows = [{"name": name, "description": desc, "value": float(globals()[name]), "unit": unit,
             "source": SOURCES[name]} for name, (desc, unit) in _DESCRIPTIONS.items()]
    return pd.DataFrame(rows).set_index("name")


class Claim(NamedTuple):
    """One claim of the debate and how the course puts it to the test."""

    claim: str
    side: str  # "platform" (Facebook's response) or "film" (The Social Dilemma)
    test: str  # the measurement or experiment that could show the claim wrong
    notebook: str  # the assignment id where the course runs that test


#: Both sides of the debate as testable claims (the platform's from Facebook's October 2020
#: response, the film's from The Social Dilemma, Netflix, September 2020).
CLAIMS: tuple[Claim, ...] = (
    Claim("Ranking algorithms keep the feed relevant and useful.", "platform",
          "Compare recommenders with random and popularity baselines on held-out ratings "
          "(precision@k, NDCG@k).", "02-recommendation-basics"),
    Claim("Learning from everyone's behaviour finds what each person wants.", "platform",
          "Collaborative filtering vs baselines on MovieLens; do better predictions give better "
          "rankings?", "03-collaborative-filtering"),
    Claim("The platform gave up engagement for well-being: the 2018 feed change cut time spent "
          "by 50 million hours a day.", "platform",
          "Convert the cut into minutes per user per day; trace the engagement-satisfaction "
          "trade-off in a simulation.", "01-engagement-metrics"),
    Claim("Polarisation predates social media; the feed is not what drives it.", "platform",
          "In a feedback-loop simulation, compare polarisation under random and chronological "
          "feeds with engagement-trained recommenders.", "05-filter-bubbles"),
    Claim("Fact-checking (more than 70 partners) limits the reach of false news.", "platform",
          "Simulate cascades with limited fact-checking capacity and delay; measure the reach "
          "of false items.", "07-misinformation"),
    Claim("The business model sells attention: engagement metrics are what gets optimised.",
          "film", "Revenue arithmetic (ARPU, stickiness) and what a metric rewards when it "
          "becomes a target (Goodhart's law).", "01-engagement-metrics"),
    Claim("Optimising for clicks is not optimising for what people value.", "film",
          "Rank by predicted clicks vs satisfaction in a user model with clickbait; measure "
          "both.", "04-optimizing-for-engagement"),
    Claim("Algorithms learn what you agree with and feed you more of it (filter bubbles).",
          "film", "Retrain recommenders on the behaviour they caused; track diversity, "
          "homogenisation and polarisation.", "05-filter-bubbles"),
    Claim("Feeds should mix perspectives, and can do so at little cost.", "film",
          "Diversity re-ranking, calibration and perspective quotas: what they cost in accuracy "
          "and what they change in polarisation.", "06-breaking-the-bubble"),
    Claim("Engagement ranking spreads false news further and faster than true news.", "film",
          "Cascades on a synthetic social graph: reach of false vs true items under engagement "
          "ranking, with and without fact-checking.", "07-misinformation"),
)


def claims_table(side: str | None = None) -> pd.DataFrame:
    """The claims of the debate as a table (columns claim, side, test, notebook).

    ``side`` keeps only ``"platform"`` or ``"film"`` claims.

    >>> len(claims_table("film"))
    5
    """
    table = pd.DataFrame(CLAIMS, columns=list(Claim._fields))
    if side is None:
        return table
    if side not in {"platform", "film"}:
        raise ValueError(f"side must be 'platform' or 'film' (or None for both), not {side!r}")
    return table[table["side"] == side].reset_index(drop=True)
