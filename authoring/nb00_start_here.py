"""Build ``00-start-here``: the debate as testable claims, how the course works, the datasets."""

from nbbuild import Notebook

ASSIGNMENT = "00-start-here"
QUICK_PARAMETERS: dict = {}
# MovieLens 100K and the committed event-log copy are fixed data: these figures are exact.
EXPECTED = {
    "n_ratings": (100_000, 0),
    "n_users": (943, 0),
    "n_items": (1682, 0),
    "mean_rating": (3.52986, 1e-5),
    "share_five_star": (0.21201, 1e-5),
    "density": (0.063047, 1e-6),
    "eventlog_users": (800, 0),
    "eventlog_sessions": (13_720, 0),
    "heavy_median_active_days": (24.0, 0),
}
EXPECTED_FULL: dict = {}  # no parameters: the quick run is the full run
WRONG_ANSWER = ("rating_shares", """
def rating_shares(ratings):
    return ratings["rating"].value_counts().sort_index()
""")


def build() -> Notebook:
    nb = Notebook(ASSIGNMENT, "Start here: the debate as testable claims")
    nb.md("""
    # Start here: the debate as testable claims

    In September 2020 Netflix released *The Social Dilemma*, a documentary-drama in which
    former engineers and executives of Google, Facebook, Twitter and others argue that the
    recommendation algorithms behind our feeds are built to capture attention, learn what we
    already believe and feed us more of it. A few weeks later Facebook published a point-by-point
    reply, *What "The Social Dilemma" Gets Wrong*: its algorithms, it said, are not "mad"; they
    "keep the platform relevant and useful", and the company had even given up time spent to make
    the feed more meaningful.

    Both sides make claims about how recommendation algorithms behave. Most of those claims can
    be *tested*: with a metric, a comparison and some data. This course does exactly that, one
    notebook at a time, with code you run and change yourself.

    **Learning objectives.** After this notebook you can
    1. state the main claims of both sides and say which notebook of the course tests each;
    2. turn a claim into a testable hypothesis: a metric, a comparison, and a result that would
       show the claim wrong;
    3. run cells, solve exercises, check your answers, validate and submit a notebook;
    4. load the two datasets of the course (MovieLens 100K and a synthetic platform event log)
       and answer simple questions about them with pandas.

    **Estimated time:** 30-45 minutes.
    **Prerequisites:** basic Python (variables, functions); a first look at pandas helps.
    """)

    nb.md("""
    ## 1. Setting up

    The first code cell imports what this notebook needs and tells the self-check system which
    notebook you are in. Run it with **Shift+Enter** (or the ▶ button). A number appears in the
    brackets `[1]` on its left when it has run.
    """)
    nb.code("""
    import matplotlib.pyplot as plt
    import pandas as pd

    from course import checks, data, engagement, eventlog, facts
    from course.checks import hint
    from course.record import record
    from course.style import PALETTE, label, use_course_style

    use_course_style()
    checks.start("00-start-here")
    """)

    nb.md("""
    ## 2. The debate as a table of claims

    The course does not ask you to take either side on trust. Below, each side's main claims
    are written as statements that data can support or contradict, with the measurement the
    course uses and the notebook where you will carry it out. The last column, `field`, names
    the randomised experiments on real platforms that tested the same claim; notebook 09 sets
    them beside the course's own simulations. `facts.claims_table()` builds the table; it is
    an ordinary pandas `DataFrame`.
    """)
    nb.code("""
    claims = facts.claims_table()
    pd.set_option("display.max_colwidth", None)
    claims.style.hide(axis="index").set_properties(**{"text-align": "left"})
    """)

    nb.md("""
    Two things stand out.

    * The sides disagree less about *what* algorithms do than about *what follows from it*.
      Both agree that the feed is ranked by a model trained on behaviour; the platform calls
      that relevance, the film calls it manipulation.
    * Not every claim can be tested in a simulation. "Polarisation predates social media" is
      a claim about history: no simulation of a feed can show what happened before feeds
      existed. What can be tested is the narrower claim that today's feed drives polarisation,
      and that was tested in the field (notebook 09).
    * Many claims hide a **metric**. "Relevant and useful" needs a measure of relevance (in
      notebook 02: precision and NDCG on held-out ratings). "Feeds you what you agree with"
      needs a measure of diversity or polarisation (notebook 05). Choosing the metric is half
      of the argument, a theme of notebook 01 (Goodhart's law).

    ### What makes a claim testable?

    A testable version of a claim names

    1. **a metric**: a number you can compute (share of clicks, minutes per day, diversity of
       what a user consumed...);
    2. **a comparison**: against what? a random feed, a chronological feed, last year, a
       different algorithm;
    3. **data or a simulation** where both arms of the comparison can be measured;
    4. **a result that would show the claim wrong** (if no result could, it is not testable).

    For example, "algorithms keep the feed relevant" becomes: *on MovieLens ratings held out
    from training, a collaborative-filtering recommender has a higher precision@10 than a random
    and a most-popular recommender; the claim is contradicted if it does not beat popularity.*
    You will write one of these yourself at the end of the notebook.

    Some of the figures the debate quotes (Facebook's user counts, revenue and the 2018 feed
    change) are stored with their sources in `course.facts`; notebook 01 does the arithmetic.
    """)
    nb.code("""
    from course.record import readable

    facts.figures_table()[["description", "value", "unit"]].style.format({"value": readable})
    """)

    nb.md("""
    ## 3. How the course works

    **Running cells.** Shift+Enter runs a cell and moves to the next one. Cells depend on the
    cells above them, so run them in order. If things get confusing (a variable you deleted is
    still around, or you edited a cell above), use **Kernel ▸ Restart Kernel and Run All
    Cells**: it runs the notebook from a clean start, exactly as the grader will.

    **Exercises.** A graded code exercise is a cell with

    ```python
    # YOUR CODE HERE
    pass
    ```

    (inside a function, the same two lines stand where the function's body goes). Replace both
    lines with your code and run the cell. The cell right after it holds the **tests**: run it
    too. It answers in one line: ✔ when your answer passes the visible tests, ✘ with what is
    wrong, or ○ when you have not attempted the exercise yet. An exercise you have not done
    never stops the notebook: *Run All* runs past it, so you can do the exercises in any order.
    When the notebook is graded, an exercise that is not right scores zero, and further
    *hidden* tests check your code on other inputs, so write code that works in general rather
    than code that only produces one number.

    **Self-checks and hints.** At any time, `checks.check("exercise_name")` tells you whether an
    exercise is right (✔), wrong (✘) or not attempted yet (○), without revealing the answer.
    `hint("exercise_name")` gives a hint; call it again for a more specific one.
    `checks.check_all()` (at the end of every notebook) lists every exercise, code and
    written, with its points.

    **Written answers.** Some questions ask for a few sentences. Double-click the cell that says
    "YOUR ANSWER HERE", write your answer, and run the cell to render it. They are graded by
    hand with a rubric.

    **Validate and submit.** Before you hand in, use **Validate** (the button in the notebook
    toolbar or in the *Assignments* tab of JupyterLab on the course hub; on the command line,
    `nbgrader validate <notebook>.ipynb`). It restarts the kernel, runs everything and lists any
    failing tests. Then submit from the *Assignments* tab (on the hub) or as your instructor
    asks. Grading re-runs your notebook from the top: cells that only work because of something
    you ran earlier and then deleted will fail.

    **Working offline.** `./run lab` (in the course folder) sets everything up once: Python
    packages and the MovieLens data. After that nothing needs the internet. Your copies of the
    notebooks live in the `work/` folder; updating the course never overwrites them (a new
    version is saved next to yours as `<name>.updated.ipynb`).

    Try the self-check now, before doing anything: it should say *not attempted*.
    """)
    nb.code("""
    checks.check("n_users")
    """)

    nb.md("""
    ## 4. A tour of MovieLens 100K

    [MovieLens](https://grouplens.org/datasets/movielens/) is a movie recommendation website run
    by the GroupLens research group at the University of Minnesota. Its 100K dataset (1998) is
    the "hello world" of recommender systems: 100,000 ratings from 1 to 5 stars that 943 users
    gave to 1,682 movies, each user with at least 20 ratings. We use it in notebooks 02 and 03
    to build and evaluate recommenders. The licence does not allow us to redistribute it, so
    `./run lab` fetched it for you (`course-fetch-data` does it by hand).

    `course.data` loads it as three tidy tables.
    """)
    nb.code("""
    ratings = data.load_ratings()
    movies = data.load_movies()
    users = data.load_users()
    ratings.head()
    """)
    nb.md("""
    Each row of `ratings` is one rating: who (`user`), which movie (`item`), how many stars
    (`rating`) and when (`timestamp`). The movies table gives titles, years and genres; the users
    table some demographics.
    """)
    nb.code("""
    movies.head(3)
    """)
    nb.code("""
    print(f"{len(ratings):,} ratings, from {ratings['timestamp'].min():%B %Y} "
          f"to {ratings['timestamp'].max():%B %Y}")
    print(f"{len(movies):,} movies and {len(users):,} users in their tables")
    """)

    nb.md("""
    ### Exercise 1 (1 point): how many users gave ratings?

    Set `n_users` to the number of *distinct* users in `ratings` (an `int`). Careful: a user who
    rated 50 movies appears in 50 rows.
    Count them yourself: an answer that just copies `course.data.N_USERS` scores zero.
    """)
    nb.answer("n_users", """
    ### BEGIN SOLUTION
    n_users = ratings["user"].nunique()
    ### END SOLUTION
    """)
    nb.tests("n_users", points=1, visible="""
    checks.check("n_users", strict=True)
    """, hidden="""
    from course.data import N_USERS
    assert int(n_users) == N_USERS == 943
    """)

    nb.md("""
    The ratings matrix, users by movies, is mostly empty: MovieLens users rated on average
    about a hundred of the 1,682 movies. The share of filled cells is its **density**. Such
    sparsity is typical; on real platforms it is far smaller still.
    """)
    nb.code("""
    n_ratings = len(ratings)
    n_raters, n_items = ratings["user"].nunique(), ratings["item"].nunique()
    density = n_ratings / (n_raters * n_items)
    print(f"density: {density:.1%} of all user-movie pairs have a rating")
    record("n_ratings", n_ratings)
    record("n_users", n_raters)
    record("n_items", n_items)
    record("density", density)
    """)

    nb.md("""
    ### Exercise 2 (2 points): the distribution of ratings

    Write a function `rating_shares(ratings)` that returns a pandas `Series` indexed by the star
    values 1, 2, 3, 4, 5 (in that order) whose values are the *share* of all ratings with that
    many stars. The shares add up to 1. A star value nobody used must still appear, with share 0.
    """)
    nb.answer("rating_shares", """
    def rating_shares(ratings):
        \"\"\"Share of ratings with 1, 2, 3, 4 and 5 stars (a Series indexed 1..5).\"\"\"
        ### BEGIN SOLUTION
        shares = ratings["rating"].value_counts(normalize=True)
        return shares.reindex(range(1, 6), fill_value=0.0)
        ### END SOLUTION
    """)
    nb.tests("rating_shares", points=2, visible="""
    checks.check("rating_shares", strict=True)
    toy = pd.DataFrame({"user": [1, 2], "item": [1, 1], "rating": [4, 4]})
    assert list(rating_shares(toy)) == [0, 0, 0, 1, 0]
    """, hidden="""
    import numpy as np
    toy = pd.DataFrame({"user": range(10), "item": 1, "rating": [1, 2, 2, 3, 3, 3, 5, 5, 5, 5]})
    got = rating_shares(toy)
    assert list(got.index) == [1, 2, 3, 4, 5]
    assert np.allclose(got.to_numpy(dtype=float), [0.1, 0.2, 0.3, 0.0, 0.4])
    before = toy.copy()
    rating_shares(toy)
    assert toy.equals(before), "rating_shares must not change its argument"
    real = rating_shares(data.load_ratings())
    assert abs(float(real.loc[5]) - 21201 / 100000) < 1e-12
    assert abs(float(real.sum()) - 1) < 1e-12
    """)

    nb.md("""
    Here is the distribution, computed independently of your answer. Ratings lean positive:
    people mostly rate movies they chose to watch, so the data is not a random sample of
    opinions. (This *selection bias* returns in notebook 02.)
    """)
    nb.code("""
    counts = ratings["rating"].value_counts().sort_index()
    shares = counts / counts.sum()
    fig, ax = plt.subplots()
    ax.bar(shares.index, shares.to_numpy(), color=PALETTE[0])
    ax.set_xticks(shares.index)
    ax.yaxis.set_major_formatter(plt.matplotlib.ticker.PercentFormatter(1.0))
    label(ax, "MovieLens 100K: how many stars users give", "stars", "share of all ratings")
    plt.show()

    record("mean_rating", ratings["rating"].mean())
    record("share_five_star", shares.loc[5])
    """)
    nb.code("""
    per_user = ratings.groupby("user").size()
    fig, ax = plt.subplots()
    ax.hist(per_user, bins=50, color=PALETTE[1])
    label(ax, "Ratings per user: a few users rate a lot", "number of ratings given",
          "number of users")
    plt.show()
    per_user.describe().round(1).to_frame("ratings per user").T
    """)

    nb.md("""
    ## 5. A tour of the synthetic event log

    MovieLens records ratings, not *behaviour*: nobody knows how long its users stayed or what
    they scrolled past. Platforms measure exactly that, and do not publish it. So the course
    simulates a platform: `course.eventlog` generates users, their sessions and the feed items
    they were shown (*impressions*), with

    * three kinds of users: **heavy** users who come most days, **casual** ones who drop in a
      few times a week, and **lurkers** who rarely come and rarely click;
    * sign-ups spread over the period and **churn** (users leaving for good, mostly soon after
      they join);
    * sessions of varying length, and clicks that depend on the **position** in the feed.

    The simulation is seeded: the same arguments always give the same log. A small copy (800
    users over 8 weeks) ships with the course, so loading it takes no time at all. Notebook 01
    generates bigger logs and measures them the way a platform would.
    """)
    nb.code("""
    log = eventlog.load_small_copy()
    log
    """)
    nb.code("""
    log.users.head()
    """)
    nb.md("""
    `churn_date` is the day a user left for good (`NaT`: still there at the end). A real
    platform never sees this column: a user who leaves just stops coming, and the platform can
    only notice the silence. That is why notebook 01 measures *retention*.
    """)
    nb.code("""
    log.sessions.head()
    """)
    nb.code("""
    log.impressions.head()
    """)
    nb.code("""
    record("eventlog_users", len(log.users))
    record("eventlog_sessions", len(log.sessions))
    log.users["segment"].value_counts().to_frame("users")
    """)
    nb.md("""
    The simplest engagement metric counts who showed up each day: the **daily active users**
    (DAU). `course.engagement` has a function for it; notebook 01 takes it apart.
    """)
    nb.code("""
    dau = engagement.daily_active_users(log)
    fig, ax = plt.subplots()
    ax.plot(dau.index, dau.to_numpy(), color=PALETTE[0])
    label(ax, "Daily active users on the synthetic platform", "date", "users with a session")
    fig.autofmt_xdate()
    plt.show()
    """)

    nb.md("""
    ### Exercise 3 (2 points): active days per user

    Write a function `active_days(sessions)` that takes a sessions table (columns `user_id` and
    `date`, like `log.sessions`) and returns a `Series` indexed by `user_id` giving how many
    *different days* each user had at least one session. Two sessions on the same day count as
    one active day.
    """)
    nb.answer("active_days", """
    def active_days(sessions):
        \"\"\"Number of distinct days with a session, for every user in `sessions`.\"\"\"
        ### BEGIN SOLUTION
        return sessions.groupby("user_id")["date"].nunique()
        ### END SOLUTION
    """)
    nb.tests("active_days", points=2, visible="""
    checks.check("active_days", strict=True)
    """, hidden="""
    toy = pd.DataFrame({"user_id": [3, 1, 3, 3, 2, 1],
                        "date": pd.to_datetime(["2020-06-05", "2020-06-05", "2020-06-05",
                                                "2020-06-06", "2020-06-07", "2020-06-08"])})
    got = active_days(toy)
    assert got.sort_index().to_dict() == {1: 2, 2: 1, 3: 2}
    real_sessions = eventlog.load_small_copy().sessions
    real = active_days(real_sessions)
    assert len(real) == real_sessions["user_id"].nunique()
    assert int(real.sum()) == len(real_sessions[["user_id", "date"]].drop_duplicates())
    """)

    nb.md("""
    How different are the segments? The box plot below counts active days per user over the
    eight weeks (computed here by the course, so it works whether or not your exercise is done).
    """)
    nb.code("""
    days = (log.sessions.drop_duplicates(["user_id", "date"]).groupby("user_id").size()
            .rename("active days").reset_index().merge(log.users[["user_id", "segment"]]))
    order = ["heavy", "casual", "lurker"]
    fig, ax = plt.subplots()
    ax.boxplot([days.loc[days["segment"] == s, "active days"] for s in order],
               tick_labels=order, patch_artist=True,
               boxprops={"facecolor": PALETTE[2], "alpha": 0.6})
    label(ax, "Active days per user in 8 weeks, by segment", "segment", "active days")
    plt.show()
    record("heavy_median_active_days", days.loc[days["segment"] == "heavy", "active days"].median())
    """)
    nb.md("""
    Heavy users are a minority of accounts but most of the activity. Keep this in mind: an
    average over "users" and an average over "activity" describe very different people.
    """)

    nb.md("""
    ## 6. Your turn: make a claim testable
    """)
    nb.written("testable_claim", points=4, prompt="""
    Choose **one** claim from the table in section 2 (either side) and turn it into a testable
    hypothesis, as in the example above. In 4-8 sentences state (a) the metric you would compute,
    (b) the comparison (against what?), (c) the data or simulation you would use and (d) a result
    that would show the claim wrong. Then name one way your metric could mislead you.
    """, model_answer="""
    Claim (film): "algorithms learn what you agree with and feed you more of it." (a) Metric:
    for each user, the share of consumed news items whose slant matches the user's own
    ideology, and its change over time. (b) Comparison: a recommender retrained on the clicks it
    caused vs a random feed and a chronological feed, starting from the same users. (c) Data: a
    simulation (notebook 05) where users have a known ideology and items a known slant, so both
    can be measured exactly, run for 50 rounds with fixed seeds. (d) The claim is contradicted if
    the share of agreeing items under the engagement-trained recommender does not grow faster
    than under the random feed (difference within the noise across seeds). Caveat: the metric
    can mislead if users already chose agreeing items under the random feed (self-selection),
    so I would also compare what users were *shown* with what they *chose*.
    """, rubric="""
    - 1 pt: a concrete, computable metric (not "engagement" or "polarisation" in general).
    - 1 pt: an explicit comparison or baseline (random, chronological, another algorithm,
      before/after).
    - 1 pt: data or a simulation in which the metric can actually be measured for both arms.
    - 1 pt: a result that would falsify the claim, plus one plausible way the metric could mislead.
    """)

    nb.md("""
    ## Summary

    * *The Social Dilemma* and Facebook's reply make claims about what recommendation algorithms
      do; most can be turned into hypotheses with a metric, a comparison and data.
    * Exercises are cells with `# YOUR CODE HERE`; the test cell after each checks your answer
      in one line, `checks.check(...)` and `hint(...)` help, Validate runs everything as the
      grader will.
    * MovieLens 100K: 100,000 ratings, 943 users, 1,682 movies, about 6% of the matrix filled,
      ratings skewed towards 4 stars.
    * The synthetic event log has users of three segments, sessions and feed impressions; heavy
      users generate most of the activity.

    **Next:** notebook 01, what platforms measure and reward.

    ## Further reading

    * J. Orlowski (director), *The Social Dilemma*, Netflix, 2020.
    * Facebook, "What 'The Social Dilemma' Gets Wrong", October 2020 (about.fb.com).
    * F. M. Harper and J. A. Konstan, "The MovieLens Datasets: History and Context", *ACM
      Transactions on Interactive Intelligent Systems* 5(4), 2015.
    * J. VanderPlas, *Python Data Science Handbook*, chapter 3 (pandas), O'Reilly, 2016.

    ## Check your work
    """)
    nb.code("""
    checks.check_all()
    """)
    return nb


if __name__ == "__main__":
    build().write()
