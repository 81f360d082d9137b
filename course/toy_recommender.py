"""The toy recommender: pick a user (or rate a few films yourself), an algorithm and its knobs,
and see the top-10 and its metrics change.

Everything runs on MovieLens 100K split per user 75/25: the models learn from the 75%, the
user's held-out 25% tells whether the list found films they really watched. A *popularity
penalty* re-ranks any list: scores and log-popularity are standardised per user and
``penalty x popularity`` is subtracted, so 0 keeps the model's ranking and larger values push
the blockbusters down.

The widget works in JupyterLab and as a Voila app. It recomputes on a background thread, the
latest setting first, and shows a busy sign during any wait over a third of a second: the new
list comes first (one user: well under a second), the metrics over all users follow (fitted
models and their score matrices are cached, so changing the popularity penalty or going back to
a setting is instant). Under papermill or nbgrader (:func:`course.widgets.is_batch_run`) it
shows its first view and never waits for input.

Example
-------
>>> from course.data import load_movies, load_ratings       # doctest: +SKIP
>>> toy = ToyRecommender(load_ratings(), load_movies())       # doctest: +SKIP
>>> table, report = toy.recommend(user=1, algorithm="EASE")   # doctest: +SKIP
>>> toy.show()                                                # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from course import metrics
from course.baseline import Baseline
from course.content import ContentBased
from course.data import genre_matrix
from course.ease import EASE
from course.implicit import ImplicitALS
from course.knn import ItemKNN, UserKNN
from course.mf import MatrixFactorization
from course.popularity import DampedMean, Popularity
from course.recommender import Recommender, top_k
from course.splits import stratified_split
from course.widgets import BusySign, Worker, is_batch_run, show

#: algorithm name -> (factory(neighbours, factors, reg, genres), default regularisation, the
#: knobs it uses). ``reg`` is each algorithm's main penalty (damping, shrinkage, L2...).
ALGORITHMS: dict[str, tuple[Callable[..., Recommender], float, tuple[str, ...]]] = {
    "Popularity": (lambda n, f, reg, g: Popularity(), 0.0, ()),
    "Damped mean": (lambda n, f, reg, g: DampedMean(damping=reg), 5.0, ("reg",)),
    "Content (genres)": (lambda n, f, reg, g: ContentBased(g), 0.0, ()),
    "User-user kNN": (lambda n, f, reg, g: UserKNN(n_neighbors=n, shrinkage=reg), 10.0,
                      ("neighbours", "reg")),
    "Item-item kNN": (lambda n, f, reg, g: ItemKNN(n_neighbors=n, shrinkage=reg), 10.0,
                      ("neighbours", "reg")),
    "Baseline (biases)": (lambda n, f, reg, g: Baseline(reg_user=reg, reg_item=reg), 10.0,
                          ("reg",)),
    "MF (ALS)": (lambda n, f, reg, g: MatrixFactorization(
        n_factors=f, n_epochs=10, solver="als", reg=reg, reg_bias=0.4 * reg, reg_power=0.5),
        1.2, ("factors", "reg")),
    "Implicit ALS": (lambda n, f, reg, g: ImplicitALS(n_factors=f, reg=reg), 30.0,
                     ("factors", "reg")),
    "EASE": (lambda n, f, reg, g: EASE(reg=reg), 500.0, ("reg",)),
}

YOU = "You (rate films below)"

#: The regularisation slider's positions: a log scale (4 per decade) plus every default above.
REG_VALUES: list[float] = sorted({round(float(10 ** e), 6) for e in np.arange(-2, 3.51, 0.25)}
                                 | {d for _, d, _ in ALGORITHMS.values() if d})


def _nice(value: float) -> str:
    """A slider label: ``0.018``, ``1.2``, ``500``, ``3,162``."""
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.2g}" if value < 1 else f"{value:.3g}"


def make_model(algorithm: str, neighbours: int = 40, factors: int = 32,
               reg: float | None = None, genres: pd.DataFrame | None = None) -> Recommender:
    """An unfitted model of ``algorithm`` (a key of :data:`ALGORITHMS`) with the given knobs."""
    if algorithm not in ALGORITHMS:
        raise ValueError(f"unknown algorithm {algorithm!r}; choose one of {list(ALGORITHMS)}")
    factory, default_reg, _ = ALGORITHMS[algorithm]
    return factory(int(neighbours), int(factors), default_reg if reg is None else reg, genres)


def _standardise(a: np.ndarray) -> np.ndarray:
    a = np.where(np.isfinite(a), a, np.nan)
    sd = np.nanstd(a, axis=-1, keepdims=True)
    z = (a - np.nanmean(a, axis=-1, keepdims=True)) / np.where(sd > 0, sd, 1.0)
    return np.nan_to_num(z, nan=0.0)


def penalise_popularity(scores: np.ndarray, popularity: np.ndarray,
                        penalty: float) -> np.ndarray:
    """Scores re-ranked against popularity: ``z(scores) - penalty * z(log(1 + popularity))``,
    z-scores taken along the last axis. ``penalty=0`` returns the scores unchanged.

    >>> penalise_popularity(np.array([[2.0, 1.0]]), np.array([100.0, 1.0]), 2.0).argmax()
    np.int64(1)
    """
    if penalty == 0:
        return scores
    return _standardise(scores) - penalty * _standardise(np.log1p(popularity))


class PopularityPenalty(Recommender):
    """A fitted model whose scores are re-ranked by :func:`penalise_popularity`."""

    def __init__(self, model: Recommender, penalty: float = 0.0) -> None:
        self.model = model
        self.penalty = penalty
        for name in ("X_", "user_ids_", "item_ids_", "n_users_", "n_items_"):
            setattr(self, name, getattr(model, name))
        self.popularity_ = np.bincount(model.X_.indices, minlength=model.n_items_)

    def score(self, users: Any) -> np.ndarray:
        return penalise_popularity(self.model.score(users), self.popularity_, self.penalty)


class ToyRecommender:
    """Fit, compare and tweak the course's recommenders on MovieLens 100K.

    ``ratings`` and ``movies`` come from :mod:`course.data`. Fitted models, their scores for
    every user and the metrics over all users are cached by their knobs, so going back to a
    setting is instant.
    """

    #: How many fitted models (and score matrices, 943 x 1682 floats each) to keep.
    CACHE = 12

    def __init__(self, ratings: pd.DataFrame, movies: pd.DataFrame, k: int = 10,
                 test_size: float = 0.25, seed: int = 0, n_rate: int = 12) -> None:
        self.k = k
        self.movies = movies.set_index("item")
        self.genres = genre_matrix(movies)
        self.train, self.test = stratified_split(ratings, test_size, seed=seed)
        self.popularity = self.train["item"].value_counts()
        self.rate_items = self.popularity.index[:n_rate].to_numpy()
        self.you = int(ratings["user"].max()) + 1
        self._models: dict[tuple, Recommender] = {}
        self._scores: dict[tuple, np.ndarray] = {}
        self._reports: dict[tuple, dict[str, float]] = {}
        self._ui: dict[str, Any] | None = None
        self.timings: dict[str, list[float]] = {"list": [], "all users": []}

    @staticmethod
    def _remember(cache: dict, key: tuple, value: Any, size: int) -> Any:
        cache[key] = value
        while len(cache) > size:
            cache.pop(next(iter(cache)))
        return value

    # -- computing ------------------------------------------------------------------------------
    def model(self, algorithm: str, neighbours: int = 40, factors: int = 32,
              reg: float | None = None, my_ratings: dict[int, int] | None = None) -> Recommender:
        """The fitted model for these knobs (from the cache when possible)."""
        mine = tuple(sorted((my_ratings or {}).items()))
        key = (algorithm, int(neighbours), int(factors), reg, mine)
        if key not in self._models:
            train = self.train
            if mine:
                extra = pd.DataFrame({"user": self.you, "item": [i for i, _ in mine],
                                      "rating": [r for _, r in mine]})
                train = pd.concat([train[["user", "item", "rating"]], extra],
                                  ignore_index=True)
            fitted = make_model(algorithm, neighbours, factors, reg, self.genres).fit(train)
            self._remember(self._models, key, fitted, self.CACHE)
        return self._models[key]

    def all_scores(self, algorithm: str, neighbours: int = 40, factors: int = 32,
                   reg: float | None = None) -> np.ndarray:
        """Every training user's scores for every item (rows and columns as in the model),
        cached: the popularity penalty re-ranks them without scoring again."""
        key = (algorithm, int(neighbours), int(factors), reg)
        if key not in self._scores:
            fitted = self.model(algorithm, neighbours, factors, reg)
            scores = np.asarray(fitted.score(np.arange(fitted.n_users_)), dtype=float)
            self._remember(self._scores, key, scores, self.CACHE)
        return self._scores[key]

    def _top_k(self, model: Recommender, rows: np.ndarray, scores: np.ndarray,
               penalty: float) -> np.ndarray:
        """Item ids of the top-k of ``rows`` from their raw ``scores``: popularity penalty
        first, then the items each user has seen are left out."""
        ranked = np.array(penalise_popularity(scores, np.bincount(
            model.X_.indices, minlength=model.n_items_), penalty), dtype=float)
        seen = model.X_[rows]
        ranked[np.repeat(np.arange(len(rows)), np.diff(seen.indptr)), seen.indices] = -np.inf
        return model.item_ids_[top_k(ranked, self.k)]

    def top_list(self, user: int | str = 1, algorithm: str = "Popularity",
                 neighbours: int = 40, factors: int = 32, reg: float | None = None,
                 popularity_penalty: float = 0.0,
                 my_ratings: dict[int, int] | None = None) -> tuple[pd.DataFrame,
                                                                    dict[str, float]]:
        """The top-k of ``user`` (an id, or :data:`YOU` with ``my_ratings`` {item: 1-5}) as a
        table of titles, genres and popularity, and the metrics of this list and this user (no
        metrics over all users: :meth:`overall`)."""
        mine = {int(i): int(r) for i, r in (my_ratings or {}).items() if r}
        if user == YOU:
            if not mine:
                raise ValueError("rate at least one film (1-5 stars) to get recommendations")
            user = self.you
        model = self.model(algorithm, neighbours, factors, reg,
                           mine if user == self.you else None)
        row = model._user_rows([user])
        key = (algorithm, int(neighbours), int(factors), reg)
        if user != self.you and key in self._scores:
            scores = self._scores[key][row]
        else:
            scores = np.asarray(model.score(row), dtype=float)
        items = self._top_k(model, row, scores, popularity_penalty)[0]
        held_out = set(self.test.loc[self.test["user"] == user, "item"])
        table = pd.DataFrame({
            "title": self.movies["title"].reindex(items).to_numpy(),
            "year": self.movies["year"].reindex(items).to_numpy(),
            "genres": [", ".join(g) for g in self.movies["genres"].reindex(items)],
            "ratings in training": self.popularity.reindex(items).fillna(0).astype(int)
            .to_numpy(),
            "held-out hit": ["✔" if i in held_out else "" for i in items],
        }, index=pd.Index(np.arange(1, len(items) + 1), name="rank"))
        report = {
            "this list: mean popularity": metrics.average_popularity([items], self.popularity),
            "this list: novelty (bits)": metrics.novelty([items], self.popularity,
                                                         self.train["user"].nunique()),
            "this list: genre diversity": metrics.intra_list_diversity([items], self.genres),
        }
        if held_out:
            report[f"this user: precision@{self.k}"] = metrics.precision_at_k(
                items, held_out, self.k)
            report[f"this user: NDCG@{self.k}"] = metrics.ndcg_at_k(items, held_out, self.k)
        return table, report

    def recommend(self, user: int | str = 1, algorithm: str = "Popularity",
                  neighbours: int = 40, factors: int = 32, reg: float | None = None,
                  popularity_penalty: float = 0.0,
                  my_ratings: dict[int, int] | None = None) -> tuple[pd.DataFrame,
                                                                     dict[str, float]]:
        """:meth:`top_list` with the metrics over all users (:meth:`overall`) added."""
        table, report = self.top_list(user, algorithm, neighbours, factors, reg,
                                      popularity_penalty, my_ratings)
        report.update(self.overall(algorithm, neighbours, factors, reg, popularity_penalty))
        return table, report

    def overall(self, algorithm: str, neighbours: int = 40, factors: int = 32,
                reg: float | None = None, popularity_penalty: float = 0.0) -> dict[str, float]:
        """NDCG@k, catalogue coverage and mean popularity of the top-k of every test user
        (cached)."""
        key = (algorithm, int(neighbours), int(factors), reg, popularity_penalty)
        if key not in self._reports:
            model = self.model(algorithm, neighbours, factors, reg)
            scores = self.all_scores(algorithm, neighbours, factors, reg)
            users, relevant = metrics.relevant_items(self.test)
            rows = model.user_index(users)
            known = rows >= 0
            rows = rows[known]
            relevant = [r for r, keep in zip(relevant, known, strict=True) if keep]
            recs = self._top_k(model, rows, scores[rows], popularity_penalty)
            self._remember(self._reports, key, {
                f"all users: NDCG@{self.k}": metrics.ndcg_at_k(recs, relevant),
                "all users: catalogue coverage": metrics.catalogue_coverage(recs,
                                                                            model.n_items_),
                "all users: mean popularity": metrics.average_popularity(recs,
                                                                         self.popularity),
            }, 64)
        return self._reports[key]

    # -- the widget -------------------------------------------------------------------------------
    @staticmethod
    def _table_html(table: pd.DataFrame) -> str:
        text = ["title", "genres", "held-out hit"]
        styled = (table.style.set_properties(subset=text, **{"text-align": "left"})
                  .set_table_styles([{"selector": "th", "props": [("text-align", "left")]},
                                     {"selector": "td, th", "props": [("padding", "3px 10px")]}])
                  .set_table_attributes('class="course-toy-table"'))
        return styled.to_html()

    @staticmethod
    def _report_html(report: dict[str, float], pending: bool = False) -> str:
        rows = "".join(f"<tr><th style='text-align:left'>{name}</th>"
                       f"<td style='text-align:right'>{value:.3f}</td></tr>"
                       for name, value in report.items())
        if pending:
            rows += ("<tr><th style='text-align:left'>all users</th><td style='color:#555'>"
                     "computing...</td></tr>")
        return f"<table class='course-toy-metrics'>{rows}</table>"

    def _settings(self) -> dict[str, Any]:
        c = self._ui["controls"]
        algo = c["algorithm"].value
        uses = ALGORITHMS[algo][2]
        return {"user": c["user"].value, "algorithm": algo,
                "neighbours": c["neighbours"].value, "factors": c["factors"].value,
                "reg": c["reg"].value if "reg" in uses else None,
                "popularity_penalty": c["popularity_penalty"].value,
                "my_ratings": {i: s.value for i, s in self._ui["stars"].items()}}

    def update(self, settings: dict[str, Any] | None = None) -> None:
        """Recompute the view for ``settings`` (default: the widget's): the list first, then
        the metrics over all users (skipped when newer settings are already waiting)."""
        import time

        ui = self._ui
        settings = settings or self._settings()
        start = time.perf_counter()
        try:
            table, report = self.top_list(**settings)
        except ValueError as err:           # "You" with nothing rated yet
            ui["table"].value = f"<p>{err}</p>"
            ui["metrics"].value = ""
            return
        knobs = {k: settings[k] for k in ("algorithm", "neighbours", "factors", "reg",
                                          "popularity_penalty")}
        cached = tuple(knobs.values()) in self._reports
        ui["table"].value = self._table_html(table)
        ui["metrics"].value = self._report_html(report, pending=not cached)
        self.timings["list"].append(time.perf_counter() - start)
        if ui["worker"].superseded():
            return
        report.update(self.overall(**knobs))
        if ui["worker"].superseded():
            return
        ui["metrics"].value = self._report_html(report)
        self.timings["all users"].append(time.perf_counter() - start)

    def widget(self, user: int = 1, algorithm: str = "EASE"):
        """The interactive widget (an ``ipywidgets.Box``), its first view already computed."""
        import ipywidgets as w

        users = [YOU] + sorted(int(u) for u in self.test["user"].unique())
        style = {"description_width": "150px"}
        layout = w.Layout(width="400px")
        c = {
            "user": w.Dropdown(options=users, value=user, description="user",
                               style=style, layout=layout),
            "algorithm": w.Dropdown(options=list(ALGORITHMS), value=algorithm,
                                    description="algorithm", style=style, layout=layout),
            "neighbours": w.IntSlider(value=40, min=5, max=200, step=5,
                                      description="neighbours (kNN)", continuous_update=False,
                                      style=style, layout=layout),
            "factors": w.IntSlider(value=32, min=2, max=64, step=2,
                                   description="factors (MF)", continuous_update=False,
                                   style=style, layout=layout),
            "reg": w.SelectionSlider(options=[(_nice(v), v) for v in REG_VALUES],
                                     value=ALGORITHMS[algorithm][1] or 1.0,
                                     description="regularisation", continuous_update=False,
                                     style=style, layout=layout),
            "popularity_penalty": w.FloatSlider(value=0.0, min=0.0, max=3.0, step=0.25,
                                                description="popularity penalty",
                                                readout_format=".2f",
                                                continuous_update=False, style=style,
                                                layout=layout),
        }
        titles = self.movies["title"].reindex(self.rate_items)
        stars = {int(i): w.IntSlider(value=0, min=0, max=5, description=str(t)[:30],
                                     continuous_update=False, tooltip=str(t),
                                     style={"description_width": "170px"},
                                     layout=w.Layout(width="410px"))
                 for i, t in titles.items()}
        rate_box = w.VBox([w.HTML("<b>Your ratings</b> (0 = not seen, 1-5 stars)"),
                           *stars.values()])
        table = w.HTML(layout=w.Layout(overflow="auto"))
        report = w.HTML()
        busy = BusySign(dims=[table, report])
        worker = Worker(self.update, busy, "updating the recommendations")
        self._ui = {"controls": c, "stars": stars, "table": table, "metrics": report,
                    "busy": busy, "worker": worker}

        def refresh(*_):
            algo = c["algorithm"].value
            uses = ALGORITHMS[algo][2]
            c["neighbours"].disabled = "neighbours" not in uses
            c["factors"].disabled = "factors" not in uses
            c["reg"].disabled = "reg" not in uses
            rate_box.layout.display = "" if c["user"].value == YOU else "none"
            worker.submit(self._settings())

        def new_algorithm(change):
            default = ALGORITHMS[change["new"]][1]
            if default:
                c["reg"].unobserve(refresh, "value")
                c["reg"].value = default
                c["reg"].observe(refresh, "value")
            refresh()

        refresh()
        for name, control in c.items():
            if name != "algorithm":
                control.observe(refresh, "value")
        c["algorithm"].observe(new_algorithm, "value")
        for s in stars.values():
            s.observe(refresh, "value")
        controls = w.VBox([w.HTML("<h3 style='margin:0 0 6px'>Toy recommender</h3>"),
                           *c.values(), busy.widget, rate_box],
                          layout=w.Layout(flex="0 0 auto", width="410px"))
        view = w.VBox([table, report], layout=w.Layout(flex="1 1 420px", min_width="420px"))
        box = w.Box([controls, view], layout=w.Layout(display="flex", flex_flow="row wrap",
                                                      align_items="flex-start",
                                                      grid_gap="12px"))
        box.add_class("course-toy-recommender")
        self._ui["box"] = box
        return box

    def show(self, user: int = 1, algorithm: str = "EASE") -> None:
        """Display the widget; in a batch run also print its first view as plain output."""
        from IPython.display import display

        show(self.widget(user, algorithm))
        if is_batch_run():
            table, report = self.recommend(user, algorithm)
            display(table)
            display(pd.Series(report, name="value").round(3).to_frame())
