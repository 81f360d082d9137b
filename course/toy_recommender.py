"""The toy recommender: pick a user (or rate a few films yourself), an algorithm and its knobs,
and see the top-10 and its metrics change.

Everything runs on MovieLens 100K split per user 75/25: the models learn from the 75%, the
user's held-out 25% tells whether the list found films they really watched. A *popularity
penalty* re-ranks any list: scores and log-popularity are standardised per user and
``penalty x popularity`` is subtracted, so 0 keeps the model's ranking and larger values push
the blockbusters down.

The widget works in JupyterLab and as a Voila app; under papermill or nbgrader
(:func:`course.widgets.is_batch_run`) it shows its first view and never waits for input.

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
from course.recommender import Recommender
from course.splits import stratified_split
from course.widgets import is_batch_run

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

    ``ratings`` and ``movies`` come from :mod:`course.data`. Fitted models are cached by their
    knobs, so going back to a setting is instant.
    """

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
        self._reports: dict[tuple, dict[str, float]] = {}

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
            self._models[key] = make_model(algorithm, neighbours, factors, reg,
                                           self.genres).fit(train)
        return self._models[key]

    def recommend(self, user: int | str = 1, algorithm: str = "Popularity",
                  neighbours: int = 40, factors: int = 32, reg: float | None = None,
                  popularity_penalty: float = 0.0,
                  my_ratings: dict[int, int] | None = None) -> tuple[pd.DataFrame,
                                                                     dict[str, float]]:
        """The top-k of ``user`` (an id, or :data:`YOU` with ``my_ratings`` {item: 1-5}) as a
        table of titles, genres and popularity, and a dict of metrics."""
        mine = {int(i): int(r) for i, r in (my_ratings or {}).items() if r}
        if user == YOU:
            if not mine:
                raise ValueError("rate at least one film (1-5 stars) to get recommendations")
            user = self.you
        fitted = self.model(algorithm, neighbours, factors, reg, mine if user == self.you
                            else None)
        model = PopularityPenalty(fitted, popularity_penalty)
        items = model.recommend(user, k=self.k)
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
        report.update(self.overall(algorithm, neighbours, factors, reg, popularity_penalty))
        return table, report

    def overall(self, algorithm: str, neighbours: int = 40, factors: int = 32,
                reg: float | None = None, popularity_penalty: float = 0.0) -> dict[str, float]:
        """NDCG@k, coverage and mean popularity over all users (cached)."""
        key = (algorithm, int(neighbours), int(factors), reg, popularity_penalty)
        if key not in self._reports:
            model = PopularityPenalty(self.model(algorithm, neighbours, factors, reg),
                                      popularity_penalty)
            rep = metrics.evaluate_ranking(model, self.test, k=self.k)
            self._reports[key] = {f"all users: NDCG@{self.k}": rep[f"ndcg@{self.k}"],
                                  "all users: catalogue coverage": rep["coverage"],
                                  "all users: mean popularity": rep["avg_popularity"]}
        return self._reports[key]

    # -- the widget -------------------------------------------------------------------------------
    def widget(self, user: int = 1, algorithm: str = "EASE"):
        """The interactive widget (an ``ipywidgets.VBox``), its first view already computed."""
        import ipywidgets as w
        from IPython.display import display

        users = [YOU] + sorted(int(u) for u in self.test["user"].unique())
        style = {"description_width": "150px"}
        layout = w.Layout(width="420px")
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
            "reg": w.FloatLogSlider(value=ALGORITHMS[algorithm][1] or 1.0, base=10, min=-2,
                                    max=3.5, step=0.25, description="regularisation",
                                    continuous_update=False, style=style, layout=layout),
            "popularity_penalty": w.FloatSlider(value=0.0, min=0.0, max=3.0, step=0.25,
                                                description="popularity penalty",
                                                continuous_update=False, style=style,
                                                layout=layout),
        }
        titles = self.movies["title"].reindex(self.rate_items)
        stars = {int(i): w.IntSlider(value=0, min=0, max=5, description=str(t)[:28],
                                     continuous_update=False, style={"description_width":
                                                                     "200px"})
                 for i, t in titles.items()}
        rate_box = w.VBox([w.HTML("<b>Your ratings</b> (0 = not seen)"), *stars.values()])
        # The list may be wide: it scrolls, and the controls keep their width (in a plain HBox
        # the table squeezes the controls to nothing and covers them).
        out = w.Output(layout=w.Layout(flex="1 1 auto", overflow="auto"))

        def refresh(*_):
            algo = c["algorithm"].value
            uses = ALGORITHMS[algo][2]
            c["neighbours"].disabled = "neighbours" not in uses
            c["factors"].disabled = "factors" not in uses
            c["reg"].disabled = "reg" not in uses
            rate_box.layout.display = "" if c["user"].value == YOU else "none"
            with out:
                out.clear_output(wait=True)
                try:
                    table, report = self.recommend(
                        c["user"].value, algo, c["neighbours"].value, c["factors"].value,
                        c["reg"].value if "reg" in uses else None,
                        c["popularity_penalty"].value,
                        {i: s.value for i, s in stars.items()})
                except ValueError as err:
                    print(err)
                    return
                display(table)
                display(pd.Series(report, name="value").round(3).to_frame())

        def new_algorithm(change):
            default = ALGORITHMS[change["new"]][1]
            if default:
                c["reg"].unobserve(refresh, "value")
                c["reg"].value = default
                c["reg"].observe(refresh, "value")
            refresh()

        refresh()
        if not is_batch_run():              # interaction only where someone can interact
            for name, control in c.items():
                if name != "algorithm":
                    control.observe(refresh, "value")
            c["algorithm"].observe(new_algorithm, "value")
            for s in stars.values():
                s.observe(refresh, "value")
        controls = w.VBox([w.HTML("<h3>Toy recommender</h3>"), *c.values(), rate_box],
                          layout=w.Layout(flex="0 0 auto", min_width="440px"))
        return w.HBox([controls, out])

    def show(self, user: int = 1, algorithm: str = "EASE") -> None:
        """Display the widget; in a batch run also print its first view as plain output."""
        from IPython.display import display

        display(self.widget(user, algorithm))
        if is_batch_run():
            table, report = self.recommend(user, algorithm)
            display(table)
            display(pd.Series(report, name="value").round(3).to_frame())
