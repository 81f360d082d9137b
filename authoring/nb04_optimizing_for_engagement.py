"""Build ``04-optimizing-for-engagement``: what you optimize is what you get."""

from nbbuild import Notebook

ASSIGNMENT = "04-optimizing-for-engagement"
QUICK_PARAMETERS = {"N_USERS": 400, "N_ITEMS": 200}

# Figures of the quick run: plain float64 numpy on a seeded synthetic world.
EXPECTED = {
    "click_satisfaction_correlation": (0.214046, 1e-5),
    "position_bias_at_5": (0.190476, 1e-5),
    "clicks_engagement_ranking": (2.15388, 1e-4),
    "clicks_satisfaction_ranking": (1.69326, 1e-4),
    "satisfaction_engagement_ranking": (0.18107, 1e-4),
    "satisfaction_satisfaction_ranking": (2.85861, 1e-4),
    "clickbait_share_engagement_ranking": (0.870317, 1e-5),
    "best_blend_within_5pct": (0.3, 1e-9),
    "satisfaction_gain_within_5pct": (1.47566, 1e-4),
}
EXPECTED_FULL = {
    "click_satisfaction_correlation": (0.21831150648395453, 0.0001),
    "position_bias_at_5": (0.19584055459272098, 0.0001),
    "clicks_engagement_ranking": (2.3280049490329517, 0.0001),
    "clicks_satisfaction_ranking": (1.8579636902729313, 0.0001),
    "satisfaction_engagement_ranking": (0.5366655761968916, 0.0001),
    "satisfaction_satisfaction_ranking": (3.446166404403598, 0.0001),
    "clickbait_share_engagement_ranking": (0.9281330850143656, 0.0001),
    "best_blend_within_5pct": (0.30000000000000004, 0.0001),
    "satisfaction_gain_within_5pct": (1.6399818822381964, 0.0001),
}
WRONG_ANSWER = ("expected_clicks", """
def expected_clicks(click_in_order, examination):
    return np.asarray(click_in_order).sum(axis=1)   # forgets that users do not look everywhere
""")


def build() -> Notebook:
    nb = Notebook(ASSIGNMENT, "Optimizing for engagement: what you optimize is what you get")
    nb.md("""
    # Optimizing for engagement: what you optimize is what you get

    A feed ranks stories by a *prediction*: what will this person click, watch, like or share?
    Those behaviours are easy to measure, so they become the objective. *The Social Dilemma*
    says that is the problem: engagement is not well-being, and a feed that maximises it
    learns to serve what grabs attention. Facebook's answer, in January 2018, was to re-rank
    the feed toward "meaningful social interactions" (MSI), saying people would spend less
    time on the site. The figure usually quoted with it, about 5% less time or 50 million
    hours a day (notebook 01), belongs to something else: on the Q4 2017 earnings call
    (31 January 2018) Mark Zuckerberg credited it to changes made *in Q4 2017*, which showed
    fewer viral videos, before the MSI change. Facebook's own reply to the film dates the cut
    to 2018 and so mixes the two up. Before you quote a number, ask which intervention it
    measures.

    This notebook makes the disagreement precise with a **user model** in which every story has
    two separate numbers for every user: how likely they are to click it, and how glad they are
    afterwards that they did. Then we can ask what each ranking objective buys, and at what
    price.

    **Learning objectives.** After this notebook you can
    1. separate click propensity from true satisfaction, and explain why clickbait has high
       click-through and low satisfaction;
    2. compute expected clicks and satisfaction of a ranked feed under position bias;
    3. estimate position bias from a randomised feed, and explain why a ranked feed cannot
       reveal it;
    4. trace the engagement-satisfaction Pareto frontier by blending objectives, and find the
       non-dominated rankings;
    5. relate a cut in time spent, such as Facebook's late-2017 feed changes, to a move along
       that frontier, and say which change a published number actually measures.

    **Estimated time:** 90 minutes.
    **Prerequisites:** notebook 01 (CTR by position, Goodhart's law) and 02 (ranking).
    """)
    nb.md("""
    The parameters: the size of the synthetic platform and its clickbait. Leave them as they
    are for grading; change them afterwards (section 7 asks you to).
    """)
    nb.parameters("""
    SEED = 2018              # the same seed gives the same users and stories
    N_USERS = 2000           # users (the quick test run uses fewer)
    N_ITEMS = 500            # stories in the catalogue
    K = 10                   # feed length
    CLICKBAIT_SHARE = 0.2    # share of stories that are clickbait
    """)
    nb.code("""
    import matplotlib.pyplot as plt
    import numpy as np
    import pandas as pd

    from course import checks, engagement, facts, user_model
    from course.checks import hint
    from course.record import record
    from course.style import PALETTE, label, use_course_style

    use_course_style()
    checks.start("04-optimizing-for-engagement")
    """)

    # -- 1. The user model ---------------------------------------------------------------------
    nb.md("""
    ## 1. Two numbers for every story

    `user_model.make_engagement_world` draws users and stories. Every user has a real interest
    in every story (an *affinity*, from hidden taste factors as in matrix factorisation), and
    every story has a quality. A share `CLICKBAIT_SHARE` of the stories are **clickbait**: a
    strong *hook* (a curiosity gap, outrage, a thumbnail) and lower quality. From these:

    $$ \\text{click}_{ui} = \\sigma\\big(-1.5 + 0.8\\,\\text{affinity}_{ui}
       + (\\text{quality}_i - 0.5) + \\text{hook}_i\\big) $$
    $$ \\text{satisfaction}_{ui} = 0.6\\,\\text{affinity}_{ui}
       + 1.5\\,(\\text{quality}_i - 0.5) - \\text{letdown}\\cdot\\text{clickbait}_i $$

    where $\\sigma$ is the logistic function. `click` is the probability of clicking a story
    *if the user looks at it*; `satisfaction` is how glad they are afterwards (negative: they
    regret it). A platform logs clicks; satisfaction it can only estimate, e.g. with surveys
    ("was this worth your time?").
    """)
    nb.code("""
    world = user_model.make_engagement_world(n_users=N_USERS, n_items=N_ITEMS,
                                             clickbait_share=CLICKBAIT_SHARE, seed=SEED)
    rng = np.random.default_rng(SEED)
    users = rng.integers(0, world.n_users, 4000)
    items = rng.integers(0, world.n_items, 4000)
    bait = world.is_clickbait[items]

    fig, ax = plt.subplots(figsize=(7.5, 5))
    ax.scatter(world.click[users[~bait], items[~bait]],
               world.satisfaction[users[~bait], items[~bait]], s=6, alpha=0.4,
               color=PALETTE[0], label="ordinary story")
    ax.scatter(world.click[users[bait], items[bait]], world.satisfaction[users[bait], items[bait]],
               s=6, alpha=0.4, color=PALETTE[1], label="clickbait")
    ax.legend(markerscale=3)
    label(ax, "Click propensity and satisfaction of user-story pairs",
          "probability of clicking (if seen)", "satisfaction after reading")
    plt.tight_layout()

    correlation = np.corrcoef(world.click.ravel(), world.satisfaction.ravel())[0, 1]
    print(f"correlation between click propensity and satisfaction: {correlation:.2f}")
    record("click_satisfaction_correlation", correlation)
    """)
    nb.md("""
    Within the ordinary stories, clicks and satisfaction go together: both come from the
    user's interest. Clickbait forms a separate cloud, to the right (clicked more) and below
    (regretted). Across all pairs the correlation is weak. That is the whole problem in one
    picture: a model that predicts clicks perfectly will love the orange cloud.
    """)

    # -- 2. Position bias ----------------------------------------------------------------------
    nb.md("""
    ## 2. Position bias: users do not read the whole feed

    People look at the top of a feed more than the bottom. We model the probability of
    *examining* position $p$ as $1/p$ (`world.examination`): everyone sees the first story, half
    of the users get to the second, a third to the third, and so on. A story is clicked only if
    it is examined *and* then chosen, so for a feed ranked for user $u$

    $$ \\mathbb{E}[\\text{clicks}_u] = \\sum_{p=1}^{K} \\text{examination}_p \\times
       \\text{click}_{u,\\,\\text{item at } p} $$

    ### Exercise 1 (2 points): expected clicks of a feed

    Write `expected_clicks(click_in_order, examination)`: `click_in_order` is an array
    (users x K) whose column $p$ holds each user's click propensity for the story at position
    $p+1$; `examination` is the array of the K examination probabilities. Return the expected
    number of clicks per user (one number per row).
    """)
    nb.answer("expected_clicks", """
    def expected_clicks(click_in_order, examination):
        \"\"\"Expected clicks per user: sum over positions of examination x click propensity.\"\"\"
        ### BEGIN SOLUTION
        return (np.asarray(click_in_order) * np.asarray(examination)).sum(axis=1)
        ### END SOLUTION
    """)
    nb.tests("expected_clicks", points=2, visible="""
    checks.check("expected_clicks", strict=True)
    """, hidden="""
    assert np.allclose(expected_clicks(np.array([[0.5, 0.5]]), np.array([1.0, 0.5])), [0.75])
    c = np.array([[0.2, 0.4, 0.9], [1.0, 0.0, 1.0]])
    assert np.allclose(expected_clicks(c, np.array([1, 1 / 2, 1 / 3])), [0.7, 4 / 3])
    assert np.allclose(expected_clicks(np.ones((4, 5)), np.zeros(5)), 0)
    """)
    nb.md("""
    The course's `user_model.expected_outcomes` computes the same (and expected satisfaction,
    which only counts for stories that were opened); the rest of the notebook uses it.

    ### Position bias in logged data

    A platform never sees examination; it sees impressions and clicks. The CTR at position 1 of
    a ranked feed is high for two reasons mixed together: the top gets more attention, and the
    ranker put the most clickable story there. To separate them, platforms run a small
    experiment: **randomise** the order for a few users. Then every position gets equally good
    stories on average, and what is left of the CTR curve is attention alone.
    """)
    nb.code("""
    ranked_log = user_model.simulate_impressions(
        world, user_model.rank_by(world, "engagement", K), seed=SEED)
    random_log = user_model.simulate_impressions(
        world, user_model.rank_by(world, "random", K), seed=SEED)
    ctr_ranked = engagement.ctr_by_position(ranked_log)
    ctr_random = engagement.ctr_by_position(random_log)

    fig, ax = plt.subplots(figsize=(8, 4.5))
    ax.errorbar(ctr_ranked.index, ctr_ranked["ctr"], yerr=2 * ctr_ranked["se"], marker="o",
                color=PALETTE[0], label="feed ranked by engagement")
    ax.errorbar(ctr_random.index, ctr_random["ctr"], yerr=2 * ctr_random["se"], marker="s",
                color=PALETTE[2], label="randomised feed")
    ax.legend()
    label(ax, "Click-through rate by position", "position in the feed (1 = top)",
          "click-through rate (± 2 s.e.)")
    plt.tight_layout()
    random_log.head()
    """)
    nb.md("""
    ### Exercise 2 (2 points): estimate position bias

    Write `position_bias(impressions)`: given an impressions log of a **randomised** feed (columns
    `position`, 1 = top, and `clicked`, as `random_log` above), return a NumPy array with, for
    each position $p = 1, 2, \\dots$, the click-through rate at $p$ divided by the
    click-through rate at position 1. (You may use `engagement.ctr_by_position`.)
    """)
    nb.answer("position_bias", """
    def position_bias(impressions):
        \"\"\"CTR(p) / CTR(1) for every position p of a randomised feed's impressions log.\"\"\"
        ### BEGIN SOLUTION
        ctr = impressions.groupby("position")["clicked"].mean().sort_index().to_numpy()
        return ctr / ctr[0]
        ### END SOLUTION
    """)
    nb.tests("position_bias", points=2, visible="""
    checks.check("position_bias", strict=True)
    """, hidden="""
    toy = pd.DataFrame({"position": [1, 1, 2, 2], "clicked": [True, True, True, False]})
    assert np.allclose(position_bias(toy), [1.0, 0.5])
    toy = pd.DataFrame({"position": [2, 1, 3, 1, 3, 3, 2, 1],
                        "clicked": [True, True, False, False, True, False, False, True]})
    assert np.allclose(position_bias(toy), [1.0, 0.75, 0.5])
    """)
    nb.md("""
    With the course's implementation, compare the estimate with the truth we built into the
    users. The randomised feed recovers the $1/p$ curve (up to sampling noise). The ranked
    feed's curve falls faster than the truth, because the ranker also put the most clickable
    stories on top: part of what looks like attention is appeal. Here the error is modest,
    since all ten stories of an engagement-ranked feed are attractive; in feeds whose quality
    drops quickly down the list, the naive estimate overstates position effects badly, and a
    model trained on such clicks learns to trust whatever it already ranked first.
    """)
    nb.code("""
    ratio_random = (ctr_random["ctr"] / ctr_random["ctr"].iloc[0]).to_numpy()
    ratio_ranked = (ctr_ranked["ctr"] / ctr_ranked["ctr"].iloc[0]).to_numpy()
    comparison = pd.DataFrame({"true examination": world.examination[:K],
                               "estimate, randomised feed": ratio_random,
                               "naive estimate, ranked feed": ratio_ranked},
                              index=pd.RangeIndex(1, K + 1, name="position"))
    record("position_bias_at_5", ratio_random[4])
    comparison.round(3)
    """)

    # -- 3. Objectives -------------------------------------------------------------------------
    nb.md("""
    ## 3. Three ranking objectives

    Now rank every user's feed three ways, as if the platform knew the two numbers exactly
    (a perfect prediction model; real ones are noisier, which only blurs the picture):

    * by **engagement**: highest click propensity first;
    * by **satisfaction**: highest satisfaction first;
    * by a **blend**: a weighted sum of the two, each standardised per user
      (`course.interventions.blend_objectives`; weight 0 = engagement, 1 = satisfaction).

    and compute, with the position bias above, the expected clicks, the expected satisfaction
    and the share of clicks that go to clickbait.
    """)
    nb.code("""
    rows = {}
    for objective in ["engagement", 0.5, "satisfaction", "random"]:
        ranking = user_model.rank_by(world, objective, K)
        name = f"blend {objective}" if isinstance(objective, float) else objective
        rows[name] = user_model.expected_outcomes(world, ranking)
    outcomes = pd.DataFrame(rows).T.rename_axis("ranked by")
    record("clicks_engagement_ranking", outcomes.loc["engagement", "clicks"])
    record("clicks_satisfaction_ranking", outcomes.loc["satisfaction", "clicks"])
    record("satisfaction_engagement_ranking", outcomes.loc["engagement", "satisfaction"])
    record("satisfaction_satisfaction_ranking", outcomes.loc["satisfaction", "satisfaction"])
    record("clickbait_share_engagement_ranking", outcomes.loc["engagement", "clickbait_share"])
    outcomes.round(3)
    """)
    nb.md("""
    Ranking by engagement wins on clicks, as it must, and most of those clicks go to
    clickbait; expected satisfaction collapses. Ranking by satisfaction costs some clicks and
    gives several times the satisfaction. The blend is in between, and notice *where*: it keeps
    most of the clicks and most of the satisfaction. The two objectives conflict, but not
    one for one.
    """)

    # -- 4. Frontier ---------------------------------------------------------------------------
    nb.md("""
    ## 4. The engagement-satisfaction frontier

    Sweeping the blend weight from 0 to 1 traces a curve of (clicks, satisfaction) outcomes.
    A ranking is **Pareto-optimal** if no other ranking is at least as good on both objectives
    and strictly better on one. The Pareto-optimal points form the **frontier**: the menu of
    honest trade-offs. Everything else is a free lunch left on the table.

    ### Exercise 3 (2 points): which points are on the frontier?

    Write `pareto_mask(engagement, satisfaction)`: two 1-D arrays with one entry per ranking
    (higher is better for both). Return a boolean array that is `True` for the points that no
    other point dominates. (Point $j$ dominates $i$ when $e_j \\ge e_i$ and $s_j \\ge s_i$ with
    at least one strict inequality; identical points do not dominate each other.)
    Write the code yourself: an answer that just calls `course.user_model.pareto_mask` scores zero.
    """)
    nb.answer("pareto_mask", """
    def pareto_mask(engagement, satisfaction):
        \"\"\"True for the non-dominated points (higher is better on both objectives).\"\"\"
        ### BEGIN SOLUTION
        e = np.asarray(engagement, dtype=float)
        s = np.asarray(satisfaction, dtype=float)
        at_least = (e[None, :] >= e[:, None]) & (s[None, :] >= s[:, None])
        better = (e[None, :] > e[:, None]) | (s[None, :] > s[:, None])
        return ~np.any(at_least & better, axis=1)
        ### END SOLUTION
    """)
    nb.tests("pareto_mask", points=2, visible="""
    checks.check("pareto_mask", strict=True)
    """, hidden="""
    assert pareto_mask(np.array([1.0, 2.0, 0.5]), np.array([2.0, 1.0, 0.5])).tolist() == \\
        [True, True, False]
    e = np.array([1.0, 1.0, 2.0, 2.0, 0.0])
    s = np.array([2.0, 1.0, 1.0, 1.0, 3.0])
    assert pareto_mask(e, s).tolist() == [True, False, True, True, True]
    """)
    nb.code("""
    weights = np.linspace(0, 1, 21)
    curve = user_model.frontier(world, weights, k=K)
    on = curve["pareto"]

    fig, ax = plt.subplots(figsize=(8, 5))
    ax.plot(curve["clicks"], curve["satisfaction"], color=PALETTE[7], lw=1, zorder=1)
    ax.scatter(curve.loc[on, "clicks"], curve.loc[on, "satisfaction"], color=PALETTE[0],
               zorder=2, label="Pareto-optimal blend")
    ax.scatter(curve.loc[~on, "clicks"], curve.loc[~on, "satisfaction"], color=PALETTE[3],
               marker="x", zorder=2, label="dominated blend")
    # labels go inside the curve (below and to the left of it), where there are no points
    for w, offset in [(0.0, (-30, 12)), (0.5, (-10, -40)), (1.0, (30, -45))]:
        row = curve.loc[np.isclose(curve["weight"], w)].iloc[0]
        ax.annotate(f"weight {w:g}", (row["clicks"], row["satisfaction"]),
                    textcoords="offset points", xytext=offset,
                    ha="right" if offset[0] < 0 else "left",
                    arrowprops=dict(arrowstyle="-", color="grey", lw=0.8))
    ax.legend()
    label(ax, "The engagement-satisfaction frontier",
          "expected clicks per user per session", "expected satisfaction per user")
    plt.tight_layout()
    curve.round(3)
    """)
    nb.md("""
    Two things stand out. Near the engagement end the frontier is *flat*: the first steps
    toward satisfaction cost almost no clicks and buy a great deal of satisfaction, because
    they drop the clickbait that is only marginally more clickable than good stories. And
    the pure-satisfaction end can be *dominated*: ranking only by satisfaction ignores whether
    a story will be opened at all, and unopened stories satisfy nobody, so a blend with a
    little engagement in it does better on **both** counts.
    """)

    # -- 5. 2018 -------------------------------------------------------------------------------
    nb.md("""
    ## 5. A 5% trade-off

    On 31 January 2018 Facebook said that feed changes made in the last quarter of 2017
    (fewer viral videos) had cut time spent by about 5% (`facts.TIME_CUT_SHARE_Q4_2017`),
    some 50 million hours a day. The "meaningful social interactions" re-ranking announced on
    11 January 2018 came after them. (Facebook's reply to *The Social Dilemma* credits the cut
    to a change "in 2018": a true number attached to the wrong intervention.) On our frontier:
    what is the most satisfaction we can get while giving up at most 5% of the clicks of the
    pure-engagement feed?
    """)
    nb.code("""
    budget = facts.TIME_CUT_SHARE_Q4_2017
    top_clicks = curve.loc[curve["weight"] == 0, "clicks"].iloc[0]
    affordable = curve[curve["clicks"] >= (1 - budget) * top_clicks]
    best = affordable.loc[affordable["satisfaction"].idxmax()]
    base = curve.loc[curve["weight"] == 0].iloc[0]
    gain = best["satisfaction"] - base["satisfaction"]
    print(f"giving up at most {budget:.0%} of clicks: blend weight {best['weight']:.2f}, "
          f"clicks {best['clicks'] / top_clicks - 1:+.1%}, satisfaction "
          f"{base['satisfaction']:.2f} -> {best['satisfaction']:.2f}, clickbait share of "
          f"clicks {base['clickbait_share']:.0%} -> {best['clickbait_share']:.0%}")
    record("best_blend_within_5pct", best["weight"])
    record("satisfaction_gain_within_5pct", gain)
    """)
    nb.md("""
    In this model a 5% cut in engagement buys a large rise in satisfaction. That is the
    platform's argument in miniature ("we gave up time to make it more meaningful"),
    and it is also the film's: the platform *could* move along the frontier, and how far it
    goes is a business choice, not a technical limit. What the model cannot tell us is where
    the real frontier lies: that needs measured satisfaction, which is exactly what
    engagement metrics do not provide.
    """)
    nb.written("goodhart", points=3, prompt="""
    A product manager proposes: "Our goal is to maximise clicks, subject to the share of
    clickbait clicks staying under 20%." Using the frontier and Goodhart's law (notebook 01),
    explain in about 150 words what this rule would and would not achieve, and propose a
    better objective or guardrail. Refer to at least one number you computed above.
    """, model_answer="""
    The rule picks the point of the frontier with the most clicks among those with at most 20%
    clickbait clicks; in our model that is a blend weight of about 0.5, which gives up about 14%
    of the clicks (2.33 to 2.00) and recovers over 90% of the satisfaction of the satisfaction
    ranking (3.23 of 3.45). So it helps here. But it targets a proxy of a proxy: "clickbait" is
    a label the platform defines, and once it is a target, content that is engaging and
    regretted but not labelled clickbait (outrage, borderline misinformation) passes the
    guardrail (Goodhart's law). It also says nothing about satisfaction among non-clickbait
    stories. A better rule measures satisfaction directly (surveys, "was this worth your time",
    long-term retention) and either blends it into the objective with a stated weight or sets a
    floor on measured satisfaction, and audits the rule with randomised holdouts.
    """, rubric="""
    - 1 pt: explains what the rule selects on the frontier, with a number from the notebook.
    - 1 pt: applies Goodhart's law: the clickbait label becomes a target and can be gamed or
      miss other regretted engagement.
    - 1 pt: proposes a concrete, measurable alternative (satisfaction surveys, a satisfaction
      floor, a blend weight, holdout experiments).
    """)

    # -- 6. Experiment -------------------------------------------------------------------------
    nb.md("""
    ## 6. Your experiment

    Change **one** assumption of the user model and see how the frontier moves. Ideas:

    * *What if clickbait is rarer, or more common?* `clickbait_share=0.05` or `0.4`.
    * *What if it is more tempting?* `hook=2.5`; *or less disappointing?* `letdown=0.3`.
    * *What if people scroll further?* `position_decay=0.5` (or less: `2.0`).

    Edit `MY_CHANGE` below and rerun the cell; it draws your frontier next to the one above.
    """)
    nb.code("""
    MY_CHANGE = dict(hook=2.5)     # any keyword of user_model.make_engagement_world

    my_world = user_model.make_engagement_world(
        n_users=N_USERS, n_items=N_ITEMS, seed=SEED,
        **{"clickbait_share": CLICKBAIT_SHARE, **MY_CHANGE})
    my_curve = user_model.frontier(my_world, weights, k=K)

    fig, ax = plt.subplots(figsize=(8, 5))
    ax.plot(curve["clicks"], curve["satisfaction"], marker="o", color=PALETTE[0],
            label="default model")
    ax.plot(my_curve["clicks"], my_curve["satisfaction"], marker="s", ls="--",
            color=PALETTE[1], label=f"your change: {MY_CHANGE}")
    ax.legend()
    label(ax, "How the frontier moves", "expected clicks per user per session",
          "expected satisfaction per user")
    plt.tight_layout()
    my_curve.round(3)
    """)
    nb.written("experiment", points=3, prompt="""
    Describe your experiment: what you changed and why, how the frontier moved (quote the
    clicks and satisfaction of the pure-engagement ranking and of the best blend within a 5%
    click loss, before and after), and what this suggests about when optimising for
    engagement is most harmful.
    """, model_answer="""
    I set hook=2.5 (clickbait much more tempting). The pure-engagement ranking now gets more
    clicks (2.66 instead of 2.33), almost all of them on clickbait, and its satisfaction falls
    to almost nothing (0.07 instead of 0.54), while the satisfaction end does not move (3.45),
    since it never showed clickbait. The frontier stretches and its engagement end gets
    steeper: within a 5% click loss the best blend now reaches a satisfaction of about 1.5
    instead of 2.2, because clickbait is now far more clickable than good stories and
    dropping it costs more clicks. Optimising for engagement is most harmful when the most
    clickable content is the least satisfying, i.e. strong hooks and large letdowns; and the
    stronger the hooks, the more engagement a platform must give up to repair it. When clicks
    and satisfaction share a cause (interest), the two objectives nearly agree.
    """, rubric="""
    - 1 pt: a single stated change with a reason.
    - 1 pt: quotes numbers for both ends (or the best blend) before and after.
    - 1 pt: a general conclusion about when engagement and satisfaction diverge, tied to the
      model's assumptions.
    """)

    # -- Summary -------------------------------------------------------------------------------
    nb.md("""
    ## Summary

    * **Engagement is not satisfaction.** In a user model where clicks and satisfaction share
      a cause (interest) but clickbait separates them, a perfect click predictor ranks
      clickbait first.
    * **Position bias.** Users examine the top more; a story's CTR mixes attention and appeal.
      Only a randomised feed separates them; the ranked feed overstates position effects.
    * **Objectives.** Ranking by engagement maximises clicks and minimises satisfaction;
      ranking by satisfaction does the reverse; blends trace the **Pareto frontier**.
    * **The frontier is flat near the engagement end:** small click sacrifices buy large
      satisfaction gains, which is the platform's "we gave up time spent" argument in
      miniature. The 5% (50 million hours a day) it quotes came from changes made in Q4 2017
      (fewer viral videos), not from the January 2018 "meaningful interactions" change.
    * **In the field:** a chronological feed on Facebook and Instagram cut time spent
      substantially (Guess et al. 2023), and a month without Facebook raised well-being
      (Allcott et al. 2020): notebook 09.
      Pure satisfaction ranking can be dominated, because unopened stories satisfy nobody.
    * **Next:** notebook 05 adds time: recommenders learn from the clicks they cause.

    ## Further reading

    * Facebook Newsroom, "Bringing People Closer Together" (A. Mosseri, 11 January 2018) and
      the Q4 2017 earnings call (31 January 2018), where the 50-million-hour cut is credited to
      the Q4 2017 changes.
    * S. Milli, L. Belli and M. Hardt, "From optimizing engagement to measuring value",
      FAccT 2021.
    * J. Kleinberg, S. Mullainathan and M. Raghavan, "The challenge of understanding what
      users want: inconsistent preferences and engagement optimization", EC 2022.
    * T. Joachims, L. Granka, B. Pan, H. Hembrooke and G. Gay, "Accurately interpreting
      clickthrough data as implicit feedback", SIGIR 2005.
    * X. Wang, N. Golbandi, M. Bendersky, D. Metzler and M. Najork, "Position bias estimation
      for unbiased learning to rank in personal search", WSDM 2018.
    * L. Thorburn, J. Stray and P. Bengani, "What does it mean to give someone what they
      want? The nature of preferences in recommender systems", 2022.

    ## Check your work
    """)
    nb.code("""
    checks.check_all()
    """)
    return nb


if __name__ == "__main__":
    build().write()
