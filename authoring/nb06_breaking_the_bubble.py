"""Build ``06-breaking-the-bubble``: interventions against filter bubbles, and what they cost."""

from nbbuild import Notebook

ASSIGNMENT = "06-breaking-the-bubble"
QUICK_PARAMETERS = {"N_USERS": 150, "N_ITEMS": 240, "STEPS": 6, "N_SEEDS": 3,
                    "LONG_STEPS": 24}

# The worked examples and the exercises' own cases are exact arithmetic. Everything measured
# in the simulation is asserted as a conclusion across seeds: each "share_..." is the share of
# the seeds in which a comparison holds (1.0: in every seed tested).
_EXACT = {
    "example_mmr_first_three": ([0, 2, 3], 0),
    "example_kl": (1.958518, 1e-6),
    "plain_relevance_kept": (1.0, 1e-9),          # the plain feed keeps all its relevance
    "quota_cross_cutting": (0.5, 1e-9),           # a 50/50 quota: half of every list
    "n_settings": (9, 0),
}
_ALWAYS = {
    "share_mmr_raises_list_diversity": (1.0, 0),
    "share_calibration_lowers_miscalibration": (1.0, 0),
    "share_plain_feed_underserves_main_topic": (1.0, 0),
    "share_quota_leaves_cross_cutting_reading_unchanged": (1.0, 0),
    "share_fixed_catalogue_collapses": (1.0, 0),
    "share_exploration_beats_plain_in_news_world": (1.0, 0),
}
EXPECTED = {**_EXACT, **_ALWAYS}
EXPECTED_FULL = {**_EXACT, **_ALWAYS,
                 # at the default size (12 steps) exploration has time to pay off
                 "share_exploration_raises_satisfaction_in_loop": (1.0, 0),
                 "share_exploration_raises_polarization": (1.0, 0),
                 "share_exploration_narrows_reading": (1.0, 0),
                 "share_mf_falls_below_random_in_fixed_catalogue": (1.0, 0)}
WRONG_ANSWER = ("mmr", """
def mmr(relevance, similarity, k, lam):
    chosen = [int(np.argmax(relevance))]
    while len(chosen) < k:
        redundancy = similarity[:, chosen].mean(axis=1)     # mean, not max
        value = lam * relevance - (1 - lam) * redundancy
        value[chosen] = -np.inf
        chosen.append(int(np.argmax(value)))
    return chosen
""")


def build() -> Notebook:
    nb = Notebook(ASSIGNMENT, "Breaking the bubble: interventions and their trade-offs")
    nb.md("""
    # Breaking the bubble: interventions and their trade-offs

    Notebook 05 showed a feed that learns from the clicks it caused. The film's remedy is that
    feeds should "mix perspectives"; the platform's answer is that its feed is already
    "relevant and useful". Both are claims about *interventions*: changes to how a list is
    built, and what they cost. This notebook builds the standard ones, measures them on the
    recommended lists and in the feedback loop - in several simulated worlds, with intervals,
    against the plain feed - and asks you to choose, and defend, a setting.

    **Learning objectives.** After this notebook you can
    1. implement maximal marginal relevance (MMR) and explain its diversity knob;
    2. measure miscalibration (Steck 2018) with the KL divergence and build calibrated lists;
    3. explain exploration (ε-greedy, a UCB bandit) and a "mix of perspectives" quota, and
       measure cross-cutting exposure;
    4. measure what each intervention changes in the feedback loop, with intervals, and read
       a Pareto frontier without over-reading it;
    5. explain why a feed that only exploits what it learned collapses in a fixed catalogue
       and starves fresh stories in a news feed, and what exploration does about both;
    6. argue for one setting of the knobs, with numbers, and name what it costs.

    **Estimated time:** 120 minutes.
    **Prerequisites:** notebooks 02 (top-k lists and their metrics) and 05 (the simulation, the
    bubble metrics, replication over seeds).
    """)
    nb.md("""
    The parameters: the size of the simulated world, the number of simulated days, the number
    of worlds (seeds) every measurement is repeated in, and the recommender the platform
    uses. Leave them as they are for grading.
    """)
    nb.parameters("""
    SEED = 2018          # the first seed; the replications use SEED, SEED + 1, ...
    N_SEEDS = 3          # worlds every measurement is repeated in
    N_USERS = 400        # simulated users (the quick test run uses fewer)
    N_ITEMS = 400        # news stories published over the run
    N_TOPICS = 8         # topics
    STEPS = 12           # rounds of recommend -> choose -> retrain
    LIFETIME = 8         # steps a story stays readable
    LONG_STEPS = 30      # the long runs of section 6
    K = 10               # items per list
    RECOMMENDER = "mf"   # the platform's model: implicit-feedback matrix factorisation
    """)
    nb.code("""
    import matplotlib.pyplot as plt
    import numpy as np
    import pandas as pd

    from course import checks, interventions, replication, simulation
    from course.checks import hint
    from course.playground import list_metrics, playground
    from course.record import record
    from course.recommender import top_k
    from course.style import PALETTE, label, use_course_style
    from course.user_model import pareto_mask

    use_course_style()
    checks.start("06-breaking-the-bubble")
    SEEDS = list(range(SEED, SEED + N_SEEDS))
    WORLD = dict(n_users=N_USERS, n_items=N_ITEMS, n_topics=N_TOPICS, lifetime=LIFETIME)
    """)

    # -- 1. The feed to fix ------------------------------------------------------------------
    nb.md("""
    ## 1. The feed we want to fix

    We start where notebook 05 ended: a news world, and a platform that recommends with matrix
    factorisation and retrains on what its users clicked. After `STEPS` simulated days we stop
    the loop and look at the lists it would show *now*. Stories a user already read, or that
    are no longer readable, are excluded (score −∞), as in the simulation. We do this in
    `N_SEEDS` worlds; the worked examples use the first.

    The platform's re-rankers see what a platform knows (`result.view()`, a
    `simulation.FeedView`): the stories' topics and slant, and *estimates* from logged
    behaviour - click-through rates, satisfaction surveys - never the simulation's truth.
    """)
    nb.code("""
    def feed_now(seed):
        \"\"\"World `seed` after STEPS days of the plain feed: what it knows and scores.\"\"\"
        w = simulation.make_world(**WORLD, horizon=STEPS + 1, seed=seed)
        recommender = simulation.make_recommender(RECOMMENDER, w, seed=seed)
        result = simulation.run(w, recommender, steps=STEPS, k=K, seed=seed)
        view = result.view(STEPS)                         # what the platform knows now
        read = result.consumed.toarray()                  # users x stories, 1 = read
        s = np.asarray(recommender.score(np.arange(w.n_users)), dtype=float)
        s[(read > 0) | ~view.available[None, :]] = -np.inf
        return w, view, read, s


    NOW = {seed: feed_now(seed) for seed in SEEDS}
    world, view, history, scores = NOW[SEED]            # the first world, for the examples
    plain = top_k(scores, K)                            # the plain feed: top-k by predicted click
    print(f"{world.n_users} users, {int(view.available.sum())} readable stories, "
          f"{int(history.sum())} stories read in {STEPS} days; lists of {K}")
    """)
    nb.md("""
    We describe a set of lists with six numbers (`course.playground.list_metrics`), each
    averaged over users:

    * **relevance kept**: how much of the plain top-k list's predicted relevance a list keeps
      (scores scaled to [0, 1] per user); the price of an intervention, 1 for the plain feed;
    * **satisfaction**: the users' *true* utility for the listed stories (known only because
      the world is simulated);
    * **topic diversity**: intra-list diversity, the share of pairs of listed stories about
      different topics (notebook 02);
    * **miscalibration**: how far the list's topic mix is from the user's reading history
      (section 3);
    * **cross-cutting share**: the share of listed stories slanted to the other side from the
      user (section 4);
    * **misinformation share**: false stories (none in this world; the playground has some).

    `list_table` measures lists made by a function in every world, as a tidy table (one row
    per seed, feed and metric):
    """)
    nb.code("""
    def list_table(make_lists):
        \"\"\"make_lists(world, view, history, scores) -> {name: lists}, in every world.\"\"\"
        rows = []
        for seed, (w, v, read, s) in NOW.items():
            for name, lists in make_lists(w, v, read, s).items():
                for metric, value in list_metrics(lists, s, w, read).items():
                    rows.append({"seed": seed, "feed": name, "metric": metric, "value": value})
        return pd.DataFrame(rows)


    plain_lists = list_table(lambda w, v, read, s: {"plain feed": top_k(s, K)})
    record("plain_relevance_kept", plain_lists.query("metric == 'relevance kept'")["value"].min())
    replication.interval_table(plain_lists).T
    """)
    nb.md("""
    One user makes this concrete. The left panel is the topic mix of what they read, the right
    one the mix of the list the feed shows them now.
    """)
    nb.code("""
    user = int(np.argmax(history.sum(axis=1)))      # the most active reader
    read_mix = interventions.user_distributions(history[user:user + 1], world.item_topics)[0]
    list_mix = interventions.list_distributions(plain[user:user + 1], world.item_topics)[0]
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.2), sharey=True)
    topics = np.arange(world.n_topics)
    axes[0].bar(topics, read_mix, color=PALETTE[0])
    axes[1].bar(topics, list_mix, color=PALETTE[1])
    label(axes[0], f"User {user}: what they read", "topic", "share")
    label(axes[1], f"User {user}: the plain feed's list", "topic", "")
    plt.show()
    """)
    nb.md("""
    Is this user typical? For every user who read at least three stories, compare the share of
    their main topic in what they read with its share in their list, in every world:
    """)
    nb.code("""
    def main_topic_shares(w, v, read, s):
        lists = top_k(s, K)
        active = read.sum(axis=1) >= 3
        read_mix = interventions.user_distributions(read, w.item_topics)[active]
        list_mix = interventions.list_distributions(lists, w.item_topics)[active]
        main = read_mix.argmax(axis=1)
        rows = np.arange(main.size)
        return {"in what they read": read_mix[rows, main].mean(),
                "in the plain feed's list": list_mix[rows, main].mean()}


    main_topic = replication.replicate(lambda seed: main_topic_shares(*NOW[seed]), SEEDS)
    wide = main_topic.pivot(index="seed", columns="metric", values="value")
    record("share_plain_feed_underserves_main_topic",
           float((wide["in the plain feed's list"] < wide["in what they read"]).mean()))
    replication.summarize(main_topic).round(3)
    """)
    nb.md("""
    In this world the plain feed does **not** over-serve users' main topic, it *under*-serves
    it, in every world: users' reading is concentrated (they pick their favourite topics from
    whatever they are shown), while the matrix factorisation, after a few days of sparse
    clicks and with fresh stories it has no clicks on, spreads its lists far more evenly. A
    feed that "narrows" people is a hypothesis to test, not a given; here the narrowing, where
    there is any, is the readers' own.
    """)

    # -- 2. MMR ---------------------------------------------------------------------------------
    # -- 2. MMR ---------------------------------------------------------------------------------
    nb.md("""
    ## 2. Diversity: maximal marginal relevance

    A top-k list ranks every item on its own, so ten near-identical stories can fill it.
    **Maximal marginal relevance** (MMR; Carbonell and Goldstein 1998) builds the list one item
    at a time and asks each new item to be relevant *and* different from what is already in the
    list:

    $$\\text{next} = \\arg\\max_{i \\notin L} \\Big[\\lambda \\, \\text{rel}(i) - (1 - \\lambda)
    \\max_{j \\in L} \\text{sim}(i, j)\\Big]$$

    The first item is the most relevant one. λ = 1 gives the plain ranking; smaller λ trades
    relevance for variety. The penalty uses the *highest* similarity to the list: an item is
    redundant if it repeats any one item already there.

    A worked example with four items, where items 0 and 1 are near-duplicates:
    """)
    nb.code("""
    relevance = np.array([1.0, 0.9, 0.8, 0.0])
    similarity = np.array([[1.00, 0.95, 0.10, 0.0],
                           [0.95, 1.00, 0.20, 0.0],
                           [0.10, 0.20, 1.00, 0.0],
                           [0.00, 0.00, 0.00, 1.0]])
    pd.DataFrame(similarity, columns=[f"item {i}" for i in range(4)],
                 index=[f"item {i}" for i in range(4)])
    """)
    nb.md("""
    With λ = 0.5 the list starts with item 0. For the second slot, item 1 scores
    0.5 × 0.9 − 0.5 × 0.95 = −0.025, item 2 scores 0.5 × 0.8 − 0.5 × 0.10 = 0.35 and item 3
    scores 0: item 2 is next. For the third, item 1 still scores −0.025 (its highest similarity
    to the list is 0.95) and item 3 scores 0, so item 3 completes the list [0, 2, 3]; the plain
    ranking would have been [0, 1, 2].

    ### Exercise 1 (3 points): MMR for one user

    Write `mmr(relevance, similarity, k, lam)` returning the list (a Python list of item
    indices, best first) that MMR builds for one user. `relevance` is a 1-D array with one
    score per item, `similarity` an items × items array.
    Write the code yourself: an answer that just calls `course.interventions.mmr_rerank` scores
    zero.
    """)
    nb.answer("mmr", """
    def mmr(relevance, similarity, k, lam):
        \"\"\"The k items maximal marginal relevance picks, in order, for one user.\"\"\"
        ### BEGIN SOLUTION
        chosen = [int(np.argmax(relevance))]
        while len(chosen) < k:
            redundancy = similarity[:, chosen].max(axis=1)
            value = lam * relevance - (1 - lam) * redundancy
            value[chosen] = -np.inf
            chosen.append(int(np.argmax(value)))
        return chosen
        ### END SOLUTION
    """)
    nb.tests("mmr", points=3, visible="""
    checks.check("mmr", strict=True)
    assert list(mmr(relevance, similarity, 3, 0.5)) == [0, 2, 3]
    assert list(mmr(relevance, similarity, 3, 1.0)) == [0, 1, 2]
    """, hidden="""
    _rng = np.random.default_rng(60)
    for _lam in (0.2, 0.55, 0.9):
        _rel = _rng.random(40)
        _sim = interventions.cosine_similarity(_rng.random((40, 5)) ** 2)
        _want = interventions.mmr_rerank(_rel[None, :], _sim, 8, _lam, pool=None,
                                         normalize=False)[0]
        assert [int(i) for i in mmr(_rel, _sim, 8, _lam)] == _want.tolist()
    """)
    nb.code("""
    example_list = interventions.mmr_rerank(relevance[None, :], similarity, 3, lam=0.5,
                                            normalize=False)[0]
    record("example_mmr_first_three", example_list.tolist())
    """)
    nb.md("""
    The course's `interventions.mmr_rerank` does the same for all users at once (vectorized,
    with relevance scaled to [0, 1] per user, over each user's 100 best stories). Here stories
    are similar when they share a topic. Sweeping λ from 1 down traces a trade-off; each point
    is the mean over the worlds, the bars its 95% interval:
    """)
    nb.code("""
    LAMBDAS = [1.0, 0.9, 0.7, 0.5]


    def mmr_lists(w, v, read, s):
        similarity_ = interventions.cosine_similarity(w.item_topics)
        return {lam: interventions.mmr_rerank(s, similarity_, K, lam=lam) for lam in LAMBDAS}


    mmr_runs = list_table(mmr_lists).rename(columns={"feed": "lambda"})
    mmr_table = replication.summarize(mmr_runs).pivot(index="lambda", columns="metric",
                                                      values="mean").loc[LAMBDAS]
    record("share_mmr_raises_list_diversity", replication.share_above(
        mmr_runs.rename(columns={"lambda": "feed"}), 0.5, 1.0, "topic diversity"))
    mmr_table.round(3)
    """)
    nb.code("""
    def tradeoff(ax, runs, by, x, y, color, name, marker="o"):
        \"\"\"Means of two list metrics per setting, with 95% intervals over the worlds.\"\"\"
        table = replication.summarize(runs, by=[by, "metric"])
        at = {m: table[table["metric"] == m].set_index(by) for m in (x, y)}
        ax.errorbar(at[x]["mean"], at[y]["mean"],
                    xerr=[at[x]["mean"] - at[x]["ci_low"], at[x]["ci_high"] - at[x]["mean"]],
                    yerr=[at[y]["mean"] - at[y]["ci_low"], at[y]["ci_high"] - at[y]["mean"]],
                    fmt=f"{marker}-", color=color, capsize=3, label=name)
        for setting, row in at[x].iterrows():
            ax.annotate(f"λ={setting:g}", (row["mean"], at[y].loc[setting, "mean"]),
                        textcoords="offset points", xytext=(6, 4), fontsize=9)


    fig, ax = plt.subplots(figsize=(7, 4))
    tradeoff(ax, mmr_runs, "lambda", "topic diversity", "relevance kept", PALETTE[0], "MMR")
    label(ax, "MMR: variety costs predicted relevance", "topic diversity of the lists",
          "relevance kept")
    plt.show()
    """)
    nb.md("""
    The first steps are cheap: a little relevance buys a lot of variety, because the plain
    list repeats topics. Past a point the curve flattens: with one topic per story the penalty
    is all or nothing, and once λ < 0.5 it outweighs any relevance difference, so every list
    just cycles through topics.
    """)

    # -- 3. Calibration -------------------------------------------------------------------------
    nb.md("""
    ## 3. Calibration: the right mix, not just more mix

    Diversity is not always what a reader wants. Someone who reads 70% politics and 30% sport
    is poorly served by a list that is 100% politics (the feedback loop's drift), but also by
    a list spread evenly over eight topics. Steck (2018) calls a list **calibrated** when its
    mix of genres (here: topics) matches the mix of what the user read. With p(g | u) the share
    of topic g in the user's history and q(g | L) its share in the list, miscalibration is the
    Kullback-Leibler divergence

    $$C_{KL}(p, q) = \\sum_g p(g \\mid u) \\, \\log \\frac{p(g \\mid u)}{\\tilde q(g \\mid L)},
    \\qquad \\tilde q = (1 - \\alpha)\\, q + \\alpha\\, p$$

    It is 0 for a perfectly calibrated list. A topic the user reads but the list lacks would
    make the plain KL infinite; mixing a little of p into q (α = 0.01) keeps it finite but
    large. Topics the user never reads (p = 0) contribute nothing (0 log 0 = 0).

    ### Exercise 2 (2 points): miscalibration

    Write `miscalibration(p, q, alpha=0.01)` for one user: `p` and `q` are 1-D arrays over the
    topics, each summing to 1. For p = [0.5, 0.5] and q = [1, 0] the answer is about 1.9585.
    Write the code yourself: an answer that just calls `course.interventions.kl_miscalibration`
    scores zero.
    """)
    nb.answer("miscalibration", """
    def miscalibration(p, q, alpha=0.01):
        \"\"\"Steck's KL miscalibration of a list with topic mix q for a user with mix p.\"\"\"
        ### BEGIN SOLUTION
        q_smooth = (1 - alpha) * q + alpha * p
        read = p > 0
        return float(np.sum(p[read] * np.log(p[read] / q_smooth[read])))
        ### END SOLUTION
    """)
    nb.tests("miscalibration", points=2, visible="""
    checks.check("miscalibration", strict=True)
    assert abs(miscalibration(np.array([0.5, 0.5]), np.array([1.0, 0.0])) - 1.9585) < 1e-4
    """, hidden="""
    _p, _q = np.array([0.0, 0.25, 0.75]), np.array([0.6, 0.4, 0.0])
    _want = float(interventions.kl_miscalibration(_p, _q, 0.02))
    assert abs(miscalibration(_p, _q, 0.02) - _want) < 1e-12
    assert abs(miscalibration(_p, _p)) < 1e-12
    """)
    nb.code("""
    example_kl = float(interventions.kl_miscalibration(np.array([0.5, 0.5]), np.array([1.0, 0.0])))
    record("example_kl", example_kl)
    """)
    nb.md("""
    Steck builds calibrated lists greedily, like MMR: each step adds the item that maximises

    $$(1 - \\lambda) \\, \\text{rel}(i) - \\lambda \\, C_{KL}\\big(p, q(L \\cup \\{i\\})\\big)$$

    where q(L ∪ {i}) is the mean topic mix of the items chosen so far plus candidate i.
    λ = 0 is the plain ranking; λ near 1 matches the user's mix as closely as k items allow.

    ### Exercise 3 (3 points): a calibrated list for one user

    Write `calibrate(relevance, item_dist, p, k, lam, alpha=0.01)`. `item_dist` is the
    items × topics array of each item's topic mix (each row sums to 1), `p` the user's mix.
    Use the course's `interventions.kl_miscalibration(p, q, alpha)` for the KL (it computes
    what you wrote in exercise 2), so this exercise is graded on its own.
    Write the code yourself: an answer that just calls `course.interventions.calibrated_rerank`
    scores zero.
    """)
    nb.answer("calibrate", """
    def calibrate(relevance, item_dist, p, k, lam, alpha=0.01):
        \"\"\"The k items a calibrated greedy ranking picks, in order, for one user.\"\"\"
        ### BEGIN SOLUTION
        chosen = []
        while len(chosen) < k:
            best, best_value = None, -np.inf
            for i in range(len(relevance)):
                if i in chosen:
                    continue
                q = item_dist[chosen + [i]].mean(axis=0)
                value = ((1 - lam) * relevance[i]
                         - lam * interventions.kl_miscalibration(p, q, alpha))
                if value > best_value:
                    best, best_value = i, value
            chosen.append(best)
        return chosen
        ### END SOLUTION
    """)
    nb.tests("calibrate", points=3, visible="""
    checks.check("calibrate", strict=True)
    _dist = np.eye(2)[[0, 0, 0, 1]]           # items 0-2 are topic 0, item 3 is topic 1
    assert list(calibrate(relevance, _dist, np.array([0.5, 0.5]), 2, 0.5)) == [0, 3]
    """, hidden="""
    _rng = np.random.default_rng(61)
    for _lam in (0.25, 0.6, 0.95):
        _rel = _rng.random(30)
        _dist = interventions.item_distributions(np.eye(4)[_rng.integers(0, 4, 30)])
        _p = _rng.dirichlet(np.ones(4))
        _want = interventions.calibrated_rerank(_rel[None, :], _dist, _p[None, :], 6, _lam,
                                                pool=None, normalize=False)[0]
        assert [int(i) for i in calibrate(_rel, _dist, _p, 6, _lam)] == _want.tolist()
    """)
    nb.md("""
    The course's `interventions.calibrated_rerank` builds calibrated lists for every user at
    once. Here MMR and calibration are compared on the same users of every world: both change
    the lists, but they aim at different targets.
    """)
    nb.code("""
    CAL_LAMBDAS = [0.0, 0.2, 0.4, 0.6, 0.8, 0.95]


    def calibrated_lists(w, v, read, s):
        reading = interventions.user_distributions(read, w.item_topics)
        return {lam: interventions.calibrated_rerank(s, w.item_topics, reading, K, lam=lam)
                for lam in CAL_LAMBDAS}


    cal_runs = list_table(calibrated_lists).rename(columns={"feed": "lambda"})
    cal_table = replication.summarize(cal_runs).pivot(index="lambda", columns="metric",
                                                      values="mean").loc[CAL_LAMBDAS]
    miscal = cal_runs[cal_runs["metric"] == "miscalibration (KL)"].pivot(
        index="seed", columns="lambda", values="value")
    record("share_calibration_lowers_miscalibration", float((miscal[0.95] < miscal[0.0]).mean()))
    cal_table.round(3)
    """)
    nb.code("""
    fig, ax = plt.subplots(figsize=(7, 4))
    tradeoff(ax, mmr_runs, "lambda", "relevance kept", "miscalibration (KL)", PALETTE[0],
             "MMR (λ from 1 to 0.5)")
    tradeoff(ax, cal_runs, "lambda", "relevance kept", "miscalibration (KL)", PALETTE[1],
             "calibration (λ from 0 to 0.95)", marker="s")
    ax.invert_xaxis()
    ax.legend(loc="upper right")
    label(ax, "Two kinds of variety", "relevance kept (less to the right)",
          "miscalibration (KL, lower is better)")
    plt.show()
    """)
    nb.md("""
    Calibration drives miscalibration down while keeping most of the relevance. MMR lowers it
    somewhat (the plain lists miss some of the topics users read) and then flattens far above:
    it spreads every list evenly over topics, which is not what a focused reader's history
    looks like. Calibration keeps a reader's proportions - and
    since the plain feed here *under*-serves users' main topic (section 1), calibrating means
    giving them *more* of it: including a narrow diet, if that is what they read. MMR pushes
    everyone toward the same even spread.
    """)
    nb.written("calibration_vs_diversity", points=3, prompt="""
    The film worries that feeds narrow what people see. Would you fight that with MMR or with
    calibration? Use the two curves above and section 1's main-topic table, and say what each
    does for a user whose history is already narrow (for example 90% one topic). (3-5
    sentences.)
    """, model_answer="""
    Calibration only restores the proportions a user already has: it corrects a list whose mix
    departs from the history - here the plain feed *under*-serves users' main topic, so
    calibration adds more of it - at little cost in relevance; for a reader whose history is
    90% one topic it makes the list about 90% that topic, so it cannot widen an existing
    bubble and can deepen one. MMR adds variety regardless of the history: it would give that
    reader many topics, at a larger cost in predicted relevance and with worse calibration
    (lists become evenly spread). Against narrowing, only MMR (or exploration) changes
    anything, and in this world the narrowing is mostly the readers' own choice (notebook 05),
    so the question is whether the platform should override that choice.
    """, rubric="""
    - 1 pt: calibration matches the user's own mix; it corrects departures from the history
      (here: gives more of the main topic) but preserves or deepens a narrow history.
    - 1 pt: MMR adds variety for everyone, costs more relevance, and worsens calibration when
      strong; uses the curves (relevance kept vs miscalibration) as evidence.
    - 1 pt: a reasoned choice that distinguishes narrowing caused by the feed from a narrow
      diet chosen by the user (or names the paternalism question).
    """)

    # -- 4. Exploration and perspectives ----------------------------------------------------------
    nb.md("""
    ## 4. Exploration, and a mix of perspectives

    Two more kinds of intervention do not rely on topics at all.

    **Exploration.** A recommender trained on its own output only learns about items it
    showed. *ε-greedy* exploration gives each slot, with probability ε, to a random item
    (`interventions.epsilon_greedy`). A *bandit* policy explores more cleverly: UCB1
    ("optimism in the face of uncertainty") adds to each item's score a bonus
    $c \\sqrt{2 \\ln(t + 1) / (n_i + 1)}$ that is large for items shown rarely so far
    (`interventions.UCBExplorer`).

    **A mix of perspectives.** The film's proposal, made concrete: each side of the political
    slant axis gets at least a share of the slots (`interventions.perspective_quota`). Whether
    it works is measured by **cross-cutting exposure** (Bakshy, Messing and Adamic 2015): the
    share of listed items slanted to the other side from the user's own ideology.

    ### Exercise 4 (2 points): cross-cutting exposure

    Write `cross_cutting_share(lists, item_slant, user_ideology)`: `lists` is users × k item
    indices (row u for user u), `item_slant` one number per item in [−1, 1], `user_ideology`
    one number per user. Return the share of listed items on the other side from their user
    (an item or user exactly at 0 is on neither side).
    Write the code yourself: an answer that just calls `course.interventions.cross_cutting_share`
    scores zero.
    """)
    nb.answer("cross_cutting_share", """
    def cross_cutting_share(lists, item_slant, user_ideology):
        \"\"\"Share of listed items slanted to the other side from their user's ideology.\"\"\"
        ### BEGIN SOLUTION
        sides = np.sign(item_slant[lists]) * np.sign(user_ideology)[:, None]
        return float(np.mean(sides < 0))
        ### END SOLUTION
    """)
    nb.tests("cross_cutting_share", points=2, visible="""
    checks.check("cross_cutting_share", strict=True)
    _lists = np.array([[0, 3], [0, 1], [3, 0]])
    assert abs(cross_cutting_share(_lists, np.array([-0.8, -0.1, 0.0, 0.3]),
                                   np.array([-0.5, 0.6, 0.0])) - 0.5) < 1e-12
    """, hidden="""
    _rng = np.random.default_rng(62)
    _lists = _rng.integers(0, 50, (30, 5))
    _slant, _ideology = _rng.uniform(-1, 1, 50), _rng.uniform(-1, 1, 30)
    _want = interventions.cross_cutting_share(_lists, _slant, _ideology)
    assert abs(cross_cutting_share(_lists, _slant, _ideology) - _want) < 1e-12
    """)
    nb.md("""
    The course's `interventions.FeedPolicy` combines every intervention of this notebook in one
    re-ranker, each knob at 0 meaning "off": `diversity` (MMR with λ = 1 − diversity),
    `calibration`, `quota`, `exploration` (ε, or the UCB bonus c with `explore="ucb"`) and
    `blend` (rank by predicted satisfaction instead of predicted clicks: the click scores
    weighted by each story's *estimated* satisfaction, `view.item_satisfaction()` - the mean
    answer of the readers the platform surveyed, noisy, and the average for a story nobody has
    read yet; never the true quality). Here is what the perspective quota and exploration do
    to the lists:
    """)
    nb.code("""
    KNOBS = {"plain feed": {}, "quota 0.2": {"quota": 0.2}, "quota 0.5": {"quota": 0.5},
             "ε-greedy 0.2": {"exploration": 0.2}, "satisfaction blend 1": {"blend": 1.0}}
    knob_runs = list_table(lambda w, v, read, s: {
        name: interventions.FeedPolicy(**settings, seed=SEED)(s, v, K)
        for name, settings in KNOBS.items()})
    record("quota_cross_cutting",
           knob_runs.query("feed == 'quota 0.5' and metric == 'cross-cutting share'")["value"]
           .mean())
    replication.interval_table(knob_runs, index="feed")
    """)
    nb.md("""
    A 50/50 quota raises cross-cutting exposure to half of every list, by construction, for a
    small loss of predicted relevance and of satisfaction: users like the other side's stories
    less (selective exposure, an assumption of this world: notebook 05).
    Exposure is what the platform controls; what people *read* is up to them. The next section
    follows both through the feedback loop.
    """)

    # -- 5. Trade-offs in the loop -------------------------------------------------------------
    nb.md("""
    ## 5. Trade-offs in the feedback loop

    List metrics describe one moment. The film's claim is about what happens over time, when
    the recommender retrains on what its lists caused. For eight settings we re-run the
    simulation with that feed in each of the `N_SEEDS` worlds (the same worlds for every
    setting), and score each run by

    * **satisfaction**: the cumulative relative utility, the users' expected satisfaction over
      the run as a share of what an ideal feed would have given them;
    * **diversity**: consumption diversity (normalized topic entropy of what users read);
    * **polarization**: `group_distance`, how far apart the mean slant read by left- and
      right-leaning users is;
    * **cross-cutting exposure** and **cross-cutting reading**: the share of shown and of read
      stories from the other side.

    This is the notebook's slowest cell (under 10 seconds).
    """)
    nb.code("""
    SWEEP = {"MMR 0.5": {"diversity": 0.5}, "calibration 0.3": {"calibration": 0.3},
             "calibration 0.9": {"calibration": 0.9}, "quota 0.5": {"quota": 0.5},
             "ε-greedy 0.1": {"exploration": 0.1}, "ε-greedy 0.3": {"exploration": 0.3},
             "UCB 0.3": {"exploration": 0.3, "explore": "ucb"},
             "satisfaction blend 1": {"blend": 1.0}}


    def feed(settings):
        # a fresh policy for every run: UCB remembers what it showed
        return replication.Feed(RECOMMENDER, reranker=lambda seed: interventions.FeedPolicy(
            **settings, seed=seed))


    loop = replication.run_feeds({"plain feed": RECOMMENDER,
                                  **{name: feed(s) for name, s in SWEEP.items()}},
                                 seeds=SEEDS, steps=STEPS, world=WORLD, k=K)
    loop_cards = replication.scorecards(loop)
    record("n_settings", loop_cards["feed"].nunique())
    OUTCOMES = {"cumulative_relative_utility": "satisfaction (share of ideal)",
                "diversity": "diversity", "group_distance": "polarization",
                "cross_cutting_exposure": "cross-cutting exposure",
                "cross_cutting_consumption": "cross-cutting reading"}
    replication.interval_table(loop_cards, OUTCOMES).rename(columns=OUTCOMES)
    """)
    nb.md("""
    What each setting *changes*, seed by seed against the plain feed in the same world: a dot
    is the mean difference, the bar its 95% interval; a bar that crosses the zero line is a
    tendency at best, not a finding.
    """)
    nb.code("""
    diffs = pd.concat([replication.paired_difference(loop_cards, name, "plain feed")
                       .assign(feed=name) for name in SWEEP], ignore_index=True)
    shown = list(OUTCOMES)[:4]
    fig, axes = plt.subplots(1, len(shown), figsize=(13, 4.2), sharey=True)
    for ax, metric in zip(axes, shown):
        rows = diffs[diffs["metric"] == metric]
        table = replication.summarize(rows, by=["feed"]).set_index("feed").loc[list(SWEEP)]
        y = np.arange(len(table))
        ax.errorbar(table["mean"], y, xerr=[table["mean"] - table["ci_low"],
                                             table["ci_high"] - table["mean"]],
                    fmt="o", color=PALETTE[0], capsize=3)
        ax.axvline(0, color="black", lw=0.8)
        ax.set_yticks(y, table.index)
        ax.invert_yaxis()
        label(ax, OUTCOMES[metric], "change vs the plain feed", "")
    fig.suptitle("What each intervention changes in the loop (mean and 95% interval over "
                 f"{len(SEEDS)} worlds)", fontweight="bold")
    plt.tight_layout()
    """)
    nb.code("""
    def share_better(name, metric):
        return replication.share_above(loop_cards, name, "plain feed", metric)


    record("share_exploration_raises_satisfaction_in_loop",
           share_better("ε-greedy 0.3", "cumulative_relative_utility"))
    record("share_exploration_raises_polarization", share_better("ε-greedy 0.3",
                                                                 "group_distance"))
    record("share_exploration_narrows_reading",
           replication.share_above(loop_cards, "plain feed", "ε-greedy 0.3", "diversity"))
    quota = diffs[(diffs["feed"] == "quota 0.5")
                  & (diffs["metric"] == "cross_cutting_consumption")]["value"]
    low, high = replication.interval(quota)
    record("share_quota_leaves_cross_cutting_reading_unchanged", float(low < 0 < high))
    """)
    nb.md("""
    A setting is **Pareto-efficient** if no other setting is at least as good on both
    satisfaction (higher is better) and polarization (lower is better) and strictly better on
    one (notebook 04's `pareto_mask`, with polarization negated). We judge it on the means; with
    intervals as wide as these, "efficient" is a ranking of tendencies, not a verdict.
    """)
    nb.code("""
    means = replication.summarize(loop_cards, by=["feed", "metric"]).pivot(
        index="feed", columns="metric", values="mean")
    means["efficient"] = pareto_mask(means["cumulative_relative_utility"].to_numpy(),
                                     -means["group_distance"].to_numpy())
    means[["cumulative_relative_utility", "group_distance", "diversity", "efficient"]].round(3)
    """)
    nb.md("""
    Read the results with care; they come from simulated worlds whose assumptions you can
    change (notebook 05):

    * **Exploration raises satisfaction** in every world: a feed retrained only on its own
      clicks learns nothing about the stories it never shows, and in a news feed every fresh
      story starts unshown (section 6). It also *raises* polarization and narrows what people
      read: given better matches, users read more of their own side and topics.
    * **The quota changes exposure, not reading.** It puts half of every list on the other side,
      yet cross-cutting *reading* does not detectably change: users still pick the stories
      close to their views from whatever they are shown. (Under the selective-exposure
      assumption; notebook 09 asks what real people do.)
    * **Calibration and MMR** raise satisfaction somewhat (less than exploration) and move
      diversity and polarization by less than their intervals at this scale.
    * **The satisfaction blend** changes little: a story's survey estimate is noisy and
      missing for fresh stories, and every story here is true (notebook 08's capstone has
      clickbait, where it matters).
    * Which side of a trade-off is "better" is a value judgement the numbers cannot make.
    """)

    # -- 6. Exploration and the collapse -------------------------------------------------------
    nb.md("""
    ## 6. Why exploration: the collapse of a fixed catalogue, and fresh stories

    Two worlds show what exploitation alone does. In a **fixed catalogue** every story is there
    from the start and nothing is read twice: a feed that only exploits what it learned uses up
    the head of every user's list, cannot find the good stories it never showed, and its users'
    satisfaction collapses - a long run then makes an engagement-trained feed look worse than
    random, which is an artefact of a world without news (an earlier version of this course
    reported exactly that at 10,000 users and 100 steps). In a **news world** the head renews
    itself, but every fresh story arrives with no clicks, and a matrix factorisation cannot
    recommend a story nobody has clicked (*cold start*): without exploration it keeps serving
    what is already known.

    We run the plain MF feed, ε-greedy and a UCB bandit (and the random and ideal feeds for
    reference) for `LONG_STEPS` steps in both worlds, in each of the `N_SEEDS` worlds.
    """)
    nb.code("""
    EXPLORE = {"random": "random", "mf": RECOMMENDER,
               "mf + ε-greedy 0.1": feed({"exploration": 0.1}),
               "mf + UCB 0.3": feed({"exploration": 0.3, "explore": "ucb"}),
               "oracle": "oracle"}
    LONG_WORLD = dict(n_users=N_USERS, n_items=N_ITEMS // 2, n_topics=N_TOPICS)
    fixed = replication.run_feeds(EXPLORE, seeds=SEEDS, steps=LONG_STEPS, world=LONG_WORLD, k=K)
    """)
    nb.code("""
    news = replication.run_feeds(EXPLORE, seeds=SEEDS, steps=LONG_STEPS, k=K,
                                 world={**LONG_WORLD, "n_items": N_ITEMS, "lifetime": LIFETIME})
    COLOURS = {"random": PALETTE[7], "mf": PALETTE[0], "mf + ε-greedy 0.1": PALETTE[1],
               "mf + UCB 0.3": PALETTE[2], "oracle": PALETTE[4]}
    fig, axes = plt.subplots(1, 2, figsize=(12.5, 4.3), sharey=True)
    for ax, (name, runs) in zip(axes, [("fixed catalogue", fixed), ("news world", news)]):
        replication.lineplot(runs, "utility", ax=ax, palette=COLOURS, linewidth=2)
        label(ax, f"Satisfaction per step: {name}", "step", "expected utility")
        ax.get_legend().remove()
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncols=len(EXPLORE), frameon=False)
    plt.tight_layout(rect=(0, 0.08, 1, 1))
    """)
    nb.code("""
    def late_over_early(runs, name):
        u = runs[(runs["feed"] == name) & (runs["metric"] == "utility")]
        u = u.pivot(index="seed", columns="step", values="value")
        half = LONG_STEPS // 2
        return u.loc[:, half:].mean(axis=1) / u.loc[:, 2:half].mean(axis=1)


    record("share_fixed_catalogue_collapses", float((late_over_early(fixed, "mf") < 0.6).mean()))


    def late(runs, name):
        u = runs[(runs["feed"] == name) & (runs["metric"] == "utility")]
        return u[u["step"] >= LONG_STEPS // 2].groupby("seed")["value"].mean()


    record("share_mf_falls_below_random_in_fixed_catalogue",
           float((late(fixed, "mf") < late(fixed, "random")).mean()))
    news_cards = replication.scorecards(news)
    record("share_exploration_beats_plain_in_news_world", replication.share_above(
        news_cards, "mf + UCB 0.3", "mf", "cumulative_relative_utility"))
    pd.concat({"fixed catalogue": replication.interval_table(
                   replication.scorecards(fixed), ["satisfaction", "cumulative_relative_utility",
                                                   "final_relative_utility"]),
               "news world": replication.interval_table(
                   news_cards, ["satisfaction", "cumulative_relative_utility",
                                "final_relative_utility"])})
    """)
    nb.md("""
    * **Fixed catalogue.** Every feed's satisfaction falls as the good stories are used up -
      the ideal feed's fastest, since it reads the best ones first; the plain MF feed's falls
      below the random feed's, because random slates still hold stories nobody has been
      offered. The *final-step* relative utility exaggerates this: it compares the last step's
      dregs with the ideal feed's dregs. The cumulative figures tell the fairer story.
      Exploration keeps looking at what the model has not seen and holds up longer.
    * **News world.** Nothing runs out, so there is no collapse; but the plain MF feed serves
      mostly stories it has clicks on, and the bandit, which gives every unshown story a bonus,
      finds the good fresh ones: in every world it gives users a much larger share of the
      ideal's satisfaction than plain exploitation does.

    Exploration is not a concession to the film's critics: it is how a feed learns what it has
    not yet shown, and a news feed is all unshown stories.
    """)

    # -- 7. The playground ---------------------------------------------------------------------
    nb.md("""
    ## 7. The playground

    The playground below puts every knob on a slider: the algorithm, the diversity weight,
    calibration, exploration (ε-greedy or UCB), the perspective quota and the
    engagement/satisfaction blend. It shows the recommended lists' metrics at once, and a
    short simulation of the feedback loop about a second after you let go of a slider. Its
    world has some misinformation (false items with an engagement pull), so the blend matters.
    The same app runs on its own with `./run voila`.
    """)
    nb.code("""
    feed_playground = playground(RECOMMENDER, diversity=0.3)
    feed_playground
    """)
    nb.written("defend_setting", points=5, prompt="""
    You advise the platform. Choose one setting of the knobs (use the trade-off tables, the
    interval plot, section 6 and the playground), and defend it to both sides of the debate:
    to the platform, which says the feed must stay "relevant and useful", and to the film's
    authors, who want feeds to "mix perspectives". Give the numbers your setting achieves
    against the plain feed *with their intervals*, say what it costs and who bears the cost,
    and name one thing the simulation cannot tell you that would change your mind.
    (8-12 sentences.)
    """, model_answer="""
    A defensible choice (others are fine if argued with numbers) is exploration - ε-greedy at
    about 0.3 or a UCB bandit - rather than a hard 50/50 perspective quota. In our three worlds
    ε-greedy 0.3 raised users' cumulative satisfaction by about 0.1 of the ideal feed's over
    the plain feed, with an interval well above zero and in every world, and section 6 shows
    why: a news feed that only exploits cannot learn about fresh stories. To the platform: users'
    satisfaction and clicks go up, so "relevant and useful" is better served, not worse. To the
    film: the 50/50 quota does mix perspectives in what is *shown* (cross-cutting share 0.5 of
    every list) but cross-cutting *reading* does not detectably change (its interval contains
    zero), and it costs satisfaction on the lists; and exploration, honestly reported, slightly
    *raises* polarization and narrows reading, because users find more of what they like. The
    costs of my choice: a few random stories per list, which users bear, and more separated
    diets. What the simulation cannot tell me: whether real tastes drift toward what is shown,
    whether people avoid the other side as strongly as the model assumes (selective exposure
    is an assumption here), how they react to it (backfire, Bail et al. 2018); evidence that
    exposure itself reduces polarization would push me toward a quota.
    """, rubric="""
    - 1 pt: a concrete setting (values of the knobs) is chosen.
    - 1 pt: quantitative comparison with the plain feed taken from this notebook's results,
      with intervals or seed counts (a difference inside its interval is not claimed as a
      finding).
    - 1 pt: addresses the platform's claim (relevance, usefulness, engagement) with evidence.
    - 1 pt: addresses the film's claim (mixing perspectives), distinguishing exposure from
      reading or polarization.
    - 1 pt: names a cost and who bears it, and a limitation of the simulation (selective
      exposure, drift, backfire, few synthetic worlds, long-run effects) that could change the
      decision.
    """)

    # -- Summary ---------------------------------------------------------------------------------
    nb.md("""
    ## Summary

    * **MMR** builds a list item by item, trading relevance (weight λ) against redundancy (the
      highest similarity to the list so far). A little diversity is cheap; a lot pushes every
      list to the same even spread.
    * **Calibration** (Steck 2018) matches the list's topic mix to the user's history,
      measured by the KL divergence with smoothing. Here the plain feed *under*-serves users'
      main topic, so calibration gives them more of it: it preserves, even deepens, a narrow
      diet.
    * **Exploration** (ε-greedy, UCB) and a **perspective quota** change what is shown;
      **cross-cutting exposure** measures the latter. A **satisfaction blend** changes the
      objective, with the platform's noisy estimates of satisfaction, never the truth.
    * In the feedback loop, exposure and reading differ: the quota changes lists, not what
      people read; exploration raises satisfaction in every world, and with it polarization.
      Intervals over worlds, against the plain feed in the same worlds, separate findings from
      tendencies; a Pareto frontier organises the choice, it does not make it.
    * **Exploit without explore** collapses in a fixed catalogue and starves fresh stories in a
      news feed; exploration is how a feed learns what it has not shown.
    * **What the field found:** Nyhan et al. (2023) cut exposure to like-minded sources by about
      a third on Facebook: cross-cutting exposure rose, and no attitude changed measurably -
      the quota's lesson with real people (notebook 09, section 5). Bakshy et al. (2015) found
      people's own clicks removed more cross-cutting news than the ranking did, which is why
      re-ranking what is shown may move what is read so little.
    * **Next:** notebook 07 turns to misinformation and what ranking does to its reach.

    ## Further reading

    * J. Carbonell and J. Goldstein, "The use of MMR, diversity-based reranking for reordering
      documents and producing summaries", SIGIR 1998.
    * H. Steck, "Calibrated recommendations", RecSys 2018.
    * M. Kunaver and T. Požrl, "Diversity in recommender systems: a survey", *Knowledge-Based
      Systems* 123, 2017.
    * P. Auer, N. Cesa-Bianchi and P. Fischer, "Finite-time analysis of the multiarmed bandit
      problem", *Machine Learning* 47, 2002 (UCB1).
    * R. Jiang, S. Chiappa, T. Lattimore, A. György and P. Kohli, "Degenerate feedback loops in
      recommender systems", AIES 2019.
    * E. Bakshy, S. Messing and L. A. Adamic, "Exposure to ideologically diverse news and
      opinion on Facebook", *Science* 348(6239), 2015.
    * C. A. Bail et al., "Exposure to opposing views on social media can increase political
      polarization", *PNAS* 115(37), 2018.
    * J. Stray, "Designing recommender systems to depolarize", *First Monday* 27(5), 2022.

    ## Check your work
    """)
    nb.code("""
    checks.check_all()
    """)
    return nb


if __name__ == "__main__":
    build().write()
