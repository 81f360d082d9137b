"""Build ``07-misinformation``: integrity and virality on a simulated social network."""

from nbbuild import Notebook

ASSIGNMENT = "07-misinformation"
QUICK_PARAMETERS = {"N_USERS": 500, "N_ITEMS": 80, "STEPS": 20, "N_SEEDS": 3}

# Figures of seeded runs: plain numpy and networkx, same seeds same numbers. Means over seeds
# and conclusions that hold in every seed (1 = yes).
EXPECTED = {
    "mean_degree": (7.916, 1e-6),
    "max_degree": (97, 0),
    "mean_excess_degree": (15.843355229914096, 1e-6),
    "false_reach_engagement": (61.083333333333336, 1e-6),
    "true_reach_engagement": (15.458333333333334, 1e-6),
    "false_reach_chronological": (11.5625, 1e-6),
    "false_share_engagement": (0.5411265235164862, 1e-6),
    "false_beats_true_every_seed": (1, 0),
    "engagement_beats_chronological_every_seed": (1, 0),
    "downrank_factor_for_80pct": (0.2, 1e-6),
    "false_reach_none": (61.083333333333336, 1e-6),
    "false_reach_downrank": (35.25, 1e-6),
    "false_reach_remove": (33.166666666666664, 1e-6),
    "policies_cut_reach_every_seed": (1, 0),
    "remove_below_downrank_every_seed": (1, 0),
    "false_reach_fast_small": (17.979166666666668, 1e-6),
    "false_reach_slow_large": (55.020833333333336, 1e-6),
    "delay_hurts_every_seed": (1, 0),
}
EXPECTED_FULL = {
    "mean_degree": (7.975, 1e-6),
    "max_degree": (209, 0),
    "mean_excess_degree": (20.499435736677118, 1e-6),
    "false_reach_engagement": (181.97500000000002, 1e-6),
    "true_reach_engagement": (69.50625, 1e-6),
    "false_reach_chronological": (29.74375, 1e-6),
    "false_share_engagement": (0.4283748863645575, 1e-6),
    "false_beats_true_every_seed": (1, 0),
    "engagement_beats_chronological_every_seed": (1, 0),
    "downrank_factor_for_80pct": (0.35, 1e-6),
    "false_reach_none": (181.97500000000002, 1e-6),
    "false_reach_downrank": (87.86875, 1e-6),
    "false_reach_remove": (61.606249999999996, 1e-6),
    "policies_cut_reach_every_seed": (1, 0),
    "remove_below_downrank_every_seed": (1, 0),
    "false_reach_fast_small": (98.93333333333334, 1e-6),
    "false_reach_slow_large": (141.625, 1e-6),
    "delay_hurts_every_seed": (1, 0),
}
WRONG_ANSWER = ("see_probability", """
def see_probability(sharing_friends, visibility):
    # adds up the chances of each share instead of combining them
    return np.minimum(1.0, np.asarray(sharing_friends) * np.asarray(visibility)[:, None])
""")


def build() -> Notebook:
    nb = Notebook(ASSIGNMENT, "Misinformation: virality, ranking and fact-checking")
    nb.md("""
    # Misinformation: virality, ranking and fact-checking

    *The Social Dilemma* argues that feeds built for engagement spread falsehoods faster than
    truth, because falsehoods are more engaging. Facebook's reply points to its integrity work:
    more than 70 independent fact-checking partners, and false stories shown lower in the feed
    once they are rated. Both claims are about **cascades**: a post spreads when people share
    it with their friends, and a feed decides which shares each friend actually sees.

    This notebook builds a cascade model on a synthetic social network, with posts that are
    true or false, a feed that ranks by engagement or by time, and fact-checkers with limited
    capacity who take time to act. Then we compare what the platform can do: nothing,
    **downrank** false posts, or **remove** them.

    **Learning objectives.** After this notebook you can
    1. describe a social graph by its degree distribution and clustering, and say why hubs
       matter for spreading;
    2. simulate an independent-cascade process and compute the probability that a user sees
       a post shared by several friends;
    3. measure reach, and the share of all exposures that go to false posts;
    4. model fact-checking with limited capacity and delay, and compare downranking, removal
       and doing nothing;
    5. explain why the *speed* of fact-checking can matter more than its severity;
    6. report a simulated result with its interval across seeds, and say which of the model's
       assumptions it rests on.

    **Estimated time:** 90 minutes.
    **Prerequisites:** notebook 04 (engagement ranking) and basic probability.
    """)
    nb.md("""
    The parameters: the size of the network, the number of posts and the fact-checkers'
    resources. Leave them as they are for grading; change them in section 7.
    """)
    nb.parameters("""
    SEED = 2020       # the same seed gives the same network, posts and cascades
    N_USERS = 2000    # people in the network (the quick test run uses fewer)
    N_ITEMS = 200     # posts, 20% of them false
    STEPS = 30        # rounds of seeing and sharing
    CAPACITY = 5      # posts the fact-checkers can check per step
    DELAY = 3         # steps after posting before a post can be checked
    N_SEEDS = 4       # independent replications (new network, posts and cascades each)
    """)
    nb.code("""
    import matplotlib.pyplot as plt
    import networkx as nx
    import numpy as np
    import pandas as pd

    from course import cascade, checks, facts
    from course.checks import hint
    from course.record import record
    from course.replication import summarize
    from course.style import PALETTE, SEQUENTIAL_CMAP, label, use_course_style

    use_course_style()
    checks.start("07-misinformation")
    SEEDS = list(range(SEED, SEED + N_SEEDS))
    """)

    # -- 1. Graph --------------------------------------------------------------------------------
    nb.md("""
    ## 1. A synthetic social network

    Real friendship networks have two features that matter for spreading: a few people have
    very many friends (**hubs**; the degree distribution has a heavy tail), and friends of
    friends are often friends (**clustering**). The Holme-Kim model
    (`networkx.powerlaw_cluster_graph`) has both: people join one by one, befriend existing
    people with probability proportional to how many friends they already have, and often
    close triangles. `cascade.make_social_graph` wraps it with a seed.
    """)
    nb.code("""
    graph = cascade.make_social_graph(n_users=N_USERS, seed=SEED)
    degrees = np.array([d for _, d in graph.degree()])
    mean_degree = degrees.mean()
    clustering = nx.average_clustering(graph)
    print(f"{graph.number_of_nodes()} people, {graph.number_of_edges()} friendships; "
          f"mean degree {mean_degree:.1f}, largest {degrees.max()}, "
          f"average clustering {clustering:.3f}")
    record("mean_degree", mean_degree)
    record("max_degree", int(degrees.max()))

    fig, ax = plt.subplots(figsize=(7.5, 4.5))
    values, counts = np.unique(degrees, return_counts=True)
    ax.loglog(values, counts / counts.sum(), "o", color=PALETTE[0], ms=4)
    label(ax, "Degree distribution (log-log)", "number of friends", "share of people")
    plt.tight_layout()
    """)
    nb.md("""
    On log-log axes the distribution is close to a straight line: a power law. Most people
    have a handful of friends, a few have a hundred or more. A post that reaches a hub is
    shown to many people at once, so cascades are very uneven: most posts die quietly and a few
    explode.
    """)

    # -- 2. Posts --------------------------------------------------------------------------------
    nb.md("""
    ## 2. Posts: truth and engagement pull

    Each post (`cascade.make_items`) has a truth label, a first poster, a posting step in the
    first ten steps, and an **engagement pull**: the probability that someone who sees it
    shares it. In the largest study of the question (Vosoughi, Roy & Aral 2018, about 126,000
    rumour cascades on Twitter, 2006-2017), false news spread "farther, faster, deeper and more
    broadly" than true news: false stories were **70% more likely to be retweeted**
    (`facts.FALSE_NEWS_RETWEET_ADVANTAGE`), largely because they were more novel and provoked
    stronger reactions.

    That 70% is an *outcome*: people's choices, seen through the feeds they used. In our model
    a post is passed on in proportion to *visibility x pull*, and under the engagement feed the
    visibility itself grows with the pull. Giving false posts 70% more pull **and** more
    visibility would count Vosoughi et al.'s advantage twice. So the model splits it: false
    posts' mean pull is sqrt(1.7), about 1.30 times true posts' (0.15 against about 0.196,
    `cascade.FALSE_PULL_RATIO`), and the engagement feed's visibility adds the other factor of
    about 1.30, for 1.7 in all. Under a chronological feed only the first half remains. The
    split is an assumption (section 7 lets you change it), not a measurement.
    """)
    nb.code("""
    items = cascade.make_items(n_items=N_ITEMS, n_users=N_USERS, seed=SEED)
    fig, ax = plt.subplots(figsize=(7.5, 4))
    bins = np.linspace(0, 0.7, 36)
    ax.hist(items.loc[~items["is_false"], "pull"], bins=bins, color=PALETTE[0], alpha=0.8,
            label="true posts")
    ax.hist(items.loc[items["is_false"], "pull"], bins=bins, color=PALETTE[1], alpha=0.8,
            label="false posts")
    ax.legend()
    label(ax, "Engagement pull of true and false posts", "share probability once seen",
          "posts")
    plt.tight_layout()
    pulls = items.groupby("is_false")["pull"].mean()
    print(f"mean pull: true {pulls[False]:.3f}, false {pulls[True]:.3f} "
          f"(ratio {pulls[True] / pulls[False]:.2f})")
    items.head()
    """)

    # -- 3. Spreading -----------------------------------------------------------------------------
    nb.md("""
    ## 3. How a post spreads

    Each step, everyone who newly saw a post decides to share it (with probability equal to
    its pull). A share goes into each friend's feed, and the **feed** decides whether the
    friend actually sees it: each share is shown with probability `visibility`. Under an
    **engagement-ranked** feed, posts with more pull are shown more
    (`visibility = 0.3 * pull / mean pull`, at most 1); under a **chronological** feed every
    share is shown with the same probability 0.3.

    A user with $c$ friends who shared the post this step sees it unless every one of those $c$
    shares is hidden, so

    $$ P(\\text{see}) = 1 - (1 - v)^{c}. $$

    ### Exercise 1 (2 points): the probability of seeing a post

    Write `see_probability(sharing_friends, visibility)`: `sharing_friends` is an integer array
    (posts x users) of how many of each user's friends shared each post this step, and
    `visibility` a 1-D array with one probability per post. Return the array (posts x users)
    of probabilities of seeing each post.
    Write the code yourself: an answer that just calls `course.cascade.see_probability` scores
    zero.
    """)
    nb.answer("see_probability", """
    def see_probability(sharing_friends, visibility):
        \"\"\"P(see) = 1 - (1 - v) ** c, with v broadcast over each post's row.\"\"\"
        ### BEGIN SOLUTION
        c = np.asarray(sharing_friends, dtype=float)
        v = np.asarray(visibility, dtype=float)[:, None]
        return 1.0 - (1.0 - v) ** c
        ### END SOLUTION
    """)
    nb.tests("see_probability", points=2, visible="""
    checks.check("see_probability", strict=True)
    """, hidden="""
    assert np.allclose(see_probability(np.array([[0, 1, 2]]), np.array([0.5])),
                       [[0.0, 0.5, 0.75]])
    got = see_probability(np.array([[3, 0], [1, 2]]), np.array([0.1, 1.0]))
    assert np.allclose(got, [[1 - 0.9 ** 3, 0.0], [1.0, 1.0]])
    """)
    nb.md("""
    Now run the cascades for every post, with the engagement-ranked feed and no
    fact-checking (`capacity=0`), using the course's `cascade.spread`. `result.reach[t, i]` is
    how many people had seen post `i` after step `t`.
    """)
    nb.code("""
    no_checks = cascade.spread(graph, items, steps=STEPS, capacity=0, seed=SEED)
    reach = no_checks.items["reach"]

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    is_false = items["is_false"].to_numpy()
    for truth, color, text in [(False, PALETTE[0], "true"), (True, PALETTE[1], "false")]:
        curves = no_checks.reach[:, is_false == truth]
        axes[0].plot(curves, color=color, alpha=0.25, lw=1)
        axes[0].plot([], [], color=color, label=f"{text} posts")
    axes[0].legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2)   # off the curves
    label(axes[0], "Reach of every post over time", "step", "people who saw the post")
    bins = np.logspace(0, np.log10(max(reach.max(), 10)), 30)
    axes[1].hist(reach[~is_false], bins=bins, color=PALETTE[0], alpha=0.8, label="true posts")
    axes[1].hist(reach[is_false], bins=bins, color=PALETTE[1], alpha=0.8, label="false posts")
    axes[1].set_xscale("log")
    axes[1].legend()
    label(axes[1], "Final reach", "people who saw the post (log scale)", "posts")
    plt.tight_layout()
    no_checks.summary()
    """)
    nb.md("""
    A modest difference in pull (about 0.196 against 0.15) makes a large difference in reach.
    The reason is the threshold behaviour of cascades. Each viewer passes the post on to about
    *R = (other friends) x visibility x pull* new viewers; below 1, cascades die out, above 1
    they can take over a large part of the network. But "other friends" is **not** the mean
    number of friends. A post reaches people *through* friendships, and someone with 100
    friends is reached 25 times as often as someone with 4: a viewer is typically a
    well-connected person. The number that matters is the **mean excess degree**,
    <k²>/<k> - 1, the average number of other friends of someone reached along a friendship.
    In a network with hubs it is several times the mean degree:
    """)
    nb.code("""
    excess = cascade.mean_excess_degree(graph)
    visibility_true = 0.3 * pulls[False] / items["pull"].mean()
    visibility_false = 0.3 * pulls[True] / items["pull"].mean()
    threshold = pd.DataFrame({
        "R, engagement feed": [cascade.reproduction_number(graph, visibility_true, pulls[False]),
                               cascade.reproduction_number(graph, visibility_false,
                                                           pulls[True])],
        "R, chronological feed": [cascade.reproduction_number(graph, 0.3, pulls[False]),
                                  cascade.reproduction_number(graph, 0.3, pulls[True])],
        "R with the mean degree (wrong)": [mean_degree * visibility_true * pulls[False],
                                           mean_degree * visibility_false * pulls[True]],
    }, index=["true posts", "false posts"])
    print(f"mean degree {mean_degree:.1f}, mean excess degree {excess:.1f}")
    record("mean_excess_degree", excess)
    threshold.round(2)
    """)
    nb.md("""
    With the mean degree every post would look far below the threshold, and no cascade would
    take off; with the excess degree the average true post sits just below 1 and the average
    false post above it, under either feed (well above it under the engagement feed). Pulls
    vary from post to post, so some true posts spread too and some false ones die. A 30% edge
    in sharing, multiplied again by the ranking, is the difference between fizzling and
    spreading.

    ### Exercise 2 (1 point): the share of exposures that are false

    A platform's integrity reports often quote the share of content *views* that were of
    violating content ("prevalence"). Write `exposure_share(reach, is_false)`: given each post's
    reach and a boolean array marking false posts, return the share of all exposures that went
    to false posts (0 when there are no false posts).
    """)
    nb.answer("exposure_share", """
    def exposure_share(reach, is_false):
        \"\"\"Share of all exposures (sum of reach) that went to false posts.\"\"\"
        ### BEGIN SOLUTION
        reach = np.asarray(reach, dtype=float)
        is_false = np.asarray(is_false, dtype=bool)
        total = reach.sum()
        return float(reach[is_false].sum() / total) if total else 0.0
        ### END SOLUTION
    """)
    nb.tests("exposure_share", points=1, visible="""
    checks.check("exposure_share", strict=True)
    """, hidden="""
    assert abs(exposure_share(np.array([1, 3]), np.array([True, False])) - 0.25) < 1e-12
    assert abs(exposure_share(np.array([10, 30, 60]), np.array([True, False, True])) - 0.7) \\
        < 1e-12
    assert exposure_share(np.array([4, 4]), np.array([False, False])) == 0.0
    """)
    nb.md("""
    ### One seed is an anecdote

    The figures above come from one network and one set of posts. Before comparing feeds,
    repeat the comparison on `N_SEEDS` independent networks (each seed draws a new network, new
    posts and new cascades; within a seed both feeds see the same posts and the same random
    draws) and report every figure with its 95% interval across seeds.
    """)
    nb.code("""
    by_feed = cascade.compare_over_seeds(
        SEEDS, n_users=N_USERS, n_items=N_ITEMS, rankings=("engagement", "chronological"),
        policies=("none",), steps=STEPS, capacity=0)
    long = by_feed.melt(id_vars=["seed", "ranking"],
                        value_vars=["false_reach", "true_reach", "false_exposure_share"],
                        var_name="measure")
    ranking_table = summarize(long, by=["ranking", "measure"]).set_index(["ranking", "measure"])
    wide = by_feed.pivot(index="seed", columns="ranking", values="false_reach")
    shrink = wide["engagement"] / wide["chronological"]
    eng = by_feed[by_feed["ranking"] == "engagement"]

    fig, ax = plt.subplots(figsize=(8, 4.5))
    for j, (ranking, colour) in enumerate([("engagement", PALETTE[1]),
                                           ("chronological", PALETTE[0])]):
        for i, measure in enumerate(["false_reach", "true_reach"]):
            row = ranking_table.loc[(ranking, measure)]
            x = i + (j - 0.5) * 0.35
            ax.bar(x, row["mean"], 0.33, color=colour, alpha=0.85,
                   label=f"{ranking} feed" if i == 0 else None)
            ax.errorbar(x, row["mean"], yerr=[[row["mean"] - row["ci_low"]],
                                              [row["ci_high"] - row["mean"]]],
                        color="black", capsize=4)
            seeds_x = np.full(len(SEEDS), x)
            ax.scatter(seeds_x, by_feed.loc[by_feed["ranking"] == ranking, measure],
                       color="black", s=10, zorder=3)
    ax.set_xticks([0, 1], ["false posts", "true posts"])
    ax.legend(loc="upper right")
    label(ax, f"Mean reach per post over {N_SEEDS} seeds (bars: mean and 95% interval)",
          "posts", "people reached per post")
    plt.tight_layout()

    record("false_reach_engagement", ranking_table.loc[("engagement", "false_reach"), "mean"])
    record("true_reach_engagement", ranking_table.loc[("engagement", "true_reach"), "mean"])
    record("false_reach_chronological",
           ranking_table.loc[("chronological", "false_reach"), "mean"])
    record("false_share_engagement",
           ranking_table.loc[("engagement", "false_exposure_share"), "mean"])
    record("false_beats_true_every_seed", int((eng["false_reach"] > eng["true_reach"]).all()))
    record("engagement_beats_chronological_every_seed", int((shrink > 1).all()))
    print(f"engagement feed / chronological feed, reach of false posts: {shrink.mean():.1f} "
          f"times on average (seeds: {', '.join(f'{v:.1f}' for v in shrink)})")
    ranking_table.round(3)
    """)
    nb.md("""
    Here false posts out-spread true ones in every seed, but read that as a **tendency**, not
    a law: each world has only 40 false posts, cascade sizes are heavy-tailed, and a world can
    draw few viral ones (the course's tests include a seed where false posts reach fewer
    people than true ones). The wide intervals say the same. The engagement-ranked feed gives
    false posts several times the reach a chronological feed gives them, in every seed, but
    how many times varies a lot from network to network (read the per-seed figures, not just
    the mean). False posts'
    *share* of all exposures moves less than their reach: prevalence (a share) and reach (a
    count) can tell different stories, so which one a report quotes matters.

    **What this does and does not show.** The chronological feed helps *in this model*
    because the model's engagement feed shows whatever people share more (`engagement_boost`),
    and false posts are what they share more. That is an assumption about the ranking, not a
    fact about real feeds. When a chronological feed was tried on Facebook and Instagram for
    three months in 2020 (Guess et al. 2023), users saw **more** content from untrustworthy
    sources, not less: the real ranking also demoted sources and posts flagged by integrity
    systems. Notebook 09 re-creates that experiment and shows which assumption has to change
    for the model to agree.
    """)

    # -- 4. Fact-checking -------------------------------------------------------------------------
    nb.md("""
    ## 4. Fact-checking with limited capacity and delay

    Fact-checkers cannot read everything. In our model they can check `CAPACITY` posts per
    step, and a post can only be checked `DELAY` steps after it was posted (it has to be
    reported, queued, researched). Each step they pick, among the eligible posts they have not
    checked yet, the ones that have **reached the most people**: the viral ones first, as real
    fact-checking programmes prioritise. A checked false post is flagged, and the platform's
    policy applies from the next step.

    ### Exercise 3 (2 points): the fact-checkers' queue

    Write `fact_check_queue(reach, eligible, capacity)`: `reach` is an integer array (one entry
    per post), `eligible` a boolean array of the posts that may be checked now, `capacity` the
    number of checks available. Return the indices of the posts to check, **largest reach
    first** (equal reach: lower index first), at most `capacity` of them, only eligible ones.
    Write the code yourself: an answer that just calls `course.cascade.fact_check_queue` scores
    zero.
    """)
    nb.answer("fact_check_queue", """
    def fact_check_queue(reach, eligible, capacity):
        \"\"\"Indices of the (at most) capacity eligible posts with the largest reach.\"\"\"
        ### BEGIN SOLUTION
        reach = np.asarray(reach)
        candidates = np.flatnonzero(np.asarray(eligible, dtype=bool))
        if capacity <= 0 or candidates.size == 0:
            return np.empty(0, dtype=int)
        order = np.lexsort((candidates, -reach[candidates]))
        return candidates[order[:capacity]]
        ### END SOLUTION
    """)
    nb.tests("fact_check_queue", points=2, visible="""
    checks.check("fact_check_queue", strict=True)
    """, hidden="""
    assert list(fact_check_queue(np.array([5, 40, 7]), np.array([True, True, True]), 2)) == \\
        [1, 2]
    got = fact_check_queue(np.array([9, 3, 9, 50]), np.array([True, True, True, False]), 5)
    assert list(got) == [0, 2, 1]
    assert len(fact_check_queue(np.array([1, 2]), np.array([True, True]), 0)) == 0
    """)

    # -- 5. Policies ------------------------------------------------------------------------------
    nb.md("""
    ## 5. Nothing, downranking or removal

    With the course's implementation of the queue, compare three policies for flagged false
    posts:

    * **none**: the post is labelled but nothing changes in distribution;
    * **downrank**: each share of a flagged post is shown less often;
    * **remove**: nobody else sees it.

    How much less often? Facebook says that once its fact-checkers rate a post False it is
    shown lower in News Feed, which cuts its **future views** by about 80% on average
    (`facts.FALSE_RATING_VIEW_CUT`). That is an *outcome*, averaged over a post's remaining
    life, not the factor by which each share is shown: a share shown 80% less often still
    reaches some people, who share it again, and a post flagged late has few future views
    left to cut. So we measure the outcome of each per-share factor
    (`cascade.future_view_cut`: 1 - future views with the policy / future views without it,
    same seed) and choose the factor that gives Facebook's 80%.
    """)
    nb.code("""
    calibration = cascade.calibrate_downrank(graph, items, factors=(0.5, 0.35, 0.2, 0.1, 0.05),
                                             steps=STEPS, capacity=CAPACITY, delay=DELAY,
                                             seed=SEED)
    DOWNRANK = float(calibration.loc[calibration["chosen"], "downrank_factor"].iloc[0])
    cut_at_02 = calibration.loc[calibration["downrank_factor"] == 0.2, "future_view_cut"].iloc[0]
    print(f"a share shown with probability x {DOWNRANK} gives about "
          f"{facts.FALSE_RATING_VIEW_CUT:.0%} fewer future views; showing each share 80% less "
          f"often (x 0.2) would cut future views by {cut_at_02:.0%}")
    record("downrank_factor_for_80pct", DOWNRANK)
    calibration.round(3)
    """)
    nb.md("""
    Now the three policies on `N_SEEDS` networks, with the engagement-ranked feed, the
    calibrated downranking and the notebook's capacity and delay. Within a seed every policy
    sees the same network, posts and random draws (a paired comparison); across seeds we get
    intervals.
    """)
    nb.code("""
    by_policy = cascade.compare_over_seeds(
        SEEDS, n_users=N_USERS, n_items=N_ITEMS, steps=STEPS, capacity=CAPACITY, delay=DELAY,
        downrank_factor=DOWNRANK)
    policy_table = summarize(by_policy.rename(columns={"false_reach": "value"})[
        ["seed", "policy", "value"]], by=["policy"]).set_index("policy").loc[
        list(cascade.POLICIES)]
    paired = by_policy.pivot(index="seed", columns="policy", values="false_reach")

    fig, ax = plt.subplots(figsize=(8, 4.5))
    x = np.arange(len(cascade.POLICIES))
    ax.bar(x, policy_table["mean"], 0.6, color=PALETTE[1], alpha=0.85, label="mean over seeds")
    ax.errorbar(x, policy_table["mean"],
                yerr=[policy_table["mean"] - policy_table["ci_low"],
                      policy_table["ci_high"] - policy_table["mean"]],
                fmt="none", color="black", capsize=5, label="95% interval")
    for seed in SEEDS:
        ax.plot(x, paired.loc[seed, list(cascade.POLICIES)], "o-", color="grey", ms=3, lw=0.8,
                alpha=0.7, label="one seed" if seed == SEEDS[0] else None)
    ax.set_xticks(x, cascade.POLICIES)
    ax.legend(loc="upper right")
    label(ax, f"Reach of false posts by policy (capacity {CAPACITY}, delay {DELAY})",
          "policy for flagged false posts", "people reached per false post")
    plt.tight_layout()
    for policy in cascade.POLICIES:
        record(f"false_reach_{policy}", policy_table.loc[policy, "mean"])
    record("policies_cut_reach_every_seed",
           int(((paired["downrank"] < paired["none"]) & (paired["remove"] < paired["none"]))
                .all()))
    record("remove_below_downrank_every_seed", int((paired["remove"] <= paired["downrank"]).all()))
    policy_table.round(2)
    """)
    nb.md("""
    Both interventions cut the reach of false posts in every seed, and removal does only
    somewhat better than downranking: by the time a post is flagged it has done much of its
    spreading, and after an 80% cut in future views most cascades fall below the threshold
    anyway. True posts are untouched in this model because the checkers make no mistakes; real
    fact-checking has false positives, which turn removal's small extra benefit into a real
    cost to legitimate speech.

    ## 6. Capacity or speed?

    Which helps more: more fact-checkers, or faster ones? The grid below reruns the calibrated
    downranking policy for few and many checkers and for short and long delays, averaged over
    three seeds (the most this cell can afford in a few seconds; change `grid_seeds` to use
    more).
    """)
    nb.code("""
    capacities = [1, 10]
    delays = [1, 3, 6]
    grid_seeds = SEEDS[:3]
    cells = []
    for seed in grid_seeds:
        g = cascade.make_social_graph(n_users=N_USERS, seed=seed)
        it = cascade.make_items(n_items=N_ITEMS, n_users=N_USERS, seed=seed)
        for c in capacities:
            for d in delays:
                reach = cascade.spread(g, it, steps=STEPS, policy="downrank", capacity=c,
                                       delay=d, downrank_factor=DOWNRANK,
                                       seed=seed).summary()["false_reach"]
                cells.append({"seed": seed, "capacity": c, "delay": d, "false_reach": reach})
    cells = pd.DataFrame(cells)
    grid = cells.pivot_table(index="capacity", columns="delay", values="false_reach")
    grid.index.name, grid.columns.name = "capacity (checks per step)", "delay (steps)"

    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    image = ax.imshow(grid.to_numpy(), cmap=SEQUENTIAL_CMAP, origin="lower")
    ax.set_xticks(range(len(delays)), delays)
    ax.set_yticks(range(len(capacities)), capacities)
    for i in range(len(capacities)):
        for j in range(len(delays)):
            ax.text(j, i, f"{grid.iloc[i, j]:.0f}", ha="center", va="center", color="white")
    fig.colorbar(image, ax=ax, label="mean reach of false posts")
    label(ax, f"Downranking: reach of false posts ({len(grid_seeds)} seeds)",
          "delay before a post can be checked (steps)", "capacity (checks per step)")
    plt.tight_layout()
    by_seed = cells.pivot_table(index="seed", columns=["capacity", "delay"],
                                values="false_reach")
    record("false_reach_fast_small", grid.loc[1, 1])
    record("false_reach_slow_large", grid.loc[10, 6])
    record("delay_hurts_every_seed", int((by_seed[(10, 6)] > by_seed[(10, 1)]).all()))
    grid.round(1)
    """)
    nb.md("""
    Reading across a row (same capacity, longer delay) the reach of false posts climbs, in
    every seed. Reading up a column (ten times the capacity) it falls a lot when checks are
    fast and hardly at all when they are slow: cascades are fast, most of a viral post's reach
    happens in its first few steps, so a check that comes late protects few people however
    many checkers there are. Facebook's "more than 70 fact-checking partners" is a statement
    about capacity; the model says to ask about speed first. (A tendency in this model across
    the seeds tried, with its own assumptions: posts arrive in the first ten steps, and
    checkers pick by reach.)
    """)
    nb.written("policy", points=3, prompt="""
    Using the figures of sections 3 to 6, write about 150 words for a platform's policy team:
    which intervention would you recommend (downranking, removal, a chronological feed, faster
    fact-checking), what it buys in reach of false posts, and what it costs or risks that this
    model does **not** capture?
    """, model_answer="""
    The biggest lever in the model is speed: with ten checks per step, checking after 1 step
    instead of 6 cuts the mean reach of false posts about three times (about 45 against 140
    people per false post), while ten times the checkers barely helps when checks are slow
    (about 156 against 142 at a 6-step delay). Downranking calibrated to Facebook's 80% fewer
    future views already halves false reach (about 182 to 88, every seed), removal does
    somewhat better (about 62). I would recommend fast review of the most viral posts with
    downranking, and demoting unreviewed viral posts from dubious sources rather than switching
    to a chronological feed: the model's 8-fold chronological benefit rests on its assumption
    that ranking boosts what is shared, which the Facebook experiment of 2020 contradicts.
    Costs the model ignores: fact-checkers make mistakes, so removal of true posts (false
    positives) harms legitimate speech and trust; faster checking costs money and may lower
    accuracy; a chronological feed loses engagement and revenue; and people may react to
    labels or removals (backfire, moving to other platforms), which the fixed share
    probabilities cannot show.
    """, rubric="""
    - 1 pt: a recommendation supported by at least two numbers from the notebook.
    - 1 pt: recognises delay/speed (or the ranking rule) as a major lever, not only severity.
    - 1 pt: names at least one cost or risk outside the model (false positives, speech,
      accuracy vs speed, revenue, behavioural responses).
    """)

    # -- 7. Experiment ----------------------------------------------------------------------------
    nb.md("""
    ## 7. Your experiment

    Change **one** assumption and see whether the conclusions above survive. Ideas:

    * *What if false posts are not more engaging?* `make_items(..., false_pull=0.15)`.
    * *What if people's sharing carries all of Vosoughi et al.'s 70% and the feed none?*
      `make_items(..., false_pull=0.255)` with `spread(..., engagement_boost=0)`.
    * *What if the network is less clustered?* `make_social_graph(..., triangle_prob=0.0)`.
    * *What if downranking is gentler?* `spread(..., downrank_factor=0.5)`.
    * *What if the feed shows more?* `spread(..., base_visibility=0.5)`.

    Edit the three dictionaries below; the cell compares the three policies in your world with
    the same comparison in the default world, on the first two seeds (paired: the same seeds
    in both worlds).
    """)
    nb.code("""
    MY_GRAPH = dict()                    # changes to make_social_graph
    MY_ITEMS = dict(false_pull=0.15)     # changes to make_items
    MY_SPREAD = dict()                   # changes to spread

    my_seeds = SEEDS[:2]
    settings = {"steps": STEPS, "capacity": CAPACITY, "delay": DELAY,
                "downrank_factor": DOWNRANK, **MY_SPREAD}
    mine = cascade.compare_over_seeds(my_seeds, n_users=N_USERS, n_items=N_ITEMS,
                                      graph_options=MY_GRAPH, item_options=MY_ITEMS, **settings)
    default = by_policy[by_policy["seed"].isin(my_seeds)]
    my_table = pd.concat({"default world": default.groupby("policy").mean(numeric_only=True),
                          "your experiment": mine.groupby("policy").mean(numeric_only=True)},
                         names=["world"]).drop(columns="seed")

    fig, ax = plt.subplots(figsize=(8, 4.5))
    x = np.arange(len(cascade.POLICIES))
    for shift, world_name, colour in [(-0.2, "default world", PALETTE[1]),
                                      (0.2, "your experiment", PALETTE[2])]:
        ax.bar(x + shift, my_table.loc[world_name].loc[list(cascade.POLICIES), "false_reach"],
               0.4, color=colour, label=world_name)
    ax.set_xticks(x, cascade.POLICIES)
    ax.legend(loc="upper right")
    label(ax, f"Reach of false posts: default world vs your experiment ({len(my_seeds)} seeds)",
          "policy for flagged false posts", "people reached per false post")
    plt.tight_layout()
    my_table.round(3)
    """)
    nb.written("experiment", points=3, prompt="""
    Describe your experiment (the question, the one change, the numbers before and after for
    false and true reach under at least two policies) and interpret it: which conclusion of
    this notebook depends on the assumption you changed, and which does not?
    """, model_answer="""
    Question: does the misinformation problem depend on false posts being more engaging? I set
    false_pull=0.15, the same as true posts. Over the two seeds, without fact-checking false
    posts then reach about 100 people each instead of 185 (true posts about 70 in both
    worlds), and their share of exposures falls from 41% to 27%, closer to their 20% share of
    posts; that they still out-reach true posts a little shows how noisy cascades of 40 posts
    are. Downranking and removal still cut false reach (to about 59 and 43, from 94 and 67),
    but the absolute gain is smaller, because there was less to cut. So the claim that
    engagement ranking *amplifies* misinformation depends on false content being more engaging
    (the Vosoughi et al. finding); the mechanics (cascades have a threshold, speed of checking
    matters most) do not depend on it. Two seeds are few: I would rerun with more before
    trusting the exact numbers.
    """, rubric="""
    - 1 pt: one stated change and a question it answers.
    - 1 pt: numbers for false (and true) reach under at least two policies, before and after.
    - 1 pt: separates conclusions that depend on the assumption from those that do not.
    """)

    # -- Summary ----------------------------------------------------------------------------------
    nb.md("""
    ## Summary

    * **Networks:** heavy-tailed degrees and clustering make cascades uneven: most posts die
      out, a few reach a large part of the network through hubs.
    * **Cascades have a threshold:** a post spreads if each viewer passes it to more than one
      new viewer on average: mean *excess* degree x visibility x pull. Hubs make the excess
      degree several times the mean degree, so a modest difference in pull becomes a large
      difference in reach.
    * **False news' advantage, counted once:** Vosoughi et al.'s "70% more likely to be
      retweeted" is split between people (pull) and the feed (visibility), not applied to both.
    * **Ranking matters in the model:** its engagement-ranked feed shows high-pull posts more
      and gives false posts several times their chronological reach in every seed. That is the
      model's assumption about ranking; on Facebook in 2020 a chronological feed *raised*
      exposure to untrustworthy sources (Guess et al. 2023; notebook 09).
    * **Fact-checking:** with limited capacity, check the most viral posts first; Facebook's
      "80% fewer future views" is an outcome, so the per-share demotion is calibrated to it;
      downranking achieves much of what removal does; **delay** matters more than capacity,
      because cascades are fast (tendencies across the seeds tried, with intervals).
    * **What the model leaves out:** fact-checking errors, people's reactions to labels, the
      cost of a less engaging feed, and the actual size of the engagement gap between false and
      true content, which is an empirical question.
    * **Next:** notebook 08, the capstone: design a feed and defend it on engagement,
      satisfaction, diversity, polarization and misinformation reach. Notebook 09 sets these
      models beside the field experiments.

    ## Further reading

    * S. Vosoughi, D. Roy and S. Aral, "The spread of true and false news online", *Science*
      359(6380), 2018.
    * A. M. Guess et al., "How do social media feed algorithms affect attitudes and behavior in
      an election campaign?", *Science* 381(6656), 2023 (the chronological-feed experiment).
    * M. E. J. Newman, "Spread of epidemic disease on networks", *Physical Review E* 66, 2002
      (why the excess degree sets the threshold).
    * D. Kempe, J. Kleinberg and É. Tardos, "Maximizing the spread of influence through a
      social network", KDD 2003 (the independent cascade model).
    * P. Holme and B. J. Kim, "Growing scale-free networks with tunable clustering", *Physical
      Review E* 65, 2002.
    * G. Pennycook and D. G. Rand, "Fighting misinformation on social media using crowdsourced
      judgments of news source quality", *PNAS* 116(7), 2019.
    * Facebook, "How our fact-checking program works" (about.fb.com), and the Community
      Standards Enforcement Reports (prevalence of violating content).
    * T. Gillespie, *Custodians of the Internet*, Yale University Press, 2018.

    ## Check your work
    """)
    nb.code("""
    checks.check_all()
    """)
    return nb


if __name__ == "__main__":
    build().write()
