"""The small version of ``make bench-effect``: the matched estimate recovers a known effect.

Four synthetic units of 12,000 people (about 1,200 IOM members each with full windows),
people chosen on recent offending and a true change of -20% in their offending rate: the
naive before/after comparison overstates the fall by far more than chance allows, and the
matched difference in differences lands near the truth. The 200-unit run with its coverage
figures is in docs/effect-estimates.md.
"""

from __future__ import annotations

import pytest

import effect_truth
from iomhub.metrics.uncertainty import Resampling

pytestmark = pytest.mark.xdist_group("effect-truth")


@pytest.fixture(scope="module")
def summary() -> dict[str, dict[str, float]]:
    outcomes = effect_truth.run(datasets=4, nominals=12_000, true_effect=-0.2, join_rate=0.12,
                                resampling=Resampling(replicates=200), progress=False)
    return {row["method"]: row for row in effect_truth.summary(outcomes, -0.2)}


def test_every_dataset_gives_every_estimate(summary: dict[str, dict[str, float]]) -> None:
    assert {method: row["datasets"] for method, row in summary.items()} == {
        "naive": 4, "time_at_risk": 4, "matched_did": 4}
    assert summary["matched_did"]["people"] > 800


def test_naive_before_after_overstates_the_fall(summary: dict[str, dict[str, float]]) -> None:
    # Regression to the mean: the naive fall is more than twice the true 20%.
    assert summary["naive"]["mean_error"] < -15.0
    assert summary["time_at_risk"]["mean_error"] < -15.0


def test_matched_estimate_is_near_the_truth(summary: dict[str, dict[str, float]]) -> None:
    # Each estimate's standard error is about 3 points, so the mean of four is within 4.5 of
    # the truth unless the method is biased.
    assert abs(summary["matched_did"]["mean_error"]) < 4.5
    assert summary["matched_did"]["coverage_pct"] >= 50.0
