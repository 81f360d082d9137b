"""Build ``07-misinformation``: integrity and virality on a simulated social network."""

from nbbuild import Notebook

ASSIGNMENT = "07-misinformation"
QUICK_PARAMETERS = {"N_USERS": 500, "N_ITEMS": 80, "STEPS": 20}

# Figures of the quick run: plain numpy and networkx on seeded inputs.
EXPECTED = {
    "mean_degree": (7.916, 1e-9),
    "max_degree": (97, 0),
    "false_reach_engagement": (149.9375, 1e-9),
    "true_reach_engagement": (3.6875, 1e-9),
    "false_reach_chronological": (43.6875, 1e-9),
    "false_share_engagement": (0.910436, 1e-6),
    "false_reach_none": (149.9375, 1e-9),
    "false_reach_downrank": (111.0625, 1e-9),
    "false_reach_remove": (103.1875, 1e-9),
    "false_reach_fast_small": (43.9375, 1e-9),
    "false_reach_slow_large": (147.5625, 1e-9),
}
EXPECTED_FULL = {
    "mean_degree": (7.975, 0.0001),
    "max_degree": (209, 0),
    "false_reach_engagement": (599.9, 0.0001),
    "true_reach_engagement": (62.75625, 0.0001),
    "false_reach_chronological": (163.375, 0.0001),
    "false_share_engagement": (0.7049975027176308, 0.0001),
    "false_reach_none": (599.9, 0.0001),
    "false_reach_downrank": (251.4, 0.0001),
    "false_reach_remove": (209.275, 0.0001),
    "false_reach_fast_small": (112.65, 0.0001),
    "false_reach_slow_large": (510.525, 0.0001),
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
    5. explain why the *speed* of fact-checking can matter more than its severity.

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
    """)
    nb.code("""
    import matplotlib.pyplot as plt
    import networkx as nx
    import numpy as np
    import pandas as pd

    from course import cascade, checks
    from course.checks import hint
    from course.record import record
    from course.style import PALETTE, SEQUENTIAL_CMAP, label, use_course_style

    use_course_style()
    checks.start("07-misinformation")
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
    shares it. In the largest study of the question (Vosoughi, Roy & Aral 2018, on twelve
    years of Twitter), false news spread "farther, faster, deeper and more broadly" than true
    news, largely because it was more novel and provoked stronger reactions. We build that in:
    false posts have a mean pull of 0.30, true ones 0.15. (This is an assumption taken from one
    study, on one platform; section 7 lets you change it.)
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
    assert np.allclose(see_probability(np.array([[0, 1, 2]]), np.array([0.5])),
                       [[0.0, 0.5, 0.75]])
    """, hidden="""
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

    fig, axes = plt.subplots(1, 2, figsize=(13, 4.5))
    is_false = items["is_false"].to_numpy()
    for truth, color, text in [(False, PALETTE[0], "true"), (True, PALETTE[1], "false")]:
        curves = no_checks.reach[:, is_false == truth]
        axes[0].plot(curves, color=color, alpha=0.25, lw=1)
        axes[0].plot([], [], color=color, label=f"{text} posts")
    axes[0].legend()
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
    A modest difference in pull (0.30 against 0.15) makes a large difference in reach. The
    reason is the threshold behaviour of cascades: each viewer passes the post on to
    (friends x visibility x pull) new viewers on average. Below 1, cascades die out; above 1,
    they can take over a large part of the network. With engagement ranking, false posts are
    also *shown* more, which pushes them over the threshold.

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
    assert abs(exposure_share(np.array([1, 3]), np.array([True, False])) - 0.25) < 1e-12
    """, hidden="""
    assert abs(exposure_share(np.array([10, 30, 60]), np.array([True, False, True])) - 0.7) \\
        < 1e-12
    assert exposure_share(np.array([4, 4]), np.array([False, False])) == 0.0
    """)
    nb.code("""
    chronological = cascade.spread(graph, items, steps=STEPS, capacity=0, seed=SEED,
                                   ranking="chronological")
    ranking_table = pd.DataFrame({"engagement-ranked feed": no_checks.summary(),
                                  "chronological feed": chronological.summary()}).T
    record("false_reach_engagement", ranking_table.iloc[0]["false_reach"])
    record("true_reach_engagement", ranking_table.iloc[0]["true_reach"])
    record("false_reach_chronological", ranking_table.iloc[1]["false_reach"])
    record("false_share_engagement", ranking_table.iloc[0]["false_exposure_share"])
    ranking_table.round(3)
    """)
    nb.md("""
    In this model the ranking rule matters as much as the content. A 20% minority of false
    posts takes most of the exposures under engagement ranking. A chronological feed shrinks
    every cascade, false ones by a factor of about four; false posts still out-spread true
    ones (people still share them more), and their *share* of exposures is even higher,
    because true posts now hardly spread at all. Prevalence (a share) and reach (a count)
    can move in opposite directions: which one a report quotes matters.
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
    assert list(fact_check_queue(np.array([5, 40, 7]), np.array([True, True, True]), 2)) == \\
        [1, 2]
    """, hidden="""
    got = fact_check_queue(np.array([9, 3, 9, 50]), np.array([True, True, True, False]), 5)
    assert list(got) == [0, 2, 1]
    assert len(fact_check_queue(np.array([1, 2]), np.array([True, True]), 0)) == 0
    """)

    # -- 5. Policies ------------------------------------------------------------------------------
    nb.md("""
    ## 5. Nothing, downranking or removal

    With the course's implementation of the queue, compare three policies for flagged false
    posts, in both kinds of feed:

    * **none**: the post is labelled but nothing changes in distribution;
    * **downrank**: each share of a flagged post is shown 80% less often (Facebook's stated
      policy for posts rated false by its partners);
    * **remove**: nobody else sees it.

    Every run uses the same seed, so the same random draws: differences come from the policy
    alone.
    """)
    nb.code("""
    rows = []
    for ranking in ["engagement", "chronological"]:
        table = cascade.compare_policies(graph, items, steps=STEPS, ranking=ranking,
                                         capacity=CAPACITY, delay=DELAY, seed=SEED)
        rows.append(table.assign(ranking=ranking).reset_index())
    policies = pd.concat(rows, ignore_index=True)

    fig, ax = plt.subplots(figsize=(8, 4.5))
    width = 0.38
    x = np.arange(len(cascade.POLICIES))
    for j, (ranking, color) in enumerate([("engagement", PALETTE[1]),
                                          ("chronological", PALETTE[0])]):
        sub = policies[policies["ranking"] == ranking].set_index("policy").loc[
            list(cascade.POLICIES)]
        ax.bar(x + (j - 0.5) * width, sub["false_reach"], width, color=color,
               label=f"{ranking} feed")
    ax.set_xticks(x, cascade.POLICIES)
    ax.legend()
    label(ax, f"Mean reach of false posts (capacity {CAPACITY}, delay {DELAY})",
          "policy for flagged false posts", "people reached per false post")
    plt.tight_layout()
    engagement_policies = policies[policies["ranking"] == "engagement"].set_index("policy")
    for policy in cascade.POLICIES:
        record(f"false_reach_{policy}", engagement_policies.loc[policy, "false_reach"])
    policies.round(3)
    """)
    nb.md("""
    Both interventions cut the reach of false posts sharply, and removal is only somewhat
    better than downranking: by the time a post is flagged it has done much of its spreading,
    and after an 80% cut in visibility most cascades fall below the threshold anyway. True
    posts are untouched in this model because the checkers make no mistakes; real
    fact-checking has false positives, which turn removal's small extra benefit into a real
    cost to legitimate speech.

    ## 6. Capacity or speed?

    Which helps more: more fact-checkers, or faster ones? The grid below reruns the
    downranking policy for several capacities and delays.
    """)
    nb.code("""
    capacities = [1, 3, 10]
    delays = [1, 3, 6]
    grid = pd.DataFrame(
        [[cascade.spread(graph, items, steps=STEPS, policy="downrank", capacity=c, delay=d,
                         seed=SEED).summary()["false_reach"] for d in delays]
         for c in capacities],
        index=pd.Index(capacities, name="capacity (checks per step)"),
        columns=pd.Index(delays, name="delay (steps)"))

    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    image = ax.imshow(grid.to_numpy(), cmap=SEQUENTIAL_CMAP, origin="lower")
    ax.set_xticks(range(len(delays)), delays)
    ax.set_yticks(range(len(capacities)), capacities)
    for i in range(len(capacities)):
        for j in range(len(delays)):
            ax.text(j, i, f"{grid.iloc[i, j]:.0f}", ha="center", va="center", color="white")
    fig.colorbar(image, ax=ax, label="mean reach of false posts")
    label(ax, "Downranking: reach of false posts", "delay before a post can be checked (steps)",
          "capacity (checks per step)")
    plt.tight_layout()
    record("false_reach_fast_small", grid.loc[3, 1])
    record("false_reach_slow_large", grid.loc[10, 6])
    grid.round(1)
    """)
    nb.md("""
    Reading across a row (same capacity, longer delay) the reach of false posts climbs
    steeply; reading up a column (same delay, more capacity) it falls only until the viral
    posts are covered, after which extra checkers find little left to do. Cascades are fast:
    most of a viral post's reach happens in its first few steps, so a check that comes late
    protects few people however many checkers there are. Facebook's "more than 70
    fact-checking partners" is a statement about capacity; the model says to ask about speed.
    """)
    nb.written("policy", points=3, prompt="""
    Using the figures of sections 3 to 6, write about 150 words for a platform's policy team:
    which intervention would you recommend (downranking, removal, a chronological feed, faster
    fact-checking), what it buys in reach of false posts, and what it costs or risks that this
    model does **not** capture?
    """, model_answer="""
    The biggest lever in the model is speed: with downranking, checking after 1 step instead of
    6 cuts the mean reach of false posts several times over, more than tripling the capacity
    does. Downranking already achieves most of what removal does (removal is only somewhat
    lower), so I would recommend fast review of the most viral posts combined with
    downranking, and reducing the engagement boost for unreviewed viral posts, since the
    engagement-ranked feed alone multiplies false reach compared with a chronological one.
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
    * *What if the network is less clustered?* `make_social_graph(..., triangle_prob=0.0)`.
    * *What if downranking is gentler?* `spread(..., downrank_factor=0.5)`.
    * *What if the feed shows more?* `spread(..., base_visibility=0.5)`.

    Edit the three dictionaries below; the cell compares the three policies in your world with
    the same comparison in the default world.
    """)
    nb.code("""
    MY_GRAPH = dict()                    # changes to make_social_graph
    MY_ITEMS = dict(false_pull=0.15)     # changes to make_items
    MY_SPREAD = dict()                   # changes to spread

    my_graph = cascade.make_social_graph(n_users=N_USERS, seed=SEED, **MY_GRAPH)
    my_items = cascade.make_items(n_items=N_ITEMS, n_users=N_USERS, seed=SEED, **MY_ITEMS)
    my_table = cascade.compare_policies(
        my_graph, my_items, **{"steps": STEPS, "capacity": CAPACITY, "delay": DELAY,
                               "seed": SEED, **MY_SPREAD})

    fig, ax = plt.subplots(figsize=(8, 4.5))
    x = np.arange(len(cascade.POLICIES))
    ax.bar(x - 0.2, engagement_policies.loc[list(cascade.POLICIES), "false_reach"], 0.4,
           color=PALETTE[1], label="default world")
    ax.bar(x + 0.2, my_table.loc[list(cascade.POLICIES), "false_reach"], 0.4,
           color=PALETTE[2], label="your experiment")
    ax.set_xticks(x, cascade.POLICIES)
    ax.legend()
    label(ax, "Mean reach of false posts: default world vs your experiment",
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
    false_pull=0.15, the same as true posts. Without fact-checking, false posts then reach
    about as many people as true ones (about 108 against 85, instead of 600 against 63), and
    their share of exposures falls to 24%, close to their 20% share of posts. Downranking and
    removal still cut false reach (to about 58 and 52), but the absolute gain is far smaller,
    because there was much less to cut. So the
    claim that engagement ranking *amplifies* misinformation depends entirely on false content
    being more engaging (the Vosoughi et al. finding); the mechanics (cascades have a
    threshold, speed of checking matters more than capacity) do not depend on it.
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
      new viewer on average (friends x visibility x pull). A modest difference in pull becomes
      a large difference in reach.
    * **Ranking matters:** an engagement-ranked feed shows high-pull posts more and pushes
      false posts over the threshold; a chronological feed shrinks every cascade.
    * **Fact-checking:** with limited capacity, check the most viral posts first; downranking
      achieves much of what removal does; **delay** matters more than capacity, because
      cascades are fast.
    * **What the model leaves out:** fact-checking errors, people's reactions to labels, the
      cost of a less engaging feed, and the actual size of the engagement gap between false and
      true content, which is an empirical question.
    * **Next:** notebook 08, the capstone: design a feed and defend it on engagement,
      satisfaction, diversity, polarization and misinformation reach.

    ## Further reading

    * S. Vosoughi, D. Roy and S. Aral, "The spread of true and false news online", *Science*
      359(6380), 2018.
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
