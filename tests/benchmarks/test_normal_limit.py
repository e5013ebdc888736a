"""``benchmarks/normal_limit.py``: each way forced really is that way, the rule's choice is
reported as the report makes it, and the script runs end to end on a small scale."""

from __future__ import annotations

import numpy as np
import pytest

from iomhub.metrics import uncertainty
from iomhub.metrics.uncertainty import Resampling, change_pct, interval
from normal_limit import WORLDS, _forced, compare, counts, coverage, main


def test_forcing_a_way_leaves_the_rule_as_it_was() -> None:
    values = counts(1.0)(np.random.default_rng(3), 1_200)
    rule = uncertainty.NORMAL_FROM, uncertainty.SUM_SKEWNESS, uncertainty.SUM_KURTOSIS
    by_limit = _forced(values, Resampling(replicates=500), limit=True)
    by_resampling = _forced(values, Resampling(replicates=500), limit=False)
    assert rule == (uncertainty.NORMAL_FROM, uncertainty.SUM_SKEWNESS, uncertainty.SUM_KURTOSIS)
    assert by_limit != by_resampling
    # the report's own choice for these 1,200 people (near-normal sums) is the limit
    assert interval(values, change_pct, Resampling(replicates=500)) == by_limit


@pytest.mark.parametrize(("world", "people", "by_limit"), [
    (0, 1_000, True),  # mild counts: near normal from 1,000 people
    (0, 999, False),  # too few, however mild
    (5, 5_000, False),  # costs with a few very large ones: never
], ids=["mild-1000", "mild-999", "heavy-costs"])
def test_the_way_reported_is_the_report_s(world: int, people: int, by_limit: bool) -> None:
    found = compare(WORLDS[world], people, replicates=200, seed=1)
    assert found.by_limit is by_limit
    gaps = found.gaps()
    assert gaps is not None and found.error > 0


def test_coverage_counts_cohorts_and_hits() -> None:
    used, by_limit, by_exact = coverage(WORLDS[0], 1_000, cohorts=4, seed=2)
    assert used == 1.0
    assert {by_limit, by_exact} <= {0.0, 0.25, 0.5, 0.75, 1.0}


def test_the_script_prints_both_tables(capsys: pytest.CaptureFixture[str]) -> None:
    main(["--replicates", "200", "--cohorts", "2", "--sizes", "1000"])
    out = capsys.readouterr().out
    assert "normal limit against exact resampling" in out and "Coverage of the 95% interval" in out
    assert out.count("1,000") >= len(WORLDS)
