"""The recommender playground: turn the knobs of :class:`course.interventions.FeedPolicy` and
watch the recommended lists and a short feedback-loop simulation respond.

Two views, each comparing *your feed* with the plain engagement-ranked feed (the baseline):

* **the list view** (fast, well under 150 ms): what the recommender would show every user right
  now, after a simulated history: how much of the top-k relevance it keeps, the users' true
  satisfaction, topic diversity, miscalibration, cross-cutting exposure and misinformation;
* **the simulation view** (under a second): the bubble metrics of :mod:`course.simulation` over a
  short run (200 users, 200 items, 16 steps: small enough to answer within a second on two
  cores) where the recommender retrains on what it caused.

The computations are plain methods (:meth:`Playground.list_metrics`,
:meth:`Playground.simulate`), so they can be tested and benchmarked without a browser; the widget
only wires knobs to them. Sliders send their value when released (``continuous_update=False``);
updates run on a background thread, the latest setting first (:class:`course.widgets.Worker`),
so the knobs stay responsive, and a busy sign shows during any longer wait. Simulations are
cached by setting, so going back to a position is instant. The figures sit beside the knobs and
grow with the window (drawn at 1.5x for sharp text). Under papermill or nbgrader
(:func:`course.widgets.is_batch_run`) every update runs at once and nothing waits for input.

Example
-------
>>> pg = Playground("popularity", n_users=100, n_items=80, steps=5)
>>> round(float(pg.list_metrics()["relevance kept"]), 3)        # the plain feed keeps it all
1.0
>>> bool(pg.list_metrics(diversity=0.8)["topic diversity"]
...      > pg.list_metrics()["topic diversity"])
True
"""

from __future__ import annotations

import io
import time
from collections import OrderedDict
from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from course import interventions as iv
from course import simulation
from course.metrics import intra_list_diversity
from course.style import PALETTE, label, use_course_style
from course.widgets import BusySign, Worker, show

__all__ = ["Settings", "Playground", "list_metrics", "LIST_METRICS", "SIM_METRICS",
           "ALGORITHMS", "playground"]

#: Algorithm labels shown in the dropdown -> names understood by
#: :func:`course.simulation.make_recommender`.
ALGORITHMS: dict[str, str] = {
    "Matrix factorisation (implicit ALS)": "mf",
    "Popularity": "popularity",
    "Content-based": "content",
    "Random": "random",
    "Oracle (knows true tastes)": "oracle",
}

#: The algorithm the playground starts with.
DEFAULT_ALGORITHM = "content"

#: Pixels per inch of the figures sent to the browser (1.5x the 96 of CSS pixels): sharp text
#: on high-density screens, and room to grow with a wide window.
DPI = 144

#: Metrics of the recommended lists (the list view), in display order.
LIST_METRICS = ("relevance kept", "satisfaction", "topic diversity", "miscalibration (KL)",
                "cross-cutting share", "misinformation share")

#: The largest value each plotted simulation metric can take (the top of its y axis at most).
SIM_LIMITS: dict[str, float] = {"diversity": 1.0, "homogenization": 1.0, "group_distance": 2.0,
                                "relative_utility": 1.0}

#: Simulation metrics plotted over time: column of ``SimulationResult.metrics`` -> title.
SIM_METRICS: dict[str, str] = {
    "diversity": "Consumption diversity",
    "homogenization": "Homogenization",
    "group_distance": "Polarization (group distance)",
    "relative_utility": "Satisfaction vs oracle",
}


@dataclass(frozen=True)
class Settings:
    """One position of every knob (all interventions at 0 is the plain engagement feed)."""

    algorithm: str = DEFAULT_ALGORITHM
    diversity: float = 0.0
    calibration: float = 0.0
    exploration: float = 0.0
    explore: str = "epsilon"
    quota: float = 0.0
    blend: float = 0.0

    def policy(self, seed: int = 0) -> iv.FeedPolicy:
        """The re-ranker these settings describe (fresh state, seeded)."""
        return iv.FeedPolicy(diversity=self.diversity, calibration=self.calibration,
                             quota=self.quota, exploration=self.exploration,
                             explore=self.explore, blend=self.blend, seed=seed)


def list_metrics(lists: np.ndarray, scores: np.ndarray, world: simulation.World,
                 history: np.ndarray) -> pd.Series:
    """What a set of recommended lists (n_users x k) offers, one number per row of
    :data:`LIST_METRICS`.

    ``scores`` are the recommender's scores (consumed items ``-inf``) and ``history`` the 0/1
    user x item matrix of what each user consumed. *Relevance kept* is the lists' share of the
    predicted relevance (scores scaled to [0, 1] per user) of the plain top-k lists; *satisfaction*
    the mean true utility of the listed items; *topic diversity* the intra-list diversity over
    topics; *miscalibration* Steck's KL between each user's consumed topic mix and the list's;
    *cross-cutting share* the share of items slanted to the other side from the user's ideology
    (Bakshy et al. 2015); *misinformation share* the share of false items.
    """
    lists = np.asarray(lists, dtype=int)
    k = lists.shape[1]
    users = np.arange(lists.shape[0])
    rel = np.where(np.isfinite(scores), iv._minmax(scores), 0.0)
    best = np.take_along_axis(rel, iv.top_k(scores, k), axis=1).sum(axis=1)
    kept = np.take_along_axis(rel, lists, axis=1).sum(axis=1) / np.where(best > 0, best, 1.0)
    target = iv.user_distributions(history, world.item_topics)
    kl = iv.kl_miscalibration(target, iv.list_distributions(lists, world.item_topics))
    return pd.Series({
        "relevance kept": float(kept.mean()),
        "satisfaction": float(world.utility(users, lists).mean()),
        "topic diversity": intra_list_diversity(lists, pd.DataFrame(world.item_topics)),
        "miscalibration (KL)": float(kl.mean()),
        "cross-cutting share": iv.cross_cutting_share(lists, world.item_slant,
                                                      world.user_ideology),
        "misinformation share": float(world.item_false[lists].mean()),
    })


class Playground:
    """The playground's state and computations, and (:meth:`widget`) its ipywidgets UI.

    A world of ``n_users`` x ``n_items`` (with ``false_share`` misinformation, so that the
    engagement/satisfaction blend matters) is drawn once. For each algorithm a baseline run of
    ``steps`` steps with the plain feed gives a history; the list view re-ranks the scores the
    retrained recommender gives after it, the simulation view re-runs the loop with the policy.

    >>> pg = Playground("content", n_users=60, n_items=50, steps=4)
    >>> list(pg.simulate(quota=0.5).columns)[:2]
    ['diversity', 'slate_diversity']
    """

    def __init__(self, algorithm: str = DEFAULT_ALGORITHM, *, n_users: int = 200,
                 n_items: int = 200, steps: int = 16, k: int = 10, false_share: float = 0.1,
                 seed: int = 0, **knobs: Any) -> None:
        if algorithm not in ALGORITHMS.values():
            raise ValueError(f"unknown algorithm {algorithm!r}: choose one of "
                             f"{', '.join(ALGORITHMS.values())}")
        self.world = simulation.make_world(n_users, n_items, false_share=false_share, seed=seed)
        self.steps, self.k, self.seed = steps, k, seed
        self.settings = Settings(algorithm=algorithm, **knobs)
        self.settings.policy()                      # fail early on a bad knob value
        self._baselines: dict[str, dict[str, Any]] = {}
        self._ui: dict[str, Any] | None = None
        self._list_plot: dict[str, Any] | None = None
        self._sim_plot: dict[str, Any] | None = None
        self._runs: OrderedDict[Settings, pd.DataFrame] = OrderedDict()
        self.timings: dict[str, list[float]] = {"list": [], "simulation": []}

    # -- computations ------------------------------------------------------------------------------
    def _settings(self, knobs: dict[str, Any]) -> Settings:
        return replace(self.settings, **knobs) if knobs else self.settings

    def baseline(self, algorithm: str) -> dict[str, Any]:
        """The plain feed's run for ``algorithm`` (cached): its metrics, the history it left and
        the retrained recommender's scores after it (consumed items ``-inf``)."""
        if algorithm not in self._baselines:
            recommender = simulation.make_recommender(algorithm, self.world, seed=self.seed)
            result = simulation.run(self.world, recommender, self.steps, k=self.k,
                                    seed=self.seed, progress=False)
            history = result.consumed.toarray()
            if isinstance(recommender, simulation.OracleRecommender):
                recommender.world = self.world      # score the world the lists are shown in
            scores = np.asarray(recommender.score(np.arange(self.world.n_users)), dtype=float)
            scores[history > 0] = -np.inf
            lists = iv.top_k(scores, self.k)
            self._baselines[algorithm] = {
                "metrics": result.metrics, "history": history, "scores": scores,
                "view": result.view(),      # what the platform knows (its policies see this)
                "list_metrics": list_metrics(lists, scores, self.world, history)}
        return self._baselines[algorithm]

    def lists(self, **knobs: Any) -> np.ndarray:
        """The lists (n_users x k item indices) the feed with these settings shows now."""
        settings = self._settings(knobs)
        base = self.baseline(settings.algorithm)
        return settings.policy(self.seed)(base["scores"], base["view"], self.k)

    def list_metrics(self, **knobs: Any) -> pd.Series:
        """:func:`list_metrics` of :meth:`lists` (knobs default to the current settings)."""
        settings = self._settings(knobs)
        base = self.baseline(settings.algorithm)
        return list_metrics(self.lists(**knobs), base["scores"], self.world, base["history"])

    def simulate(self, **knobs: Any) -> pd.DataFrame:
        """The bubble metrics per step of a fresh run with these settings' policy (the last
        64 settings are remembered: going back to one is instant)."""
        settings = self._settings(knobs)
        if settings == Settings(algorithm=settings.algorithm):
            return self.baseline(settings.algorithm)["metrics"]
        if settings not in self._runs:
            recommender = simulation.make_recommender(settings.algorithm, self.world,
                                                      seed=self.seed)
            self._runs[settings] = simulation.run(
                self.world, recommender, self.steps, k=self.k,
                reranker=settings.policy(self.seed), seed=self.seed, progress=False).metrics
            while len(self._runs) > 64:
                self._runs.popitem(last=False)
        self._runs.move_to_end(settings)
        return self._runs[settings]

    # -- figures -----------------------------------------------------------------------------------
    def list_figure(self, metrics: pd.Series | None = None, algorithm: str | None = None
                    ) -> Figure:
        """Bar chart of the list view: the plain feed against yours.

        The figure is kept, and only the bars and labels of your feed change between calls
        for the same algorithm (the axis range is fixed per algorithm; a longer bar is cut at
        the edge, its label still gives the value), so :meth:`list_png` can redraw just those.
        """
        algorithm = algorithm or self.settings.algorithm
        metrics = self.list_metrics(algorithm=algorithm) if metrics is None else metrics
        if self._list_plot is None or self._list_plot["algorithm"] != algorithm:
            base = self.baseline(algorithm)["list_metrics"]
            use_course_style()
            fig = Figure(figsize=(4.2, 3.4), dpi=DPI)
            FigureCanvasAgg(fig)
            ax = fig.add_subplot()
            y = np.arange(len(LIST_METRICS))[::-1]
            ax.barh(y + 0.2, base.to_numpy(), 0.4, color=PALETTE[7], label="plain feed")
            bars = ax.barh(y - 0.2, metrics.to_numpy(), 0.4, color=PALETTE[0],
                           label="your feed")
            texts = [ax.text(0, yy, "", va="center", fontsize=10) for yy in y - 0.2]
            ax.set_yticks(y, LIST_METRICS, fontsize=10.5)
            ax.tick_params(axis="x", labelsize=10)
            high = max(1.25, 1.3 * float(np.nanmax(base)))
            ax.set_xlim(0, high)
            label(ax, "", "value (mean over users)", "")
            fig.suptitle("The recommended lists now", fontsize=12, fontweight="bold")
            ax.xaxis.label.set_fontsize(10.5)
            fig.legend(loc="lower center", ncols=2, fontsize=10, frameon=False)
            fig.subplots_adjust(left=0.43, right=0.95, top=0.89, bottom=0.26)
            self._list_plot = {"algorithm": algorithm, "fig": fig, "bars": bars,
                               "texts": texts, "dynamic": [*bars, *texts], "high": high,
                               "background": None}
        plot = self._list_plot
        for bar, text, value in zip(plot["bars"], plot["texts"], metrics.to_numpy(),
                                    strict=True):
            shown = min(float(value), 0.86 * plot["high"])
            bar.set_width(shown)
            text.set_x(shown)
            text.set_text(f" {value:.2f}")
        return plot["fig"]

    def list_png(self, metrics: pd.Series | None = None, algorithm: str | None = None) -> bytes:
        """The list view as PNG bytes, redrawing only what changed (blitting onto a saved
        background of axes, labels and the plain feed's bars)."""
        fig = self.list_figure(metrics, algorithm)
        return _blit(fig, self._list_plot)

    def simulation_figure(self, metrics: pd.DataFrame | None = None,
                          algorithm: str | None = None) -> Figure:
        """Line charts of the simulation view: bubble metrics per step, plain feed dashed (the
        figure is kept between calls for the same algorithm; only the lines move)."""
        algorithm = algorithm or self.settings.algorithm
        metrics = self.simulate(algorithm=algorithm) if metrics is None else metrics
        if self._sim_plot is None or self._sim_plot["algorithm"] != algorithm:
            base = self.baseline(algorithm)["metrics"]
            use_course_style()
            fig = Figure(figsize=(5.0, 3.4), dpi=DPI)
            FigureCanvasAgg(fig)
            axes = fig.subplots(2, 2, sharex=True)
            lines = []
            for ax, (column, title) in zip(axes.flat, SIM_METRICS.items(), strict=True):
                ax.plot(base.index, base[column], "--", color=PALETTE[7], lw=1.8,
                        label="plain feed")
                lines.append(ax.plot(base.index, base[column], color=PALETTE[0], lw=2,
                                     label="your feed")[0])
                # Fixed ranges, so that the axes do not jump between settings (and only the
                # lines need redrawing): from 0 to well above the plain feed's values.
                ax.set_ylim(0, min(SIM_LIMITS[column],
                                   max(0.1, 1.8 * float(np.nanmax(base[column])))))
                ax.set_xlim(base.index.min(), base.index.max())
                label(ax, title, "step" if ax in axes[1] else "", "")
                ax.title.set_fontsize(10)
                ax.xaxis.label.set_fontsize(10)
                ax.tick_params(labelsize=9.5)
            fig.legend(*axes[0, 0].get_legend_handles_labels(), loc="lower center", ncols=2,
                       fontsize=10, frameon=False)
            fig.suptitle("A short simulation of the feedback loop", fontsize=12,
                         fontweight="bold")
            fig.subplots_adjust(left=0.09, right=0.98, top=0.84, bottom=0.25, hspace=0.6,
                                wspace=0.3)
            self._sim_plot = {"algorithm": algorithm, "fig": fig, "dynamic": lines,
                              "background": None}
        plot = self._sim_plot
        for line, column in zip(plot["dynamic"], SIM_METRICS, strict=True):
            line.set_data(metrics.index, metrics[column])
        return plot["fig"]

    def simulation_png(self, metrics: pd.DataFrame | None = None,
                       algorithm: str | None = None) -> bytes:
        """The simulation view as PNG bytes, redrawing only the lines of your feed."""
        fig = self.simulation_figure(metrics, algorithm)
        return _blit(fig, self._sim_plot)

    # -- the widget --------------------------------------------------------------------------------
    def update_list(self, settings: Settings | None = None) -> float:
        """Recompute and redraw the list view; returns the seconds it took."""
        settings = settings or self.settings
        start = time.perf_counter()
        metrics = self.list_metrics(**asdict(settings))
        png = self.list_png(metrics, settings.algorithm)
        if self._ui is not None:
            self._ui["list"].value = png
            self._ui["table"].value = metrics.to_frame("your feed").assign(
                **{"plain feed": self.baseline(settings.algorithm)["list_metrics"]}
            ).round(3).to_html(classes="playground-table")
        seconds = time.perf_counter() - start
        self.timings["list"].append(seconds)
        return seconds

    def update_simulation(self, settings: Settings | None = None) -> float:
        """Re-run the short simulation and redraw its view; returns the seconds it took."""
        settings = settings or self.settings
        start = time.perf_counter()
        png = self.simulation_png(self.simulate(**asdict(settings)), settings.algorithm)
        if self._ui is not None:
            self._ui["simulation"].value = png
        seconds = time.perf_counter() - start
        self.timings["simulation"].append(seconds)
        if self._ui is not None:
            self._ui["status"].value = (
                f"<small>{_LABELS[settings.algorithm]}: list view "
                f"{1000 * self.timings['list'][-1]:.0f} ms, simulation {1000 * seconds:.0f} ms"
                "</small>")
        return seconds

    def _update(self, settings: Settings) -> None:
        """Both views for ``settings``: the fast list first, then the simulation (skipped when
        the knobs have moved on meanwhile)."""
        self.update_list(settings)
        if self._ui is None or not self._ui["worker"].superseded():
            self.update_simulation(settings)

    def set(self, **knobs: Any) -> Playground:
        """Change knobs (as the widget does) and update both views."""
        self.settings = self._settings(knobs)
        self.settings.policy()
        if self._ui is not None:
            for name, value in asdict(self.settings).items():
                self._ui["knobs"][name].value = value
            self._ui["worker"].wait()
        self._update(self.settings)
        return self

    def widget(self):
        """The playground as an ipywidgets box (first view computed at once)."""
        import ipywidgets as w

        if self._ui is not None:
            return self._ui["box"]
        style = {"description_width": "130px"}
        layout = w.Layout(width="330px")

        def slider(description: str, value: float, high: float, tip: str) -> w.FloatSlider:
            return w.FloatSlider(value=value, min=0.0, max=high, step=0.05,
                                 description=description, tooltip=tip,
                                 continuous_update=False, readout_format=".2f",
                                 style=style, layout=layout)

        s = self.settings
        knobs = {
            "algorithm": w.Dropdown(options=list(ALGORITHMS.items()), value=s.algorithm,
                                    description="Algorithm", style=style, layout=layout),
            "diversity": slider("Diversity (MMR)", s.diversity, 1.0,
                                "0: plain relevance; 1: only what is unlike the list so far"),
            "calibration": slider("Calibration", s.calibration, 1.0,
                                  "weight of matching each user's consumed topic mix"),
            "exploration": slider("Exploration", s.exploration, 1.0,
                                  "epsilon (share of random slots) or the UCB bonus c"),
            # Radio buttons: the choice is shown by a filled circle, not by a shade of grey.
            "explore": w.RadioButtons(options=[("ε-greedy", "epsilon"), ("UCB bandit", "ucb")],
                                      value=s.explore, description="Explore with",
                                      style=style, layout=w.Layout(width="330px")),
            "quota": slider("Perspective quota", s.quota, 0.5,
                            "minimum share of the list from each side of the slant axis"),
            "blend": slider("Satisfaction weight", s.blend, 1.0,
                            "0: rank by predicted engagement; 1: by predicted satisfaction"),
        }
        knobs["explore"].add_class("playground-radio-row")
        reset = w.Button(description="Back to the plain feed",
                         tooltip="switch every intervention off", layout=w.Layout(width="200px"))
        # The figures share the width beside the knobs and grow with the window.
        list_view = w.Image(format="png", layout=w.Layout(width="100%", height="auto"))
        sim_view = w.Image(format="png", layout=w.Layout(width="100%", height="auto"))
        table = w.HTML()
        status = w.HTML()
        busy = BusySign(dims=[list_view, sim_view])
        worker = Worker(self._update, busy, "updating the views")
        self._ui = {"knobs": knobs, "list": list_view, "simulation": sim_view, "table": table,
                    "status": status, "busy": busy, "worker": worker}

        def changed(change: dict) -> None:
            name = change["owner"]._playground_knob
            if getattr(self.settings, name) == change["new"]:
                return
            self.settings = replace(self.settings, **{name: change["new"]})
            worker.submit(self.settings)

        for name, control in knobs.items():
            control._playground_knob = name
            control.observe(changed, names="value")

        def plain(_: Any) -> None:
            for name in ("diversity", "calibration", "exploration", "quota", "blend"):
                knobs[name].value = 0.0

        reset.on_click(plain)
        self._update(self.settings)
        css = w.HTML("<style>.playground-radio-row .widget-radio-box {flex-direction: row; "
                     "gap: 12px;} .feed-playground .widget-image {min-width: 0;}</style>")
        controls = w.VBox([css, w.HTML("<b>Knobs</b>"), *knobs.values(), reset, busy.widget,
                           status], layout=w.Layout(flex="0 0 340px"))
        # Side by side down to 270 px each (a laptop's JupyterLab with its file browser open).
        views = w.Box([w.Box([list_view], layout=w.Layout(flex="1 1 270px", min_width="0")),
                       w.Box([sim_view], layout=w.Layout(flex="1.2 1 290px", min_width="0"))],
                      layout=w.Layout(display="flex", flex_flow="row wrap",
                                      flex="1 1 500px", min_width="0",
                                      align_items="flex-start"))
        box = w.VBox([
            w.Box([controls, views], layout=w.Layout(display="flex", flex_flow="row wrap",
                                                     align_items="flex-start")),
            w.Accordion([table], titles=("The numbers",)),
        ])
        box.add_class("feed-playground")
        self._ui["box"] = box
        return box

    def _ipython_display_(self) -> None:
        show(self.widget())


_LABELS = {name: label for label, name in ALGORITHMS.items()}


def _blit(fig: Figure, plot: dict[str, Any]) -> bytes:
    """Draw ``plot["dynamic"]`` artists over a saved background of everything else (drawn once
    and kept in ``plot["background"]``) and return the figure as PNG bytes."""
    canvas = fig.canvas
    if plot["background"] is None:
        for artist in plot["dynamic"]:
            artist.set_visible(False)
        canvas.draw()
        plot["background"] = canvas.copy_from_bbox(fig.bbox)
        for artist in plot["dynamic"]:
            artist.set_visible(True)
    canvas.restore_region(plot["background"])
    for artist in plot["dynamic"]:
        artist.axes.draw_artist(artist)
    return _rgba_to_png(canvas.buffer_rgba())


def _rgba_to_png(rgba: memoryview) -> bytes:
    """Encode an RGBA canvas buffer as PNG (fast compression: the image is sent, not stored)."""
    from PIL import Image

    array = np.asarray(rgba)
    buffer = io.BytesIO()
    Image.fromarray(array[..., :3]).save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def playground(algorithm: str = DEFAULT_ALGORITHM, **options: Any) -> Playground:
    """Make the playground (see :class:`Playground` for the options); display it by leaving it
    as the last line of a cell."""
    return Playground(algorithm, **options)
