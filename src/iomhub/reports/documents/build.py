"""The four board documents by name, and the building blocks their builders share.

``build_document(kind, report, package, today)`` gives the performance report, the quarterly
performance table, the action plan or the thematic report as a :class:`Document`;
``FILE_NAMES`` are the names ``iomhub demo`` writes them under. The helpers turn the report
model's figures into :class:`Cell` values (numbers stay numbers; ``kind`` says how to show
them) and its codes into words, with the same labels as the HTML report.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any, cast

from iomhub.domain.dates import Span, add_months, financial_year_label, whole_months
from iomhub.reports.documents.model import Cell, CellKind, Chart, Document, Status, Table
from iomhub.reports.html_renderer import (
    long_date,
    span_text,
)

WITHHELD_MARK = "[c]"  # iomhub.reports.suppression.MARK


def is_withheld(value: Any) -> bool:
    """A figure withheld for publication, or derived from one (NaN: ``reports/model.py``)."""
    return isinstance(value, float) and value != value


if TYPE_CHECKING:
    from iomhub.package.load import Package
    from iomhub.reports.model import Report

DOCUMENTS = ("performance", "kpis", "actions", "thematic")
FILE_NAMES = {
    "performance": "iom-performance-report",
    "kpis": "performance-framework",
    "actions": "action-plan",
    "thematic": "thematic-report",
}
SMALL_NUMBERS_TEXT = "small numbers: interpret with caution"
STATUS_LABELS = {"green": "Green", "amber_green": "Amber/green", "amber": "Amber",
                 "amber_red": "Amber/red", "red": "Red", "complete": "Complete"}
RAG_LABELS = {"green": "Green", "amber": "Amber", "red": "Red"}


def build_document(kind: str, report: Report, package: Package, today: date | None = None) -> Document:
    """The document named ``kind`` (one of ``DOCUMENTS``); ``today`` decides which action-plan
    milestones are overdue (default: the day the report was generated). A publication report
    (``reports/suppression.py``) gives a document whose withheld figures show ``[c]``."""
    return mark_withheld(_build(kind, report, package, today), report)


def mark_withheld(doc: Document, report: Report) -> Document:
    """For a publication report: the footnote explaining ``[c]`` under every table that shows
    it, and in the notes box."""
    threshold = report.suppression_threshold
    if threshold is None:
        return doc
    from iomhub.reports.suppression import MARK, footnote

    note = footnote(threshold)

    def marked(table: Table) -> Table:
        if any(cell.value == MARK for row in table.rows for cell in row) and note not in table.footnotes:
            return replace(table, footnotes=[*table.footnotes, note])
        return table

    sections = [replace(section, blocks=[
        marked(block) if isinstance(block, Table)
        else replace(block, data=marked(block.data)) if isinstance(block, Chart) else block
        for block in section.blocks]) for section in doc.sections]
    return replace(doc, sections=sections, notes=[*doc.notes, f"For publication: {note}"])


def _build(kind: str, report: Report, package: Package, today: date | None) -> Document:
    if kind == "performance":
        from iomhub.reports.documents.performance import performance_document

        return performance_document(report)
    if kind == "kpis":
        from iomhub.reports.documents.kpis import kpi_document

        return kpi_document(report, package)
    if kind == "actions":
        from iomhub.reports.documents.actions import action_plan_document

        return action_plan_document(package, today or report.generated_at.date())
    if kind == "thematic":
        from iomhub.reports.documents.thematic import thematic_document

        return thematic_document(report, package)
    raise ValueError(f"unknown document {kind!r} (expected one of {', '.join(DOCUMENTS)})")


# --- cells ------------------------------------------------------------------------------------


def text(value: Any, *, bold: bool = False, flag: str | None = None) -> Cell:
    """A text cell; None is an empty string (not a figure that cannot be computed), a text
    withheld for publication (an effect verdict quoting a withheld count) is ``[c]``."""
    if is_withheld(value):
        return Cell(WITHHELD_MARK, "text", bold=bold, flag=flag)
    return Cell("" if value is None else str(value), "text", bold=bold, flag=flag)


def figure(value: Any, kind: CellKind, *, bold: bool = False, flag: str | None = None) -> Cell:
    """A figure (None: cannot be computed; withheld for publication, or derived from a withheld
    one: ``[c]``); whole counts are stored as ints."""
    if value is None:
        return Cell(None, kind, bold=bold, flag=flag)
    if is_withheld(value):
        return Cell(WITHHELD_MARK, kind, bold=bold, flag=flag)
    number: int | float = int(value) if kind == "count" else float(value)
    return Cell(number, kind, bold=bold, flag=flag)


def count(value: Any, **options: Any) -> Cell:
    return figure(value, "count", **options)


def percent(value: Any, **options: Any) -> Cell:
    return figure(value, "percent", **options)


def change(value: Any, **options: Any) -> Cell:
    return figure(value, "change", **options)


def number(value: Any, **options: Any) -> Cell:
    return figure(value, "number", **options)


def unit_cell(value: float | None, unit: str | None, **options: Any) -> Cell:
    """A performance-framework figure in its unit: percent, count, or a plain number (rates)."""
    kind: CellKind = "percent" if unit == "percent" else "count" if unit == "count" else "number"
    if kind == "count" and value is not None and not float(value).is_integer():
        kind = "number"
    return figure(value, kind, **options)


def status_of(code: Any) -> Status | None:
    """An action status or RAG code as a cell's colour; None for anything else."""
    return cast(Status, code) if code in STATUS_LABELS else None


def rag_cell(rag: Any, *, bold: bool = False) -> Cell:
    """A RAG status cell, coloured: Green, Amber, Red, or "n/a" (no target or no actual)."""
    if rag in RAG_LABELS:
        return Cell(RAG_LABELS[rag], "text", status=status_of(rag), bold=bold)
    return Cell("n/a", "text", bold=bold)


def percent_change(first: float | None, last: float | None) -> float | None:
    """(last - first) / first x 100; None when either is missing or ``first`` is 0."""
    if first is None or last is None or first == 0:
        return None
    return (last - first) / first * 100


# --- words ------------------------------------------------------------------------------------


def fy_start_month(report: Report) -> int:
    return int(report.settings.get("financial_year_start_month") or 4)


def financial_year_of(day: date, start_month: int = 4) -> int:
    """The year the financial year containing ``day`` starts in (31 March 2016 → 2015)."""
    return day.year if day.month >= start_month else day.year - 1


def is_financial_year(span: Span, start_month: int = 4) -> bool:
    return span.start.month == start_month and span.start.day == 1 and whole_months(span) == 12


def span_words(span: Span, start_month: int = 4) -> str:
    """``2015/16`` for a financial year, else ``1 April 2015 to 30 June 2015``."""
    if is_financial_year(span, start_month):
        return financial_year_label(span.start.year)
    return span_text(span)


def span_phrase(span: Span, start_month: int = 4) -> str:
    """As :func:`span_words` with its preposition: ``in 2015/16``, ``from 1 April 2015 to 30 June 2015``."""
    words = span_words(span, start_month)
    return f"in {words}" if is_financial_year(span, start_month) else f"from {words}"


def report_meta(report: Report) -> list[tuple[str, str]]:
    """Period, baseline, cohort date, generated and source, as shown under a document's title."""
    start_month = fy_start_month(report)
    params = report.params
    period = params.period
    meta = [("Period", _with_fy(period, start_month)),
            ("Baseline", _with_fy(params.baseline_span, start_month)),
            ("Cohort date", long_date(params.cohort_day))]
    if params.target_reduction is not None:
        meta.append(("Reduction target", f"{params.target_reduction:g}% per offender"))
    generated = report.generated_at
    meta.append(("Generated", f"{long_date(generated.date())} at {generated:%H:%M} {generated.tzname() or ''}"
                 .strip()))
    meta.append(("Source", report.source))
    return meta


def _with_fy(span: Span, start_month: int) -> str:
    if is_financial_year(span, start_month):
        return f"{span_text(span)} ({financial_year_label(span.start.year)})"
    return span_text(span)


def less_than_months_after(later: date, earlier: date, months: int) -> bool:
    """Whether ``later`` is less than ``months`` calendar months after ``earlier``."""
    return later < add_months(earlier, months)
