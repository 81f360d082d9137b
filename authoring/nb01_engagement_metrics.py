"""Build ``01-engagement-metrics``: what platforms measure and reward."""

from nbbuild import Notebook

ASSIGNMENT = "01-engagement-metrics"
QUICK_PARAMETERS = {"N_USERS": 400, "N_DAYS": 56}

# Published figures: exact arithmetic.
_HEADLINE = {
    "stickiness_q2_2020": (1.79 / 2.70, 1e-9),
    "stickiness_q4_2017": (1.40 / 2.13, 1e-9),
    "arpu_q2_2020": (18.687 / 2.65, 1e-9),
    "revenue_per_dau_per_day": (18.687e9 / 91 / 1.79e9, 1e-9),
    "minutes_cut_per_dau": (50e6 * 60 / 1.40e9, 1e-9),
    "minutes_per_dau_2017": (50e6 / 0.05 * 60 / 1.40e9, 1e-9),
}
# Synthetic log (seeded, so reproducible); tolerances allow for floating-point summation order.
EXPECTED = {
    **_HEADLINE,
    "mean_dau_mau": (0.2699, 1e-3),
    "day1_retention": (0.3205, 1e-3),
    "week1_retention": (0.6043, 1e-3),
    "heavy_user_share": (0.1325, 1e-3),
    "heavy_time_share": (0.7560, 1e-3),
    "ctr_position_1": (0.1210, 1e-3),
    "examination_exponent": (0.666, 5e-3),
    "ctr_all_positions": (0.0443, 1e-3),
    "ctr_top_3": (0.0875, 1e-3),
}
EXPECTED_FULL = {
    **_HEADLINE,
    "mean_dau_mau": (0.3025, 1e-3),
    "day1_retention": (0.3073, 1e-3),
    "week1_retention": (0.5637, 1e-3),
    "heavy_user_share": (0.1540, 1e-3),
    "heavy_time_share": (0.7789, 1e-3),
    "ctr_position_1": (0.1282, 1e-3),
    "examination_exponent": (0.657, 5e-3),
    "ctr_all_positions": (0.0447, 1e-3),
    "ctr_top_3": (0.0904, 1e-3),
}
WRONG_ANSWER = ("click_through_rate", """
def click_through_rate(impressions):
    return impressions.groupby("position")["clicked"].sum()
""")


def build() -> Notebook:
    nb = Notebook(ASSIGNMENT, "Engagement metrics: what platforms measure and reward")
    nb.md("""
    # Engagement metrics: what platforms measure and reward

    A recommendation algorithm is trained to make some number go up. Before asking whether
    feeds are "relevant and useful" (the platform's words) or "built to hook you" (the film's),
    it helps to know which numbers platforms actually report, how they are computed and what
    they reward. This notebook works through the headline figures Facebook published around the
    time of *The Social Dilemma*, then computes the same metrics on a synthetic platform's event
    log, where we can see everything the platform sees, and a little more.

    **Learning objectives.** After this notebook you can
    1. compute DAU, MAU, stickiness (DAU/MAU) and ARPU, and do revenue arithmetic with them;
    2. turn "50 million hours a day" into minutes per user, and judge what it means;
    3. compute DAU/MAU over time, N-day retention and retention cohorts (and read a cohort
       heatmap), session-length statistics and click-through rate by feed position;
    4. explain position bias, and why clicks are a biased signal of what people like;
    5. explain Goodhart's law and propose a guardrail metric for a target metric.

    **Estimated time:** 90 minutes.
    **Prerequisites:** notebook 00 (running cells, checking answers, pandas basics).
    """)
    nb.md("""
    The next cell holds the notebook's parameters: the size of the synthetic platform and the
    random seed. Leave them as they are for grading; feel free to change them afterwards.
    """)
    nb.parameters("""
    SEED = 2020      # the same seed gives the same synthetic platform
    N_USERS = 2000   # users of the synthetic platform (the quick test run uses fewer)
    N_DAYS = 84      # days of activity in the log (12 weeks)
    """)
    nb.code("""
    import time

    import matplotlib.pyplot as plt
    import numpy as np
    import pandas as pd

    from course import checks, engagement, eventlog, facts
    from course.checks import hint
    from course.record import record
    from course.style import PALETTE, label, use_course_style

    use_course_style()
    checks.start("01-engagement-metrics")
    """)

    # -- 1. DAU, MAU, stickiness ------------------------------------------------------------
    nb.md("""
    ## 1. Counting users: DAU, MAU and stickiness

    Facebook's quarterly reports lead with two numbers:

    * **DAU**, daily active users: people who were logged in and used Facebook on a given day,
      reported as the *average* over the last month of the quarter;
    * **MAU**, monthly active users: people who used it at least once in the last 30 days,
      counted on the last day of the quarter.

    Everyone active on a given day is active that month, so DAU ≤ MAU. Their ratio,
    **stickiness**, is the share of a month's users who show up on an average day. It says how
    much of a habit the product is. Here are the figures (from `course.facts`, with sources):
    """)
    nb.code("""
    facts.figures_table().loc[["DAU_Q2_2020", "MAU_Q2_2020", "DAU_Q4_2017", "MAU_Q4_2017"],
                              ["description", "value", "source"]]
    """)
    nb.md("""
    ### Exercise 1 (1 point): stickiness in Q2 2020

    Set `stickiness` to Facebook's DAU/MAU ratio for Q2 2020, as a share between 0 and 1. Use
    the constants `facts.DAU_Q2_2020` and `facts.MAU_Q2_2020` rather than typing numbers.
    Write the code yourself: an answer that just calls `course.engagement.stickiness` scores zero.
    """)
    nb.answer("stickiness", """
    ### BEGIN SOLUTION
    stickiness = facts.DAU_Q2_2020 / facts.MAU_Q2_2020
    ### END SOLUTION
    """)
    nb.tests("stickiness", points=1, visible="""
    checks.check("stickiness", strict=True)
    assert 0 < stickiness < 1
    """, hidden="""
    assert abs(stickiness - 1.79 / 2.70) < 1e-9
    """)
    nb.md("""
    A handy reading: DAU/MAU × 30 is roughly the number of days a month the average monthly
    user is active. Two thirds means about 20 days out of 30, far above most apps (a DAU/MAU of
    20% is often called good). Stickiness barely moved between the end of 2017 and mid-2020,
    while both counts grew by about a quarter:
    """)
    nb.code("""
    headline = pd.DataFrame({
        "DAU (billions)": [facts.DAU_Q4_2017 / 1e9, facts.DAU_Q2_2020 / 1e9],
        "MAU (billions)": [facts.MAU_Q4_2017 / 1e9, facts.MAU_Q2_2020 / 1e9],
        "stickiness": [engagement.stickiness(facts.DAU_Q4_2017, facts.MAU_Q4_2017),
                       engagement.stickiness(facts.DAU_Q2_2020, facts.MAU_Q2_2020)],
    }, index=["Q4 2017", "Q2 2020"])
    record("stickiness_q4_2017", headline.loc["Q4 2017", "stickiness"])
    record("stickiness_q2_2020", headline.loc["Q2 2020", "stickiness"])
    headline.round(3)
    """)

    # -- 2. ARPU ------------------------------------------------------------------------------
    nb.md("""
    ## 2. Money: average revenue per user

    Almost all of Facebook's revenue comes from advertising, and ads are shown in the feed:
    more time in the feed means more ad impressions. The link between attention and money is
    summarised by **ARPU**, average revenue per user. Facebook computes it as the quarter's
    revenue divided by the *average* of the MAUs at the start and at the end of the quarter
    (Q2 2020 started with `facts.MAU_Q1_2020` monthly users and ended with
    `facts.MAU_Q2_2020`).

    ### Exercise 2 (2 points): ARPU for Q2 2020

    Set `arpu_q2_2020` to the average revenue per user in Q2 2020, in dollars, computed the way
    Facebook does from `facts.REVENUE_Q2_2020`, `facts.MAU_Q1_2020` and `facts.MAU_Q2_2020`.
    Your result should be close to the $7.05 Facebook reported.
    Compute it yourself: an answer that just calls `course.engagement.arpu` or copies
    `course.facts.ARPU_Q2_2020` scores zero.
    """)
    nb.answer("arpu_q2_2020", """
    ### BEGIN SOLUTION
    average_mau = (facts.MAU_Q1_2020 + facts.MAU_Q2_2020) / 2
    arpu_q2_2020 = facts.REVENUE_Q2_2020 / average_mau
    ### END SOLUTION
    """)
    nb.tests("arpu_q2_2020", points=2, visible="""
    checks.check("arpu_q2_2020", strict=True)
    assert round(arpu_q2_2020, 2) == facts.ARPU_Q2_2020
    """, hidden="""
    assert abs(arpu_q2_2020 - 18.687e9 / ((2.60e9 + 2.70e9) / 2)) < 1e-9
    """)
    nb.md("""
    Seven dollars a quarter sounds small. Put per day and per *daily* user, which is closer to
    how attention is sold, it looks like this (computed with the course's `engagement.arpu`):
    """)
    nb.code("""
    arpu = engagement.arpu(facts.REVENUE_Q2_2020, [facts.MAU_Q1_2020, facts.MAU_Q2_2020])
    per_dau_day = facts.REVENUE_Q2_2020 / facts.DAYS_Q2_2020 / facts.DAU_Q2_2020
    print(f"ARPU, Q2 2020:                        ${arpu:.2f} for the quarter")
    print(f"revenue per daily user per day:        ${per_dau_day:.3f}")
    print(f"revenue per day, all users:            "
          f"${facts.REVENUE_Q2_2020 / facts.DAYS_Q2_2020 / 1e6:,.0f} million")
    record("arpu_q2_2020", arpu)
    record("revenue_per_dau_per_day", per_dau_day)
    """)
    nb.md("""
    (Why not multiply by four, "about $28 a year"? Because quarters differ: advertising is
    seasonal, with the holiday quarter bringing the most, and users come and go.
    A yearly ARPU divides the year's revenue by the year's average users, a figure Facebook
    reports separately; multiplying one quarter by four is a guess, not a fact.)

    About 11 cents per daily user per day, or roughly $205 million a day in total. Every
    percentage point of daily attention is worth a lot of money, which is the film's point
    ("if you're not paying for the product, you are the product"). It is also why the
    platform's next figure is interesting: a change that *reduced* attention.
    """)

    # -- 3. The 2018 cut ------------------------------------------------------------------------
    nb.md("""
    ## 3. Time given up: 50 million hours a day

    In the last quarter of 2017 Facebook changed its feed to show fewer viral videos. On the
    Q4 2017 earnings call (31 January 2018) Mark Zuckerberg said these changes had reduced
    time spent on Facebook "by roughly 50 million hours every day", about 5% of the total.
    Three weeks earlier, on 11 January 2018, the company had announced a different, bigger
    re-ranking: more weight on "meaningful social interactions" (posts from friends and family
    that start conversations) than on videos and news from Pages. Facebook's reply to the film
    cites the 50 million hours as evidence that it does not simply maximise attention, and
    dates the change to 2018: it credits the cut to the wrong change. (Notebook 04 comes back
    to this: before quoting a number, ask which intervention it measures.)

    Fifty million hours is hard to picture. Per user it is much easier.

    ### Exercise 3 (2 points): hours a day into minutes per user

    Write a function `minutes_per_user(hours_per_day, users)` that converts a total number of
    hours per day (summed over all users) into minutes per user per day.
    Write the code yourself: an answer that just calls `course.engagement.minutes_per_user` scores
    zero.
    """)
    nb.answer("minutes_per_user", """
    def minutes_per_user(hours_per_day, users):
        \"\"\"Minutes per user per day, from hours per day summed over `users` users.\"\"\"
        ### BEGIN SOLUTION
        return hours_per_day * 60 / users
        ### END SOLUTION
    """)
    nb.tests("minutes_per_user", points=2, visible="""
    checks.check("minutes_per_user", strict=True)
    assert minutes_per_user(1, 60) == 1
    """, hidden="""
    assert abs(minutes_per_user(50e6, 1.40e9) - 50e6 * 60 / 1.40e9) < 1e-12
    assert abs(minutes_per_user(3, 2) - 90) < 1e-12
    assert abs(minutes_per_user(0.5, 4) - 7.5) < 1e-12
    """)
    nb.md("""
    Applied to the cut, with the 1.40 billion daily users of December 2017 (the course's own
    `engagement.minutes_per_user`, so this runs whatever your answer):
    """)
    nb.code("""
    cut = engagement.minutes_per_user(facts.HOURS_CUT_PER_DAY_Q4_2017, facts.DAU_Q4_2017)
    total_hours = facts.HOURS_CUT_PER_DAY_Q4_2017 / facts.TIME_CUT_SHARE_Q4_2017
    before = engagement.minutes_per_user(total_hours, facts.DAU_Q4_2017)
    print(f"the cut:           {cut:.2f} minutes per daily user per day")
    print(f"time spent before: about {before:.0f} minutes per daily user per day "
          f"({total_hours / 1e9:.1f} billion hours a day in all)")
    print(f"daily users grew from {facts.DAU_Q4_2017 / 1e9:.2f} to {facts.DAU_Q2_2020 / 1e9:.2f} "
          f"billion by mid-2020")
    record("minutes_cut_per_dau", cut)
    record("minutes_per_dau_2017", before)
    """)
    nb.code("""
    fig, ax = plt.subplots(figsize=(8, 2.6))
    ax.barh(["before the change", "after the change"], [before, before - cut],
            color=[PALETTE[0], PALETTE[1]])
    for y, minutes in enumerate([before, before - cut]):
        ax.text(minutes + 0.5, y, f"{minutes:.1f} min", va="center")
    ax.set_xlim(0, before * 1.15)
    label(ax, "Facebook, late 2017: time per daily user per day", "minutes per day",
          "News Feed")
    plt.show()
    """)
    nb.written("cut_2018", points=3, prompt="""
    Facebook presents the 50-million-hour cut as evidence that it puts well-being ahead of
    engagement.
    Using the numbers above (minutes per daily user, share of time, the growth of daily users
    afterwards), how strong is this evidence? Name at least one thing you would need to know to
    decide. (4-6 sentences.)
    """, model_answer="""
    The cut is real but small: about 2.1 minutes of roughly 43 minutes per daily user per day
    (5%), while daily users kept growing (1.40 to 1.79 billion by mid-2020) and stickiness stayed
    near two thirds, so the business's core engagement was not harmed. It shows the company was
    willing to trade *some* time spent, not that engagement stopped being the objective: the new
    target, "meaningful social interactions", is itself an engagement metric (comments, shares,
    reactions). To decide, I would need the counterfactual (what time spent and revenue would
    have done without the change), whether the cut persisted beyond a few quarters, and direct
    measures of well-being or satisfaction before and after, not just time.
    """, rubric="""
    - 1 pt: correct scale: about 2 minutes per daily user per day, about 5% of time spent.
    - 1 pt: puts it in context (continued DAU growth and stable stickiness, or that the new
      ranking target is still an engagement measure).
    - 1 pt: names evidence needed to decide (a counterfactual, persistence over time, direct
      measures of well-being or satisfaction, what content replaced the removed time).
    """)

    # -- 4. The synthetic platform ---------------------------------------------------------------
    nb.md("""
    ## 4. Inside a platform: a synthetic event log

    Published figures are aggregates; platforms compute them from event logs that outsiders
    never see. `course.eventlog` simulates such a log for a small platform (you met a copy in
    notebook 00): users in three segments (heavy, casual, lurker), sign-ups spread over the
    period, churn that is highest in a user's first days, sessions of log-normal length, and
    feed impressions whose clicks depend on the position in the feed. The parameters at the top
    of the notebook set its size; the seed makes it reproducible.
    """)
    nb.code("""
    if N_DAYS < 42:
        raise ValueError(f"N_DAYS = {N_DAYS}: use at least 42 days (six weeks); the MAU and "
                         "retention sections need several whole 28-day windows and weeks")
    start = time.perf_counter()
    log = eventlog.generate_event_log(n_users=N_USERS, n_days=N_DAYS, seed=SEED)
    print(f"simulated in {time.perf_counter() - start:.2f} s")
    log
    """)
    nb.code("""
    log.sessions.head()
    """)

    # -- 5. DAU/MAU over time ---------------------------------------------------------------------
    nb.md("""
    ## 5. DAU, MAU and stickiness over time

    `engagement.daily_active_users` counts distinct users per day;
    `engagement.monthly_active_users` counts distinct users in the 28 days ending on each day
    (four whole weeks, so every window holds the same number of weekends). The first 27 days
    have no complete window and are left out.
    """)
    nb.code("""
    dau = engagement.daily_active_users(log)
    mau = engagement.monthly_active_users(log, window=28)
    ratio = engagement.dau_mau_ratio(log, window=28)

    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 6), sharex=True)
    top.plot(dau.index, dau.to_numpy(), color=PALETTE[0], label="DAU")
    top.plot(mau.index, mau.to_numpy(), color=PALETTE[1], label="MAU (28 days)")
    top.legend()
    label(top, "Active users on the synthetic platform", "", "users")
    bottom.plot(ratio.index, ratio.to_numpy(), color=PALETTE[2])
    bottom.axhline(engagement.stickiness(facts.DAU_Q2_2020, facts.MAU_Q2_2020), color="grey",
                   linestyle="--", label="Facebook, Q2 2020")
    bottom.set_ylim(0, 0.8)
    bottom.legend()
    label(bottom, "Stickiness (DAU/MAU) over time", "date", "DAU / MAU")
    fig.autofmt_xdate()
    plt.show()
    record("mean_dau_mau", ratio.mean())
    """)
    nb.md("""
    Three things to notice.

    * DAU has a weekly rhythm (weekend visits are a little more likely here), which is why
      platforms report averages over a month, and why MAU windows of whole weeks are smoother.
    * Our platform's stickiness is well below Facebook's two thirds: most of its accounts are
      casual users and lurkers. The number describes a *mix* of very different people.
    * MAU counts someone who came once as fully as someone who came every day. A platform can
      grow MAU while its users' habits weaken; that is why stickiness is reported too.
    """)

    # -- 6. Retention -----------------------------------------------------------------------------
    nb.md("""
    ## 6. Retention: who comes back?

    Active-user counts mix newcomers with old-timers. **Retention** follows people from the day
    they sign up. *Day-N retention* is the share of new users who are active exactly N days after
    signing up; it can only be computed for users who signed up at least N days before the log
    ends (for the others the log does not know yet).

    ### Exercise 4 (3 points): day-N retention

    Write `day_n_retention(sessions, users, n)` where `sessions` has columns `user_id` and `date`
    and `users` has columns `user_id` and `signup_date` (all of them users who signed up during
    the log). Return the share of the users whose day `n` (their `signup_date` plus `n` days) is
    on or before the last date in `sessions` and who had a session on exactly that day.
    Write the code yourself: an answer that just calls `course.engagement.retention_curve` scores
    zero.
    """)
    nb.answer("day_n_retention", """
    def day_n_retention(sessions, users, n):
        \"\"\"Share of `users` active exactly `n` days after signing up (among those the log
        has seen that far).\"\"\"
        ### BEGIN SOLUTION
        day_n = users["signup_date"] + pd.Timedelta(days=n)
        seen = users.loc[day_n <= sessions["date"].max(), "user_id"]
        target = pd.DataFrame({"user_id": seen, "date": day_n[seen.index]})
        came = target.merge(sessions[["user_id", "date"]].drop_duplicates(), how="left",
                            on=["user_id", "date"], indicator=True)
        return float((came["_merge"] == "both").mean())
        ### END SOLUTION
    """)
    nb.tests("day_n_retention", points=3, visible="""
    checks.check("day_n_retention", strict=True)
    """, hidden="""
    toy_users = pd.DataFrame({"user_id": [5, 6, 7],
                              "signup_date": pd.to_datetime(["2021-03-01", "2021-03-01",
                                                             "2021-03-03"])})
    toy_sessions = pd.DataFrame({"user_id": [5, 5, 5, 6, 7, 7],
                                 "date": pd.to_datetime(["2021-03-01", "2021-03-03",
                                                         "2021-03-03", "2021-03-01",
                                                         "2021-03-03", "2021-03-05"])})
    assert abs(day_n_retention(toy_sessions, toy_users, 2) - 2 / 3) < 1e-12
    assert abs(day_n_retention(toy_sessions, toy_users, 1) - 0 / 3) < 1e-12
    assert abs(day_n_retention(toy_sessions, toy_users, 4) - 0 / 2) < 1e-12
    hidden_log = eventlog.generate_event_log(n_users=250, n_days=35, seed=123)
    hidden_new = hidden_log.users[hidden_log.users["signup_date"] >= hidden_log.start]
    curve = engagement.retention_curve(hidden_log, "D")
    for n in (2, 14):
        assert abs(day_n_retention(hidden_log.sessions, hidden_new, n) - curve[n]) < 1e-12
    """)
    nb.md("""
    The course's `engagement.retention_curve` computes the same figure for every N at once
    (pooling all sign-up days). Daily retention is noisy for occasional users, so product teams
    also use *weekly* retention: the share active at least once in week k after signing up.
    """)
    nb.code("""
    new_users = log.users[log.users["signup_date"] >= log.start]
    daily = engagement.retention_curve(log, "D")
    weekly = engagement.retention_curve(log, "W")
    print(f"{len(new_users):,} users signed up during the log")
    print(f"day-1 retention {daily[1]:.1%}, day-7 {daily[7]:.1%}; "
          f"week-1 retention {weekly[1]:.1%}, week-4 {weekly[4]:.1%}")
    record("day1_retention", daily[1])
    record("week1_retention", weekly[1])
    """)
    nb.md("""
    ### Retention cohorts

    A **cohort** is everyone who signed up in the same week. The cohort matrix has one row per
    cohort and one column per week since signing up; each cell is the share of the cohort active
    in that week. The lower-right triangle is empty because those weeks have not happened yet.
    Read it by rows (how one cohort fades), by columns (are newer cohorts retained better than
    older ones at the same age? that is how a product change shows up), and along diagonals
    (calendar weeks: a holiday or an outage hits every cohort at once).
    """)
    nb.code("""
    cohorts = engagement.retention_cohorts(log, period="W")
    engagement.plot_cohorts(cohorts, title="Weekly retention cohorts (all users)")
    plt.show()
    """)
    nb.md("""
    The steep drop from week 0 to week 1 followed by a slow decline is the classic shape: most
    people who leave, leave early. The average hides the segments, which retain very
    differently:
    """)
    nb.code("""
    fig, ax = plt.subplots()
    for colour, segment in zip(PALETTE, ["heavy", "casual", "lurker"], strict=False):
        members = log.users[log.users["segment"] == segment]
        part = eventlog.EventLog(members, log.sessions[log.sessions["user_id"].isin(
            members["user_id"])], log.impressions.iloc[:0], log.start, log.n_days)
        curve = engagement.retention_curve(part, "W")
        ax.plot(curve.index, curve.to_numpy(), marker="o", color=colour, label=segment)
    ax.plot(weekly.index, weekly.to_numpy(), color="black", linestyle="--", label="all users")
    ax.set_ylim(0, 1.05)
    ax.legend()
    label(ax, "Weekly retention by segment", "weeks since signing up", "share active that week")
    plt.show()
    """)

    # -- 7. Session lengths -----------------------------------------------------------------------
    nb.md("""
    ## 7. Time spent: session lengths

    "Time spent" adds up session lengths. Session lengths are strongly skewed: many short visits,
    a few very long ones. That is why the histogram below uses a logarithmic axis, and why the
    median and the 90th percentile say more than the mean.
    """)
    nb.code("""
    fig, ax = plt.subplots()
    bins = np.logspace(-1, np.log10(log.sessions["minutes"].max()), 40)
    ax.hist(log.sessions["minutes"], bins=bins, color=PALETTE[0])
    ax.set_xscale("log")
    label(ax, "Session lengths on the synthetic platform", "minutes (log scale)", "sessions")
    plt.show()
    engagement.session_length_stats(log, by="segment").round(1)
    """)
    nb.code("""
    stats = engagement.session_length_stats(log, by="segment")
    time_share = stats["total_hours"] / stats["total_hours"].sum()
    user_share = log.users["segment"].value_counts(normalize=True)
    shares = pd.DataFrame({"share of users": user_share, "share of time spent": time_share})
    record("heavy_user_share", user_share["heavy"])
    record("heavy_time_share", time_share["heavy"])
    shares.round(3)
    """)
    nb.md("""
    A small group of heavy users accounts for most of the time spent. Any metric built on time
    (or on clicks, which follow time) mostly reflects what *they* do, and a ranking optimised for
    time spent is, in effect, optimised for them.
    """)

    # -- 8. CTR and position bias -----------------------------------------------------------------
    nb.md("""
    ## 8. Clicks and position bias

    The **click-through rate** (CTR) is clicks divided by impressions. Feeds are ranked lists,
    so CTR is usually broken down by **position**: 1 is the top of the feed.

    ### Exercise 5 (3 points): CTR by position

    Write `click_through_rate(impressions)` that returns a pandas `Series` indexed by `position`
    whose values are the CTR at that position (clicks / impressions). `impressions` has (at
    least) the columns `position` and `clicked` (True/False), like `log.impressions`.
    Write the code yourself: an answer that just calls `course.engagement.ctr_by_position` scores
    zero.
    """)
    nb.answer("click_through_rate", """
    def click_through_rate(impressions):
        \"\"\"Clicks per impression at every feed position (a Series indexed by position).\"\"\"
        ### BEGIN SOLUTION
        return impressions.groupby("position")["clicked"].mean()
        ### END SOLUTION
    """)
    nb.tests("click_through_rate", points=3, visible="""
    checks.check("click_through_rate", strict=True)
    """, hidden="""
    toy = pd.DataFrame({"position": [2, 1, 2, 2, 4, 1],
                        "clicked": [True, False, False, True, True, False]})
    got = click_through_rate(toy).sort_index()
    assert list(got.index) == [1, 2, 4]
    assert np.allclose(got.to_numpy(dtype=float), [0.0, 2 / 3, 1.0])
    ints = toy.assign(clicked=toy["clicked"].astype(int))
    assert np.allclose(click_through_rate(ints).sort_index().to_numpy(dtype=float),
                       [0.0, 2 / 3, 1.0])
    small = eventlog.generate_event_log(n_users=120, n_days=14, seed=321).impressions
    want = engagement.ctr_by_position(small)["ctr"]
    assert np.allclose(click_through_rate(small).sort_index().to_numpy(dtype=float),
                       want.to_numpy())
    """)
    nb.md("""
    Here is the course's version, `engagement.ctr_by_position`, with a standard error for each
    position (the error bars). The axes on the right are logarithmic.
    """)
    nb.code("""
    ctr = engagement.ctr_by_position(log.impressions)
    top = ctr.loc[:15]
    slope, intercept = np.polyfit(np.log(top.index), np.log(top["ctr"]), 1)

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    left.errorbar(top.index, top["ctr"], yerr=1.96 * top["se"], marker="o", color=PALETTE[0])
    left.set_ylim(0, None)
    label(left, "CTR by feed position", "position in the feed", "click-through rate")
    right.loglog(top.index, top["ctr"], "o", color=PALETTE[0], label="observed")
    right.loglog(top.index, np.exp(intercept) * top.index ** slope, color=PALETTE[1],
                 label=f"fit: CTR ∝ position^{slope:.2f}")
    right.legend()
    label(right, "The same on log-log axes", "position (log scale)", "CTR (log scale)")
    fig.tight_layout()
    plt.show()
    record("ctr_position_1", ctr.loc[1, "ctr"])
    record("examination_exponent", -slope)
    """)
    nb.md("""
    The top item gets clicked about three times as often as the fifth. Is the top item better?
    **Not here.** In this simulation the feed was *shuffled*: an item's appeal does not depend on
    where it is shown. The whole drop is **position bias**: people look less at lower positions.
    The simulation draws the chance of looking at position *p* as *p* to the power −0.7
    (`eventlog.EXAMINATION_EXPONENT`); the fitted exponent comes out a little smaller because
    the people who scroll deep are mostly heavy users, who click more: *who* sees a position
    changes with the position, too.

    On a real platform the feed is not shuffled, so a high CTR at the top mixes two causes: the
    ranker put good items there, *and* people look there more. A ranker retrained on clicks
    learns that whatever it showed at the top was good, and shows it again: a feedback loop
    (notebooks 04 and 05). Unbiased learning-to-rank methods correct clicks for position
    (for example by weighting each click by 1 / examination probability, estimated from
    randomised experiments such as this shuffled feed).
    """)

    # -- 9. Goodhart's law ------------------------------------------------------------------------
    nb.md("""
    ## 9. Goodhart's law: when a measure becomes a target

    > "When a measure becomes a target, it ceases to be a good measure."
    > (Marilyn Strathern's 1997 summary of an observation by the economist Charles Goodhart.)

    Each metric in this notebook is a useful *measure* of something a platform cares about. Each
    also has cheap ways to raise it that do not make anyone better off. A small demonstration
    with the log: suppose a team is rewarded for CTR. The cheapest way to raise CTR is to show
    *fewer* items, because the lower positions, rarely looked at, drag the average down. Assume
    users would still click the top positions as before (in this position-bias model they would),
    and cut every feed after its first *k* items:
    """)
    nb.code("""
    cumulative = ctr[["impressions", "clicks"]].cumsum()
    n_sessions = log.impressions["session_id"].nunique()
    feed_ctr = cumulative["clicks"] / cumulative["impressions"]
    clicks_per_session = cumulative["clicks"] / n_sessions

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    left.plot(feed_ctr.index, feed_ctr.to_numpy(), marker=".", color=PALETTE[0])
    label(left, "The target: CTR", "feed cut after k items", "click-through rate")
    right.plot(clicks_per_session.index, clicks_per_session.to_numpy(), marker=".",
               color=PALETTE[1])
    label(right, "What it costs: clicks", "feed cut after k items", "clicks per session")
    fig.tight_layout()
    plt.show()
    print(f"CTR with the full feed {feed_ctr.iloc[-1]:.2%}; "
          f"with only 3 items {feed_ctr.loc[3]:.2%}")
    record("ctr_all_positions", feed_ctr.iloc[-1])
    record("ctr_top_3", feed_ctr.loc[3])
    """)
    nb.md("""
    Cutting the feed to three items doubles CTR and halves the clicks (and the time spent, and
    the ads shown). Optimise clicks instead, and the cheap route runs the other way:
    clickbait, outrage and endless feeds. None of these numbers measures whether people were
    glad they came, which is the gap notebook 04 explores with a user model in which
    *satisfaction* and *clicking* differ.

    Every metric has its version:

    | metric | cheap way to raise it | what it then stops measuring |
    | --- | --- | --- |
    | DAU | push notifications, streaks, fear of missing out | whether people *want* to come back |
    | time spent | autoplay, infinite scroll, slower pages | whether the time was worth it |
    | CTR | clickbait headlines, shorter feeds | whether the click paid off |
    | retention | make leaving hard (hidden settings, guilt) | whether staying is a choice |

    The usual defence is to pair a target with **guardrail** metrics that the cheap routes would
    damage (for CTR: clicks per session and dwell time after the click; for time spent: surveys
    of satisfaction, or "time well spent").
    """)
    nb.written("goodhart", points=3, prompt="""
    Pick **one** metric from this notebook (DAU, DAU/MAU, session minutes, day-N retention or
    CTR). Describe a concrete change a team rewarded for raising it could ship that would raise
    the metric without making users better off, and propose a guardrail metric that would
    reveal the problem. Explain how you would compute the guardrail from a log like ours.
    (4-6 sentences.)
    """, model_answer="""
    Metric: session minutes. A team rewarded for time spent could autoplay the next video and
    remove the natural end of the feed, so sessions get longer whether or not people enjoy the
    extra minutes; some would even feel worse (the "regretted time" of user surveys). Guardrail:
    the share of sessions that end with a short satisfaction survey answered positively, or,
    from the log alone, the share of time spent on items the user actively chose (clicked, with
    a dwell time above a threshold) rather than items that played automatically. In our log I
    would compute, per session, the sum of `dwell_seconds` on clicked items divided by the
    session length, and watch that this share does not fall when session minutes rise.
    """, rubric="""
    - 1 pt: a specific change that games the chosen metric (not just "manipulate users").
    - 1 pt: explains why the metric rises without users being better off.
    - 1 pt: a guardrail metric that the change would damage, with a plausible way to compute it
      from an event log (or a named additional data source such as a survey).
    """)

    # -- 10. Explorer -----------------------------------------------------------------------------
    nb.md("""
    ## 10. Explore: the retention-cohort explorer

    The explorer below recomputes the cohort matrix for a segment of users and a cohort period
    of your choice. Try: how do heavy users' cohorts differ from lurkers'? What does the daily
    view show that the weekly one hides (look for the weekly rhythm along the diagonals)? What
    changes when you show numbers of users instead of shares? (When the notebook is graded or
    run in batch, the explorer shows its first view as a still picture.)
    """)
    nb.code("""
    engagement.cohort_explorer(log)
    """)

    nb.md("""
    ## Summary

    * **DAU, MAU and stickiness.** Facebook's DAU/MAU was about 0.66 in Q2 2020: the average
      monthly user came about 20 days a month. Stickiness describes a mix of very different users.
    * **ARPU.** Revenue over the average MAU of the quarter: $7.05 in Q2 2020, about 11 cents per
      daily user per day. Attention is the product being sold.
    * **The late-2017 cut.** 50 million hours a day is about 2 minutes per daily user per day,
      about 5% of time spent, from changes made in Q4 2017 (not the January 2018
      "meaningful interactions" change); daily users kept growing afterwards.
    * **On an event log.** DAU/MAU over time, day-N and weekly retention, cohort matrices (rows:
      sign-up cohorts; columns: periods since sign-up), session lengths (skewed: use medians and
      percentiles), and CTR by position.
    * **Position bias.** CTR falls with position even when the feed is shuffled; clicks are a
      biased signal, and models trained on them inherit the bias.
    * **Goodhart's law.** Any of these metrics can be raised in ways that do not help users;
      targets need guardrails.

    **Next:** notebook 02 builds the first recommenders and asks what "relevant" means.

    ## Further reading

    * Facebook, quarterly earnings releases (Q4 2017, Q2 2020), investor.fb.com, and
      "What 'The Social Dilemma' Gets Wrong" (October 2020).
    * C. A. E. Goodhart, "Problems of Monetary Management: the U.K. Experience", 1975;
      M. Strathern, "'Improving ratings': audit in the British University system", *European
      Review* 5(3), 1997.
    * R. L. Thomas and D. Uminsky, "Reliance on metrics is a fundamental challenge for AI",
      *Patterns* 3(5), 2022.
    * N. Craswell, O. Zoeter, M. Taylor and B. Ramsey, "An experimental comparison of click
      position-bias models", WSDM 2008.
    * T. Joachims, A. Swaminathan and T. Schnabel, "Unbiased learning-to-rank with biased
      feedback", WSDM 2017.
    * R. Kohavi, D. Tang and Y. Xu, *Trustworthy Online Controlled Experiments*, Cambridge
      University Press, 2020 (the chapters on metrics and on guardrail metrics).

    ## Check your work
    """)
    nb.code("""
    checks.check_all()
    """)
    return nb


if __name__ == "__main__":
    build().write()
