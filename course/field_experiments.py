"""The field experiments of the debate, re-created in the course's social feed (notebook 09).

Each *design* randomises users of one simulated world (:mod:`course.social_feed`) to a treatment
or a control, as the field studies did, and measures the same outcomes:

================================  ===========================================  ==============
design                            treatment (control: the ranked feed)         field study
================================  ===========================================  ==============
``chronological``                 newest-first feed                            Guess 2023a
``no_reshares``                   feed without reshares                        Guess 2023b
``fewer_like_minded``             like-minded exposure cut by about a third    Nyhan 2023
``deactivation``                  no Facebook at all                           Allcott 2020
================================  ===========================================  ==============

Two observational designs measure what the ranked feed does to everyone:
:func:`amplification_ratio` (reach per user of a group's posts in the ranked feed relative to a
randomised chronological holdout, Huszár et al. 2022) and :func:`exposure_decomposition` (the
share of cross-cutting political posts at each stage: all posts, what one's network offers,
what the feed shows, what one engages with; Bakshy et al. 2015), with :func:`isolation_index`
for the segregation of audiences (González-Bailón et al. 2023).

:func:`replicate` runs a design over several seeds (each seed a new world and new random
assignment) and :func:`summarise` gives each effect's mean and 95% interval across seeds;
:func:`compare_with_field` sets them beside the published effects in :mod:`course.facts`.

Example
-------
>>> effects = replicate("chronological", seeds=[1, 2], n_users=300, n_pages=40, steps=5)
>>> sorted(effects.columns)[:3]
['control', 'design', 'effect']
>>> bool((summarise(effects).loc["views", "mean"] < 0))
True
"""

from __future__ import annotations

import textwrap
import warnings
from collections.abc import Iterable
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from course import facts, replication
from course.social_feed import OUTCOMES, make_social_world, run_feed

__all__ = [
    "DESIGNS", "COMPARISONS", "Comparison", "assign", "run_design", "treatment_effects",
    "replicate", "summarise", "amplification_ratio", "exposure_decomposition",
    "isolation_index", "holdout_amplification", "decomposition_over_seeds",
    "compare_with_field", "page_groups", "SHORT_NAMES",
]

_WORLD_KEYS = {"n_users", "n_pages", "n_friends", "friend_homophily", "n_follows",
               "polarization", "political_pages", "untrustworthy_pages", "follow_width"}

#: The randomised designs: the treatment each applies to the treated users. Removing 60% of the
#: like-minded candidates cuts like-minded *exposure* by about a third in this model (the feed
#: refills with other posts), the reduction Nyhan et al. achieved.
DESIGNS: dict[str, dict[str, Any]] = {
    "chronological": {"chronological": True},
    "no_reshares": {"no_reshares": True},
    "fewer_like_minded": {"like_minded_cut": 0.6},
    "deactivation": {"deactivated": True},
}


def _split(options: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    world = {k: v for k, v in options.items() if k in _WORLD_KEYS}
    feed = {k: v for k, v in options.items() if k not in _WORLD_KEYS}
    return world, feed


def assign(n_users: int, share: float = 0.5, seed: int = 0) -> np.ndarray:
    """Randomly assign ``round(share * n_users)`` users to the treatment (a bool array).

    >>> int(assign(10, 0.3, seed=1).sum())
    3
    """
    if not 0 < share < 1:
        raise ValueError("assign(): share must be strictly between 0 and 1")
    treated = np.zeros(n_users, dtype=bool)
    rng = np.random.default_rng(np.random.SeedSequence([seed, 9]))   # its own stream
    treated[rng.permutation(n_users)[:round(share * n_users)]] = True
    return treated


def run_design(design: str, seed: int = 0, *, share_treated: float = 0.5,
               **options: Any) -> pd.DataFrame:
    """One randomised experiment: a world drawn with ``seed``, a random half of its users
    treated with ``design`` (one of :data:`DESIGNS`), the feed run; returns the per-user
    outcomes with a ``treated`` column. ``options`` go to
    :func:`~course.social_feed.make_social_world` or :func:`~course.social_feed.run_feed`.

    >>> t = run_design("no_reshares", seed=3, n_users=200, n_pages=30, steps=3)
    >>> int(t["treated"].sum())
    100
    """
    if design not in DESIGNS:
        raise ValueError(f"unknown design {design!r}; choose one of {', '.join(DESIGNS)}")
    world_opts, feed_opts = _split(options)
    world = make_social_world(seed=seed, **world_opts)
    treated = assign(world.n_users, share_treated, seed)
    arms = {name: np.where(treated, value, 0 if not isinstance(value, bool) else False)
            for name, value in DESIGNS[design].items()}
    result = run_feed(world, seed=seed, **arms, **feed_opts)
    per_user = result.per_user.copy()
    per_user["treated"] = treated
    return per_user


def treatment_effects(per_user: pd.DataFrame, outcomes: Iterable[str] = OUTCOMES
                      ) -> pd.DataFrame:
    """Difference in means, treated minus control, for each outcome (users who saw nothing
    are left out of the share outcomes). Columns: control, treated, effect, relative_effect
    (effect / control) and effect_sd (effect in standard deviations of the control users).

    >>> toy = pd.DataFrame({"treated": [True, True, False, False], "views": [1.0, 3, 4, 6]})
    >>> treatment_effects(toy, ["views"]).loc["views", "effect"]
    np.float64(-3.0)
    """
    rows = {}
    t = per_user["treated"].to_numpy(dtype=bool)
    for outcome in outcomes:
        y = per_user[outcome].to_numpy(dtype=float)
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)   # a deactivated arm sees nothing
            control, treated = np.nanmean(y[~t]), np.nanmean(y[t])
            sd = np.nanstd(y[~t])
        rows[outcome] = {"control": control, "treated": treated, "effect": treated - control,
                         "relative_effect": (treated - control) / control if control else np.nan,
                         "effect_sd": (treated - control) / sd if sd > 0 else np.nan}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("outcome")


def replicate(design: str, seeds: Iterable[int], **options: Any) -> pd.DataFrame:
    """Run :func:`run_design` once per seed (a new world and a new random assignment each time)
    and stack the :func:`treatment_effects`: a tidy frame with one row per seed and outcome.

    >>> replicate("deactivation", [1], n_users=200, n_pages=30, steps=3)["seed"].unique()
    array([1])
    """
    frames = []
    for seed in seeds:
        effects = treatment_effects(run_design(design, seed, **options)).reset_index()
        frames.append(effects.assign(design=design, seed=seed))
    return pd.concat(frames, ignore_index=True)


def summarise(tidy: pd.DataFrame, value: str = "effect", by: str | list[str] = "outcome",
              level: float = replication.CONFIDENCE) -> pd.DataFrame:
    """Mean of ``value`` over seeds with its t-interval per ``by`` group
    (:func:`course.replication.summarize`), indexed by ``by``, and whether every seed agrees
    on the sign (``same_sign``).

    >>> toy = pd.DataFrame({"seed": [1, 2, 3], "outcome": "a", "effect": [1.0, 2.0, 3.0]})
    >>> summarise(toy).loc["a", ["mean", "ci_low", "ci_high"]].round(2).tolist()
    [2.0, -0.48, 4.48]
    """
    keys = [by] if isinstance(by, str) else list(by)
    frame = tidy[keys + ["seed", value]].rename(columns={value: "value"})
    frame = frame[np.isfinite(frame["value"].to_numpy(dtype=float))]
    out = replication.summarize(frame, by=keys, confidence=level).set_index(keys)
    sign = frame.groupby(keys, sort=False)["value"].agg(
        lambda x: bool((x > 0).all() or (x < 0).all()))
    out["same_sign"] = sign.reindex(out.index).fillna(False).astype(bool)
    return out.rename(columns={"n": "n_seeds"})


# ------------------------------------------------------------------------------------------------
# Observational designs: amplification against a holdout, algorithm versus choice, segregation
# ------------------------------------------------------------------------------------------------
def amplification_ratio(impressions: np.ndarray, treated: np.ndarray,
                        groups: np.ndarray) -> pd.Series:
    """Algorithmic amplification of each group of sources (Huszár et al. 2022).

    ``impressions`` is (n_users, n_sources): how often each user saw each source's posts;
    ``treated`` marks users of the ranked feed (the others are the randomised chronological
    holdout); ``groups`` labels each source. The ratio for a group is its impressions per
    ranked-feed user divided by its impressions per holdout user: 1 means no amplification.

    >>> imp = np.array([[4, 1], [2, 1], [1, 1]])
    >>> amplification_ratio(imp, np.array([True, True, False]), np.array(["a", "b"])).tolist()
    [3.0, 1.0]
    """
    impressions = np.asarray(impressions, dtype=float)
    treated = np.asarray(treated, dtype=bool)
    groups = np.asarray(groups)
    if impressions.shape != (treated.size, groups.size):
        raise ValueError(f"impressions must be (users, sources) = ({treated.size}, "
                         f"{groups.size}), not {impressions.shape}")
    if treated.all() or not treated.any():
        raise ValueError("amplification needs users in both the ranked feed and the holdout")
    ratio = {}
    for g in np.unique(groups).tolist():
        cols = groups == g
        per_treated = impressions[treated][:, cols].sum() / treated.sum()
        per_control = impressions[~treated][:, cols].sum() / (~treated).sum()
        ratio[g] = per_treated / per_control if per_control > 0 else np.nan
    return pd.Series(ratio, name="amplification_ratio").rename_axis("group")


def page_groups(world) -> dict[str, np.ndarray]:
    """Labels of the political Pages of a world for amplification: by side (``left``/``right``;
    non-political Pages are ``other``) and by position (``moderate``/``extreme``, |slant| below
    or above 0.6).

    >>> w = make_social_world(n_users=50, n_pages=20, seed=0)
    >>> sorted(set(page_groups(w)["side"].tolist()))
    ['left', 'other', 'right']
    """
    pol = world.page_political
    side = np.where(~pol, "other", np.where(world.page_slant >= 0, "right", "left"))
    position = np.where(~pol, "other",
                        np.where(np.abs(world.page_slant) >= 0.6, "extreme", "moderate"))
    return {"side": side, "position": position}


def holdout_amplification(seeds: Iterable[int], holdout_share: float = 0.2,
                          **options: Any) -> pd.DataFrame:
    """The Twitter design: a random ``holdout_share`` of users keeps a chronological feed, the
    rest get the ranked feed; amplification ratios of political Pages by side and by position,
    one row per seed and group (tidy).

    >>> t = holdout_amplification([1], n_users=200, n_pages=40, steps=3)
    >>> sorted(t["group"].tolist())
    ['extreme', 'left', 'moderate', 'right']
    """
    rows = []
    world_opts, feed_opts = _split(options)
    for seed in seeds:
        world = make_social_world(seed=seed, **world_opts)
        holdout = assign(world.n_users, holdout_share, seed)
        result = run_feed(world, seed=seed, chronological=holdout, **feed_opts)
        for labels in page_groups(world).values():
            ratio = amplification_ratio(result.page_impressions, ~holdout, labels)
            for group, value in ratio.drop("other", errors="ignore").items():
                rows.append({"seed": seed, "group": str(group), "amplification_ratio": value})
    return pd.DataFrame(rows)


def exposure_decomposition(stages: pd.DataFrame) -> pd.Series:
    """Bakshy et al.'s decomposition: the share of cross-cutting political posts at each stage
    (``random``: everything posted, ``potential``: what one's network offers, ``exposed``: what
    the feed showed, ``engaged``: what one engaged with), pooled over users, and the relative
    reduction at each step: ``network_effect`` (random to potential), ``algorithm_effect``
    (potential to exposed) and ``choice_effect`` (exposed to engaged).

    ``stages`` has columns ``<stage>_cross_cutting`` and ``<stage>_political`` for the four
    stages (as ``FeedResult.stages``).

    >>> toy = pd.DataFrame({"random_cross_cutting": [40.0], "random_political": [100.0],
    ...     "potential_cross_cutting": [30.0], "potential_political": [100.0],
    ...     "exposed_cross_cutting": [27.0], "exposed_political": [100.0],
    ...     "engaged_cross_cutting": [18.0], "engaged_political": [100.0]})
    >>> exposure_decomposition(toy).round(2).to_dict()["choice_effect"]
    0.33
    """
    share = {stage: stages[f"{stage}_cross_cutting"].sum() / stages[f"{stage}_political"].sum()
             for stage in ("random", "potential", "exposed", "engaged")}
    out = pd.Series(share)
    out["network_effect"] = 1 - share["potential"] / share["random"]
    out["algorithm_effect"] = 1 - share["exposed"] / share["potential"]
    out["choice_effect"] = 1 - share["engaged"] / share["exposed"]
    return out


def isolation_index(right: np.ndarray, left: np.ndarray) -> float:
    """Isolation index of audiences (as used by González-Bailón et al. 2023, after Gentzkow and
    Shapiro 2011): the average right-share of the audience of what right-leaning users saw,
    minus the same for left-leaning users. 0: both see the same mix; 1: complete segregation.
    ``right`` and ``left`` are each item's audience sizes on each side.

    >>> isolation_index(np.array([10, 0]), np.array([0, 10]))
    1.0
    >>> isolation_index(np.array([5, 5]), np.array([5, 5]))
    0.0
    """
    right = np.asarray(right, dtype=float)
    left = np.asarray(left, dtype=float)
    total = right + left
    keep = total > 0
    right, left, total = right[keep], left[keep], total[keep]
    if right.sum() == 0 or left.sum() == 0:
        return float("nan")
    share = right / total
    return float((right / right.sum() * share).sum() - (left / left.sum() * share).sum())


def decomposition_over_seeds(seeds: Iterable[int], **options: Any) -> pd.DataFrame:
    """The ranked feed for everyone, per seed: :func:`exposure_decomposition` and the isolation
    index of political posts' audiences at the potential, exposed and engaged stages (tidy: one
    row per seed and measure).

    >>> t = decomposition_over_seeds([1], n_users=200, n_pages=40, steps=3)
    >>> "algorithm_effect" in set(t["measure"])
    True
    """
    rows = []
    world_opts, feed_opts = _split(options)
    for seed in seeds:
        world = make_social_world(seed=seed, **world_opts)
        result = run_feed(world, seed=seed, **feed_opts)
        for measure, value in exposure_decomposition(result.stages).items():
            rows.append({"seed": seed, "measure": measure, "value": value})
        audience = result.audiences.groupby("post").sum(numeric_only=True)
        for stage in ("potential", "exposed", "engaged"):
            rows.append({"seed": seed, "measure": f"isolation_{stage}",
                         "value": isolation_index(audience[f"{stage}_right"],
                                                  audience[f"{stage}_left"])})
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------------------------------
# Side by side with the field
# ------------------------------------------------------------------------------------------------
class Comparison(NamedTuple):
    """A simulated outcome set beside a published finding (``finding`` is the outcome text of a
    :class:`course.facts.Finding` of study ``study``)."""

    study: str
    finding: str
    design: str      # a DESIGNS key, "holdout" or "decomposition"
    measure: str     # the simulated outcome or measure
    scale: str       # "relative" (effect / control), "sd" (effect in control SDs), "ratio", ...


#: Every comparison notebook 09 makes.
COMPARISONS: tuple[Comparison, ...] = (
    Comparison("guess2023_chronological", "time spent on the platform", "chronological",
               "views", "relative"),
    Comparison("guess2023_chronological", "political content seen", "chronological",
               "political_share", "relative"),
    Comparison("guess2023_chronological", "content from untrustworthy sources seen",
               "chronological", "untrustworthy_share", "relative"),
    Comparison("guess2023_chronological",
               "content from moderate friends and ideologically mixed sources", "chronological",
               "moderate_share", "relative"),
    Comparison("guess2023_chronological", "issue and affective polarization", "chronological",
               "extremity_change", "sd"),
    Comparison("guess2023_reshares", "political news seen", "no_reshares", "political_views",
               "relative"),
    Comparison("guess2023_reshares", "content from untrustworthy sources seen", "no_reshares",
               "untrustworthy_views", "relative"),
    Comparison("guess2023_reshares", "clicks and reactions", "no_reshares", "engagements",
               "relative"),
    Comparison("guess2023_reshares", "polarization and political attitudes", "no_reshares",
               "extremity_change", "sd"),
    Comparison("nyhan2023", "exposure to content from like-minded sources", "fewer_like_minded",
               "like_minded_share", "relative"),
    Comparison("nyhan2023", "exposure to content from cross-cutting sources",
               "fewer_like_minded", "cross_cutting_share", "relative"),
    Comparison("nyhan2023", "affective polarization, ideological extremity and six other "
               "attitudes", "fewer_like_minded", "extremity_change", "sd"),
    Comparison("allcott2020", "political polarization", "deactivation", "extremity_change",
               "sd"),
    Comparison("huszar2022", "amplification of the mainstream right over the mainstream left",
               "holdout", "right_minus_left", "ratio difference"),
    Comparison("huszar2022", "amplification of far-left and far-right over moderate groups",
               "holdout", "extreme_minus_moderate", "ratio difference"),
    Comparison("bakshy2015", "who limits cross-cutting exposure more: ranking (-) or choice",
               "decomposition", "algorithm_minus_choice", "difference of relative cuts"),
    Comparison("gonzalez_bailon2023",
               "ideological segregation from potential to exposed to engaged audiences",
               "decomposition", "isolation_exposed_minus_potential", "index difference"),
)


#: Short names of the studies for tables and figures.
SHORT_NAMES: dict[str, str] = {
    "bakshy2015": "Bakshy 2015", "huszar2022": "Huszár 2022",
    "guess2023_chronological": "Guess 2023, chronological",
    "guess2023_reshares": "Guess 2023, no reshares", "nyhan2023": "Nyhan 2023",
    "gonzalez_bailon2023": "González-Bailón 2023", "allcott2020": "Allcott 2020",
}


def _sign(low: float, high: float) -> int:
    if low > 0:
        return 1
    if high < 0:
        return -1
    return 0


def compare_with_field(simulated: pd.DataFrame) -> pd.DataFrame:
    """The side-by-side table. ``simulated`` is indexed by (design, measure) with columns
    ``mean``, ``ci_low``, ``ci_high`` (one row per comparison in :data:`COMPARISONS`, e.g. from
    :func:`summarise`). Returns study, outcome, the published effect (direction, figure,
    uncertainty, source), the simulated effect with its interval and the verdict: ``agree``
    when the interval's sign (+, - or 0 when it covers zero) is the published direction.

    >>> sim = pd.DataFrame({"mean": [-0.2], "ci_low": [-0.3], "ci_high": [-0.1]},
    ...     index=pd.MultiIndex.from_tuples([("chronological", "views")]))
    >>> compare_with_field(sim)["verdict"].tolist()
    ['agree']
    """
    findings = facts.field_findings_table().set_index(["study", "outcome"])
    arrows = {1: "up", -1: "down", 0: "no detectable effect"}
    rows = []
    for c in COMPARISONS:
        if (c.design, c.measure) not in simulated.index:
            continue
        f = findings.loc[(c.study, c.finding)]
        sim = simulated.loc[(c.design, c.measure)]
        sim_sign = _sign(sim["ci_low"], sim["ci_high"])
        published = arrows[int(f["direction"])]
        if pd.notna(f["value"]):
            published += f" ({f['value']:.3g} {f['unit']})".replace(" )", ")")
        rows.append({
            "study": c.study, "outcome": c.finding, "design": c.design,
            "label": f"{SHORT_NAMES[c.study]}: "
                     f"{textwrap.shorten(c.finding, 46, placeholder='...')}",
            "published": published,
            "published_uncertainty": f["uncertainty"], "simulated_measure": c.measure,
            "scale": c.scale, "simulated": sim["mean"], "ci_low": sim["ci_low"],
            "ci_high": sim["ci_high"], "simulated_direction": arrows[sim_sign],
            "verdict": "agree" if sim_sign == int(f["direction"]) else "disagree",
        })
    return pd.DataFrame(rows)
