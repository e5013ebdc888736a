"""What every section of the view model reads (:class:`Context`) and the cells it writes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from iomhub.metrics.uncertainty import MIN_PEOPLE
from iomhub.reports.derived import percent_change
from iomhub.reports.formatting import (
    CANNOT_COMPUTE,
    SMALL_NUMBERS_TEXT,
    Labels,
    is_withheld,
    short_date,
    span_words,
)
from iomhub.reports.model import Report
from iomhub.reports.params import ReportParams
from iomhub.reports.tables import TABLES
from iomhub.reports.view import Cell, Column, Kind, Note, Row

TOO_FEW_TO_ESTIMATE = f"{CANNOT_COMPUTE}: too few people to estimate (under {MIN_PEOPLE})"
NO_INTERVAL_UNDER = f"no interval is given for a group of fewer than {MIN_PEOPLE} people (too few to estimate)"
INTERVAL_MEANING = ("the range in which the figure falls in 95 of 100 resamples of the people (with "
                    "replacement, within each scheme); it shows how much the figure could owe to chance in who "
                    "happened to be in the group.")


@dataclass
class Context:
    """The report being laid out, with the words for its codes and periods."""

    report: Report
    labels: Labels = field(init=False)
    threshold: int = field(init=False)
    dates: list[date] = field(init=False)

    def __post_init__(self) -> None:
        settings = self.report.settings
        self.labels = Labels(self.report.area_names, int(settings.get("financial_year_start_month") or 4))
        self.threshold = int(settings.get("small_numbers_threshold") or self.report.params.small_numbers)
        self.dates = list(settings.get("snapshot_dates") or [])

    @property
    def params(self) -> ReportParams:
        return self.report.params

    @property
    def period_words(self) -> str:
        """``2015/16`` (or the dates when the period is not a financial year)."""
        return span_words(self.params.period, self.labels.start_month)

    @property
    def baseline_words(self) -> str:
        return span_words(self.params.baseline_span, self.labels.start_month)

    def has(self, table: str) -> bool:
        return table in self.report.tables

    def rows(self, table: str) -> list[dict[str, Any]]:
        return self.report.rows(table)

    def label(self, column: str, code: Any) -> str:
        return self.labels.group(column, code)

    def small_note(self, table: str, who: str = "people in the group") -> Note:
        """The footnote of groups with fewer people than the small-numbers threshold."""
        return Note(f"small-{table}", "*", SMALL_NUMBERS_TEXT,
                    f"{SMALL_NUMBERS_TEXT[:1].upper()}{SMALL_NUMBERS_TEXT[1:]} (fewer than {self.threshold} {who}).",
                    small=True)

    def title(self, table: str) -> str:
        """The table's short title (``reports/tables.py``)."""
        return TABLES[table].title

    # snapshot dates

    def date_columns(self, first: str, change: bool = True) -> list[Column]:
        """The heading of the rows, one column per snapshot date, and the change from the first."""
        columns = [label_column(first), *(Column(short_date(day)) for day in self.dates)]
        if change and len(self.dates) > 1:
            columns.append(Column("Change"))
        return columns

    def series_row(self, label: str, values: Sequence[float | None], *, total: bool = False,
                   kind: Kind = "count", change: bool = True, tone: str = "",
                   reason: str = f"{CANNOT_COMPUTE}: none on the first date") -> Row:
        """A row of figures on each snapshot date, and the change from the first to the last."""
        cells = [text(label), *(Cell(value, kind) for value in values)]
        if len(self.dates) > 1:
            cells.append(Cell(percent_change(values[0], values[-1]), "change", reason) if change else text(""))
        return Row(cells, total, tone)

    def change_footnote(self, ident: str) -> list[tuple[str, str]]:
        if len(self.dates) < 2:
            return []
        return [(ident, f"Change: from {short_date(self.dates[0])} to {short_date(self.dates[-1])}, as a "
                        "percentage of the first.")]


def label_column(heading: str) -> Column:
    """The column of the rows' headings (not a figure)."""
    return Column(heading, numeric=False)


def text(value: Any, note: Note | None = None) -> Cell:
    """Words (None: empty; a text withheld for publication, e.g. an effect verdict quoting a count: ``[c]``)."""
    return Cell("" if value is None else value, "text", note=note)


def interval(low: float | None, high: float | None, of: Kind = "change", reason: str = CANNOT_COMPUTE,
             people: Any = None) -> Cell:
    """A 95% interval in a column of its own; None when it cannot be drawn, because the group has
    fewer than ``MIN_PEOPLE`` ``people`` (none is given then), or else for ``reason``."""
    if people is not None and not is_withheld(people) and people < MIN_PEOPLE:
        reason = TOO_FEW_TO_ESTIMATE
    return Cell(None if low is None or high is None else (low, high), "interval", reason, of=of)


def with_bounds(row: dict[str, Any], column: str, kind: Kind, reason: str = CANNOT_COMPUTE) -> Cell:
    """The figure of ``column`` with its 95% interval (``column_ci_low``/``_ci_high``)."""
    return Cell(row[column], kind, reason, bounds=(row[f"{column}_ci_low"], row[f"{column}_ci_high"]))


def is_small(row: dict[str, Any], column: str) -> bool:
    """A group (never the total) of fewer people than the threshold (``small_numbers``; a flag
    withheld for publication with its group's count marks nothing)."""
    return row.get("small_numbers") is True and row[column] != "all"


def bracketed(value: Any, low: Any, high: Any, words: Callable[[Any], str]) -> str:
    """A figure and its interval in words: ``80.3% (74.6% to 85.5%)``."""
    shown = words(value)
    return shown if low is None or high is None else f"{shown} ({words(low)} to {words(high)})"


def used_notes(rows: Sequence[Row]) -> list[Note]:
    """The notes the cells of ``rows`` point to, in the order they first appear."""
    return list(dict.fromkeys(cell.note for row in rows for cell in row.cells if cell.note is not None))
