"""The quarterly performance table (the shape of seed 000) for the financial year of a report.

One row per indicator of ``indicators.csv``: description, owner, baseline, then for each
quarter of the financial year its target and actual, then (when the framework sets any
whole-year target or actual) the year's, the RAG and the comments. The financial year is
the one containing the last day of the report period. Targets and actuals are the report's
``kpis`` rows where it has them (they carry the actuals iomhub computes for the report's own
period), else :func:`iomhub.metrics.kpis.kpis` over the whole financial year, so the RAG is
always the rule of ``docs/spec/report-json.md``: green when the target is met, amber when it
is missed by no more than 10% of the target (of the range's width for a range), red otherwise,
none for N/A and TBC targets or without an actual. Each actual is coloured by its own RAG; the
RAG column is the latest one (the year's, else the last quarter's that has one). A RAG summary
chart counts the indicators by that status.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import narwhals as nw

from iomhub.domain.dates import financial_year, financial_year_label, financial_year_of, format_period
from iomhub.metrics.kpis import kpis
from iomhub.package.load import Package
from iomhub.reports import charts
from iomhub.reports.documents.cells import rag_cell, status_of, text, unit_cell
from iomhub.reports.documents.model import Block, Cell, Chart, Document, Paragraph, Section, Table
from iomhub.reports.formatting import EM_DASH, RAG_LABELS, decimal_text, humanise, long_date, source_words, span_text
from iomhub.reports.formatting import RAG_RULE as RULE
from iomhub.reports.model import Report
from iomhub.reports.sections.kpis import OVERRIDE_HEADING, override_line

OVERRIDDEN = "RAG set by hand (see the overrides below the table)"
RAG_RULE = f"{RULE} No RAG (n/a): the target is N/A or TBC, or there is no actual yet."


def _plain(value: float | None) -> str:
    if value is None:
        return EM_DASH
    return f"{value:,.0f}" if float(value).is_integer() else decimal_text(value, 1)


def target_cell(row: dict[str, Any] | None, unit: str | None) -> Cell:
    """A target as the seed prints it: a number, a range ``9–15%``, ``N/A`` or ``TBC``; empty when none."""
    if row is None:
        return text("")
    kind = row.get("kind")
    if kind == "range":
        return text(f"{_plain(row.get('low'))}–{_plain(row.get('high'))}{'%' if unit == 'percent' else ''}")
    if kind == "na":
        return text("N/A")
    if kind == "tbc":
        return text("TBC")
    return unit_cell(row.get("target"), unit)


METRIC_WORDS = {
    "cohort_size": "the caseload on the last day",
    "reoffending_change_pct": "the performance cohort's change in offences, before and after",
    "reoffending_reduction_pct": "the performance cohort's fall in offences, before and after",
    "performance_cohort": "the people in the performance cohort",
    "referral_acceptance_pct": "the share of decided referrals accepted",
}


def metric_words(metric: str) -> str:
    """A figure of the report an indicator takes as its actual (``model.figures``), in words."""
    if metric in METRIC_WORDS:
        return METRIC_WORDS[metric]
    if metric.startswith("successful_completions_") and metric.endswith("_pct"):
        substance = metric.removeprefix("successful_completions_").removesuffix("_pct").replace("_", "-")
        return f"the share of {substance} treatment completed successfully"
    return humanise(metric).lower()


def actual_cell(row: dict[str, Any] | None, unit: str | None) -> Cell:
    """An actual coloured by its RAG; ``N/A`` under an N/A target; empty when there is none yet."""
    if row is None:
        return text("")
    actual = row.get("actual")
    if actual is None:
        return text("N/A" if row.get("kind") == "na" else "")
    source = str(row.get("actual_source") or "")
    flag = (f"computed by iomhub ({metric_words(source.removeprefix('computed: '))})"
            if source.startswith("computed") else None)
    if row.get("rag_overridden"):
        flag = OVERRIDDEN if flag is None else f"{flag}; {OVERRIDDEN[0].lower()}{OVERRIDDEN[1:]}"
    cell = unit_cell(actual, unit, flag=flag)
    return Cell(cell.value, cell.kind, status=status_of(row.get("rag")), flag=flag)


def framework_rows(report: Report, package: Package, fy: int, start_month: int) -> list[dict[str, Any]]:
    """The kpis rows of financial year ``fy`` (the year and its quarters), the report's first."""
    codes = {str(fy), *(f"{fy}-Q{q}" for q in range(1, 5))}
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    if package.has("indicators"):
        lazy = {name: nw.from_native(package.tables[name].lazy())
                for name in ("indicators", "targets", "actuals", "rag_overrides") if package.has(name)}
        for row in kpis(lazy["indicators"], lazy.get("targets"), lazy.get("actuals"),
                        financial_year(fy, start_month), None, start_month, lazy.get("rag_overrides")):
            rows[(row["indicator_id"], format_period(row["period"]))] = row
    for row in report.rows("kpis"):
        rows[(row["indicator_id"], format_period(str(row["period"])))] = row
    return [row for (_, period), row in rows.items() if period in codes]


def kpi_document(report: Report, package: Package) -> Document:
    """The quarterly performance table of the financial year containing the report period's end."""
    start_month = package.settings.financial_year_start_month
    fy = financial_year_of(report.params.period.end, start_month)
    label = financial_year_label(fy) if start_month != 1 else str(fy)
    meta = [("Financial year", f"{label} ({span_text(financial_year(fy, start_month))})"),
            ("Position at", long_date(report.params.period.end)),
            ("Generated", f"{long_date(report.generated_at.date())} at {report.generated_at:%H:%M}"),
            ("Source", source_words(report.source))]
    title = f"Performance framework {label}"
    subtitle = f"{report.title}: quarterly performance table"
    if not package.has("indicators"):
        return Document("kpis", title, subtitle, meta, [Section("Performance framework", [
            Paragraph("The data hold no performance framework (no indicators), so there is nothing to show.")])])
    table, latest = _framework_table(report, package, fy, label, start_month)
    blocks: list[Block] = [Paragraph(RAG_RULE), _rag_chart(latest, label), table]
    return Document("kpis", title, subtitle, meta, [Section(f"Performance {label}", blocks)])


@dataclass
class _Seen:
    """What the rows of the table hold that its footnotes explain."""

    computed: bool = False
    change_targets: bool = False
    overrides: list[str] = field(default_factory=list)


def _framework_table(report: Report, package: Package, fy: int, label: str,
                     start_month: int) -> tuple[Table, list[str | None]]:
    """The table of the indicators' targets and actuals per quarter (and the year), and each
    indicator's latest RAG."""
    by_key = {(row["indicator_id"], format_period(str(row["period"]))): row
              for row in framework_rows(report, package, fy, start_month)}
    with_year = any(period == str(fy) for _, period in by_key)
    periods = [f"{fy}-Q{q}" for q in range(1, 5)] + ([str(fy)] if with_year else [])
    columns = ["Description", "Owner", "Baseline"]
    for quarter in range(1, 5):
        columns += [f"Q{quarter} target", f"Q{quarter} actual"]
    if with_year:
        columns += [f"{label} target", f"{label} actual"]
    columns += ["RAG", "Comments"]
    seen = _Seen()
    rows: list[list[Cell]] = []
    latest: list[str | None] = []
    for indicator in sorted(package.tables["indicators"].iter_rows(named=True), key=lambda r: r["indicator_id"]):
        cells, rag = _indicator_row(indicator, [by_key.get((indicator["indicator_id"], p)) for p in periods],
                                    seen, start_month)
        rows.append(cells)
        latest.append(rag)
    footnotes = [RAG_RULE, "RAG column: the latest status (the year's, else the last quarter's with one)."]
    if seen.change_targets:
        footnotes.append("A target set as a change on the baseline is shown as the level to reach: "
                         "baseline × (1 + change).")
    if seen.computed:
        footnotes.append("Actuals flagged 'computed by iomhub' are figures of the report, not typed in.")
    if seen.overrides:
        footnotes.append(f"{OVERRIDE_HEADING}: " + "; ".join(seen.overrides) + ".")
    return Table("Performance table", f"Quarterly performance, {label}", columns, rows, footnotes), latest


def _indicator_row(indicator: dict[str, Any], period_rows: list[dict[str, Any] | None], seen: _Seen,
                   start_month: int) -> tuple[list[Cell], str | None]:
    """One indicator's cells (its target and actual in each period, its latest RAG, its latest
    comment), and that RAG."""
    unit = indicator.get("unit")
    cells = [text(indicator.get("title") or indicator["indicator_id"]), text(indicator.get("owner")),
             unit_cell(indicator.get("baseline"), unit)]
    latest_rag: str | None = None
    latest_overridden = False
    comment = ""
    for row in period_rows:
        cells += [target_cell(row, unit), actual_cell(row, unit)]
        if row is None:
            continue
        seen.computed = seen.computed or str(row.get("actual_source") or "").startswith("computed")
        seen.change_targets = seen.change_targets or row.get("kind") == "change"
        if row.get("rag") in RAG_LABELS:
            latest_rag, latest_overridden = row["rag"], bool(row.get("rag_overridden"))
        if row.get("rag_overridden"):
            seen.overrides.append(override_line(row, start_month))
        if row.get("comment"):
            comment = str(row["comment"])
    latest = rag_cell(latest_rag)
    if latest_overridden:
        latest = Cell(latest.value, latest.kind, status=latest.status, flag=OVERRIDDEN)
    return [*cells, latest, text(comment)], latest_rag


def _rag_chart(latest: list[str | None], label: str) -> Chart:
    """How many indicators are green, amber, red or without a RAG."""
    counts = [(RAG_LABELS[rag], sum(1 for r in latest if r == rag), rag) for rag in RAG_LABELS]
    counts.append(("No RAG (n/a)", sum(1 for r in latest if r is None), ""))
    title = f"RAG status of the {len(latest)} indicators, {label}"
    description = f"{title}: " + ", ".join(f"{name} {n}" for name, n, _ in counts) + "."
    return Chart(title, charts.horizontal_bar_chart("chart-rag", title, [(name, float(n)) for name, n, _ in counts]),
                 description, Table("RAG summary", "RAG summary", ["RAG", "Indicators"],
                                    [[Cell(name, "text", status=status_of(rag)), Cell(n, "count")]
                                     for name, n, rag in counts]))
