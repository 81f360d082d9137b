"""Every recommender against a small case whose answer is known, and the shared interface."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from course.baseline import Baseline, fit_biases
from course.content import ContentBased
from course.ease import EASE, ease_weights
from course.implicit import BPR, ImplicitALS, confidence_step
from course.knn import ItemKNN, UserKNN, cosine_similarity, similarity
from course.mf import MatrixFactorization, ridge_solve
from course.popularity import DampedMean, Popularity, damped_mean
from course.recommender import Recommender, index_of, interaction_matrix, top_k

# -- the base: ids, top-k, seen items ---------------------------------------------------------


def test_top_k_orders_and_breaks_ties_by_index():
    scores = np.array([[0.5, 0.9, 0.5, 0.1], [1.0, 1.0, 1.0, 2.0]])
    assert top_k(scores, 3).tolist() == [[1, 0, 2], [3, 0, 1]]
    assert top_k(scores, 10).shape == (2, 4)


def test_ids_map_to_indices_and_back():
    df = pd.DataFrame({"user": [30, 10, 30], "item": [7, 5, 5], "rating": [1, 2, 3]})
    X, users, items = interaction_matrix(df)
    assert users.tolist() == [10, 30] and items.tolist() == [5, 7]
    assert X.toarray().tolist() == [[2, 0], [3, 1]]
    assert index_of(users, [30, 99]).tolist() == [1, -1]


def test_recommend_excludes_seen_items_and_pads_short_lists():
    df = pd.DataFrame({"user": [1, 1, 2, 3], "item": [10, 20, 10, 30], "rating": 4})
    model = Popularity().fit(df)
    assert model.recommend(1, k=3).tolist() == [30]            # 10 and 20 already seen
    assert model.recommend(1, k=2, exclude_seen=False).tolist() == [10, 20]
    assert model.recommend_many([1, 2], k=2).tolist() == [[30, -1], [20, 30]]


def test_unknown_users_and_unfitted_models_get_clear_errors():
    with pytest.raises(RuntimeError, match="not fitted"):
        Popularity().recommend(1)
    model = Popularity().fit(pd.DataFrame({"user": [1], "item": [2], "rating": [3]}))
    with pytest.raises(KeyError, match="unknown user"):
        model.recommend(99)
    with pytest.raises(ValueError, match="no column"):
        Popularity().fit(pd.DataFrame({"u": [1], "item": [2]}))


# -- a small ratings problem shared by the interface tests ----------------------------------

def small_ratings(seed=0, n_users=30, n_items=20):
    rng = np.random.default_rng(seed)
    taste = rng.normal(size=(n_users, 2)) @ rng.normal(size=(2, n_items))
    mask = rng.random((n_users, n_items)) < 0.5
    u, i = np.nonzero(mask)
    rating = np.clip(np.round(3 + taste[u, i]), 1, 5).astype(int)
    return pd.DataFrame({"user": u * 2 + 100, "item": i + 1000, "rating": rating})


GENRES = pd.DataFrame(np.random.default_rng(1).integers(0, 2, size=(20, 4)),
                      index=np.arange(1000, 1020), columns=list("abcd"))

MODELS = {
    "popularity": lambda: Popularity(),
    "damped_mean": lambda: DampedMean(),
    "content": lambda: ContentBased(GENRES),
    "user_knn": lambda: UserKNN(n_neighbors=5),
    "item_knn": lambda: ItemKNN(n_neighbors=5, similarity="cosine"),
    "baseline": lambda: Baseline(),
    "mf_sgd": lambda: MatrixFactorization(n_factors=3, n_epochs=5),
    "mf_als": lambda: MatrixFactorization(n_factors=3, n_epochs=5, solver="als"),
    "implicit_als": lambda: ImplicitALS(n_factors=3, n_epochs=3),
    "bpr": lambda: BPR(n_factors=3, n_epochs=2),
    "ease": lambda: EASE(reg=10),
}


@pytest.mark.parametrize("name", MODELS)
def test_every_model_follows_the_interface(name):
    df = small_ratings()
    model = MODELS[name]()
    assert model.fit(df) is model
    assert isinstance(model, Recommender)
    assert model.n_users_ == 30 and model.n_items_ == 20
    scores = model.score(np.array([0, 3, 5]))
    assert scores.shape == (3, 20) and scores.dtype == float and np.isfinite(scores).all()
    user = int(df["user"].iloc[0])
    recs = model.recommend(user, k=4)
    seen = set(df.loc[df["user"] == user, "item"])
    assert len(recs) == 4 and not seen & set(recs.tolist()) and set(recs) <= set(df["item"])
    assert model.recommend_many(df["user"].unique()[:6], k=3).shape == (6, 3)
    if hasattr(model, "predict"):
        pred = model.predict([user, 999999], [1000, 5])       # unknown user and item fall back
        assert pred.shape == (2,) and np.isfinite(pred).all()
        assert ((1 <= pred) & (pred <= 5)).all()
    # a sparse matrix is taken as already indexed, and gives the same scores
    X, _, _ = interaction_matrix(df, value="rating" if model.uses_ratings else None)
    if name == "content":
        model = ContentBased(GENRES.to_numpy())
    else:
        model = MODELS[name]()
    np.testing.assert_allclose(model.fit(X).score(np.array([0, 3, 5])), scores, atol=1e-8)


# -- popularity and damped mean -------------------------------------------------------------

def test_popularity_and_damped_mean_by_hand():
    X = sp.csr_matrix(np.array([[5, 0, 1], [5, 0, 0], [4, 3, 0.]]))
    assert Popularity().fit(X).item_scores_.tolist() == [3, 1, 1]
    mu = 18 / 5
    expected = [(14 + 2 * mu) / 5, (3 + 2 * mu) / 3, (1 + 2 * mu) / 3]
    np.testing.assert_allclose(damped_mean(X, 2), expected)
    model = DampedMean(damping=2).fit(X)
    np.testing.assert_allclose(model.predict([0, 0], [1, 7]), [expected[1], mu])
    with pytest.raises(ValueError, match="damping"):
        damped_mean(X, -1)


# -- content-based --------------------------------------------------------------------------

def test_content_profile_by_hand():
    F = np.array([[1, 0], [1, 1], [0, 1.]])
    X = sp.csr_matrix(np.array([[5, 0, 1.]]))          # mean 3: weights +2 and -2
    model = ContentBased(F).fit(X)
    np.testing.assert_allclose(model.profiles_, [[2.0, -2.0]])
    # cosine of (2, -2) with (1, 0), (1, 1), (0, 1)
    np.testing.assert_allclose(model.score([0]), [[1 / np.sqrt(2), 0.0, -1 / np.sqrt(2)]],
                               atol=1e-12)
    with pytest.raises(ValueError, match="one row per item"):
        ContentBased(F[:2]).fit(X)


# -- neighbourhood methods ----------------------------------------------------------------------

def test_cosine_and_pearson_similarity_by_hand():
    X = sp.csr_matrix(np.array([[5, 3, 0], [4, 0, 2.], [1, 1, 0]]))
    S = cosine_similarity(X)
    assert S[0, 1] == pytest.approx(20 / (np.sqrt(34) * np.sqrt(20)))
    # pearson: rows centred on their own means -> (1, -1, 0), (1, 0, -1), (0, 0, 0)
    P = similarity(X, kind="pearson")
    assert P[0, 1] == pytest.approx(0.5)
    assert P[2, 0] == 0.0
    shrunk = similarity(X, kind="pearson", shrinkage=1.0)   # users 0 and 1 share 1 item
    assert shrunk[0, 1] == pytest.approx(0.5 * 1 / 2)
    with pytest.raises(ValueError, match="unknown similarity"):
        similarity(X, kind="jaccard")


def test_user_knn_prediction_by_hand():
    X = sp.csr_matrix(np.array([[5, 4, 0], [5, 4, 1], [1, 2, 5.]]))
    # means 4.5, 10/3, 8/3; item 2 was rated by users 1 (similar) and 2 (dissimilar):
    # only the positive similarity votes, so the prediction is 4.5 + (1 - 10/3)
    for n in (1, 2):
        assert UserKNN(n_neighbors=n).fit(X).predict([0], [2])[0] == pytest.approx(
            4.5 + 1 - 10 / 3)


def _knn_reference(D, u, i, k, by_user):
    """Plain-Python kNN with means: the neighbours are the k most similar users who rated i
    (by_user) or the k items most similar to i that u rated; positive similarities vote."""
    rated = D > 0
    means = np.array([row[row > 0].mean() for row in D])
    C = np.where(rated, D - means[:, None], 0.0)

    def cos(a, b):
        n = np.linalg.norm(a) * np.linalg.norm(b)
        return a @ b / n if n else 0.0

    if by_user:
        cands = [(cos(C[u], C[v]), C[v, i]) for v in range(len(D)) if v != u and rated[v, i]]
    else:
        cands = [(cos(C[:, i], C[:, j]), C[u, j]) for j in range(D.shape[1])
                 if j != i and rated[u, j]]
    best = sorted(cands, key=lambda t: -t[0])[:k]
    num = sum(s * c for s, c in best if s > 0)
    den = sum(s for s, _ in best if s > 0)
    return means[u] + (num / den if den > 0 else 0.0)


@pytest.mark.parametrize("by_user", [True, False])
def test_knn_matches_a_plain_python_reference(by_user):
    rng = np.random.default_rng(4)
    D = rng.integers(1, 6, size=(12, 9)) * (rng.random((12, 9)) < 0.6)
    D[:, 0] = 3                           # everyone has at least one rating
    X = sp.csr_matrix(D.astype(float))
    cls = UserKNN if by_user else ItemKNN
    for k in (1, 3, 20):
        model = cls(n_neighbors=k).fit(X)
        scores = model.score(np.arange(12))
        for u in range(12):
            for i in range(9):
                want = _knn_reference(D.astype(float), u, i, k, by_user)
                assert scores[u, i] == pytest.approx(want), (k, u, i)
        # predict() takes a cheaper path (only the requested pairs): same numbers
        uu, ii = np.meshgrid(np.arange(12), np.arange(9), indexing="ij")
        np.testing.assert_allclose(model.predict(uu.ravel(), ii.ravel()),
                                   np.clip(scores.ravel(), 1, 5))


def test_item_knn_prediction_by_hand():
    X = sp.csr_matrix(np.array([[5, 1, 0], [4, 2, 3], [1, 5, 4.]]))
    model = ItemKNN(n_neighbors=2, similarity="cosine", center=False).fit(X)
    S = cosine_similarity(X.T.toarray())
    # user 0 rated items 0 and 1; prediction for item 2 is their similarity-weighted average
    expected = (S[2, 0] * 5 + S[2, 1] * 1) / (S[2, 0] + S[2, 1])
    assert model.predict([0], [2])[0] == pytest.approx(expected)


# -- baseline -------------------------------------------------------------------------------

def test_baseline_recovers_additive_ratings():
    bu, bi = np.array([0.5, -0.5, 0.0]), np.array([1.0, -1.0, 0.0, 0.0])
    full = 3 + bu[:, None] + bi[None, :]
    model = Baseline(reg_user=0, reg_item=0, n_epochs=50).fit(sp.csr_matrix(full))
    np.testing.assert_allclose(model.score(np.arange(3)), full, atol=1e-6)


def test_baseline_one_epoch_matches_the_formula():
    X = sp.csr_matrix(np.array([[5, 3, 0], [4, 0, 1.]]))
    mu = 13 / 4
    # items first: b_i = sum(r - mu) / (reg_i + n_i), then users with those b_i
    bi = np.array([(5 - mu + 4 - mu) / (10 + 2), (3 - mu) / (10 + 1), (1 - mu) / (10 + 1)])
    bu = np.array([(5 - mu - bi[0] + 3 - mu - bi[1]) / (15 + 2),
                   (4 - mu - bi[0] + 1 - mu - bi[2]) / (15 + 2)])
    got_mu, got_bu, got_bi = fit_biases(X, reg_user=15, reg_item=10, n_epochs=1)
    assert got_mu == pytest.approx(mu)
    np.testing.assert_allclose(got_bi, bi)
    np.testing.assert_allclose(got_bu, bu)


# -- matrix factorisation -------------------------------------------------------------------

def test_ridge_solve_matches_least_squares_row_by_row():
    rng = np.random.default_rng(0)
    A = sp.random(6, 15, density=0.5, format="csr", random_state=1)
    F = rng.normal(size=(15, 3))
    t = rng.normal(size=A.nnz)
    W = ridge_solve(A, F, t, np.full(6, 0.7))
    for u in range(6):
        cols = A.indices[A.indptr[u]:A.indptr[u + 1]]
        y = t[A.indptr[u]:A.indptr[u + 1]]
        Fu = F[cols]
        expected = np.linalg.solve(Fu.T @ Fu + 0.7 * np.eye(3), Fu.T @ y)
        np.testing.assert_allclose(W[u], expected, atol=1e-8)


def test_als_recovers_a_low_rank_matrix():
    rng = np.random.default_rng(0)
    truth = 3 + rng.normal(size=(25, 2)) @ rng.normal(size=(2, 15))
    model = MatrixFactorization(n_factors=2, solver="als", reg=0, n_epochs=60).fit(
        sp.csr_matrix(truth))
    np.testing.assert_allclose(model.score(np.arange(25)), truth, atol=1e-3)


def test_sgd_with_batch_size_one_is_the_textbook_update():
    X = sp.csr_matrix(np.array([[5, 3, 0], [4, 0, 1.], [0, 2, 5]]))
    model = MatrixFactorization(n_factors=2, n_epochs=1, lr=0.1, reg=0.05, batch_size=1,
                                seed=3).fit(X)
    # replay the same epoch rating by rating in plain Python
    rng = np.random.default_rng(3)
    P, Q = rng.normal(0, 0.1, (3, 2)), rng.normal(0, 0.1, (3, 2))
    bu, bi, mu = np.zeros(3), np.zeros(3), X.data.mean()
    rows, cols = np.repeat(np.arange(3), np.diff(X.indptr)), X.indices
    for n in rng.permutation(X.nnz):
        u, i, r = rows[n], cols[n], X.data[n]
        e = r - (mu + bu[u] + bi[i] + P[u] @ Q[i])
        bu[u] += 0.1 * (e - 0.05 * bu[u])
        bi[i] += 0.1 * (e - 0.05 * bi[i])
        P[u], Q[i] = P[u] + 0.1 * (e * Q[i] - 0.05 * P[u]), Q[i] + 0.1 * (e * P[u] - 0.05 * Q[i])
    np.testing.assert_allclose(model.user_factors_, P)
    np.testing.assert_allclose(model.item_factors_, Q)
    np.testing.assert_allclose(model.user_bias_, bu)


def test_sgd_and_als_both_lower_the_training_error():
    df = small_ratings()
    for solver in ("sgd", "als"):
        model = MatrixFactorization(n_factors=3, n_epochs=15, lr=0.02, solver=solver,
                                    track_loss=True).fit(df)
        assert model.history_[-1] < model.history_[0] < 1.5, solver


def test_warm_start_continues_from_the_factors():
    df = small_ratings()
    cold = MatrixFactorization(n_factors=3, n_epochs=2, solver="als").fit(df)
    warm = MatrixFactorization(n_factors=3, n_epochs=2, solver="als", warm_start=True,
                               track_loss=True).fit(df)
    first = warm.history_[-1]
    warm.fit(df)                    # two more epochs from where it stopped
    assert warm.history_[-1] < first
    assert not np.allclose(warm.user_factors_, cold.user_factors_)
    ials = ImplicitALS(n_factors=3, n_epochs=1, warm_start=True).fit(df)
    before = ials.item_factors_.copy()
    ials.fit(df)
    assert not np.allclose(before, ials.item_factors_)


def test_mf_rejects_bad_parameters():
    with pytest.raises(ValueError, match="unknown solver"):
        MatrixFactorization(solver="adam").fit(small_ratings())


# -- implicit feedback ------------------------------------------------------------------------

def test_confidence_step_solves_the_weighted_least_squares():
    rng = np.random.default_rng(0)
    R = sp.random(5, 8, density=0.4, format="csr", random_state=2)
    R.data = np.ceil(R.data * 3)
    Y = rng.normal(size=(8, 3))
    alpha, reg = 2.0, 0.5
    C = R.copy()
    C.data *= alpha
    X = confidence_step(C, Y, np.zeros((5, 3)), reg, cg_steps=10)
    for u in range(5):
        c = 1 + alpha * R[u].toarray().ravel()
        p = (R[u].toarray().ravel() > 0).astype(float)
        expected = np.linalg.solve(Y.T @ (c[:, None] * Y) + reg * np.eye(3), Y.T @ (c * p))
        np.testing.assert_allclose(X[u], expected, atol=1e-8)


def test_implicit_als_recommends_the_co_consumed_item():
    X = sp.csr_matrix(np.array([[1, 1, 0, 0], [1, 1, 1, 0], [0, 0, 1, 1], [0, 0, 1, 1.]]))
    model = ImplicitALS(n_factors=2, alpha=10, reg=0.1, n_epochs=20).fit(X)
    assert model.recommend(0, k=1).tolist() == [2]
    assert model.recommend(0, k=2).tolist() == [2, 3]
    # items 0 and 1 were always taken together: same factors, same scores for everyone
    np.testing.assert_allclose(model.item_factors_[0], model.item_factors_[1], atol=1e-6)


def test_bpr_with_batch_size_one_is_the_textbook_update():
    X = sp.csr_matrix(np.array([[1, 1, 0, 0], [0, 1, 1, 0], [0, 0, 1, 1.]]))
    model = BPR(n_factors=2, n_epochs=2, lr=0.1, reg=0.01, batch_size=1, seed=5).fit(X)
    rng = np.random.default_rng(5)
    P, Q = rng.normal(0, 0.1, (3, 2)), rng.normal(0, 0.1, (4, 2))
    b = np.zeros(4)
    rows, cols = np.repeat(np.arange(3), np.diff(X.indptr)), X.indices
    for _ in range(2):
        picks, negatives = rng.integers(0, X.nnz, X.nnz), rng.integers(0, 4, X.nnz)
        for n, j in zip(picks, negatives, strict=True):
            u, i = rows[n], cols[n]
            x = P[u] @ (Q[i] - Q[j]) + b[i] - b[j]
            e = 1 / (1 + np.exp(x))
            pu, qi, qj = P[u].copy(), Q[i].copy(), Q[j].copy()
            P[u] += 0.1 * (e * (qi - qj) - 0.01 * pu)
            Q[i] += 0.1 * (e * pu - 0.01 * qi)
            Q[j] += 0.1 * (-e * pu - 0.01 * qj)
            bi, bj = b[i], b[j]
            b[i] += 0.1 * (e - 0.01 * bi)
            b[j] += 0.1 * (-e - 0.01 * bj)
    np.testing.assert_allclose(model.user_factors_, P)
    np.testing.assert_allclose(model.item_factors_, Q)
    np.testing.assert_allclose(model.item_bias_, b)


def test_bpr_learns_the_co_consumed_item():
    X = sp.csr_matrix(np.array([[1, 1, 0, 0], [1, 1, 1, 0], [0, 0, 1, 1], [0, 0, 1, 1.]] * 5))
    model = BPR(n_factors=4, n_epochs=200, lr=0.05, reg=0.01, seed=0).fit(X)
    assert model.recommend(0, k=1).tolist() == [2]      # like user 1, who also took item 2
    assert model.recommend(2, k=1).tolist() in ([0], [1])


# -- EASE -------------------------------------------------------------------------------------

def test_ease_weights_are_the_constrained_ridge_regression():
    rng = np.random.default_rng(0)
    X = sp.csr_matrix((rng.random((12, 5)) < 0.5).astype(float))
    B = ease_weights(X, reg=2.0)
    D = X.toarray()
    for j in range(5):
        others = [c for c in range(5) if c != j]
        A = D[:, others]
        w = np.linalg.solve(A.T @ A + 2.0 * np.eye(4), A.T @ D[:, j])
        np.testing.assert_allclose(B[others, j], w, atol=1e-10)
        assert B[j, j] == 0.0
    with pytest.raises(ValueError, match="reg must be positive"):
        ease_weights(X, 0)
