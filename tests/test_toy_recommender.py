"""The toy recommender: popularity re-ranking by hand, and the widget in a batch run."""

import numpy as np
import pandas as pd
import pytest

from course import data, metrics
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


def test_overall_metrics_equal_the_course_evaluation(toy):
    """The cached, re-ranked score matrices give what metrics.evaluate_ranking gives."""
    for algorithm, penalty in [("EASE", 0.0), ("Popularity", 1.5)]:
        got = toy.overall(algorithm, popularity_penalty=penalty)
        model = PopularityPenalty(toy.model(algorithm), penalty)
        want = metrics.evaluate_ranking(model, toy.test, k=10)
        assert got["all users: NDCG@10"] == pytest.approx(want["ndcg@10"], abs=1e-12)
        assert got["all users: catalogue coverage"] == pytest.approx(want["coverage"])


def test_widget_renders_its_first_view_in_a_batch_run(toy, monkeypatch):
    monkeypatch.setenv("COURSE_BATCH_RUN", "1")
    box = toy.widget(user=1, algorithm="Popularity")
    assert "course-toy-recommender" in box._dom_classes
    assert toy._ui["table"].value.count("row_heading") == 10   # the top 10
    assert "all users: NDCG@10" in toy._ui["metrics"].value
    toy._ui["controls"]["popularity_penalty"].value = 2.0       # batch: updates at once
    assert toy._ui["metrics"].value.count("<tr") == 8


def test_widget_updates_in_the_background_latest_setting_first(toy, monkeypatch):
    monkeypatch.delenv("COURSE_BATCH_RUN", raising=False)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    toy.widget(user=1, algorithm="Popularity")
    ui = toy._ui
    assert ui["worker"].wait(60) and ui["busy"].text == ""
    first = ui["table"].value
    before = len(toy.timings["list"])
    for value in (0.5, 1.0, 1.5, 2.0, 2.5):                      # five quick key presses
        ui["controls"]["popularity_penalty"].value = value
    assert ui["worker"].wait(60)
    assert len(toy.timings["list"]) - before <= 2, "a burst of changes is not queued"
    assert ui["table"].value != first
    want, _ = toy.top_list(1, "Popularity", popularity_penalty=2.5)
    assert want["title"].iloc[0] in ui["table"].value           # the last setting won
    ui["controls"]["user"].value = YOU
    assert ui["worker"].wait(60) and "rate at least one film" in ui["table"].value
    next(iter(ui["stars"].values())).value = 5
    assert ui["worker"].wait(60) and ui["table"].value.count("row_heading") == 10


def test_busy_sign_shows_while_working_and_reports_errors(monkeypatch):
    import threading

    from course.widgets import BusySign, Worker

    gate, started = threading.Event(), threading.Event()
    sign = BusySign()
    seen = []

    def slow(request):
        seen.append(request)
        started.set()
        gate.wait(10)
        if request == "bad":
            raise RuntimeError("no data")

    worker = Worker(slow, sign, "thinking", batch=False)
    worker.submit("a")
    assert sign.text == "thinking..." and 'class="course-busy on"' in sign.widget.value
    assert started.wait(10)
    worker.submit("b")
    worker.submit("bad")
    gate.set()
    assert worker.wait(10)
    assert seen == ["a", "bad"], "only the latest waiting request runs"
    assert sign.text == "Could not update the view: RuntimeError: no data"
