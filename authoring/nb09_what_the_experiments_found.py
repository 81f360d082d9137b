"""Build ``09-what-the-experiments-found``: the field experiments beside the course's simulation."""

from nbbuild import Notebook

ASSIGNMENT = "09-what-the-experiments-found"
QUICK_PARAMETERS = {"N_USERS": 400, "N_PAGES": 50, "STEPS": 10, "N_SEEDS": 4}

# Published figures (from course.facts: exact) and the simulated effects' directions across
# seeds (+1 up, -1 down, 0 the interval covers zero), which hold at both sizes.
_PUBLISHED = {
    "published_bakshy_potential": (0.295, 0),
    "published_bakshy_exposed": (0.289, 0),
    "published_bakshy_clicked": (0.249, 0),
    "published_nyhan_cut": (1 / 3, 1e-12),
    "published_huszar_countries": (6 / 7, 1e-12),
    "published_chronological_untrustworthy": (1, 0),
}
_SIGNS = {
    "sign_chronological_views": (-1, 0),
    "sign_chronological_untrustworthy_share": (-1, 0),
    "sign_chronological_moderate_share": (1, 0),
    "sign_no_reshares_political_views": (-1, 0),
    "sign_no_reshares_untrustworthy_views": (-1, 0),
    "sign_no_reshares_engagements": (-1, 0),
    "sign_fewer_like_minded_like_minded_share": (-1, 0),
    "sign_fewer_like_minded_cross_cutting_share": (1, 0),
    "sign_holdout_extreme_minus_moderate": (1, 0),
    "sign_decomposition_isolation_exposed_minus_potential": (1, 0),
    "sign_tuned_chronological_untrustworthy_share": (1, 0),
}
EXPECTED = {**_PUBLISHED, **_SIGNS}
EXPECTED_FULL = {**_PUBLISHED, **_SIGNS}
WRONG_ANSWER = ("amplification_ratio", """
def amplification_ratio(impressions, treated, groups):
    # totals instead of impressions per user: the holdout is smaller, so everything looks amplified
    impressions = np.asarray(impressions, dtype=float)
    treated = np.asarray(treated, dtype=bool)
    groups = np.asarray(groups)
    return pd.Series({g: impressions[treated][:, groups == g].sum()
                      / impressions[~treated][:, groups == g].sum() for g in np.unique(groups)})
""")


def build() -> Notebook:
    nb = Notebook(ASSIGNMENT, "What the experiments found")
    nb.md("""
    # What the experiments found

    Notebooks 04 to 08 tested the debate's claims in simulations you control. A simulation
    can show what *would* happen if its assumptions held; it cannot show that they hold. Since
    *The Social Dilemma* the claims have been tested where it matters: on the platforms, with
    millions of real users, in randomised experiments. Researchers switched people's feeds to
    chronological order, removed reshares, showed people fewer like-minded sources, kept a
    control group on an unranked timeline for years, and paid people to leave Facebook for a
    month.

    This notebook reads those studies, re-creates each design in a simulated social feed, and
    sets the simulated effect, with its interval across seeds, beside the published one. Where
    the model and the field disagree, we say so, and ask which assumption of the model is
    wrong or what the field study could not see.

    **Learning objectives.** After this notebook you can
    1. describe each field study's question and design (who was randomised to what, for how
       long, what was measured) and its headline results, with their uncertainty;
    2. re-create a field design in a simulation, measure the same outcomes and report the
       simulated effect with an interval across seeds;
    3. compute an algorithmic amplification ratio against a randomised chronological holdout,
       and decompose cross-cutting exposure into network, algorithm and choice;
    4. say where a model and a field experiment disagree, and trace the disagreement to an
       assumption of the model or a limit of the experiment (short horizons, spillovers, a
       platform already tuned by integrity work);
    5. state what the evidence now says to each side of the debate.

    **Estimated time:** 2 hours.
    **Prerequisites:** notebooks 05 (feedback loops, controls), 07 (cascades) and some
    statistics (confidence intervals).
    """)
    nb.md("""
    The parameters: the size of the simulated platform, how many days it runs and over how
    many seeds every experiment is repeated. Leave them as they are for grading; try larger
    worlds afterwards.
    """)
    nb.parameters("""
    SEED = 2023      # first seed; experiment i uses seeds SEED, SEED + 1, ...
    N_SEEDS = 6      # independent replications (new world, new random assignment each)
    N_USERS = 1000   # users of the simulated platform (the quick test run uses fewer)
    N_PAGES = 100    # Pages (news outlets, public figures)
    STEPS = 20       # days the feed runs (the field experiments ran about 90)
    """)
    nb.code("""
    import matplotlib.pyplot as plt
    import numpy as np
    import pandas as pd

    from course import checks, facts, social_feed
    from course import field_experiments as fe
    from course.checks import hint
    from course.record import record
    from course.style import PALETTE, label, use_course_style

    use_course_style()
    checks.start("09-what-the-experiments-found")
    pd.set_option("display.max_colwidth", 120)

    SEEDS = list(range(SEED, SEED + N_SEEDS))
    WORLD = dict(n_users=N_USERS, n_pages=N_PAGES, steps=STEPS)
    """)

    # -- 1. Studies ------------------------------------------------------------------------------
    nb.md("""
    ## 1. The studies

    Seven studies, all recorded with their full citations in `course.facts`. Five are
    randomised experiments; two (Bakshy et al. 2015, González-Bailón et al. 2023) measure the
    whole platform without randomising anyone.
    """)
    nb.code("""
    studies = facts.field_studies_table()
    studies[["citation", "population", "duration", "randomised"]]
    """)
    nb.md("""
    What each study changed and measured:
    """)
    nb.code("""
    studies[["question", "design", "measured"]]
    """)
    nb.md("""
    And what each found, with the uncertainty the authors state and where it is stated. Most
    results are directions ("decreased", "no significant effect"): the published effect sizes
    come with confidence intervals in the papers, but the direction, and whether the interval
    excludes zero, is what we can compare with a toy model. `direction` is +1 (up), -1 (down)
    or 0 (no detectable effect).
    """)
    nb.code("""
    findings = facts.field_findings_table()
    bakshy = findings[findings["study"] == "bakshy2015"].set_index("outcome")["value"].dropna()
    record("published_bakshy_potential", bakshy.iloc[0])
    record("published_bakshy_exposed", bakshy.iloc[1])
    record("published_bakshy_clicked", bakshy.iloc[2])
    nyhan = findings[findings["study"] == "nyhan2023"].set_index("outcome")["value"].dropna()
    record("published_nyhan_cut", nyhan.iloc[0])
    huszar = findings[findings["study"] == "huszar2022"].set_index("outcome")["value"].dropna()
    record("published_huszar_countries", huszar.iloc[0])
    chrono = findings[findings["study"] == "guess2023_chronological"].set_index("outcome")
    record("published_chronological_untrustworthy",
           int(chrono.loc["content from untrustworthy sources seen", "direction"]))
    findings[["study", "outcome", "direction", "value", "uncertainty", "where"]]
    """)
    nb.md("""
    Read the chronological-feed row about untrustworthy sources twice. On Facebook and
    Instagram in the autumn of 2020, people moved to a chronological feed saw **more** content
    from untrustworthy sources, not less. Notebook 07's cascade model said the opposite: there
    a chronological feed shrank false cascades several times, because the model's ranking
    showed high-engagement posts more and false posts were the engaging ones. One of the two
    is wrong about Facebook in 2020, and it is not the experiment. Keep that in mind: this
    notebook is about finding out why.

    Three cautions before we start. These experiments ran for weeks or months, on consenting
    users, during an election, on platforms that had spent years tuning their feeds with
    integrity work. Each changed one feature for a small share of users, whose friends were
    mostly untreated. And attitudes were measured by surveys, which are noisy: "no significant
    effect" means no effect larger than the study could detect, not proof of zero.
    """)

    # -- 2. Model --------------------------------------------------------------------------------
    nb.md("""
    ## 2. A social feed to experiment on

    The feed of notebooks 05 and 06 recommends items to individuals; the field experiments
    changed a *social* feed: posts from friends and Pages, reshares, a ranking. So this
    notebook uses a model built for them, `course.social_feed` (read its docstring: every
    assumption is a named argument). In one paragraph:

    * users sit on a left-right axis, most with little interest in politics; friends are mostly
      on one's own side (23% across, as Bakshy et al. measured); users follow Pages near their
      own position, and a few Pages are **untrustworthy** (extreme, and engaging);
    * every day Pages post, users post personal updates, and users **reshare** what they engaged
      with, so tomorrow their friends may see it;
    * the **ranked** feed orders each user's posts by predicted engagement (with prediction
      errors); the **chronological** feed puts the newest first; people read from the top and
      keep scrolling longer when the posts are engaging;
    * reading political posts moves attitudes a little toward their slant (`influence`).

    Each experiment draws a world, assigns a random half of its users to the treatment (the
    field assigned a small share; we discuss the difference in section 8), runs the feed for
    `STEPS` days and compares treated with control users. Then it does it again with a new
    world and a new assignment, `N_SEEDS` times: a simulated effect is a finding only if it
    holds across seeds, so every effect below comes with a 95% interval across seeds.
    """)
    nb.code("""
    world = social_feed.make_social_world(n_users=N_USERS, n_pages=N_PAGES, seed=SEED)
    one = social_feed.run_feed(world, steps=STEPS, seed=SEED)
    per_user = one.per_user
    print(f"{world.n_users} users, {world.friends.nnz // 2} friendships, {world.n_pages} Pages "
          f"({world.page_untrustworthy.sum()} untrustworthy)")
    per_user[["views", "engagements", "political_share", "untrustworthy_share",
              "like_minded_share", "cross_cutting_share"]].describe().round(3)
    """)
    nb.md("""
    On an average day a user reads a handful of posts, most of them from like-minded sources,
    as Nyhan et al. found for real Facebook users. Now the experiments.
    """)

    # -- 3. Chronological ------------------------------------------------------------------------
    nb.md("""
    ## 3. A chronological feed (Guess et al. 2023)

    **Question.** What does the ranking add? **Design.** Consenting Facebook and Instagram users
    were randomly moved to a reverse-chronological feed for three months of the 2020 campaign;
    the rest kept the ranked feed. **Published.** Time spent fell substantially; political and
    untrustworthy content seen rose; content from moderate friends and mixed-audience sources
    rose on Facebook; polarization did not change detectably.

    The same design in the model (`fe.replicate` runs it over the seeds; `relative_effect` is
    the effect as a share of the control mean, `effect` is in the outcome's own unit, standard
    deviations for `extremity_change`):
    """)
    nb.code("""
    def effects_of(design, **options):
        tidy = fe.replicate(design, SEEDS, **WORLD, **options)
        # attitudes are compared in SD units (the field's unit), everything else relative
        tidy["value"] = np.where(tidy["outcome"] == "extremity_change", tidy["effect"],
                                 tidy["relative_effect"])
        return tidy

    chronological = effects_of("chronological")
    fe.summarise(chronological, value="value").round(3)
    """)
    nb.md("""
    Time spent falls, as in the field: the model's ranked feed keeps people scrolling because
    its posts are more engaging. Moderate sources rise, as on Facebook. But the share of
    untrustworthy content **falls** in every seed, the opposite of the field result; and the
    political share does not rise clearly. We come back to both in section 8.
    """)

    # -- 4. Reshares -----------------------------------------------------------------------------
    nb.md("""
    ## 4. Removing reshares (Guess et al. 2023)

    **Design.** A random set of consenting Facebook users got feeds without any reshared posts
    for three months. **Published.** Political news seen fell substantially, as did content from
    untrustworthy sources, clicks and reactions, and news knowledge; polarization and political
    attitudes did not change detectably.
    """)
    nb.code("""
    reshares = effects_of("no_reshares")
    fe.summarise(reshares, value="value").round(3)
    """)
    nb.md("""
    Here the model agrees on every measurable outcome: reshares are the channel through which
    engaging political and untrustworthy posts travel beyond the Pages one follows, so without
    them people see fewer of both and engage less. The model has no "news knowledge".
    """)

    # -- 5. Like-minded --------------------------------------------------------------------------
    nb.md("""
    ## 5. Fewer like-minded sources (Nyhan et al. 2023)

    **Design.** For 23,377 consenting users the feed showed content from like-minded sources
    less often, cutting their exposure to it by about a third, from late September to late
    December 2020. **Published.** Cross-cutting exposure rose, uncivil language fell, and none
    of eight attitudes (affective polarization, ideological extremity...) changed measurably.

    The model's treatment removes 60% of the like-minded posts from the feed's candidates,
    which (as the feed refills with other posts) cuts like-minded *exposure* by about a third:
    the same dose as the field's.
    """)
    nb.code("""
    like_minded = effects_of("fewer_like_minded")
    fe.summarise(like_minded, value="value").round(3)
    """)

    # -- 6. Deactivation -------------------------------------------------------------------------
    nb.md("""
    ## 6. A month without Facebook (Allcott et al. 2020)

    **Design.** Facebook users recruited by ads were paid to deactivate their accounts for the
    four weeks before the 2018 midterms (deactivation verified), or randomly kept them.
    **Published.** Online activity, news knowledge and political polarization fell; subjective
    well-being rose; people used Facebook less afterwards. The model has no well-being and no
    life outside the feed: it can only speak to polarization.
    """)
    nb.code("""
    deactivation = effects_of("deactivation")
    fe.summarise(deactivation, value="value").loc[["views", "extremity_change"]].round(3)
    """)

    # -- 7a. Amplification -----------------------------------------------------------------------
    nb.md("""
    ## 7. Amplification against a chronological holdout (Huszár et al. 2022)

    Twitter kept a randomly chosen control group, nearly 2 million daily active accounts, on a
    reverse-chronological timeline from 2016. Comparing how many people saw a group's tweets in
    the ranked timeline and in the holdout, *per user of each*, measures what the algorithm
    adds: the **amplification ratio**. A ratio of 1 means the algorithm neither helps nor hurts
    the group; 2 means it doubles the group's reach. In six of seven countries the mainstream
    right was amplified more than the mainstream left; right-leaning news sources were
    amplified more; extreme groups were **not** amplified more than moderate ones.

    ### Exercise 1 (3 points): the amplification ratio

    Write `amplification_ratio(impressions, treated, groups)`:

    * `impressions`: an array (users x sources), how often each user saw each source's posts;
    * `treated`: a boolean array, `True` for users of the ranked feed, `False` for the
      holdout;
    * `groups`: an array with one label per source (for example `"left"`, `"right"`).

    Return a pandas `Series` indexed by the group labels whose values are the amplification
    ratios: a group's impressions per ranked-feed user divided by its impressions per holdout
    user. The two arms have different sizes (the holdout is small), so compare per user.

    Write the code yourself: an answer that just calls
    `course.field_experiments.amplification_ratio` scores zero.
    """)
    nb.answer("amplification_ratio", """
    def amplification_ratio(impressions, treated, groups):
        \"\"\"Impressions of each group per ranked-feed user / per holdout user (a Series).\"\"\"
        ### BEGIN SOLUTION
        impressions = np.asarray(impressions, dtype=float)
        treated = np.asarray(treated, dtype=bool)
        groups = np.asarray(groups)
        ratios = {}
        for g in np.unique(groups):
            seen = impressions[:, groups == g].sum(axis=1)
            ratios[g] = seen[treated].mean() / seen[~treated].mean()
        return pd.Series(ratios)
        ### END SOLUTION
    """)
    nb.tests("amplification_ratio", points=3, visible="""
    checks.check("amplification_ratio", strict=True)
    """, hidden="""
    rng = np.random.default_rng(7)
    imp = rng.poisson(3.0, size=(50, 6)).astype(float)
    arm = rng.random(50) < 0.8
    labels = np.array(["a", "b", "a", "c", "b", "c"])
    got = pd.Series(amplification_ratio(imp, arm, labels)).astype(float)
    want = fe.amplification_ratio(imp, arm, labels)
    assert sorted(map(str, got.index)) == ["a", "b", "c"]
    assert np.allclose(got.reindex(want.index), want)
    same = amplification_ratio(np.ones((4, 2)), np.array([True, True, True, False]),
                               np.array(["x", "y"]))
    assert np.allclose(pd.Series(same).astype(float), 1.0)
    """)
    nb.md("""
    Now the Twitter design in the model: a random 20% of users keep a chronological feed, the
    rest get the ranked one, and we compute the amplification of political Pages by side and by
    position (extreme: |slant| of 0.6 or more), in every seed. The model counts expected views
    of each Page's posts rather than distinct people reached, as Twitter did; with a few posts
    a day per Page the two tell the same story. (The cell uses the course's
    `fe.amplification_ratio`, so it runs whatever your answer.)
    """)
    nb.code("""
    amplification = fe.holdout_amplification(SEEDS, **WORLD)
    amp = amplification.pivot(index="seed", columns="group", values="amplification_ratio")
    amp_summary = fe.summarise(amplification, value="amplification_ratio", by="group")

    fig, ax = plt.subplots(figsize=(8, 4.5))
    order = ["left", "right", "moderate", "extreme"]
    for i, group in enumerate(order):
        ax.scatter(np.full(len(amp), i), amp[group], color=PALETTE[0], alpha=0.5,
                   label="one seed" if i == 0 else None)
        row = amp_summary.loc[group]
        ax.errorbar(i + 0.15, row["mean"], yerr=[[row["mean"] - row["ci_low"]],
                                                 [row["ci_high"] - row["mean"]]],
                    fmt="s", color=PALETTE[1], capsize=4,
                    label="mean, 95% interval" if i == 0 else None)
    ax.axhline(1, color="grey", ls="--", lw=1)
    ax.set_xticks(range(len(order)), ["left Pages", "right Pages", "moderate Pages",
                                      "extreme Pages"])
    ax.legend(loc="upper left", frameon=True)
    label(ax, "Amplification by the ranked feed (1 = none)", "political Pages",
          "views per ranked-feed user / per holdout user")
    plt.tight_layout()
    amp_summary.round(3)
    """)
    nb.md("""
    The model amplifies extreme Pages and *de-amplifies* moderate ones, in every seed: its
    ranking rewards engagement and its users engage more with extreme posts (`extremity_pull`).
    Twitter's data found no such thing. And the model's left and right are symmetric by
    construction, so it cannot produce the right-left asymmetry Twitter found; whichever side
    comes out ahead in a seed does so by chance.
    """)

    # -- 7b. Decomposition -----------------------------------------------------------------------
    nb.md("""
    ## 8. Algorithm or choice? (Bakshy et al. 2015; González-Bailón et al. 2023)

    Bakshy et al. followed cross-cutting hard news through three filters: who your friends are
    (what they share: the **potential** exposure), the ranked News Feed (what you were
    **exposed** to) and your own clicks (what you **selected**). Of the hard news friends
    shared, 29.5% was cross-cutting; of what the feed showed, 28.9%; of what people clicked,
    24.9%. The ranking removed a little, people's choices more, and their friendships most of
    all (had friends been chosen at random, about 40% would have been cross-cutting).

    ### Exercise 2 (3 points): decompose cross-cutting exposure

    Write `exposure_decomposition(stages)`. `stages` is a DataFrame with one row per user and
    columns `<stage>_cross_cutting` and `<stage>_political` for the stages `random` (all
    political posts of the platform), `potential`, `exposed` and `engaged`: the number of
    cross-cutting political posts and of all political posts at that stage (like
    `one.stages`). Return a pandas `Series` with

    * `random`, `potential`, `exposed`, `engaged`: the share of cross-cutting posts among
      political posts at each stage, **pooled** over users (add up over users, then divide);
    * `network_effect`, `algorithm_effect`, `choice_effect`: the relative cut in that share
      from `random` to `potential`, from `potential` to `exposed` and from `exposed` to
      `engaged` (for example, from 29.5% to 28.9% is a cut of 1 - 28.9/29.5, about 2%).

    Write the code yourself: an answer that just calls
    `course.field_experiments.exposure_decomposition` scores zero.
    """)
    nb.answer("exposure_decomposition", """
    def exposure_decomposition(stages):
        \"\"\"Pooled cross-cutting share at each stage and the relative cut between stages.\"\"\"
        ### BEGIN SOLUTION
        names = ["random", "potential", "exposed", "engaged"]
        share = {s: stages[f"{s}_cross_cutting"].sum() / stages[f"{s}_political"].sum()
                 for s in names}
        out = pd.Series(share)
        out["network_effect"] = 1 - share["potential"] / share["random"]
        out["algorithm_effect"] = 1 - share["exposed"] / share["potential"]
        out["choice_effect"] = 1 - share["engaged"] / share["exposed"]
        return out
        ### END SOLUTION
    """)
    nb.tests("exposure_decomposition", points=3, visible="""
    checks.check("exposure_decomposition", strict=True)
    """, hidden="""
    real = exposure_decomposition(one.stages)
    want = fe.exposure_decomposition(one.stages)
    assert np.allclose(pd.Series(real)[want.index].astype(float), want)
    toy = pd.DataFrame({"random_cross_cutting": [45.0], "random_political": [100.0],
                        "potential_cross_cutting": [29.5], "potential_political": [100.0],
                        "exposed_cross_cutting": [28.9], "exposed_political": [100.0],
                        "engaged_cross_cutting": [24.9], "engaged_political": [100.0]})
    got = pd.Series(exposure_decomposition(toy))
    assert abs(got["algorithm_effect"] - (1 - 28.9 / 29.5)) < 1e-12
    assert abs(got["choice_effect"] - (1 - 24.9 / 28.9)) < 1e-12
    """)
    nb.md("""
    The same decomposition in the model, over the seeds (with the course's function), together
    with González-Bailón et al.'s measure: the **isolation index** of the audiences of political
    posts at the potential, exposed and engaged stages (0: left and right see the same mix, 1:
    they see nothing in common). Their finding on Facebook in 2020: segregation is high, and it
    rises at each stage.
    """)
    nb.code("""
    decomposition = fe.decomposition_over_seeds(SEEDS, **WORLD)
    decomposition_summary = fe.summarise(decomposition, value="value", by="measure")
    decomposition_summary.round(3)
    """)
    nb.md("""
    In the model both filters are at work, and the ranking cuts cross-cutting exposure about as
    much as choice does (often more): its ranking *is* a prediction of the user's choices, so it
    applies their preference for agreeable posts before they make it. In Bakshy et al.'s data
    the ranking removed only about 2% of cross-cutting news and choice about 14%. Segregation
    rises from potential to exposed to engaged audiences, as González-Bailón et al. found.
    """)

    # -- 9. Side by side -------------------------------------------------------------------------
    nb.md("""
    ## 9. Side by side

    Every comparison in one table: the published effect (direction, figure where the paper
    gives one, and the stated uncertainty) and the simulated effect with its 95% interval across
    seeds. The verdict compares *directions*: `agree` when the simulated interval lies on the
    published side of zero (or covers zero where the study found no detectable effect).
    """)
    nb.code("""
    def observational(tidy, value, by, pairs):
        pivot = tidy.pivot(index="seed", columns=by, values=value)
        rows = [pd.DataFrame({"seed": pivot.index, "measure": name,
                              "value": (pivot[a] - pivot[b]).to_numpy()})
                for name, (a, b) in pairs.items()]
        return pd.concat(rows, ignore_index=True)

    experiments = pd.concat([chronological, reshares, like_minded, deactivation])
    simulated = fe.summarise(experiments, value="value", by=["design", "outcome"])
    holdout = fe.summarise(observational(
        amplification, "amplification_ratio", "group",
        {"right_minus_left": ("right", "left"), "extreme_minus_moderate": ("extreme", "moderate")}),
        value="value", by="measure")
    stages = fe.summarise(observational(
        decomposition, "value", "measure",
        {"algorithm_minus_choice": ("algorithm_effect", "choice_effect"),
         "isolation_exposed_minus_potential": ("isolation_exposed", "isolation_potential")}),
        value="value", by="measure")
    holdout.index = pd.MultiIndex.from_product([["holdout"], holdout.index])
    stages.index = pd.MultiIndex.from_product([["decomposition"], stages.index])
    simulated = pd.concat([simulated, holdout, stages])

    side_by_side = fe.compare_with_field(simulated)
    for _, row in side_by_side.iterrows():
        sign = {"up": 1, "down": -1, "no detectable effect": 0}[row["simulated_direction"]]
        record(f"sign_{row['design']}_{row['simulated_measure']}", sign)
    record("verdicts_agree", int((side_by_side["verdict"] == "agree").sum()))
    side_by_side[["study", "outcome", "published", "simulated", "ci_low", "ci_high", "scale",
                  "verdict"]].round(3)
    """)
    nb.md("""
    And as one figure: each row is a comparison; the square and bar are the simulated effect
    and its interval (on the scale given in the table), the arrow on the right the published
    direction. Colour says whether they agree.
    """)
    nb.code("""
    plot = side_by_side.iloc[::-1].reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(11, 6.5))
    colours = {"agree": PALETTE[2], "disagree": PALETTE[3]}
    scale = np.maximum(plot[["ci_low", "ci_high", "simulated"]].abs().max(axis=1), 1e-9)
    for i, row in plot.iterrows():
        lo, mid, hi = (row[c] / scale[i] for c in ("ci_low", "simulated", "ci_high"))
        ax.plot([lo, hi], [i, i], color=colours[row["verdict"]], lw=2.5)
        ax.plot(mid, i, "s", color=colours[row["verdict"]], ms=7)
        arrow = {"up": "▲ up", "down": "▼ down"}.get(row["published"].split(" (")[0], "● none")
        ax.text(1.25, i, arrow, va="center", fontsize=10)
    ax.axvline(0, color="grey", lw=1)
    ax.set_yticks(range(len(plot)), plot["label"], fontsize=9)
    ax.set_xlim(-1.15, 1.6)
    ax.plot([], [], "s-", color=colours["agree"], label="model agrees with the field")
    ax.plot([], [], "s-", color=colours["disagree"], label="model disagrees")
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.06), ncol=2, frameon=False)
    label(ax, "Simulated effects (scaled to the largest |value| per row) and published directions",
          "simulated effect, 95% interval across seeds (scaled)", "")
    plt.tight_layout()
    plt.show()
    """)

    # -- 10. Why -----------------------------------------------------------------------------------
    nb.md("""
    ## 10. Where they disagree, and why

    Plainly: the model gets the **engagement** effects right (a chronological feed and a feed
    without reshares cut time spent, engagement and the spread of political and untrustworthy
    posts through reshares), and it gets **wrong** the effects of ranking on *what kind* of
    content people see: in the field a chronological feed raised untrustworthy and political
    content; extremes were not amplified more than moderates on Twitter; Facebook's ranking
    barely cut cross-cutting news in 2014. On attitudes the model moves people by small but
    (with many seeds and no survey noise) detectable amounts where the field detected nothing,
    and finds nothing where the field found something (a month without Facebook reduced
    polarization). Mind the sizes: the model's attitude effects are a few hundredths of a
    standard deviation, smaller than field surveys of thousands of people can resolve, so a
    disagreement in sign is not always a disagreement in substance. Why the rest?

    **A platform already tuned by integrity work.** The model ranks by engagement alone. By
    2020 Facebook's ranking also demoted content from sources and posts its integrity systems
    flagged (the experiments ran while extra election-time measures were on). Give the model
    such a demotion (`integrity_demotion=1`: a predicted-engagement penalty for untrustworthy
    posts) and rerun the chronological experiment:
    """)
    nb.code("""
    tuned = effects_of("chronological", integrity_demotion=1.0)
    tuned_summary = fe.summarise(tuned, value="value")
    low, high = tuned_summary.loc["untrustworthy_share", ["ci_low", "ci_high"]]
    record("sign_tuned_chronological_untrustworthy_share", int(low > 0) - int(high < 0))
    pd.DataFrame({"engagement-only ranking": fe.summarise(chronological, value="value")["mean"],
                  "with integrity demotion": tuned_summary["mean"]}).loc[
        ["views", "political_share", "untrustworthy_share", "moderate_share"]].round(3)
    """)
    nb.md("""
    With the demotion, moving to a chronological feed *raises* untrustworthy content, as in the
    field, and the political share rises too, while time spent still falls. The field result is
    what you expect from a feed whose ranking already holds untrustworthy sources down; it says
    little about a feed that ranks by engagement alone, which is what notebook 07's cascade
    model (and its "chronological feeds shrink false cascades about four times") assumed. Both
    can be true: ranking *can* amplify misinformation, and Facebook's ranking in 2020 did not,
    on balance, for these users. Which is the platform's point and the film's, at once.

    **What the field could not measure.**

    * *Short horizons.* Three months (four weeks for deactivation) during an election. Attitudes
      formed over years may move slowly; the model's `influence` has no such inertia. Run the
      model with `influence=0` and every simulated attitude effect vanishes: the model's
      attitude results are its assumption, not a finding.
    * *Spillovers.* Treated users' friends were mostly untreated. Removing reshares for
      everyone would also starve everyone's friends of reshares. The cell below compares the
      individual-level experiment with a platform-wide change in the model.
    * *Who consents.* Volunteers willing to have their feed changed (or to leave Facebook for
      pay) are not everyone.
    """)
    nb.code("""
    def platform_wide(design, seeds=SEEDS, **options):
        rows = []
        for seed in seeds:
            w = social_feed.make_social_world(n_users=N_USERS, n_pages=N_PAGES, seed=seed)
            base = social_feed.run_feed(w, steps=STEPS, seed=seed, **options).per_user
            changed = social_feed.run_feed(w, steps=STEPS, seed=seed, **fe.DESIGNS[design],
                                           **options).per_user
            rows.append({"seed": seed, "outcome": "political_views",
                         "value": changed["political_views"].mean()
                         / base["political_views"].mean() - 1})
        return pd.DataFrame(rows)

    everyone = fe.summarise(platform_wide("no_reshares"), value="value")
    individual = fe.summarise(reshares, value="value").loc[["political_views"]]
    pd.DataFrame({"half of users treated (the field's design)": individual["mean"],
                  "everyone treated": everyone["mean"]}).round(3)
    """)
    nb.md("""
    Treating everyone removes more political news than treating individuals: the treated
    users' friends also lose what they would have reshared. Experiments that randomise
    individuals measure the effect of *your* feed changing, not of *the platform* changing.
    """)

    # -- 11. Written answer ------------------------------------------------------------------------
    nb.written("verdict", points=5, prompt="""
    **What would you tell each side of the debate now?** In 200-300 words, write one paragraph
    to Facebook's authors of "What *The Social Dilemma* Gets Wrong" and one to the film's makers.
    For each, say which of their claims the field evidence supports, which it contradicts, and
    which it cannot settle, citing at least three studies and at least two numbers or
    directions from this notebook. End with one experiment you would run next, and why.
    """, model_answer="""
    *To the platform:* the evidence supports you on attitudes and on individual choice. Three
    randomised experiments during the 2020 election (a chronological feed, no reshares, a third
    fewer like-minded sources) found no detectable change in polarization over three months,
    and in Bakshy et al.'s data people's own clicks removed more cross-cutting news (29.5% to
    28.9% by ranking, to 24.9% by choice). Your ranking did not increase untrustworthy content:
    users moved to a chronological feed saw more of it. But the same experiments show that
    ranking is what keeps people on the site (time spent fell substantially without it) and
    that reshares carry political and untrustworthy news; a month off Facebook reduced
    polarization and raised well-being (Allcott et al.), so "the feed is not what drives it"
    is not established either. *To the film:* the claim that engagement ranking by itself
    radicalises people finds no support in these short experiments, and the echo chamber is
    mostly of people's own making (friends, follows, clicks). But your mechanism is real in
    our model and partly in the data: ranking amplifies some political content (Twitter's
    right in 6 of 7 countries), segregation rises from potential to exposed to engaged
    audiences (González-Bailón et al.), and the integrity work that kept untrustworthy sources
    down is a choice a platform can undo. What cannot be settled: effects over years, at
    platform scale (spillovers), and outside an election with extra safeguards. Next
    experiment: a long-running, cluster-randomised chronological feed (whole friend groups
    treated together) with attitude surveys over a year, to measure what the short,
    individual experiments could not.
    """, rubric="""
    - 1 pt: for the platform side, names at least one supported and one contradicted or
      unsettled claim, with a study.
    - 1 pt: for the film side, the same.
    - 1 pt: cites at least three distinct studies correctly (design or result) and at least two
      numbers or directions from the notebook.
    - 1 pt: names a genuine limit of the evidence (short horizon, spillovers/individual
      randomisation, integrity-tuned platform, consenting samples, survey noise).
    - 1 pt: proposes a concrete next experiment that addresses that limit.
    """)

    # -- Summary -----------------------------------------------------------------------------------
    nb.md("""
    ## Summary

    * **The field.** Randomised experiments on Facebook, Instagram and Twitter tested the
      debate's claims: ranking keeps people on the platform; reshares carry political and
      untrustworthy news; on Facebook in 2020 a chronological feed *raised* exposure to
      untrustworthy sources; a third fewer like-minded sources changed no attitude
      measurably; a month off Facebook reduced polarization and raised well-being; the people
      one befriends and what one clicks filter cross-cutting news more than the ranking did.
    * **The model** agrees on engagement (time spent, clicks, reshares) and disagrees on what
      ranking does to content (untrustworthy sources, extremes, cross-cutting news) and on
      attitudes. The disagreements trace to assumptions: engagement-only ranking (no integrity
      work), engagement that grows with extremity, attitudes that move with every post.
    * **What experiments cannot see:** long horizons, spillovers through friends, the platform
      as a whole, and people who did not consent. A null result over three months is not a
      null effect over ten years.
    * **Method.** Re-create the design, measure the same outcome, report an interval across
      seeds, and say plainly where the model and the world part.

    ## Further reading

    * The seven studies: `facts.field_studies_table()["citation"]`. The 2020 Facebook and
      Instagram election studies also include the methods papers in the same issues of
      *Science* and *Nature* (28 July 2023).
    * C. Bagchi et al. (2024), a comment in *Science* on the chronological-feed experiment: it
      ran while Facebook's temporary election-time news-feed measures were in force.
    * M. H. Ribeiro, R. Ottoni, R. West, V. Almeida, W. Meira (2020), "Auditing radicalization
      pathways on YouTube", FAT* 2020; H. Hosseinmardi et al. (2021), "Examining the
      consumption of radical content on YouTube", *PNAS*; H. Hosseinmardi et al. (2024),
      "Causally estimating the effect of YouTube's recommender system using counterfactual
      bots", *PNAS*.
    * S. Vosoughi, D. Roy, S. Aral (2018), "The spread of true and false news online",
      *Science* (false news about 70% more likely to be retweeted).
    * A. Chaney, B. Stewart, B. Engelhardt (2018), "How algorithmic confounding in
      recommendation systems increases homogeneity and decreases utility", RecSys.
    * M. Gentzkow and J. M. Shapiro (2011), "Ideological segregation online and offline",
      *Quarterly Journal of Economics* (the isolation index).

    ## Check your work
    """)
    nb.code("""
    checks.check_all()
    """)
    return nb


if __name__ == "__main__":
    build().write()
