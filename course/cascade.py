"""Misinformation cascades on a synthetic social graph, with fact-checking and its policies.

The model, step by step (vectorized over items)
-----------------------------------------------
* A **social graph** (:func:`make_social_graph`): networkx's Holme-Kim power-law cluster graph,
  so a few accounts have very many friends and friends of friends are often friends.
* **Items** (:func:`make_items`): posts with a truth label (``is_false``), an *engagement pull*
  (how likely someone who sees it shares it), a first poster and a posting step.
* When a user **shares** an item, each friend *sees* it in their feed with probability
  ``visibility[i]``; a friend with ``c`` sharing friends sees it with probability
  ``1 - (1 - visibility[i]) ** c`` (:func:`see_probability`). Under **engagement ranking** the
  feed shows high-pull items more (``visibility = base_visibility * (pull / mean pull) **
  engagement_boost``, at most 1); a **chronological** feed shows everything with
  ``base_visibility``.
* **False news' advantage, counted once.** Vosoughi, Roy & Aral (2018) found false stories 70%
  more likely to be retweeted than true ones (:data:`course.facts.FALSE_NEWS_RETWEET_ADVANTAGE`),
  an outcome of people's choices *and* of the feeds they used. Under the engagement feed an item
  is passed on at a rate proportional to ``visibility * pull``, so the default splits the 1.7 in
  two: false items' mean pull is ``sqrt(1.7)`` times true items' (:data:`FALSE_PULL_RATIO`), and
  the engagement feed's visibility adds the other ``sqrt(1.7)``. Under a chronological feed
  only the first half remains. The split is an assumption, not a measurement.
* **Spreading threshold.** A post reached through a friendship arrives at someone with, on
  average, :func:`mean_excess_degree` other friends (``<k^2>/<k> - 1``, far above the mean
  degree when a few people have very many friends), so it keeps spreading when
  :func:`reproduction_number` ``= mean excess degree * visibility * pull`` exceeds 1.
* A user who sees an item for the first time shares it with probability ``pull[i]`` (then their
  friends may see it at the next step). Nobody sees or shares the same item twice.
* **Fact-checking** with limited capacity and delay: from ``delay`` steps after posting an item
  can be checked; each step the checkers take the ``capacity`` eligible, not yet checked items
  with the largest reach (:func:`fact_check_queue`). A checked false item is flagged and the
  **policy** applies from the next step: ``"none"`` (a label nobody acts on), ``"downrank"``
  (visibility of each share multiplied by ``downrank_factor``) or ``"remove"`` (no one else
  sees it). Facebook states the *outcome* of its demotion (about 80% fewer future views,
  :data:`course.facts.FALSE_RATING_VIEW_CUT`), not a per-share factor: :func:`future_view_cut`
  measures the outcome of a factor and :func:`calibrate_downrank` finds the factor that gives
  a target cut.
* **Reach** of an item = the number of users who saw it (its poster included).

Runs with the same ``seed`` draw the same random numbers, so comparing policies on one seed is a
paired comparison: differences come from the policy, not from luck.

Example
-------
>>> g = make_social_graph(n_users=500, seed=0)
>>> items = make_items(n_items=60, n_users=500, seed=0)
>>> none = spread(g, items, policy="none", capacity=5, delay=2, seed=0)
>>> removed = spread(g, items, policy="remove", capacity=5, delay=2, seed=0)
>>> bool(removed.summary()["false_reach"] <= none.summary()["false_reach"])
True
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp

from course import facts

__all__ = [
    "make_social_graph", "make_items", "see_probability", "fact_check_queue", "spread",
    "CascadeResult", "compare_policies", "POLICIES", "FALSE_PULL_RATIO", "mean_excess_degree",
    "reproduction_number", "future_view_cut", "calibrate_downrank", "compare_over_seeds",
]

POLICIES = ("none", "downrank", "remove")

#: Default ratio of false to true items' mean pull: half (on a log scale) of Vosoughi et al.'s
#: 70% retweet advantage; the engagement feed's visibility adds the other half.
FALSE_PULL_RATIO: float = float(np.sqrt(1 + facts.FALSE_NEWS_RETWEET_ADVANTAGE))


def make_social_graph(n_users: int = 2000, n_friends: int = 4, triangle_prob: float = 0.3,
                      seed: int = 0) -> nx.Graph:
    """A seeded synthetic friendship graph with a heavy-tailed degree distribution and clustering
    (:func:`networkx.powerlaw_cluster_graph`; each new user befriends ``n_friends`` others).

    >>> g = make_social_graph(n_users=100, seed=1)
    >>> g.number_of_nodes(), nx.is_connected(g)
    (100, True)
    """
    if n_users <= n_friends:
        raise ValueError(f"make_social_graph(): n_users ({n_users}) must exceed n_friends "
                         f"({n_friends})")
    return nx.powerlaw_cluster_graph(n_users, n_friends, triangle_prob, seed=seed)


def make_items(n_items: int = 200, n_users: int = 2000, *, false_share: float = 0.2,
               true_pull: float = 0.15, false_pull: float | None = None,
               post_window: int = 10, seed: int = 0) -> pd.DataFrame:
    """Posts with a truth label, an engagement pull (share probability), a poster and a step.

    Pulls are drawn from Beta distributions with means ``true_pull`` and ``false_pull``
    (default ``true_pull * FALSE_PULL_RATIO``, see the module docstring); posting steps are
    uniform over the first ``post_window`` steps.

    >>> items = make_items(n_items=10, n_users=50, seed=0)
    >>> list(items.columns)
    ['is_false', 'pull', 'poster', 'post_step']
    """
    if not 0 <= false_share <= 1:
        raise ValueError("make_items(): false_share must be between 0 and 1")
    if false_pull is None:
        false_pull = true_pull * FALSE_PULL_RATIO
    for name, mean in [("true_pull", true_pull), ("false_pull", false_pull)]:
        if not 0 < mean < 1:
            raise ValueError(f"make_items(): {name} is a probability, between 0 and 1")
    rng = np.random.default_rng(seed)
    is_false = np.zeros(n_items, dtype=bool)
    is_false[rng.permutation(n_items)[:round(false_share * n_items)]] = True
    strength = 20.0
    mean = np.where(is_false, false_pull, true_pull)
    pull = rng.beta(strength * mean, strength * (1 - mean))
    return pd.DataFrame({
        "is_false": is_false,
        "pull": pull,
        "poster": rng.integers(0, n_users, n_items),
        "post_step": rng.integers(0, max(post_window, 1), n_items),
    }, index=pd.RangeIndex(n_items, name="item"))


def see_probability(sharing_friends: np.ndarray, visibility: np.ndarray) -> np.ndarray:
    """Probability of seeing an item when ``sharing_friends`` friends shared it, each share
    shown with probability ``visibility`` (per item, broadcast over the last axis).

    >>> see_probability(np.array([[0, 1, 2]]), np.array([0.5]))
    array([[0.  , 0.5 , 0.75]])
    """
    c = np.asarray(sharing_friends, dtype=float)
    v = np.asarray(visibility, dtype=float)
    if v.ndim == 1 and c.ndim == 2:
        v = v[:, None]
    return 1.0 - (1.0 - v) ** c


def fact_check_queue(reach: np.ndarray, eligible: np.ndarray, capacity: int) -> np.ndarray:
    """Indices of the items checked this step: the ``capacity`` eligible items with the largest
    reach (ties: lower index first), largest first.

    >>> fact_check_queue(np.array([5, 40, 40, 7]), np.array([True, True, True, False]), 2)
    array([1, 2])
    """
    reach = np.asarray(reach)
    candidates = np.flatnonzero(np.asarray(eligible, dtype=bool))
    if capacity <= 0 or candidates.size == 0:
        return np.empty(0, dtype=np.int64)
    order = np.lexsort((candidates, -reach[candidates]))
    return candidates[order[:capacity]]


@dataclass
class CascadeResult:
    """What :func:`spread` returns.

    ``reach`` is (steps + 1, n_items): how many users had seen each item after each step (row 0:
    before the first step). ``items`` is the item table with columns added: ``reach`` (final),
    ``checked_step`` and ``flagged_step`` (-1 if never). ``exposed`` is the final (n_items,
    n_users) boolean matrix of who saw what.
    """

    reach: np.ndarray
    items: pd.DataFrame
    exposed: np.ndarray
    params: dict

    def summary(self) -> dict[str, float]:
        """Mean final reach of false and of true items, and the false share of all exposures.

        >>> g = make_social_graph(n_users=200, seed=0)
        >>> r = spread(g, make_items(n_items=20, n_users=200, seed=0), seed=0)
        >>> sorted(r.summary())
        ['false_exposure_share', 'false_reach', 'true_reach']
        """
        final = self.items["reach"].to_numpy()
        is_false = self.items["is_false"].to_numpy()
        total = final.sum()
        return {
            "false_reach": float(final[is_false].mean()) if is_false.any() else 0.0,
            "true_reach": float(final[~is_false].mean()) if (~is_false).any() else 0.0,
            "false_exposure_share": float(final[is_false].sum() / total) if total else 0.0,
        }


def spread(graph: nx.Graph, items: pd.DataFrame, *, steps: int = 30,
           ranking: str = "engagement", base_visibility: float = 0.3, policy: str = "none",
           capacity: int = 5, delay: int = 3, downrank_factor: float = 0.2,
           engagement_boost: float = 1.0, seed: int = 0) -> CascadeResult:
    """Simulate the spread of every item for ``steps`` steps (see the module docstring).

    >>> g = make_social_graph(n_users=300, seed=0)
    >>> r = spread(g, make_items(n_items=30, n_users=300, seed=0), steps=10, seed=0)
    >>> r.reach.shape
    (11, 30)
    """
    if policy not in POLICIES:
        raise ValueError(f"unknown policy {policy!r}: use one of {', '.join(POLICIES)}")
    if ranking not in ("engagement", "chronological"):
        raise ValueError(f"unknown ranking {ranking!r}: use 'engagement' or 'chronological'")
    if not 0 < base_visibility <= 1 or not 0 <= downrank_factor <= 1:
        raise ValueError("base_visibility must be in (0, 1] and downrank_factor in [0, 1]")
    if capacity < 0 or delay < 0 or steps < 1:
        raise ValueError("capacity and delay must be >= 0 and steps >= 1")
    missing = {"is_false", "pull", "poster", "post_step"} - set(items.columns)
    if missing:
        raise ValueError(f"items lack columns {sorted(missing)}: make them with make_items()")
    n_users = graph.number_of_nodes()
    if items["poster"].max() >= n_users:
        raise ValueError("an item's poster is not a user of the graph: make the items with "
                         "make_items(n_users=graph.number_of_nodes())")
    A = sp.csr_matrix(nx.to_scipy_sparse_array(graph, nodelist=range(n_users), dtype=float))
    pull = items["pull"].to_numpy(dtype=float)
    is_false = items["is_false"].to_numpy(dtype=bool)
    poster = items["poster"].to_numpy()
    post_step = items["post_step"].to_numpy()
    n_items = len(items)
    rows = np.arange(n_items)
    if ranking == "engagement":
        visibility = np.minimum(1.0, base_visibility * (pull / pull.mean()) ** engagement_boost)
    else:
        visibility = np.full(n_items, base_visibility)

    rng = np.random.default_rng(seed)
    exposed = np.zeros((n_items, n_users), dtype=bool)
    sharers = np.zeros((n_items, n_users), dtype=bool)
    checked = np.full(n_items, -1)
    flagged = np.full(n_items, -1)
    reach = np.zeros((steps + 1, n_items), dtype=np.int64)
    for t in range(steps):
        # new posts: the poster has seen their own post and shares it
        new = post_step == t
        exposed[rows[new], poster[new]] = True
        sharers[rows[new], poster[new]] = True
        # the feed decides who sees the shares
        factor = np.ones(n_items)
        acted = flagged >= 0
        if policy == "downrank":
            factor[acted] = downrank_factor
        elif policy == "remove":
            factor[acted] = 0.0
        counts = (sp.csr_matrix(sharers, dtype=float) @ A).toarray()  # sharing friends per user
        p_see = see_probability(counts, visibility * factor)
        see_draw = rng.random((n_items, n_users))
        share_draw = rng.random((n_items, n_users))
        sees = (see_draw < p_see) & ~exposed
        exposed |= sees
        sharers = sees & (share_draw < pull[:, None])
        reach[t + 1] = exposed.sum(axis=1)
        # fact-checkers work through the most viral eligible items
        eligible = (checked < 0) & (post_step <= t - delay)
        picked = fact_check_queue(reach[t + 1], eligible, capacity)
        checked[picked] = t
        flagged[picked[is_false[picked]]] = t
    table = items.copy()
    table["reach"] = reach[-1]
    table["checked_step"] = checked
    table["flagged_step"] = flagged
    params = dict(steps=steps, ranking=ranking, base_visibility=base_visibility, policy=policy,
                  capacity=capacity, delay=delay, downrank_factor=downrank_factor,
                  engagement_boost=engagement_boost, seed=seed)
    return CascadeResult(reach, table, exposed, params)


def compare_policies(graph: nx.Graph, items: pd.DataFrame, policies=POLICIES,
                     **settings) -> pd.DataFrame:
    """Run :func:`spread` once per policy (same seed) and tabulate :meth:`CascadeResult.summary`.

    >>> g = make_social_graph(n_users=200, seed=0)
    >>> t = compare_policies(g, make_items(n_items=20, n_users=200, seed=0), steps=5)
    >>> t.index.tolist()
    ['none', 'downrank', 'remove']
    """
    rows = {p: spread(graph, items, policy=p, **settings).summary() for p in policies}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("policy")


def mean_excess_degree(graph: nx.Graph) -> float:
    """Mean number of *other* friends of someone reached through a friendship:
    ``<k^2> / <k> - 1``. People with many friends are reached more often, so this is larger
    than the mean degree whenever degrees vary (a k-regular graph gives k - 1).

    >>> mean_excess_degree(nx.cycle_graph(10)), mean_excess_degree(nx.star_graph(8))
    (1.0, 3.5)
    """
    k = np.array([d for _, d in graph.degree()], dtype=float)
    if k.sum() == 0:
        return 0.0
    return float((k ** 2).mean() / k.mean() - 1)


def reproduction_number(graph: nx.Graph, visibility: float | np.ndarray,
                        pull: float | np.ndarray) -> float | np.ndarray:
    """New viewers each viewer passes a post to, on average, in the cascade model: mean excess
    degree x visibility x pull. Above 1 a post can reach a large part of the network.

    >>> round(float(reproduction_number(nx.cycle_graph(10), 0.5, 0.5)), 3)
    0.25
    """
    return mean_excess_degree(graph) * np.asarray(visibility) * np.asarray(pull)


def future_view_cut(untouched: CascadeResult, treated: CascadeResult) -> float:
    """Share of flagged items' *future views* (views after they were flagged) that a policy
    removed: ``1 - future views under the policy / future views under "none"``, over the items
    flagged at the same step in both runs (same seed: identical until the policy acts).

    >>> g = make_social_graph(n_users=400, seed=0)
    >>> it = make_items(n_items=40, n_users=400, seed=0)
    >>> a = spread(g, it, policy="none", capacity=4, delay=1, seed=0)
    >>> b = spread(g, it, policy="remove", capacity=4, delay=1, seed=0)
    >>> round(future_view_cut(a, b), 3)
    1.0
    """
    fa = untouched.items["flagged_step"].to_numpy()
    fb = treated.items["flagged_step"].to_numpy()
    both = np.flatnonzero((fa >= 0) & (fa == fb))
    if both.size == 0:
        return float("nan")
    at_flag = untouched.reach[fa[both] + 1, both]
    future_none = untouched.reach[-1, both] - at_flag
    future_treated = treated.reach[-1, both] - treated.reach[fb[both] + 1, both]
    total = future_none.sum()
    return float(1 - future_treated.sum() / total) if total > 0 else float("nan")


def calibrate_downrank(graph: nx.Graph, items: pd.DataFrame, target: float | None = None,
                       factors=(0.5, 0.35, 0.2, 0.1, 0.05, 0.02, 0.0),
                       **settings) -> pd.DataFrame:
    """The per-share ``downrank_factor`` whose :func:`future_view_cut` is closest to ``target``
    (default Facebook's stated 80%): a table of factor and cut, with the chosen row marked.

    >>> g = make_social_graph(n_users=300, seed=0)
    >>> t = calibrate_downrank(g, make_items(n_items=30, n_users=300, seed=0), factors=(0.5, 0))
    >>> list(t.columns)
    ['downrank_factor', 'future_view_cut', 'chosen']
    """
    target = facts.FALSE_RATING_VIEW_CUT if target is None else target
    settings = {"capacity": 5, "delay": 3, **settings}
    none = spread(graph, items, policy="none", **settings)
    cuts = [future_view_cut(none, spread(graph, items, policy="downrank", downrank_factor=f,
                                         **settings)) for f in factors]
    table = pd.DataFrame({"downrank_factor": list(factors), "future_view_cut": cuts})
    table["chosen"] = False
    best = (table["future_view_cut"] - target).abs().idxmin()
    table.loc[best, "chosen"] = True
    return table


def compare_over_seeds(seeds, *, n_users: int = 2000, n_items: int = 200,
                       rankings=("engagement",), policies=POLICIES, graph_options=None,
                       item_options=None, **settings) -> pd.DataFrame:
    """Run every ranking x policy on a new seeded graph and item set per seed (paired within a
    seed) and tabulate :meth:`CascadeResult.summary`: one row per seed, ranking and policy.

    >>> t = compare_over_seeds([1, 2], n_users=200, n_items=20, steps=5)
    >>> t.shape
    (6, 6)
    """
    rows = []
    for seed in seeds:
        graph = make_social_graph(n_users=n_users, seed=seed, **(graph_options or {}))
        items = make_items(n_items=n_items, n_users=n_users, seed=seed, **(item_options or {}))
        for ranking in rankings:
            for policy in policies:
                summary = spread(graph, items, ranking=ranking, policy=policy, seed=seed,
                                 **settings).summary()
                rows.append({"seed": seed, "ranking": ranking, "policy": policy, **summary})
    return pd.DataFrame(rows)
