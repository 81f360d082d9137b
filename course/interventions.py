"""Breaking the bubble: re-rankers that trade a little relevance for diversity, calibration,
exploration or a mix of perspectives, and a blend of engagement and satisfaction objectives.

Every re-ranker here is a plain, vectorized function of a score matrix (``n_users x n_items``,
higher is better) that returns the chosen item indices (``n_users x k``, best first). They work
with the scores of any recommender (``model.score(users)``) and, wrapped by :func:`reranker`,
plug into the simulation, whose re-ranker protocol is ``rerank(scores, world, k) -> indices``.

* :func:`mmr_rerank`: maximal marginal relevance (Carbonell & Goldstein 1998), a diversity knob.
* :func:`calibrated_rerank`: calibrated recommendations (Steck 2018): the list's mix of genres or
  topics should match the user's history, measured by :func:`kl_miscalibration`.
  (:func:`greedy_rerank` is the greedy list builder behind both, and can do both at once.)
* :func:`epsilon_greedy` and :class:`UCBExplorer`: exploration, random and optimistic.
* :func:`perspective_quota`: a "mix of perspectives" rule on the slant of news items, and
  :func:`cross_cutting_share` to measure the exposure it creates.
* :func:`blend_objectives`: rank by a blend of predicted engagement and satisfaction.
* :class:`FeedPolicy`: all of the above in one re-ranker, each knob at 0 meaning "off" (what
  the playground, :mod:`course.playground`, turns).

Example
-------
>>> import numpy as np
>>> scores = np.array([[0.9, 0.8, 0.1]])
>>> similarity = np.array([[1.0, 1.0, 0.0], [1.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
>>> top_k(scores, 2).tolist()                    # the two near-duplicates
[[0, 1]]
>>> mmr_rerank(scores, similarity, 2, lam=0.5).tolist()   # relevance, then something different
[[0, 2]]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from course.recommender import top_k

__all__ = [
    "cosine_similarity", "mmr_rerank", "greedy_rerank", "item_distributions",
    "user_distributions", "list_distributions", "kl_miscalibration", "calibrated_rerank",
    "epsilon_greedy", "ucb_bonus", "UCBExplorer", "perspective_quota", "cross_cutting_share",
    "blend_objectives", "FeedPolicy", "reranker",
]


# -- helpers ---------------------------------------------------------------------------------------
def _check_scores(scores: np.ndarray, k: int) -> np.ndarray:
    scores = np.asarray(scores, dtype=float)
    if scores.ndim == 1:
        raise ValueError("scores must be a 2-D array (n_users x n_items); for one user pass "
                         "scores[None, :]")
    if scores.ndim != 2:
        raise ValueError(f"scores must be a 2-D array (n_users x n_items), got shape "
                         f"{scores.shape}")
    if not 1 <= int(k) <= scores.shape[1]:
        raise ValueError(f"k={k} must be between 1 and the number of items ({scores.shape[1]})")
    if np.isnan(scores).any():
        raise ValueError("scores contain NaN; give unknown items -np.inf to exclude them")
    return scores


def _check_weight(name: str, value: float, low: float = 0.0, high: float = 1.0) -> float:
    value = float(value)
    if not low <= value <= high:
        raise ValueError(f"{name}={value} must be between {low} and {high}")
    return value


def _candidates(scores: np.ndarray, pool: int | None) -> np.ndarray:
    """Indices of each user's ``pool`` best items (all items if ``pool`` is None), best first."""
    n_items = scores.shape[1]
    pool = n_items if pool is None else min(int(pool), n_items)
    return top_k(scores, pool)


#: Tests set this to check the one-genre shortcut of greedy_rerank against the general path.
_dense_calibration = False

#: Relevance given to excluded (-inf) candidates: they come last but can still fill a list
#: when fewer than k allowed items remain (the simulation's protocol).
_EXCLUDED = -1e6


def _minmax(values: np.ndarray) -> np.ndarray:
    """Scale each row to [0, 1] (a constant row becomes all ones); -inf stays -inf."""
    finite = np.isfinite(values)
    lo = np.where(finite, values, np.inf).min(axis=1, keepdims=True)
    hi = np.where(finite, values, -np.inf).max(axis=1, keepdims=True)
    span = np.where(hi > lo, hi - lo, 1.0)
    scaled = np.where(hi > lo, (values - lo) / span, 1.0)
    return np.where(finite, scaled, -np.inf)


def cosine_similarity(features: np.ndarray) -> np.ndarray:
    """Cosine similarity between the rows of ``features`` (items without features: 0).

    >>> cosine_similarity(np.array([[1, 0], [1, 1], [0, 0]])).round(3).tolist()
    [[1.0, 0.707, 0.0], [0.707, 1.0, 0.0], [0.0, 0.0, 0.0]]
    """
    features = np.asarray(features, dtype=float)
    if features.ndim != 2:
        raise ValueError("features must be a 2-D array (n_items x n_features)")
    norms = np.linalg.norm(features, axis=1, keepdims=True)
    unit = np.divide(features, norms, out=np.zeros_like(features), where=norms > 0)
    return unit @ unit.T


# -- diversity: maximal marginal relevance ---------------------------------------------------------
def mmr_rerank(scores: np.ndarray, similarity: np.ndarray, k: int, lam: float = 0.5,
               pool: int | None = 100, normalize: bool = True) -> np.ndarray:
    """Maximal marginal relevance: pick items one at a time, each maximising
    ``lam * relevance - (1 - lam) * (highest similarity to an item already picked)``.

    ``lam=1`` gives the plain top-k list; smaller values favour items unlike those already in
    the list. Relevance is the score, min-max scaled per user to [0, 1] over the candidate pool
    (``normalize=True``) so that ``lam`` means the same for every recommender. Only each user's
    ``pool`` best items are considered (None: all items), which keeps it fast.

    >>> scores = np.array([[1.0, 0.9, 0.0]])
    >>> sim = np.array([[1, .9, .1], [.9, 1, .2], [.1, .2, 1]])
    >>> mmr_rerank(scores, sim, 2, lam=0.3).tolist()
    [[0, 2]]
    >>> mmr_rerank(scores, sim, 2, lam=0.7).tolist()
    [[0, 1]]
    """
    lam = _check_weight("lam", lam)
    return greedy_rerank(scores, k, diversity=1.0 - lam, similarity=similarity, pool=pool,
                         normalize=normalize)


# -- calibration (Steck 2018) ----------------------------------------------------------------------
def item_distributions(item_features: np.ndarray) -> np.ndarray:
    """p(g|i): each item's genres (or topics) as a distribution; an item with none is uniform.

    >>> item_distributions(np.array([[1, 1, 0], [0, 0, 0]])).round(3).tolist()
    [[0.5, 0.5, 0.0], [0.333, 0.333, 0.333]]
    """
    features = np.asarray(item_features, dtype=float)
    if features.ndim != 2 or (features < 0).any():
        raise ValueError("item_features must be a non-negative n_items x n_genres array")
    totals = features.sum(axis=1, keepdims=True)
    uniform = np.full_like(features, 1.0 / features.shape[1])
    return np.where(totals > 0, features / np.where(totals > 0, totals, 1.0), uniform)


def user_distributions(history: Any, item_features: np.ndarray) -> np.ndarray:
    """p(g|u): the genre mix of what each user consumed, ``history`` being a user x item matrix
    of weights (0/1 or ratings; dense or scipy.sparse). A user with no history is uniform.

    >>> user_distributions(np.array([[1, 1], [0, 0]]), np.array([[1, 0], [1, 1]])).tolist()
    [[0.75, 0.25], [0.5, 0.5]]
    """
    dist = item_distributions(item_features)
    mix = np.asarray(history @ dist, dtype=float)
    totals = mix.sum(axis=1, keepdims=True)
    uniform = np.full_like(mix, 1.0 / mix.shape[1])
    return np.where(totals > 0, mix / np.where(totals > 0, totals, 1.0), uniform)


def list_distributions(lists: np.ndarray, item_features: np.ndarray) -> np.ndarray:
    """q(g|list): the genre mix of each recommended list (every position weighs the same)."""
    return item_distributions(item_features)[np.asarray(lists, dtype=int)].mean(axis=1)


def kl_miscalibration(p: np.ndarray, q: np.ndarray, alpha: float = 0.01) -> np.ndarray:
    """Steck's miscalibration ``KL(p || q~) = sum_g p(g) log(p(g) / q~(g))`` with
    ``q~ = (1 - alpha) q + alpha p`` (so a genre missing from the list gives a large, finite
    penalty). 0 means perfectly calibrated; works on the last axis, so rows are users.

    >>> round(float(kl_miscalibration(np.array([0.5, 0.5]), np.array([1.0, 0.0]))), 4)
    1.9585
    """
    p = np.asarray(p, dtype=float)
    q = np.asarray(q, dtype=float)
    alpha = _check_weight("alpha", alpha)
    if p.shape[-1] != q.shape[-1]:
        raise ValueError(f"p and q need the same genres on their last axis: {p.shape} vs "
                         f"{q.shape}")
    q_smooth = (1.0 - alpha) * q + alpha * p
    ratio = np.divide(p, q_smooth, out=np.ones_like(p * q_smooth), where=p > 0)
    return np.sum(np.where(p > 0, p * np.log(ratio), 0.0), axis=-1)


def calibrated_rerank(scores: np.ndarray, item_features: np.ndarray, target: np.ndarray, k: int,
                      lam: float = 0.5, alpha: float = 0.01, pool: int | None = 100,
                      normalize: bool = True) -> np.ndarray:
    """Calibrated recommendations (Steck 2018): greedily build the list that maximises
    ``(1 - lam) * sum of relevance - lam * KL(target || q~(list))``.

    ``target`` is p(g|u) (n_users x n_genres, e.g. :func:`user_distributions` of the history),
    ``item_features`` gives each item's genres or topics. ``lam=0`` is the plain top-k list;
    ``lam`` near 1 reproduces the user's genre mix as closely as ``k`` items allow.

    >>> genres = np.array([[1, 0], [1, 0], [0, 1]])
    >>> calibrated_rerank(np.array([[0.9, 0.8, 0.1]]), genres, np.array([[0.5, 0.5]]), 2,
    ...                   lam=0.5).tolist()
    [[0, 2]]
    """
    lam = _check_weight("lam", lam)
    return greedy_rerank(scores, k, calibration=lam, item_features=item_features, target=target,
                         alpha=alpha, pool=pool, normalize=normalize)


def greedy_rerank(scores: np.ndarray, k: int, *, diversity: float = 0.0,
                  similarity: np.ndarray | None = None, calibration: float = 0.0,
                  item_features: np.ndarray | None = None, target: np.ndarray | None = None,
                  alpha: float = 0.01, pool: int | None = 100,
                  normalize: bool = True) -> np.ndarray:
    """The greedy list builder behind MMR and calibration, which can also do both at once.

    Items are picked one at a time (for all users at once), each maximising::

        (1 - calibration) * [(1 - diversity) * relevance - diversity * max_sim]
            - calibration * KL(target || q~(list + item))

    so :func:`mmr_rerank` is ``diversity = 1 - lam`` and :func:`calibrated_rerank` is
    ``calibration = lam``. Relevance is min-max scaled per user over each user's ``pool`` best
    items (``normalize``); ``-inf`` scores (already consumed) come last.

    >>> greedy_rerank(np.array([[0.9, 0.8, 0.1]]), 2).tolist()           # both 0: top-k
    [[0, 1]]
    """
    scores = _check_scores(scores, k)
    diversity = _check_weight("diversity", diversity)
    calibration = _check_weight("calibration", calibration)
    alpha = _check_weight("alpha", alpha)
    n_users, n_items = scores.shape
    if diversity > 0:
        if similarity is None:
            raise ValueError("diversity > 0 needs similarity (n_items x n_items); build it with "
                             "cosine_similarity(item_features)")
        similarity = np.asarray(similarity, dtype=float)
        if similarity.shape != (n_items, n_items):
            raise ValueError(f"similarity must be n_items x n_items ({n_items} x {n_items}), "
                             f"got {similarity.shape}; build it with "
                             "cosine_similarity(item_features)")
    if calibration > 0:
        if item_features is None or target is None:
            raise ValueError("calibration > 0 needs item_features (n_items x n_genres) and "
                             "target (n_users x n_genres, e.g. user_distributions(history, "
                             "item_features))")
        dist = item_distributions(item_features)
        target = np.asarray(target, dtype=float)
        if dist.shape[0] != n_items:
            raise ValueError(f"item_features has {dist.shape[0]} rows but scores have "
                             f"{n_items} items")
        if target.shape != (n_users, dist.shape[1]):
            raise ValueError(f"target must be n_users x n_genres ({n_users} x "
                             f"{dist.shape[1]}), got {target.shape}")
    cand = _candidates(scores, pool)                         # (n_users, m), best first
    k = min(int(k), cand.shape[1])
    rel = np.take_along_axis(scores, cand, axis=1)
    if normalize:
        rel = _minmax(rel)
    allowed = np.isfinite(rel)
    rel = np.where(allowed, rel, 0.0)
    rows = np.arange(n_users)
    taken = np.zeros(cand.shape, dtype=bool)
    chosen = np.empty((n_users, k), dtype=int)
    max_sim = np.zeros(cand.shape)
    if calibration > 0:
        mix = np.zeros((n_users, dist.shape[1]))             # sum of p(g|i) over chosen items
        # KL(p || q~) = sum p log p - sum p log q~: the first term is fixed per user.
        entropy_term = np.sum(np.where(target > 0, target * np.log(np.where(target > 0, target,
                                                                             1.0)), 0.0),
                              axis=1)
        one_genre = bool(((dist > 0).sum(axis=1) == 1).all()) and not _dense_calibration
        if one_genre:                                        # e.g. news items with one topic
            cand_genre = np.argmax(dist, axis=1)[cand]       # (n_users, m)
        else:
            cand_dist = dist[cand]                           # (n_users, m, G)
    for step in range(k):
        value = (1.0 - diversity) * rel - diversity * max_sim
        if calibration > 0:
            share = (1.0 - alpha) / (step + 1)               # weight of one item in q~
            if one_genre:
                # Adding an item of genre g changes only q~(g): the cross-entropy of the list
                # with the item is that of the list without it, corrected in genre g.
                base = share * mix + alpha * target          # (n_users, G)
                log_base = np.log(np.maximum(base, 1e-300))
                gain = target * (np.log(base + share) - log_base)
                cross = (target * log_base).sum(axis=1, keepdims=True) + \
                    np.take_along_axis(gain, cand_genre, axis=1)
            else:
                q = share * (mix[:, None, :] + cand_dist) + alpha * target[:, None, :]
                cross = np.einsum("ug,umg->um", target, np.log(np.maximum(q, 1e-300)))
            kl = entropy_term[:, None] - cross
            value = (1.0 - calibration) * value - calibration * kl
        value = np.where(allowed, value, _EXCLUDED)
        value[taken] = -np.inf
        pick = np.argmax(value, axis=1)                      # position in the candidate pool
        taken[rows, pick] = True
        item = cand[rows, pick]
        chosen[:, step] = item
        if diversity > 0:
            max_sim = np.maximum(max_sim, similarity[item[:, None], cand])
        if calibration > 0:
            mix += dist[item]
    return chosen


# -- exploration -----------------------------------------------------------------------------------
def epsilon_greedy(scores: np.ndarray, k: int, epsilon: float = 0.1,
                   rng: np.random.Generator | int | None = 0) -> np.ndarray:
    """Exploration: each slot of the top-k list is, with probability ``epsilon``, given to an
    item drawn uniformly from those not in the list (the list keeps k distinct items).

    >>> scores = np.array([[3.0, 2.0, 1.0, 0.0]])
    >>> epsilon_greedy(scores, 2, epsilon=0.0).tolist()
    [[0, 1]]
    >>> set(epsilon_greedy(scores, 2, epsilon=1.0, rng=1).ravel()) <= {2, 3}
    True
    """
    scores = _check_scores(scores, k)
    epsilon = _check_weight("epsilon", epsilon)
    rng = np.random.default_rng(rng)
    best = top_k(scores, k)
    n_users, n_items = scores.shape
    k = best.shape[1]
    explore = rng.random((n_users, k)) < epsilon
    if n_items == k or not explore.any():
        return best
    keys = rng.random((n_users, n_items))
    np.put_along_axis(keys, best, np.inf, axis=1)            # never re-draw a listed item
    keys[~np.isfinite(scores)] = np.inf                      # nor an excluded one (-inf score)
    fill = np.argpartition(keys, k - 1, axis=1)[:, :k]       # k random items of the rest
    fill_ok = np.isfinite(np.take_along_axis(keys, fill, axis=1))
    return np.where(explore & fill_ok, fill, best)


def ucb_bonus(counts: np.ndarray, t: int, c: float = 1.0) -> np.ndarray:
    """The UCB1 exploration bonus ``c * sqrt(2 log(t + 1) / (n + 1))`` for items shown ``n``
    times after ``t`` rounds: large for rarely shown items, shrinking as they are shown.

    >>> ucb_bonus(np.array([0, 3]), t=3, c=1.0).round(4).tolist()
    [1.6651, 0.8326]
    """
    counts = np.asarray(counts, dtype=float)
    if (counts < 0).any() or t < 0 or c < 0:
        raise ValueError("counts, t and c must be non-negative")
    return c * np.sqrt(2.0 * np.log(t + 1.0) / (counts + 1.0))


class UCBExplorer:
    """A bandit policy (UCB1, "optimism in the face of uncertainty"): rank by the scaled score
    plus :func:`ucb_bonus` of how often each item has been shown so far, then remember what was
    shown. Items nobody has seen get a chance; the bonus fades as evidence accumulates.

    Call it like a re-ranker; it keeps state (``counts_``, ``t_``) between calls.

    >>> explorer = UCBExplorer(c=0.5)
    >>> scores = np.array([[1.0, 0.9, 0.0]])
    >>> explorer(scores, None, 1).tolist(), explorer(scores, None, 1).tolist()
    ([[0]], [[1]])
    >>> explorer.counts_.tolist()
    [1.0, 1.0, 0.0]
    """

    def __init__(self, c: float = 0.5) -> None:
        if c < 0:
            raise ValueError(f"c={c} must be non-negative (0 switches exploration off)")
        self.c = c

    def reset(self, n_items: int) -> UCBExplorer:
        """Forget what was shown (``counts_`` all zero, ``t_ = 0``)."""
        self.counts_ = np.zeros(int(n_items))
        self.t_ = 0
        return self

    def optimistic(self, scores: np.ndarray) -> np.ndarray:
        """The scores, min-max scaled per user, plus each item's exploration bonus (``-inf``
        stays ``-inf``). The first round has ``t_ = 0`` and so no bonus."""
        scores = np.asarray(scores, dtype=float)
        if getattr(self, "counts_", None) is None or self.counts_.shape[0] != scores.shape[1]:
            self.reset(scores.shape[1])
        bonus = ucb_bonus(self.counts_, self.t_, self.c)[None, :]
        return np.where(np.isfinite(scores), _minmax(scores) + bonus, -np.inf)

    def record(self, shown: np.ndarray) -> UCBExplorer:
        """Count the items in ``shown`` (n_users x k) as shown once more; one round passes."""
        self.counts_ += np.bincount(np.asarray(shown).ravel(), minlength=self.counts_.shape[0])
        self.t_ += 1
        return self

    def __call__(self, scores: np.ndarray, world: Any = None, k: int = 10) -> np.ndarray:
        scores = _check_scores(scores, k)
        chosen = top_k(self.optimistic(scores), k)
        self.record(chosen)
        return chosen


# -- a mix of perspectives -------------------------------------------------------------------------
def perspective_quota(scores: np.ndarray, slant: np.ndarray, k: int,
                      min_share: float = 0.3) -> np.ndarray:
    """A "mix of perspectives" rule: each side of the slant axis (slant < 0 and slant > 0)
    gets at least ``round(min_share * k)`` (at most ``k // 2``) of the k slots, when it has
    that many items; the other slots go to the best remaining items. The list stays in score
    order.

    ``min_share=0`` is the plain top-k list, ``0.5`` an even split.

    >>> scores = np.array([[0.9, 0.8, 0.7, 0.1]])
    >>> perspective_quota(scores, np.array([-1, -0.5, -0.2, 0.6]), 3, 0.34).tolist()
    [[0, 1, 3]]
    """
    scores = _check_scores(scores, k)
    min_share = _check_weight("min_share", min_share, 0.0, 0.5)
    slant = np.asarray(slant, dtype=float)
    if slant.shape != (scores.shape[1],):
        raise ValueError(f"slant must give one number per item ({scores.shape[1]}), got "
                         f"shape {slant.shape}")
    k = int(k)
    need = min(int(np.floor(min_share * k + 0.5)), k // 2)
    order = np.argsort(-scores, axis=1, kind="stable")
    side = np.sign(slant)[order]                              # side of each ranked item
    guaranteed = np.zeros(order.shape, dtype=bool)
    if need:
        for s in (-1.0, 1.0):
            on_side = side == s
            rank_on_side = np.cumsum(on_side, axis=1, dtype=np.int32) - 1
            guaranteed |= on_side & (rank_on_side < need)
        guaranteed &= np.isfinite(np.take_along_axis(scores, order, axis=1))
    # Keep the guaranteed items, and fill the other slots with the best of the rest: each row
    # then selects exactly k ranked items, which stay in rank order.
    free = k - guaranteed.sum(axis=1, keepdims=True)
    rest = ~guaranteed
    selected = guaranteed | (rest & (np.cumsum(rest, axis=1, dtype=np.int32) <= free))
    return order[selected].reshape(order.shape[0], k)


def cross_cutting_share(lists: np.ndarray, item_slant: np.ndarray,
                        user_ideology: np.ndarray) -> float:
    """Share of recommended items slanted to the *other* side from their user's ideology
    ("cross-cutting" exposure, Bakshy, Messing & Adamic 2015). Items or users exactly at 0 are
    on neither side, so never cross-cutting.

    >>> cross_cutting_share(np.array([[0, 1], [0, 1]]), np.array([-0.5, 0.4]),
    ...                     np.array([-0.2, 0.0]))
    0.25
    """
    lists = np.asarray(lists, dtype=int)
    user_ideology = np.asarray(user_ideology, dtype=float)
    if lists.ndim != 2 or lists.shape[0] != user_ideology.shape[0]:
        raise ValueError("lists must be n_users x k, with one ideology per user (row)")
    sides = np.sign(np.asarray(item_slant, dtype=float))[lists] * np.sign(user_ideology)[:, None]
    return float(np.mean(sides < 0))


# -- engagement and satisfaction -------------------------------------------------------------------
def blend_objectives(engagement: np.ndarray, satisfaction: np.ndarray,
                     weight: float = 0.5) -> np.ndarray:
    """Scores for ranking by a blend of objectives: ``(1 - weight) * z(engagement) +
    weight * z(satisfaction)``, each z-scored per user (row) so neither dominates by scale.

    ``weight=0`` ranks by predicted engagement (clicks, watch time), ``weight=1`` by predicted
    satisfaction.

    >>> eng, sat = np.array([[3.0, 2.0, 1.0]]), np.array([[0.0, 1.0, 2.0]])
    >>> top_k(blend_objectives(eng, sat, 0.0), 1).tolist(), top_k(blend_objectives(eng, sat,
    ...     1.0), 1).tolist()
    ([[0]], [[2]])
    """
    weight = _check_weight("weight", weight)
    engagement = np.atleast_2d(np.asarray(engagement, dtype=float))
    satisfaction = np.atleast_2d(np.asarray(satisfaction, dtype=float))
    if engagement.shape != satisfaction.shape:
        raise ValueError(f"engagement {engagement.shape} and satisfaction "
                         f"{satisfaction.shape} must have the same shape (n_users x n_items)")

    def z(values: np.ndarray) -> np.ndarray:
        std = values.std(axis=1, keepdims=True)
        return (values - values.mean(axis=1, keepdims=True)) / np.where(std > 0, std, 1.0)

    return (1.0 - weight) * z(engagement) + weight * z(satisfaction)


# -- everything at once ----------------------------------------------------------------------------
def _list_first(lists: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Scores that rank ``lists`` first (in their order), then the other items by ``scores``
    (min-max scaled below them); ``-inf`` stays ``-inf``. Lets one re-ranker refine another's
    list, e.g. a quota after MMR."""
    k = lists.shape[1]
    ranked = np.where(np.isfinite(scores), _minmax(scores), -np.inf)
    listed = np.take_along_axis(scores, lists, axis=1)
    np.put_along_axis(ranked, lists, np.where(np.isfinite(listed), 2.0 + k - np.arange(k), -np.inf),
                      axis=1)
    return ranked


class FeedPolicy:
    """A feed with every intervention of this module at once; each knob at 0 switches it off,
    so ``FeedPolicy()`` is the plain top-k feed. It is a re-ranker (``policy(scores, world, k)``)
    and applies, in order:

    1. ``blend``: rank by :func:`blend_objectives` of engagement (the recommender's scores) and
       predicted satisfaction (those scores times each item's *estimated* satisfaction,
       ``view.item_satisfaction()``: the mean answer of the readers the platform surveyed,
       noisy and shrunk toward the average for items few have read; see
       :class:`course.simulation.FeedView`. The true quality is never used);
    2. ``explore="ucb"``: add the :class:`UCBExplorer` bonus (``c = exploration``);
    3. ``diversity`` and ``calibration``: :func:`greedy_rerank` (MMR with ``lam = 1 -
       diversity``, calibration to each user's consumed topic mix with ``lam = calibration``);
    4. ``quota``: :func:`perspective_quota` with ``min_share = quota`` (at most 0.5);
    5. ``explore="epsilon"``: :func:`epsilon_greedy` with ``epsilon = exploration``.

    The greedy step considers each user's ``pool`` best items (50: plenty for lists of 10, and
    it keeps a simulation step fast).

    >>> from types import SimpleNamespace
    >>> world = SimpleNamespace(item_topics=np.eye(2)[[0, 0, 1, 1]],
    ...                         item_satisfaction=lambda: np.ones(4),
    ...                         item_slant=np.array([-0.5, -0.4, 0.3, 0.6]))
    >>> scores = np.array([[0.9, 0.8, 0.7, 0.1]])
    >>> FeedPolicy()(scores, world, 2).tolist(), FeedPolicy(quota=0.5)(scores, world, 2).tolist()
    ([[0, 1]], [[0, 2]])
    """

    def __init__(self, diversity: float = 0.0, calibration: float = 0.0, quota: float = 0.0,
                 exploration: float = 0.0, explore: str = "epsilon", blend: float = 0.0,
                 seed: int = 0, pool: int = 50) -> None:
        if explore not in ("epsilon", "ucb"):
            raise ValueError(f"explore={explore!r}: use 'epsilon' (epsilon-greedy) or 'ucb'")
        self.diversity = _check_weight("diversity", diversity)
        self.calibration = _check_weight("calibration", calibration)
        self.quota = _check_weight("quota", quota, 0.0, 0.5)
        self.exploration = _check_weight("exploration", exploration)
        self.blend = _check_weight("blend", blend)
        self.explore, self.seed, self.pool = explore, seed, int(pool)
        self.rng_ = np.random.default_rng(seed)
        self.explorer_ = UCBExplorer(c=self.exploration)
        self._similarity: tuple[int, np.ndarray] | None = None

    def _similarity_of(self, features: np.ndarray) -> np.ndarray:
        if self._similarity is None or self._similarity[0] != id(features):
            self._similarity = (id(features), cosine_similarity(features))
        return self._similarity[1]

    def __call__(self, scores: np.ndarray, world: Any, k: int) -> np.ndarray:
        scores = _check_scores(scores, k)
        allowed = np.isfinite(scores)
        if self.blend > 0:
            engagement = np.where(allowed, _minmax(scores), 0.0)
            estimate = np.asarray(world.item_satisfaction(), dtype=float)
            satisfaction = engagement * estimate[None, :]
            scores = np.where(allowed, blend_objectives(engagement, satisfaction, self.blend),
                              -np.inf)
        if self.explore == "ucb" and self.exploration > 0:
            scores = self.explorer_.optimistic(scores)
        if self.diversity > 0 or self.calibration > 0:
            features = world.item_topics
            target = (user_distributions(~allowed, features) if self.calibration > 0 else None)
            lists = greedy_rerank(scores, k, diversity=self.diversity,
                                  similarity=self._similarity_of(features)
                                  if self.diversity > 0 else None,
                                  calibration=self.calibration, item_features=features,
                                  target=target, pool=max(self.pool, k))
            scores = _list_first(lists, scores)
        if self.quota > 0:
            lists = perspective_quota(scores, world.item_slant, k, self.quota)
            scores = _list_first(lists, scores)
        if self.explore == "epsilon" and self.exploration > 0:
            lists = epsilon_greedy(scores, k, self.exploration, self.rng_)
        else:
            lists = top_k(scores, k)
        if self.explore == "ucb" and self.exploration > 0:
            self.explorer_.record(lists)
        return lists


# -- plugging into the simulation ------------------------------------------------------------------
def reranker(kind: str = "top_k", **settings: Any) -> Callable[[np.ndarray, Any, int],
                                                                np.ndarray]:
    """A re-ranker with the simulation's protocol ``rerank(scores, world, k) -> indices``.

    ``kind`` is one of ``"top_k"``, ``"mmr"`` (``lam``), ``"calibrated"`` (``lam``,
    ``target``), ``"epsilon_greedy"`` (``epsilon``, ``seed``), ``"ucb"`` (``c``), ``"quota"``
    (``min_share``). Item features come from ``world.item_topics`` and slant from
    ``world.item_slant`` (override with ``features=``, ``slant=``). A calibrated list matches
    ``target="history"`` (default, as in Steck 2018: the topic mix of what each user consumed
    so far, which the simulation marks ``-inf`` in the scores; uniform before any history),
    ``"tastes"`` (a World's true tastes: an oracle, for comparisons outside the simulation,
    whose :class:`~course.simulation.FeedView` refuses it) or an n_users x n_topics array.

    >>> rerank = reranker("quota", min_share=0.5, slant=np.array([-1, -1, 1]))
    >>> rerank(np.array([[0.9, 0.8, 0.1]]), None, 2).tolist()
    [[0, 2]]
    """
    def features(world: Any) -> np.ndarray:
        return settings["features"] if "features" in settings else world.item_topics

    if kind == "top_k":
        return lambda scores, world, k: top_k(_check_scores(scores, k), k)
    if kind == "mmr":
        cache: dict[int, np.ndarray] = {}

        def mmr(scores: np.ndarray, world: Any, k: int) -> np.ndarray:
            feats = features(world)
            if id(feats) not in cache:
                cache.clear()
                cache[id(feats)] = cosine_similarity(feats)
            return mmr_rerank(scores, cache[id(feats)], k, lam=settings.get("lam", 0.5))
        return mmr
    if kind == "calibrated":
        def calibrated(scores: np.ndarray, world: Any, k: int) -> np.ndarray:
            target = settings.get("target", "history")
            if isinstance(target, str) and target == "history":
                # what each user consumed so far: the simulation marks it -inf in the scores
                target = user_distributions(np.isneginf(scores), features(world))
            elif isinstance(target, str) and target == "tastes":
                target = world.user_topics
            return calibrated_rerank(scores, features(world), target, k,
                                     lam=settings.get("lam", 0.5))
        return calibrated
    if kind == "epsilon_greedy":
        rng = np.random.default_rng(settings.get("seed", 0))
        return lambda scores, world, k: epsilon_greedy(scores, k, settings.get("epsilon", 0.1),
                                                       rng)
    if kind == "ucb":
        return UCBExplorer(settings.get("c", 0.5))
    if kind == "quota":
        def quota(scores: np.ndarray, world: Any, k: int) -> np.ndarray:
            slant = settings["slant"] if "slant" in settings else world.item_slant
            return perspective_quota(scores, slant, k, settings.get("min_share", 0.3))
        return quota
    raise ValueError(f"unknown re-ranker {kind!r}: use one of top_k, mmr, calibrated, "
                     "epsilon_greedy, ucb, quota")
