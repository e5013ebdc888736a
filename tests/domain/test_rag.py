"""RAG against a target: green when met, amber when missed by no more than 10% of the target
(of the range's width for a range), red otherwise, none for na/tbc or without an actual.
Every expected status below is worked by hand in the comment beside it."""

from __future__ import annotations

import pytest

from iomhub.domain.rag import Target, rag


@pytest.mark.parametrize(
    ("target", "actual", "expected"),
    [
        # value 100, direction up: green at >= 100, amber down to 100 - 10 = 90, red below.
        (Target("value", "up", value=100), 120, "green"),
        (Target("value", "up", value=100), 100, "green"),
        (Target("value", "up", value=100), 95, "amber"),
        (Target("value", "up", value=100), 90, "amber"),
        (Target("value", "up", value=100), 89, "red"),
        # value 50, direction down: green at <= 50, amber up to 55, red above.
        (Target("value", "down", value=50), 40, "green"),
        (Target("value", "down", value=50), 50, "green"),
        (Target("value", "down", value=50), 54, "amber"),
        (Target("value", "down", value=50), 56, "red"),
        # a value without a direction to favour must be hit: |actual - 20| <= 2 is amber.
        (Target("value", "", value=20), 20, "green"),
        (Target("value", "", value=20), 21.5, "amber"),
        (Target("value", "", value=20), 17, "red"),
        # change -0.40 on a baseline of 46 (seed report): level 27.6; amber up to 27.6 + 2.76 = 30.36.
        (Target("change", "down", value=-0.40, baseline=46), 27, "green"),
        (Target("change", "down", value=-0.40, baseline=46), 30, "amber"),
        (Target("change", "down", value=-0.40, baseline=46), 31, "red"),
        # change +0.25 on 80, up: level 100; amber from 90.
        (Target("change", "up", value=0.25, baseline=80), 101, "green"),
        (Target("change", "up", value=0.25, baseline=80), 92, "amber"),
        (Target("change", "up", value=0.25, baseline=80), 85, "red"),
        # change without a baseline cannot be judged
        (Target("change", "down", value=-0.40), 10, None),
        # range 60..80 (width 20): amber within 2 outside either bound.
        (Target("range", "range", low=60, high=80), 70, "green"),
        (Target("range", "range", low=60, high=80), 60, "green"),
        (Target("range", "range", low=60, high=80), 80, "green"),
        (Target("range", "range", low=60, high=80), 58, "amber"),
        (Target("range", "range", low=60, high=80), 82, "amber"),
        (Target("range", "range", low=60, high=80), 57, "red"),
        (Target("range", "range", low=60, high=80), 83, "red"),
        (Target("range", "up", low=60, high=80), 83, "red"),  # kind decides, whatever the direction
        (Target("range", "range", low=60), 70, None),  # no high bound
        # na / tbc and no actual: no status
        (Target("na", "up"), 5, None),
        (Target("tbc", "down", value=3), 5, None),
        (Target("value", "up", value=100), None, None),
        # negative levels: value -10, down; amber to -10 + 1 = -9.
        (Target("value", "down", value=-10), -9.5, "amber"),
        (Target("value", "down", value=-10), -8, "red"),
        # a level of zero leaves no room for amber
        (Target("value", "down", value=0), 0, "green"),
        (Target("value", "down", value=0), 0.5, "red"),
    ],
    ids=[
        "up-above", "up-on", "up-amber", "up-amber-edge", "up-red",
        "down-below", "down-on", "down-amber", "down-red",
        "exact-hit", "exact-amber", "exact-red",
        "change-down-green", "change-down-amber", "change-down-red",
        "change-up-green", "change-up-amber", "change-up-red", "change-no-baseline",
        "range-inside", "range-low-edge", "range-high-edge", "range-amber-low", "range-amber-high",
        "range-red-low", "range-red-high", "range-kind-wins", "range-open",
        "na", "tbc", "no-actual",
        "negative-amber", "negative-red", "zero-green", "zero-red",
    ],
)
def test_rag(target: Target, actual: float | None, expected: str | None) -> None:
    assert rag(target, actual) == expected


@pytest.mark.parametrize(
    ("target", "level"),
    [
        (Target("value", "up", value=12), 12),
        (Target("change", "down", value=-0.40, baseline=46), 27.6),
        (Target("change", "up", value=0.5, baseline=10), 15),
        (Target("range", "range", low=1, high=2), None),
        (Target("na", "up", value=3), None),
    ],
    ids=["value", "change-seed", "change-up", "range", "na"],
)
def test_level(target: Target, level: float | None) -> None:
    assert target.level() == (pytest.approx(level) if level is not None else None)
