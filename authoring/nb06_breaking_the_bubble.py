"""Build ``06-breaking-the-bubble``: interventions against filter bubbles, and what they cost."""

from nbbuild import Notebook

ASSIGNMENT = "06-breaking-the-bubble"
QUICK_PARAMETERS = {"N_USERS": 150, "N_ITEMS": 120, "STEPS": 6}

# The worked examples and the exercises' own cases are exact arithmetic. Everything measured
# on simulated lists uses matrix factorisation (float32 linear algebra, whose last bits can
# differ between BLAS builds and flip a simulated choice), hence the looser tolerances.
_EXACT = {
    "example_mmr_first_three": ([0, 2, 3], 0),
    "example_kl": (1.958518, 1e-6),
    "plain_relevance_kept": (1.0, 1e-9),          # the plain feed keeps all its relevance
    "quota_cross_cutting": (0.5, 1e-9),           # a 50/50 quota: half of every list
    "n_settings": (16, 0),
}
EXPECTED = {
    **_EXACT,
    "plain_topic_diversity": (0.8467, 0.05),
    "mmr_topic_diversity_gain": (0.1022, 0.05),
    "calibrated_miscalibration_drop": (1.9129, 0.1),
    "plain_satisfaction": (0.2963, 0.05),
    "calibration_diversity_drop": (0.1903, 0.05),
}
EXPECTED_FULL = {
    **_EXACT,
    "plain_topic_diversity": (0.7531, 0.05),
    "mmr_topic_diversity_gain": (0.19, 0.05),
    "calibrated_miscalibration_drop": (1.1663, 0.1),
    "plain_satisfaction": (0.4239, 0.05),
    "calibration_diversity_drop": (0.2146, 0.05),
}
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

    Notebook 05 showed a feed that learns from the clicks it caused and narrows what people
    see. The film's remedy is that feeds should "mix perspectives"; the platform's answer is
    that its feed is already "relevant and useful". Both are claims about *interventions*:
    changes to how a list is built, and what they cost. This notebook builds the standard
    ones, measures them on the recommended lists and in the feedback loop, and asks you to
    choose, and defend, a setting.

    **Learning objectives.** After this notebook you can
    1. implement maximal marginal relevance (MMR) and explain its diversity knob;
    2. measure miscalibration (Steck 2018) with the KL divergence and build calibrated lists;
    3. explain exploration (ε-greedy, a UCB bandit) and a "mix of perspectives" quota, and
       measure cross-cutting exposure;
    4. draw accuracy-diversity-polarization trade-off curves from a simulation, read a
       Pareto frontier off them, and add curves of your own;
    5. argue for one setting of the knobs, with numbers, and name what it costs.

    **Estimated time:** 120 minutes.
    **Prerequisites:** notebooks 02 (top-k lists and their metrics) and 05 (the simulation and
    the bubble metrics).
    """)
    nb.md("""
    The parameters: the size of the simulated world, the number of simulated days and the
    recommender the platform uses. Leave them as they are for grading.
    """)
    nb.parameters("""
    SEED = 2018          # the same seed gives the same world and the same runs
    N_USERS = 400        # simulated users (the quick test run uses fewer)
    N_ITEMS = 250        # news items
    N_TOPICS = 8         # topics
    STEPS = 12           # rounds of recommend -> choose -> retrain
    K = 10               # items per list
    RECOMMENDER = "mf"   # the platform's model: implicit-feedback matrix factorisation
    """)
    nb.code("""
    import matplotlib.pyplot as plt
    import numpy as np
    import pandas as pd

    from course import checks, interventions, simulation
    from course.checks import hint
    from course.playground import list_metrics, playground
    from course.record import record
    from course.recommender import top_k
    from course.style import PALETTE, label, use_course_style
    from course.user_model import pareto_mask

    use_course_style()
    checks.start("06-breaking-the-bubble")
    """)

    # -- 1. The feed to fix ------------------------------------------------------------------
    nb.md("""
    ## 1. The feed we want to fix

    We start where notebook 05 ended: a news world, and a platform that recommends with matrix
    factorisation and retrains on what its users clicked. After a few simulated days we stop
    the loop and look at the lists it would show *now*. Items a user already read are excluded
    (score −∞), as in the simulation.
    """)
    nb.code("""
    world = simulation.make_world(n_users=N_USERS, n_items=N_ITEMS, n_topics=N_TOPICS,
                                  seed=SEED)
    recommender = simulation.make_recommender(RECOMMENDER, world, seed=SEED)
    history_run = simulation.run(world, recommender, steps=STEPS, k=K, seed=SEED)

    history = history_run.consumed.toarray()        # users x items, 1 = read
    scores = np.asarray(recommender.score(np.arange(world.n_users)), dtype=float)
    scores[history > 0] = -np.inf
    plain = top_k(scores, K)                        # the plain feed: top-k by predicted click
    print(f"{world.n_users} users, {world.n_items} items, {int(history.sum())} items read "
          f"in {STEPS} days; lists of {K}")
    """)
    nb.md("""
    We describe a set of lists with six numbers (`course.playground.list_metrics`), each
    averaged over users:

    * **relevance kept**: how much of the plain top-k list's predicted relevance a list keeps
      (scores scaled to [0, 1] per user); the price of an intervention, 1 for the plain feed;
    * **satisfaction**: the users' *true* utility for the listed items (known only because the
      world is simulated);
    * **topic diversity**: intra-list diversity, the share of pairs of listed items about
      different topics (notebook 02);
    * **miscalibration**: how far the list's topic mix is from the user's reading history
      (section 3);
    * **cross-cutting share**: the share of listed items slanted to the other side from the
      user (section 4);
    * **misinformation share**: false items (none in this world; the playground has some).
    """)
    nb.code("""
    plain_metrics = list_metrics(plain, scores, world, history)
    record("plain_relevance_kept", plain_metrics["relevance kept"])
    record("plain_topic_diversity", plain_metrics["topic diversity"])
    plain_metrics.round(3).to_frame("plain feed")
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
    with relevance scaled to [0, 1] per user, over each user's 100 best items). Here items are
    similar when they share a topic. Sweeping λ from 1 down traces a trade-off:
    """)
    nb.code("""
    topic_similarity = interventions.cosine_similarity(world.item_topics)
    mmr_rows = []
    for lam in [1.0, 0.9, 0.8, 0.7, 0.6, 0.5]:
        lists = interventions.mmr_rerank(scores, topic_similarity, K, lam=lam)
        mmr_rows.append({"lambda": lam, **list_metrics(lists, scores, world, history)})
    mmr_table = pd.DataFrame(mmr_rows).set_index("lambda")
    record("mmr_topic_diversity_gain",
           mmr_table.loc[0.5, "topic diversity"] - mmr_table.loc[1.0, "topic diversity"])
    mmr_table.round(3)
    """)
    nb.code("""
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(mmr_table["topic diversity"], mmr_table["relevance kept"], "o-", color=PALETTE[0])
    for lam, row in mmr_table.iterrows():
        ax.annotate(f"λ={lam:g}", (row["topic diversity"], row["relevance kept"]),
                    textcoords="offset points", xytext=(6, 4), fontsize=9)
    label(ax, "MMR: variety costs predicted relevance", "topic diversity of the lists",
          "relevance kept")
    plt.show()
    """)
    nb.md("""
    The first steps are cheap: a little relevance buys a lot of variety, because the plain
    list was full of near-duplicates. Past a point the curve flattens: with one topic per item
    the penalty is all or nothing, and once λ < 0.5 it outweighs any relevance difference, so
    every list just cycles through topics.
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
    once. Here MMR and calibration are compared on the same users: both make lists more varied
    than the plain feed, but they aim at different targets.
    """)
    nb.code("""
    reading_mix = interventions.user_distributions(history, world.item_topics)
    cal_rows = []
    for lam in [0.0, 0.2, 0.4, 0.6, 0.8, 0.95]:
        lists = interventions.calibrated_rerank(scores, world.item_topics, reading_mix, K,
                                                lam=lam)
        cal_rows.append({"lambda": lam, **list_metrics(lists, scores, world, history)})
    cal_table = pd.DataFrame(cal_rows).set_index("lambda")
    record("calibrated_miscalibration_drop",
           cal_table.loc[0.0, "miscalibration (KL)"] - cal_table.loc[0.95, "miscalibration (KL)"])
    cal_table.round(3)
    """)
    nb.code("""
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(mmr_table["relevance kept"], mmr_table["miscalibration (KL)"], "o-",
            color=PALETTE[0], label="MMR (λ from 1 to 0.5)")
    ax.plot(cal_table["relevance kept"], cal_table["miscalibration (KL)"], "s-",
            color=PALETTE[1], label="calibration (λ from 0 to 0.95)")
    ax.invert_xaxis()
    ax.legend()
    label(ax, "Two kinds of variety", "relevance kept (less to the right)",
          "miscalibration (KL, lower is better)")
    plt.show()
    """)
    nb.md("""
    Calibration drives miscalibration down while keeping most of the relevance. MMR lowers it
    a little (the plain lists over-serve each user's main topic), then flattens out far above:
    it spreads every list evenly over topics, which is not what a focused reader's history
    looks like. Calibration keeps a reader's proportions, including a narrow diet if that is
    what they read; MMR pushes everyone toward the same even spread.
    """)
    nb.written("calibration_vs_diversity", points=3, prompt="""
    The film worries that feeds narrow what people see. Would you fight that with MMR or with
    calibration? Use the two curves above, and say what each does for a user whose history is
    already narrow (for example 90% one topic). (3-5 sentences.)
    """, model_answer="""
    Calibration only restores the proportions a user already has: it corrects the feed's
    *over*-concentration (the plain list exaggerates the main topic) at little cost in
    relevance, but for a reader whose history is 90% one topic it keeps the list 90% that
    topic, so it cannot widen an existing bubble; it protects minority interests from being
    crowded out. MMR adds variety regardless of the history: it would give that reader many
    topics, at a larger cost in predicted relevance and with worse calibration (lists become
    evenly spread). Against narrowing caused by the feedback loop, calibration is the gentler
    fix; against a narrow diet the reader chose, only MMR (or exploration) changes anything,
    and then the question is whether the platform should override that choice.
    """, rubric="""
    - 1 pt: calibration matches the user's own mix; it reduces the feed's exaggeration of the
      main topic but preserves a narrow history (cannot widen it).
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
    weighted by each item's quality, as if the platform surveyed how worthwhile each item is).
    Here is what the perspective quota and exploration do to the lists:
    """)
    nb.code("""
    knob_rows = []
    for name, settings in [("plain feed", {}), ("quota 0.2", {"quota": 0.2}),
                           ("quota 0.5", {"quota": 0.5}), ("ε-greedy 0.2", {"exploration": 0.2}),
                           ("satisfaction blend 1", {"blend": 1.0})]:
        lists = interventions.FeedPolicy(**settings, seed=SEED)(scores, world, K)
        knob_rows.append({"feed": name, **list_metrics(lists, scores, world, history)})
    knob_table = pd.DataFrame(knob_rows).set_index("feed")
    record("quota_cross_cutting", knob_table.loc["quota 0.5", "cross-cutting share"])
    knob_table.round(3)
    """)
    nb.md("""
    A 50/50 quota raises cross-cutting exposure to half of every list, by construction, for a
    small loss of predicted relevance and a larger one in satisfaction: users like the other
    side's items less. Exposure is what the platform controls; what people *read* is up to them. The
    next section follows both through the feedback loop.
    """)

    # -- 5. Trade-offs in the loop -------------------------------------------------------------
    nb.md("""
    ## 5. Trade-offs in the feedback loop

    List metrics describe one moment. The film's claim is about what happens over time, when
    the recommender retrains on what its lists caused. For each intervention and three
    strengths we re-run the simulation of section 1 with that feed, and summarise the last
    third of the run by three numbers:

    * **satisfaction**: `relative_utility`, the users' expected satisfaction relative to the
      lists an oracle that knows their true tastes would show (accuracy, in users' terms);
    * **diversity**: consumption diversity (normalized topic entropy of what users read);
    * **polarization**: `group_distance`, how far apart the mean slant read by left- and
      right-leaning users is.

    This is the slowest cell of the notebook (about 15 seconds).
    """)
    nb.code("""
    SWEEP = {
        "MMR diversity": ("diversity", [0.1, 0.25, 0.5]),
        "calibration": ("calibration", [0.3, 0.6, 0.9]),
        "perspective quota": ("quota", [0.1, 0.3, 0.5]),
        "ε-greedy": ("exploration", [0.1, 0.2, 0.4]),
        "satisfaction blend": ("blend", [0.33, 0.67, 1.0]),
    }


    def summarise(result):
        last = result.metrics.iloc[-max(1, STEPS // 3):]
        return {"satisfaction": last["relative_utility"].mean(),
                "diversity": last["diversity"].mean(),
                "polarization": last["group_distance"].mean(),
                "click rate": last["click_rate"].mean()}


    rows = [{"intervention": "plain feed", "strength": 0.0,
             **summarise(simulation.run(world, simulation.make_recommender(
                 RECOMMENDER, world, seed=SEED), steps=STEPS, k=K, seed=SEED))}]
    for name, (knob, strengths) in SWEEP.items():
        for strength in strengths:
            feed = interventions.FeedPolicy(**{knob: strength}, seed=SEED)
            run = simulation.run(world, simulation.make_recommender(RECOMMENDER, world,
                                                                    seed=SEED),
                                 steps=STEPS, k=K, reranker=feed, seed=SEED)
            rows.append({"intervention": name, "strength": strength, **summarise(run)})
    tradeoffs = pd.DataFrame(rows)
    record("n_settings", len(tradeoffs))
    record("plain_satisfaction", tradeoffs.loc[0, "satisfaction"])
    strongest_calibration = tradeoffs[tradeoffs["intervention"] == "calibration"].iloc[-1]
    record("calibration_diversity_drop",
           tradeoffs.loc[0, "diversity"] - strongest_calibration["diversity"])
    tradeoffs.round(3)
    """)
    nb.md("""
    A setting is **Pareto-efficient** if no other setting is at least as good on both
    satisfaction (higher is better) and polarization (lower is better) and strictly better on
    one (notebook 04's `pareto_mask`, with polarization negated). Efficient settings are
    circled below; any other setting could be improved on both counts at once.
    """)
    nb.code("""
    tradeoffs["efficient"] = pareto_mask(tradeoffs["satisfaction"].to_numpy(),
                                         -tradeoffs["polarization"].to_numpy())
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5))
    plain_row = tradeoffs.iloc[0]
    for ax, x in zip(axes, ["diversity", "polarization"]):
        groups = tradeoffs.iloc[1:].groupby("intervention", sort=False)
        for color, marker, (name, group) in zip(PALETTE, "osD^v", groups):
            line = pd.concat([tradeoffs.iloc[:1], group])      # each line starts at the plain feed
            ax.plot(line[x], line["satisfaction"], "-", marker=marker, color=color, label=name)
        ax.plot(plain_row[x], plain_row["satisfaction"], "*", color="black", markersize=14,
                label="plain feed")
        if x == "polarization":
            best = tradeoffs[tradeoffs["efficient"]]
            ax.scatter(best[x], best["satisfaction"], s=220, facecolors="none",
                       edgecolors="black", label="Pareto-efficient")
    label(axes[0], "Satisfaction vs diversity", "consumption diversity (higher: broader)",
          "satisfaction (relative to oracle)")
    label(axes[1], "Satisfaction vs polarization", "polarization (group distance, lower "
          "is better)", "satisfaction (relative to oracle)")
    axes[1].legend(fontsize=8, loc="best")
    plt.show()
    """)
    nb.code("""
    tradeoffs[tradeoffs["efficient"]].round(3)
    """)
    nb.md("""
    Read the curves with care; they come from one simulated world, with assumptions you can
    change (notebook 05):

    * The interventions do what they are built to do on the *lists*, but consumed polarization
      barely moves, and can even grow: users still pick the items close to their own views
      from whatever they are shown. A quota changes exposure, not choices.
    * Calibration to the reading history *narrows* consumption in the loop: each list repeats
      the user's current mix, the user reads from it, and the history the next list copies
      becomes more focused. A fix for one list can feed the bubble over time.
    * Several settings *raise* satisfaction above the plain feed's: a feed retrained only on
      its own clicks learns little, and exploration or a better objective give it better
      evidence or a better target. Diversity is not always a cost.
    * Which side of a trade-off is "better" is a value judgement the curves cannot make.
    """)

    nb.md("""
    ### Your turn (not graded): draw your own curve

    The sweep above moves one knob at a time. Combine knobs: edit `MY_FEEDS` (any
    `FeedPolicy` settings), run the cell, and your settings join the satisfaction-polarization
    plot as a new curve, starting from the plain feed. Use it to find a setting worth
    defending in the last written answer. (Three settings take a few seconds.)
    """)
    nb.code("""
    MY_FEEDS = [{"exploration": 0.1, "calibration": 0.3},
                {"exploration": 0.2, "calibration": 0.3},
                {"exploration": 0.2, "blend": 0.5}]

    my_rows = []
    for settings in MY_FEEDS:
        run = simulation.run(world, simulation.make_recommender(RECOMMENDER, world, seed=SEED),
                             steps=STEPS, k=K, reranker=interventions.FeedPolicy(**settings,
                                                                                  seed=SEED),
                             seed=SEED)
        my_rows.append({"settings": str(settings), **summarise(run)})
    mine = pd.DataFrame(my_rows)

    fig, ax = plt.subplots(figsize=(8, 4.5))
    ax.scatter(tradeoffs["polarization"], tradeoffs["satisfaction"], color=PALETTE[7],
               label="the sweep above")
    ax.plot(plain_row["polarization"], plain_row["satisfaction"], "*", color="black",
            markersize=14, label="plain feed")
    ax.plot(mine["polarization"], mine["satisfaction"], "D-", color=PALETTE[4],
            label="your settings")
    for i, row in mine.iterrows():
        ax.annotate(str(i + 1), (row["polarization"], row["satisfaction"]),
                    textcoords="offset points", xytext=(6, 4))
    ax.legend(fontsize=8)
    label(ax, "Your settings against the sweep", "polarization (group distance)",
          "satisfaction (relative to oracle)")
    plt.show()
    mine.round(3)
    """)

    # -- 6. The playground ---------------------------------------------------------------------
    nb.md("""
    ## 6. The playground

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
    You advise the platform. Choose one setting of the knobs (use the trade-off table, the
    curves and the playground), and defend it to both sides of the debate: to the platform,
    which says the feed must stay "relevant and useful", and to the film's authors, who want
    feeds to "mix perspectives". Give the numbers your setting achieves against the plain feed,
    say what it costs and who bears the cost, and name one thing the simulation cannot tell you
    that would change your mind. (8-12 sentences.)
    """, model_answer="""
    A defensible choice (others are fine if argued with numbers) is ε-greedy exploration at
    about 0.2, possibly with a mild satisfaction blend, rather than a hard 50/50 perspective
    quota. In our default run it is Pareto-efficient: satisfaction about 0.47 against 0.42 for
    the plain feed, consumption diversity about the same (0.32 against 0.34) and polarization
    about the same (0.83 against 0.82); each list keeps most of its predicted relevance. To
    the platform: users' satisfaction goes up and the click rate does not fall, so "relevant
    and useful" is better served, not worse: a feed retrained only on its own clicks learns
    little about the items it never shows. To the film: the 50/50 quota does mix perspectives
    in what is *shown* (cross-cutting share 0.5 against about 0.24) but barely changes what
    people read or polarization (about 0.80 against 0.82), at a large cost in satisfaction
    (about 0.33 against 0.42) borne by the users; calibration to history even narrows what
    people read over time. The costs of my choice: a few random items per list, which users
    bear, and some short-run uncertainty for the platform. What the simulation cannot tell me:
    whether real tastes drift toward what is shown, how people react to the other side's
    content (backfire effects, Bail et al. 2018), and long-run effects on trust; evidence that
    exposure reduces polarization would push me toward a quota.
    """, rubric="""
    - 1 pt: a concrete setting (values of the knobs) is chosen.
    - 1 pt: quantitative comparison with the plain feed (satisfaction, diversity, polarization,
      relevance kept or cross-cutting share), taken from this notebook's results.
    - 1 pt: addresses the platform's claim (relevance, usefulness, engagement) with evidence.
    - 1 pt: addresses the film's claim (mixing perspectives), distinguishing exposure from
      consumption or polarization.
    - 1 pt: names a cost and who bears it, and a limitation of the simulation (drift,
      backfire, one synthetic world, long-run effects) that could change the decision.
    """)

    # -- Summary ---------------------------------------------------------------------------------
    nb.md("""
    ## Summary

    * **MMR** builds a list item by item, trading relevance (weight λ) against redundancy (the
      highest similarity to the list so far). A little diversity is cheap; a lot pushes every
      list to the same even spread.
    * **Calibration** (Steck 2018) matches the list's topic mix to the user's history,
      measured by the KL divergence with smoothing. It fixes the feed's over-concentration
      but preserves a narrow diet.
    * **Exploration** (ε-greedy, UCB) and a **perspective quota** change what is shown;
      **cross-cutting exposure** measures the latter. A **satisfaction blend** changes the
      objective itself.
    * In the feedback loop, exposure and consumption differ: interventions that change lists a
      lot may barely change polarization, and some raise satisfaction. Trade-off curves and the
      Pareto frontier organise the choice; they do not make it.
    * **Next:** notebook 07 turns to misinformation and what ranking does to its reach.

    ## Further reading

    * J. Carbonell and J. Goldstein, "The use of MMR, diversity-based reranking for reordering
      documents and producing summaries", SIGIR 1998.
    * H. Steck, "Calibrated recommendations", RecSys 2018.
    * M. Kunaver and T. Požrl, "Diversity in recommender systems: a survey", *Knowledge-Based
      Systems* 123, 2017.
    * P. Auer, N. Cesa-Bianchi and P. Fischer, "Finite-time analysis of the multiarmed bandit
      problem", *Machine Learning* 47, 2002 (UCB1).
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
