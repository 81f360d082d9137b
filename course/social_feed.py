"""A social news feed to run field experiments on: friends, Pages, reshares and a ranked feed.

Notebook 09 re-creates the field experiments that tested the debate's claims (a chronological
feed, no reshares, fewer like-minded sources, deactivation, a chronological holdout) in this
model, and sets the simulated effects beside the published ones. The model is deliberately
small; every assumption below is a named argument of :func:`make_social_world` or
:func:`run_feed`, so a student can switch it off and see which conclusions survive.

The world (:func:`make_social_world`)
-------------------------------------
* **Users** with a political position ``ideology`` in [-1, 1] (two camps, left and right, at
  ``-polarization`` and ``+polarization``), an *attitude* that starts at it and may move, and a
  political ``interest`` in (0, 1) (most people care little about politics).
* **Friends**: a homophilous random graph; a friend is on the user's own side with probability
  ``friend_homophily`` (Bakshy et al. 2015 found 23% of friends on the other side).
* **Pages** (news outlets, public figures) with a slant in [-1, 1]; a share ``political_pages``
  post politics; a share ``untrustworthy_pages`` are untrustworthy (extreme slant, more pull).
  Each user follows ``n_follows`` Pages, preferring Pages close to their own position.

One step (a day) of :func:`run_feed`
------------------------------------
1. Every Page posts once; every user posts a personal (non-political) post with probability
   ``post_rate``. Each post has an engagement **pull**: Page posts
   ``pull = extremity_pull * |slant| + untrustworthy_pull * untrustworthy + noise``.
2. A user's **inventory** is the day's posts of the Pages they follow, their friends' personal
   posts, and what their friends **reshared** the day before (a separate channel), minus what
   they have already seen.
3. The user's chance of engaging (click, react) with post ``i`` is::

       p = sigmoid(bias + pull_i + friend_bonus [friend's post or reshare]
                   + political_i * (interest_weight * (interest_u - 0.5)
                                    + agreement_weight * (0.5 - |attitude_u - slant_i|)))

4. The **feed** ranks the inventory: the *ranked* feed by predicted engagement (the true
   ``p``'s logit plus prediction noise ``prediction_noise``, minus ``integrity_demotion`` for
   untrustworthy posts: how much a platform's integrity work demotes them); the
   *chronological* feed by time of posting (newest first), i.e. in random order within a day.
5. The user reads the feed from the top: after each post they keep scrolling with probability
   ``stay_base + stay_gain * p`` (engaging posts keep people longer), for at most ``k`` posts.
   Outcomes are *expected* values over this reading: views (time spent), engagements.
6. Users reshare what they engaged with (probability ``reshare_rate`` per engagement, drawn at
   random): tomorrow their friends may see it.
7. Attitudes move toward the slant of the political posts read, at rate ``influence`` per post
   (a strong assumption: :func:`run_feed` with ``influence=0`` switches it off).

Sources are classified as in Nyhan et al. (2023): a post is from a **like-minded** source if its
source (the Page, or the friend for personal posts) is on the user's side of the axis by more than
``side_margin``, **cross-cutting** if on the other side by more than that, else neither.

Treatments are per user, so a run is a randomised experiment inside one world (as in the field):
``chronological``, ``no_reshares``, ``like_minded_cut`` (share of like-minded posts removed from
the feed's candidates) and ``deactivated`` (sees nothing, posts and reshares nothing).

Randomness comes from independent streams spawned from one seed (world, posts, prediction
noise, timestamps, reshares), so changing one part never shifts another's random numbers.

Example
-------
>>> world = make_social_world(n_users=300, n_pages=40, seed=1)
>>> result = run_feed(world, steps=5, seed=1)
>>> result.per_user.shape[0]
300
>>> bool(result.per_user["views"].mean() > 1)
True
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

__all__ = [
    "SocialWorld", "make_social_world", "run_feed", "FeedResult", "source_relation",
    "reading_weights", "OUTCOMES",
]

#: Per-user outcomes of :func:`run_feed` that notebook 09 compares with the field (as shares of
#: what each user viewed, except views and engagements, which are per day).
OUTCOMES = ("views", "engagements", "political_views", "untrustworthy_views",
            "political_share", "untrustworthy_share", "like_minded_share", "cross_cutting_share",
            "moderate_share", "extremity_change")


@dataclass
class SocialWorld:
    """Users, friends, Pages and follows (see the module docstring)."""

    ideology: np.ndarray          # (n_users,) starting political position in [-1, 1]
    interest: np.ndarray          # (n_users,) political interest in (0, 1)
    friends: sp.csr_matrix        # (n_users, n_users) symmetric 0/1
    page_slant: np.ndarray        # (n_pages,) in [-1, 1]
    page_political: np.ndarray    # (n_pages,) bool
    page_untrustworthy: np.ndarray  # (n_pages,) bool
    follows: np.ndarray           # (n_users, n_pages) bool
    seed: int = 0
    options: dict = field(default_factory=dict)

    @property
    def n_users(self) -> int:
        return self.ideology.shape[0]

    @property
    def n_pages(self) -> int:
        return self.page_slant.shape[0]

    @property
    def side(self) -> np.ndarray:
        """+1 for users right of centre, -1 for users left of it."""
        return np.where(self.ideology >= 0, 1, -1)


def _streams(seed: int, n: int) -> list[np.random.Generator]:
    return [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(n)]


def make_social_world(n_users: int = 1000, n_pages: int = 100, *, n_friends: int = 20,
                      friend_homophily: float = 0.77, n_follows: int = 10,
                      polarization: float = 0.5, political_pages: float = 0.5,
                      untrustworthy_pages: float = 0.1, follow_width: float = 0.5,
                      seed: int = 0) -> SocialWorld:
    """Draw a seeded social world (the same arguments give the same world).

    ``friend_homophily`` is the chance that a friend is on one's own side (0.77 gives the 23%
    of friends on the other side that Bakshy et al. 2015 measured). Untrustworthy Pages are
    political and extreme (|slant| at least 0.6).

    >>> w = make_social_world(n_users=200, n_pages=30, seed=2)
    >>> w.follows.shape, bool((w.friends != w.friends.T).nnz == 0)
    ((200, 30), True)
    """
    if n_users < 10 or n_pages < 4:
        raise ValueError("make_social_world(): use at least 10 users and 4 pages")
    for name, value in [("friend_homophily", friend_homophily), ("polarization", polarization),
                        ("political_pages", political_pages),
                        ("untrustworthy_pages", untrustworthy_pages)]:
        if not 0 <= value <= 1:
            raise ValueError(f"make_social_world(): {name} must be between 0 and 1, not {value}")
    if not 1 <= n_follows <= n_pages or n_friends < 1:
        raise ValueError("make_social_world(): need 1 <= n_follows <= n_pages and n_friends >= 1")
    r_users, r_graph, r_pages, r_follow = _streams(seed, 4)
    side = r_users.random(n_users) < 0.5
    ideology = np.clip(np.where(side, polarization, -polarization)
                       + r_users.normal(0, 0.3, n_users), -1, 1)
    interest = r_users.beta(1.5, 4.0, n_users)

    # friends: each user proposes n_friends / 2 ties, on their side with prob friend_homophily
    right = ideology >= 0
    groups = [np.flatnonzero(~right), np.flatnonzero(right)]
    half = max(n_friends // 2, 1)
    source = np.repeat(np.arange(n_users), half)
    same = r_graph.random(source.size) < friend_homophily
    target_right = np.where(same, right[source], ~right[source])
    target = np.empty(source.size, dtype=np.int64)
    for flag in (False, True):
        pool = groups[int(flag)]
        mask = target_right == flag
        if pool.size == 0:          # a one-camp world: tie within the other camp
            pool = groups[int(not flag)]
        target[mask] = pool[r_graph.integers(0, pool.size, mask.sum())]
    keep = source != target
    adj = sp.coo_matrix((np.ones(keep.sum()), (source[keep], target[keep])),
                        shape=(n_users, n_users)).tocsr()
    adj = ((adj + adj.T) > 0).astype(np.float64).tocsr()

    page_slant = r_pages.uniform(-1, 1, n_pages)
    page_untrustworthy = np.zeros(n_pages, dtype=bool)
    n_bad = int(round(untrustworthy_pages * n_pages))
    bad = r_pages.permutation(n_pages)[:n_bad]
    page_untrustworthy[bad] = True
    page_slant[bad] = np.sign(page_slant[bad] + 1e-12) * r_pages.uniform(0.6, 1.0, n_bad)
    page_political = (r_pages.random(n_pages) < political_pages) | page_untrustworthy

    # follows: Pages near one's position are likelier (Gumbel top-k sampling without replacement)
    affinity = -((ideology[:, None] - page_slant[None, :]) ** 2) / (2 * follow_width ** 2)
    keys = affinity + r_follow.gumbel(size=affinity.shape)
    chosen = np.argpartition(-keys, n_follows - 1, axis=1)[:, :n_follows]
    follows = np.zeros((n_users, n_pages), dtype=bool)
    np.put_along_axis(follows, chosen, True, axis=1)
    options = dict(n_friends=n_friends, friend_homophily=friend_homophily, n_follows=n_follows,
                   polarization=polarization, political_pages=political_pages,
                   untrustworthy_pages=untrustworthy_pages, follow_width=follow_width)
    return SocialWorld(ideology, interest, adj, page_slant, page_political, page_untrustworthy,
                       follows, seed=seed, options=options)


def source_relation(user_side: np.ndarray, source_slant: np.ndarray,
                    side_margin: float = 0.2) -> np.ndarray:
    """+1 where the source is like-minded, -1 where it is cross-cutting, 0 otherwise.

    ``user_side`` is +1/-1 per row, ``source_slant`` broadcasts against it.

    >>> source_relation(np.array([[1], [-1]]), np.array([[0.5, -0.5, 0.1]]))
    array([[ 1, -1,  0],
           [-1,  1,  0]])
    """
    signed = np.asarray(user_side) * np.asarray(source_slant)
    return np.where(signed > side_margin, 1, np.where(signed < -side_margin, -1, 0))


def reading_weights(p_engage: np.ndarray, stay_base: float = 0.6,
                    stay_gain: float = 0.4) -> np.ndarray:
    """Probability of reading each position of a feed (rows: users, columns: positions).

    The first post is always read; after reading the post at a position the user goes on with
    probability ``stay_base + stay_gain * p`` (at most 0.98). Positions holding no post
    (``nan``) end the feed.

    >>> reading_weights(np.array([[0.5, 0.0, 0.5]]), stay_base=0.5, stay_gain=0.5)
    array([[1.   , 0.75 , 0.375]])
    """
    p = np.asarray(p_engage, dtype=float)
    stay = np.minimum(stay_base + stay_gain * np.nan_to_num(p, nan=0.0), 0.98)
    stay = np.where(np.isnan(p), 0.0, stay)
    reach = np.ones_like(p)
    reach[:, 1:] = np.cumprod(stay[:, :-1], axis=1)
    return np.where(np.isnan(p), 0.0, reach)


@dataclass
class FeedResult:
    """What :func:`run_feed` returns.

    ``per_user``: one row per user with the arm flags and the outcomes of :data:`OUTCOMES`:
    views, engagements, political and untrustworthy views per day; shares of what the user
    viewed (``moderate_share``: posts from sources neither like-minded nor cross-cutting); and
    ``extremity_change``, the change in attitude extremity ``|attitude| - |ideology|`` in
    standard deviations of the starting ideology (the unit field studies report attitude
    effects in). ``page_impressions``: (n_users, n_pages) expected views of each Page's posts
    (originals and reshares). ``stages``: political posts' cross-cutting and like-minded counts
    at four stages (``random``: all political posts of the day, ``potential``: the inventory,
    ``exposed``: viewed, ``engaged``), per user. ``audiences``: one row per political post and
    day with its slant and its audiences on the left and on the right at the potential,
    exposed and engaged stages (for segregation indices).
    """

    per_user: pd.DataFrame
    page_impressions: np.ndarray
    stages: pd.DataFrame
    audiences: pd.DataFrame
    world: SocialWorld
    params: dict


def _as_user_array(value, n: int, dtype, name: str) -> np.ndarray:
    if value is None:
        return np.zeros(n, dtype=dtype)
    arr = np.asarray(value)
    if arr.ndim == 0:
        return np.full(n, arr, dtype=dtype)
    if arr.shape != (n,):
        raise ValueError(f"run_feed(): {name} needs one value per user ({n}), got {arr.shape}")
    return arr.astype(dtype)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def run_feed(world: SocialWorld, steps: int = 20, *, chronological=None, no_reshares=None,
             like_minded_cut=None, deactivated=None, k: int = 20, post_rate: float = 0.3,
             extremity_pull: float = 1.0, untrustworthy_pull: float = 0.5,
             bias: float = -2.0, friend_bonus: float = 1.0, interest_weight: float = 2.0,
             agreement_weight: float = 1.0, prediction_noise: float = 0.5,
             integrity_demotion: float = 0.0, reshare_rate: float = 0.3,
             stay_base: float = 0.6, stay_gain: float = 0.4, influence: float = 0.002,
             side_margin: float = 0.2, seed: int = 0) -> FeedResult:
    """Run the feed for ``steps`` days; treatments are per user (bool or share arrays, or one
    value for everyone). See the module docstring for the model and every argument.

    >>> w = make_social_world(n_users=200, n_pages=30, seed=0)
    >>> arm = np.arange(200) % 2 == 0
    >>> r = run_feed(w, steps=4, chronological=arm, seed=0)
    >>> r.per_user.groupby("chronological")["views"].mean().shape
    (2,)
    """
    if steps < 1 or k < 1:
        raise ValueError("run_feed(): steps and k must be at least 1")
    if not 0 <= post_rate <= 1 or not 0 <= reshare_rate <= 1:
        raise ValueError("run_feed(): post_rate and reshare_rate are probabilities (0 to 1)")
    n, n_pages = world.n_users, world.n_pages
    chrono = _as_user_array(chronological, n, bool, "chronological")
    no_reshare = _as_user_array(no_reshares, n, bool, "no_reshares")
    cut = _as_user_array(like_minded_cut, n, float, "like_minded_cut")
    off = _as_user_array(deactivated, n, bool, "deactivated")
    if np.any((cut < 0) | (cut > 1)):
        raise ValueError("run_feed(): like_minded_cut is a share between 0 and 1")
    r_posts, r_noise, r_time, r_share, r_cut = _streams(seed, 5)

    side = world.side
    attitude = world.ideology.copy()
    friends = world.friends
    users = np.arange(n)

    # accumulators (expected values)
    acc = {name: np.zeros(n) for name in (
        "views", "engagements", "political_views", "untrustworthy_views", "like_minded_views",
        "cross_cutting_views")}
    stage_cols = [f"{stage}_{kind}" for stage in ("random", "potential", "exposed", "engaged")
                  for kind in ("political", "cross_cutting", "like_minded")]
    stages = {c: np.zeros(n) for c in stage_cols}
    page_impressions = np.zeros((n, n_pages))
    audience_rows: list[pd.DataFrame] = []

    # items reshared yesterday: global attributes of the pool
    pool = None        # dict of arrays for yesterday's reshared posts, or None
    pool_sharers = None  # (n_users, n_pool) bool: who reshared each pool post
    seen = np.zeros((n, steps * (n_pages + n)), dtype=bool)   # user x post id: already viewed
    next_id = 0

    follow_rows, follow_pages = np.nonzero(world.follows)
    right = side > 0
    on = ~off
    for _ in range(steps):
        # 1. today's posts: every Page once, some users a personal post
        authors = np.flatnonzero((r_posts.random(n) < post_rate) & on)
        n_new = n_pages + authors.size
        ids = np.arange(next_id, next_id + n_new)
        next_id += n_new
        slant = np.concatenate([world.page_slant, world.ideology[authors]])
        political = np.concatenate([world.page_political, np.zeros(authors.size, bool)])
        untrust = np.concatenate([world.page_untrustworthy, np.zeros(authors.size, bool)])
        page = np.concatenate([np.arange(n_pages), np.full(authors.size, -1)])
        noise = r_posts.normal(0, 0.3, n_new)
        pull = np.where(page >= 0, extremity_pull * np.abs(slant) * political
                        + untrustworthy_pull * untrust, 0.0) + noise
        cols = {"ids": ids, "slant": slant, "political": political, "untrust": untrust,
                "page": page, "pull": pull, "friend": page < 0}

        # 2. inventory as (user, column) pairs: followed Pages, friends' personal posts ...
        fr = friends[:, authors].tocoo()
        rows = [follow_rows, fr.row]
        cols_ = [follow_pages, n_pages + fr.col]
        # ... and what friends reshared yesterday (unless the user's feed has no reshares)
        if pool is not None and pool["ids"].size:
            got = (friends @ pool_sharers).tocoo()
            keep = ~no_reshare[got.row] & ~seen[got.row, pool["ids"][got.col]]
            rows.append(got.row[keep])
            cols_.append(n_new + got.col[keep])
            cols = {key: np.concatenate([val, pool[key]]) for key, val in cols.items()}
            cols["friend"][n_new:] = True
        r_ = np.concatenate(rows).astype(np.int64)
        c_ = np.concatenate(cols_).astype(np.int64)
        keep = on[r_]
        r_, c_ = r_[keep], c_[keep]
        e_slant, e_pol, e_untrust = cols["slant"][c_], cols["political"][c_], cols["untrust"][c_]
        relation = source_relation(side[r_], e_slant, side_margin)

        # fewer like-minded sources: drop a share of the like-minded candidates
        if cut.any():
            keep = ~((relation == 1) & (r_cut.random(r_.size) < cut[r_]))
            r_, c_, e_slant, e_pol, e_untrust, relation = (
                x[keep] for x in (r_, c_, e_slant, e_pol, e_untrust, relation))

        # 3. engagement probabilities
        logit = (bias + cols["pull"][c_] + friend_bonus * cols["friend"][c_]
                 + e_pol * (interest_weight * (world.interest[r_] - 0.5)
                            + agreement_weight * (0.5 - np.abs(attitude[r_] - e_slant))))
        p = _sigmoid(logit)

        # 4. rank each user's candidates: predicted engagement, or newest first
        predicted = (logit + r_noise.normal(0, prediction_noise, r_.size)
                     - integrity_demotion * e_untrust)
        score = np.where(chrono[r_], r_time.random(r_.size), predicted)
        order = np.lexsort((-score, r_))
        r_, c_, p, e_slant, e_pol, e_untrust, relation = (
            x[order] for x in (r_, c_, p, e_slant, e_pol, e_untrust, relation))
        starts = np.searchsorted(r_, users)
        pos = np.arange(r_.size) - starts[r_]
        in_feed = pos < k

        # stages for the algorithm-versus-choice decomposition (political posts only)
        n_cc = np.array([(slant[political] * s < -side_margin).sum() for s in (-1, 1)])
        n_lm = np.array([(slant[political] * s > side_margin).sum() for s in (-1, 1)])
        stages["random_political"] += political.sum() * on
        stages["random_cross_cutting"] += n_cc[right.astype(int)] * on
        stages["random_like_minded"] += n_lm[right.astype(int)] * on
        stages["potential_political"] += np.bincount(r_, e_pol, n)
        stages["potential_cross_cutting"] += np.bincount(r_, e_pol & (relation == -1), n)
        stages["potential_like_minded"] += np.bincount(r_, e_pol & (relation == 1), n)
        potential = (r_, c_, e_pol)

        r_, c_, p, e_slant, e_pol, e_untrust, relation, pos = (
            x[in_feed] for x in (r_, c_, p, e_slant, e_pol, e_untrust, relation, pos))

        # 5. reading from the top
        p_feed = np.full((n, k), np.nan)
        p_feed[r_, pos] = p
        w = reading_weights(p_feed, stay_base, stay_gain)[r_, pos]
        e = w * p
        acc["views"] += np.bincount(r_, w, n)
        acc["engagements"] += np.bincount(r_, e, n)
        acc["political_views"] += np.bincount(r_, w * e_pol, n)
        acc["untrustworthy_views"] += np.bincount(r_, w * e_untrust, n)
        acc["like_minded_views"] += np.bincount(r_, w * (relation == 1), n)
        acc["cross_cutting_views"] += np.bincount(r_, w * (relation == -1), n)
        e_page = cols["page"][c_]
        has_page = e_page >= 0
        np.add.at(page_impressions, (r_[has_page], e_page[has_page]), w[has_page])
        for stage, weight in (("exposed", w), ("engaged", e)):
            stages[f"{stage}_political"] += np.bincount(r_, weight * e_pol, n)
            stages[f"{stage}_cross_cutting"] += np.bincount(
                r_, weight * e_pol * (relation == -1), n)
            stages[f"{stage}_like_minded"] += np.bincount(r_, weight * e_pol * (relation == 1), n)

        # audiences of political posts by side, at three stages (segregation indices)
        m = cols["ids"].size
        pol_cols = np.flatnonzero(cols["political"])
        if pol_cols.size:
            pr, pc, ppol = potential
            audience = {"post": cols["ids"][pol_cols], "slant": cols["slant"][pol_cols],
                        "untrustworthy": cols["untrust"][pol_cols]}
            for stage, (rr, cc, weight) in (("potential", (pr, pc, ppol.astype(float))),
                                            ("exposed", (r_, c_, w * e_pol)),
                                            ("engaged", (r_, c_, e * e_pol))):
                for name, mask in (("right", right[rr]), ("left", ~right[rr])):
                    audience[f"{stage}_{name}"] = np.bincount(cc[mask], weight[mask],
                                                              m)[pol_cols]
            audience_rows.append(pd.DataFrame(audience))

        # 6. reshares (drawn at random), and what each user has seen (never shown twice)
        shares = r_share.random(r_.size) < e * reshare_rate
        shared_cols, which = np.unique(c_[shares], return_inverse=True)
        pool_sharers = sp.csr_matrix((np.ones(which.size), (r_[shares], which.ravel())),
                                     shape=(n, shared_cols.size))
        seen[r_, cols["ids"][c_]] = True
        pool = {key: val[shared_cols] for key, val in cols.items()}

        # 7. attitudes drift toward the slant of political posts read
        if influence:
            attitude += influence * np.bincount(r_, w * e_pol * (e_slant - attitude[r_]), n)
            np.clip(attitude, -1, 1, out=attitude)

    views = acc["views"]
    with np.errstate(invalid="ignore", divide="ignore"):
        per_user = pd.DataFrame({
            "side": np.where(side > 0, "right", "left"),
            "chronological": chrono, "no_reshares": no_reshare, "like_minded_cut": cut,
            "deactivated": off,
            "views": views / steps,
            "engagements": acc["engagements"] / steps,
            "political_views": acc["political_views"] / steps,
            "untrustworthy_views": acc["untrustworthy_views"] / steps,
            "political_share": acc["political_views"] / views,
            "untrustworthy_share": acc["untrustworthy_views"] / views,
            "like_minded_share": acc["like_minded_views"] / views,
            "cross_cutting_share": acc["cross_cutting_views"] / views,
            "moderate_share": 1 - (acc["like_minded_views"] + acc["cross_cutting_views"]) / views,
            "extremity_change": (np.abs(attitude) - np.abs(world.ideology))
            / world.ideology.std(),
        }, index=pd.RangeIndex(n, name="user"))
    audiences = (pd.concat(audience_rows, ignore_index=True) if audience_rows
                 else pd.DataFrame())
    params = dict(steps=steps, k=k, post_rate=post_rate, extremity_pull=extremity_pull,
                  untrustworthy_pull=untrustworthy_pull, bias=bias, friend_bonus=friend_bonus,
                  interest_weight=interest_weight, agreement_weight=agreement_weight,
                  prediction_noise=prediction_noise, integrity_demotion=integrity_demotion,
                  reshare_rate=reshare_rate, stay_base=stay_base, stay_gain=stay_gain,
                  influence=influence, side_margin=side_margin, seed=seed)
    return FeedResult(per_user, page_impressions,
                      pd.DataFrame(stages, index=per_user.index), audiences, world, params)
