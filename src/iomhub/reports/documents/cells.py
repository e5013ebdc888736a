"""The building blocks the document builders share: a report's figures and codes as
:class:`~iomhub.reports.documents.model.Cell` values (numbers stay numbers; ``kind`` says how to
show them; a figure withheld for publication is ``[c]``), and the facts under a document's title."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from iomhub.domain.dates import add_months
from iomhub.reports.documents.model import Cell, CellKind, Status
from iomhub.reports.formatting import RAG_LABELS, STATUS_LABELS, WITHHELD, is_withheld


def text(value: Any, *, bold: bool = False, flag: str | None = None) -> Cell:
    """A text cell; None is an empty string (not a figure that cannot be computed), a text
    withheld for publication (an effect verdict quoting a withheld count) is ``[c]``."""
    if is_withheld(value):
        return Cell(WITHHELD, "text", bold=bold, flag=flag)
    return Cell("" if value is None else str(value), "text", bold=bold, flag=flag)


def figure(value: Any, kind: CellKind, *, bold: bool = False, flag: str | None = None,
           places: int | None = None) -> Cell:
    """A figure (None: cannot be computed; withheld for publication, or derived from a withheld
    one: ``[c]``); whole counts are stored as ints."""
    if value is None:
        return Cell(None, kind, bold=bold, flag=flag, places=places)
    if is_withheld(value):
        return Cell(WITHHELD, kind, bold=bold, flag=flag, places=places)
    number: int | float = round(value) if kind == "count" else float(value)
    return Cell(number, kind, bold=bold, flag=flag, places=places)


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


def fy_start_month(report: Any) -> int:
    """The month the report's financial year starts in (package.toml; April by default)."""
    return int(report.settings.get("financial_year_start_month") or 4)


def less_than_months_after(later: date, earlier: date, months: int) -> bool:
    """Whether ``later`` is less than ``months`` calendar months after ``earlier``."""
    return later < add_months(earlier, months)
