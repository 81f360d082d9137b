"""Engagement is not satisfaction: a user model where clicking and being glad you clicked differ.

Every user-item pair has two separate quantities:

* **click propensity** ``click[u, i]`` - the probability that the user clicks the item *if they
  look at it*. Headlines that provoke curiosity or outrage (clickbait) raise it.
* **true satisfaction** ``satisfaction[u, i]`` - how much the user is glad, afterwards, that
  they spent time on it (what surveys such as "was this worth your time?" try to measure).
  Clickbait lowers it.

Both share the user's real interest in the item (``affinity``), so they are correlated but not
the same::

    affinity[u, i]     = user_factors[u] . item_factors[i]          (about N(0, 1))
    click[u, i]        = sigmoid(-1.5 + 0.8 affinity + 1.0 (quality - 0.5) + hook[i])
    satisfaction[u, i] = 0.6 affinity + 1.5 (quality - 0.5) - letdown * is_clickbait[i]

Clickbait items (a share ``clickbait_share`` of the catalogue) have a large ``hook`` and lower
quality. Users scan a ranked feed top down and look at position ``p`` with probability
``examination[p] = 1 / p ** position_decay`` (position bias; the same attention curve as the
simulation, :func:`course.simulation.attention_weights`), so for a ranked list::

    expected clicks       = sum_p examination[p] * click[u, item_p]
    expected satisfaction = sum_p examination[p] * click[u, item_p] * satisfaction[u, item_p]

(satisfaction only happens for items that were opened). Ranking by a blend of the two
objectives (:func:`course.interventions.blend_objectives`) traces the engagement-satisfaction
frontier (:func:`frontier`).

Example
-------
>>> w = make_engagement_world(n_users=200, n_items=100, seed=0)
>>> ranked = rank_by(w, "engagement", k=10)
>>> m = expected_outcomes(w, ranked)
>>> bool(m["clicks"] > expected_outcomes(w, rank_by(w, "satisfaction", k=10))["clicks"])
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from course.interventions import blend_objectives
from course.recommender import top_k
from course.simulation import attention_weights

__all__ = [
    "EngagementWorld", "make_engagement_world", "examination_probability", "rank_by",
    "expected_outcomes", "simulate_impressions", "frontier", "pareto_mask",
]


@dataclass
class EngagementWorld:
    """Click propensities and true satisfaction for every user-item pair (see module docstring).

    ``click`` and ``satisfaction`` are (n_users, n_items); ``is_clickbait`` and ``quality`` are
    (n_items,); ``examination`` is the probability of looking at each feed position.
    """

    click: np.ndarray
    satisfaction: np.ndarray
    is_clickbait: np.ndarray
    quality: np.ndarray
    examination: np.ndarray
    seed: int = 0

    @property
    def n_users(self) -> int:
        return self.click.shape[0]

    @property
    def n_items(self) -> int:
        return self.click.shape[1]


def examination_probability(n_positions: int, position_decay: float = 1.0) -> np.ndarray:
    """Probability that a user looks at feed positions 1..n: ``1 / p ** position_decay``.

    >>> examination_probability(4, 1.0)
    array([1.        , 0.5       , 0.33333333, 0.25      ])
    """
    if n_positions < 1:
        raise ValueError("examination_probability(): n_positions must be at least 1")
    if position_decay < 0:
        raise ValueError("examination_probability(): position_decay must be >= 0 "
                         "(0 means no position bias)")
    return attention_weights(n_positions, position_decay)


def make_engagement_world(n_users: int = 2000, n_items: int = 500, *,
                          clickbait_share: float = 0.2, hook: float = 1.5, letdown: float = 1.0,
                          n_factors: int = 8, n_positions: int = 20,
                          position_decay: float = 1.0, seed: int = 0) -> EngagementWorld:
    """Draw users and items with separate click propensity and satisfaction (seeded).

    ``hook`` is how much extra pull clickbait has on clicks (log-odds), ``letdown`` how much
    satisfaction it costs. ``n_positions`` and ``position_decay`` set the examination curve.

    >>> w = make_engagement_world(n_users=50, n_items=40, seed=1)
    >>> w.click.shape, round(float(w.is_clickbait.mean()), 2)
    ((50, 40), 0.2)
    """
    if n_users < 1 or n_items < 2:
        raise ValueError("make_engagement_world(): need at least 1 user and 2 items")
    if not 0 <= clickbait_share <= 1:
        raise ValueError("make_engagement_world(): clickbait_share is a share between 0 and 1")
    rng = np.random.default_rng(seed)
    scale = n_factors ** -0.25                     # so that affinity has variance about 1
    users = rng.normal(0, scale, (n_users, n_factors))
    items = rng.normal(0, scale, (n_items, n_factors))
    affinity = users @ items.T
    is_clickbait = np.zeros(n_items, dtype=bool)
    is_clickbait[rng.permutation(n_items)[:round(clickbait_share * n_items)]] = True
    quality = np.where(is_clickbait, rng.beta(2, 5, n_items), rng.beta(5, 3, n_items))
    item_hook = np.where(is_clickbait, hook, 0.0)
    logit = -1.5 + 0.8 * affinity + 1.0 * (quality - 0.5) + item_hook
    click = 1 / (1 + np.exp(-logit))
    satisfaction = 0.6 * affinity + 1.5 * (quality - 0.5) - letdown * is_clickbait
    return EngagementWorld(click, satisfaction, is_clickbait, quality,
                           examination_probability(n_positions, position_decay), seed)


def rank_by(world: EngagementWorld, objective: str | float = "engagement", k: int = 10
            ) -> np.ndarray:
    """Each user's top-``k`` items (n_users, k) ranked by an objective.

    ``objective`` is ``"engagement"`` (click propensity), ``"satisfaction"``, ``"random"`` or a
    blend weight in [0, 1] (0 = engagement, 1 = satisfaction; see
    :func:`course.interventions.blend_objectives`).

    >>> w = make_engagement_world(n_users=3, n_items=8, seed=0)
    >>> rank_by(w, 0.5, k=4).shape
    (3, 4)
    """
    k = _check_k(world, k)
    if objective == "engagement":
        scores = world.click
    elif objective == "satisfaction":
        scores = world.satisfaction
    elif objective == "random":
        rng = np.random.default_rng(world.seed + 1)
        return np.argsort(rng.random((world.n_users, world.n_items)), axis=1)[:, :k]
    elif isinstance(objective, int | float) and not isinstance(objective, bool):
        scores = blend_objectives(world.click, world.satisfaction, float(objective))
    else:
        raise ValueError(f"unknown objective {objective!r}: use 'engagement', 'satisfaction', "
                         "'random' or a blend weight between 0 and 1")
    return top_k(scores, k)


def _check_k(world: EngagementWorld, k: int) -> int:
    if not 1 <= k <= min(world.n_items, world.examination.size):
        raise ValueError(f"k must be between 1 and {min(world.n_items, world.examination.size)} "
                         "(the number of items and of feed positions with an examination "
                         "probability)")
    return int(k)


def expected_outcomes(world: EngagementWorld, rankings: np.ndarray) -> dict[str, float]:
    """Average per user of expected clicks, expected satisfaction and clickbait share of clicks.

    ``rankings`` is (n_users, k) item indices, position 1 first.

    >>> w = make_engagement_world(n_users=20, n_items=30, seed=0)
    >>> sorted(expected_outcomes(w, rank_by(w, "random", 5)))
    ['clickbait_share', 'clicks', 'satisfaction']
    """
    rankings = np.asarray(rankings)
    if rankings.ndim != 2 or rankings.shape[0] != world.n_users:
        raise ValueError(f"rankings must be an int array (n_users={world.n_users}, k)")
    k = _check_k(world, rankings.shape[1])
    p_click = world.examination[:k] * np.take_along_axis(world.click, rankings, axis=1)
    sat = np.take_along_axis(world.satisfaction, rankings, axis=1)
    clicks = p_click.sum(axis=1)
    return {
        "clicks": float(clicks.mean()),
        "satisfaction": float((p_click * sat).sum(axis=1).mean()),
        "clickbait_share": float((p_click * world.is_clickbait[rankings]).sum() / clicks.sum()),
    }


def simulate_impressions(world: EngagementWorld, rankings: np.ndarray, seed: int = 0
                         ) -> pd.DataFrame:
    """One session per user: who saw what where, and whether they clicked.

    Returns one row per impression with columns ``user``, ``item``, ``position`` (1 = top),
    ``examined`` (did the user look; a platform never sees this), ``clicked`` and
    ``satisfaction`` (realised only when clicked, else 0). The format suits
    :func:`course.engagement.ctr_by_position`.

    >>> w = make_engagement_world(n_users=10, n_items=20, seed=0)
    >>> log = simulate_impressions(w, rank_by(w, "engagement", 5))
    >>> len(log), list(log.columns)[:3]
    (50, ['user', 'item', 'position'])
    """
    rankings = np.asarray(rankings)
    k = _check_k(world, rankings.shape[1])
    rng = np.random.default_rng(seed)
    examined = rng.random(rankings.shape) < world.examination[:k]
    clicked = examined & (rng.random(rankings.shape)
                          < np.take_along_axis(world.click, rankings, axis=1))
    sat = np.take_along_axis(world.satisfaction, rankings, axis=1)
    n = world.n_users
    return pd.DataFrame({
        "user": np.repeat(np.arange(n), k),
        "item": rankings.ravel(),
        "position": np.tile(np.arange(1, k + 1), n),
        "examined": examined.ravel(),
        "clicked": clicked.ravel(),
        "satisfaction": np.where(clicked, sat, 0.0).ravel(),
        "clickbait": world.is_clickbait[rankings].ravel(),
    })


def frontier(world: EngagementWorld, weights: np.ndarray | None = None, k: int = 10
             ) -> pd.DataFrame:
    """Expected clicks and satisfaction when ranking by each blend weight (0 = engagement only,
    1 = satisfaction only), with ``pareto`` marking the non-dominated rows.

    >>> w = make_engagement_world(n_users=100, n_items=60, seed=0)
    >>> f = frontier(w, np.array([0.0, 0.5, 1.0]), k=5)
    >>> list(f.columns)
    ['weight', 'clicks', 'satisfaction', 'clickbait_share', 'pareto']
    """
    weights = np.linspace(0, 1, 11) if weights is None else np.asarray(weights, dtype=float)
    rows = [{"weight": float(w), **expected_outcomes(world, rank_by(world, float(w), k))}
            for w in weights]
    table = pd.DataFrame(rows)
    table["pareto"] = pareto_mask(table["clicks"].to_numpy(), table["satisfaction"].to_numpy())
    return table


def pareto_mask(engagement: np.ndarray, satisfaction: np.ndarray) -> np.ndarray:
    """True for points that no other point beats on both objectives (higher is better).

    A point is dominated when another is at least as good on both and strictly better on one.

    >>> pareto_mask(np.array([1.0, 2.0, 1.5, 0.5]), np.array([2.0, 1.0, 1.5, 0.5]))
    array([ True,  True,  True, False])
    """
    e = np.asarray(engagement, dtype=float)
    s = np.asarray(satisfaction, dtype=float)
    if e.shape != s.shape or e.ndim != 1:
        raise ValueError("pareto_mask(): pass two 1-D arrays of the same length")
    at_least = (e[None, :] >= e[:, None]) & (s[None, :] >= s[:, None])
    better = (e[None, :] > e[:, None]) | (s[None, :] > s[:, None])
    return ~np.any(at_least & better, axis=1)
