"""Recommender feedback loops: a seeded simulation where the recommender learns from what it caused.

The world
---------
:func:`make_world` draws a synthetic news world (a :class:`World`):

* ``n_users`` users, each with a taste over ``n_topics`` topics (``user_topics``, rows sum to 1,
  Dirichlet) and a position on an ideology axis (``user_ideology`` in [-1, 1]; two groups, left
  and right, whose separation is ``polarization``);
* ``n_items`` items, each with one topic (``item_topic``), a slant on the same axis
  (``item_slant`` in [-1, 1]), a quality (``item_quality`` in (0, 1)), an engagement pull
  (``item_pull`` >= 0, zero unless ``false_share`` > 0) and a truth label (``item_false``).

The *true utility* (satisfaction) of item ``i`` for user ``u`` is::

    utility[u, i] = quality[i] * topic_match[u, i] * ideology_match[u, i]
    topic_match    = user_topics[u, topic[i]] / max_t user_topics[u, t]          (in [0, 1])
    ideology_match = exp(-(ideology[u] - slant[i])**2 / (2 * tolerance**2))      (in (0, 1])

The choice model (position-based multinomial logit)
----------------------------------------------------
Each step every user is shown a slate of ``k`` items in order. The user picks at most one::

    P(item at position p) = attention[p] * exp(beta * (utility + pull)) / Z
    P(nothing)            = exp(beta * outside) / Z
    attention[p] = 1 / p ** position_decay        (p = 1, 2, ..., k)

(defaults: ``beta=10``, ``outside=0.3``, ``position_decay=1``), so higher positions get more
attention, better-liked items are chosen more often, and an item's
engagement ``pull`` draws clicks without adding satisfaction (clickbait, misinformation).
Consumed items are logged and never recommended to the same user again; nor is an item a user
has been shown ``max_impressions`` times without taking it (a frequency cap, as real feeds have).

Optional *preference drift*: after consuming item ``i`` a user's tastes move a fraction ``drift``
toward it (``user_topics <- (1 - drift) user_topics + drift onehot(topic[i])`` and
``ideology <- (1 - drift) ideology + drift slant[i]``).

The loop (:func:`run`)
----------------------
For ``steps`` steps: score (``recommender.score``), mask what each user has consumed, pick a
slate (``reranker``), let users choose, log, record metrics, and retrain the recommender on all
interactions logged so far (``recommender.fit``) - so it learns from the behaviour it caused.
The first ``warmup_steps`` steps show random slates, so there is something to learn from.

Protocols (stable: other modules and notebooks rely on them)
-------------------------------------------------------------
**Recommender**: any object with

* ``fit(X) -> self`` where ``X`` is a ``scipy.sparse.csr_matrix`` of shape (n_users, n_items),
  1.0 where the user consumed the item (implicit feedback; at most one entry per pair);
* ``score(user_indices) -> np.ndarray`` of shape (len(user_indices), n_items): higher is better.

The engine calls ``fit`` after every ``retrain_every`` steps with all interactions so far, and
``score`` once per step for every user, on consecutive blocks of up to 512 user indices.
:class:`RandomRecommender` and :class:`OracleRecommender` live here; popularity, content and
matrix factorisation come from :mod:`course.popularity`, :mod:`course.content` and
:mod:`course.implicit` (see :func:`make_recommender`).

**Re-ranker / policy**: a callable ``reranker(scores, world, k) -> np.ndarray`` where

* ``scores`` is a float32 array (n_users, n_items), row ``u`` for user ``u``; items the user has
  already consumed (or ignored ``max_impressions`` times) are ``-inf`` and must not be chosen
  (unless fewer than ``k`` remain). The engine reuses this array at the next step: copy it if
  you keep it;
* ``world`` is the current :class:`World` (item features: ``item_topic``, ``item_topics``,
  ``item_slant``, ``item_quality``, ``item_pull``, ``item_false``; user state for policies
  that want it);
* ``k`` is the slate size.

It returns an int array (n_users, k) of item indices, best first (position 1 first). The default
is :func:`top_k`. A capstone *ranking policy* is exactly such a callable.

Metrics recorded each step (columns of ``SimulationResult.metrics``)
--------------------------------------------------------------------
``diversity`` (mean normalized topic entropy of each user's consumption so far),
``slate_diversity`` (mean share of distinct topics in a slate), ``homogenization`` (mean Jaccard
of consumed items between pairs of users with similar true tastes, Chaney et al. 2018),
``homogenization_random`` (the same between random pairs of users),
``slant_spread`` and ``group_distance`` (polarization of consumed slant), ``exposure_gini`` (Gini
of how often each item was shown this step), ``click_rate``, ``utility`` (expected satisfaction
of the slates under the choice model), ``relative_utility`` (that divided by the expected
satisfaction of the oracle's slates, on a fixed sample of users) and ``misinfo_share`` (share of
this step's consumption that was false items). :meth:`SimulationResult.summary` condenses a run
into one scorecard (engagement, satisfaction, diversity, polarization, misinformation), for
comparing recommenders or ranking policies.

Example
-------
>>> world = make_world(n_users=300, n_items=200, seed=1)
>>> result = run(world, RandomRecommender(seed=1), steps=5)
>>> result.metrics.shape[0]
5
>>> bool(result.metrics["homogenization"].iloc[-1] < 0.1)
True
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pandas as pd
import scipy.sparse as sp
from tqdm.auto import tqdm

from course import bubble_metrics
from course.recommender import top_k as recommender_top_k
from course.widgets import is_batch_run

_BLOCK = 512  # users scored at a time

__all__ = [
    "World", "make_world", "RandomRecommender", "OracleRecommender",
    "top_k", "attention_weights", "choice_probabilities", "run", "SimulationResult",
    "make_recommender", "quick_run", "RECOMMENDERS",
]


class Recommender(Protocol):
    """What the engine needs from a recommender (see the module docstring)."""

    def fit(self, X: sp.csr_matrix) -> Recommender: ...

    def score(self, user_indices: np.ndarray) -> np.ndarray: ...


Reranker = Callable[[np.ndarray, "World", int], np.ndarray]


# ------------------------------------------------------------------------------------------------
# The world
# ------------------------------------------------------------------------------------------------
@dataclass
class World:
    """Users with true tastes and items with features (see the module docstring for the model).

    Arrays are float64 unless stated. ``user_group`` (bool) is ``True`` for users who started
    on the right of the ideology axis; it does not change under drift.
    """

    user_topics: np.ndarray      # (n_users, n_topics), rows sum to 1
    user_ideology: np.ndarray    # (n_users,), in [-1, 1]
    user_group: np.ndarray       # (n_users,), bool: started right of centre
    item_topic: np.ndarray       # (n_items,), int topic index
    item_slant: np.ndarray       # (n_items,), in [-1, 1]
    item_quality: np.ndarray     # (n_items,), in (0, 1)
    item_pull: np.ndarray        # (n_items,), >= 0: attracts clicks, adds no satisfaction
    item_false: np.ndarray       # (n_items,), bool: misinformation
    tolerance: float = 0.35      # width of the ideology match
    seed: int = 0

    @property
    def n_users(self) -> int:
        return self.user_topics.shape[0]

    @property
    def n_items(self) -> int:
        return self.item_topic.shape[0]

    @property
    def n_topics(self) -> int:
        return self.user_topics.shape[1]

    @property
    def item_topics(self) -> np.ndarray:
        """(n_items, n_topics) 0/1 matrix of item topics (content features)."""
        return np.eye(self.n_topics)[self.item_topic]

    @property
    def item_features(self) -> np.ndarray:
        """(n_items, n_topics + 1): topic one-hot and slant, for content-based recommenders."""
        return np.column_stack([self.item_topics, self.item_slant])

    @property
    def true_tastes(self) -> np.ndarray:
        """(n_users, n_topics + 1): topic tastes and ideology, used to pair similar users."""
        return np.column_stack([self.user_topics, self.user_ideology])

    def copy(self) -> World:
        """A deep copy (runs with drift change the user arrays in place)."""
        return copy.deepcopy(self)

    def utility(self, users: np.ndarray | None = None, items: np.ndarray | None = None
                ) -> np.ndarray:
        """True utility (satisfaction) of ``items`` for ``users``.

        ``users`` None means all users; ``items`` None means all items (result (n, n_items)),
        otherwise ``items`` is an int array (n, k) of item indices per user (result (n, k)).

        >>> w = make_world(n_users=3, n_items=4, seed=0)
        >>> w.utility().shape, w.utility(np.array([0, 2]), np.array([[0, 1], [2, 3]])).shape
        ((3, 4), (2, 2))
        """
        users = np.arange(self.n_users) if users is None else np.asarray(users)
        tastes = self.user_topics[users]
        topic_match = tastes / tastes.max(axis=1, keepdims=True)
        x = self.user_ideology[users][:, None]
        if items is None:
            tm = topic_match[:, self.item_topic]
            slant, quality = self.item_slant[None, :], self.item_quality[None, :]
        else:
            items = np.asarray(items)
            if items.shape[0] != users.shape[0]:
                raise ValueError("utility(): `items` needs one row per user")
            tm = np.take_along_axis(topic_match, self.item_topic[items], axis=1)
            slant, quality = self.item_slant[items], self.item_quality[items]
        ideology_match = np.exp(-((x - slant) ** 2) / (2 * self.tolerance ** 2))
        return quality * tm * ideology_match


def make_world(n_users: int = 1000, n_items: int = 500, n_topics: int = 8, *,
               polarization: float = 0.5, taste_concentration: float = 0.5,
               tolerance: float = 0.35, false_share: float = 0.0, false_pull: float = 1.0,
               seed: int = 0) -> World:
    """Draw a synthetic news world (seeded: the same arguments give the same world).

    ``polarization`` in [0, 1] centres the two ideology groups (each half of the users) at
    ``-polarization`` and ``+polarization``, with spread 0.25 (clipped to [-1, 1]); 0 makes one
    centrist population. ``taste_concentration`` is the
    Dirichlet concentration of topic tastes (smaller: users care about fewer topics).
    ``false_share`` of the items are false; they carry an engagement pull averaging
    ``false_pull`` (true items get a small pull averaging ``false_pull / 5`` when
    ``false_share > 0``, none otherwise).

    >>> w = make_world(n_users=100, n_items=50, seed=3)
    >>> w.user_topics.shape, w.item_slant.shape, bool(w.item_false.any())
    ((100, 8), (50,), False)
    """
    for name, value in [("n_users", n_users), ("n_items", n_items)]:
        if int(value) < 2:
            raise ValueError(f"make_world(): {name} must be at least 2, got {value}")
    if n_topics < 2:
        raise ValueError(f"make_world(): n_topics must be at least 2, got {n_topics}")
    if not 0 <= polarization <= 1:
        raise ValueError("make_world(): polarization must be between 0 and 1")
    if not 0 <= false_share < 1:
        raise ValueError("make_world(): false_share must be in [0, 1), e.g. 0.1 for 10% false")
    if tolerance <= 0 or taste_concentration <= 0:
        raise ValueError("make_world(): tolerance and taste_concentration must be positive")
    rng = np.random.default_rng(seed)
    user_topics = rng.dirichlet(np.full(n_topics, taste_concentration), size=n_users)
    group = rng.random(n_users) < 0.5
    centre = np.where(group, polarization, -polarization)
    ideology = np.clip(centre + rng.normal(0, 0.25, n_users), -1, 1)
    item_topic = rng.integers(0, n_topics, n_items)
    item_slant = rng.uniform(-1, 1, n_items)
    item_quality = rng.beta(5, 2, n_items)
    item_false = rng.random(n_items) < false_share
    if false_share > 0:
        item_pull = np.where(item_false, rng.exponential(false_pull, n_items),
                             rng.exponential(false_pull / 5, n_items))
        # false stories are the more extreme ones
        item_slant = np.where(item_false, np.sign(item_slant) * (0.5 + 0.5 * np.abs(item_slant)),
                              item_slant)
    else:
        item_pull = np.zeros(n_items)
    return World(user_topics, ideology, group, item_topic, item_slant, item_quality, item_pull,
                 item_false, tolerance=tolerance, seed=seed)


# ------------------------------------------------------------------------------------------------
# Recommenders that need the simulation: random and oracle
# ------------------------------------------------------------------------------------------------
class RandomRecommender:
    """Scores every item at random each time (the control in Chaney et al. 2018).

    >>> RandomRecommender(seed=0).fit(sp.csr_matrix((2, 3))).score(np.arange(2)).shape
    (2, 3)
    """

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed
        self._rng = np.random.default_rng(seed)

    def fit(self, X: sp.spmatrix) -> RandomRecommender:
        self.n_items_ = X.shape[1]
        return self

    def score(self, user_indices: np.ndarray) -> np.ndarray:
        return self._rng.random((len(user_indices), self.n_items_), dtype=np.float32)


class OracleRecommender:
    """Knows every user's true utility (the ideal recommender): ranks by ``world.utility``.

    It reads the world at scoring time, so it follows users whose tastes drift.

    >>> w = make_world(n_users=5, n_items=6, seed=0)
    >>> s = OracleRecommender(w).fit(sp.csr_matrix((5, 6))).score(np.arange(5))
    >>> bool(np.allclose(s, w.utility()))
    True
    """

    def __init__(self, world: World) -> None:
        self.world = world

    def fit(self, X: sp.spmatrix) -> OracleRecommender:
        self.n_items_ = X.shape[1]
        return self

    def score(self, user_indices: np.ndarray) -> np.ndarray:
        return self.world.utility(np.asarray(user_indices))


# ------------------------------------------------------------------------------------------------
# Ranking and choosing
# ------------------------------------------------------------------------------------------------
def top_k(scores: np.ndarray, world: World | None, k: int) -> np.ndarray:
    """The default re-ranker: each row's ``k`` highest-scoring items, best first.

    Works on blocks of rows that fit in the CPU cache and keeps float32 scores in float32
    (several times faster than one pass over a large matrix): ``np.argpartition`` finds each
    row's ``k`` best items, then :func:`course.recommender.top_k` orders them. Ties are broken
    by item index (lowest first), so a run is reproducible.

    >>> top_k(np.array([[0.1, 0.9, 0.5], [3.0, -np.inf, 2.0]]), None, 2)
    array([[1, 2],
           [0, 2]])
    """
    scores = np.asarray(scores)
    n_users, n_items = scores.shape
    if not 1 <= k <= n_items:
        raise ValueError(f"top_k(): k must be between 1 and the number of items ({n_items})")
    out = np.empty((n_users, k), dtype=np.int64)
    for start in range(0, n_users, _BLOCK):
        block = scores[start:start + _BLOCK]
        if k < n_items:
            part = np.argpartition(-block, k - 1, axis=1)[:, :k]
            part.sort(axis=1)               # so that ties go to the lower item index
        else:
            part = np.broadcast_to(np.arange(n_items), block.shape)
        best = recommender_top_k(np.take_along_axis(block, part, axis=1), k)
        out[start:start + _BLOCK] = np.take_along_axis(part, best, axis=1)
    return out


def attention_weights(k: int, position_decay: float = 1.0) -> np.ndarray:
    """Attention each slate position gets: ``1 / p ** position_decay`` for p = 1..k.

    >>> attention_weights(3, 1.0)
    array([1.        , 0.5       , 0.33333333])
    """
    return 1.0 / np.arange(1, k + 1) ** position_decay


def choice_probabilities(utility: np.ndarray, pull: np.ndarray | float = 0.0, *,
                         beta: float = 10.0, outside: float = 0.3,
                         position_decay: float = 1.0) -> np.ndarray:
    """Probability that a user picks each slate position, and (last column) nothing.

    ``utility`` and ``pull`` are (n_users, k) for the items in slate order. Returns (n_users, k+1)
    whose rows sum to 1 (see the module docstring for the formula).

    >>> p = choice_probabilities(np.array([[0.5, 0.5]]), beta=1.0, outside=0.5, position_decay=1)
    >>> np.round(p, 3)
    array([[0.4, 0.2, 0.4]])
    """
    utility = np.asarray(utility, dtype=float)
    att = attention_weights(utility.shape[1], position_decay)
    top = max(float(np.max(utility + pull, initial=outside)), outside)
    weights = att * np.exp(beta * (utility + pull - top))
    none = np.full((utility.shape[0], 1), np.exp(beta * (outside - top)))
    weights = np.hstack([weights, none])
    return weights / weights.sum(axis=1, keepdims=True)


# ------------------------------------------------------------------------------------------------
# The loop
# ------------------------------------------------------------------------------------------------
@dataclass
class SimulationResult:
    """What :func:`run` returns.

    ``metrics``: one row per step (see the module docstring). ``interactions``: one row per
    consumption (user, item, step, position). ``consumed``: the final sparse user x item 0/1
    matrix. ``world``: the world at the end (tastes drifted if ``drift > 0``).
    ``mean_slant``: each user's mean consumed slant (``nan`` if nothing consumed).
    ``topic_counts``: (n_users, n_topics) counts of consumed topics.
    """

    metrics: pd.DataFrame
    interactions: pd.DataFrame
    consumed: sp.csr_matrix
    world: World
    mean_slant: np.ndarray
    topic_counts: np.ndarray
    params: dict[str, Any]

    def summary(self) -> pd.Series:
        """One scorecard for the whole run (e.g. to compare ranking policies in a dashboard).

        ``engagement`` (mean click rate), ``satisfaction`` (mean expected utility of the slates),
        ``relative_utility`` (mean), ``misinfo_share`` (false items' share of all consumption),
        and the final step's ``diversity``, ``homogenization``, ``group_distance`` and
        ``exposure_gini``.

        >>> r = quick_run("random", steps=3)
        >>> list(r.summary().index)[:3]
        ['engagement', 'satisfaction', 'relative_utility']
        """
        m, last = self.metrics, self.metrics.iloc[-1]
        consumed_false = self.world.item_false[self.interactions["item"].to_numpy()]
        return pd.Series({
            "engagement": float(m["click_rate"].mean()),
            "satisfaction": float(m["utility"].mean()),
            "relative_utility": float(m["relative_utility"].mean()),
            "misinfo_share": float(consumed_false.mean()) if consumed_false.size else 0.0,
            "diversity": float(last["diversity"]),
            "homogenization": float(last["homogenization"]),
            "group_distance": float(last["group_distance"]),
            "exposure_gini": float(last["exposure_gini"]),
        }, name=self.params.get("recommender"))


def _interactions_matrix(users: list[np.ndarray], items: list[np.ndarray],
                         shape: tuple[int, int]) -> sp.csr_matrix:
    u = np.concatenate(users) if users else np.empty(0, dtype=np.int64)
    i = np.concatenate(items) if items else np.empty(0, dtype=np.int64)
    X = sp.csr_matrix((np.ones(u.size), (u, i)), shape=shape)
    X.sum_duplicates()
    X.data[:] = 1.0
    return X


def run(world: World, recommender: Recommender, steps: int = 50, *, k: int = 10,
        reranker: Reranker | None = None, warmup_steps: int = 2, retrain_every: int = 1,
        drift: float = 0.0, beta: float = 10.0, outside: float = 0.3,
        position_decay: float = 1.0, max_impressions: int | None = 3,
        n_metric_users: int | None = 1000, seed: int = 0,
        progress: bool | None = None, copy_world: bool = True) -> SimulationResult:
    """Run the feedback loop for ``steps`` steps and record the bubble metrics at each one.

    ``recommender`` follows the Recommender protocol, ``reranker`` the re-ranker protocol
    (default :func:`top_k`); both are described in the module docstring. ``warmup_steps`` random
    slates come first. ``drift`` in [0, 1) moves tastes toward what is consumed. ``beta``,
    ``outside`` and ``position_decay`` set the choice model. An item shown to a user
    ``max_impressions`` times (and never taken) is not shown to them again (``None``: no limit;
    without it a recommender that learns only from consumption shows a user who ignores their
    slate the same slate for ever). Homogenization and relative utility
    are measured on ``n_metric_users`` users (``None``: all). The world is copied first unless
    ``copy_world=False`` (then drift changes it in place). A progress bar appears for runs over
    20 steps outside batch runs unless ``progress`` says otherwise.

    >>> w = make_world(n_users=200, n_items=100, seed=0)
    >>> r = run(w, OracleRecommender(w), steps=3, warmup_steps=0)
    >>> float(r.metrics["relative_utility"].round(6).iloc[-1])
    1.0
    """
    if steps < 1:
        raise ValueError("run(): steps must be at least 1")
    if not 1 <= k <= world.n_items:
        raise ValueError(f"run(): k must be between 1 and n_items ({world.n_items})")
    if not 0 <= drift < 1:
        raise ValueError("run(): drift must be in [0, 1), e.g. 0.05")
    if not (hasattr(recommender, "fit") and hasattr(recommender, "score")):
        raise TypeError("run(): the recommender needs fit(X) and score(user_indices) methods; "
                        "see course.simulation's docstring, or use make_recommender('mf', world)")
    if copy_world:
        world = world.copy()
        if isinstance(recommender, OracleRecommender):
            recommender.world = world
    reranker = top_k if reranker is None else reranker
    rng = np.random.default_rng(seed)
    n_users, n_items = world.n_users, world.n_items
    users = np.arange(n_users)

    # Fixed measurement sample: similar-taste pairs (homogenization) and oracle comparison.
    n_metric = n_users if n_metric_users is None else min(n_metric_users, n_users)
    pair_a, pair_b = bubble_metrics.similar_user_pairs(world.true_tastes, n_metric, seed=seed)
    rand_a = pair_a
    rand_b = (pair_a + np.random.default_rng(seed + 1).integers(1, n_users, pair_a.size)) % n_users
    metric_users = pair_a

    if max_impressions:
        # how often each item was shown to each user (an item ignored max_impressions times is
        # not shown to that user again, as feeds do)
        impressions = np.zeros((n_users, n_items), dtype=np.uint8)
        max_impressions = min(int(max_impressions), 255)
    taken = np.zeros((n_users, n_items), dtype=bool)     # consumed, as a dense mask
    oracle_cache: np.ndarray | None = None
    scores = np.empty((n_users, n_items), dtype=np.float32)  # reused at every step
    topic_counts = np.zeros((n_users, world.n_topics))
    slant_sum = np.zeros(n_users)
    n_consumed = np.zeros(n_users)
    log_u: list[np.ndarray] = []
    log_i: list[np.ndarray] = []
    log_t: list[np.ndarray] = []
    log_p: list[np.ndarray] = []
    X = sp.csr_matrix((n_users, n_items))
    rows: list[dict[str, float]] = []
    group = world.user_group
    if warmup_steps <= 0:
        recommender.fit(X)                      # nothing logged yet: an empty matrix
    show = (steps > 20 and not is_batch_run()) if progress is None else progress

    for step in tqdm(range(steps), desc="simulating", disable=not show, leave=False):
        # Score in blocks of users: each block stays in the CPU cache while it is converted
        # to float32 and masked (several times faster than whole-matrix passes at scale).
        for start in range(0, n_users, _BLOCK):
            block = slice(start, min(start + _BLOCK, n_users))
            if step < warmup_steps:
                rng.random(out=scores[block], dtype=np.float32)
            else:
                part = np.asarray(recommender.score(users[block]))
                if part.shape != (block.stop - start, n_items):
                    raise ValueError(f"recommender.score() returned shape {part.shape} for "
                                     f"{block.stop - start} users, expected "
                                     f"{(block.stop - start, n_items)}")
                scores[block] = part
            view = scores[block]
            view[taken[block]] = -np.inf
            if max_impressions:
                view[impressions[block] >= max_impressions] = -np.inf
        slates = np.asarray(reranker(scores, world, k))
        if slates.shape != (n_users, k):
            raise ValueError(f"the re-ranker returned shape {slates.shape}, expected "
                             f"{(n_users, k)} (one row of k item indices per user)")
        already = taken[users[:, None], slates]

        # The oracle's slates for the measurement sample, from the same available items.
        if drift > 0 or oracle_cache is None:      # tastes change only with drift
            oracle_cache = world.utility(metric_users).astype(np.float32)
        oracle_scores = oracle_cache.copy()
        oracle_scores[taken[metric_users]] = -np.inf
        if max_impressions:
            oracle_scores[impressions[metric_users] >= max_impressions] = -np.inf
            impressions[users[:, None], slates] += 1     # a slate lists distinct items
        o_slate = top_k(oracle_scores, world, k)
        del oracle_scores
        o_util = world.utility(metric_users, o_slate)
        o_probs = choice_probabilities(o_util, world.item_pull[o_slate], beta=beta,
                                       outside=outside, position_decay=position_decay)
        oracle_expected = (o_probs[:, :k] * o_util).sum(axis=1)

        # Users choose (position-based logit with an outside option).
        util = world.utility(users, slates)
        probs = choice_probabilities(util, world.item_pull[slates], beta=beta, outside=outside,
                                     position_decay=position_decay)
        expected = (probs[:, :k] * util).sum(axis=1)
        draw = rng.random(n_users)
        pos = (np.cumsum(probs, axis=1) < draw[:, None]).sum(axis=1)
        pos = np.minimum(pos, k)          # guard against rounding in the last column
        # an item consumed before is not consumed again (only offered if < k items remain)
        clicked = pos < k
        clicked[clicked] = ~already[clicked, pos[clicked]]
        cu = users[clicked]
        ci = slates[clicked, pos[clicked]]
        cpos = pos[clicked]
        log_u.append(cu)
        log_i.append(ci)
        log_t.append(np.full(cu.size, step))
        log_p.append(cpos + 1)
        topic_counts[cu, world.item_topic[ci]] += 1     # at most one item per user and step
        slant_sum[cu] += world.item_slant[ci]
        n_consumed[cu] += 1
        taken[cu, ci] = True
        X = _interactions_matrix(log_u, log_i, (n_users, n_items))

        # Metrics.
        with np.errstate(invalid="ignore", divide="ignore"):
            mean_slant = slant_sum / n_consumed
        slate_topics = world.item_topic[slates]
        distinct = (np.sort(slate_topics, axis=1)[:, 1:] !=
                    np.sort(slate_topics, axis=1)[:, :-1]).sum(axis=1) + 1
        exposure = np.bincount(slates.ravel(), minlength=n_items)
        diversity = bubble_metrics.normalized_entropy(topic_counts)
        rows.append({
            "step": step,
            "diversity": float(np.nanmean(diversity)) if n_consumed.any() else float("nan"),
            "slate_diversity": float(np.mean(distinct / min(k, world.n_topics))),
            "homogenization": float(bubble_metrics.pair_jaccard(X, pair_a, pair_b).mean()),
            "homogenization_random": float(
                bubble_metrics.pair_jaccard(X, rand_a, rand_b).mean()),
            "slant_spread": bubble_metrics.slant_spread(mean_slant)
            if n_consumed.any() else float("nan"),
            "group_distance": bubble_metrics.group_distance(mean_slant, group),
            "exposure_gini": bubble_metrics.gini(exposure),
            "click_rate": float(clicked.mean()),
            "utility": float(expected.mean()),
            "relative_utility": float(expected[metric_users].mean() / oracle_expected.mean()),
            "misinfo_share": float(world.item_false[ci].mean()) if ci.size else 0.0,
        })

        # Preference drift toward what was consumed.
        if drift > 0 and cu.size:
            world.user_topics[cu] *= 1 - drift
            world.user_topics[cu, world.item_topic[ci]] += drift
            world.user_ideology[cu] = ((1 - drift) * world.user_ideology[cu]
                                       + drift * world.item_slant[ci])

        # Retrain on everything the loop has caused so far.
        if step + 1 >= warmup_steps and (step + 1 - warmup_steps) % retrain_every == 0:
            recommender.fit(X)

    interactions = pd.DataFrame({
        "user": np.concatenate(log_u), "item": np.concatenate(log_i),
        "step": np.concatenate(log_t), "position": np.concatenate(log_p),
    })
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_slant = slant_sum / n_consumed
    params = dict(steps=steps, k=k, warmup_steps=warmup_steps, retrain_every=retrain_every,
                  drift=drift, beta=beta, outside=outside, position_decay=position_decay,
                  seed=seed, recommender=type(recommender).__name__)
    return SimulationResult(pd.DataFrame(rows).set_index("step"), interactions, X, world,
                            mean_slant, topic_counts, params)


# ------------------------------------------------------------------------------------------------
# Convenience: recommenders by name, and a quick run for widgets
# ------------------------------------------------------------------------------------------------
RECOMMENDERS = ("random", "popularity", "content", "mf", "oracle")


def make_recommender(name: str, world: World, seed: int = 0, **options: Any) -> Recommender:
    """A recommender for the simulation by name: one of :data:`RECOMMENDERS`.

    ``popularity``, ``content`` and ``mf`` come from the course's recommender modules (content
    uses ``world.item_features``; mf is implicit-feedback ALS, warm-started at every retraining).
    ``options`` go to the class.

    >>> w = make_world(n_users=20, n_items=10)
    >>> type(make_recommender("oracle", w)).__name__
    'OracleRecommender'
    """
    if name == "random":
        return RandomRecommender(seed=seed)
    if name == "oracle":
        return OracleRecommender(world)
    if name == "popularity":
        from course.popularity import Popularity

        return Popularity()
    if name == "content":
        return _content_recommender(world, **options)
    if name == "mf":
        return _mf_recommender(seed=seed, **options)
    raise ValueError(f"unknown recommender {name!r}; choose one of {', '.join(RECOMMENDERS)}")


def _content_recommender(world: World, **options: Any) -> Recommender:
    from course.content import ContentBased

    options.setdefault("center", False)          # implicit 0/1 data: no mean-centring
    return ContentBased(world.item_features, **options)


def _mf_recommender(seed: int = 0, **options: Any) -> Recommender:
    from course.implicit import ImplicitALS

    settings = dict(n_factors=16, alpha=10.0, reg=1.0, n_epochs=1, warm_start=True, seed=seed)
    settings.update(options)
    return ImplicitALS(**settings)


def quick_run(recommender: str | Recommender = "mf", reranker: Reranker | None = None, *,
              n_users: int = 300, n_items: int = 200, steps: int = 20, seed: int = 0,
              world: World | None = None, **run_options: Any) -> SimulationResult:
    """A short simulation for widgets and experiments (300 users x 200 items x 20 steps).

    >>> r = quick_run("popularity", steps=5)
    >>> list(r.metrics.columns)[:3]
    ['diversity', 'slate_diversity', 'homogenization']
    """
    world = make_world(n_users=n_users, n_items=n_items, seed=seed) if world is None else world
    world = world.copy()
    if isinstance(recommender, str):
        recommender = make_recommender(recommender, world, seed=seed)
    return run(world, recommender, steps, reranker=reranker, seed=seed, copy_world=False,
               progress=False, **run_options)
