"""The capstone's dashboard: score a feed's ranking policy in a simulated news world.

A **ranking policy** is the simulation's re-ranker (see :mod:`course.simulation`): a function
``policy(scores, view, k) -> (n_users, k) item indices``, best first. ``scores`` are what the
platform's recommender predicts each user will engage with (``-inf`` for items the user cannot
be shown: already read, or not readable any more); ``view`` is a
:class:`course.simulation.FeedView`, what a platform knows: the items' topic, slant and
publication step, and *estimates* from logged behaviour - click-through rates
(``view.item_ctr()``), satisfaction surveys (``view.item_satisfaction()``), what each user read.
The truth is not in it: an item's real quality and engagement pull, whether it is false
(fact-checks come later, see :mod:`course.cascade`) and users' true tastes are hidden from the
platform, and reading them raises an error. :func:`uses_hidden_information` also looks for
such names in the policy's code (for example through a notebook's global ``world``).

:func:`evaluate` runs the feedback loop of :func:`course.simulation.run` with the policy in a
news world drawn by :func:`make_world` (a polarized audience, fresh stories every step, 10%
of them false: they pull clicks and disappoint their readers) and reports the five figures of
the **dashboard**:

=======================  ===============================================================  ======
figure                   what it is                                                       better
=======================  ===============================================================  ======
``engagement``           share of users who click something in their feed, per step       higher
``satisfaction``         expected true utility a user gets from their feed, per step      higher
``diversity``            normalized topic entropy of what each user consumed (mean)       higher
``polarization``         distance between the two groups' mean consumed slant             lower
``misinformation_reach`` share of users a false item reached, averaged over false items   lower
=======================  ===============================================================  ======

Engagement and satisfaction are averaged over the steps after the random warm-up; the other
three describe the end of the run. No single policy wins on every figure: the capstone asks
which trade-off a feed can defend. One world is one draw: :func:`dashboard` runs every policy
in the worlds of several seeds, and :func:`plot_dashboard` shows means with 95% intervals.

Example
-------
>>> from course import simulation
>>> row = evaluate(simulation.top_k, seed=1, n_users=200, n_items=200, steps=8)
>>> list(row.index) == list(METRICS)
True
>>> bool(0 <= row["misinformation_reach"] <= 1)
True
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from course import simulation
from course.style import PALETTE, label

__all__ = ["METRICS", "HIGHER_IS_BETTER", "WORLD", "RUN", "make_world", "misinformation_reach",
           "check_policy", "uses_hidden_information", "evaluate", "dashboard", "summary",
           "versus", "plot_dashboard"]

Policy = Callable[[np.ndarray, simulation.World, int], np.ndarray]

METRICS = ("engagement", "satisfaction", "diversity", "polarization", "misinformation_reach")
HIGHER_IS_BETTER = {"engagement": True, "satisfaction": True, "diversity": True,
                    "polarization": False, "misinformation_reach": False}

#: The capstone world: two ideological groups, fresh stories (readable for 8 steps), 10% of them
#: false: they draw clicks and leave their readers less satisfied.
WORLD: dict[str, Any] = dict(n_users=600, n_items=800, n_topics=8, polarization=0.6,
                             false_share=0.1, false_pull=0.5, lifetime=8)
#: How the feed runs: 25 steps of 10-item slates; users skip their feed fairly often
#: (``outside=0.8``), so engagement is not saturated.
RUN: dict[str, Any] = dict(steps=25, k=10, outside=0.8, warmup_steps=2)

#: What a platform cannot know while ranking (see the module docstring): the FeedView refuses
#: them, and :func:`uses_hidden_information` looks for them in a policy's code.
HIDDEN_FIELDS = ("item_false", "item_pull", "item_quality", "user_topics", "user_ideology",
                 "user_group", "true_tastes")


def make_world(seed: int = 0, steps: int | None = None, **overrides: Any) -> simulation.World:
    """The capstone's simulated world (:data:`WORLD`, any field overridable), seeded; stories
    are published over ``steps`` (default :data:`RUN`'s).

    >>> w = make_world(seed=3, n_users=50, n_items=80)
    >>> w.n_users, w.n_items, bool(w.item_false.any()), w.lifetime
    (50, 80, True, 8)
    """
    settings = {**WORLD, **overrides}
    if settings.get("lifetime") is not None:
        settings.setdefault("horizon", RUN["steps"] if steps is None else steps)
    return simulation.make_world(**settings, seed=seed)


def misinformation_reach(consumed: sp.spmatrix | np.ndarray, item_false: np.ndarray) -> float:
    """Share of users each false item reached (consumed by), averaged over the false items.

    ``consumed`` is the (n_users, n_items) 0/1 matrix of who consumed what; ``item_false`` the
    items' truth labels. Without false items the reach is 0.

    >>> consumed = np.array([[1, 1, 0], [0, 1, 0], [0, 1, 1], [0, 0, 0]])
    >>> misinformation_reach(consumed, np.array([True, False, True]))    # (1/4 + 1/4) / 2
    0.25
    """
    item_false = np.asarray(item_false, dtype=bool)
    if consumed.shape[1] != item_false.shape[0]:
        raise ValueError(f"consumed has {consumed.shape[1]} items but item_false has "
                         f"{item_false.shape[0]}: they must describe the same items")
    if not item_false.any():
        return 0.0
    per_item = np.asarray((consumed[:, item_false] > 0).sum(axis=0)).ravel() / consumed.shape[0]
    return float(per_item.mean())


def _example_view(seed: int = 0) -> simulation.FeedView:
    """A realistic view to try a policy on: after a few steps of a small capstone world."""
    world = make_world(seed=seed, n_users=60, n_items=120, steps=6)
    result = simulation.run(world, simulation.make_recommender("popularity", world), 4, k=10,
                            seed=seed, progress=False)
    return result.view()


def check_policy(policy: Policy, view: simulation.FeedView | None = None, k: int = 10,
                 seed: int = 0) -> np.ndarray:
    """Call ``policy`` once on random scores (some items not showable) and check what it
    returns: an int array of shape (n_users, k), valid item indices, no item twice in a slate,
    no unshowable item while others remain. Returns the slates; raises ``ValueError`` saying
    what is wrong otherwise (an ``AttributeError`` for reading what a platform cannot see).

    >>> from course import simulation
    >>> check_policy(simulation.top_k).shape
    (60, 10)
    """
    if not callable(policy):
        raise ValueError(f"a policy must be a function policy(scores, view, k), got "
                         f"{type(policy).__name__}")
    view = _example_view(seed) if view is None else view
    rng = np.random.default_rng(seed)
    scores = rng.random((view.n_users, view.n_items))
    scores[:, ~view.available] = -np.inf                           # not readable now
    scores[rng.random(scores.shape) < 0.2] = -np.inf               # consumed items
    slates = policy(scores.copy(), view, k)
    if slates is None:
        raise ValueError("the policy returned None: it must return the slates (an array)")
    slates = np.asarray(slates)
    if slates.shape != (view.n_users, k):
        raise ValueError(f"the policy returned shape {slates.shape}; it must return one row of "
                         f"k={k} item indices per user: shape {(view.n_users, k)}")
    if not np.issubdtype(slates.dtype, np.integer):
        raise ValueError(f"the slates must be integer item indices, got dtype {slates.dtype} "
                         "(did you return scores instead of indices? use np.argsort or top_k)")
    if slates.min() < 0 or slates.max() >= view.n_items:
        raise ValueError(f"item indices must be between 0 and {view.n_items - 1}")
    if (np.diff(np.sort(slates, axis=1), axis=1) == 0).any():
        raise ValueError("a slate shows the same item twice: each row needs k different items")
    if np.isinf(np.take_along_axis(scores, slates, axis=1)).any():
        raise ValueError("the policy recommends items the user cannot be shown (their score "
                         "is -inf: already read, or no longer readable); leave them out")
    return slates


def _names(code: Any) -> set[str]:
    """Every attribute and global name a function's code (and nested code) refers to."""
    names = set(code.co_names)
    for const in code.co_consts:
        if hasattr(const, "co_names"):
            names |= _names(const)
    return names


def uses_hidden_information(policy: Policy) -> list[str]:
    """The fields a platform cannot know (:data:`HIDDEN_FIELDS`) that ``policy``'s code refers
    to, e.g. ``world.item_false`` through a notebook's global world. (The view a policy gets
    has none of them; this catches a policy that finds the true world another way.) An empty
    list means the policy plays fair.

    >>> from course import simulation
    >>> uses_hidden_information(simulation.top_k)
    []
    >>> uses_hidden_information(lambda scores, view, k: view.item_pull)
    ['item_pull']
    """
    code = getattr(policy, "__code__", None)
    if code is None:        # a callable object: look at its class's __call__
        method = vars(type(policy)).get("__call__")
        code = getattr(method, "__code__", None)
    if code is None:
        return []
    found = _names(code)
    return [name for name in HIDDEN_FIELDS if name in found]


def evaluate(policy: Policy | None, seed: int = 0, *, recommender: str = "mf",
             world: simulation.World | None = None, **settings: Any) -> pd.Series:
    """Run the feed with ``policy`` (None: plain top-k by predicted engagement) in the capstone
    world of ``seed`` and return its dashboard row (:data:`METRICS`).

    ``settings`` override :data:`WORLD` (``n_users``, ``n_items``...) and :data:`RUN`
    (``steps``, ``k``, ``outside``...). ``recommender`` is one of
    :data:`course.simulation.RECOMMENDERS`. The same seed gives the same row (the engagement
    feed's rows are kept and reused within a session).
    """
    cache_key = None
    if policy is None and world is None:       # the engagement feed: deterministic, reused
        cache_key = (seed, recommender, tuple(sorted(settings.items())))
        if cache_key in _ENGAGEMENT_RUNS:
            return _ENGAGEMENT_RUNS[cache_key].copy()
    world_settings = {k: settings.pop(k) for k in list(settings)
                      if k in WORLD or k == "horizon"}
    run_settings = {**RUN, **settings}
    if world is None:
        world = make_world(seed=seed, steps=run_settings["steps"], **world_settings)
    if policy is not None:
        check_policy(policy, k=run_settings["k"])
    result = simulation.run(world, simulation.make_recommender(recommender, world, seed=seed),
                            reranker=policy, seed=seed, progress=False, **run_settings)
    m = result.metrics
    after_warmup = m.iloc[min(run_settings["warmup_steps"], len(m) - 1):]
    row = pd.Series({
        "engagement": float(after_warmup["click_rate"].mean()),
        "satisfaction": float(after_warmup["utility"].mean()),
        "diversity": float(m["diversity"].iloc[-1]),
        "polarization": float(m["group_distance"].iloc[-1]),
        "misinformation_reach": misinformation_reach(result.consumed, result.world.item_false),
    }, name=getattr(policy, "__name__", type(policy).__name__) if policy else "engagement")
    if cache_key is not None:
        _ENGAGEMENT_RUNS[cache_key] = row.copy()
    return row


#: The engagement feed's rows by (seed, recommender, settings): self-checks and tests compare
#: many policies with it in the same worlds, and the same seed always gives the same row.
_ENGAGEMENT_RUNS: dict[tuple, pd.Series] = {}


def dashboard(policies: Mapping[str, Policy | None], seeds: Iterable[int] = (0,),
              **settings: Any) -> pd.DataFrame:
    """:func:`evaluate` each named policy in the world of every seed (all policies share each
    seed's world): a tidy frame with columns ``policy``, ``seed``, ``metric``, ``value``. Every
    run gets a fresh copy of its policy, so a policy that keeps state (a bandit) starts afresh.
    Summarise it with :func:`summary` and draw it with :func:`plot_dashboard`.

    >>> from course import simulation
    >>> t = dashboard({"engagement": None}, seeds=[2, 3], n_users=100, n_items=120, steps=4)
    >>> t.shape, sorted(set(t["seed"]))
    ((10, 4), [2, 3])
    """
    rows = []
    for seed in seeds:
        for name, policy in policies.items():
            row = evaluate(copy.deepcopy(policy), seed, **dict(settings))
            rows.append(pd.DataFrame({"policy": name, "seed": int(seed),
                                      "metric": row.index, "value": row.to_numpy()}))
    return pd.concat(rows, ignore_index=True)


def summary(tidy: pd.DataFrame) -> pd.DataFrame:
    """Mean of each figure per policy over the seeds (one row per policy, columns
    :data:`METRICS`); :func:`course.replication.summarize` gives the intervals.

    >>> t = dashboard({"engagement": None}, seeds=[2], n_users=100, n_items=120, steps=4)
    >>> summary(t).shape
    (1, 5)
    """
    wide = tidy.pivot_table(index="policy", columns="metric", values="value", sort=False)
    return wide[list(METRICS)]


def versus(tidy: pd.DataFrame, policy: str, baseline: str = "engagement") -> pd.Series:
    """Each figure of ``policy`` relative to ``baseline`` (ratio of the means over the seeds
    both were run in): 1.0 is "the same as the engagement feed".

    >>> t = dashboard({"engagement": None, "same": None}, seeds=[2], n_users=100,
    ...               n_items=120, steps=4)
    >>> versus(t, "same").round(6).tolist()
    [1.0, 1.0, 1.0, 1.0, 1.0]
    """
    means = summary(tidy)
    for name in (policy, baseline):
        if name not in means.index:
            raise ValueError(f"versus(): no policy {name!r} in the table; it has "
                             f"{list(means.index)}")
    with np.errstate(divide="ignore", invalid="ignore"):
        return (means.loc[policy] / means.loc[baseline]).rename(f"{policy} / {baseline}")


def plot_dashboard(tidy: pd.DataFrame, axes=None):
    """One panel per figure of the dashboard (a row of five): each policy's mean over the
    seeds with its 95% confidence interval; returns the figure. Each panel's title says
    whether higher or lower is better.
    """
    import matplotlib.pyplot as plt

    from course import replication

    if not {"policy", "seed", "metric", "value"} <= set(tidy.columns):
        raise ValueError("plot_dashboard() needs the tidy table of capstone.dashboard()")
    missing = [m for m in METRICS if m not in set(tidy["metric"])]
    if missing:
        raise ValueError(f"the table lacks {missing}: make it with capstone.dashboard()")
    if axes is None:
        fig, axes = plt.subplots(1, len(METRICS), figsize=(13, 3.8), constrained_layout=True)
    else:
        fig = np.ravel(axes)[0].figure
    names = list(dict.fromkeys(tidy["policy"]))
    colours = {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(names)}
    for ax, metric in zip(np.ravel(axes), METRICS, strict=True):
        replication.pointplot(tidy, metric, ax=ax, x="policy", palette=colours,
                              order=names)
        ax.tick_params(axis="x", labelrotation=35)
        for text in ax.get_xticklabels():
            text.set_horizontalalignment("right")
        better = "higher" if HIGHER_IS_BETTER[metric] else "lower"
        nice = metric.replace("_", " ")
        label(ax, f"{nice}\n({better} is better)", "", nice)
        ax.title.set_fontsize(11)
    return fig
