"""Build ``03-collaborative-filtering``: learning from everyone's behaviour."""

from nbbuild import Notebook

ASSIGNMENT = "03-collaborative-filtering"
QUICK_PARAMETERS = {"NEIGHBOURS": [10, 40], "SGD_EPOCHS": 5}

# Seeded splits and seeded models: tight tolerances, loose enough for floating-point summation
# order (BLAS threads; implicit ALS runs in single precision).
_COMMON = {
    "rmse_baseline": (0.93590, 1e-4),
    "rmse_user_knn": (0.92350, 1e-4),
    "rmse_item_knn": (0.92234, 1e-4),
    "rmse_als": (0.90269, 1e-4),
    "ndcg_popularity": (0.25636, 1e-4),
    "ndcg_als_ratings": (0.08254, 1e-3),
    "ndcg_item_knn": (0.02735, 1e-3),
    "ndcg_implicit_als": (0.48190, 2e-3),
    "ndcg_ease": (0.48411, 1e-3),
}
EXPECTED = {**_COMMON, "rmse_sgd": (0.94855, 1e-3)}          # 5 epochs
EXPECTED_FULL = {**_COMMON, "rmse_sgd": (0.92744, 1e-3)}     # 20 epochs
WRONG_ANSWER = ("sgd_step", """
def sgd_step(r, mu, b_u, b_i, p_u, q_i, lr, reg):
    e = r - (mu + b_u + b_i + p_u @ q_i)
    b_u = b_u + lr * (e - reg * b_u)
    b_i = b_i + lr * (e - reg * b_i)
    p_u = p_u + lr * (e * q_i - reg * p_u)
    q_i = q_i + lr * (e * p_u - reg * q_i)      # uses the new p_u
    return b_u, b_i, p_u, q_i
""")


def build() -> Notebook:
    nb = Notebook(ASSIGNMENT, "Collaborative filtering: learning from everyone's behaviour")
    nb.md("""
    # Collaborative filtering: learning from everyone's behaviour

    *The Social Dilemma*'s engineers say the algorithm knows you better than you know yourself.
    What it actually knows is what people *like you* did. **Collaborative filtering** uses
    nothing but the matrix of who rated (or watched, clicked, shared) what: no genres, no
    politics, no text. From that alone it finds your neighbours, or a handful of hidden "taste
    dimensions", and predicts what you will do next. This notebook builds the main families on
    MovieLens 100K, compares them with a standard library's published results, and shows why
    the model that predicts ratings best can be a poor recommender.

    **Learning objectives.** After this notebook you can
    1. explain mean centring, compute a mean-centred cosine similarity between users (you
       implement it), and predict ratings with user-user and item-item k-nearest neighbours;
    2. fit the baseline predictor (global mean plus regularised user and item biases);
    3. explain matrix factorisation with biases, and implement one step of stochastic gradient
       descent and one least-squares step of ALS;
    4. use implicit feedback (implicit ALS, EASE) for top-k recommendation;
    5. compare models on rating error and on ranking quality, and explain why they disagree.

    **Estimated time:** 2.5 hours.
    **Prerequisites:** notebook 02 (splits, RMSE, NDCG); a little linear algebra (dot products,
    solving a linear system).
    """)
    nb.md("""
    Parameters (keep them for grading): the seed, the list length, the neighbourhood sizes to
    compare and the number of SGD epochs.
    """)
    nb.parameters("""
    SEED = 2020
    K = 10
    NEIGHBOURS = [5, 10, 20, 40, 80, 160]   # neighbourhood sizes compared in section 2
    SGD_EPOCHS = 20                          # passes over the data for SGD (section 4)
    """)
    nb.code("""
    import time

    import matplotlib.pyplot as plt
    import numpy as np
    import pandas as pd

    from course import checks, data, metrics, splits
    from course.baseline import Baseline
    from course.checks import hint
    from course.ease import EASE
    from course.implicit import ImplicitALS
    from course.knn import ItemKNN, UserKNN, similarity
    from course.mf import MatrixFactorization
    from course.popularity import Popularity
    from course.record import record
    from course.style import PALETTE, label, use_course_style

    use_course_style()
    checks.start("03-collaborative-filtering")
    ratings = data.load_ratings()
    movies = data.load_movies()
    titles = movies.set_index("item")["title"]
    """)
    nb.md("""
    For rating prediction we hold out a random 20% of the ratings (the set-up of the published
    benchmarks we compare with in section 5); for top-k lists, 25% of each user's ratings, as
    in notebook 02.
    """)
    nb.code("""
    train, test = splits.random_split(ratings, test_size=0.2, seed=SEED)
    rank_train, rank_test = splits.stratified_split(ratings, test_size=0.25, seed=SEED)
    print(f"{len(train):,} training and {len(test):,} test ratings")
    """)

    # -- 1. similarity --------------------------------------------------------------------------
    nb.md("""
    ## 1. Who is like you? Mean-centred similarity

    Two users are alike if they rate the same films in the same way. But people use the stars
    differently: one gives 4 to a film they merely liked, another keeps 4 for masterpieces.
    **Mean centring** compares *deviations* from each user's own average instead: a 4 from a
    user who averages 4.5 is a mild thumbs-down. After centring, the cosine of two users'
    vectors measures whether they agree on what is better or worse than usual; this is the
    usual sparse form of Pearson's correlation.

    ### Exercise 1 (2 points): mean-centred cosine

    Write `centred_cosine(a, b)` for two users' rating vectors over the same films (numpy
    arrays, 0 = not rated). Centre each on the mean of *its own rated entries*, leaving unrated
    entries at 0, then return the cosine of the two centred vectors. A user whose centred vector
    is all zeros (same rating for everything) has similarity `0.0` to everyone.
    Write the code yourself: an answer that just calls `course.knn.similarity` scores zero.
    """)
    nb.answer("centred_cosine", """
    def centred_cosine(a, b):
        ### BEGIN SOLUTION
        a_c = np.where(a > 0, a - a[a > 0].mean(), 0.0)
        b_c = np.where(b > 0, b - b[b > 0].mean(), 0.0)
        norms = np.linalg.norm(a_c) * np.linalg.norm(b_c)
        return float(a_c @ b_c / norms) if norms > 0 else 0.0
        ### END SOLUTION
    """)
    nb.tests("centred_cosine", points=2, visible="""
    checks.check("centred_cosine", strict=True)
    # same tastes, different generosity: perfectly similar after centring
    assert abs(centred_cosine(np.array([5.0, 3.0, 0.0]), np.array([4.0, 2.0, 0.0])) - 1) < 1e-9
    """, hidden="""
    a, b = np.array([5.0, 1.0, 3.0, 0.0]), np.array([1.0, 5.0, 0.0, 2.0])
    ac, bc = a - np.array([3, 3, 3, 3.0]) * (a > 0), b - np.array([8 / 3] * 4) * (b > 0)
    assert abs(centred_cosine(a, b) - ac @ bc / np.linalg.norm(ac) / np.linalg.norm(bc)) < 1e-9
    assert centred_cosine(np.array([4.0, 4.0, 0.0]), np.array([1.0, 5.0, 2.0])) == 0.0
    """)
    nb.md("""
    `course.knn.similarity` computes the same thing for all users at once on the sparse
    matrix. Here are the five users most similar to user 1, and how many films they share:
    """)
    nb.code("""
    model = UserKNN().fit(train)          # builds the user x item matrix and the means
    S = similarity(model.X_, rows=[model.user_index(1)], kind="pearson")[0]
    S[model.user_index(1)] = -np.inf      # leave out user 1 themself
    closest = np.argsort(-S)[:5]
    rated = (model.X_ > 0).astype(int)
    shared = (rated[closest] @ rated[model.user_index(1)].T).toarray().ravel()
    pd.DataFrame({"user": model.user_ids_[closest], "similarity": S[closest].round(3),
                  "films in common": shared})
    """)
    nb.md("""
    Similar users often share only a few dozen films, so a similarity is a noisy estimate.
    `course.knn` can *shrink* it towards 0 when the overlap is small (`shrinkage=`), a standard
    remedy.

    ## 2. Neighbourhood methods: user-user and item-item kNN

    **User-user kNN** predicts your rating of a film from your $k$ most similar users who rated
    it: your mean plus their similarity-weighted, mean-centred ratings,

    $$\\hat r_{ui} = \\bar r_u + \\frac{\\sum_{v \\in N_k(u)} s_{uv}\\,(r_{vi} - \\bar r_v)}
    {\\sum_{v \\in N_k(u)} |s_{uv}|}.$$

    **Item-item kNN** turns it around: the films most similar to film $i$ (rated similarly by
    the same people) and how *you* rated them. Item neighbourhoods are more stable than user
    neighbourhoods (films don't change their taste) and can be precomputed; this is what
    Amazon popularised in 2003. The size of the neighbourhood $k$ trades noise (few
    neighbours) against relevance (many, less similar, neighbours):
    """)
    nb.code("""
    rows = []
    for n in NEIGHBOURS:
        for name, cls in [("user-user", UserKNN), ("item-item", ItemKNN)]:
            fitted = cls(n_neighbors=n, similarity="pearson").fit(train)
            rows.append({"model": name, "neighbours": n,
                         "RMSE": metrics.evaluate_ratings(fitted, test)["rmse"]})
    sweep = pd.DataFrame(rows)

    fig, ax = plt.subplots()
    for (name, group), colour in zip(sweep.groupby("model"), PALETTE):
        ax.plot(group["neighbours"], group["RMSE"], marker="o", color=colour, label=name)
    ax.set_xscale("log")
    ax.legend()
    label(ax, "Neighbourhood size: noise versus relevance", "neighbours k (log scale)",
          "test RMSE")
    plt.show()
    sweep.pivot(index="neighbours", columns="model", values="RMSE").round(4)
    """)
    nb.code("""
    user_knn = UserKNN(n_neighbors=40).fit(train)
    item_knn = ItemKNN(n_neighbors=40).fit(train)
    record("rmse_user_knn", metrics.evaluate_ratings(user_knn, test)["rmse"])
    record("rmse_item_knn", metrics.evaluate_ratings(item_knn, test)["rmse"])
    """)

    # -- 3. baseline -----------------------------------------------------------------------------
    nb.md("""
    ## 3. The baseline predictor: mean plus biases

    Much of what there is to know about a rating is not about *who with what* at all: some
    users are generous, some films are loved by everyone. The **baseline predictor** captures
    just that:

    $$\\hat r_{ui} = \\mu + b_u + b_i$$

    with $\\mu$ the global mean, $b_i$ how much better than average film $i$ is rated and $b_u$
    how generous user $u$ is. Both are *regularised* (pulled towards 0 when there are few
    ratings, the damped-mean idea again) and fitted by alternating: all $b_i$ given the $b_u$,
    then all $b_u$ given the $b_i$. `Baseline` uses the same defaults as the Surprise library.
    """)
    nb.code("""
    baseline = Baseline().fit(train)
    rmse_baseline = metrics.evaluate_ratings(baseline, test)["rmse"]
    record("rmse_baseline", rmse_baseline)
    biases = pd.Series(baseline.item_bias_, index=baseline.item_ids_)
    pd.DataFrame({"best films (b_i)": titles.reindex(biases.nlargest(5).index).to_numpy(),
                  "worst films (b_i)": titles.reindex(biases.nsmallest(5).index).to_numpy()})
    """)
    nb.md("""
    Two numbers per user and per film come within about 0.015 of the neighbourhood methods.
    Every model from here on starts from these biases and tries to explain what is left.

    ## 4. Matrix factorisation

    The idea behind the Netflix Prize winners: give every user a vector $p_u$ and every film a
    vector $q_i$ of $k$ **latent factors**, and predict

    $$\\hat r_{ui} = \\mu + b_u + b_i + p_u \\cdot q_i.$$

    Nobody says what the factors mean; they are learnt so that the predictions fit the known
    ratings, and often turn out to line up with things like "serious drama versus light
    comedy". Learning minimises the squared error plus a penalty that keeps the parameters
    small (without it, a model with 100 numbers per user would memorise the training set):

    $$\\sum_{(u,i)\\,\\text{known}} (r_{ui} - \\hat r_{ui})^2
    + \\lambda \\sum_{(u,i)\\,\\text{known}}
    \\left(b_u^2 + b_i^2 + \\lVert p_u \\rVert^2 + \\lVert q_i \\rVert^2\\right)$$

    ### Stochastic gradient descent

    Simon Funk's recipe (2006): visit the known ratings in random order and nudge the
    parameters of each one downhill. With the error $e = r_{ui} - \\hat r_{ui}$, learning rate
    $\\eta$ and penalty $\\lambda$:

    $$b_u \\leftarrow b_u + \\eta (e - \\lambda b_u) \\qquad
    b_i \\leftarrow b_i + \\eta (e - \\lambda b_i)$$
    $$p_u \\leftarrow p_u + \\eta (e\\, q_i - \\lambda p_u) \\qquad
    q_i \\leftarrow q_i + \\eta (e\\, p_u - \\lambda q_i)$$

    The two vector updates use the values from *before* the step.

    ### Exercise 2 (3 points): one SGD step

    Write `sgd_step(r, mu, b_u, b_i, p_u, q_i, lr, reg)` that returns the updated
    `(b_u, b_i, p_u, q_i)` for one rating `r` (`p_u`, `q_i` are numpy vectors; return new
    values, don't modify the arguments).
    """)
    nb.answer("sgd_step", """
    def sgd_step(r, mu, b_u, b_i, p_u, q_i, lr, reg):
        ### BEGIN SOLUTION
        e = r - (mu + b_u + b_i + p_u @ q_i)
        return (b_u + lr * (e - reg * b_u), b_i + lr * (e - reg * b_i),
                p_u + lr * (e * q_i - reg * p_u), q_i + lr * (e * p_u - reg * q_i))
        ### END SOLUTION
    """)
    nb.tests("sgd_step", points=3, visible="""
    checks.check("sgd_step", strict=True)
    b_u, b_i, p_u, q_i = sgd_step(4.0, 3.0, 0.0, 0.0, np.zeros(2), np.zeros(2), 0.1, 0.0)
    assert abs(b_u - 0.1) < 1e-12 and abs(b_i - 0.1) < 1e-12   # error 1, lr 0.1
    """, hidden="""
    p, q = np.array([0.1, 0.2]), np.array([0.3, -0.1])
    e = 5.0 - (3.5 + 0.2 - 0.1 + p @ q)
    got = sgd_step(5.0, 3.5, 0.2, -0.1, p.copy(), q.copy(), 0.05, 0.02)
    assert np.allclose(got[2], p + 0.05 * (e * q - 0.02 * p))
    assert np.allclose(got[3], q + 0.05 * (e * p - 0.02 * q))
    assert abs(got[1] - (-0.1 + 0.05 * (e + 0.02 * 0.1))) < 1e-12
    """)
    nb.md("""
    A Python loop over 80,000 ratings, 20 times, would take a while. `MatrixFactorization`
    with `solver="sgd"` applies the same update to *mini-batches* of ratings at once with numpy
    (`batch_size=1` is exactly your function, rating by rating; a test in the course's test
    suite checks that). Here with 50 factors, the rest as Surprise's `SVD` defaults (learning
    rate 0.005, penalty 0.02). We track the training error after each epoch:
    """)
    nb.code("""
    start = time.perf_counter()
    sgd = MatrixFactorization(n_factors=50, n_epochs=SGD_EPOCHS, lr=0.005, reg=0.02,
                              batch_size=2048, solver="sgd", seed=SEED, track_loss=True)
    sgd.fit(train)
    print(f"fitted in {time.perf_counter() - start:.1f} s")
    rmse_sgd = metrics.evaluate_ratings(sgd, test)["rmse"]
    record("rmse_sgd", rmse_sgd)

    fig, ax = plt.subplots()
    ax.plot(range(1, len(sgd.history_) + 1), sgd.history_, marker="o", color=PALETTE[0],
            label="training RMSE")
    ax.axhline(rmse_sgd, color=PALETTE[1], linestyle="--", label=f"test RMSE {rmse_sgd:.3f}")
    ax.legend()
    label(ax, "SGD: matrix factorisation learning curve", "epoch", "RMSE")
    plt.show()
    """)
    nb.md("""
    ### Alternating least squares

    SGD needs a learning rate and many passes. **ALS** exploits the structure instead: if the
    film factors $Q$ are held fixed, finding one user's vector is an ordinary ridge regression,
    with the factors of the films they rated as features and their ratings as targets:

    $$p_u = (Q_u^\\top Q_u + \\lambda I)^{-1} Q_u^\\top r_u$$

    ($Q_u$ holds the rows of $Q$ for the films $u$ rated, $r_u$ their ratings after subtracting
    the biases). Then fix the users and solve for every film the same way, and alternate. Each
    step solves its regressions exactly, so a few alternations suffice, and all users can be
    solved at once.

    ### Exercise 3 (3 points): one ALS user step

    Write `als_user_factors(Q, r, reg)`: `Q` is the (films rated x k) array of those films'
    factors, `r` the user's (bias-corrected) ratings, `reg` the penalty $\\lambda$. Return the
    user's factor vector $p_u$ (length k). Use `np.linalg.solve`, not a matrix inverse.
    Write the code yourself: an answer that just calls `course.mf.ridge_solve` scores zero.
    """)
    nb.answer("als_user_factors", """
    def als_user_factors(Q, r, reg):
        ### BEGIN SOLUTION
        k = Q.shape[1]
        return np.linalg.solve(Q.T @ Q + reg * np.eye(k), Q.T @ r)
        ### END SOLUTION
    """)
    nb.tests("als_user_factors", points=3, visible="""
    checks.check("als_user_factors", strict=True)
    assert np.allclose(als_user_factors(np.eye(2), np.array([2.0, 4.0]), 1.0), [1.0, 2.0])
    """, hidden="""
    Q = np.array([[1.0, 2.0], [0.5, -1.0], [2.0, 0.0]])
    r = np.array([1.0, -0.5, 2.0])
    want = np.linalg.solve(Q.T @ Q + 0.3 * np.eye(2), Q.T @ r)
    assert np.allclose(als_user_factors(Q, r, 0.3), want)
    """)
    nb.md("""
    `MatrixFactorization(solver="als")` does this for all users in one batch of small linear
    systems (and learns the biases alongside, as an extra factor fixed at 1). Two choices
    matter here: few factors (10), and a penalty that grows with the square root of a user's
    (or film's) number of ratings (`reg_power=0.5`). Both were tuned on two folds of a 5-fold
    split of MovieLens 100K (the course's benchmark, `benchmarks/recommenders.py`), never on this
    notebook's test set: there, penalising once per rating (`reg_power=1`) plateaus at an RMSE
    of about 0.915, this setting reaches about 0.90.
    """)
    nb.code("""
    start = time.perf_counter()
    als = MatrixFactorization(n_factors=10, n_epochs=10, solver="als", reg=1.2, reg_bias=0.48,
                              reg_power=0.5, seed=SEED).fit(train)
    print(f"fitted in {time.perf_counter() - start:.2f} s")
    rmse_als = metrics.evaluate_ratings(als, test)["rmse"]
    record("rmse_als", rmse_als)
    """)

    # -- 5. side by side -------------------------------------------------------------------------
    nb.md("""
    ## 5. Side by side with a standard library

    How good is "good"? The Surprise library publishes its models' RMSE on MovieLens 100K
    (5-fold cross-validation, default parameters). Our numbers come from one 80/20 split, so
    expect differences of about ±0.005 from the split alone. The course's benchmark script
    (`benchmarks/recommenders.py`, results in `docs/benchmarks.md`) runs both libraries on the
    same five folds, side by side.
    """)
    nb.code("""
    published = pd.Series({"NormalPredictor": 1.518, "NMF": 0.963, "BaselineOnly": 0.944,
                           "KNNBaseline": 0.931, "SVD": 0.934, "SVD++": 0.919},
                          name="Surprise, published (5-fold)")
    ours = pd.Series({"baseline": rmse_baseline,
                      "user-user kNN (40)": metrics.evaluate_ratings(user_knn, test)["rmse"],
                      "item-item kNN (40)": metrics.evaluate_ratings(item_knn, test)["rmse"],
                      "MF, SGD": rmse_sgd, "MF, ALS": rmse_als},
                     name="course, this split")
    fig, ax = plt.subplots()
    both = pd.concat([published.rename(lambda s: "Surprise " + s),
                      ours.rename(lambda s: "course " + s)]).drop("Surprise NormalPredictor")
    both.sort_values().plot.barh(ax=ax, color=[PALETTE[0] if n.startswith("Surprise")
                                               else PALETTE[2] for n in both.sort_values().index])
    ax.set_xlim(0.88, 0.98)
    label(ax, "Rating error on MovieLens 100K (lower is better)", "RMSE", "model")
    plt.show()
    pd.concat([published, ours]).round(4)
    """)
    nb.md("""
    Why does SGD, with 50 factors, do no better than item-item kNN? **Overfitting.** 50
    factors per user and per film are 50 x (943 + 1,682), about 130,000 numbers, learnt from
    80,000 ratings, and the small penalty (0.02, Surprise's default) barely holds them back.
    The learning curve above is the error on the *training* ratings: after 20 epochs it is
    about 0.77, while the error on the test ratings is about 0.93. The factors have learnt the
    training ratings, noise included, far better than anything that carries over to new
    ratings. With 10 factors the training error stays near 0.88 and the test error is about the
    same (try `n_factors=10` in the SGD cell); ALS below, with 10 factors and a penalty that
    grows with the number of ratings, does better still.

    The differences between reasonable models are a few hundredths of a star. Going from the
    biases alone to the best factorisation cuts RMSE by about 4%. This is the famous lesson of
    the Netflix Prize: years of work for a 10% improvement in RMSE, and Netflix never deployed
    the winning ensemble. Which raises the question: is RMSE what we should care about?

    ## 6. Implicit feedback and top-k lists

    A feed doesn't predict ratings, it picks a handful of items. Let us judge every model by the
    top-10 lists it makes, exactly as in notebook 02. The rating models rank films by their
    predicted rating. Two models built *for* top-k join them. Both ignore the star values and
    only use *who rated what* (implicit feedback: what you watched or clicked, which is what
    platforms mostly have):

    * **implicit ALS** (Hu, Koren & Volinsky 2008): factorise the whole 0/1 matrix, every empty
      cell included, with more confidence in the observed ones;
    * **EASE** (Steck 2019): predict each film from all the others with one ridge regression,
      a closed form with a single matrix inverse.

    (`course.implicit.BPR`, Bayesian personalised ranking, is a third classic: it learns that a
    film a user took should score above a random other one. It needs many passes of SGD, so it
    only appears in the course's benchmark, `docs/benchmarks.md`.)
    """)
    nb.code("""
    rank_models = {
        "popularity": Popularity(),
        "baseline (predicted rating)": Baseline(),
        "item-item kNN (predicted rating)": ItemKNN(n_neighbors=40),
        "MF ALS (predicted rating)": MatrixFactorization(
            n_factors=10, n_epochs=10, solver="als", reg=1.2, reg_bias=0.48, reg_power=0.5,
            seed=SEED),
        "implicit ALS": ImplicitALS(seed=SEED),
        "EASE": EASE(reg=500),
    }
    rows = {}
    for name, model in rank_models.items():
        model.fit(rank_train)
        rows[name] = metrics.evaluate_ranking(model, rank_test, k=K)
    top_k = pd.DataFrame(rows).T
    record("ndcg_popularity", top_k.loc["popularity", f"ndcg@{K}"])
    record("ndcg_als_ratings", top_k.loc["MF ALS (predicted rating)", f"ndcg@{K}"])
    record("ndcg_item_knn", top_k.loc["item-item kNN (predicted rating)", f"ndcg@{K}"])
    record("ndcg_implicit_als", top_k.loc["implicit ALS", f"ndcg@{K}"])
    record("ndcg_ease", top_k.loc["EASE", f"ndcg@{K}"])
    top_k.round(3)
    """)
    nb.code("""
    fig, ax = plt.subplots()
    top_k[f"ndcg@{K}"].sort_values().plot.barh(ax=ax, color=PALETTE[0])
    ax.axvline(0.442, color=PALETTE[1], linestyle="--", label="published BPR (Cornac), 0.442")
    ax.axvline(0.096, color=PALETTE[3], linestyle=":", label="published SVD (Surprise), 0.096")
    ax.legend(loc="lower right")
    label(ax, f"Top-{K} quality on a per-user 75/25 split", f"NDCG@{K}", "model")
    plt.show()
    """)
    nb.md("""
    The picture flips. The rating models, best at RMSE, rank worse than plain popularity; the
    item-item kNN, nearly as good at RMSE, produces almost useless lists (look at its
    `avg_popularity` column: its lists are full of films almost nobody rated, whose few ratings
    happen to be high, so their predicted ratings are high too); the models that never
    look at a star value are the best recommenders by far, in line with the published figures
    of Microsoft's Recommenders comparison (BPR 0.442, Surprise's SVD 0.096 on the same kind of
    split). Predicting *how much* you would like a film, given that you watch it, is a
    different problem from predicting *what* you will watch.
    """)
    nb.written("rating_vs_ranking", points=3, prompt="""
    The factorisation has the best RMSE of our models yet ranks worse than popularity, while
    implicit ALS and EASE, which ignore the ratings' values, rank best. Explain why good rating
    prediction can still rank badly. Refer to which films the RMSE is computed on, and what a
    top-10 list has to get right. (4-6 sentences.)
    """, model_answer="""
    RMSE is computed only on films the user actually rated, so it measures how well the model
    guesses the rating *given* that the user watched the film; it never checks the thousands of
    unwatched films. A top-10 list is chosen from all films, and most of them were never watched
    because the user was not interested, so the ranking must first get *whether* the user would
    watch, then perhaps how much they would like it. A rating model happily predicts 4.6 stars
    for obscure, acclaimed films with a few high ratings (large item biases, little data) and
    puts them at the top, though the user would never pick them; squared error on observed
    ratings says nothing about that. Implicit models are trained on the watch/no-watch signal
    over all cells (missing = weak negative), which is exactly what the ranking task needs.
    Also, small RMSE differences are dominated by biases, whereas ranking depends on the
    relative order of the top few items per user.
    """, rubric="""
    - 1 pt: RMSE only measures observed (user, item) pairs; ratings are missing not at random.
    - 1 pt: ranking must choose among all unseen items, so it needs to model what gets
      watched/selected (the implicit signal), not only the rating level.
    - 1 pt: a concrete mechanism or example (high predicted ratings for obscure items with few
      ratings, or order of the top items versus average squared error).
    """)
    nb.written("implicit_signal", points=2, prompt="""
    Platforms mostly have implicit feedback (views, clicks, watch time) rather than star ratings.
    Name one advantage and one danger of training a feed on such signals, with reference to the
    debate between Facebook and *The Social Dilemma*. (3-4 sentences.)
    """, model_answer="""
    Advantage: implicit signals exist for every user and item in large quantities and reflect
    what people actually do, so models like EASE and implicit ALS make much better top-k lists
    than rating models (our table). Danger: a click or view is not a judgement; it measures
    attention, which outrage, clickbait or compulsion capture as well as genuine interest, so a
    feed trained to predict it optimises engagement rather than satisfaction (the film's point),
    and the feedback loop means it learns from the exposure it created. The platform's claim of
    "relevant and useful" then depends on whether clicks reflect usefulness, which has to be
    checked with other signals (surveys, satisfaction, long-term retention).
    """, rubric="""
    - 1 pt: a valid advantage (abundance, behaviour over stated preference, better top-k).
    - 1 pt: a valid danger tied to the debate (engagement is not satisfaction, clickbait,
      feedback loops / self-reinforcement, no explicit negatives).
    """)

    # -- 7. widget -----------------------------------------------------------------------------
    nb.md("""
    ## 7. Try it: every algorithm in the toy recommender

    Compare the lists of the models for the same user, change the number of neighbours or
    factors and the regularisation, and add a popularity penalty. Things to try: EASE with a
    small and a large penalty; user-user kNN with 5 and 200 neighbours; MF (ALS) with 2 and 64
    factors. Which settings change the *coverage* most?
    """)
    nb.code("""
    from course.toy_recommender import ToyRecommender

    toy = ToyRecommender(ratings, movies, seed=SEED)
    toy.show(user=1, algorithm="EASE")
    """)

    # -- summary -----------------------------------------------------------------------------------
    nb.md("""
    ## Summary

    * Collaborative filtering needs only the user x item matrix. Mean centring removes
      differences in how people use the rating scale.
    * User-user and item-item kNN predict from neighbours; the neighbourhood size trades noise
      against relevance.
    * The baseline predictor (mean plus regularised biases) explains most of what can be
      predicted about a rating; matrix factorisation adds a few latent taste dimensions, fitted
      by SGD (your update, in mini-batches) or ALS (your ridge step, batched).
    * The course's models match or beat the published results of a standard library on
      MovieLens 100K (see `docs/benchmarks.md` for the side-by-side run).
    * The best rating predictor is a poor recommender: ranking needs to know what people choose,
      which implicit-feedback models (implicit ALS, EASE) learn from who-watched-what alone.
      Platforms have exactly this kind of data, in quantity, for everyone.

    ## Further reading

    * Y. Koren, R. Bell and C. Volinsky, "Matrix factorization techniques for recommender
      systems", *IEEE Computer* 42(8), 2009.
    * Y. Koren, "Factor in the neighbors: scalable and accurate collaborative filtering",
      *ACM TKDD* 4(1), 2010 (baseline predictors).
    * B. Sarwar, G. Karypis, J. Konstan and J. Riedl, "Item-based collaborative filtering
      recommendation algorithms", WWW 2001; G. Linden, B. Smith and J. York, "Amazon.com
      recommendations: item-to-item collaborative filtering", *IEEE Internet Computing*, 2003.
    * Y. Hu, Y. Koren and C. Volinsky, "Collaborative filtering for implicit feedback
      datasets", ICDM 2008.
    * H. Steck, "Embarrassingly shallow autoencoders for sparse data", WWW 2019.
    * P. Cremonesi, Y. Koren and R. Turrin, "Performance of recommender algorithms on top-N
      recommendation tasks", RecSys 2010 (why RMSE and top-N disagree).
    * N. Hug, "Surprise: a Python library for recommender systems", *JOSS* 5(52), 2020.

    Check your exercises one last time:
    """)
    nb.code("""
    checks.check_all()
    """)
    return nb


if __name__ == "__main__":
    build().write()
