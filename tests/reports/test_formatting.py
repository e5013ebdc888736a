"""The one formatting module: each kind of figure written the same way in every format, the
withheld mark, and the words for statuses and the RAG rule."""

from __future__ import annotations

from typing import Any

import pytest

from iomhub.reports.formatting import (
    CONFIDENTIAL,
    EM_DASH,
    RAG_RULE,
    WITHHELD,
    figure,
    interval_words,
    is_withheld,
    status_label,
)

MINUS = "\u2212"


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [(1234, "count", "1,234"), (15_450.4, "pounds", "15,450"), (-4_130.0, "pounds", f"{MINUS}4,130"),
     (70.149, "percent", "70.1%"), (-38.947, "change", f"{MINUS}38.9%"), (13.05, "change", "+13.1%"),
     (9.78, "points", "+9.8 points"), (150.0, "number", "150"), (1.45, "number", "1.5"),
     (2.5, "decimal", "2.50"), (-0.054, "decimal", f"{MINUS}0.05"), (None, "count", EM_DASH),
     (CONFIDENTIAL, "percent", WITHHELD), ("Priority", "text", "Priority")],
    ids=["count", "pounds-rounded", "pounds-negative", "percent", "fall", "rise-half-up", "points",
         "whole-number", "number-half-up", "decimal", "decimal-negative", "cannot-compute", "withheld", "text"],
)
def test_figure(value: Any, kind: str, expected: str) -> None:
    assert figure(value, kind) == expected


@pytest.mark.parametrize(
    ("low", "high", "kind", "expected"),
    [(-20.14, -4.0, "change", f"{MINUS}20.1% to {MINUS}4.0%"), (74.6, 85.5, "percent", "74.6% to 85.5%"),
     (None, 3.0, "change", None), (CONFIDENTIAL, 3.0, "change", WITHHELD)],
    ids=["change", "percent", "cannot-draw", "withheld"],
)
def test_interval_words(low: Any, high: Any, kind: str, expected: str | None) -> None:
    assert interval_words(low, high, kind) == expected


def test_withheld_and_derived_from_withheld() -> None:
    assert is_withheld(CONFIDENTIAL) and is_withheld(CONFIDENTIAL + 1) and not is_withheld(None)
    assert repr(CONFIDENTIAL) == "CONFIDENTIAL"


def test_status_words() -> None:
    assert status_label("amber_green") == "Amber/Green" and status_label("complete") == "Complete"
    assert "10% of the target" in RAG_RULE
