"""95% intervals by resampling people: the bootstrap every change and rate of the report uses.

Offences cluster within people (a few prolific people commit most of a cohort's offences),
so offences are not independent events and a Poisson interval on a count would be far too
narrow. Resampling *people* with replacement, with all their offences, keeps that clustering
(Efron and Tibshirani, *An Introduction to the Bootstrap*, 1993, ch. 6 and 13). Every
figure here is a function of per-group sums of per-person values (offences before and after,
days at risk, costs), so a replicate is a set of sums and the statistic is computed from them.

The interval is drawn from ``replicates`` resamples (1,000 by default) drawn within each group
(a stratified bootstrap: each group keeps its size), from a fixed seed so that the same data
always give the same interval. It is the bias-corrected and accelerated (BCa) interval
(Efron, 1987; Efron and Tibshirani, ch. 14: the bias correction from the share of resamples
below the estimate, the acceleration from the jackknife, which for a statistic of sums is a
leave-one-out subtraction), with Hesterberg's small-sample expansion (*What teachers should
know about the bootstrap*, 2015: the normal quantile replaced by sqrt(n / (n - 1)) times
Student's t on n - 1 degrees of freedom), because a plain percentile interval of a few
people is far too narrow (its coverage was 30% at 2 people and 89% at 10). No interval is
given for fewer than ``MIN_PEOPLE`` people: "too few to estimate". Coverage at 10, 20, 50
and 100 people is measured by ``benchmarks/effect_truth.py --coverage``
(docs/effect-estimates.md). This module runs on per-person arrays already collected from
whichever backend computed them (they are small: one row per person), so the same code
serves Polars and Spark.

A group whose resampled sums are close to normal is resampled through their normal limit
(mean n x mean, covariance n x covariance of the per-person values; the central limit
theorem) in a fraction of the time (:func:`near_normal`): a group of at least ``NORMAL_FROM``
(1,000) people none of whose sums is skewed by more than ``SUM_SKEWNESS`` (0.1) or has an
excess kurtosis above ``SUM_KURTOSIS`` (0.1). Both are known exactly before any draw:
resampling draws from the group's own values, so the skewness of a resampled sum of n of them
is the skewness of those values over sqrt(n) (:func:`sum_skewness`), its excess kurtosis
theirs over n (:func:`sum_kurtosis`). Skewness is what moves a 95% bound first when a
distribution is not quite normal (the Cornish-Fisher term (z^2 - 1) / 6 x skewness); the
kurtosis turns away unskewed values with a few extreme people, whose resampled sums are lumpy
(a world built to pass the skewness alone moved a bound by 0.2 standard errors). Measured on
worlds it does not assume (skewed counts, most people never offending, a prolific few, no
skew but a few extreme people; ``benchmarks/normal_limit.py``, docs/effect-estimates.md), the
bounds from the limit and from 20,000 exact resamples differ by at most 0.095 standard errors of
the figure (about 2% of the interval's width; the noise of a bound from the report's 1,000
resamples is 0.085), and the intervals hold the truth as often. Any other group, however large
(costs with a few very large ones, where the limit is a whole standard error out), is
resampled exactly.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
from numpy.typing import NDArray

Floats = NDArray[np.float64]
Statistic = Callable[[Floats], Floats]
Interval = tuple[float | None, float | None]

CHUNK_CELLS = 250_000  # draws per chunk: each chunk's arrays (2 MB) stay in the cache (4,000,000 took twice the time)
EXACT_UP_TO = 5_000  # the effect estimates' weighted sums: the normal limit above this many members
NORMAL_FROM = 1_000  # resampled sums may be taken from their normal limit from this many people...
SUM_SKEWNESS = 0.1  # ...when none is skewed by more than this...
SUM_KURTOSIS = 0.1  # ...nor has tails heavier than the normal's by more than this (excess kurtosis)
MANY_GROUPS = 64  # above this many groups, a resample's sums are added for all groups at once
MIN_PEOPLE = 10  # no interval for fewer people: "too few to estimate"
NORMAL = NormalDist()


@dataclass(frozen=True)
class Resampling:
    """How intervals are drawn: number of resamples, seed, coverage."""

    replicates: int = 1000
    seed: int = 20_180_702
    level: float = 0.95

    def __post_init__(self) -> None:
        if self.replicates < 20:
            raise ValueError("an interval needs at least 20 resamples")
        if not 0.5 <= self.level < 1.0:
            raise ValueError("the interval's level is a probability between 0.5 and 1")


def as_columns(values: Floats) -> Floats:
    """Per-person values as people x columns of doubles (one column for a flat array)."""
    values = np.asarray(values, dtype=np.float64)
    return values[:, None] if values.ndim == 1 else values


def replicate_sums(values: Floats, groups: NDArray[np.int64], n_groups: int,
                   resampling: Resampling) -> Floats:
    """Sums of each value column per group, for every resample of people within groups.

    ``values`` is people x columns, ``groups`` the group index (0..n_groups-1) of each person.
    Returns replicates x n_groups x columns; a group with nobody sums to 0 in every replicate.
    """
    values = as_columns(values)
    people, columns = values.shape
    out = np.zeros((resampling.replicates, n_groups, columns))
    if people == 0:
        return out
    order = np.argsort(groups, kind="stable")
    sizes = np.bincount(groups, minlength=n_groups)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    sorted_groups = groups[order]
    rng = np.random.default_rng(resampling.seed)
    by_limit = np.zeros(n_groups, dtype=bool)
    for group in np.flatnonzero(sizes >= NORMAL_FROM):
        members = values[order[starts[group]:starts[group] + sizes[group]]]
        if not near_normal(members):
            continue
        by_limit[group] = True
        mean = members.mean(axis=0) * sizes[group]
        cov = np.atleast_2d(np.cov(members, rowvar=False)) * sizes[group]
        out[:, group, :] = rng.multivariate_normal(mean, cov, size=resampling.replicates,
                                                   method="eigh")
    small = (sizes > 0) & ~by_limit
    keep = small[sorted_groups]
    if not keep.any():
        return out
    exact = np.flatnonzero(small)
    positions = order[keep]
    first = np.concatenate([[0], np.cumsum(sizes[exact])[:-1]])
    local = np.zeros(n_groups, dtype=np.int64)
    local[exact] = first
    first_of, size_of = local[sorted_groups[keep]], sizes[sorted_groups[keep]]
    picked_values = values[positions]  # people sorted by group
    counting = _whole_numbers(picked_values)
    whole = picked_values.astype(np.int64) if counting else picked_values  # integer products: no BLAS
    chunk = min(resampling.replicates, max(1, CHUNK_CELLS // max(1, positions.size * (1 if counting else columns))))
    bounds = np.concatenate([first, [positions.size]])
    # The buffers are filled in place chunk after chunk (the same numbers as drawing each
    # chunk afresh); a draw is the uniform times the group's size, cast to a whole number as
    # it is written (one pass, not a product and then a cast).
    uniforms = np.empty((chunk, positions.size))
    indices = np.empty((chunk, positions.size), dtype=np.int64)
    offsets = first_of + (np.arange(chunk, dtype=np.int64) * positions.size)[:, None] if counting else first_of
    for begin in range(0, resampling.replicates, chunk):
        count = min(chunk, resampling.replicates - begin)
        uniform = rng.random(out=uniforms[:count])
        draws = indices[:count]
        np.multiply(uniform, size_of, out=draws, casting="unsafe")
        target = out[begin:begin + count]
        if counting:
            # How often each person was drawn in each resample, times their values: the same
            # sums as adding the drawn values one by one, exactly (whole numbers, see
            # _whole_numbers), in a fraction of the time.
            draws += offsets[:count]
            drawn = np.bincount(draws.reshape(-1), minlength=count * positions.size)
            times = drawn.reshape(count, positions.size)
            if exact.size <= MANY_GROUPS:
                for index, group in enumerate(exact):
                    lo, hi = bounds[index], bounds[index + 1]
                    target[:, group, :] = times[:, lo:hi] @ whole[lo:hi]
            else:  # one product per group would cost more in calls than in sums
                for column in range(columns):
                    target[:, exact, column] = np.add.reduceat(times * whole[:, column], first, axis=1)
        else:
            draws += offsets
            target[:, exact, :] = np.add.reduceat(picked_values[draws], first, axis=1)
    return out


def near_normal(values: Floats) -> bool:
    """Whether the sums of these people's values over a resample are near enough to normal for
    their normal limit to stand in for resampling them (the module's docstring)."""
    if len(values) < NORMAL_FROM:
        return False
    skewness, kurtosis = _sum_moments(values)
    return skewness <= SUM_SKEWNESS and kurtosis <= SUM_KURTOSIS


def sum_skewness(values: Floats) -> float:
    """The largest skewness (in absolute value) of a column's sum over a resample of these
    people: the skewness of the column's values as a distribution (the one resampling draws
    from) over sqrt(number of people); 0 for a constant column, infinity when a value is not
    finite."""
    return _sum_moments(values)[0]


def sum_kurtosis(values: Floats) -> float:
    """The largest excess kurtosis of a column's sum over a resample of these people: that of
    the column's values as a distribution over the number of people; 0 for a constant column,
    infinity when a value is not finite."""
    return _sum_moments(values)[1]


def _sum_moments(values: Floats) -> tuple[float, float]:
    """The largest over the columns of the values' skewness in absolute value and of their excess
    kurtosis (0 for a constant column), over sqrt(n) and n: how those moments of one draw carry
    over to a sum of n draws. The powers are products: numpy's ``**`` 3 or 4 of an array of
    doubles calls ``pow`` for each, fifty times slower."""
    values = as_columns(values)
    people = values.shape[0]
    if people == 0:
        return 0.0, 0.0
    if not np.isfinite(values).all():
        return math.inf, math.inf
    centred = values - values.mean(axis=0)
    squared = centred * centred
    variance = squared.mean(axis=0)
    constant = np.sqrt(variance) <= 1e-9 * np.abs(values).max(axis=0)  # the same value, to rounding
    with np.errstate(all="ignore"):
        skewness = np.abs((squared * centred).mean(axis=0) / variance**1.5)
        kurtosis = (squared * squared).mean(axis=0) / (variance * variance) - 3.0
    return (float(np.where(constant, 0.0, skewness).max()) / math.sqrt(people),
            float(np.where(constant, 0.0, kurtosis).max()) / people)


def _whole_numbers(values: Floats) -> bool:
    """Whether every sum of up to len(values) of these values is computed exactly in floating
    point whatever the order of addition: whole numbers whose largest possible sum stays below
    2^53. (Costs set with pence in package.toml are not whole: their sums are added in the
    order drawn, as they always were.)"""
    if values.size == 0:
        return True
    largest = float(np.abs(values).max())
    return bool(np.isfinite(largest) and largest * values.shape[0] < 2.0**52
                and np.array_equal(values, np.round(values)))


def student_t(probability: float, freedom: float) -> float:
    """Student's t quantile (Hill's expansion in the normal quantile; within 0.2% for 5 or
    more degrees of freedom, which is all it is used for)."""
    z = NORMAL.inv_cdf(probability)
    v = max(freedom, 1.0)
    return (z + (z**3 + z) / (4 * v) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * v**2)
            + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * v**3))


def expanded_z(people: int, level: float) -> float:
    """The upper normal quantile of a two-sided ``level`` interval, expanded for ``people``
    (Hesterberg, 2015): sqrt(n / (n - 1)) x t(n - 1)."""
    upper = 1.0 - (1.0 - level) / 2.0
    if people < 2:
        return float("nan")
    return math.sqrt(people / (people - 1)) * student_t(upper, people - 1)


def bca_bounds(replicates: Floats, estimate: float, jackknife: Floats, people: int,
               level: float) -> tuple[float | None, float | None]:
    """The BCa interval (with the small-sample expansion) of one figure from its resampled
    values, its value on the data and its leave-one-out values; None for fewer than
    ``MIN_PEOPLE`` people, or when the figure is undefined in the data or in most resamples."""
    finite = replicates[np.isfinite(replicates)]
    if people < MIN_PEOPLE or not np.isfinite(estimate) or finite.size * 2 < replicates.size:
        return None, None
    below = (np.count_nonzero(finite < estimate) + 0.5 * np.count_nonzero(finite == estimate)) / finite.size
    bias = NORMAL.inv_cdf(min(max(below, 0.5 / finite.size), 1.0 - 0.5 / finite.size))
    loo = jackknife[np.isfinite(jackknife)]
    spread = loo.mean() - loo if loo.size else np.zeros(1)
    denominator = 6.0 * float((spread**2).sum()) ** 1.5
    acceleration = float((spread**3).sum()) / denominator if denominator > 0 else 0.0
    z = expanded_z(people, level)
    bounds = []
    for edge in (-z, z):
        shifted = bias + (bias + edge) / (1.0 - acceleration * (bias + edge))
        bounds.append(NORMAL.cdf(shifted) * 100.0)
    low, high = linear_percentiles(finite, bounds)
    return _float(low), _float(high)


def linear_percentiles(values: Floats, percents: Sequence[float]) -> list[float]:
    """``numpy.percentile(values, percents)`` of a flat array of finite values with its default
    (linear) method, the same numbers to the last bit: the sorted values at floor((n - 1) x p /
    100) and the next, weighted as numpy's ``_lerp`` weighs them. numpy's own function, through
    its general machinery, imports ``numpy.ma`` on first use (0.015 to 0.02 s, holding Python's
    lock) and costs some 50 microseconds a call."""
    ordered = np.sort(values)
    last = ordered.size - 1
    found = []
    for percent in percents:
        if not 0.0 <= percent <= 100.0:
            raise ValueError("Percentiles must be in the range [0, 100]")
        virtual = last * (percent / 100)
        if virtual >= last:
            found.append(float(ordered[last]))
            continue
        previous = math.floor(virtual)
        gamma = virtual - previous
        below, above = float(ordered[previous]), float(ordered[previous + 1])
        step = above - below
        found.append(above - step * (1 - gamma) if gamma >= 0.5 else below + step * gamma)
    return found


def leave_one_out(values: Floats, statistic: Statistic) -> Floats:
    """The statistic of the sums with each person left out in turn (the jackknife)."""
    values = as_columns(values)
    with np.errstate(all="ignore"):
        return np.asarray(statistic(values.sum(axis=0)[None, :] - values), dtype=np.float64)


def intervals_of(values: Floats, groups: NDArray[np.int64], n_groups: int, sums: Floats,
                 statistic: Statistic, level: float) -> list[Interval]:
    """Per group, the BCa interval of ``statistic`` from the resampled sums (replicates x
    groups x columns; one more group at the end, if given, is everyone together)."""
    values = as_columns(values)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        resampled = np.asarray(statistic(sums), dtype=np.float64)
        out: list[Interval] = []
        for group in range(sums.shape[1]):
            mine = values[groups == group] if group < n_groups else values
            estimate = float(statistic(mine.sum(axis=0))) if mine.shape[0] else float("nan")
            out.append(bca_bounds(resampled[:, group], estimate, leave_one_out(mine, statistic),
                                  mine.shape[0], level))
    return out


def group_intervals(values: Floats, groups: NDArray[np.int64], n_groups: int, statistic: Statistic,
                    resampling: Resampling) -> list[Interval]:
    """The interval of ``statistic`` (sums per group x column -> figure per group) for each group."""
    sums = replicate_sums(values, groups, n_groups, resampling)
    return intervals_of(values, groups, n_groups, sums, statistic, resampling.level)


def interval(values: Floats, statistic: Statistic, resampling: Resampling) -> Interval:
    """The interval of a statistic over everyone (one group)."""
    values = np.asarray(values, dtype=np.float64)
    groups = np.zeros(values.shape[0], dtype=np.int64)
    return group_intervals(values, groups, 1, statistic, resampling)[0]


def change_pct(sums: Floats) -> Floats:
    """(after - before) / before x 100 from sums with columns (before, after); NaN when before is 0."""
    before, after = sums[..., 0], sums[..., 1]
    with np.errstate(all="ignore"):
        return np.where(before > 0, (after - before) / before * 100.0, np.nan)


def rate_change_pct(sums: Floats) -> Floats:
    """Change of a rate, from sums (events before, exposure before, events after, exposure after)."""
    with np.errstate(all="ignore"):
        before = sums[..., 0] / sums[..., 1]
        after = sums[..., 2] / sums[..., 3]
        return np.where(before > 0, (after / before - 1.0) * 100.0, np.nan)


def codes(labels: Sequence[object]) -> tuple[NDArray[np.int64], list[object]]:
    """Group indices for a column of labels, and the distinct labels in order of first appearance."""
    text = np.asarray(labels) if len(labels) else np.asarray([], dtype=object)
    if text.dtype.kind == "U":  # all text (None or numbers make it object or numeric)
        found, first, inverse = np.unique(text, return_index=True, return_inverse=True)
        order = np.argsort(first)  # sorted labels -> labels in order of first appearance
        rank = np.empty_like(order)
        rank[order] = np.arange(order.size)
        return rank[inverse.reshape(-1)].astype(np.int64), [str(label) for label in found[order]]
    distinct: dict[object, int] = {}
    index = np.fromiter((distinct.setdefault(label, len(distinct)) for label in labels),
                        dtype=np.int64, count=len(labels))
    return index, list(distinct)


def _float(value: float) -> float | None:
    return None if not np.isfinite(value) else float(value)
