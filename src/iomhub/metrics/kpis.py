"""The partnership's performance framework: each indicator's target, actual and RAG status.

Definitions (``docs/spec/report-json.md``): rag is ``green`` when the target is met,
``amber`` when missed by no more than 10% of the target (of the range's width for a
range), ``red`` otherwise, and null for ``na``/``tbc``; a ``change`` target is baseline x
(1 + value). Rows are the targets and actuals whose period (``2015`` for a financial year,
``2015-Q1`` for a quarter of it) overlaps the report period. An indicator whose ``metric``
names a figure the report computes takes that figure as its actual for the report's own
period when none was typed (seed 000: "Increase the IOM cohort from 70 to 310 cases").

A manual override (``rag_overrides``: a history, never deleted) replaces the computed RAG of
one indicator and period: the row in force is the last of that indicator and period by
``decided_on``, then ``override_id``; when its ``rag`` is empty the override was withdrawn and
the computed RAG stands again. ``rag`` is always the effective status; ``rag_computed`` is the
rule's, and ``rag_overridden``, ``rag_override_reason``, ``rag_override_by`` and
``rag_override_on`` say whether, why, by whom and when it was set by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from iomhub.domain.dates import Span, parse_period
from iomhub.domain.rag import Target, rag
from iomhub.metrics.common import Frame


def _rows(frame: Frame) -> list[dict[str, Any]]:
    return list(frame.collect().rows(named=True))


def overrides_in_force(overrides: Frame | None) -> dict[tuple[str, str], dict[str, Any]]:
    """The override in force for each (indicator_id, period) that has one (withdrawals left out)."""
    if overrides is None:
        return {}
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    for row in sorted(_rows(overrides), key=lambda r: (r["decided_on"], r["override_id"])):
        latest[(row["indicator_id"], row["period"])] = row
    return {key: row for key, row in latest.items() if row.get("rag") is not None}


def kpis(indicators: Frame, targets: Frame | None, actuals: Frame | None, period: Span,
         figures: Mapping[str, float | None] | None = None,
         fy_start_month: int = 4, overrides: Frame | None = None) -> list[dict[str, Any]]:
    """One row per indicator x period: target (the level to reach), low/high for ranges, actual, rag."""
    by_id = {row["indicator_id"]: row for row in _rows(indicators)}
    in_force = overrides_in_force(overrides)
    target_rows = {(r["indicator_id"], r["period"]): r for r in _rows(targets)} if targets is not None else {}
    actual_rows = {(r["indicator_id"], r["period"]): r for r in _rows(actuals)} if actuals is not None else {}
    figures = figures or {}
    out: list[dict[str, Any]] = []
    for indicator_id, period_code in sorted(set(target_rows) | set(actual_rows)):
        span = parse_period(period_code, fy_start_month)
        if not span.overlaps(period):
            continue
        indicator = by_id.get(indicator_id, {})
        target_row = target_rows.get((indicator_id, period_code), {})
        actual_row = actual_rows.get((indicator_id, period_code), {})
        actual = actual_row.get("actual")
        source = "typed" if actual is not None else None
        metric = indicator.get("metric")
        if actual is None and metric and span == period and figures.get(metric) is not None:
            actual, source = figures[metric], f"computed: {metric}"
        kind = target_row.get("kind", "tbc")
        target = Target(kind=kind, direction=indicator.get("direction") or "up",
                        value=target_row.get("value"), low=target_row.get("low"),
                        high=target_row.get("high"), baseline=indicator.get("baseline"))
        computed = rag(target, actual)
        override = in_force.get((indicator_id, period_code))
        out.append({
            "indicator_id": indicator_id,
            "period": period_code,
            "title": indicator.get("title"),
            "owner": indicator.get("owner"),
            "unit": indicator.get("unit"),
            "direction": indicator.get("direction"),
            "baseline": indicator.get("baseline"),
            "kind": kind,
            "target": target.level(),
            "low": target.low,
            "high": target.high,
            "actual": actual,
            "actual_source": source,
            "rag": override["rag"] if override else computed,
            "comment": actual_row.get("comment"),
            "rag_computed": computed,
            "rag_overridden": override is not None,
            "rag_override_reason": override["reason"] if override else None,
            "rag_override_by": override.get("decided_by") if override else None,
            "rag_override_on": override["decided_on"] if override else None,
        })
    return out

