"""Replication: run a simulation over several seeds and report means with confidence intervals.

One simulated run is an anecdote: another seed draws another world and other choices, and the
numbers move. A simulated result is a *finding* only when it holds across seeds (shown with an
interval) and against a control. This module makes that the easy way to work:

* :func:`replicate` runs any experiment ``experiment(seed)`` for several seeds and returns one
  **tidy** frame (one row per seed, [feed,] [step,] metric: columns ``seed``, ``feed``, ``step``,
  ``metric``, ``value``), the long format seaborn and pandas expect;
* :func:`run_feeds` is the common case: several feeds (a recommender and, optionally, a
  re-ranker) in the same world of each seed, the controls included;
* :func:`scorecards` condenses each run into its scorecard (cumulative utility, final-step
  relative utility, ...), :func:`summarize` gives means with t confidence intervals,
  :func:`paired_difference` compares a feed with a control seed by seed (the feeds of one seed
  share a world, so the difference is paired), and :func:`lineplot` / :func:`pointplot` draw
  the bands and intervals with seaborn, using the same intervals as :func:`summarize`.

Seeds and streams: seed ``s`` draws the world from ``stream(s, "world")``, the recommender
from ``stream(s, "recommender")`` and the run's choices from ``stream(s, "choice")``
(:mod:`course.simulation`), so every component is independent within a seed and every seed is
an independent replication.

Cost: seeds run one after the other. Each run is already vectorised over users and items;
stacking several seeds into one larger world would multiply the score matrix by the number of
seeds (every user would be scored against every seed's items), which costs more than it saves,
so only the bookkeeping (intervals over all groups at once) is vectorised across seeds.

Example
-------
>>> tidy = run_feeds(["random", "popularity"], seeds=[0, 1], steps=4,
...                  world=dict(n_users=120, n_items=80))
>>> sorted(tidy.columns)
['feed', 'metric', 'seed', 'step', 'value']
>>> table = summarize(scorecards(tidy).query("metric == 'homogenization'"))
>>> list(table.columns)
['feed', 'metric', 'mean', 'ci_low', 'ci_high', 'sd', 'n']
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from course import simulation

__all__ = ["Feed", "replicate", "run_feeds", "scorecards", "summarize", "interval",
           "paired_difference", "share_above", "holds_in_every_seed", "interval_table",
           "difference_table", "lineplot", "pointplot", "CONFIDENCE"]

#: The confidence level of every interval the course reports.
CONFIDENCE = 0.95


@dataclass
class Feed:
    """A feed to replicate: a recommender (a name from
    :data:`course.simulation.RECOMMENDERS` or a function ``(world, seed) -> recommender``),
    an optional re-ranker *factory* ``seed -> reranker`` (re-rankers such as
    :class:`course.interventions.FeedPolicy` keep state, so every run needs a fresh one), and
    options for :func:`course.simulation.make_recommender` or :func:`course.simulation.run`.

    >>> Feed("mf", options=dict(n_factors=8)).recommender
    'mf'
    """

    recommender: str | Callable[[simulation.World, int], Any] = "mf"
    reranker: Callable[[int], Any] | None = None
    options: dict[str, Any] = field(default_factory=dict)
    run_options: dict[str, Any] = field(default_factory=dict)

    def make(self, world: simulation.World, seed: int) -> tuple[Any, Any]:
        """A fresh recommender and re-ranker for one run."""
        if isinstance(self.recommender, str):
            rec = simulation.make_recommender(self.recommender, world, seed=seed,
                                              **self.options)
        else:
            rec = self.recommender(world, seed)
        return rec, (self.reranker(seed) if self.reranker is not None else None)


# ------------------------------------------------------------------------------------------------
# Running
# ------------------------------------------------------------------------------------------------
def _tidy(outcome: Any, seed: int) -> pd.DataFrame:
    """One experiment's outcome as tidy rows (without the seed column)."""
    if isinstance(outcome, simulation.SimulationResult):
        outcome = outcome.metrics
    if isinstance(outcome, pd.DataFrame):
        frame = outcome.copy()
        frame.index = frame.index.rename("step")
        return frame.reset_index().melt(id_vars="step", var_name="metric", value_name="value")
    if isinstance(outcome, pd.Series | Mapping) and not all(
            isinstance(v, simulation.SimulationResult | pd.DataFrame | pd.Series | Mapping)
            for v in dict(outcome).values()):
        values = pd.Series(outcome, dtype=float)
        return pd.DataFrame({"metric": values.index.astype(str), "value": values.to_numpy()})
    if isinstance(outcome, Mapping):
        parts = [_tidy(v, seed).assign(feed=str(name)) for name, v in outcome.items()]
        return pd.concat(parts, ignore_index=True)
    if isinstance(outcome, int | float | np.number) and not isinstance(outcome, bool):
        return pd.DataFrame({"metric": ["value"], "value": [float(outcome)]})
    raise TypeError(f"replicate(): the experiment returned {type(outcome).__name__}; return a "
                    "SimulationResult, a DataFrame of per-step metrics, a Series or dict of "
                    "numbers, a number, or a dict of those (one per feed)")


def replicate(experiment: Callable[[int], Any], seeds: Iterable[int]) -> pd.DataFrame:
    """Run ``experiment(seed)`` for every seed and stack the outcomes in one tidy frame.

    The experiment returns a :class:`~course.simulation.SimulationResult` (its per-step
    metrics are kept), a DataFrame indexed by step, a Series or dict of numbers (a
    scorecard), a single number, or a dict ``{feed name: any of those}``. The frame has a
    ``seed`` column, ``feed`` and ``step`` when they apply, ``metric`` and ``value``.

    >>> tidy = replicate(lambda seed: {"answer": seed * 2.0}, seeds=[1, 2, 3])
    >>> tidy["value"].tolist()
    [2.0, 4.0, 6.0]
    """
    seeds = [int(s) for s in seeds]
    if not seeds:
        raise ValueError("replicate(): give at least one seed, e.g. seeds=range(5)")
    if len(set(seeds)) != len(seeds):
        raise ValueError("replicate(): the seeds must be different (a repeated seed repeats the "
                         "same run and makes an interval look narrower than it is)")
    parts = [_tidy(experiment(seed), seed).assign(seed=seed) for seed in seeds]
    tidy = pd.concat(parts, ignore_index=True)
    first = [c for c in ("seed", "feed", "step") if c in tidy.columns]
    return tidy[first + ["metric", "value"]]


def run_feeds(feeds: Mapping[str, str | Feed] | Sequence[str], seeds: Iterable[int], *,
              steps: int = 20, world: Mapping[str, Any] | Callable[[int], Any] | None = None,
              **run_options: Any) -> pd.DataFrame:
    """Every feed in the world of every seed: the tidy per-step metrics of all the runs.

    ``feeds`` maps names to recommender names or :class:`Feed` specs (a list of recommender
    names is read as ``{name: name}``). ``world`` holds :func:`course.simulation.make_world`'s
    arguments (the seed is added; a news world gets ``horizon=steps`` unless given) or is a
    function ``seed -> World``. Within one seed all feeds share the world and the run's seed,
    so their differences are paired. ``run_options`` go to :func:`course.simulation.run`.

    >>> tidy = run_feeds({"random": "random"}, seeds=[3], steps=2,
    ...                  world=dict(n_users=50, n_items=40))
    >>> tidy[["seed", "feed"]].drop_duplicates().to_dict("records")
    [{'seed': 3, 'feed': 'random'}]
    """
    if not isinstance(feeds, Mapping):
        feeds = {name: name for name in feeds}
    specs = {name: spec if isinstance(spec, Feed) else Feed(spec) for name, spec in feeds.items()}
    settings = dict(world or {}) if not callable(world) else {}
    if settings.get("lifetime") is not None:
        settings.setdefault("horizon", steps)
    run_options.setdefault("progress", False)

    def experiment(seed: int) -> dict[str, pd.DataFrame]:
        w = world(seed) if callable(world) else simulation.make_world(**settings, seed=seed)
        out = {}
        for name, spec in specs.items():
            rec, rerank = spec.make(w, seed)
            result = simulation.run(w, rec, steps, reranker=rerank, seed=seed,
                                    **{**run_options, **spec.run_options})
            metrics = result.metrics.copy()
            metrics["warmup_steps"] = result.params["warmup_steps"]
            out[name] = metrics
        return out

    return replicate(experiment, seeds)


# ------------------------------------------------------------------------------------------------
# Condensing and summarising
# ------------------------------------------------------------------------------------------------
def scorecards(tidy: pd.DataFrame) -> pd.DataFrame:
    """Condense each run (seed and feed) of a per-step tidy frame into its scorecard
    (:func:`course.simulation.scorecard`: cumulative utility, final relative utility, final
    homogenization, ...): a tidy frame without the ``step`` column.

    >>> tidy = run_feeds(["random"], seeds=[0], steps=3, world=dict(n_users=60, n_items=50))
    >>> "cumulative_relative_utility" in set(scorecards(tidy)["metric"])
    True
    """
    if "step" not in tidy.columns:
        raise ValueError("scorecards() needs per-step rows (a `step` column), as run_feeds() "
                         "returns")
    keys = [c for c in ("seed", "feed") if c in tidy.columns]
    # keep the feeds in the order they were run (sort=False), steps in time order
    wide = tidy.pivot_table(index=keys + ["step"], columns="metric", values="value",
                            sort=False)
    rows = []
    for key, metrics in wide.groupby(level=keys, sort=False):
        metrics = metrics.droplevel(keys).sort_index()
        warmup = int(metrics["warmup_steps"].iloc[0]) if "warmup_steps" in metrics else 0
        card = simulation.scorecard(metrics, warmup_steps=warmup)
        key = key if isinstance(key, tuple) else (key,)
        rows.append(pd.DataFrame({**dict(zip(keys, key, strict=True)),
                                  "metric": card.index, "value": card.to_numpy()}))
    return pd.concat(rows, ignore_index=True)


def interval(values: Iterable[float], confidence: float = CONFIDENCE) -> tuple[float, float]:
    """The t confidence interval of the mean of ``values`` (a (low, high) pair).

    With one value, or values that do not vary, the interval is the mean itself. The bands of
    :func:`lineplot` and the bars of :func:`pointplot` are the same intervals.

    >>> low, high = interval([1.0, 2.0, 3.0])
    >>> round(low, 3), round(high, 3)
    (-0.484, 4.484)
    """
    x = np.asarray(list(values), dtype=float)
    x = x[np.isfinite(x)]
    if x.size == 0:
        return float("nan"), float("nan")
    mean = float(x.mean())
    if x.size < 2:
        return mean, mean
    half = stats.t.ppf(0.5 + confidence / 2, x.size - 1) * x.std(ddof=1) / np.sqrt(x.size)
    return mean - float(half), mean + float(half)


def summarize(tidy: pd.DataFrame, by: Sequence[str] | None = None,
              confidence: float = CONFIDENCE) -> pd.DataFrame:
    """Mean, t confidence interval (``ci_low``, ``ci_high``), standard deviation and number of
    seeds of ``value`` for every group of ``by`` (default: every column but ``seed`` and
    ``value``), computed for all groups at once.

    >>> tidy = pd.DataFrame({"seed": [0, 1, 2], "metric": "m", "value": [1.0, 2.0, 3.0]})
    >>> summarize(tidy).round(3).to_dict("records")
    [{'metric': 'm', 'mean': 2.0, 'ci_low': -0.484, 'ci_high': 4.484, 'sd': 1.0, 'n': 3}]
    """
    by = [c for c in tidy.columns if c not in ("seed", "value")] if by is None else list(by)
    grouped = tidy.dropna(subset=["value"]).groupby(by, sort=False)["value"]
    out = grouped.agg(mean="mean", sd="std", n="count").reset_index()
    t = stats.t.ppf(0.5 + confidence / 2, np.maximum(out["n"] - 1, 1))
    half = np.where(out["n"] > 1, t * out["sd"].fillna(0.0) / np.sqrt(out["n"]), 0.0)
    out["ci_low"], out["ci_high"] = out["mean"] - half, out["mean"] + half
    out["sd"] = out["sd"].fillna(0.0)
    return out[by + ["mean", "ci_low", "ci_high", "sd", "n"]]


def paired_difference(tidy: pd.DataFrame, treatment: str, control: str,
                      column: str = "feed") -> pd.DataFrame:
    """Seed-by-seed difference ``treatment - control`` of every metric (and step, if any):
    a tidy frame with ``feed`` set to ``"<treatment> - <control>"``. Because the feeds of one
    seed share a world and the run's seed, the pairing removes the world-to-world variation
    that both share; summarise it with :func:`summarize`.

    >>> tidy = pd.DataFrame({"seed": [0, 0, 1, 1], "feed": ["a", "b", "a", "b"],
    ...                      "metric": "m", "value": [3.0, 1.0, 5.0, 2.0]})
    >>> paired_difference(tidy, "a", "b")["value"].tolist()
    [2.0, 3.0]
    """
    keys = [c for c in tidy.columns if c not in (column, "value")]
    names = set(tidy[column])
    for name in (treatment, control):
        if name not in names:
            raise ValueError(f"paired_difference(): no rows with {column} == {name!r}; "
                             f"choose among {sorted(names)}")
    a = tidy[tidy[column] == treatment].set_index(keys)["value"]
    b = tidy[tidy[column] == control].set_index(keys)["value"]
    diff = (a - b).dropna().rename("value").reset_index()
    diff[column] = f"{treatment} - {control}"
    first = [c for c in ("seed", column, "step") if c in diff.columns]
    return diff[first + [c for c in diff.columns if c not in first]]


def share_above(tidy: pd.DataFrame, treatment: str, control: str, metric: str,
                column: str = "feed") -> float:
    """Share of the seeds in which ``treatment``'s ``metric`` is above ``control``'s (seed by
    seed, one value per seed: a scorecard frame). 1.0 means: in every seed tested; 0.0: in
    none (the control is at least as high everywhere).

    >>> tidy = pd.DataFrame({"seed": [0, 0, 1, 1], "feed": ["a", "b", "a", "b"],
    ...                      "metric": "m", "value": [3.0, 1.0, 1.0, 2.0]})
    >>> share_above(tidy, "a", "b", "m")
    0.5
    """
    diff = paired_difference(tidy[tidy["metric"] == metric], treatment, control, column)
    if diff.empty:
        raise ValueError(f"share_above(): no seeds with both {treatment!r} and {control!r} "
                         f"for metric {metric!r}")
    if "step" in diff.columns:
        raise ValueError("share_above() compares one value per seed: pass scorecards(tidy)")
    return float((diff["value"] > 0).mean())


def _shown(mean: float, low: float, high: float, digits: int) -> str:
    return f"{mean:.{digits}f} [{low:.{digits}f}, {high:.{digits}f}]"


def interval_table(tidy: pd.DataFrame, metrics: Sequence[str] | None = None,
                   index: str = "feed", digits: int = 3) -> pd.DataFrame:
    """A readable table: one row per ``index`` value, one column per metric, each cell
    "mean [ci_low, ci_high]" over the seeds (one value per seed: a scorecard frame).

    >>> tidy = pd.DataFrame({"seed": [0, 1], "feed": "a", "metric": "m", "value": [1.0, 3.0]})
    >>> interval_table(tidy, digits=1).loc["a", "m"]
    '2.0 [-10.7, 14.7]'
    """
    metrics = list(dict.fromkeys(tidy["metric"])) if metrics is None else list(metrics)
    table = summarize(tidy[tidy["metric"].isin(metrics)], by=[index, "metric"])
    table["shown"] = [_shown(m, lo, hi, digits) for m, lo, hi in
                      zip(table["mean"], table["ci_low"], table["ci_high"], strict=True)]
    wide = table.pivot(index=index, columns="metric", values="shown")
    order = list(dict.fromkeys(tidy[index]))
    return wide.loc[[i for i in order if i in wide.index], metrics]


def difference_table(tidy: pd.DataFrame, control: str, metrics: Sequence[str] | None = None,
                     column: str = "feed", digits: int = 3) -> pd.DataFrame:
    """Every other ``column`` value minus ``control``, seed by seed: "mean [ci_low, ci_high]"
    of the paired differences, and in how many seeds the difference is positive.

    >>> tidy = pd.DataFrame({"seed": [0, 0, 1, 1], "feed": ["a", "b", "a", "b"],
    ...                      "metric": "m", "value": [3.0, 1.0, 5.0, 2.0]})
    >>> difference_table(tidy, "b", digits=1).loc["a - b", "m"]
    '2.5 [-3.9, 8.9] (2/2 seeds > 0)'
    """
    metrics = list(dict.fromkeys(tidy["metric"])) if metrics is None else list(metrics)
    rows = {}
    for name in dict.fromkeys(tidy[column]):
        if name == control:
            continue
        diff = paired_difference(tidy[tidy["metric"].isin(metrics)], name, control, column)
        cells = {}
        for metric, values in diff.groupby("metric", sort=False)["value"]:
            low, high = interval(values)
            cells[metric] = (f"{_shown(values.mean(), low, high, digits)} "
                             f"({int((values > 0).sum())}/{values.size} seeds > 0)")
        rows[f"{name} - {control}"] = cells
    return pd.DataFrame(rows).T[metrics]


def holds_in_every_seed(tidy: pd.DataFrame, condition: Callable[[pd.Series], Any]) -> float:
    """Share of seeds in which ``condition(values)`` is true, ``values`` being the seed's
    ``value`` column (indexed like the rest of its rows). 1.0 means: in every seed tested.

    >>> tidy = pd.DataFrame({"seed": [0, 1, 2], "value": [0.2, 0.1, -0.1]})
    >>> holds_in_every_seed(tidy, lambda v: (v > 0).all())
    0.6666666666666666
    """
    results = [bool(condition(group["value"])) for _, group in tidy.groupby("seed")]
    return float(np.mean(results))


# ------------------------------------------------------------------------------------------------
# Plotting (seaborn, with the intervals of summarize)
# ------------------------------------------------------------------------------------------------
def _errorbar(rows: pd.DataFrame, confidence: float) -> tuple[str, float]:
    """seaborn's ``("se", scale)`` error bar with the t quantile as the scale: the same
    interval as :func:`interval` for groups of one value per seed, computed by seaborn's own
    (fast) aggregation instead of a Python call per group."""
    n = rows["seed"].nunique() if "seed" in rows else len(rows)
    return ("se", float(stats.t.ppf(0.5 + confidence / 2, max(n - 1, 1))))


def lineplot(tidy: pd.DataFrame, metric: str, ax: Any = None, hue: str = "feed",
             palette: Any = None, confidence: float = CONFIDENCE, **kwargs: Any) -> Any:
    """The mean of ``metric`` over steps, one line per ``hue``, with a band for the t
    confidence interval across seeds (seaborn's ``lineplot``; the band is mean +- t x standard
    error, the interval of :func:`summarize`). Returns the axes.
    """
    import seaborn as sns

    rows = tidy[tidy["metric"] == metric]
    if rows.empty:
        raise ValueError(f"lineplot(): no rows with metric == {metric!r}; choose among "
                         f"{sorted(set(tidy['metric']))}")
    return sns.lineplot(data=rows, x="step", y="value", hue=hue if hue in rows else None,
                        errorbar=_errorbar(rows, confidence), palette=palette, ax=ax,
                        **kwargs)


def pointplot(tidy: pd.DataFrame, metric: str, ax: Any = None, x: str = "feed",
              palette: Any = None, confidence: float = CONFIDENCE, seeds: bool = True,
              **kwargs: Any) -> Any:
    """The mean of ``metric`` per ``x`` (one value per seed) with its t confidence interval
    (seaborn's ``pointplot``, no connecting line), over the values of the single seeds
    (small open dots, ``seeds=True``), so that "in every seed" can be read off the plot.
    Returns the axes."""
    import seaborn as sns

    rows = tidy[tidy["metric"] == metric]
    if rows.empty:
        raise ValueError(f"pointplot(): no rows with metric == {metric!r}; choose among "
                         f"{sorted(set(tidy['metric']))}")
    hue = x if palette is not None else None
    if seeds:
        ax = sns.stripplot(data=rows, x=x, y="value", hue=hue, palette=palette, ax=ax,
                           order=kwargs.get("order"), legend=False, jitter=0.15, size=4,
                           alpha=0.6, marker="o", linewidth=0.8, zorder=1)
    kwargs.setdefault("linestyle", "none")
    kwargs.setdefault("capsize", 0.2)
    kwargs.setdefault("markersize", 8)
    return sns.pointplot(data=rows, x=x, y="value", hue=hue,
                         errorbar=_errorbar(rows, confidence), palette=palette, ax=ax,
                         legend=False, **kwargs)
