"""The performance framework: each indicator's target and actual for the periods overlapping the
report, and its RAG status by the rule (or set by hand, with the reason)."""

from __future__ import annotations

from typing import Any

from iomhub.reports.formatting import (
    CANNOT_COMPUTE,
    RAG_LABELS,
    RAG_RULE,
    format_kpi,
    kpi_period_label,
    long_date,
)
from iomhub.reports.sections.common import Context, label_column, text, used_notes
from iomhub.reports.tables import SECTION_TITLES
from iomhub.reports.view import Cell, Column, Group, Kind, Note, Row, Section, Table

OVERRIDE_HEADING = "RAG set by hand (a manual override, kept with its reason)"


def override_line(row: dict[str, Any], start_month: int = 4) -> str:
    """One override in words: ``Cohort size, 2015/16 Q2: amber by the rule, set to green by
    probation.manager on 3 May 2016: the figure lags a data fix`` (the report's footnote and the
    quarterly table's)."""
    computed = row.get("rag_computed")
    rule = RAG_LABELS[computed].lower() if computed in RAG_LABELS else "no RAG"
    when = f" on {long_date(row['rag_override_on'])}" if row.get("rag_override_on") else ""
    return (f"{row.get('title') or row['indicator_id']}, {kpi_period_label(str(row['period']), start_month)}: "
            f"{rule} by the rule, set to {RAG_LABELS.get(str(row.get('rag')), 'no RAG').lower()} by "
            f"{row.get('rag_override_by') or 'a manager'}{when}: {row.get('rag_override_reason')}")


def unit_cell(value: float | None, unit: str | None, reason: str = CANNOT_COMPUTE, note: Note | None = None) -> Cell:
    """A framework figure in its unit: a percentage, a rate (two decimals) or a number."""
    kind: Kind = "percent" if unit == "percent" else "decimal" if unit == "rate" else "number"
    return Cell(value, kind, reason, note=note)


def target_cell(row: dict[str, Any]) -> Cell:
    unit, kind = row.get("unit"), row.get("kind")
    if kind == "range":
        low, high = row.get("low"), row.get("high")
        if low is None or high is None:
            return Cell(None, "number")
        return text(f"{format_kpi(low, unit)} \u2013 {format_kpi(high, unit)}")
    if kind == "na":
        return text("not applicable")
    if kind == "tbc":
        return text("to be confirmed")
    return unit_cell(row.get("target"), unit, f"{CANNOT_COMPUTE}: a change target needs a baseline")


def section(ctx: Context) -> Section | None:
    if not ctx.has("kpis"):
        return None
    start_month = ctx.labels.start_month
    kpi_rows = ctx.rows("kpis")
    overrides = [override_line(row, start_month) for row in kpi_rows if row.get("rag_overridden")]
    computed = Note("kpi-computed", "\u2020", "computed by iomhub from the package",
                    "Actual computed by iomhub from the package for the report's own period.")
    override = Note("kpi-override", "\u2021", "set by hand: see the note under the table",
                    f"{OVERRIDE_HEADING}: " + "; ".join(overrides) + ".")
    rows = []
    for row in kpi_rows:
        unit = row.get("unit")
        is_computed = str(row.get("actual_source") or "").startswith("computed") and row.get("actual") is not None
        rows.append(Row([
            text(row.get("title") or row["indicator_id"]), text(row.get("owner")),
            text(kpi_period_label(str(row["period"]), start_month)),
            unit_cell(row.get("baseline"), unit, "no baseline"), target_cell(row),
            unit_cell(row.get("actual"), unit, "no actual for this period", computed if is_computed else None),
            Cell(row.get("rag"), "rag", "no RAG: no target or no actual",
                 note=override if row.get("rag_overridden") else None),
            text(row.get("comment")),
        ]))
    table = Table("kpis", ctx.title("kpis"), "Performance framework", [
        label_column("Indicator"), label_column("Owner"), label_column("Period"), Column("Baseline"),
        Column("Target"), Column("Actual"), label_column("RAG"), label_column("Comment")], [Group(rows)],
        used_notes(rows))
    return Section("kpis", SECTION_TITLES["kpis"], paragraphs=[RAG_RULE], tables=[table])
