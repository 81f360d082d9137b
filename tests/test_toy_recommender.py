"""The toy recommender: popularity re-ranking by hand, and the widget in a batch run."""

import numpy as np
import pandas as pd
import pytest

from course import data
from course.popularity import Popularity
from course.toy_recommender import (
    ALGORITHMS,
    YOU,
    PopularityPenalty,
    ToyRecommender,
    make_model,
    penalise_popularity,
)


def test_penalty_zero_keeps_the_scores():
    scores = np.array([[3.0, 1.0, 2.0]])
    assert penalise_popularity(scores, np.array([1.0, 5.0, 9.0]), 0.0) is scores


def test_penalty_by_hand():
    scores = np.array([[2.0, 0.0]])
    pop = np.array([np.e - 1, 0.0])               # log1p: 1 and 0
    # z-scores: scores (1, -1), log-popularity (1, -1); penalty 3: (1 - 3, -1 + 3)
    np.testing.assert_allclose(penalise_popularity(scores, pop, 3.0), [[-2.0, 2.0]])


def test_popularity_penalty_wrapper_reorders_a_fitted_model():
    df = pd.DataFrame({"user": [1, 2, 3, 1, 4], "item": [10, 10, 10, 20, 30], "rating": 5})
    base = Popularity().fit(df)
    assert PopularityPenalty(base, 0.0).recommend(4, k=2).tolist() == [10, 20]
    # popularity minus popularity: everything ties, except that seen items stay excluded
    assert set(PopularityPenalty(base, 1.0).recommend(4, k=2).tolist()) == {10, 20}


def test_make_model_knows_every_algorithm():
    for name in ALGORITHMS:
        assert make_model(name, genres=pd.DataFrame()) is not None
    with pytest.raises(ValueError, match="unknown algorithm"):
        make_model("deep learning")


@pytest.fixture(scope="module")
def toy():
    try:
        return ToyRecommender(data.load_ratings(), data.load_movies(), seed=0)
    except data.MissingDataError as err:        # pragma: no cover - data is fetched by ./run
        pytest.skip(str(err))


def test_recommend_gives_a_titled_table_and_metrics(toy):
    table, report = toy.recommend(1, "EASE")
    assert len(table) == 10
    assert set(table.columns) >= {"title", "genres", "ratings in training", "held-out hit"}
    seen = set(toy.train.loc[toy.train["user"] == 1, "item"])
    shown = set(toy.movies.reset_index().set_index("title").loc[table["title"], "item"])
    assert not shown & seen
    hits = (table["held-out hit"] == "✔").sum()
    assert report["this user: precision@10"] == pytest.approx(hits / 10)
    assert 0.4 < report["all users: NDCG@10"] < 0.6


def test_penalty_lowers_popularity_and_raises_coverage(toy):
    _, plain = toy.recommend(1, "Popularity")
    _, penalised = toy.recommend(1, "Popularity", popularity_penalty=2.0)
    assert penalised["all users: mean popularity"] < plain["all users: mean popularity"]
    # plain popularity gives everyone nearly the same list; the penalised one is no better
    assert plain["all users: catalogue coverage"] < 0.05


def test_rating_films_yourself(toy):
    with pytest.raises(ValueError, match="rate at least one film"):
        toy.recommend(YOU, "EASE", my_ratings={})
    item = int(toy.rate_items[0])
    table, report = toy.recommend(YOU, "Item-item kNN", my_ratings={item: 5})
    assert len(table) == 10 and "this user: NDCG@10" not in report
    assert toy.movies.loc[item, "title"] not in set(table["title"])


def _handlers(widget):
    return [h for hs in widget._trait_notifiers.get("value", {}).values() for h in hs
            if getattr(h, "__name__", "") in ("refresh", "new_algorithm")]


def test_widget_renders_without_waiting_in_a_batch_run(toy, monkeypatch):
    monkeypatch.setenv("COURSE_BATCH_RUN", "1")
    toy._models.clear()
    box = toy.widget(user=1, algorithm="Popularity")
    controls, _ = box.children
    assert any(key[0] == "Popularity" for key in toy._models)      # first view computed
    algorithm = controls.children[2]
    assert algorithm.description == "algorithm" and not _handlers(algorithm)
    monkeypatch.delenv("COURSE_BATCH_RUN")
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    live = toy.widget(user=1, algorithm="Popularity").children[0].children[2]
    assert _handlers(live)                                           # interactive: it listens
