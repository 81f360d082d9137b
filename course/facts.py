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
_CALL_Q4_2017 = ("Mark Zuckerberg, Facebook Q4 2017 earnings call, 31 January 2018 (changes "
                 "made in Q4 2017, fewer viral videos); Facebook's 'What The Social Dilemma Gets "
                 "Wrong' (October 2020) repeats the figure but dates the change to 2018")
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

# -- Facebook, Q4 2017 (the quarter before the January 2018 "meaningful social interactions" change)
#: Daily active users, average over December 2017.
DAU_Q4_2017: float = 1.40e9
#: Monthly active users as of 31 December 2017.
MAU_Q4_2017: float = 2.13e9
#: Hours a day of time spent on Facebook removed by feed changes made *in Q4 2017* (showing fewer
#: viral videos), as reported on the Q4 2017 earnings call of 31 January 2018. The "meaningful
#: social interactions" ranking change was announced on 11 January 2018, after these changes, so
#: the 50 million hours are not its effect; Facebook's reply to the film credits the cut to a
#: change "in 2018", mixing the two up.
HOURS_CUT_PER_DAY_Q4_2017: float = 50e6
#: The same cut as a share of total time spent ("roughly 5%").
TIME_CUT_SHARE_Q4_2017: float = 0.05
#: Older names of the two constants above (kept so existing code keeps working; the cut was made
#: in Q4 2017 and reported in January 2018).
HOURS_CUT_PER_DAY_2018: float = HOURS_CUT_PER_DAY_Q4_2017
TIME_CUT_SHARE_2018: float = TIME_CUT_SHARE_Q4_2017

# -- Integrity figures Facebook cited in its response to the film ---------------------------------
#: Fact-checking partners ("more than 70"; the figure is a lower bound).
FACT_CHECKING_PARTNERS: int = 70
#: Pieces of hate-speech content *actioned* on Facebook in Q2 2020 (22.5 million). "Actioned"
#: counts removals and other actions (such as covering content with a warning); it is not
#: "22 million removed".
HATE_SPEECH_ACTIONED_Q2_2020: float = 22.5e6
#: Facebook's stated effect of a "False" rating by its fact-checking partners: the post is shown
#: lower in News Feed, which on average cuts its *future views* by about 80%. This is an average
#: outcome over a post's remaining life, not a per-view or per-share visibility factor.
FALSE_RATING_VIEW_CUT: float = 0.80

# -- Vosoughi, Roy & Aral (2018): false news on Twitter ------------------------------------------
#: How much more likely false stories were to be retweeted than true ones ("70% more likely"):
#: a retweet probability ratio of 1.7, from ~126,000 rumour cascades on Twitter, 2006-2017.
FALSE_NEWS_RETWEET_ADVANTAGE: float = 0.70
#: Rumour cascades studied.
FALSE_NEWS_CASCADES: float = 126_000

_VOSOUGHI = ("S. Vosoughi, D. Roy, S. Aral (2018), 'The spread of true and false news online', "
             "Science 359(6380):1146-1151, doi:10.1126/science.aap9559; 126,000 from the abstract, "
             "'70% more likely to be retweeted' from the main text")
_CSER = ("Facebook, Community Standards Enforcement Report, August 2020 (about.fb.com, 11 August "
         "2020): hate speech on Facebook, April-June 2020, content actioned")
_FACT_CHECK = ("Facebook on its third-party fact-checking programme (2018, repeated in its "
               "integrity updates): a False rating shows the post lower in News Feed and reduces "
               "its future views by about 80% on average")

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
    "HOURS_CUT_PER_DAY_Q4_2017": _CALL_Q4_2017,
    "TIME_CUT_SHARE_Q4_2017": _CALL_Q4_2017,
    "FACT_CHECKING_PARTNERS": _RESPONSE,
    "HATE_SPEECH_ACTIONED_Q2_2020": _CSER,
    "FALSE_RATING_VIEW_CUT": _FACT_CHECK,
    "FALSE_NEWS_RETWEET_ADVANTAGE": _VOSOUGHI,
    "FALSE_NEWS_CASCADES": _VOSOUGHI,
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
    "HOURS_CUT_PER_DAY_Q4_2017": ("time spent removed by feed changes made in Q4 2017 (fewer "
                                  "viral videos; reported 31 Jan 2018)", "hours per day"),
    "TIME_CUT_SHARE_Q4_2017": ("the same cut as a share of all time spent", "share"),
    "FACT_CHECKING_PARTNERS": ("fact-checking partners (more than)", "organisations"),
    "HATE_SPEECH_ACTIONED_Q2_2020": ("hate-speech content actioned (not only removed), "
                                     "April-June 2020", "pieces of content"),
    "FALSE_RATING_VIEW_CUT": ("average cut in a post's future views after a False rating",
                              "share"),
    "FALSE_NEWS_RETWEET_ADVANTAGE": ("how much more likely false stories were to be retweeted "
                                     "than true ones (Twitter, 2006-2017)", "share"),
    "FALSE_NEWS_CASCADES": ("rumour cascades in that study", "cascades"),
}


def figures_table() -> pd.DataFrame:
    """All the figures above as a table: name, description, value, unit and source.

    >>> figures_table().loc["DAU_Q2_2020", "value"]
    np.float64(1790000000.0)
    """
    rows = [{"name": name, "description": desc, "value": float(globals()[name]), "unit": unit,
             "source": SOURCES[name]} for name, (desc, unit) in _DESCRIPTIONS.items()]
    return pd.DataFrame(rows).set_index("name")


# ------------------------------------------------------------------------------------------------
# Field evidence: the studies that tested the debate's claims at scale (notebook 09)
# ------------------------------------------------------------------------------------------------
class Finding(NamedTuple):
    """One published result of a field study.

    ``direction`` is the sign of the effect (+1 up, -1 down, 0 no detectable effect) of the
    study's treatment (or, for observational studies, of the step named in ``outcome``) on the
    outcome; ``value`` the published figure when the source gives one (``None`` otherwise), in
    ``unit``; ``uncertainty`` how sure the study is; ``where`` where in the source it is stated.
    """

    outcome: str
    direction: int
    value: float | None
    unit: str
    uncertainty: str
    where: str


class Study(NamedTuple):
    """A field study: question, design (who, randomised to what, how long, what was measured)."""

    key: str
    citation: str
    question: str
    design: str
    population: str
    duration: str
    randomised: bool
    measured: str
    findings: tuple[Finding, ...]


_SCIENCE_2023 = "Science 381(6656), 28 July 2023"

#: The field studies notebook 09 sets beside the course's simulation. Figures are as published
#: (the ``where`` of each finding says where); directions without a figure are stated in words
#: in the source (usually its abstract).
FIELD_STUDIES: tuple[Study, ...] = (
    Study(
        key="bakshy2015",
        citation=("E. Bakshy, S. Messing, L. A. Adamic (2015), 'Exposure to ideologically diverse "
                  "news and opinion on Facebook', Science 348(6239):1130-1132, "
                  "doi:10.1126/science.aaa1160"),
        question=("How much cross-cutting hard news do friends share, how much does the ranked "
                  "News Feed show, and how much do people click: algorithm versus choice?"),
        design=("Observational (no randomisation): de-identified logs of what friends shared, what "
                "the ranked News Feed showed and what people clicked; stories classified as hard "
                "news and given an ideological alignment from their sharers."),
        population="10.1 million US Facebook users who report a political affiliation",
        duration="6 months (7 July 2014 - 7 January 2015)",
        randomised=False,
        measured=("share of cross-cutting hard news among what friends shared (potential), what "
                  "the News Feed showed (exposed) and what was clicked (selected)"),
        findings=(
            Finding("cross-cutting share of hard news shared by friends (potential)", 0, 0.295,
                    "share", "descriptive; 10.1 million users, sampling error negligible",
                    "Facebook Newsroom, 'News Feed FYI: Exposure to Diverse Information on "
                    "Facebook', 7 May 2015 (the authors' summary of the paper)"),
            Finding("cross-cutting share of hard news seen in News Feed (exposed)", 0, 0.289,
                    "share", "descriptive", "same summary"),
            Finding("cross-cutting share of hard news clicked (selected)", 0, 0.249, "share",
                    "descriptive", "same summary"),
            Finding("who limits cross-cutting exposure more: ranking (-) or choice", -1, None,
                    "", "individual choice has the stronger effect",
                    "abstract: 'Compared with algorithmic ranking, individuals' choices played a "
                    "stronger role in limiting exposure to cross-cutting content'"),
        ),
    ),
    Study(
        key="huszar2022",
        citation=("F. Huszár, S. I. Ktena, C. O'Brien, L. Belli, A. Schlaikjer, M. Hardt (2022), "
                  "'Algorithmic amplification of politics on Twitter', PNAS 119(1):e2025334119, "
                  "doi:10.1073/pnas.2025334119"),
        question=("Does the ranked home timeline amplify some political groups more than others, "
                  "compared with a reverse-chronological timeline?"),
        design=("Randomised: since 2016 a control group of accounts kept a reverse-chronological "
                "timeline; amplification = reach of a group's tweets among ranked-timeline users "
                "relative to reach among control users, per user of each group."),
        population=("a randomised control group of nearly 2 million daily active accounts against "
                    "ranked-timeline accounts; tweets of elected legislators in 7 countries and "
                    "6.2 million US news articles"),
        duration="control group held since 2016; analysis of 2020 data",
        randomised=True,
        measured="amplification ratio of tweets by party and by news source",
        findings=(
            Finding("amplification of the mainstream right over the mainstream left", 1, 6 / 7,
                    "share of countries", "6 of 7 countries (Germany the exception)",
                    "abstract: 'In six out of seven countries studied, the mainstream political "
                    "right enjoys higher algorithmic amplification than the mainstream political "
                    "left'"),
            Finding("amplification of right-leaning over left-leaning US news sources", 1, None,
                    "", "stated as a finding", "abstract"),
            Finding("amplification of far-left and far-right over moderate groups", 0, None, "",
                    "no evidence found for more amplification of the extremes",
                    "abstract: 'we did not find evidence to support this hypothesis'"),
        ),
    ),
    Study(
        key="guess2023_chronological",
        citation=("A. M. Guess, N. Malhotra, J. Pan, P. Barberá et al. (2023), 'How do social "
                  "media feed algorithms affect attitudes and behavior in an election campaign?', "
                  f"{_SCIENCE_2023}:398-404, doi:10.1126/science.abp9364"),
        question=("What changes when the ranked feed is replaced by a reverse-chronological one?"),
        design=("Randomised: consenting US users of Facebook and of Instagram assigned to a "
                "reverse-chronological feed instead of the default ranked feed; platform logs "
                "and surveys."),
        population="consenting adult US users of Facebook and Instagram (2020 US election study)",
        duration="3 months of the 2020 US election campaign (late September to December 2020)",
        randomised=True,
        measured=("time spent and activity, political and untrustworthy content seen, uncivil "
                  "content, content from moderate and like-minded sources; issue and affective "
                  "polarization, political knowledge"),
        findings=(
            Finding("time spent on the platform", -1, None, "", "'substantially decreased'",
                    "abstract"),
            Finding("political content seen", 1, None, "", "increased on both platforms",
                    "abstract"),
            Finding("content from untrustworthy sources seen", 1, None, "",
                    "increased on both platforms", "abstract"),
            Finding("uncivil content or slurs seen", -1, None, "", "decreased on Facebook",
                    "abstract"),
            Finding("content from moderate friends and ideologically mixed sources", 1, None, "",
                    "increased on Facebook", "abstract"),
            Finding("issue and affective polarization", 0, None, "",
                    "did not significantly alter levels over the 3 months", "abstract"),
        ),
    ),
    Study(
        key="guess2023_reshares",
        citation=("A. M. Guess, N. Malhotra, J. Pan, P. Barberá et al. (2023), 'Reshares on "
                  "social media amplify political news but do not detectably affect beliefs or "
                  f"opinions', {_SCIENCE_2023}:404-408, doi:10.1126/science.add8424"),
        question="What do reshares add to what people see, know and believe?",
        design=("Randomised: consenting US Facebook users assigned to feeds that contained no "
                "reshared content; platform logs and surveys."),
        population="a random set of consenting US Facebook users (2020 US election study)",
        duration="3 months of the 2020 US election campaign",
        randomised=True,
        measured=("political news and untrustworthy content seen, clicks and reactions, partisan "
                  "news clicks, news knowledge, polarization and political attitudes"),
        findings=(
            Finding("political news seen", -1, None, "", "'substantially decreases'", "abstract"),
            Finding("content from untrustworthy sources seen", -1, None, "", "decreases",
                    "abstract"),
            Finding("clicks and reactions", -1, None, "", "decreases", "abstract"),
            Finding("news knowledge", -1, None, "",
                    "clear decrease in the sample, uncertain for all users", "abstract"),
            Finding("polarization and political attitudes", 0, None, "",
                    "no significant effect on any measure", "abstract"),
        ),
    ),
    Study(
        key="nyhan2023",
        citation=("B. Nyhan, J. Settle, E. Thorson, M. Wojcieszak, P. Barberá et al. (2023), "
                  "'Like-minded sources on Facebook are prevalent but not polarizing', Nature "
                  "620(7972):137-144, doi:10.1038/s41586-023-06297-w"),
        question=("How common is content from like-minded sources, and does seeing less of it "
                  "reduce polarization?"),
        design=("Randomised: for consenting Facebook users the feed showed content from "
                "like-minded sources (friends, Pages and groups) less often, reducing it by about "
                "a third; platform logs and surveys."),
        population="23,377 consenting adult US Facebook users",
        duration="24 September - 23 December 2020",
        randomised=True,
        measured=("exposure to like-minded and cross-cutting sources, uncivil language, "
                  "engagement; eight preregistered attitudes (affective polarization, ideological "
                  "extremity, candidate evaluations, belief in false claims...)"),
        findings=(
            Finding("exposure to content from like-minded sources", -1, 1 / 3, "relative cut",
                    "'by about one-third' (the intervention itself)", "abstract"),
            Finding("exposure to content from cross-cutting sources", 1, None, "", "increased",
                    "abstract"),
            Finding("exposure to uncivil language", -1, None, "", "decreased", "abstract"),
            Finding("affective polarization, ideological extremity and six other attitudes", 0,
                    None, "", "no measurable effects; 'precisely estimated'", "abstract"),
        ),
    ),
    Study(
        key="gonzalez_bailon2023",
        citation=("S. González-Bailón, D. Lazer, P. Barberá et al. (2023), 'Asymmetric "
                  "ideological segregation in exposure to political news on Facebook', "
                  f"{_SCIENCE_2023}:392-398, doi:10.1126/science.ade7138"),
        question=("How segregated is political news on Facebook, and does segregation grow from "
                  "what users could see, to what they saw, to what they engaged with?"),
        design=("Observational (aggregated platform data): ideological segregation of the "
                "audiences of political news at three stages: potential (the inventory), "
                "exposed (after ranking) and engaged."),
        population="aggregated data for 208 million US Facebook users",
        duration="the 2020 US election period",
        randomised=False,
        measured="segregation (isolation) of audiences at the three stages; misinformation",
        findings=(
            Finding("ideological segregation from potential to exposed to engaged audiences", 1,
                    None, "", "high, and increases at each stage", "abstract"),
            Finding("asymmetry: a corner of news consumed only by conservatives", 1, None, "",
                    "stated as a finding; most fact-checked misinformation lies there",
                    "abstract"),
        ),
    ),
    Study(
        key="allcott2020",
        citation=("H. Allcott, L. Braghieri, S. Eichmeyer, M. Gentzkow (2020), 'The welfare "
                  "effects of social media', American Economic Review 110(3):629-676, "
                  "doi:10.1257/aer.20190658"),
        question="What happens to people who stop using Facebook for a month?",
        design=("Randomised: users willing to deactivate for a payment were randomly assigned to "
                "deactivate their Facebook account (verified) or keep it; surveys and "
                "measurement."),
        population="2,743 US Facebook users recruited through Facebook ads (willingness to "
                   "accept measured for all; a subset randomised)",
        duration="4 weeks before the 2018 US midterm election",
        randomised=True,
        measured=("time use online and offline, news knowledge, political polarization, "
                  "subjective well-being, later Facebook use and valuations"),
        findings=(
            Finding("online activity", -1, None, "", "reduced", "abstract"),
            Finding("factual news knowledge", -1, None, "", "reduced", "abstract"),
            Finding("political polarization", -1, None, "", "reduced", "abstract"),
            Finding("subjective well-being", 1, None, "", "increased", "abstract"),
            Finding("Facebook use after the experiment", -1, None, "",
                    "large persistent reduction", "abstract"),
        ),
    ),
)


def field_study(key: str) -> Study:
    """The study with this ``key`` (see :data:`FIELD_STUDIES`).

    >>> field_study("nyhan2023").population
    '23,377 consenting adult US Facebook users'
    """
    for study in FIELD_STUDIES:
        if study.key == key:
            return study
    keys = ", ".join(s.key for s in FIELD_STUDIES)
    raise KeyError(f"no field study {key!r}; the studies are: {keys}")


def field_studies_table() -> pd.DataFrame:
    """One row per study: citation, question, design, population, duration, randomised.

    >>> int(field_studies_table()["randomised"].sum())
    5
    """
    rows = [{k: v for k, v in s._asdict().items() if k != "findings"} for s in FIELD_STUDIES]
    return pd.DataFrame(rows).set_index("key")


def field_findings_table() -> pd.DataFrame:
    """One row per published finding (study, outcome, direction, value, unit, uncertainty,
    where), the figures notebook 09 compares with its simulation.

    >>> field_findings_table().loc[lambda t: t["study"] == "bakshy2015", "value"].dropna().tolist()
    [0.295, 0.289, 0.249]
    """
    rows = [{"study": s.key, **f._asdict()} for s in FIELD_STUDIES for f in s.findings]
    return pd.DataFrame(rows)


class Claim(NamedTuple):
    """One claim of the debate and how the course puts it to the test."""

    claim: str
    side: str  # "platform" (Facebook's response) or "film" (The Social Dilemma)
    test: str  # the measurement or experiment that could show the claim wrong
    notebook: str  # the assignment id where the course runs that test
    field: str = ""  # the field experiments notebook 09 sets beside it ("" if none)


_NB09 = "09-what-the-experiments-found"

#: Both sides of the debate as testable claims (the platform's from Facebook's October 2020
#: response, the film's from The Social Dilemma, Netflix, September 2020).
CLAIMS: tuple[Claim, ...] = (
    Claim("Ranking algorithms keep the feed relevant and useful.", "platform",
          "Compare recommenders with random and popularity baselines on held-out ratings "
          "(precision@k, NDCG@k).", "02-recommendation-basics",
          f"{_NB09}: a chronological feed cut time spent (Guess et al. 2023)"),
    Claim("Learning from everyone's behaviour finds what each person wants.", "platform",
          "Collaborative filtering vs baselines on MovieLens; do better predictions give better "
          "rankings?", "03-collaborative-filtering"),
    Claim("The platform gave up engagement for well-being: a feed change cut time spent by 50 "
          "million hours a day (the reply says 2018; the cut came from changes made in Q4 "
          "2017).", "platform",
          "Convert the cut into minutes per user per day; trace the engagement-satisfaction "
          "trade-off in a simulation.", "01-engagement-metrics"),
    Claim("Polarisation predates social media; the feed is not what drives it.", "platform",
          "A historical claim no simulation can test: the field tested what the feed adds now. "
          "Did a chronological feed, fewer like-minded sources, no reshares or a month off "
          "Facebook change polarisation?", _NB09,
          f"{_NB09}: Guess et al. 2023 (two studies), Nyhan et al. 2023, Allcott et al. 2020"),
    Claim("Fact-checking (more than 70 partners) limits the reach of false news.", "platform",
          "Simulate cascades with limited fact-checking capacity and delay; measure the reach "
          "of false items.", "07-misinformation"),
    Claim("The business model sells attention: engagement metrics are what gets optimised.",
          "film", "Revenue arithmetic (ARPU, stickiness) and what a metric rewards when it "
          "becomes a target (Goodhart's law).", "01-engagement-metrics"),
    Claim("Optimising for clicks is not optimising for what people value.", "film",
          "Rank by predicted clicks vs satisfaction in a user model with clickbait; measure "
          "both.", "04-optimizing-for-engagement",
          f"{_NB09}: a month without Facebook raised well-being (Allcott et al. 2020)"),
    Claim("Algorithms learn what you agree with and feed you more of it (filter bubbles).",
          "film", "Retrain recommenders on the behaviour they caused; track diversity, "
          "homogenisation and polarisation.", "05-filter-bubbles",
          f"{_NB09}: algorithm versus choice (Bakshy et al. 2015; González-Bailón et al. 2023)"),
    Claim("Feeds should mix perspectives, and can do so at little cost.", "film",
          "Diversity re-ranking, calibration and perspective quotas: what they cost in accuracy "
          "and what they change in polarisation.", "06-breaking-the-bubble",
          f"{_NB09}: a third fewer like-minded sources (Nyhan et al. 2023)"),
    Claim("Engagement ranking spreads false news further and faster than true news.", "film",
          "Cascades on a synthetic social graph: reach of false vs true items under engagement "
          "ranking, with and without fact-checking.", "07-misinformation",
          f"{_NB09}: chronological feed and no-reshares experiments (Guess et al. 2023); "
          "amplification against a chronological holdout (Huszár et al. 2022)"),
)


def claims_table(side: str | None = None) -> pd.DataFrame:
    """The claims of the debate as a table (columns claim, side, test, notebook, field).

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
