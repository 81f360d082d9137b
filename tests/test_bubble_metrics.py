"""Bubble metrics on small cases whose answers are known by hand."""

import doctest

import numpy as np
import pytest
import scipy.sparse as sp

from course import bubble_metrics as bm


def test_gini_known_values():
    assert bm.gini(np.ones(5)) == 0.0
    assert bm.gini(np.array([0, 0, 0, 4])) == pytest.approx(0.75)          # (n - 1) / n
    # mean absolute difference / (2 * mean): pairs of [1, 3]: |1-3| * 2 / 4 / (2 * 2) = 0.25
    assert bm.gini(np.array([1, 3])) == pytest.approx(0.25)
    assert bm.gini(np.array([3, 0, 1, 0])) == pytest.approx(0.625)        # order does not matter
    assert bm.gini(np.zeros(3)) == 0.0


def test_gini_matches_the_mean_absolute_difference_definition():
    x = np.random.default_rng(0).exponential(size=50)
    mad = np.abs(x[:, None] - x[None, :]).mean()
    assert bm.gini(x) == pytest.approx(mad / (2 * x.mean()), rel=1e-12)


def test_gini_rejects_negative_values():
    with pytest.raises(ValueError, match="non-negative"):
        bm.gini(np.array([1.0, -1.0]))
    with pytest.raises(ValueError, match="at least one"):
        bm.gini(np.array([]))


def test_normalized_entropy():
    h = bm.normalized_entropy(np.array([[1, 1, 1, 1], [7, 0, 0, 0], [1, 1, 0, 0], [0, 0, 0, 0]]))
    assert h[:3] == pytest.approx([1.0, 0.0, 0.5])                        # log 2 / log 4
    assert np.isnan(h[3])
    with pytest.raises(ValueError, match="two"):
        bm.normalized_entropy(np.array([[3]]))


def test_jaccard_sets_and_pairs():
    assert bm.jaccard({1, 2, 3}, {2, 3, 4}) == 0.5
    assert bm.jaccard([], []) == 0.0
    X = sp.csr_matrix(np.array([[1, 1, 0, 0], [0, 1, 1, 0], [1, 1, 0, 0], [0, 0, 0, 0]]))
    got = bm.pair_jaccard(X, np.array([0, 0, 1, 3]), np.array([1, 2, 2, 3]))
    assert got == pytest.approx([1 / 3, 1.0, 1 / 3, 0.0])
    # dense input and counts > 1 give the same answer
    assert bm.pair_jaccard(3 * X.toarray(), np.array([0]), np.array([1])) == pytest.approx([1 / 3])


def test_similar_user_pairs_finds_the_nearest_other_user():
    tastes = np.array([[1, 0, 0], [0.95, 0.05, 0], [0, 1, 0], [0, 0.9, 0.1], [0, 0, 1.0]])
    first, second = bm.similar_user_pairs(tastes, block=2)
    assert first.tolist() == [0, 1, 2, 3, 4]
    assert second.tolist()[:4] == [1, 0, 3, 2]
    assert second[4] == 3                                                  # never itself
    first, second = bm.similar_user_pairs(tastes, n_pairs=2, seed=1)
    assert first.size == 2 and np.all(first != second)


def test_polarization_measures():
    slant = np.array([-0.6, -0.4, 0.4, 0.6, np.nan])
    group = np.array([0, 0, 1, 1, 1])
    assert bm.group_distance(slant, group) == pytest.approx(1.0)
    assert bm.slant_spread(slant) == pytest.approx(np.std([-0.6, -0.4, 0.4, 0.6]))
    assert np.isnan(bm.group_distance(slant, np.ones(5)))
    with pytest.raises(ValueError, match="one entry per user"):
        bm.group_distance(slant, group[:3])


def test_doctests():
    assert doctest.testmod(bm).failed == 0


def test_notebook_05_checkers_accept_the_reference_and_catch_mistakes():
    from course import checks

    def check(name, value):
        return checks.status(name, {name: value}, notebook="05-filter-bubbles")[0]

    assert check("topic_diversity", bm.normalized_entropy) == checks.RIGHT
    assert check("jaccard", bm.jaccard) == checks.RIGHT
    assert check("gini", bm.gini) == checks.RIGHT
    unsorted = lambda x: float(np.sum((2 * np.arange(1, len(x) + 1) - len(x) - 1)  # noqa: E731
                                      * np.asarray(x, float)) / (len(x) * max(np.sum(x), 1)))
    assert check("gini", unsorted) == checks.WRONG
    assert check("jaccard", lambda a, b: len(set(a) & set(b)) / max(len(set(a)), 1)) == \
        checks.WRONG
    unnormalized = lambda c: bm.normalized_entropy(c) * np.log(np.shape(c)[1])  # noqa: E731
    assert check("topic_diversity", unnormalized) == checks.WRONG
