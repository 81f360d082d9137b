"""The capstone's dashboard: score a feed's ranking policy in a simulated news world.

A **ranking policy** is the simulation's re-ranker (see :mod:`course.simulation`): a function
``policy(scores, world, k) -> (n_users, k) item indices``, best first. ``scores`` are what the
platform's recommender predicts each user will engage with (``-inf`` for items the user has
already consumed); ``world`` carries what a platform knows about its items (``item_topic``,
``item_topics``, ``item_slant``, ``item_quality``, ``item_pull``). A policy must not read what a
platform cannot know: the truth label ``item_false`` (fact-checks come later, see
:mod:`course.cascade`) and users' true tastes (``user_topics``, ``user_ideology``,
``user_group``); :func:`uses_hidden_information` checks this.

:func:`evaluate` runs the feedback loop of :func:`course.simulation.run` with the policy in a
world drawn by :func:`make_world` (a polarized audience, 5% false items that pull clicks) and
reports the five figures of the **dashboard**:

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
which trade-off a feed can defend.

Example
-------
>>> from course import simulation
>>> row = evaluate(simulation.top_k, seed=1, n_users=200, n_items=150, steps=8)
>>> list(row.index) == list(METRICS)
True
>>> bool(0 <= row["misinformation_reach"] <= 1)
True
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from course import simulation
from course.style import PALETTE, label

__all__ = ["METRICS", "HIGHER_IS_BETTER", "WORLD", "RUN", "make_world", "misinformation_reach",
           "check_policy", "uses_hidden_information", "evaluate", "dashboard",
           "plot_dashboard"]

Policy = Callable[[np.ndarray, simulation.World, int], np.ndarray]

METRICS = ("engagement", "satisfaction", "diversity", "polarization", "misinformation_reach")
HIGHER_IS_BETTER = {"engagement": True, "satisfaction": True, "diversity": True,
                    "polarization": False, "misinformation_reach": False}

#: The capstone world: two ideological groups, and 5% false items that draw clicks.
WORLD: dict[str, Any] = dict(n_users=600, n_items=400, n_topics=8, polarization=0.6,
                             false_share=0.05, false_pull=0.5)
#: How the feed runs: 25 steps of 10-item slates; users skip their feed fairly often
#: (``outside=0.8``), so engagement is not saturated.
RUN: dict[str, Any] = dict(steps=25, k=10, outside=0.8, warmup_steps=2)

#: What a platform cannot know while ranking (see the module docstring).
HIDDEN_FIELDS = ("item_false", "user_topics", "user_ideology", "user_group")


def make_world(seed: int = 0, **overrides: Any) -> simulation.World:
    """The capstone's simulated world (:data:`WORLD`, any field overridable), seeded.

    >>> w = make_world(seed=3, n_users=50, n_items=40)
    >>> w.n_users, w.n_items, bool(w.item_false.any())
    (50, 40, True)
    """
    return simulation.make_world(**{**WORLD, **overrides}, seed=seed)


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


def check_policy(policy: Policy, world: simulation.World | None = None, k: int = 10,
                 seed: int = 0) -> np.ndarray:
    """Call ``policy`` once on random scores (some items consumed) and check what it returns:
    an int array of shape (n_users, k), valid item indices, no item twice in a slate, no
    consumed item while others remain. Returns the slates; raises ``ValueError`` saying what is
    wrong otherwise.

    >>> from course import simulation
    >>> check_policy(simulation.top_k, make_world(n_users=20, n_items=30)).shape
    (20, 10)
    """
    if not callable(policy):
        raise ValueError(f"a policy must be a function policy(scores, world, k), got "
                         f"{type(policy).__name__}")
    world = make_world(seed=seed, n_users=60, n_items=50) if world is None else world
    rng = np.random.default_rng(seed)
    scores = rng.random((world.n_users, world.n_items))
    scores[rng.random(scores.shape) < 0.2] = -np.inf               # consumed items
    slates = policy(scores.copy(), world, k)
    if slates is None:
        raise ValueError("the policy returned None: it must return the slates (an array)")
    slates = np.asarray(slates)
    if slates.shape != (world.n_users, k):
        raise ValueError(f"the policy returned shape {slates.shape}; it must return one row of "
                         f"k={k} item indices per user: shape {(world.n_users, k)}")
    if not np.issubdtype(slates.dtype, np.integer):
        raise ValueError(f"the slates must be integer item indices, got dtype {slates.dtype} "
                         "(did you return scores instead of indices? use np.argsort or top_k)")
    if slates.min() < 0 or slates.max() >= world.n_items:
        raise ValueError(f"item indices must be between 0 and {world.n_items - 1}")
    if (np.diff(np.sort(slates, axis=1), axis=1) == 0).any():
        raise ValueError("a slate shows the same item twice: each row needs k different items")
    if np.isinf(np.take_along_axis(scores, slates, axis=1)).any():
        raise ValueError("the policy recommends items the user already consumed (their score "
                         "is -inf); leave them out")
    return slates


def uses_hidden_information(policy: Policy, world: simulation.World | None = None,
                            k: int = 10, seed: int = 0) -> list[str]:
    """The fields a platform cannot know (:data:`HIDDEN_FIELDS`) whose values change the
    policy's slates: each is scrambled in a copy of the world and the slates compared.
    An empty list means the policy plays fair.

    >>> from course import simulation
    >>> uses_hidden_information(simulation.top_k)
    []
    """
    world = make_world(seed=seed, n_users=60, n_items=50) if world is None else world
    rng = np.random.default_rng(seed)
    scores = rng.random((world.n_users, world.n_items))
    baseline = np.asarray(policy(scores.copy(), world.copy(), k))
    used = []
    for name in HIDDEN_FIELDS:
        scrambled = world.copy()
        value = getattr(scrambled, name)
        setattr(scrambled, name, rng.permutation(value) if name != "item_false"
                else ~value)
        if not np.array_equal(np.asarray(policy(scores.copy(), scrambled, k)), baseline):
            used.append(name)
    return used


def evaluate(policy: Policy | None, seed: int = 0, *, recommender: str = "mf",
             world: simulation.World | None = None, **settings: Any) -> pd.Series:
    """Run the feed with ``policy`` (None: plain top-k by predicted engagement) in the capstone
    world of ``seed`` and return its dashboard row (:data:`METRICS`).

    ``settings`` override :data:`WORLD` (``n_users``, ``n_items``...) and :data:`RUN`
    (``steps``, ``k``, ``outside``...). ``recommender`` is one of
    :data:`course.simulation.RECOMMENDERS`. The same seed gives the same row.
    """
    world_settings = {k: settings.pop(k) for k in list(settings) if k in WORLD}
    run_settings = {**RUN, **settings}
    if world is None:
        world = make_world(seed=seed, **world_settings)
    if policy is not None:
        check_policy(policy, k=run_settings["k"])
    result = simulation.run(world, simulation.make_recommender(recommender, world, seed=seed),
                            reranker=policy, seed=seed, progress=False, **run_settings)
    m = result.metrics
    after_warmup = m.iloc[min(run_settings["warmup_steps"], len(m) - 1):]
    return pd.Series({
        "engagement": float(after_warmup["click_rate"].mean()),
        "satisfaction": float(after_warmup["utility"].mean()),
        "diversity": float(m["diversity"].iloc[-1]),
        "polarization": float(m["group_distance"].iloc[-1]),
        "misinformation_reach": misinformation_reach(result.consumed, result.world.item_false),
    }, name=getattr(policy, "__name__", type(policy).__name__) if policy else "top_k")


def dashboard(policies: Mapping[str, Policy | None], seed: int = 0, **settings: Any
              ) -> pd.DataFrame:
    """:func:`evaluate` each named policy in the same world (same seed): one row per policy.

    >>> from course import simulation
    >>> t = dashboard({"engagement": None}, seed=2, n_users=100, n_items=80, steps=4)
    >>> t.index.tolist(), t.shape[1]
    (['engagement'], 5)
    """
    rows = {name: evaluate(policy, seed, **dict(settings)) for name, policy in policies.items()}
    return pd.DataFrame(rows).T.rename_axis("policy")[list(METRICS)]


def plot_dashboard(table: pd.DataFrame, axes=None):
    """One bar chart per figure of the dashboard (a row of five panels); returns the figure.

    Each panel's title says whether higher or lower is better.
    """
    import matplotlib.pyplot as plt

    missing = [m for m in METRICS if m not in table.columns]
    if missing:
        raise ValueError(f"the table lacks {missing}: make it with capstone.dashboard()")
    if axes is None:
        fig, axes = plt.subplots(1, len(METRICS), figsize=(16, 3.6), constrained_layout=True)
    else:
        fig = np.ravel(axes)[0].figure
    colours = [PALETTE[i % len(PALETTE)] for i in range(len(table))]
    for ax, metric in zip(np.ravel(axes), METRICS, strict=True):
        ax.bar(range(len(table)), table[metric].to_numpy(dtype=float), color=colours)
        ax.set_xticks(range(len(table)), table.index, rotation=30, ha="right")
        better = "higher" if HIGHER_IS_BETTER[metric] else "lower"
        label(ax, f"{metric.replace('_', ' ')}\n({better} is better)", "policy", metric)
    return fig
