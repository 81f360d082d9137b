"""course.metrics against examples computed by hand (the arithmetic is in the comments)."""

import math

import numpy as np
import pandas as pd
import pytest

from course import metrics
from course.popularity import Popularity

# one user: list [10, 20, 30, 40, 50], relevant {20, 50, 60}: hits at ranks 2 and 5
REC = [10, 20, 30, 40, 50]
REL = {20, 50, 60}


def test_rmse_and_mae_by_hand():
    # errors 0.5, 0, 1
    assert metrics.mae([3, 4, 5], [2.5, 4, 6]) == pytest.approx(0.5)
    assert metrics.rmse([3, 4, 5], [2.5, 4, 6]) == pytest.approx(math.sqrt(1.25 / 3))
    assert metrics.rmse([1, 2], [1, 2]) == 0.0


def test_rating_metrics_reject_mismatched_input():
    with pytest.raises(ValueError, match="predict one rating"):
        metrics.rmse([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="empty"):
        metrics.mae([], [])


def test_ranking_metrics_one_user_by_hand():
    assert metrics.precision_at_k(REC, REL, k=5) == pytest.approx(2 / 5)
    assert metrics.recall_at_k(REC, REL, k=5) == pytest.approx(2 / 3)
    dcg = 1 / math.log2(3) + 1 / math.log2(6)
    idcg = 1 + 1 / math.log2(3) + 1 / math.log2(4)
    assert metrics.ndcg_at_k(REC, REL, k=5) == pytest.approx(dcg / idcg)      # 0.4776
    assert metrics.ndcg_at_k(REC, REL, k=5) == pytest.approx(0.47762, abs=1e-5)
    # AP: precision at the hits (1/2 and 2/5) over min(3 relevant, 5)
    assert metrics.map_at_k(REC, REL, k=5) == pytest.approx((1 / 2 + 2 / 5) / 3)
    assert metrics.hit_rate_at_k(REC, REL, k=5) == 1.0


def test_ranking_metrics_truncate_at_k():
    assert metrics.precision_at_k(REC, REL, k=2) == pytest.approx(0.5)
    assert metrics.recall_at_k(REC, REL, k=2) == pytest.approx(1 / 3)
    # DCG 1/log2(3); ideal with min(3, 2) = 2 relevant: 1 + 1/log2(3)
    assert metrics.ndcg_at_k(REC, REL, k=2) == pytest.approx(
        (1 / math.log2(3)) / (1 + 1 / math.log2(3)))
    assert metrics.map_at_k(REC, REL, k=2) == pytest.approx(0.5 / 2)
    assert metrics.hit_rate_at_k(REC, REL, k=1) == 0.0


def test_perfect_and_worst_lists():
    assert metrics.ndcg_at_k([1, 2, 3], {1, 2, 3}) == pytest.approx(1.0)
    assert metrics.map_at_k([1, 2, 3], {1, 2, 3}) == pytest.approx(1.0)
    assert metrics.ndcg_at_k([4, 5, 6], {1, 2, 3}) == 0.0
    # a relevant item moved down loses gain
    assert metrics.ndcg_at_k([9, 1], {1}) < metrics.ndcg_at_k([1, 9], {1})


def test_many_users_average_the_per_user_values():
    recs = np.array([REC, [60, 70, 80, 90, 100]])
    rel = [REL, {60, 61}]
    for fn in (metrics.precision_at_k, metrics.recall_at_k, metrics.ndcg_at_k,
               metrics.map_at_k, metrics.hit_rate_at_k):
        each = [fn(recs[0], rel[0], 5), fn(recs[1], rel[1], 5)]
        assert fn(recs, rel, 5) == pytest.approx(np.mean(each)), fn.__name__
    # the second user: one hit at rank 1 of two relevant -> AP = 1/2, NDCG = 1/(1+1/log2 3)
    assert metrics.average_precision_at_k(recs, rel, 5)[1] == pytest.approx(0.5)


def test_users_without_relevant_items_score_zero():
    assert metrics.recall_at_k([1, 2], []) == 0.0
    assert metrics.ndcg_at_k([1, 2], []) == 0.0
    assert metrics.map_at_k([1, 2], []) == 0.0


def test_relevance_checks_its_input():
    with pytest.raises(ValueError, match="one collection of relevant items per list"):
        metrics.precision_at_k([[1, 2], [3, 4]], {1})
    with pytest.raises(ValueError, match="k must be at least 1"):
        metrics.precision_at_k([1, 2], {1}, k=0)


def test_beyond_accuracy_by_hand():
    recs = [[1, 2], [2, 3]]
    assert metrics.catalogue_coverage(recs, 10) == pytest.approx(0.3)
    assert metrics.catalogue_coverage(recs, [1, 2, 3, 4]) == pytest.approx(0.75)
    pop = pd.Series({1: 80, 2: 40, 3: 10})
    assert metrics.average_popularity(recs, pop) == pytest.approx((80 + 40 + 40 + 10) / 4)
    # -log2(80/160) = 1, -log2(40/160) = 2, -log2(10/160) = 4
    assert metrics.novelty(recs, pop, n_users=160) == pytest.approx((1 + 2 + 2 + 4) / 4)
    feats = pd.DataFrame({"a": [1, 1, 0], "b": [0, 1, 1]}, index=[1, 2, 3])
    # cos(1,2) = 1/sqrt2, cos(2,3) = 1/sqrt2 -> distance 1 - 0.7071 in both lists
    assert metrics.intra_list_diversity(recs, feats) == pytest.approx(1 - 1 / math.sqrt(2))
    with pytest.raises(TypeError, match="Series indexed by item id"):
        metrics.average_popularity(recs, {1: 3})


def test_evaluate_ranking_on_a_tiny_case():
    train = pd.DataFrame({"user": [1, 2, 3, 3, 4], "item": [10, 10, 10, 30, 20],
                          "rating": 5})
    test = pd.DataFrame({"user": [1, 2], "item": [30, 40], "rating": 5})
    model = Popularity().fit(train)
    # popularity: 10 (3 users), then 20 and 30 (1 each; a tie goes to the lower index, 20)
    # users 1 and 2 have seen 10 -> both get [20, 30]; item 40 is unknown to the model
    report = metrics.evaluate_ranking(model, test, k=2)
    assert report["hit_rate@2"] == pytest.approx(0.5)
    assert report["precision@2"] == pytest.approx((1 / 2 + 0) / 2)
    assert report["ndcg@2"] == pytest.approx((1 / np.log2(3)) / 1 / 2)
    assert report["coverage"] == pytest.approx(2 / 3)
    assert report["avg_popularity"] == pytest.approx(1.0)


def test_evaluate_ratings_matches_rmse():
    class Const:
        def predict(self, users, items):
            return np.full(len(users), 4.0)

    test = pd.DataFrame({"user": [1, 2], "item": [1, 1], "rating": [5, 3]})
    assert metrics.evaluate_ratings(Const(), test) == {"rmse": 1.0, "mae": 1.0}
