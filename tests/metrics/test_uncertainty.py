"""Intervals by resampling people: hand-checked cases and the large-group normal limit."""

from __future__ import annotations

import numpy as np
import pytest

from iomhub.metrics import uncertainty
from iomhub.metrics.uncertainty import (
    Resampling,
    change_pct,
    group_intervals,
    interval,
    rate_change_pct,
    replicate_sums,
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
    monkeypatch.setattr(uncertainty, "EXACT_UP_TO", 10**9)
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
