"""Build ``08-capstone``: design a feed you can defend."""

from nbbuild import Notebook

ASSIGNMENT = "08-capstone"
QUICK_PARAMETERS = {"N_USERS": 300, "N_ITEMS": 400, "STEPS": 15, "N_WORLDS": 2}

# Conclusions that hold in every world tested (recorded as the share of worlds, or of seeds, in
# which they hold), and the capstone's targets for the model policy. Simulated feeds are
# chaotic (a flipped choice changes the rest of the run), so the tests assert orderings and
# signs across worlds, not one world's digits.
_CONCLUSIONS = {
    "engagement_feed_out_clicks_random": (1.0, 0),      # share of worlds
    "quota_keeps_misinformation": (1.0, 0),             # quota's reach > 0.7 x engagement feed's
    "my_policy_meets_targets": (1.0, 0),
    "downrank_cuts_reach": (1.0, 0),                    # share of cascade seeds
    "remove_cuts_more_than_downrank": (1.0, 0),
}
EXPECTED = {**_CONCLUSIONS, "n_worlds": (2, 0)}
EXPECTED_FULL = {**_CONCLUSIONS, "n_worlds": (3, 0)}
# The most tempting wrong policy: the plain engagement feed.
WRONG_ANSWER = ("my_policy", """
def my_policy(scores, view, k):
    return simulation.top_k(scores, view, k)
""")

#: Worlds the hidden tests judge the policy in (never shown to students).
HIDDEN_SEEDS = (31, 32, 33, 34)


def build() -> Notebook:
    nb = Notebook(ASSIGNMENT, "Capstone: design a feed you can defend")
    nb.md("""
    # Capstone: design a feed you can defend

    *The Social Dilemma* and the platforms' reply disagree about what ranking does. The platform
    says its algorithms keep the feed "relevant and useful"; the film says they learn what you
    react to, feed you more of what you already agree with, and that feeds should mix
    perspectives. In this capstone you stop being a spectator: you write the ranking policy of a
    news feed, run it in simulated worlds where we can see what the platform cannot (who is
    satisfied, what is false), and defend its trade-offs with numbers that hold in more than one
    world.

    **Learning objectives.** After this notebook you can
    * read a feed's **dashboard** (engagement, satisfaction, diversity, polarization,
      misinformation reach) and say what each figure does and does not measure;
    * compute misinformation reach from a consumption log;
    * write a ranking policy that uses only what a platform can know - estimates from logged
      behaviour, with their noise - and check that it holds in worlds it was not tuned on;
    * measure how much fact-checking cuts the spread of false stories once people share them;
    * argue, with your own results and their uncertainty, which of the two sides' claims your
      simulation supports.

    **Estimated time:** 2 hours. **Prerequisites:** notebooks 04 (engagement vs satisfaction),
    05 (filter bubbles, replication), 06 (interventions) and 07 (misinformation).

    **Grading:** three code exercises (10 points, autograded, with visible and hidden tests;
    the hidden tests run your policy in worlds with *other seeds*) and a written reflection
    (5 points, graded by hand).
    """)
    nb.parameters("""
        SEED = 2020      # the first world you design in; the hidden tests use others
        N_WORLDS = 3     # worlds (seeds SEED, SEED + 1, ...) every figure is averaged over
        N_USERS = 600    # the test run uses a smaller world
        N_ITEMS = 800    # stories published over the run
        STEPS = 25       # feed refreshes (slates) per user
    """)
    nb.code("""
        import numpy as np
        import matplotlib.pyplot as plt
        import pandas as pd

        from course import capstone, cascade, checks, interventions, replication, simulation
        from course.record import record
        from course.style import PALETTE, label, use_course_style

        use_course_style()
        checks.start("08-capstone")
        WORLD_SIZE = dict(n_users=N_USERS, n_items=N_ITEMS, steps=STEPS)
        SEEDS = list(range(SEED, SEED + N_WORLDS))
        record("n_worlds", len(SEEDS))
    """)

    # -- the world ------------------------------------------------------------------------------
    nb.md("""
    ## 1. The world

    The simulated news world of notebook 05 (`course.simulation`), set up for the capstone by
    `capstone.make_world`: users in two ideological groups; fresh stories every step, each
    readable for 8 steps, with a topic, a slant (from -1, left, to +1, right), a *quality* (how
    worthwhile readers find it) and an engagement *pull* (how much it draws clicks regardless
    of whether the reader ends up satisfied). Ten per cent of the stories are false: more
    extreme, pulling harder, and leaving their readers less satisfied - clickbait, as in
    notebook 04.

    Each step every user gets a slate of 10 stories, picks at most one (or skips the feed) and
    the recommender, notebook 03's matrix factorisation, is retrained on the clicks it caused.
    Below, the simulation shows what it knows about the first world; **the platform knows none
    of it** (section 4).
    """)
    nb.code("""
        world = capstone.make_world(SEED, n_users=N_USERS, n_items=N_ITEMS, steps=STEPS)
        false = world.item_false
        print(f"{world.n_users} users, {world.n_items} stories over {STEPS} steps, "
              f"{false.sum()} of them false")
        print(f"mean pull: false {world.item_pull[false].mean():.2f}, "
              f"true {world.item_pull[~false].mean():.2f}")
        print(f"mean quality: false {world.item_quality[false].mean():.2f}, "
              f"true {world.item_quality[~false].mean():.2f}")
    """)
    nb.code("""
        fig, ax = plt.subplots(figsize=(7, 4))
        ax.scatter(world.item_slant[~false], world.item_pull[~false], s=12, color=PALETTE[0],
                   label="true", alpha=0.6)
        ax.scatter(world.item_slant[false], world.item_pull[false], s=28, color=PALETTE[3],
                   marker="^", label="false")
        label(ax, "False stories are extreme and pull clicks (hidden from the platform)",
              "slant (left to right)", "engagement pull")
        ax.legend(loc="upper center")
        plt.show()
    """)

    # -- the dashboard --------------------------------------------------------------------------
    nb.md("""
    ## 2. The dashboard, in several worlds

    `capstone.evaluate(policy, seed)` runs the feed for `STEPS` steps with a ranking policy and
    returns five figures:

    | figure | what it is | better |
    | --- | --- | --- |
    | engagement | share of users who click something in their feed, per step | higher |
    | satisfaction | expected true utility a user gets from their feed, per step | higher |
    | diversity | normalized topic entropy of what each user consumed | higher |
    | polarization | distance between the two groups' mean consumed slant | lower |
    | misinformation reach | share of users a false story reached (mean over false ones) | lower |

    Engagement is what a platform sees and optimises. Satisfaction is what the film says it
    ignores; in a simulation we can compute it because we know every user's true tastes.

    One world is one draw of users and stories, and a feed's figures move a lot from one world
    to the next (notebook 05). So `capstone.dashboard(policies, seeds=SEEDS)` runs every
    policy in each of `N_WORLDS` worlds (all policies in the same worlds, so they can be
    compared world by world), and the plot shows each mean with its 95% interval over the
    worlds. The policies: the plain **engagement** feed (top 10 by predicted engagement) and a
    **random** feed as a control, then a **quota** that guarantees each side of the slant axis
    30% of the slate (the film's "mix of perspectives") and notebook 06's **satisfaction
    blend** (predicted engagement times each story's *estimated* satisfaction).
    """)
    nb.code("""
        controls = {
            "engagement": None,                        # None: plain top-k (simulation.top_k)
            "random": interventions.reranker("epsilon_greedy", epsilon=1.0, seed=SEED),
        }
        runs = capstone.dashboard(controls, seeds=SEEDS, **WORLD_SIZE)
        capstone.summary(runs).round(3)
    """)
    nb.code("""
        interventions_tried = {
            "quota 30%": interventions.reranker("quota", min_share=0.3),
            "satisfaction blend": interventions.FeedPolicy(blend=1.0),
        }
        runs = pd.concat([runs, capstone.dashboard(interventions_tried, seeds=SEEDS,
                                                   **WORLD_SIZE)], ignore_index=True)
        capstone.summary(runs).round(3)
    """)
    nb.code("""
        capstone.plot_dashboard(runs)
        plt.show()
        per_world = runs.pivot_table(index=["seed", "metric"], columns="policy", values="value")
        engagement = per_world.xs("engagement", level="metric")
        reach = per_world.xs("misinformation_reach", level="metric")
        record("engagement_feed_out_clicks_random",
               float((engagement["engagement"] > engagement["random"]).mean()))
        record("quota_keeps_misinformation",
               float((reach["quota 30%"] > 0.7 * reach["engagement"]).mean()))
    """)
    nb.md("""
    Three things to notice before you design anything.

    * The engagement feed does what it is built for: in every world it gets more clicks than
      the random control. A large part of them go to false stories: their pull draws clicks.
    * The quota changes which stories are *shown*, yet misinformation reach barely moves: false
      stories sit on both sides of the slant axis, and users still choose what draws them.
    * The satisfaction blend helps users a little but keeps much of the misinformation: a
      story's estimated satisfaction is noisy, and multiplying it in does not stop a story that
      pulls hard (compare the intervals before calling this a finding). The random feed is
      less engaging and less satisfying: a feed that ignores people is not automatically a
      healthier one.

    Read the intervals: with `N_WORLDS` worlds they are wide, and a difference inside them is a
    tendency, not a finding.
    """)

    # -- exercise 1 -----------------------------------------------------------------------------
    nb.md("""
    ## 3. Exercise: misinformation reach (2 points)

    The dashboard's last figure is computed from the consumption matrix (users x items, 1 where
    a user consumed an item). For each false item, take the share of all users who consumed
    it; the reach is the mean of those shares over the false items (0.0 if there are none).

    Write `misinfo_reach(consumed, item_false)`. `consumed` may be a NumPy array or a SciPy
    sparse matrix; `item_false` is a boolean array with one entry per item. Use vectorized
    NumPy, no loops over users.
    Write the code yourself: an answer that just calls `course.capstone.misinformation_reach`
    scores zero.
    """)
    nb.answer("misinfo_reach", """
        def misinfo_reach(consumed, item_false):
            \"\"\"Share of users each false item reached, averaged over the false items.\"\"\"
            ### BEGIN SOLUTION
            item_false = np.asarray(item_false, dtype=bool)
            if not item_false.any():
                return 0.0
            users_per_item = np.asarray((consumed[:, item_false] > 0).sum(axis=0)).ravel()
            return float((users_per_item / consumed.shape[0]).mean())
            ### END SOLUTION
    """)
    nb.tests("misinfo_reach", 2, visible="""
        checks.check("misinfo_reach", strict=True)
        toy = np.array([[1, 1, 0], [0, 1, 0], [0, 1, 1], [0, 0, 0]])
        assert abs(misinfo_reach(toy, np.array([True, False, True])) - 0.25) < 1e-12
    """, hidden="""
        import scipy.sparse as _sp
        from course import capstone as _capstone
        _rng = np.random.default_rng(808)
        for _ in range(5):
            _m = (_rng.random((70, 45)) < 0.15).astype(float)
            _f = _rng.random(45) < 0.25
            assert abs(misinfo_reach(_m, _f) - _capstone.misinformation_reach(_m, _f)) < 1e-12
            assert abs(misinfo_reach(_sp.csr_matrix(_m), _f)
                       - _capstone.misinformation_reach(_m, _f)) < 1e-12
        assert misinfo_reach(_m, np.zeros(45, dtype=bool)) == 0.0
    """)

    # -- exercise 2 -----------------------------------------------------------------------------
    nb.md("""
    ## 4. Exercise: your ranking policy (6 points)

    A **ranking policy** is a function `my_policy(scores, view, k)` that returns, for every
    user, the `k` stories of their slate, best first: an integer array of shape
    `(n_users, k)`. Its inputs:

    * `scores` (`n_users x n_items`): the recommender's predicted engagement; stories a user
      cannot be shown (already read, not yet published or aged out) are `-inf` and must not be
      shown. A user who has clicked nothing yet gets the same score for every story;
    * `view`: what the platform knows (`course.simulation.FeedView`): the stories' features
      (`view.item_topic`, `view.item_topics`, `view.item_slant`, `view.item_time`,
      `view.available`) and **estimates from logged behaviour**:
      * `view.item_ctr()`: each story's click-through rate so far (clicks per impression,
        shrunk toward the average for stories shown only a few times);
      * `view.item_satisfaction()`: each story's mean answer to a satisfaction survey that a
        fifth of its readers get, noisy, and shrunk toward the average for stories few have
        read (a fresh story gets the average: nobody has read it yet);
      * `view.item_impressions`, `view.item_clicks`, `view.item_reports` (survey answers),
        and per user `view.user_topic_counts`, `view.user_consumed`, `view.user_slant()`;
    * `k`: the slate size.

    **Play fair.** A platform does not know which stories are false while it ranks them (that
    is what fact-checkers find out later), nor a story's true quality or pull, nor its users'
    true tastes. The view does not contain them (asking for `view.item_pull` raises an error
    that says what to estimate it with), and a test checks that your code does not reach for
    them in another way, for example through the global `world` of section 1.

    **Targets.** Against the engagement feed, averaged over the same worlds, your policy must
    1. cut misinformation reach by **at least 65%** (reach at most 0.35 times the engagement
       feed's), and
    2. leave users **at least 10% more satisfied** (satisfaction at least 1.1 times the
       engagement feed's).

    None of the four policies above meets both. The hidden tests check both in four
    full-size worlds with **other seeds**, so do not tune to these ones; the self-check
    (`checks.check("my_policy")`) uses two more. You may build on `simulation.top_k` and on
    anything in `course.interventions`. Everything else on the dashboard (engagement,
    diversity, polarization) is yours to weigh and to defend in the reflection.
    """)
    nb.answer("my_policy", """
        def my_policy(scores, view, k):
            \"\"\"My feed: ...(say in one line what it does)...\"\"\"
            ### BEGIN SOLUTION
            # Keep the recommender's relevance (scaled to [0, 1] per user; a user with no clicks
            # yet has every story equally relevant), but demote the stories whose readers say
            # they disappoint: the survey estimate against the typical story available now,
            # only below it (a good story is not pushed at people it does not fit), sharply.
            scores = np.asarray(scores, dtype=float)
            allowed = np.isfinite(scores)
            low = np.where(allowed, scores, np.inf).min(axis=1, keepdims=True)
            high = np.where(allowed, scores, -np.inf).max(axis=1, keepdims=True)
            relevance = np.where(high > low, (scores - low) / np.where(high > low, high - low,
                                                                        1.0), 1.0)
            satisfaction = view.item_satisfaction()
            typical = np.median(satisfaction[view.available])
            keep = np.minimum(1.0, satisfaction / typical) ** 4
            return simulation.top_k(np.where(allowed, relevance * keep[None, :], -np.inf),
                                    view, k)
            ### END SOLUTION
    """)
    hidden = "\n".join([
        "from course import capstone as _capstone",
        "from course.exercises import nb08 as _nb08",
        "_capstone.check_policy(my_policy)",
        "assert _capstone.uses_hidden_information(my_policy) == [], "
        "'the policy reads what a platform cannot know'",
        f"_runs = _capstone.dashboard({{'engagement': None, 'mine': my_policy}}, "
        f"seeds={HIDDEN_SEEDS!r})",
        "_problem = _nb08.judge(_capstone.versus(_runs, 'mine'))",
        "assert _problem is None, f'in the held-out worlds: {_problem}'",
    ])
    nb.tests("my_policy", 6, visible="""
        checks.check("my_policy", strict=True)
    """, hidden=hidden)
    nb.md("""
    Your policy next to the baselines, in the same worlds (each figure relative to the
    engagement feed: 1.0 is "the same as the engagement feed"):
    """)
    nb.code("""
        try:
            capstone.check_policy(my_policy)
            mine = capstone.dashboard({"my policy": my_policy}, seeds=SEEDS, **WORLD_SIZE)
            runs = pd.concat([runs[runs["policy"] != "my policy"], mine], ignore_index=True)
        except Exception as err:  # not written yet, or not valid: show the baselines only
            print(f"my_policy is not ready ({type(err).__name__}: {err}); showing the baselines")
        capstone.plot_dashboard(runs)
        plt.show()
        relative = pd.DataFrame({name: capstone.versus(runs, name)
                                 for name in dict.fromkeys(runs["policy"])}).T
        relative.round(2)
    """)
    nb.code("""
        if "my policy" in set(runs["policy"]):
            from course.exercises import nb08 as targets
            record("my_policy_meets_targets",
                   float(targets.judge(capstone.versus(runs, "my policy")) is None))
    """)
    nb.md("""
    Read your row against the engagement feed's. Cutting clickbait usually costs engagement
    (clicks were what it was good at), and it can make the polarization and diversity figures
    *worse*: false stories are read by both groups alike, so without them each group reads more
    of its own side, and users who click less have less varied histories. Whether that is a
    reason to keep the clickbait is exactly the kind of question your reflection should take
    on. And notice how your policy learns: a fresh story has no survey answers, so it gets the
    average estimate until a few readers have answered - the platform has to show a story to
    learn whether it disappoints (notebook 06's exploration).
    """)

    # -- exercise 3: sharing --------------------------------------------------------------------
    nb.md("""
    ## 5. After the feed: sharing and fact-checking (2 points)

    A feed decides what people see first; then they share. Notebook 07's cascade model
    (`course.cascade`) spreads items over a social graph under an engagement-ranked feed, with
    fact-checkers who can check a few items per step after a delay and a policy for what
    happens to a flagged false item: nothing (`"none"`), `"downrank"` or `"remove"`.

    Write `reach_cut(graph, items, policy, seed=0)`: the fraction by which `policy` cuts the
    mean reach of false items compared with `"none"`, in the same run conditions (same seed):
    `1 - false_reach(policy) / false_reach("none")`. Use `cascade.spread(...).summary()`.
    """)
    nb.answer("reach_cut", """
        def reach_cut(graph, items, policy, seed=0):
            \"\"\"How much `policy` cuts false items' mean reach, relative to doing nothing.\"\"\"
            ### BEGIN SOLUTION
            def false_reach(p):
                return cascade.spread(graph, items, policy=p, seed=seed).summary()["false_reach"]

            return 1.0 - false_reach(policy) / false_reach("none")
            ### END SOLUTION
    """)
    nb.tests("reach_cut", 2, visible="""
        checks.check("reach_cut", strict=True)
    """, hidden="""
        from course import cascade as _cascade
        _g = _cascade.make_social_graph(n_users=500, seed=31)
        _items = _cascade.make_items(n_items=50, n_users=500, seed=31)
        _none = _cascade.spread(_g, _items, policy="none", seed=31).summary()["false_reach"]
        for _p in ("remove", "downrank"):
            _with = _cascade.spread(_g, _items, policy=_p, seed=31).summary()["false_reach"]
            assert abs(reach_cut(_g, _items, _p, seed=31) - (1 - _with / _none)) < 1e-9
        assert abs(reach_cut(_g, _items, "none", seed=31)) < 1e-12
    """)
    nb.md("""
    The cut in every world (a fresh social graph and fresh stories for each seed), with its
    95% interval over the worlds:
    """)
    nb.code("""
        def cascade_cuts(seed):
            graph = cascade.make_social_graph(n_users=2000, seed=seed)
            items = cascade.make_items(n_items=200, n_users=2000, seed=seed)
            table = cascade.compare_policies(graph, items, seed=seed)
            return {p: 1 - table.loc[p, "false_reach"] / table.loc["none", "false_reach"]
                    for p in ("downrank", "remove")}


        cuts = replication.replicate(cascade_cuts, seeds=SEEDS)
        fig, ax = plt.subplots(figsize=(6, 3.5))
        replication.pointplot(cuts.rename(columns={"metric": "policy"}).assign(metric="cut"),
                              "cut", ax=ax, x="policy", palette=[PALETTE[1], PALETTE[2]])
        label(ax, "What fact-checking cuts from false items' reach", "policy for flagged items",
              "cut in mean false reach")
        plt.show()
        wide = cuts.pivot(index="seed", columns="metric", values="value")
        record("downrank_cuts_reach", float((wide["downrank"] > 0).mean()))
        record("remove_cuts_more_than_downrank", float((wide["remove"] > wide["downrank"]).mean()))
        replication.summarize(cuts).round(3)
    """)

    # -- reflection -----------------------------------------------------------------------------
    nb.md("""
    ## 6. Reflection
    """)
    nb.written("reflection", 5, prompt="""
        In 300 to 500 words, take a position on the debate using **your** results. The platform
        says its ranking keeps the feed "relevant and useful"; the film says ranking learns your
        politics and feeds you what you agree with, and that feeds should mix perspectives.
        (a) Which parts of each claim does your dashboard support, contradict, or leave
        untested? Cite figures from your tables, with their intervals where they matter.
        (b) Defend the trade-offs your policy makes: what did it cost, and why is that worth
        it? (c) Name two ways this simulation could mislead you about real platforms, and one
        measurement you would ask a real platform for.
    """, model_answer="""
        Relevance: the engagement feed does deliver engagement - in every world it out-clicks
        the random feed - so "relevant" is right if relevance means what people click. But a
        large share of those clicks go to false, extreme stories with a high pull and low
        satisfaction: ranking for clicks rewards what grabs people, not what they value, so
        "useful" is not supported for this content. My policy (the recommender's relevance,
        demoting stories whose readers' survey answers fall below the typical story's) cut
        misinformation reach to about a fifth of the engagement feed's and raised satisfaction
        by about a quarter, averaged over three worlds, while clicks fell by more than half:
        engagement and satisfaction are different targets, and the platform can tell them
        apart with the survey data it already has, though only after a few readers answered
        (a fresh false story spreads until then).

        The film's claim is only half supported. The quota that mixes perspectives in the slate
        barely moved misinformation or polarization, because users still choose what matches
        their views; and demoting clickbait made the groups' consumption *more* separated
        (polarization roughly tripled), since false stories were read across groups. So in
        this model the feed does not create the divide, it decides what fills it; mixing
        perspectives in what is shown is not the same as in what is read. I accept the higher
        polarization figure because it measures consumption of legitimate partisan news, not
        exposure to falsehoods, and the reach of false stories (which cascades then multiply,
        as the fact-checking section showed in every world) is the larger harm.

        The simulation can mislead: users here have fixed ideologies unless drift is switched
        on, and real beliefs move; false stories are assumed to disappoint their readers, and a
        falsehood that satisfies would slip through my policy; surveys are assumed honest and
        unbiased; three worlds give wide intervals. I would ask a platform for satisfaction
        surveys linked to ranking experiments, i.e. the same comparison as my dashboard on real
        users, with a control group.
    """, rubric="""
        - 1 pt: uses concrete figures from the learner's own dashboard (not generic claims),
          and does not present a difference inside the intervals as a finding.
        - 1 pt: evaluates the platform's "relevant and useful" claim, separating engagement from
          satisfaction (what is clicked vs what is valued).
        - 1 pt: evaluates the film's claims (learning politics, feeding agreement, mixing
          perspectives), noting what the quota and polarization figures show, including
          results that cut against the film.
        - 1 pt: defends the policy's trade-off explicitly (what it cost, e.g. engagement or
          polarization, and why that is acceptable).
        - 1 pt: names two genuine limits of the simulation (assumed behaviour, estimates vs
          truth, few worlds...) and one measurement to request from a real platform.
    """)

    # -- summary --------------------------------------------------------------------------------
    nb.md("""
    ## Summary

    * A feed's effects need several figures: engagement (what the platform sees), satisfaction
      (what users get), diversity and polarization (what they consume), misinformation reach
      (what falsehoods do). Optimising the first does not optimise the others.
    * One simulated world is an anecdote: judge a policy by its mean over several worlds, with
      an interval, against the same baseline in the same worlds.
    * A platform ranks with estimates, not truth: click-through rates and survey answers, noisy
      and late for fresh stories. In this world, demoting what readers say disappoints them
      cuts the reach of false, high-pull stories sharply and satisfies users more, with fewer
      clicks.
    * Showing a mix of perspectives is not the same as people reading one: choices, not only
      rankings, drive the polarization figure.
    * Fact-checking with limited capacity and delay still cuts false items' reach once people
      share; removing flagged items cuts more than downranking them, in every world tested.

    ## Further reading

    * J. Stray (2020), "Aligning AI Optimization to Community Well-Being", *International
      Journal of Community Well-Being*.
    * A. Chaney, B. Stewart, B. Engelhardt (2018), "How Algorithmic Confounding in Recommendation
      Systems Increases Homogeneity and Decreases Utility", RecSys.
    * S. Vosoughi, D. Roy, S. Aral (2018), "The spread of true and false news online", *Science*.
    * A. Guess et al. (2023), "How do social media feed algorithms affect attitudes and behavior
      in an election campaign?", *Science* (a real experiment with chronological feeds).
    * Facebook (2020), "What 'The Social Dilemma' Gets Wrong".
    """)
    nb.code("""
        checks.check_all()
    """)
    return nb


if __name__ == "__main__":
    build().write()
