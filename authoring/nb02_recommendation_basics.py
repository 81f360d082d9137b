"""Build ``02-recommendation-basics``: first recommenders and how to evaluate them."""

from nbbuild import Notebook

ASSIGNMENT = "02-recommendation-basics"
QUICK_PARAMETERS = {}     # the whole notebook takes a few seconds already

# MovieLens facts are exact; the split-based figures are seeded, so the tolerances only allow
# for floating-point summation order.
EXPECTED = {
    "n_ratings": (100_000, 0),
    "sparsity": (1 - 100_000 / (943 * 1682), 1e-9),
    "top20_share": (0.64619, 1e-5),
    "mean_rating": (3.52986, 1e-5),
    "random_shared_pairs": (0, 0),
    "temporal_future_in_train": (0, 0),
    "random_future_in_train": (79_998, 0),
    "leaky_precision": (0.34618, 1e-4),
    "honest_precision": (0.32724, 1e-4),
    "best_plain_mean_ratings": (3, 0),
    "rmse_global_mean": (1.12698, 1e-4),
    "rmse_damped_mean": (1.03652, 1e-4),
    "ndcg_popularity": (0.25636, 1e-4),
    "ndcg_damped_mean": (0.12748, 1e-4),
    "ndcg_content": (0.04182, 1e-4),
    "ndcg_random": (0.01832, 1e-4),
    "coverage_popularity": (0.02741, 1e-4),
    "coverage_content": (0.80938, 1e-4),
}
EXPECTED_FULL = EXPECTED
WRONG_ANSWER = ("ndcg_at_k", """
import math

def ndcg_at_k(recommended, relevant, k):
    # forgets to normalise by the ideal DCG
    return sum(1 / math.log2(rank + 2) for rank, item in enumerate(recommended[:k])
               if item in relevant)
""")


def build() -> Notebook:
    nb = Notebook(ASSIGNMENT, "Recommendation basics: first recommenders and how to evaluate "
                              "them")
    nb.md("""
    # Recommendation basics: first recommenders and how to evaluate them

    Facebook says its ranking algorithms keep the feed "relevant and useful"; *The Social
    Dilemma* says they learn what you react to and feed you more of it. Both are claims about
    what a recommender *optimises* and how we *measure* whether it works. This notebook builds
    the simplest recommenders there are, on real data (100,000 film ratings from MovieLens), and
    the yardsticks used to judge them. You will see that the choice of yardstick and of test set
    can make the same algorithm look good or bad, and that the most "accurate" lists are often
    the least adventurous.

    **Learning objectives.** After this notebook you can
    1. describe a ratings dataset: sparsity, the long tail, the rating distribution;
    2. split ratings into training and test sets without leaking the test set, and explain why
       a random split flatters a recommender that will be used in the future;
    3. build popularity, damped-mean (Bayesian average) and content-based recommenders;
    4. compute RMSE and MAE for ratings, and precision@k, recall@k, NDCG@k, MAP and hit rate for
       top-k lists (you implement precision and NDCG yourself);
    5. measure what a list does beyond accuracy: catalogue coverage, average popularity,
       novelty and diversity, and explain popularity bias.

    **Estimated time:** 2 hours.
    **Prerequisites:** notebook 00 (running cells, checking answers), pandas basics.
    """)
    nb.md("""
    The parameters: the random seed and the size of the lists. Keep them for grading; change
    them afterwards to see what moves.
    """)
    nb.parameters("""
    SEED = 2020      # seeds every random split
    K = 10           # length of the recommendation lists
    DAMPING = 25     # pseudo-ratings of the damped mean (section 3)
    """)
    nb.code("""
    import matplotlib.pyplot as plt
    import numpy as np
    import pandas as pd

    from course import checks, data, metrics, splits
    from course.checks import hint
    from course.content import ContentBased
    from course.popularity import DampedMean, Popularity
    from course.record import record
    from course.style import PALETTE, label, use_course_style

    use_course_style()
    checks.start("02-recommendation-basics")
    """)

    # -- 1. the data ----------------------------------------------------------------------------
    nb.md("""
    ## 1. MovieLens 100K: who rated what

    MovieLens is a film recommendation site run by the GroupLens research group at the
    University of Minnesota. Its 100K dataset (1998) is the "hello world" of recommender
    systems: 943 users, 1,682 films and 100,000 ratings from 1 to 5 stars, each with a
    timestamp. Every user rated at least 20 films. `course.data` loads it as tidy tables.
    """)
    nb.code("""
    ratings = data.load_ratings()
    movies = data.load_movies()
    record("n_ratings", len(ratings))
    ratings.head()
    """)
    nb.code("""
    movies.head()
    """)
    nb.md("""
    Think of the ratings as a matrix with one row per user and one column per film. Most cells
    are empty: nobody has seen everything. The share of empty cells is the matrix's
    **sparsity**, and it is the first thing to know about any recommendation problem, because a
    recommender's whole job is to guess what goes in the empty cells.

    ### Exercise 1 (1 point): sparsity

    Set `sparsity` to the share of (user, film) cells *without* a rating, a number between 0
    and 1. Compute it from `ratings` (count users and films with `nunique()`).
    """)
    nb.answer("sparsity", """
    ### BEGIN SOLUTION
    sparsity = 1 - len(ratings) / (ratings["user"].nunique() * ratings["item"].nunique())
    ### END SOLUTION
    """)
    nb.tests("sparsity", points=1, visible="""
    checks.check("sparsity", strict=True)
    assert 0 < sparsity < 1
    """, hidden="""
    assert abs(sparsity - (1 - 100_000 / (943 * 1682))) < 1e-9
    """)
    nb.code("""
    record("sparsity", 1 - len(ratings) / (ratings["user"].nunique() * ratings["item"].nunique()))
    """)
    nb.md("""
    About 94% of the matrix is empty, and MovieLens is a *dense* dataset: on a shop or a news
    site it is common for 99.9% of the cells to be empty.

    The ratings are not spread evenly over the films either. Sort the films by their number of
    ratings and you get the **long tail**: a few blockbusters with hundreds of ratings, and a
    long tail of films almost nobody rated.
    """)
    nb.code("""
    per_item = ratings["item"].value_counts()          # sorted, most rated first
    top20 = per_item.iloc[: int(0.2 * len(per_item))]
    top20_share = top20.sum() / per_item.sum()
    record("top20_share", top20_share)

    fig, ax = plt.subplots()
    ax.plot(np.arange(1, len(per_item) + 1), per_item.to_numpy(), color=PALETTE[0])
    ax.axvline(len(top20), color=PALETTE[1], linestyle="--",
               label=f"top 20% of films: {top20_share:.0%} of ratings")
    ax.legend()
    label(ax, "The long tail of MovieLens 100K", "film rank by number of ratings",
          "number of ratings")
    plt.show()
    """)
    nb.md("""
    The top fifth of the films collect about two thirds of all ratings. Anything learnt from
    ratings will know the head of the catalogue well and the tail badly: keep this in mind, it
    comes back as *popularity bias*.

    Now the ratings themselves:
    """)
    nb.code("""
    record("mean_rating", ratings["rating"].mean())
    fig, ax = plt.subplots()
    counts = ratings["rating"].value_counts().sort_index()
    ax.bar(counts.index, counts.to_numpy(), color=PALETTE[0])
    label(ax, "Ratings lean positive", "stars", "number of ratings")
    plt.show()
    """)
    nb.md("""
    The mean is about 3.5 stars and 1- and 2-star ratings are rare. People mostly rate what they
    chose to watch, and they chose what they expected to like: ratings are *not missing at
    random*. A missing rating is itself information ("not interested"), which is why later we
    will also treat the mere fact of rating as a signal (implicit feedback).
    """)

    # -- 2. splits --------------------------------------------------------------------------------
    nb.md("""
    ## 2. Training and test sets, and how they leak

    To know whether a recommender works we hide some ratings, let it learn from the rest, and
    check its guesses against what we hid. Three common ways to hide (all in `course.splits`):

    * **random**: a random 20% of all ratings. Simple, and the usual choice in papers.
    * **per-user stratified**: a random 25% of *each user's* ratings, so every user has both a
      history to learn from and some films to find. The standard set-up for top-k lists.
    * **temporal**: everything before a date trains, everything after tests. This is what a
      deployed system faces: it has to predict the future from the past.

    A split *leaks* when the model can see, directly or indirectly, what it will be tested on.
    `splits.leakage` counts two kinds: (user, film) pairs in both parts, and training ratings
    made after the test period began.
    """)
    nb.code("""
    random_train, random_test = splits.random_split(ratings, test_size=0.2, seed=SEED)
    temporal_train, temporal_test = splits.temporal_split(ratings, test_size=0.2)
    leaks = pd.DataFrame({"random": splits.leakage(random_train, random_test),
                          "temporal": splits.leakage(temporal_train, temporal_test)})
    record("random_shared_pairs", leaks.loc["shared_pairs", "random"])
    record("random_future_in_train", leaks.loc["future_in_train", "random"])
    record("temporal_future_in_train", leaks.loc["future_in_train", "temporal"])
    leaks
    """)
    nb.md("""
    Neither split shares a (user, film) pair, but in the random split about 80,000 training
    ratings were made *after* the earliest test rating. A model trained on the random split
    knows which films became popular later, something no real system knows when it makes its
    recommendations. The temporal split also has *cold* users and films: people who joined
    after the cut, whom nothing in training describes.

    Leakage also happens outside the split, whenever a statistic is computed on all the data
    before splitting. A classic mistake: rank films by popularity counted on the *whole*
    dataset, test set included. Let us measure how much that flatters the popularity
    recommender on the temporal split.
    """)
    nb.code("""
    def precision_of_popularity(counts, train, test, k=K):
        \"\"\"Precision@k of recommending the `counts` ranking to the test users of `train`.\"\"\"
        users, relevant = metrics.relevant_items(test)
        seen = train.groupby("user")["item"].agg(set)
        ranking = counts.index.to_numpy()
        lists = [[i for i in ranking[: k + len(seen.get(u, ()))] if i not in seen.get(u, ())][:k]
                 for u in users]
        return metrics.precision_at_k(np.array(lists), relevant, k)

    leaky = precision_of_popularity(ratings["item"].value_counts(), temporal_train, temporal_test)
    honest = precision_of_popularity(temporal_train["item"].value_counts(), temporal_train,
                                     temporal_test)
    record("leaky_precision", leaky)
    record("honest_precision", honest)
    print(f"precision@{K} with popularity counted on all data:      {leaky:.3f}")
    print(f"precision@{K} with popularity counted on training only: {honest:.3f}")
    print(f"the leak adds {leaky / honest - 1:.0%}")
    """)
    nb.md("""
    Counting popularity on all the data makes the same algorithm look better (by about 6%)
    for nothing: the test period's hits are in the counts. For popularity the gain is small
    because the blockbusters of the training period stay popular; models that use more of the
    data (co-occurrences, trends) gain more from the same mistake, and the error is invisible
    in the code unless you look for it. Every number a model uses must come from the
    training part only. (`course`'s models are always fitted on what you pass to `fit`, so
    the rest of the course cannot make this mistake by accident.)
    """)
    nb.written("leakage", points=3, prompt="""
    A team evaluates a news recommender with a *random* 80/20 split of a year of clicks and
    reports excellent precision. Explain two ways in which this evaluation flatters the
    recommender compared with how it will be used, and say how you would evaluate it instead.
    (4-6 sentences.)
    """, model_answer="""
    With a random split, training contains clicks from after most test clicks, so the model
    learns which stories became popular later (future information a live system never has),
    and news popularity changes within hours. Statistics computed before splitting, such as
    popularity counts or item features built from all clicks, leak the test clicks themselves.
    A random split also hides cold start: almost every test user and story already appears in
    training, whereas in production new stories arrive all the time. I would use a temporal
    split (train on everything up to a date, test on the following days, ideally repeated over
    several cut-off dates), compute every statistic on the training part only, and report
    results separately for new stories and users.
    """, rubric="""
    - 1 pt: future information: training includes interactions after the test ones (or
      popularity/trends that happen later).
    - 1 pt: a second mechanism: statistics computed on all data before the split, or the
      hidden cold-start problem, or duplicate/near-duplicate interactions on both sides.
    - 1 pt: a sound alternative: a temporal (rolling) split with statistics from the training
      period only.
    """)

    # -- 3. popularity and damped mean --------------------------------------------------------
    nb.md("""
    ## 3. Non-personalised recommenders: popular and well rated

    The simplest recommender ignores who you are. **Popularity** recommends the films most
    people rated. A natural alternative is to recommend the films with the **best average
    rating**, but the plain mean is fooled by films with one or two enthusiastic ratings:
    """)
    nb.code("""
    stats = ratings.groupby("item")["rating"].agg(["mean", "count"])
    best_plain = stats.sort_values(["mean", "count"], ascending=False).head(5)
    record("best_plain_mean_ratings", int(best_plain["count"].iloc[0]))
    best_plain.join(movies.set_index("item")["title"])
    """)
    nb.md("""
    The top films by average rating were each rated by at most three people. The fix is a
    **damped mean** (a Bayesian average): pretend every film also received `damping` extra
    ratings equal to the global mean rating $\\mu$, so that a film needs many good ratings to
    move far from the average:

    $$\\text{damped mean}(i) = \\frac{\\sum_{u} r_{ui} + m\\,\\mu}{n_i + m}$$

    where $n_i$ is the film's number of ratings and $m$ the damping. With $m = 0$ it is the
    plain mean; as $m$ grows every film is pulled towards $\\mu$.

    ### Exercise 2 (2 points): the damped mean

    Write `damped_mean_scores(ratings, damping)` that returns a pandas Series indexed by item
    id, holding each item's damped mean. $\\mu$ is the mean of *all* ratings in `ratings`.
    Write the code yourself: an answer that just calls `course.popularity.damped_mean` or
    `DampedMean` scores zero.
    """)
    nb.answer("damped_mean_scores", """
    def damped_mean_scores(ratings, damping):
        ### BEGIN SOLUTION
        mu = ratings["rating"].mean()
        by_item = ratings.groupby("item")["rating"]
        return (by_item.sum() + damping * mu) / (by_item.count() + damping)
        ### END SOLUTION
    """)
    nb.tests("damped_mean_scores", points=2, visible="""
    checks.check("damped_mean_scores", strict=True)
    toy = pd.DataFrame({"user": [1, 2, 1], "item": [7, 7, 8], "rating": [5, 3, 1]})
    assert abs(damped_mean_scores(toy, 0).loc[7] - 4.0) < 1e-9      # plain mean
    """, hidden="""
    toy = pd.DataFrame({"user": [1, 2, 1], "item": [7, 7, 8], "rating": [5, 3, 1]})
    assert abs(damped_mean_scores(toy, 3).loc[8] - (1 + 3 * 3) / 4) < 1e-9
    _ratings = data.load_ratings()  # the grader's copy, not the notebook's
    got = damped_mean_scores(_ratings, 10)
    want = DampedMean(damping=10).fit(_ratings)
    assert np.allclose(got.sort_index().to_numpy(), want.item_scores_)
    """)
    nb.md("""
    The course's `DampedMean` model computes the same thing and, like every model in the course,
    follows scikit-learn's conventions: `fit` learns from a ratings table and returns the model,
    learnt attributes end with `_`, and `recommend(user, k)` gives a user's top-k ids (leaving
    out films they already rated). From here on we use it, so the rest of the notebook works
    even before you finish the exercise.
    """)
    nb.code("""
    titles = movies.set_index("item")["title"]
    train, test = splits.stratified_split(ratings, test_size=0.25, seed=SEED)
    popular = Popularity().fit(train)
    damped = DampedMean(damping=DAMPING).fit(train)
    pd.DataFrame({"most popular": titles.reindex(popular.recommend(1, k=K, exclude_seen=False))
                  .to_numpy(),
                  "best damped mean": titles.reindex(damped.recommend(1, k=K,
                                                                      exclude_seen=False))
                  .to_numpy()}, index=range(1, K + 1))
    """)
    nb.md("""
    From here on we use the per-user stratified split above (75% of each user's ratings
    train, 25% test), the standard set-up for comparing top-k lists.

    ## 4. Rating error: RMSE and MAE

    A damped mean is also a *rating predictor*: predict that user $u$ rates film $i$ at its
    damped mean. The classic yardsticks compare predicted and true ratings over the test set:

    $$\\text{RMSE} = \\sqrt{\\tfrac{1}{n}\\sum (r_{ui} - \\hat r_{ui})^2} \\qquad
    \\text{MAE} = \\tfrac{1}{n}\\sum |r_{ui} - \\hat r_{ui}|$$

    RMSE punishes big misses more. The bar to beat is predicting the global mean for everyone.
    """)
    nb.code("""
    truth = test["rating"].to_numpy(dtype=float)
    global_mean = np.full(len(test), train["rating"].mean())
    rmse_global = metrics.rmse(truth, global_mean)
    rmse_damped = metrics.evaluate_ratings(damped, test)["rmse"]
    record("rmse_global_mean", rmse_global)
    record("rmse_damped_mean", rmse_damped)
    pd.DataFrame({"RMSE": [rmse_global, rmse_damped],
                  "MAE": [metrics.mae(truth, global_mean),
                          metrics.evaluate_ratings(damped, test)["mae"]]},
                 index=["global mean", f"damped mean (m={DAMPING})"]).round(4)
    """)
    nb.md("""
    Knowing only *which films* are good takes almost a tenth off the error. Notebook 03 adds who
    is rating and gets much further. But a low rating error is not what a feed needs: a feed
    shows a short list, and what matters is whether the list contains things the user wants.
    """)

    # -- 5. content-based ----------------------------------------------------------------------
    nb.md("""
    ## 5. Content-based recommendation: more of what you liked

    A content-based recommender describes every item by features and every user by the features
    of what they liked. Here the features are the 19 MovieLens genres, a 0/1 vector per film:
    """)
    nb.code("""
    genres = data.genre_matrix(movies)
    genres.loc[[1, 50, 181]].join(titles)
    """)
    nb.md("""
    Two vectors point the same way when their films share genres. The standard measure is the
    **cosine similarity**, the cosine of the angle between the vectors:

    $$\\cos(a, b) = \\frac{a \\cdot b}{\\lVert a \\rVert\\,\\lVert b \\rVert}$$

    It is 1 for vectors pointing the same way and 0 for vectors with nothing in common
    (for 0/1 vectors it never goes negative).

    ### Exercise 3 (2 points): cosine similarity

    Write `cosine(a, b)` for two numpy vectors. A vector of zeros (a film without genres) has no
    direction: return `0.0` rather than dividing by zero.
    Write the code yourself: an answer that just calls a course `cosine_similarity` scores zero.
    """)
    nb.answer("cosine", """
    def cosine(a, b):
        ### BEGIN SOLUTION
        norms = np.linalg.norm(a) * np.linalg.norm(b)
        if norms == 0:
            return 0.0
        return float(np.dot(a, b) / norms)
        ### END SOLUTION
    """)
    nb.tests("cosine", points=2, visible="""
    checks.check("cosine", strict=True)
    assert abs(cosine(np.array([1.0, 1.0]), np.array([1.0, 0.0])) - 2 ** -0.5) < 1e-9
    """, hidden="""
    _genres = data.genre_matrix(data.load_movies())  # the grader's copy
    a = _genres.loc[1].to_numpy(dtype=float)
    b = _genres.loc[50].to_numpy(dtype=float)
    assert abs(cosine(a, b) - a @ b / np.sqrt(a.sum() * b.sum())) < 1e-9
    assert cosine(np.zeros(19), a) == 0.0
    """)
    nb.md("""
    A user's **profile** adds up the genre vectors of the films they rated, each weighted by
    how much more (or less) than their own average they liked it, so disliked genres count
    against. `ContentBased` then scores every film by the cosine between its genre vector and
    the profile. Here is user 1's profile and their top 10:
    """)
    nb.code("""
    content = ContentBased(genres).fit(train)
    profile = pd.Series(content.profiles_[content.user_index(1)], index=genres.columns)
    fig, ax = plt.subplots()
    profile.sort_values().plot.barh(ax=ax, color=PALETTE[0])
    label(ax, "User 1's genre profile (rating-weighted)", "weight", "genre")
    plt.show()
    movies.set_index("item").loc[content.recommend(1, k=K), ["title", "genres"]]
    """)
    nb.md("""
    The list is coherent, all strongly in the user's favourite genres, and it could be made
    for a film nobody has rated yet. But it knows nothing about quality, and it can only offer
    more of the same genres: a filter bubble by construction.
    """)

    # -- 6. ranking metrics ----------------------------------------------------------------------
    nb.md("""
    ## 6. Judging a top-k list

    For each test user we take the model's top $k$ (never recommending what they rated in
    training) and compare it with the films they rated in the test set, which count as
    *relevant*. Three basic questions:

    * **precision@k**: what share of the $k$ recommendations is relevant?
    * **recall@k**: what share of the user's relevant films made it into the list?
    * **hit rate@k**: is there at least one relevant film in the list?

    Precision ignores the order inside the list, but the first slots of a feed get far more
    attention than the last. **NDCG@k** (normalised discounted cumulative gain) rewards hits by
    position: a hit at rank $r$ earns $1/\\log_2(r + 1)$ (1 at the top, 0.63 at rank 2, 0.5 at
    rank 3...), and the sum (the DCG) is divided by the best DCG possible, with all relevant
    films first. At most $\\min(k, \\text{number relevant})$ of them fit in the list, so

    $$\\text{NDCG@}k = \\frac{\\sum_{r=1}^{k} \\text{rel}_r / \\log_2(r + 1)}
    {\\sum_{r=1}^{\\min(k, |\\text{relevant}|)} 1 / \\log_2(r + 1)}$$

    ### Exercise 4 (1 point): precision@k

    Write `precision_at_k(recommended, relevant, k)`: `recommended` is a list of item ids (best
    first), `relevant` a set of item ids. Return the share of the first `k` recommendations that
    are relevant.
    Write the code yourself: an answer that just calls `course.metrics.precision_at_k` scores zero.
    """)
    nb.answer("precision_at_k", """
    def precision_at_k(recommended, relevant, k):
        ### BEGIN SOLUTION
        return sum(item in relevant for item in recommended[:k]) / k
        ### END SOLUTION
    """)
    nb.tests("precision_at_k", points=1, visible="""
    checks.check("precision_at_k", strict=True)
    assert precision_at_k([10, 20, 30, 40, 50], {20, 50, 60}, 5) == 0.4
    """, hidden="""
    assert precision_at_k([10, 20, 30, 40, 50], {20, 50, 60}, 2) == 0.5
    assert precision_at_k([3, 2, 1], {7}, 3) == 0.0
    """)
    nb.md("""
    ### Exercise 5 (3 points): NDCG@k

    Write `ndcg_at_k(recommended, relevant, k)` following the formula above, with binary
    relevance. Return `0.0` when `relevant` is empty. (Careful with the ranks: the top item has
    rank 1 and discount $1/\\log_2 2 = 1$.)
    Write the code yourself: an answer that just calls `course.metrics.ndcg_at_k` scores zero.
    """)
    nb.answer("ndcg_at_k", """
    import math

    def ndcg_at_k(recommended, relevant, k):
        ### BEGIN SOLUTION
        dcg = sum(1 / math.log2(rank + 1)
                  for rank, item in enumerate(recommended[:k], start=1) if item in relevant)
        ideal = sum(1 / math.log2(rank + 1) for rank in range(1, min(k, len(relevant)) + 1))
        return dcg / ideal if ideal > 0 else 0.0
        ### END SOLUTION
    """)
    nb.tests("ndcg_at_k", points=3, visible="""
    checks.check("ndcg_at_k", strict=True)
    assert abs(ndcg_at_k([5, 6], {5}, 2) - 1.0) < 1e-9
    assert abs(ndcg_at_k([6, 5], {5}, 2) - 1 / np.log2(3)) < 1e-9
    """, hidden="""
    dcg = 1 / np.log2(3) + 1 / np.log2(6)
    ideal = 1 + 1 / np.log2(3) + 1 / np.log2(4)
    assert abs(ndcg_at_k([10, 20, 30, 40, 50], {20, 50, 60}, 5) - dcg / ideal) < 1e-9
    assert abs(ndcg_at_k([10, 20, 30], {20, 99}, 1) - 0.0) < 1e-12
    assert ndcg_at_k([1, 2], set(), 2) == 0.0
    """)
    nb.md("""
    `course.metrics` has the same metrics, vectorized over all users at once, plus **MAP**
    (mean average precision: the precision at each hit's rank, averaged) and hit rate.
    `metrics.evaluate_ranking` computes them all for a fitted model. As a floor, we add a
    recommender that picks films at random.
    """)
    nb.code("""
    class RandomScores(Popularity):
        \"\"\"Random scores: the floor any recommender must beat.\"\"\"
        def score(self, users):
            rng = np.random.default_rng(SEED)
            return rng.random((len(np.atleast_1d(users)), self.n_items_))

    models = {"random": RandomScores().fit(train), "popularity": popular,
              f"damped mean (m={DAMPING})": damped, "content (genres)": content}
    report = pd.DataFrame({name: metrics.evaluate_ranking(model, test, k=K, features=genres)
                           for name, model in models.items()}).T
    record("ndcg_random", report.loc["random", f"ndcg@{K}"])
    record("ndcg_popularity", report.loc["popularity", f"ndcg@{K}"])
    record("ndcg_damped_mean", report.loc[f"damped mean (m={DAMPING})", f"ndcg@{K}"])
    record("ndcg_content", report.loc["content (genres)", f"ndcg@{K}"])
    record("coverage_popularity", report.loc["popularity", "coverage"])
    record("coverage_content", report.loc["content (genres)", "coverage"])
    report.round(3)
    """)
    nb.md("""
    Plain popularity beats the other two by far on every accuracy metric. The damped mean
    recommends acclaimed films, but acclaimed is not what people go on to watch; genres alone
    know too little. Popularity is a strong, embarrassing baseline: a personalised model that
    cannot beat it is not worth its complexity.

    ## 7. Beyond accuracy: coverage, popularity, novelty, diversity

    The last columns of the table describe what the lists do to the catalogue:

    * **coverage**: the share of the catalogue recommended to at least one user;
    * **avg_popularity**: the mean number of training ratings of the recommended films;
    * **novelty**: the mean self-information $-\\log_2(\\text{share of users who rated it})$ of the
      recommended films, in bits (high = obscure);
    * **diversity**: the mean genre dissimilarity (1 - cosine) between films of the same list.
    """)
    nb.code("""
    fig, ax = plt.subplots()
    for (name, row), colour in zip(report.iterrows(), PALETTE):
        ax.scatter(row["avg_popularity"], row[f"ndcg@{K}"], s=80, color=colour, label=name)
    ax.set_xscale("log")
    ax.legend()
    label(ax, "Accuracy follows popularity", "mean training ratings of recommended films (log)",
          f"NDCG@{K}")
    plt.show()
    """)
    nb.md("""
    The more popular a model's recommendations, the higher its accuracy, and the popularity
    recommender shows under 3% of the catalogue to anyone. This is **popularity bias**:
    popular films are relevant to many test users simply because many people watch them, so
    accuracy metrics reward recommending them, and models trained to be accurate learn to.
    Feedback makes it worse: what is recommended gets watched, rated and counted, and becomes
    more popular still. Notebook 05 simulates this loop.
    """)
    nb.written("popularity_bias", points=3, prompt="""
    The popularity recommender wins on NDCG but covers under 3% of the catalogue. Explain why
    offline accuracy metrics favour popular items, and argue whether a platform that tunes its
    feed for this metric is giving users what is "relevant and useful". Suggest one change to
    the evaluation or the recommender that addresses the problem. (4-6 sentences.)
    """, model_answer="""
    The test set is made of what users chose to watch, and popular items were watched by many
    users, so a popular item is "relevant" for many test users and recommending it scores hits;
    the data also reflect the exposure that earlier recommenders and marketing gave those items.
    So the metric partly measures agreement with the crowd, not usefulness to the individual:
    a list of blockbusters scores well while telling users little they did not already know,
    and tail items never get a chance to prove themselves. A platform tuning for this metric
    concentrates attention further, which is relevant in a narrow sense but not obviously
    useful. Fixes: report coverage, novelty and popularity alongside accuracy; evaluate on a
    popularity-debiased test set (inverse-propensity weighting, or sampling test items
    uniformly over popularity); or re-rank with a popularity penalty or diversity constraint.
    """, rubric="""
    - 1 pt: mechanism: popular items are in many users' test sets (exposure / selection bias).
    - 1 pt: a reasoned judgement on "relevant and useful" (e.g. accurate in aggregate but little
      discovery; concentration; feedback loop).
    - 1 pt: a concrete fix (beyond-accuracy metrics, debiased evaluation, re-ranking).
    """)

    # -- 8. widget ---------------------------------------------------------------------------------
    nb.md("""
    ## 8. Try it: the toy recommender

    Pick a user (or *You*, and rate a few films), an algorithm, and a **popularity penalty**
    that pushes blockbusters down the list. The table shows the top 10 with a ✔ for films the
    user really watched in the held-out 25%, and the metrics for this list and for all users.
    Notebook 03 adds the collaborative algorithms to the menu; they are already there. Watch
    what the penalty does to accuracy, coverage and mean popularity.
    """)
    nb.code("""
    from course.toy_recommender import ToyRecommender

    toy = ToyRecommender(ratings, movies, seed=SEED)
    toy.show(user=1, algorithm="Popularity")
    """)

    # -- summary -----------------------------------------------------------------------------------
    nb.md("""
    ## Summary

    * Ratings data are sparse (94% empty here, far more elsewhere) and long-tailed (a fifth of
      the films get two thirds of the ratings), and ratings are not missing at random.
    * An evaluation is only as honest as its split. A random split lets the model see the
      future; a temporal split mirrors deployment. Statistics computed before splitting leak
      too (about 6% extra precision for popularity here).
    * Popularity and the damped mean need no personal data; content-based recommendation needs
      no other users. Popularity is a strong baseline on accuracy.
    * RMSE/MAE judge rating predictions; precision, recall, NDCG, MAP and hit rate judge top-k
      lists, and NDCG cares about order.
    * Accuracy is not the whole story: coverage, popularity, novelty and diversity show that
      the most "accurate" lists can be the most concentrated, an early sign of how a feed can
      narrow what people see.

    ## Further reading

    * F. M. Harper and J. A. Konstan, "The MovieLens datasets: history and context", *ACM TiiS*
      5(4), 2015.
    * J. L. Herlocker, J. A. Konstan, L. G. Terveen and J. T. Riedl, "Evaluating collaborative
      filtering recommender systems", *ACM TOIS* 22(1), 2004.
    * K. Järvelin and J. Kekäläinen, "Cumulated gain-based evaluation of IR techniques",
      *ACM TOIS* 20(4), 2002 (NDCG).
    * H. Abdollahpouri, R. Burke and B. Mobasher, "Managing popularity bias in recommender
      systems with personalized re-ranking", FLAIRS 2019.
    * Y. Ji, A. Sun, J. Zhang and C. Li, "A critical study on data leakage in recommender
      system offline evaluation", *ACM TOIS* 41(3), 2023.
    * S. Castells, N. Hurley and S. Vargas, "Novelty and diversity in recommender systems", in
      *Recommender Systems Handbook*, 2015.

    Check your exercises one last time:
    """)
    nb.code("""
    checks.check_all()
    """)
    return nb


if __name__ == "__main__":
    build().write()
