"""The self-checks of notebook 02 accept right answers and explain typical wrong ones."""

import math

import numpy as np
import pytest

from course import checks

NB = "02-recommendation-basics"


def status(name, value):
    return checks.status(name, {name: value}, notebook=NB)


def right_ndcg(rec, rel, k):
    dcg = sum(1 / math.log2(r + 1) for r, i in enumerate(rec[:k], start=1) if i in rel)
    ideal = sum(1 / math.log2(r + 1) for r in range(1, min(k, len(rel)) + 1))
    return dcg / ideal if ideal else 0.0


def right_damped(ratings, damping):
    g = ratings.groupby("item")["rating"]
    return (g.sum() + damping * ratings["rating"].mean()) / (g.count() + damping)


def right_cosine(a, b):
    n = np.linalg.norm(a) * np.linalg.norm(b)
    return float(a @ b / n) if n else 0.0


@pytest.mark.parametrize("name, value", [
    ("sparsity", 1 - 100_000 / (943 * 1682)),
    ("damped_mean_scores", right_damped),
    ("cosine", right_cosine),
    ("precision_at_k", lambda rec, rel, k: sum(i in rel for i in rec[:k]) / k),
    ("ndcg_at_k", right_ndcg),
])
def test_right_answers_pass(name, value):
    assert status(name, value) == ("right", "right.")


@pytest.mark.parametrize("name, value, message", [
    ("sparsity", 100_000 / (943 * 1682), "density"),
    ("sparsity", 93.7, "percentage"),
    ("damped_mean_scores", lambda r, d: right_damped(r, d).to_numpy(), "pandas Series"),
    ("damped_mean_scores",
     lambda r, d: (r.groupby("item")["rating"].sum()
                   + d * r.groupby("item")["rating"].mean().mean())
     / (r.groupby("item").size() + d), "mean of item means"),
    ("cosine", lambda a, b: float(a @ b), "dot product"),
    ("cosine", lambda a, b: float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b))), "zeros"),
    ("precision_at_k", lambda rec, rel, k: len(set(rec[:k]) & rel) / len(rel), "recall"),
    ("ndcg_at_k", lambda rec, rel, k: sum(1 / math.log2(r + 1) for r, i in
                                          enumerate(rec[:k], start=1) if i in rel), "DCG"),
    ("ndcg_at_k", lambda rec, rel, k: sum(1 / math.log2(r + 1) for r, i in
                                          enumerate(rec[:k], start=1) if i in rel)
     / sum(1 / math.log2(r + 1) for r in range(1, k + 1)), "min(k"),
])
@pytest.mark.filterwarnings("ignore:invalid value encountered")   # the wrong cosine divides 0/0
def test_wrong_answers_get_a_helpful_message(name, value, message):
    state, text = status(name, value)
    assert state == "wrong" and message in text


def test_unfinished_exercise_is_not_attempted():
    def unfinished(*args):
        raise NotImplementedError()

    assert status("ndcg_at_k", unfinished)[0] == "not attempted"
    assert status("damped_mean_scores", unfinished)[0] == "not attempted"
