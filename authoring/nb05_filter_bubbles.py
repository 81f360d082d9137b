"""Build ``05-filter-bubbles``: feedback loops, homogenization and polarization in simulation."""

from nbbuild import Notebook

ASSIGNMENT = "05-filter-bubbles"
QUICK_PARAMETERS = {"N_USERS": 300, "N_ITEMS": 300, "STEPS": 12}

# Figures of the quick run (seeded). Runs without matrix factorisation are plain float64 numpy
# and reproduce to rounding; MF uses float32 linear algebra, whose last bits can differ between
# BLAS builds and flip a simulated choice, so its figures get a looser tolerance.
EXPECTED = {
    "homogenization_random": (0.06439, 1e-4),
    "homogenization_popularity": (0.32823, 1e-4),
    "homogenization_content": (0.11531, 1e-4),
    "homogenization_mf": (0.2574, 0.05),
    "homogenization_oracle": (0.19753, 1e-4),
    "relative_utility_random": (0.26937, 1e-4),
    "relative_utility_popularity": (0.29866, 1e-4),
    "relative_utility_mf": (0.4523, 0.05),
    "group_distance_random": (0.71150, 1e-4),
    "group_distance_popularity": (0.70222, 1e-4),
    "group_distance_oracle": (0.87969, 1e-4),
    "exposure_gini_popularity": (0.95822, 1e-4),
    "ideology_gap_before": (1.02625, 1e-4),
    "ideology_gap_after_drift": (0.9574, 0.03),
    "topic_focus_before": (0.42866, 1e-4),
    "topic_focus_after_drift": (0.4874, 0.03),
}
EXPECTED_FULL = {
    "homogenization_random": (0.06924701926209115, 0.0001),
    "homogenization_popularity": (0.35056000496784123, 0.0001),
    "homogenization_content": (0.09158132722078181, 0.0001),
    "homogenization_mf": (0.35525839283821153, 0.05),
    "homogenization_oracle": (0.13873515366403177, 0.0001),
    "relative_utility_random": (0.25157344006419174, 0.0001),
    "relative_utility_popularity": (0.2575112164109768, 0.0001),
    "relative_utility_mf": (0.4664779868700053, 0.05),
    "group_distance_random": (0.745175245118387, 0.0001),
    "group_distance_popularity": (0.6376131449083702, 0.0001),
    "group_distance_oracle": (0.8962005068872227, 0.0001),
    "exposure_gini_popularity": (0.98481, 0.0001),
    "ideology_gap_before": (0.9861878382438346, 0.0001),
    "ideology_gap_after_drift": (0.8593191662969768, 0.03),
    "topic_focus_before": (0.4319209636312708, 0.0001),
    "topic_focus_after_drift": (0.6616725294136278, 0.03),
}
WRONG_ANSWER = ("gini", """
def gini(values):
    x = np.asarray(values, dtype=float)
    n = x.size
    ranks = np.arange(1, n + 1)
    if x.sum() == 0:
        return 0.0
    return float(np.sum((2 * ranks - n - 1) * x) / (n * x.sum()))   # forgot to sort
""")


def build() -> Notebook:
    nb = Notebook(ASSIGNMENT, "Filter bubbles: feedback loops in a simulated news feed")
    nb.md("""
    # Filter bubbles: feedback loops in a simulated news feed

    *The Social Dilemma* claims that recommendation algorithms learn what you agree with and
    feed you more of it, until people on different sides no longer see the same world. The
    platform replies that its algorithms keep the feed "relevant and useful". Both are claims
    about a **feedback loop**: the recommender learns from clicks, but the clicks are on what
    the recommender chose to show. Data from a real platform cannot separate the two (we never
    see what people would have read under another algorithm), so this notebook builds a small
    world where we can: simulated users with known tastes, news items with a political slant,
    and recommenders that are retrained, step after step, on the behaviour they caused.

    **Learning objectives.** After this notebook you can
    1. describe a recommender feedback loop and the choice model of a simulated user;
    2. implement and interpret the bubble metrics: consumption diversity (normalized entropy),
       homogenization (Jaccard overlap, as in Chaney, Stewart & Engelhardt 2018), concentration
       of exposure (Gini) and polarization of consumed slant;
    3. compare random, popularity, content-based, matrix-factorisation and oracle recommenders,
       and reproduce Chaney et al.'s qualitative findings;
    4. see what changes when users' preferences drift toward what they consume;
    5. design a small experiment of your own and say what it does and does not show.

    **Estimated time:** 120 minutes.
    **Prerequisites:** notebooks 02 (popularity and content recommenders) and 03 (matrix
    factorisation, implicit feedback).
    """)
    nb.md("""
    The parameters: the size of the simulated world and how long the loop runs. Leave them as
    they are for grading (a full run takes well under a minute); change them afterwards.
    """)
    nb.parameters("""
    SEED = 2018          # the same seed gives the same world and the same run
    N_USERS = 1000       # simulated users (the quick test run uses fewer)
    N_ITEMS = 800        # news items in the catalogue
    N_TOPICS = 8         # topics (sport, economy, ...)
    STEPS = 30           # rounds of recommend -> choose -> retrain
    K = 10               # items per slate (feed length)
    DRIFT = 0.05         # preference drift for section 6
    """)
    nb.code("""
    import matplotlib.pyplot as plt
    import numpy as np
    import pandas as pd

    from course import bubble_metrics, checks, simulation
    from course.checks import hint
    from course.record import record
    from course.style import PALETTE, label, use_course_style

    use_course_style()
    checks.start("05-filter-bubbles")
    """)

    # -- 1. The world --------------------------------------------------------------------------
    nb.md("""
    ## 1. A simulated world with known tastes

    `simulation.make_world` draws users and items:

    * every **user** has a taste over topics (a share per topic, summing to 1) and a position on
      an ideology axis from -1 (left) to +1 (right). Half of the users start left of centre and
      half right: two groups, like the two sides of a political debate;
    * every **item** (a news story) has one topic, a **slant** on the same axis, and a quality.

    Because we invented the users, we know what each of them truly likes. The *true utility*
    (satisfaction) of item $i$ for user $u$ is the product of three factors in $[0, 1]$:

    $$ \\text{utility}(u, i) = \\text{quality}_i \\times
       \\frac{\\text{taste}_{u,\\,\\text{topic}(i)}}{\\max_t \\text{taste}_{u,t}} \\times
       \\exp\\!\\left(-\\frac{(\\text{ideology}_u - \\text{slant}_i)^2}{2\\,\\tau^2}\\right) $$

    A story from a favourite topic, of good quality, close to one's own views is worth most;
    $\\tau$ (`tolerance`, 0.35) says how far from their own position users still enjoy reading.
    """)
    nb.code("""
    world = simulation.make_world(n_users=N_USERS, n_items=N_ITEMS, n_topics=N_TOPICS,
                                  seed=SEED)
    print(f"{world.n_users} users, {world.n_items} items, {world.n_topics} topics")

    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    bins = np.linspace(-1, 1, 41)
    axes[0].hist(world.user_ideology[~world.user_group], bins=bins, color=PALETTE[0],
                 alpha=0.8, label="left group")
    axes[0].hist(world.user_ideology[world.user_group], bins=bins, color=PALETTE[1],
                 alpha=0.8, label="right group")
    axes[0].legend()
    label(axes[0], "Users' ideology", "ideology (-1 = left, +1 = right)", "users")
    axes[1].hist(world.item_slant, bins=bins, color=PALETTE[2])
    label(axes[1], "Items' slant", "slant (-1 = left, +1 = right)", "items")
    plt.tight_layout()
    """)
    nb.md("""
    Each user cares about a few topics only (the tastes are drawn from a Dirichlet
    distribution with concentration 0.5). Here are the tastes of the first five users: most of
    each row sits on two or three topics.
    """)
    nb.code("""
    pd.DataFrame(world.user_topics[:5], columns=[f"topic {t}" for t in range(world.n_topics)],
                 index=pd.Index(range(5), name="user")).round(2)
    """)

    # -- 2. The loop ---------------------------------------------------------------------------
    nb.md("""
    ## 2. The feedback loop and the choice model

    One step of the simulation (`simulation.run`) does what a feed does every day:

    1. **score**: the recommender gives every user a score for every item;
    2. **rank**: each user's slate is their `K` best-scoring items they have not consumed yet
       (and not already ignored three times: a frequency cap, as real feeds have);
    3. **choose**: each user picks at most one item, by a *position-based logit* choice model;
    4. **log and retrain**: the choices are logged, the metrics recorded, and the recommender is
       retrained on *everything logged so far*, which it caused.

    The choice model: the item at position $p$ is picked with probability proportional to
    $a_p \\, e^{\\beta\\,u}$ where $u$ is its utility and $a_p = 1/p$ is the attention position
    $p$ gets (people look at the top of a feed more), and nothing is picked with probability
    proportional to $e^{\\beta\\,u_0}$ (the outside option: close the app). With $\\beta = 10$
    and $u_0 = 0.3$, a great item at the top is almost always taken, a poor one rarely. The
    first two steps show random slates so the learning recommenders have something to learn
    from, as a new platform would.
    """)
    nb.code("""
    utilities = np.array([[0.8, 0.8, 0.8, 0.2, 0.2]])
    probs = simulation.choice_probabilities(utilities)
    fig, ax = plt.subplots(figsize=(7, 3.5))
    ax.bar([f"{p}" for p in range(1, 6)] + ["none"], probs[0],
           color=[PALETTE[0]] * 3 + [PALETTE[1]] * 2 + [PALETTE[7]])
    label(ax, "Who gets picked: three good items, then two poor ones",
          "position in the slate", "probability of being chosen")
    plt.tight_layout()
    """)
    nb.md("""
    The three good items have the same utility but not the same chance: position 1 gets twice
    the attention of position 2. This is the *position bias* of notebook 01, built into the
    users. It matters for the loop: whatever the recommender puts first gets clicked more,
    and the clicks then tell the recommender it was right.
    """)

    # -- 3. Metrics ----------------------------------------------------------------------------
    nb.md("""
    ## 3. Measuring a bubble

    "Filter bubble" is a metaphor; to test it we need numbers. We use four families of them, the
    ones used in the research literature (Chaney et al. 2018; the T-RECS simulator of
    Lucherini et al. 2021).

    **Consumption diversity.** How spread is a user's reading over topics? Count how many items
    of each topic they consumed, turn the counts into shares $p_t$, and take the Shannon
    entropy divided by its maximum, $\\log T$ for $T$ topics:

    $$ D_u = \\frac{-\\sum_t p_t \\log p_t}{\\log T} \\in [0, 1] $$

    0 means a single topic, 1 means every topic equally. (Terms with $p_t = 0$ count as 0.)

    ### Exercise 1 (2 points): topic diversity

    Write `topic_diversity(counts)`: `counts` is an array (users x topics) of consumption
    counts; return one normalized entropy per user (row). A user whose row is all zeros has
    consumed nothing: return `np.nan` for them.
    Write the code yourself: an answer that just calls `course.bubble_metrics.normalized_entropy`
    scores zero.
    """)
    nb.answer("topic_diversity", """
    def topic_diversity(counts):
        \"\"\"Normalized Shannon entropy of each row of counts (nan for an all-zero row).\"\"\"
        ### BEGIN SOLUTION
        counts = np.asarray(counts, dtype=float)
        totals = counts.sum(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            p = counts / totals
            h = np.where(p > 0, -p * np.log(p), 0.0).sum(axis=1) / np.log(counts.shape[1])
        h[totals[:, 0] == 0] = np.nan
        return h
        ### END SOLUTION
    """)
    nb.tests("topic_diversity", points=2, visible="""
    checks.check("topic_diversity", strict=True)
    assert np.allclose(topic_diversity(np.array([[1, 1, 1, 1], [3, 0, 0, 0]])), [1.0, 0.0])
    """, hidden="""
    got = topic_diversity(np.array([[2, 2, 0, 0], [0, 0, 0, 0], [1, 2, 3, 4]]))
    assert abs(got[0] - 0.5) < 1e-12 and np.isnan(got[1])
    p = np.array([1, 2, 3, 4]) / 10
    assert abs(got[2] - (-(p * np.log(p)).sum() / np.log(4))) < 1e-12
    """)
    nb.md("""
    **Homogenization.** A filter bubble is about *individuals* narrowing; homogenization is
    about *everyone* converging. Chaney et al. measure it by pairing each user with the user
    whose **true** tastes are most similar, and asking how much their consumed items overlap,
    with the Jaccard similarity of the two sets:

    $$ J(A, B) = \\frac{|A \\cap B|}{|A \\cup B|} $$

    Two users who should like similar things will overlap somewhat under any sensible
    recommender; the question is whether a feedback loop makes them overlap *more* than their
    tastes justify. (`homogenization_random` in the simulation does the same for random pairs:
    it measures convergence of people who have little in common.)

    ### Exercise 2 (1 point): Jaccard similarity

    Write `jaccard(a, b)` for two collections of item ids (lists, arrays or sets). Two empty
    collections have similarity 0.0.
    Write the code yourself: an answer that just calls `course.bubble_metrics.jaccard` scores zero.
    """)
    nb.answer("jaccard", """
    def jaccard(a, b):
        \"\"\"|A & B| / |A | B| (0.0 when both are empty).\"\"\"
        ### BEGIN SOLUTION
        a, b = set(a), set(b)
        union = a | b
        return len(a & b) / len(union) if union else 0.0
        ### END SOLUTION
    """)
    nb.tests("jaccard", points=1, visible="""
    checks.check("jaccard", strict=True)
    assert jaccard({1, 2, 3}, {2, 3, 4}) == 0.5
    """, hidden="""
    assert jaccard([1, 2, 2, 5], [5, 6]) == 1 / 4
    assert jaccard([], []) == 0.0
    assert jaccard(np.arange(10), np.arange(5, 20)) == 5 / 20
    """)
    nb.md("""
    **Concentration of exposure.** How unequally does the feed spread attention over the
    catalogue? Count how many slates each item appeared in, and take the **Gini coefficient**
    of these counts: 0 when every item is shown equally often, close to 1 when a handful of
    items take all the exposure. With the counts sorted from smallest to largest,
    $x_{(1)} \\le \\dots \\le x_{(n)}$:

    $$ G = \\frac{\\sum_{i=1}^{n} (2i - n - 1)\\, x_{(i)}}{n \\sum_i x_i} $$

    ### Exercise 3 (2 points): Gini coefficient

    Write `gini(values)` for a 1-D array of non-negative numbers. Return 0.0 if they are all 0.
    Write the code yourself: an answer that just calls `course.bubble_metrics.gini` scores zero.
    """)
    nb.answer("gini", """
    def gini(values):
        \"\"\"Gini coefficient of non-negative values (0 = equal, near 1 = concentrated).\"\"\"
        ### BEGIN SOLUTION
        x = np.sort(np.asarray(values, dtype=float))
        n = x.size
        if x.sum() == 0:
            return 0.0
        ranks = np.arange(1, n + 1)
        return float(np.sum((2 * ranks - n - 1) * x) / (n * x.sum()))
        ### END SOLUTION
    """)
    nb.tests("gini", points=2, visible="""
    checks.check("gini", strict=True)
    assert abs(gini(np.array([0, 0, 0, 4])) - 0.75) < 1e-12
    """, hidden="""
    assert gini(np.ones(7)) == 0.0
    assert abs(gini(np.array([3.0, 0.0, 1.0, 0.0])) - 0.625) < 1e-12
    x = np.random.default_rng(5).exponential(size=30)
    assert abs(gini(x) - np.abs(x[:, None] - x[None, :]).mean() / (2 * x.mean())) < 1e-12
    """)
    nb.md("""
    **Polarization.** Each user's *mean consumed slant* summarises the politics of what they
    read. Two numbers describe how far apart people end up: the **spread** (standard deviation
    across users) and the **group distance** (the difference between the left group's and the
    right group's averages). If everyone read the same centrist mix, both would be near 0; if
    each side read only its own side, the group distance would approach the distance between
    the groups' own positions (about 1 here).

    From here on the notebook uses the course's implementations of these metrics
    (`course.bubble_metrics`), which `simulation.run` records at every step, so the rest works
    whatever state your exercises are in. A quick look at one run, with a random recommender:
    """)
    nb.code("""
    demo = simulation.run(world, simulation.RandomRecommender(seed=SEED), steps=5, k=K,
                          seed=SEED)
    demo.metrics.round(3)
    """)

    # -- 4. Compare recommenders ---------------------------------------------------------------
    nb.md("""
    ## 4. Five recommenders, one loop

    We now run the same loop with five recommenders, each retrained on its own output at every
    step:

    | name | scores items by | knows true tastes? |
    | --- | --- | --- |
    | `random` | a fresh random number (the control) | no |
    | `popularity` | how many users consumed the item so far | no |
    | `content` | cosine similarity of the item's topic and slant to the user's history | no |
    | `mf` | implicit-feedback matrix factorisation (notebook 03), warm-started each step | no |
    | `oracle` | the true utility (the ideal recommender) | yes |

    The oracle is impossible in practice; it is the yardstick. **Relative utility** is the
    expected satisfaction of the slates a recommender shows divided by that of the oracle's
    slates for the same users at the same moment (same items still available), so the oracle
    scores 1.
    """)
    nb.code("""
    results = {}
    for name in simulation.RECOMMENDERS:
        recommender = simulation.make_recommender(name, world, seed=SEED)
        results[name] = simulation.run(world, recommender, steps=STEPS, k=K, seed=SEED)
    colors = dict(zip(simulation.RECOMMENDERS, PALETTE))
    list(results)
    """)
    nb.code("""
    panels = [("homogenization", "Homogenization (similar users)", "mean Jaccard"),
              ("homogenization_random", "Homogenization (random pairs)", "mean Jaccard"),
              ("diversity", "Consumption diversity", "normalized topic entropy"),
              ("relative_utility", "Utility relative to the oracle", "share of oracle's"),
              ("exposure_gini", "Concentration of exposure", "Gini of exposure"),
              ("group_distance", "Polarization: left vs right", "distance in mean slant")]
    fig, axes = plt.subplots(2, 3, figsize=(14, 7.5), sharex=True)
    for ax, (column, title, ylabel) in zip(axes.ravel(), panels):
        for name, result in results.items():
            ax.plot(result.metrics.index, result.metrics[column], color=colors[name],
                    label=name, lw=2)
        label(ax, title, "step", ylabel)
    axes[0, 0].legend()
    plt.tight_layout()
    """)
    nb.md("""
    Take the panels one at a time.

    * **Homogenization.** Popularity and matrix factorisation make similar users consume far
      more of the same items than random recommendations do, and popularity makes even
      *unrelated* users converge (top middle): everyone is shown the same few hits, so their
      histories merge. This is Chaney et al.'s central finding: a recommender trained on data
      it generated itself amplifies its own past choices.
    * **Utility.** No learning recommender comes close to the oracle; the feedback loop locks
      popularity onto items that were lucky early. MF starts below the oracle and stays there.
      The content recommender first does well, then fades: it serves more and more of one
      topic (its diversity stays near 0) and runs out of good stories in it.
    * **Exposure.** Popularity concentrates exposure on a few items (Gini near 1): the rich get
      richer. The oracle and random spread it.
    * **Polarization.** The oracle keeps the two groups furthest apart: a recommender that
      *perfectly* serves people's tastes shows each side its own side, because that is what
      they like. Popularity, which ignores tastes, gives everyone the same mix and brings the
      groups' diets closer together than even random recommendations do.
    """)
    nb.code("""
    for name, result in results.items():
        last = result.metrics.iloc[-1]
        record(f"homogenization_{name}", last["homogenization"])
    for name in ["random", "popularity", "mf"]:
        record(f"relative_utility_{name}", results[name].metrics["relative_utility"].iloc[-1])
    for name in ["random", "popularity", "oracle"]:
        record(f"group_distance_{name}", results[name].metrics["group_distance"].iloc[-1])
    record("exposure_gini_popularity", results["popularity"].metrics["exposure_gini"].iloc[-1])
    """)
    nb.md("""
    ### Exercise 4 (1 point): the final scoreboard

    Build `final_metrics`, a DataFrame with **one row per recommender** (index: the names in
    `results`) and the columns `homogenization`, `diversity`, `relative_utility`,
    `exposure_gini` and `group_distance`, holding each run's values at the **last** step.
    """)
    nb.answer("final_metrics", """
    ### BEGIN SOLUTION
    columns = ["homogenization", "diversity", "relative_utility", "exposure_gini",
               "group_distance"]
    final_metrics = pd.DataFrame({name: r.metrics[columns].iloc[-1]
                                  for name, r in results.items()}).T
    ### END SOLUTION
    final_metrics.round(3)
    """)
    nb.tests("final_metrics", points=1, visible="""
    checks.check("final_metrics", strict=True)
    assert final_metrics.shape == (5, 5)
    """, hidden="""
    for name in results:
        assert final_metrics.loc[name, "homogenization"] == \\
            results[name].metrics["homogenization"].iloc[-1]
        assert final_metrics.loc[name, "group_distance"] == \\
            results[name].metrics["group_distance"].iloc[-1]
    """)

    # -- 5. Polarization -----------------------------------------------------------------------
    nb.md("""
    ## 5. Who reads what: the slant of each user's diet

    The group distance is an average. The histograms below show each user's mean consumed
    slant, by group, under three recommenders. Under random recommendations both groups read
    stories from across the spectrum, tilted toward their own side only by their own choices;
    the oracle separates them cleanly; popularity pulls both toward the slant of the hits.
    """)
    nb.code("""
    fig, axes = plt.subplots(1, 3, figsize=(14, 4), sharey=True)
    bins = np.linspace(-1, 1, 31)
    for ax, name in zip(axes, ["random", "popularity", "oracle"]):
        slant = results[name].mean_slant
        for group, color, text in [(False, PALETTE[0], "left group"),
                                   (True, PALETTE[1], "right group")]:
            mask = (world.user_group == group) & ~np.isnan(slant)
            ax.hist(slant[mask], bins=bins, color=color, alpha=0.7, label=text)
        label(ax, f"{name}: mean consumed slant", "mean slant of consumed items", "users")
    axes[0].legend()
    plt.tight_layout()
    """)
    nb.md("""
    Notice what this does and does not say about the debate. Personalisation that gives people
    what they truly like (the oracle) *does* produce separate diets, without any intent to
    polarize: it is what users choose when offered the best match. Whether that is a harm is
    a value judgement, but "the algorithm only shows what is relevant" and "the algorithm
    shows each side its own side" can both be true at once.
    """)

    # -- 6. Drift ------------------------------------------------------------------------------
    nb.md("""
    ## 6. When tastes follow the feed: preference drift

    So far users' tastes were fixed: the loop could change what they *read*, not what they
    *like*. The film's stronger claim is that feeds change people. We model that with
    **preference drift**: after consuming an item, a user's topic tastes move a fraction
    `DRIFT` toward its topic and their ideology a fraction `DRIFT` toward its slant.
    (Whether and how much real people drift is an empirical question; this is a hypothesis
    to explore, not a fact.) We rerun matrix factorisation with drift and compare users'
    *true* ideology before and after.
    """)
    nb.code("""
    drifted = simulation.run(world, simulation.make_recommender("mf", world, seed=SEED),
                             steps=STEPS, k=K, seed=SEED, drift=DRIFT)
    before, after = world.user_ideology, drifted.world.user_ideology
    gap_before = before[world.user_group].mean() - before[~world.user_group].mean()
    gap_after = after[world.user_group].mean() - after[~world.user_group].mean()
    print(f"distance between the groups' mean ideology: {gap_before:.3f} before, "
          f"{gap_after:.3f} after {STEPS} steps with drift {DRIFT}")
    print(f"topic focus (mean largest taste share): {world.user_topics.max(axis=1).mean():.3f} "
          f"before, {drifted.world.user_topics.max(axis=1).mean():.3f} after")
    record("ideology_gap_before", gap_before)
    record("ideology_gap_after_drift", gap_after)
    record("topic_focus_before", world.user_topics.max(axis=1).mean())
    record("topic_focus_after_drift", drifted.world.user_topics.max(axis=1).mean())
    """)
    nb.code("""
    fig, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
    bins = np.linspace(-1, 1, 41)
    for ax, values, title in [(axes[0], before, "Ideology at the start"),
                              (axes[1], after, f"Ideology after {STEPS} steps of drift")]:
        ax.hist(values[~world.user_group], bins=bins, color=PALETTE[0], alpha=0.8,
                label="left group")
        ax.hist(values[world.user_group], bins=bins, color=PALETTE[1], alpha=0.8,
                label="right group")
        label(ax, title, "ideology", "users")
    axes[0].legend()
    plt.tight_layout()
    """)
    nb.md("""
    Two things happened, and they point in different directions.

    * **Topic tastes narrowed sharply.** The average user's favourite topic went from well
      under half of their interest to much more: the loop served them their main topic, they
      took it, and their taste moved toward it. That is a filter bubble in the strict sense:
      the feed changed what people want, not only what they see.
    * **The ideological gap did not grow; it shrank.** Matrix factorisation homogenizes, so
      both groups were served many of the same popular stories; and in this world stories
      are spread evenly over the slant axis, so a user near the edge finds fewer stories beyond
      their position than toward the centre. Drift toward what they read then pulls people
      inward.

    So whether drift polarizes depends on assumptions the simulation makes for us: what the
    catalogue offers at the extremes, whether extreme stories are more engaging, how fast
    people drift. A simulation shows that a mechanism *can* produce an effect, not how strong
    it is on a real platform. (Try `drift` with other recommenders in section 7.)
    """)
    nb.written("mechanism", points=3, prompt="""
    In your own words (about 150 words): which of the two positions in the debate do the
    simulations of sections 4 to 6 support, and on what evidence? Name at least two metrics and
    what they showed, and one way in which the simulation could mislead us about real
    platforms.
    """, model_answer="""
    Both positions get partial support. The platform is right that a recommender serving true
    tastes well is "relevant": the oracle gives the highest utility. But the same oracle
    shows the largest group distance (about 0.9 versus 0.7 for random), so relevance and
    separate political diets go together; the film's claim that feeds show each side its own
    side holds even without any intent. Recommenders retrained on their own output
    (popularity, MF) homogenize users (Jaccard several times the random recommender's) and
    leave users well below the oracle's utility, so "relevant" is not what the loop delivers
    either. With drift, users' topic tastes narrowed sharply toward what they were served (a
    bubble in the strict sense), but the ideological gap between the groups shrank in this
    world, against the film's strongest claim. The simulation can mislead
    because every mechanism is assumed: the utility formula, the choice model, and especially
    the drift rate are invented, not estimated from real users, and real feeds mix friends'
    posts, ads and search.
    """, rubric="""
    - 1 pt: takes a position supported by the notebook's numbers (not just opinion).
    - 1 pt: cites at least two metrics correctly (e.g. homogenization vs random; group
      distance of the oracle; relative utility; drift changing ideology).
    - 1 pt: names a real limitation (assumed utility/choice/drift model, no real data,
      simplifications of real feeds) and why it matters.
    """)

    # -- 7. Your experiment --------------------------------------------------------------------
    nb.md("""
    ## 7. Your experiment

    Now design one experiment of your own. Pick **one** thing to change and a question it
    answers, for example:

    * *Does a shorter feed make bubbles worse?* `K = 3` instead of 10.
    * *Do stronger position effects help popular items?* `position_decay=2.0`.
    * *Are bubbles worse in a more polarized society?* `make_world(..., polarization=0.9)`.
    * *How much drift does it take to split the groups?* `drift=0.2`.
    * *Does MF with fewer factors homogenize more?* `make_recommender("mf", world,
      n_factors=4)`.

    Edit the cell below (it reruns one recommender with your change; keep it small so it runs
    in seconds) and compare with the same recommender's run above.
    """)
    nb.code("""
    MY_RECOMMENDER = "mf"                     # one of simulation.RECOMMENDERS
    MY_WORLD = dict(polarization=0.9)         # changes to make_world
    MY_RUN = dict()                           # changes to run, e.g. dict(k=3) or dict(drift=0.2)

    my_world = simulation.make_world(n_users=N_USERS, n_items=N_ITEMS, n_topics=N_TOPICS,
                                     seed=SEED, **MY_WORLD)
    my_result = simulation.run(my_world,
                               simulation.make_recommender(MY_RECOMMENDER, my_world, seed=SEED),
                               steps=STEPS, **{"k": K, "seed": SEED, **MY_RUN})

    fig, axes = plt.subplots(1, 3, figsize=(14, 4))
    for ax, column in zip(axes, ["homogenization", "relative_utility", "group_distance"]):
        ax.plot(results[MY_RECOMMENDER].metrics[column], color=PALETTE[0], lw=2,
                label=f"{MY_RECOMMENDER}, as above")
        ax.plot(my_result.metrics[column], color=PALETTE[3], lw=2, ls="--",
                label=f"{MY_RECOMMENDER}, your experiment")
        label(ax, column.replace("_", " ").capitalize(), "step", column)
    axes[0].legend()
    plt.tight_layout()
    """)
    nb.written("experiment", points=3, prompt="""
    Describe your experiment: the question, what you changed, what happened to at least two
    metrics (with numbers), and your interpretation. Would you expect the same on a real
    platform? What would you need to measure there to find out?
    """, model_answer="""
    Example: "Are bubbles worse in a more polarized society?" I set polarization=0.9 (groups
    centred at +-0.9 instead of +-0.5) for MF. Group distance of consumed slant rose from about
    0.80 to about 1.41, while homogenization among similar users changed little (0.36 to 0.38)
    and relative utility fell somewhat (0.47 to 0.40), because users on the edges have fewer
    stories near their views. So the recommender does not create the polarization here; it
    passes the society's polarization on to what people read. On a real platform one would need
    the users' prior attitudes and an experiment (e.g. randomly assigning some users a
    chronological or diversified feed) to separate the algorithm's effect from self-selection.
    """, rubric="""
    - 1 pt: a clear question and a single, stated change (parameter and values).
    - 1 pt: reports at least two metrics with numbers and compares with the baseline run.
    - 1 pt: a sensible interpretation that separates what the simulation shows from what it
      assumes, with a way to check it on real data (e.g. a randomised experiment).
    """)

    # -- Summary -------------------------------------------------------------------------------
    nb.md("""
    ## Summary

    * A **feedback loop** arises when a recommender is retrained on behaviour it caused. A
      simulation with known tastes lets us see its effects, which real logs cannot show.
    * **Metrics:** consumption diversity (normalized topic entropy), homogenization (Jaccard
      overlap between users with similar tastes, and between random users), concentration of
      exposure (Gini) and polarization (spread and group distance of consumed slant).
    * **Chaney et al.'s findings reproduce:** popularity and matrix factorisation retrained on
      their own output homogenize users far more than a random recommender, and their users
      get well below the utility an ideal recommender would provide.
    * **Relevance and separation go together:** the oracle, which serves true tastes best,
      shows each side its own side; "relevant" and "polarizing" are not opposites.
    * **Drift** turns separate diets into diverging tastes, by an amount set by an assumption.
    * **Next:** notebook 06 tries to break the loop (diversity re-ranking, calibration,
      exploration, perspective quotas) and measures what that costs.

    ## Further reading

    * A. J. B. Chaney, B. M. Stewart and B. E. Engelhardt, "How algorithmic confounding in
      recommendation systems increases homogeneity and decreases utility", RecSys 2018.
    * E. Lucherini, M. Sun, A. Winecoff and A. Narayanan, "T-RECS: A simulation tool to study
      the societal impact of recommender systems", arXiv:2107.08959, 2021.
    * E. Pariser, *The Filter Bubble*, Penguin, 2011.
    * E. Bakshy, S. Messing and L. A. Adamic, "Exposure to ideologically diverse news and
      opinion on Facebook", *Science* 348(6239), 2015.
    * R. Jiang, S. Chiappa, T. Lattimore, A. György and P. Kohli, "Degenerate feedback loops in
      recommender systems", AIES 2019.
    * D. Fleder and K. Hosanagar, "Blockbuster culture's next rise or fall: the impact of
      recommender systems on sales diversity", *Management Science* 55(5), 2009.

    ## Check your work
    """)
    nb.code("""
    checks.check_all()
    """)
    return nb


if __name__ == "__main__":
    build().write()
