"""Recommender feedback loops: a seeded simulation where the recommender learns from what it caused.

The world
---------
:func:`make_world` draws a synthetic news world (a :class:`World`):

* ``n_users`` users, each with a taste over ``n_topics`` topics (``user_topics``, rows sum to 1,
  Dirichlet) and a position on an ideology axis (``user_ideology`` in [-1, 1]; two groups, left
  and right, whose separation is ``polarization``);
* ``n_items`` stories, each with one topic (``item_topic``), a slant on the same axis
  (``item_slant`` in [-1, 1]), a quality (``item_quality`` in (0, 1)), an engagement pull
  (``item_pull`` >= 0, zero unless ``false_share`` > 0), a truth label (``item_false``) and a
  publication step (``item_time``).

**Fresh stories.** With ``lifetime`` set, the world is a *news* world: the stories are
published over ``horizon`` steps at an even rate (some before the first step, so the feed
starts full) and each can be read for ``lifetime`` steps after it appears, then ages out. Long
runs stay meaningful: the catalogue renews itself instead of being used up. Without
``lifetime`` every story is there from the start and never expires (a fixed catalogue).

The *true utility* (satisfaction) of item ``i`` for user ``u`` is::

    utility[u, i] = quality[i] * topic_match[u, i] * ideology_match[u, i]
    topic_match    = user_topics[u, topic[i]] / max_t user_topics[u, t]          (in [0, 1])
    ideology_match = exp(-selective_exposure * (ideology[u] - slant[i])**2 / (2 * tolerance**2))

Assumptions are named knobs, so that a notebook can switch each one off and see which
conclusions survive: ``selective_exposure`` (1: users prefer stories near their own views;
0: slant does not matter to them), ``drift`` in :func:`run` (tastes move toward what is
consumed; 0: fixed tastes) and ``slant_weight`` of the content recommender (how much it matches
stories' slant to a user's reading; 0: topics only).

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
has been shown ``max_impressions`` times without taking it (a frequency cap, as real feeds
have), nor a story not yet published or aged out. Such items cannot be chosen even if a
re-ranker puts them in a slate.

Optional *preference drift*: after consuming item ``i`` a user's tastes move a fraction ``drift``
toward it (``user_topics <- (1 - drift) user_topics + drift onehot(topic[i])`` and
``ideology <- (1 - drift) ideology + drift slant[i]``).

The loop (:func:`run`)
----------------------
For ``steps`` steps: score (``recommender.score``), mask what each user cannot be shown, pick a
slate (``reranker``, which sees a :class:`FeedView`), let users choose, log, record metrics,
and retrain the recommender on all interactions logged so far (``recommender.fit``) - so it
learns from the behaviour it caused. The first ``warmup_steps`` steps show random slates, so
there is something to learn from.

Randomness: independent streams
--------------------------------
Every random component draws from its own stream, spawned from one seed with numpy's
``SeedSequence`` (:func:`stream`): the world, the warm-up slates, the users' choices, the
measurement sample, the satisfaction surveys, the recommender and a re-ranker's own draws
(:data:`STREAMS`). No two components share a stream, so the random feed does not repeat the
warm-up's numbers, and changing one component's seed leaves the others' draws alone.
``make_world(seed=a)`` and ``run(..., seed=b)`` are independent even when ``a == b``.

Protocols (stable: other modules and notebooks rely on them)
-------------------------------------------------------------
**Recommender**: any object with

* ``fit(X) -> self`` where ``X`` is a ``scipy.sparse.csr_matrix`` of shape (n_users, n_items),
  1.0 where the user consumed the item (implicit feedback; at most one entry per pair);
* ``score(user_indices) -> np.ndarray`` of shape (len(user_indices), n_items): higher is better.

The engine calls ``fit`` after every ``retrain_every`` steps with all interactions so far, and
``score`` once per step for every user, on consecutive blocks of up to 512 user indices.
:class:`RandomRecommender`, :class:`ChronologicalRecommender` (the two standard controls),
:class:`ContentRecommender` and :class:`OracleRecommender` live here; popularity and matrix
factorisation come from :mod:`course.popularity` and :mod:`course.implicit` (see
:func:`make_recommender`).

**Re-ranker / policy**: a callable ``reranker(scores, view, k) -> np.ndarray`` where

* ``scores`` is a float32 array (n_users, n_items), row ``u`` for user ``u``; items the user
  cannot be shown (consumed, ignored ``max_impressions`` times, unpublished or aged out) are
  ``-inf`` and must not be chosen (unless fewer than ``k`` remain). The engine reuses this array
  at the next step: copy it if you keep it;
* ``view`` is a :class:`FeedView`: what a *platform* knows when it ranks - the items' topic,
  slant and publication step, and estimates from logged behaviour (click-through rates,
  satisfaction surveys, each user's reading history). It has no ground truth: reading
  ``item_quality``, ``item_pull``, ``item_false`` or users' true tastes raises an error that
  says what to estimate them with;
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
of how often each available item was shown this step), ``cross_cutting_exposure`` and
``cross_cutting_consumption`` (share of shown / consumed items slanted to the other side from the
user, Bakshy et al. 2015), ``click_rate``, ``utility`` (expected satisfaction of the slates under
the choice model, per user and step), ``oracle_utility`` (the same for the oracle's slates, on a
fixed sample of users), ``relative_utility`` (the sample's utility divided by the oracle's),
``misinfo_share`` (share of this step's consumption that was false items) and ``catalogue``
(stories available). :meth:`SimulationResult.summary` condenses a run into one scorecard,
with the *cumulative* (time-averaged) utility next to the final step's relative utility.

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
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import pandas as pd
import scipy.sparse as sp
from threadpoolctl import threadpool_limits
from tqdm.auto import tqdm

from course import bubble_metrics
from course.recommender import top_k as recommender_top_k
from course.widgets import is_batch_run

_BLOCK = 512  # users scored at a time

__all__ = [
    "World", "make_world", "FeedView", "RandomRecommender", "ChronologicalRecommender",
    "ContentRecommender", "OracleRecommender", "top_k", "attention_weights",
    "choice_probabilities", "run", "SimulationResult", "make_recommender", "quick_run",
    "RECOMMENDERS", "CONTROLS", "STREAMS", "stream", "stream_seed", "MF_SETTINGS",
    "scorecard", "SCORECARD",
]

#: The independent random streams of a simulation (see :func:`stream`).
STREAMS = ("world", "warmup", "choice", "metrics", "survey", "recommender", "policy")


def stream(seed: int, name: str) -> np.random.Generator:
    """The random generator of one component of a simulation, spawned from ``seed``.

    ``SeedSequence(seed).spawn(...)`` gives every name of :data:`STREAMS` its own independent
    stream; the same ``(seed, name)`` always gives the same numbers.

    >>> a, b = stream(0, "warmup").random(3), stream(0, "recommender").random(3)
    >>> bool(np.allclose(a, stream(0, "warmup").random(3))), bool(np.allclose(a, b))
    (True, False)
    """
    if name not in STREAMS:
        raise ValueError(f"unknown random stream {name!r}; use one of {', '.join(STREAMS)}")
    return np.random.default_rng(_sequence(seed, name))


def stream_seed(seed: int, name: str) -> int:
    """An integer seed for the stream ``name`` (for classes that take an int ``seed``).

    >>> stream_seed(0, "recommender") == stream_seed(0, "recommender") != stream_seed(1,
    ...     "recommender")
    True
    """
    return int(_sequence(seed, name).generate_state(1, np.uint32)[0])


def _sequence(seed: int, name: str) -> np.random.SeedSequence:
    # SeedSequence(seed).spawn(n)[i] is SeedSequence(seed, spawn_key=(i,)): built directly, so a
    # stream does not depend on how many others exist.
    return np.random.SeedSequence(int(seed), spawn_key=(STREAMS.index(name),))


class Recommender(Protocol):
    """What the engine needs from a recommender (see the module docstring)."""

    def fit(self, X: sp.csr_matrix) -> Recommender: ...

    def score(self, user_indices: np.ndarray) -> np.ndarray: ...


Reranker = Callable[[np.ndarray, "FeedView", int], np.ndarray]


# ------------------------------------------------------------------------------------------------
# The world
# ------------------------------------------------------------------------------------------------
@dataclass
class World:
    """Users with true tastes and items with features (see the module docstring for the model).

    Arrays are float64 unless stated. ``user_group`` (bool) is ``True`` for users who started
    on the right of the ideology axis; it does not change under drift. ``item_time`` is each
    story's publication step (all 0 in a fixed catalogue); with ``lifetime`` a story can be read
    from ``item_time`` to ``item_time + lifetime - 1``, and ``horizon`` is the number of steps
    over which stories are published (a run may last at most that long).
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
    item_time: np.ndarray | None = None   # (n_items,), int publication step
    lifetime: int | None = None           # steps a story stays readable (None: for ever)
    horizon: int | None = None            # steps over which stories are published
    selective_exposure: float = 1.0       # weight of the ideology match in the utility
    _topics_cache: np.ndarray | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.item_time is None:
            self.item_time = np.zeros(self.item_topic.shape[0], dtype=np.int64)

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
    def is_news(self) -> bool:
        """True when stories arrive over time and age out (``lifetime`` set)."""
        return self.lifetime is not None

    @property
    def item_topics(self) -> np.ndarray:
        """(n_items, n_topics) 0/1 matrix of item topics (content features; computed once)."""
        cached = self._topics_cache
        if cached is None or cached.shape != (self.n_items, self.n_topics) or not np.array_equal(
                cached.argmax(axis=1), self.item_topic):
            cached = np.eye(self.n_topics)[self.item_topic]
            self._topics_cache = cached
        return cached

    @property
    def item_features(self) -> np.ndarray:
        """(n_items, n_topics + 1): topic one-hot and slant (for notebooks that need both)."""
        return np.column_stack([self.item_topics, self.item_slant])

    @property
    def true_tastes(self) -> np.ndarray:
        """(n_users, n_topics + 1): topic tastes and ideology, used to pair similar users."""
        return np.column_stack([self.user_topics, self.user_ideology])

    def available(self, step: int) -> np.ndarray:
        """Boolean mask of the stories that can be read at ``step`` (published, not aged out).

        >>> w = make_world(n_users=4, n_items=60, lifetime=5, horizon=10, seed=0)
        >>> int(w.available(0).sum()) == int(((w.item_time <= 0) & (w.item_time > -5)).sum())
        True
        """
        published = self.item_time <= step
        if self.lifetime is None:
            return published
        return published & (self.item_time > step - self.lifetime)

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
        if self.selective_exposure == 0:
            return quality * tm
        ideology_match = np.exp(-self.selective_exposure * (x - slant) ** 2
                                / (2 * self.tolerance ** 2))
        return quality * tm * ideology_match


def make_world(n_users: int = 1000, n_items: int = 500, n_topics: int = 8, *,
               polarization: float = 0.5, taste_concentration: float = 0.5,
               tolerance: float = 0.35, selective_exposure: float = 1.0,
               false_share: float = 0.0, false_pull: float = 1.0,
               lifetime: int | None = None, horizon: int | None = None,
               seed: int = 0) -> World:
    """Draw a synthetic news world (seeded: the same arguments give the same world).

    ``polarization`` in [0, 1] centres the two ideology groups (each half of the users) at
    ``-polarization`` and ``+polarization``, with spread 0.25 (clipped to [-1, 1]); 0 makes one
    centrist population. ``taste_concentration`` is the
    Dirichlet concentration of topic tastes (smaller: users care about fewer topics).
    ``selective_exposure`` weights the ideology match in the utility (0 switches it off).
    ``false_share`` of the items are false; they carry an engagement pull averaging
    ``false_pull`` (true items get a small pull averaging ``false_pull / 5`` when
    ``false_share > 0``, none otherwise), are more extreme, and have a lower quality (Beta(2, 5),
    mean 0.29, against Beta(5, 2), mean 0.71): they draw clicks, not satisfaction.

    ``lifetime`` (steps) makes a news world: the ``n_items`` stories are published at an even
    rate over ``horizon`` steps (default 100), the first ``lifetime - 1`` steps' worth before
    step 0, and each stays readable for ``lifetime`` steps. About ``n_items * lifetime /
    (horizon + lifetime - 1)`` stories are then available at any step.

    >>> w = make_world(n_users=100, n_items=50, seed=3)
    >>> w.user_topics.shape, w.item_slant.shape, bool(w.item_false.any())
    ((100, 8), (50,), False)
    >>> news = make_world(n_users=10, n_items=1000, lifetime=10, horizon=91, seed=0)
    >>> int(news.available(0).sum()), int(news.available(50).sum())
    (100, 100)
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
    if selective_exposure < 0:
        raise ValueError("make_world(): selective_exposure must be >= 0 (0 switches it off)")
    if lifetime is not None and int(lifetime) < 1:
        raise ValueError("make_world(): lifetime must be at least 1 step (None: never expire)")
    if horizon is not None and lifetime is None:
        raise ValueError("make_world(): horizon only applies to a news world: give lifetime too")
    rng = stream(seed, "world")
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
        # false stories are the more extreme ones, and leave their readers less satisfied
        # (clickbait: they draw clicks, not satisfaction)
        item_slant = np.where(item_false, np.sign(item_slant) * (0.5 + 0.5 * np.abs(item_slant)),
                              item_slant)
        item_quality = np.where(item_false, rng.beta(2, 5, n_items), item_quality)
    else:
        item_pull = np.zeros(n_items)
    item_time = np.zeros(n_items, dtype=np.int64)
    if lifetime is not None:
        lifetime = int(lifetime)
        horizon = 100 if horizon is None else int(horizon)
        if horizon < 1:
            raise ValueError("make_world(): horizon must be at least 1 step")
        periods = horizon + lifetime - 1
        if n_items < periods:
            raise ValueError(f"make_world(): a news world needs at least one story per step: "
                             f"n_items >= horizon + lifetime - 1 = {periods}")
        # an even rate: story j of the n is published at step -(lifetime - 1) + j * periods // n
        item_time = rng.permutation(np.arange(n_items) * periods // n_items - (lifetime - 1))
    return World(user_topics, ideology, group, item_topic, item_slant, item_quality, item_pull,
                 item_false, tolerance=tolerance, seed=seed, item_time=item_time,
                 lifetime=lifetime, horizon=horizon if lifetime is not None else None,
                 selective_exposure=float(selective_exposure))


# ------------------------------------------------------------------------------------------------
# What the platform sees
# ------------------------------------------------------------------------------------------------
_HIDDEN = {
    "item_quality": "the true quality; estimate it with view.item_satisfaction() (surveys)",
    "item_pull": "the true engagement pull; estimate it with view.item_ctr() (click-through "
                 "rate) against view.item_satisfaction()",
    "item_false": "the truth label, which fact-checkers establish later",
    "user_topics": "users' true tastes; use view.user_topic_counts (what they read)",
    "user_ideology": "users' true ideology; use view.user_slant() (mean slant they read)",
    "user_group": "users' true group; use view.user_slant() (mean slant they read)",
    "utility": "users' true satisfaction; use view.item_satisfaction() (surveys)",
    "true_tastes": "users' true tastes; use view.user_topic_counts (what they read)",
}


class FeedView:
    """What a platform knows when it ranks: the only thing re-rankers and policies see.

    Item features: ``item_topic``, ``item_topics`` (one-hot), ``item_slant``, ``item_time``
    (publication step), ``available`` (mask of readable stories at this ``step``).
    Logged behaviour so far: ``item_impressions`` and ``item_clicks`` per item, satisfaction
    survey answers per item (``item_reports``, noisy, from a sample of readers), and per user
    ``user_topic_counts`` (topics read) and ``user_consumed`` (stories read). Estimates built on
    them: :meth:`item_ctr`, :meth:`item_satisfaction`, :meth:`user_slant`.

    Ground truth (``item_quality``, ``item_pull``, ``item_false``, users' true tastes and
    ideology) is not here: reading it raises an ``AttributeError`` that names the estimate to use.

    >>> w = make_world(n_users=5, n_items=6, seed=0)
    >>> view = FeedView.empty(w)
    >>> view.item_ctr().shape, view.n_users
    ((6,), 5)
    >>> try:
    ...     view.item_pull
    ... except AttributeError as err:
    ...     print(str(err)[:55])
    a platform cannot see item_pull (the true engagement pu
    """

    def __init__(self, world: World, *, step: int, available: np.ndarray,
                 item_impressions: np.ndarray, item_clicks: np.ndarray,
                 survey_sum: np.ndarray, item_reports: np.ndarray,
                 user_topic_counts: np.ndarray, user_slant_sum: np.ndarray,
                 user_consumed: np.ndarray) -> None:
        self.item_topic = world.item_topic
        self.item_topics = world.item_topics
        self.item_slant = world.item_slant
        self.item_time = world.item_time
        self.n_users, self.n_items, self.n_topics = world.n_users, world.n_items, world.n_topics
        self.step = step
        self.available = available
        self.item_impressions = item_impressions
        self.item_clicks = item_clicks
        self.item_reports = item_reports
        self._survey_sum = survey_sum
        self.user_topic_counts = user_topic_counts
        self._user_slant_sum = user_slant_sum
        self.user_consumed = user_consumed

    @classmethod
    def empty(cls, world: World, step: int = 0) -> FeedView:
        """A view with nothing logged yet (a new platform)."""
        n, m = world.n_users, world.n_items
        return cls(world, step=step, available=world.available(step),
                   item_impressions=np.zeros(m), item_clicks=np.zeros(m),
                   survey_sum=np.zeros(m), item_reports=np.zeros(m),
                   user_topic_counts=np.zeros((n, world.n_topics)),
                   user_slant_sum=np.zeros(n), user_consumed=np.zeros(n))

    def __getattr__(self, name: str) -> Any:
        if name in _HIDDEN:
            raise AttributeError(f"a platform cannot see {name} ({_HIDDEN[name]})")
        raise AttributeError(f"FeedView has no attribute {name!r}")

    def item_ctr(self, prior_strength: float = 20.0) -> np.ndarray:
        """Estimated click-through rate per item: clicks / impressions, shrunk toward the
        overall rate by ``prior_strength`` pseudo-impressions (so an item shown twice is not
        judged on two impressions). Items never shown get the overall rate (0.5 before anything
        was shown)."""
        shown = self.item_impressions.sum()
        overall = self.item_clicks.sum() / shown if shown > 0 else 0.5
        top = self.item_clicks + prior_strength * overall
        bottom = self.item_impressions + prior_strength
        return np.divide(top, bottom, out=np.full(self.n_items, overall), where=bottom > 0)

    def item_satisfaction(self, prior_strength: float = 3.0) -> np.ndarray:
        """Estimated satisfaction per item: the mean survey answer of the readers asked, shrunk
        toward the overall mean by ``prior_strength`` pseudo-answers (noisy, and only for items
        that were read; a new story gets the overall mean, 0.5 before any answer)."""
        answers = self.item_reports.sum()
        overall = self._survey_sum.sum() / answers if answers > 0 else 0.5
        top = self._survey_sum + prior_strength * overall
        bottom = self.item_reports + prior_strength
        return np.divide(top, bottom, out=np.full(self.n_items, overall), where=bottom > 0)

    def user_slant(self) -> np.ndarray:
        """Each user's mean consumed slant (0 for a user who has read nothing): the platform's
        estimate of their leaning."""
        return np.divide(self._user_slant_sum, self.user_consumed,
                         out=np.zeros_like(self._user_slant_sum), where=self.user_consumed > 0)


# ------------------------------------------------------------------------------------------------
# Recommenders that need the simulation: the controls, content and the oracle
# ------------------------------------------------------------------------------------------------
class RandomRecommender:
    """Scores every item at random each time (the control in Chaney et al. 2018).

    Its numbers come from its own stream (``stream(seed, "recommender")``), never the
    simulation's warm-up or choice streams.

    >>> RandomRecommender(seed=0).fit(sp.csr_matrix((2, 3))).score(np.arange(2)).shape
    (2, 3)
    """

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed
        self._rng = stream(seed, "recommender")

    def fit(self, X: sp.spmatrix) -> RandomRecommender:
        self.n_items_ = X.shape[1]
        return self

    def score(self, user_indices: np.ndarray) -> np.ndarray:
        return self._rng.random((len(user_indices), self.n_items_), dtype=np.float32)


class ChronologicalRecommender:
    """Newest first: scores each story by its publication step (the chronological feed of
    Guess et al. 2023, a standard control). Stories published at the same step come in a random
    order for each user (from the recommender's stream); in a fixed catalogue, where every story
    is published at step 0, this is the random feed.

    >>> w = make_world(n_users=3, n_items=40, lifetime=5, horizon=4, seed=0)
    >>> s = ChronologicalRecommender(w).fit(sp.csr_matrix((3, 40))).score(np.arange(3))
    >>> bool((w.item_time[s.argmax(axis=1)] == w.item_time.max()).all())
    True
    """

    def __init__(self, world: World, seed: int = 0) -> None:
        self.item_time = np.asarray(world.item_time, dtype=np.float32)
        self.seed = seed
        self._rng = stream(seed, "recommender")

    def fit(self, X: sp.spmatrix) -> ChronologicalRecommender:
        self.n_items_ = X.shape[1]
        return self

    def score(self, user_indices: np.ndarray) -> np.ndarray:
        ties = self._rng.random((len(user_indices), self.n_items_), dtype=np.float32)
        return self.item_time[None, :] + 0.5 * ties


class ContentRecommender:
    """Content-based for news: notebook 02's topic profile and cosine, plus a slant match.

    ``score(u, i) = cosine(topic profile of u, topic of i) + slant_weight * (1 - |s_u - s_i| / 2)``
    where the topic profile counts the topics ``u`` read and ``s_u`` is the mean slant of what
    ``u`` read. The slant enters as a *distance*, so a story as far on the user's side as their
    reading is the best match and more extreme ones score less. (Putting the signed slant into
    the cosine as one more feature, ``slant="cosine"``, quietly favours stories more extreme
    than the user's reading whenever the topic part is small: kept to show the difference.)
    ``slant_weight=0`` ignores slant (topics only).

    >>> w = make_world(n_users=4, n_items=30, seed=1)
    >>> X = sp.csr_matrix((np.ones(2), ([0, 0], [3, 5])), shape=(4, 30))
    >>> ContentRecommender(w).fit(X).score(np.arange(4)).shape
    (4, 30)
    """

    def __init__(self, world: World, slant_weight: float = 0.5, slant: str = "distance"
                 ) -> None:
        if slant not in ("distance", "cosine"):
            raise ValueError(f"slant={slant!r}: use 'distance' or 'cosine'")
        if slant_weight < 0:
            raise ValueError("slant_weight must be >= 0 (0: topics only)")
        self.item_topics = world.item_topics
        self.item_slant = np.asarray(world.item_slant, dtype=float)
        self.slant_weight, self.slant = float(slant_weight), slant

    def fit(self, X: sp.spmatrix) -> ContentRecommender:
        X = sp.csr_matrix(X)
        self.n_items_ = X.shape[1]
        self.topic_profiles_ = np.asarray(X @ self.item_topics)
        count = np.asarray(X.sum(axis=1)).ravel()
        slant_sum = np.asarray(X @ self.item_slant).ravel()
        self.slant_sums_ = slant_sum
        self.mean_slant_ = np.divide(slant_sum, count, out=np.zeros_like(slant_sum),
                                     where=count > 0)
        return self

    def score(self, user_indices: np.ndarray) -> np.ndarray:
        users = np.asarray(user_indices)
        profiles = self.topic_profiles_[users]
        if self.slant == "cosine":
            # the old design: signed slant as one more feature inside the cosine
            p = np.column_stack([profiles, self.slant_sums_[users]])
            f = np.column_stack([self.item_topics, self.item_slant])
            pn = np.linalg.norm(p, axis=1, keepdims=True)
            fn = np.linalg.norm(f, axis=1)
            return (p @ f.T) / np.where(pn > 0, pn, 1.0) / np.where(fn > 0, fn, 1.0)[None, :]
        norms = np.linalg.norm(profiles, axis=1, keepdims=True)
        # one-hot topics of norm 1: the cosine is the profile's (normalised) entry of the topic
        scores = (profiles / np.where(norms > 0, norms, 1.0)) @ self.item_topics.T
        if self.slant_weight:
            gap = np.abs(self.mean_slant_[users][:, None] - self.item_slant[None, :])
            scores = scores + self.slant_weight * (1.0 - gap / 2.0)
        return scores


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
def top_k(scores: np.ndarray, world: Any, k: int) -> np.ndarray:
    """The default re-ranker: each row's ``k`` highest-scoring items, best first.

    Works on blocks of rows that fit in the CPU cache and keeps float32 scores in float32
    (several times faster than one pass over a large matrix): ``np.argpartition`` finds each
    row's ``k`` best items, then :func:`course.recommender.top_k` orders them. Ties are broken
    by item index (lowest first), so a run is reproducible. ``world`` (a :class:`FeedView` in
    the simulation) is not used.

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


def _top_k_among(scores: np.ndarray, columns: np.ndarray, k: int) -> np.ndarray:
    """:func:`top_k` restricted to ``columns`` (sorted item indices, at least ``k``): in a news
    world most items are unpublished or aged out (``-inf`` for everyone), and ranking only the
    readable ones gives the same slates several times faster."""
    if columns.size == scores.shape[1]:
        return top_k(scores, None, k)
    return columns[top_k(scores[:, columns], None, k)]


def attention_weights(k: int, position_decay: float = 1.0) -> np.ndarray:
    """Attention each slate position gets: ``1 / p ** position_decay`` for p = 1..k.

    >>> attention_weights(3, 1.0)
    array([1.        , 0.5       , 0.33333333])
    """
    return 1.0 / np.arange(1, k + 1) ** position_decay


def choice_probabilities(utility: np.ndarray, pull: np.ndarray | float = 0.0, *,
                         beta: float = 10.0, outside: float = 0.3,
                         position_decay: float = 1.0,
                         valid: np.ndarray | None = None) -> np.ndarray:
    """Probability that a user picks each slate position, and (last column) nothing.

    ``utility`` and ``pull`` are (n_users, k) for the items in slate order. Returns (n_users, k+1)
    whose rows sum to 1 (see the module docstring for the formula). ``valid`` (bool, (n_users,
    k)) marks the items that can be chosen; the others get probability 0.

    >>> p = choice_probabilities(np.array([[0.5, 0.5]]), beta=1.0, outside=0.5, position_decay=1)
    >>> np.round(p, 3)
    array([[0.4, 0.2, 0.4]])
    """
    utility = np.asarray(utility, dtype=float)
    att = attention_weights(utility.shape[1], position_decay)
    top = max(float(np.max(utility + pull, initial=outside)), outside)
    weights = att * np.exp(beta * (utility + pull - top))
    if valid is not None:
        weights = np.where(valid, weights, 0.0)
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
    ``topic_counts``: (n_users, n_topics) counts of consumed topics. ``logged``: the platform's
    logged statistics at the end (what :meth:`view` builds the last :class:`FeedView` from).
    """

    metrics: pd.DataFrame
    interactions: pd.DataFrame
    consumed: sp.csr_matrix
    world: World
    mean_slant: np.ndarray
    topic_counts: np.ndarray
    params: dict[str, Any]
    logged: dict[str, np.ndarray] = field(default_factory=dict)

    def view(self, step: int | None = None) -> FeedView:
        """The platform's view after the run (estimates from everything logged), at ``step``
        (default: the step after the last one).

        >>> r = quick_run("random", steps=3)
        >>> float(r.view().item_clicks.sum()) == len(r.interactions)
        True
        """
        step = self.params["steps"] if step is None else step
        world = self.world
        if world.is_news and world.horizon is not None:
            step = min(step, world.horizon - 1)
        return FeedView(world, step=step, available=world.available(step), **self.logged)

    def summary(self) -> pd.Series:
        """One scorecard for the whole run (:func:`scorecard` of the per-step metrics), e.g. to
        compare feeds or ranking policies in a dashboard.

        >>> r = quick_run("random", steps=3)
        >>> list(r.summary().index)[:3]
        ['engagement', 'satisfaction', 'relative_utility']
        """
        card = scorecard(self.metrics, warmup_steps=int(self.params.get("warmup_steps", 0)))
        card.name = self.params.get("recommender")
        return card


#: What :func:`scorecard` reports, in order.
SCORECARD = ("engagement", "satisfaction", "relative_utility", "cumulative_relative_utility",
             "final_relative_utility", "misinfo_share", "diversity", "homogenization",
             "group_distance", "exposure_gini", "cross_cutting_exposure",
             "cross_cutting_consumption")


def scorecard(metrics: pd.DataFrame, warmup_steps: int = 0) -> pd.Series:
    """Condense a run's per-step metrics (``SimulationResult.metrics``) into one scorecard.

    Averaged over the steps after the warm-up (random slates): ``engagement`` (click rate),
    ``satisfaction`` (expected utility per user and step: the *cumulative*, time-averaged
    utility), ``relative_utility`` (mean of the steps' ratios to the oracle),
    ``cumulative_relative_utility`` (total utility over the oracle's total, on the measurement
    sample), ``misinfo_share`` (false items' share of the consumption),
    ``cross_cutting_exposure`` and ``cross_cutting_consumption``. At the last step:
    ``final_relative_utility``, ``diversity``, ``homogenization``, ``group_distance`` and
    ``exposure_gini``.

    >>> m = pd.DataFrame({"click_rate": [0.5, 0.4], "utility": [0.2, 0.3],
    ...                   "oracle_utility": [0.4, 0.5], "relative_utility": [0.5, 0.6],
    ...                   "misinfo_share": [0.0, 0.5]})
    >>> round(float(scorecard(m)["cumulative_relative_utility"]), 4)   # (0.2 + 0.3) / 0.9
    0.5556
    """
    warmup = min(int(warmup_steps), len(metrics) - 1)
    after, last = metrics.iloc[warmup:], metrics.iloc[-1]

    def mean(column: str) -> float:
        return float(after[column].mean()) if column in after else float("nan")

    def final(column: str) -> float:
        return float(last[column]) if column in last else float("nan")

    clicks = after["click_rate"]
    weight = (after["relative_utility"] * after["oracle_utility"]).sum()
    card = {
        "engagement": mean("click_rate"),
        "satisfaction": mean("utility"),
        "relative_utility": mean("relative_utility"),
        "cumulative_relative_utility": float(weight / after["oracle_utility"].sum()),
        "final_relative_utility": final("relative_utility"),
        "misinfo_share": float((after["misinfo_share"] * clicks).sum() / clicks.sum())
        if clicks.sum() > 0 else 0.0,
        "diversity": final("diversity"),
        "homogenization": final("homogenization"),
        "group_distance": final("group_distance"),
        "exposure_gini": final("exposure_gini"),
        "cross_cutting_exposure": mean("cross_cutting_exposure"),
        "cross_cutting_consumption": mean("cross_cutting_consumption"),
    }
    return pd.Series(card)


def _interactions_matrix(users: list[np.ndarray], items: list[np.ndarray],
                         shape: tuple[int, int]) -> sp.csr_matrix:
    u = np.concatenate(users) if users else np.empty(0, dtype=np.int64)
    i = np.concatenate(items) if items else np.empty(0, dtype=np.int64)
    X = sp.csr_matrix((np.ones(u.size), (u, i)), shape=shape)
    X.sum_duplicates()
    X.data[:] = 1.0
    return X


def _cross_cutting(slant: np.ndarray, ideology: np.ndarray) -> np.ndarray:
    """True where an item's slant is on the other side from its user's ideology."""
    return np.sign(slant) * np.sign(ideology) < 0


# One BLAS thread: the loop's matrix products are small, and on a shared 2-core machine (or a
# laptop) extra BLAS threads mostly spin - they made a step up to 10 times slower.
@threadpool_limits.wrap(limits=1, user_api="blas")
def run(world: World, recommender: Recommender, steps: int = 50, *, k: int = 10,
        reranker: Reranker | None = None, warmup_steps: int = 2, retrain_every: int = 1,
        drift: float = 0.0, beta: float = 10.0, outside: float = 0.3,
        position_decay: float = 1.0, max_impressions: int | None = 3,
        n_metric_users: int | None = 1000, survey_rate: float = 0.2,
        survey_noise: float = 0.2, seed: int = 0,
        progress: bool | None = None, copy_world: bool = True) -> SimulationResult:
    """Run the feedback loop for ``steps`` steps and record the bubble metrics at each one.

    ``recommender`` follows the Recommender protocol, ``reranker`` the re-ranker protocol
    (default :func:`top_k`); both are described in the module docstring. ``warmup_steps`` random
    slates come first. ``drift`` in [0, 1) moves tastes toward what is consumed. ``beta``,
    ``outside`` and ``position_decay`` set the choice model. An item shown to a user
    ``max_impressions`` times (and never taken) is not shown to them again (``None``: no limit;
    without it a recommender that learns only from consumption shows a user who ignores their
    slate the same slate for ever). A share ``survey_rate`` of consumptions is followed by a
    satisfaction survey whose answer is the true utility plus normal noise (sd
    ``survey_noise``): the platform's only window on satisfaction. Homogenization and relative
    utility are measured on ``n_metric_users`` users (``None``: all). ``seed`` seeds the run's
    own streams (warm-up, choices, measurement sample, surveys); the world and the recommender
    have theirs. The world is copied first unless ``copy_world=False`` (then drift changes it in
    place). A progress bar appears for runs over 20 steps outside batch runs unless
    ``progress`` says otherwise.

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
    if not 0 <= survey_rate <= 1 or survey_noise < 0:
        raise ValueError("run(): survey_rate must be in [0, 1] and survey_noise >= 0")
    if not (hasattr(recommender, "fit") and hasattr(recommender, "score")):
        raise TypeError("run(): the recommender needs fit(X) and score(user_indices) methods; "
                        "see course.simulation's docstring, or use make_recommender('mf', world)")
    if world.is_news and world.horizon is not None and steps > world.horizon:
        raise ValueError(f"run(): this news world publishes stories for {world.horizon} steps, "
                         f"fewer than steps={steps}; make it with make_world(..., "
                         f"horizon={steps})")
    if copy_world:
        world = world.copy()
        if isinstance(recommender, OracleRecommender):
            recommender.world = world
    reranker = top_k if reranker is None else reranker
    warmup_rng, choice_rng = stream(seed, "warmup"), stream(seed, "choice")
    survey_rng = stream(seed, "survey")
    n_users, n_items = world.n_users, world.n_items
    users = np.arange(n_users)

    # Fixed measurement sample: similar-taste pairs (homogenization) and oracle comparison.
    n_metric = n_users if n_metric_users is None else min(n_metric_users, n_users)
    metric_seed = stream_seed(seed, "metrics")
    pair_a, pair_b = bubble_metrics.similar_user_pairs(world.true_tastes, n_metric,
                                                       seed=metric_seed)
    rand_a = pair_a
    rand_b = (pair_a + stream(seed, "metrics").integers(1, n_users, pair_a.size)) % n_users
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
    logged = {"item_impressions": np.zeros(n_items), "item_clicks": np.zeros(n_items),
              "survey_sum": np.zeros(n_items), "item_reports": np.zeros(n_items),
              "user_topic_counts": topic_counts, "user_slant_sum": slant_sum,
              "user_consumed": n_consumed}
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
        available = world.available(step)
        gone = np.flatnonzero(~available)
        # Score in blocks of users: each block stays in the CPU cache while it is converted
        # to float32 and masked (several times faster than whole-matrix passes at scale).
        for start in range(0, n_users, _BLOCK):
            block = slice(start, min(start + _BLOCK, n_users))
            if step < warmup_steps:
                warmup_rng.random(out=scores[block], dtype=np.float32)
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
            if gone.size:
                view[:, gone] = -np.inf
        feed_view = FeedView(world, step=step, available=available, **logged)
        if reranker is top_k and available.sum() >= k:
            slates = _top_k_among(scores, np.flatnonzero(available), k)     # same, faster
        else:
            slates = np.asarray(reranker(scores, feed_view, k))
        if slates.shape != (n_users, k):
            raise ValueError(f"the re-ranker returned shape {slates.shape}, expected "
                             f"{(n_users, k)} (one row of k item indices per user)")
        # what can actually be chosen: readable, not consumed, not capped
        valid = available[slates] & ~taken[users[:, None], slates]
        if max_impressions:
            valid &= impressions[users[:, None], slates] < max_impressions

        # The oracle's slates for the measurement sample, from the same available items.
        if drift > 0 or oracle_cache is None:      # tastes change only with drift
            oracle_cache = world.utility(metric_users).astype(np.float32)
        oracle_scores = oracle_cache.copy()
        oracle_scores[taken[metric_users]] = -np.inf
        if max_impressions:
            oracle_scores[impressions[metric_users] >= max_impressions] = -np.inf
        if gone.size:
            oracle_scores[:, gone] = -np.inf
        o_slate = (_top_k_among(oracle_scores, np.flatnonzero(available), k)
                   if available.sum() >= k else top_k(oracle_scores, None, k))
        o_valid = np.isfinite(np.take_along_axis(oracle_scores, o_slate, axis=1))
        del oracle_scores
        o_util = world.utility(metric_users, o_slate)
        o_probs = choice_probabilities(o_util, world.item_pull[o_slate], beta=beta,
                                       outside=outside, position_decay=position_decay,
                                       valid=o_valid)
        oracle_expected = (o_probs[:, :k] * o_util).sum(axis=1)
        if max_impressions:
            shown = impressions[users[:, None], slates]     # a slate lists distinct items
            impressions[users[:, None], slates] = np.minimum(shown, 254) + 1

        # Users choose (position-based logit with an outside option).
        util = world.utility(users, slates)
        probs = choice_probabilities(util, world.item_pull[slates], beta=beta, outside=outside,
                                     position_decay=position_decay, valid=valid)
        expected = (probs[:, :k] * util).sum(axis=1)
        draw = choice_rng.random(n_users)
        pos = (np.cumsum(probs, axis=1) < draw[:, None]).sum(axis=1)
        pos = np.minimum(pos, k)          # guard against rounding in the last column
        clicked = pos < k
        clicked[clicked] = valid[clicked, pos[clicked]]
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
        # What the platform logs: impressions, clicks and a sample of satisfaction surveys.
        logged["item_impressions"] += np.bincount(slates.ravel(), minlength=n_items)
        logged["item_clicks"] += np.bincount(ci, minlength=n_items)
        asked = survey_rng.random(ci.size) < survey_rate
        answers = util[cu[asked], cpos[asked]] + survey_rng.normal(0.0, survey_noise,
                                                                    int(asked.sum()))
        logged["survey_sum"] += np.bincount(ci[asked], weights=answers, minlength=n_items)
        logged["item_reports"] += np.bincount(ci[asked], minlength=n_items)

        # Metrics.
        with np.errstate(invalid="ignore", divide="ignore"):
            mean_slant = slant_sum / n_consumed
        slate_topics = world.item_topic[slates]
        distinct = (np.sort(slate_topics, axis=1)[:, 1:] !=
                    np.sort(slate_topics, axis=1)[:, :-1]).sum(axis=1) + 1
        exposure = np.bincount(slates.ravel(), minlength=n_items)[available]
        diversity = bubble_metrics.normalized_entropy(topic_counts)
        ideology = world.user_ideology
        crossing = _cross_cutting(world.item_slant[slates], ideology[:, None])
        oracle_mean = float(oracle_expected.mean())
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
            "exposure_gini": bubble_metrics.gini(exposure) if exposure.size else 0.0,
            "cross_cutting_exposure": float(crossing.mean()),
            "cross_cutting_consumption": float(
                _cross_cutting(world.item_slant[ci], ideology[cu]).mean())
            if ci.size else float("nan"),
            "click_rate": float(clicked.mean()),
            "utility": float(expected.mean()),
            "oracle_utility": oracle_mean,
            "relative_utility": float(expected[metric_users].mean() / oracle_mean)
            if oracle_mean > 0 else float("nan"),
            "misinfo_share": float(world.item_false[ci].mean()) if ci.size else 0.0,
            "catalogue": int(available.sum()),
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
                  survey_rate=survey_rate, survey_noise=survey_noise,
                  seed=seed, recommender=getattr(recommender, "name_", type(recommender).__name__))
    return SimulationResult(pd.DataFrame(rows).set_index("step"), interactions, X, world,
                            mean_slant, topic_counts, params, logged)


# ------------------------------------------------------------------------------------------------
# Convenience: recommenders by name, and a quick run for widgets
# ------------------------------------------------------------------------------------------------
#: Recommenders by name (:func:`make_recommender`); the first two are the standard controls.
RECOMMENDERS = ("random", "chronological", "popularity", "content", "mf", "oracle")
#: The control feeds every experiment is compared against.
CONTROLS = ("random", "chronological")

#: The simulation's matrix factorisation: notebook 03's implicit ALS (``course.implicit``,
#: Hu, Koren & Volinsky 2008) with notebook 03's 32 factors and confidence ``alpha=2``. Two
#: settings differ, for stated reasons: the penalty is 5 instead of 30 (notebook 03's was tuned
#: on MovieLens users with about a hundred ratings each; simulated users add at most one click
#: per step, and 30 then shrinks their factors so much that the model learns slower than a
#: random feed; penalties from 1 to 5 do equally well, tuned on seeds no notebook uses), and
#: each retraining is one epoch warm-started from the last factors instead of ten from scratch
#: (the data change by at most one click per user between steps).
MF_SETTINGS: dict[str, Any] = dict(n_factors=32, alpha=2.0, reg=5.0, n_epochs=1,
                                   warm_start=True)


def make_recommender(name: str, world: World, seed: int = 0, **options: Any) -> Recommender:
    """A recommender for the simulation by name: one of :data:`RECOMMENDERS`.

    ``random`` and ``chronological`` are the controls; ``popularity`` is
    :class:`course.popularity.Popularity`; ``content`` is :class:`ContentRecommender`; ``mf`` is
    :class:`course.implicit.ImplicitALS` with :data:`MF_SETTINGS`; ``oracle`` knows the true
    utility. ``options`` go to the class (e.g. ``slant_weight=0`` for content, ``n_factors=8``
    for mf). Random draws come from ``stream(seed, "recommender")``.

    >>> w = make_world(n_users=20, n_items=10)
    >>> type(make_recommender("oracle", w)).__name__
    'OracleRecommender'
    """
    if name == "random":
        rec: Any = RandomRecommender(seed=seed)
    elif name == "chronological":
        rec = ChronologicalRecommender(world, seed=seed)
    elif name == "oracle":
        rec = OracleRecommender(world)
    elif name == "popularity":
        from course.popularity import Popularity

        rec = Popularity()
    elif name == "content":
        rec = ContentRecommender(world, **options)
    elif name == "mf":
        from course.implicit import ImplicitALS

        rec = ImplicitALS(**{**MF_SETTINGS, "seed": stream_seed(seed, "recommender"),
                             **options})
    else:
        raise ValueError(f"unknown recommender {name!r}; choose one of {', '.join(RECOMMENDERS)}")
    rec.name_ = name
    return rec


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
