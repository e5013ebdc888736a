"""Intervals by resampling people: hand-checked cases, and the normal limit of near-normal sums
(when it stands in for resampling, when it must not, and how far it is from the resamples on
worlds it does not assume)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from iomhub.metrics import uncertainty
from iomhub.metrics.uncertainty import (
    Interval,
    Resampling,
    change_pct,
    group_intervals,
    interval,
    near_normal,
    rate_change_pct,
    replicate_sums,
    sum_kurtosis,
    sum_skewness,
)


def test_identical_people_give_a_point_interval() -> None:
    # Ten people all halve their offending (4 -> 2, 6 -> 3): every resample gives -50%.
    values = np.array([[4.0, 2.0], [6.0, 3.0]] * 5)
    assert interval(values, change_pct, Resampling()) == (-50.0, -50.0)


@pytest.mark.parametrize("people", [1, 2, 9], ids=["one", "two", "nine"])
def test_no_interval_for_fewer_than_ten_people(people: int) -> None:
    # A percentile interval of one person was "-66.7% to -66.7%"; of a few, far too narrow.
    values = np.array([[3.0, 1.0], [10.0, 9.0], [1.0, 0.0]] * 3)[:people]
    assert interval(values, change_pct, Resampling()) == (None, None)


def test_the_interval_is_wider_than_the_plain_percentile_for_a_small_group() -> None:
    # Ten people, half of them with no change and half halving: the plain percentile interval
    # of the resamples is too narrow for ten people (Hesterberg, 2015); the expanded BCa
    # interval is wider on both sides of the estimate.
    values = np.array([[4.0, 4.0], [4.0, 2.0]] * 5)
    low, high = interval(values, change_pct, Resampling())
    sums = replicate_sums(values, np.zeros(10, dtype=np.int64), 1, Resampling())[:, 0, :]
    plain_low, plain_high = np.percentile(change_pct(sums), [2.5, 97.5])
    assert low is not None and high is not None
    assert low < plain_low and high > plain_high
    assert low < -25.0 < high


def test_groups_are_resampled_separately() -> None:
    # Group 0: ten people who all halve; group 1: nine people, too few for an interval.
    values = np.array([[4.0, 2.0]] * 10 + [[10.0, 9.0]] * 9)
    groups = np.array([0] * 10 + [1] * 9)
    assert group_intervals(values, groups, 2, change_pct, Resampling()) == [(-50.0, -50.0), (None, None)]


def test_empty_group_and_undefined_statistic_give_no_interval() -> None:
    # Group 1 has nobody; group 0 never offended before, so its change is undefined.
    values = np.array([[0.0, 3.0]])
    assert group_intervals(values, np.array([0]), 2, change_pct, Resampling()) == [
        (None, None), (None, None)]


def test_rate_change() -> None:
    # 50 offences in 1,000 days at risk before, 25 in 1,000 after (ten people): the rate
    # halves in every resample.
    values = np.array([[6.0, 100.0, 3.0, 100.0], [4.0, 100.0, 2.0, 100.0]] * 5)
    assert interval(values, rate_change_pct, Resampling()) == (-50.0, -50.0)


def test_same_seed_same_interval() -> None:
    rng = np.random.default_rng(3)
    values = rng.poisson(3.0, (200, 2)).astype(float)
    assert interval(values, change_pct, Resampling()) == interval(values, change_pct, Resampling())


def test_interval_covers_truth_about_95_percent() -> None:
    # 400 simulated cohorts of 150 people whose offending truly falls by 30% (negative binomial
    # counts): a 95% interval should contain -30% in roughly 95% of them (binomial sd 1.1 points).
    rng = np.random.default_rng(11)
    hits = 0
    for _ in range(400):
        rate = rng.gamma(0.8, 5.0, 150)
        values = np.column_stack([rng.poisson(rate), rng.poisson(rate * 0.7)]).astype(float)
        low, high = interval(values, change_pct, Resampling(replicates=400))
        assert low is not None and high is not None
        hits += low <= -30.0 <= high
    assert 0.91 <= hits / 400 <= 0.98


def test_large_groups_use_the_normal_limit_and_agree_with_resampling(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(1)
    values = rng.poisson(3.0, (20_000, 2)).astype(float)
    by_limit = interval(values, change_pct, Resampling())
    monkeypatch.setattr(uncertainty, "NORMAL_FROM", 10**9)
    by_resampling = interval(values, change_pct, Resampling())
    assert by_limit != by_resampling
    for limit, resampled in zip(by_limit, by_resampling, strict=True):
        assert limit == pytest.approx(resampled, abs=0.15)


@pytest.mark.parametrize(("replicates", "level"), [(5, 0.95), (1000, 1.0), (1000, 0.2)],
                         ids=["too-few-resamples", "level-one", "level-too-low"])
def test_bad_resampling_is_refused(replicates: int, level: float) -> None:
    with pytest.raises(ValueError):
        Resampling(replicates=replicates, level=level)


@pytest.mark.parametrize("whole", [True, False], ids=["counted", "added"])
def test_the_sums_do_not_depend_on_how_the_draws_are_chunked(monkeypatch: pytest.MonkeyPatch, whole: bool) -> None:
    # The draws are made a chunk of resamples at a time into buffers reused from chunk to
    # chunk: one resample per chunk, a few, or all at once must give the same sums to the
    # last bit (whole numbers are counted, pence added in the order drawn).
    rng = np.random.default_rng(7)
    values = rng.poisson(3.0, (301, 2)).astype(np.float64) + (0.0 if whole else 0.01)
    groups = rng.integers(0, 4, 301)
    resampling = Resampling(replicates=97)
    found = []
    for cells in (1, 1_000, 10**9):
        monkeypatch.setattr(uncertainty, "CHUNK_CELLS", cells)
        found.append(replicate_sums(values, groups, 4, resampling))
    assert np.array_equal(found[0], found[1]) and np.array_equal(found[0], found[2])
    assert found[0].shape == (97, 4, 2) and np.all(found[0] > 0)


def test_many_groups_are_summed_at_once_with_the_same_sums(monkeypatch: pytest.MonkeyPatch) -> None:
    # Above MANY_GROUPS groups a resample's whole-number sums are added for every group in one
    # pass instead of one product per group: the same sums to the last bit.
    rng = np.random.default_rng(11)
    values = rng.poisson(2.0, (500, 3)).astype(np.float64)
    groups = rng.integers(0, 90, 500)
    found = []
    for many in (0, 10**9):
        monkeypatch.setattr(uncertainty, "MANY_GROUPS", many)
        found.append(replicate_sums(values, groups, 90, Resampling(replicates=50)))
    assert np.array_equal(found[0], found[1])
    assert found[0].shape == (50, 90, 3) and np.count_nonzero(found[0]) > 0


@pytest.mark.parametrize(("values", "expected"), [
    ([[5.0], [5.0], [5.0], [5.0]], 0.0),
    ([[0.1]] * 7, 0.0),
    ([[1.0], [2.0], [3.0]], 0.0),
    # Bernoulli(1/4) as a distribution: skewness (1 - 2p) / sqrt(p(1 - p)) = 2 / sqrt(3);
    # the sum of 4 draws: over sqrt(4).
    ([[0.0], [0.0], [0.0], [1.0]], 1.0 / math.sqrt(3.0)),
    # the largest of the columns (the second is symmetric), the sign ignored
    ([[0.0, 1.0], [0.0, 2.0], [0.0, 3.0], [-1.0, 4.0]], 1.0 / math.sqrt(3.0)),
    ([[1.0], [float("nan")]], math.inf),
], ids=["constant", "constant-with-rounding", "symmetric", "bernoulli-quarter", "largest-column", "not-finite"])
def test_sum_skewness(values: list[list[float]], expected: float) -> None:
    assert sum_skewness(np.array(values)) == pytest.approx(expected, abs=1e-12)


def _counts(rng: np.random.Generator, people: int, shape: float, change: float = 0.8,
            zeros: float = 0.0) -> np.ndarray:
    """Offences before and after of people whose rates vary (gamma of ``shape``: smaller is more
    skewed), a share ``zeros`` of whom never offend, and whose offending changes by ``change``."""
    rate = rng.gamma(shape, 2.0 / shape, people) * (rng.random(people) >= zeros)
    return np.column_stack([rng.poisson(rate), rng.poisson(rate * change)]).astype(float)


def test_the_normal_limit_stands_in_only_for_near_normal_sums(monkeypatch: pytest.MonkeyPatch) -> None:
    # The same 2,000 people, then with one of them given 600 offences before: the first group's
    # sums are near normal (from the limit: not the resamples' sums), the second's are not
    # (resampled, the very sums of resampling without the limit), however many people.
    rng = np.random.default_rng(5)
    plain = _counts(rng, 2_000, shape=1.0)
    extreme = plain.copy()
    extreme[0, 0] = 600.0
    assert sum_skewness(plain) <= uncertainty.SUM_SKEWNESS < sum_skewness(extreme)
    groups = np.zeros(2_000, dtype=np.int64)
    resampling = Resampling(replicates=200)
    found = {name: replicate_sums(values, groups, 1, resampling) for name, values in
             (("plain", plain), ("extreme", extreme))}
    monkeypatch.setattr(uncertainty, "NORMAL_FROM", 10**9)
    resampled = {name: replicate_sums(values, groups, 1, resampling) for name, values in
                 (("plain", plain), ("extreme", extreme))}
    assert np.array_equal(found["extreme"], resampled["extreme"])
    assert not np.array_equal(found["plain"], resampled["plain"])
    assert not np.array_equal(found["plain"], np.round(found["plain"]))  # normal draws, not whole sums


def test_groups_under_normal_from_are_always_resampled(monkeypatch: pytest.MonkeyPatch) -> None:
    # 999 people with values hardly skewed: still resampled, as fewer than NORMAL_FROM are.
    values = np.column_stack([np.arange(999) % 3, np.arange(999) % 5]).astype(float)
    assert sum_skewness(values) < 0.01
    groups = np.zeros(999, dtype=np.int64)
    found = replicate_sums(values, groups, 1, Resampling(replicates=100))
    monkeypatch.setattr(uncertainty, "NORMAL_FROM", 10**9)
    assert np.array_equal(found, replicate_sums(values, groups, 1, Resampling(replicates=100)))


# Worlds the limit does not assume: counts skewed by a gamma mixture of rates, most people never
# offending, a few prolific; each checked to qualify (near_normal).
WORLDS = [(1_000, 2.0, 0.0), (1_500, 0.8, 0.0), (2_000, 1.0, 0.6), (3_000, 0.3, 0.0), (5_000, 0.2, 0.3)]


@pytest.mark.parametrize(("people", "shape", "zeros"), WORLDS,
                         ids=["1000-mild", "1500-skewed", "2000-mostly-none", "3000-prolific-few", "5000-both"])
def test_the_normal_limit_gives_the_bounds_of_resampling(monkeypatch: pytest.MonkeyPatch, people: int,
                                                         shape: float, zeros: float) -> None:
    # The bounds of the change from the limit and from exact resampling (4,000 resamples
    # each) differ by well under their own noise: a tenth of the interval's width at most
    # (measured: at most 0.09 standard errors of the change, about 2% of the width; a wrong
    # covariance, even by a factor n / (n - 1) squared, or the sums' mean off by a person,
    # moves them further).
    values = _counts(np.random.default_rng(people), people, shape, zeros=zeros)
    assert near_normal(values)
    by_limit, by_resampling = _both_ways(values, monkeypatch)
    _within_a_quarter_of_an_error(values, by_limit, by_resampling)


RESAMPLES = Resampling(replicates=4_000)


def _both_ways(values: np.ndarray, monkeypatch: pytest.MonkeyPatch) -> tuple[Interval, Interval]:
    """The change's interval as the rule draws it, then by resampling whatever the rule says."""
    found = interval(values, change_pct, RESAMPLES)
    monkeypatch.setattr(uncertainty, "NORMAL_FROM", 10**9)
    return found, interval(values, change_pct, RESAMPLES)


def _within_a_quarter_of_an_error(values: np.ndarray, by_limit: Interval, by_resampling: Interval) -> None:
    """The limit's bounds differ from resampling's, by at most a quarter of the change's
    standard error (from the resamples)."""
    sums = replicate_sums(values, np.zeros(len(values), dtype=np.int64), 1, RESAMPLES)[:, 0, :]
    error = float(np.nanstd(change_pct(sums)))
    assert by_limit != by_resampling
    for limit, resampled in zip(by_limit, by_resampling, strict=True):
        assert limit is not None and resampled is not None
        assert abs(limit - resampled) <= 0.25 * error


def test_intervals_from_the_normal_limit_cover_the_truth_about_95_percent() -> None:
    # 300 cohorts of 1,000 people drawn from a world whose offending truly falls by 20% (rates
    # skewed, a third of people never offending): the limit is used for nearly every cohort,
    # and the 95% interval holds -20% in about 95% of them (binomial sd 1.3 points).
    rng = np.random.default_rng(23)
    hits = used = 0
    for _ in range(300):
        values = _counts(rng, 1_000, shape=1.5, zeros=0.33)
        used += near_normal(values)
        low, high = interval(values, change_pct, Resampling())
        assert low is not None and high is not None
        hits += low <= -20.0 <= high
    assert used >= 270
    assert 0.92 <= hits / 300 <= 0.98


@pytest.mark.parametrize(("people", "share", "by_limit"), [
    (1_000, 0.01, True), (2_000, 0.01, True), (5_000, 0.002, True), (1_000, 0.002, False), (2_000, 0.002, False),
], ids=["1000-one-in-a-hundred", "2000-one-in-a-hundred", "5000-one-in-five-hundred",
        "1000-one-in-five-hundred", "2000-one-in-five-hundred"])
def test_a_world_built_to_pass_the_skewness_rule(monkeypatch: pytest.MonkeyPatch, people: int, share: float,
                                                 by_limit: bool) -> None:
    # The attacker's world: values with no skew at all but very heavy tails and lumpy
    # resampled sums: almost everyone 5 offences before and 4 after, a few 0 and as many twice
    # as many. With the skewness rule alone, the limit moved a bound by 0.2 standard errors at
    # 1,000 people with 2 extreme people a side. The kurtosis (50 at 1%, 250 at 0.2%, over n)
    # sends the lumpiest to resampling; where the limit is still taken, its bounds stay within
    # a quarter of a standard error of resampling's.
    rng = np.random.default_rng(people + int(share * 1_000))

    def side(usual: int) -> np.ndarray:  # exactly as many at 0 as at twice: no skew at all
        few = round(share * people)
        return rng.permutation([0.0] * few + [2.0 * usual] * few + [float(usual)] * (people - 2 * few))

    values = np.column_stack([side(5), side(4)])
    assert sum_skewness(values) == pytest.approx(0.0, abs=1e-9)
    assert (sum_kurtosis(values) <= uncertainty.SUM_KURTOSIS) is by_limit is near_normal(values)
    found, by_resampling = _both_ways(values, monkeypatch)
    if by_limit:
        _within_a_quarter_of_an_error(values, found, by_resampling)
    else:
        assert found == by_resampling


@pytest.mark.parametrize(("values", "expected"), [
    ([[5.0], [5.0], [5.0], [5.0]], 0.0),
    # Bernoulli(1/4): excess kurtosis (1 - 6p(1 - p)) / (p(1 - p)) = -2/3; over 4 people
    ([[0.0], [0.0], [0.0], [1.0]], -1.0 / 6.0),
    # three equally likely values: m4 / m2^2 - 3 = 1.5 - 3; the largest column's, over 3
    ([[1.0, 5.0], [2.0, 5.0], [3.0, 5.0]], 0.0),
    ([[1.0], [2.0], [3.0]], -0.5),
    ([[1.0], [float("inf")]], math.inf),
], ids=["constant", "bernoulli-quarter", "largest-column", "three-values", "not-finite"])
def test_sum_kurtosis(values: list[list[float]], expected: float) -> None:
    assert sum_kurtosis(np.array(values)) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize(("values", "percents", "expected"), [
    ([3.0, 1.0, 2.0, 4.0], [0.0, 50.0, 100.0], [1.0, 2.5, 4.0]),  # (n - 1) x 0.5 = 1.5: halfway from 2 to 3
    ([10.0, 20.0], [25.0, 75.0], [12.5, 17.5]),
    ([5.0], [2.5, 97.5], [5.0, 5.0]),
    ([0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0], [2.5, 97.5], [0.25, 9.75]),
], ids=["four", "two", "one", "eleven"])
def test_linear_percentiles_by_hand(values: list[float], percents: list[float], expected: list[float]) -> None:
    assert uncertainty.linear_percentiles(np.array(values), percents) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("seed", range(6), ids=lambda seed: f"seed-{seed}")
def test_linear_percentiles_are_numpys_to_the_last_bit(seed: int) -> None:
    """The intervals' bounds are numpy.percentile's (default method) exactly, so the reports'
    figures are the same as when numpy computed them."""
    rng = np.random.default_rng(seed)
    for size in (1, 2, 3, 10, 999, 1000, 4001):
        for values in (rng.normal(size=size) * 10.0 ** rng.integers(-4, 7), rng.integers(-3, 3, size).astype(float),
                       rng.lognormal(size=size)):
            percents = [*rng.uniform(0.0, 100.0, 4), 0.0, 2.5, 50.0, 97.5, 100.0]
            by_numpy = [float(x) for x in np.percentile(values, percents)]
            assert uncertainty.linear_percentiles(values, percents) == by_numpy


def test_linear_percentiles_refuse_a_percent_out_of_range() -> None:
    with pytest.raises(ValueError, match="range"):
        uncertainty.linear_percentiles(np.array([1.0, 2.0]), [101.0])
