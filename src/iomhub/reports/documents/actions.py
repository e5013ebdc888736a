"""The delivery action plan appendix (the shape of seed 001), grouped by outcome.

One section per outcome (in the order the plan first names them), one row per milestone:
action (written once for its consecutive milestones, as the seed does), milestone, due
quarter, lead, strategic links, status on the five-point scale or complete (a coloured cell)
and comment. A milestone is **overdue** when its due date has passed (the end of its due
quarter is before ``today``) and it is not complete: its cells are bold and flagged
"overdue", and it is listed again in the summary.

Due dates are read as the plan writes them: ``2016-Q2`` (quarter 2 of financial year
2016/17), ``2016/17 Q2``, a range ``Q1-Q4`` or ``Q2 – Q3`` (its last quarter counts), ``April
16`` or ``April 2016`` (the month's end), a date, or a financial year ``2016``. A quarter without
a year is a quarter of the financial year containing ``today`` (the plan is the current
year's); anything else cannot be checked and is never called overdue.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from iomhub.domain.dates import (
    PERIOD_PATTERN,
    add_months,
    financial_quarter,
    financial_year,
    financial_year_label,
    financial_year_of,
    parse_date,
)
from iomhub.package.load import Package
from iomhub.reports.documents.cells import status_of, text
from iomhub.reports.documents.model import Block, Bullets, Cell, Document, Paragraph, Section, Table
from iomhub.reports.formatting import STATUS_LABELS, kpi_period_label, long_date, source_words

OVERDUE = "overdue"
COLUMNS = ["Action", "Milestone", "Due", "Lead", "Strategic links", "Status", "Comments"]
QUARTER = re.compile(r"(?:(\d{4})(?:/\d{2})?\s*[-\s]?\s*)?\bq\s*([1-4])\b", re.IGNORECASE)
MONTHS = {name: number for number, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
MONTH_YEAR = re.compile(r"\b([a-z]{3})[a-z]*\.?\s+(\d{4}|\d{2})\b", re.IGNORECASE)


def due_end(due: str | None, today: date, start_month: int = 4) -> date | None:
    """The last day a milestone is due by, read from the plan's ``due`` text; None when unreadable."""
    if not due or not due.strip():
        return None
    value = due.strip()
    if PERIOD_PATTERN.match(value):
        match = PERIOD_PATTERN.match(value)
        assert match is not None
        year = int(match.group(1))
        if match.group(2):
            return financial_quarter(year, int(match.group(2)), start_month).end
        return financial_year(year, start_month).end
    quarters = QUARTER.findall(value)
    if quarters:
        year_text, quarter = quarters[-1]
        year = int(year_text) if year_text else financial_year_of(today, start_month)
        return financial_quarter(year, int(quarter), start_month).end
    try:
        return parse_date(value)
    except ValueError:
        pass
    month_year = MONTH_YEAR.search(value)
    if month_year and month_year.group(1).lower() in MONTHS:
        year = int(month_year.group(2))
        year += 2000 if year < 100 else 0
        first = date(year, MONTHS[month_year.group(1).lower()], 1)
        return add_months(first, 1) - timedelta(days=1)
    return None


def due_label(due: str | None, start_month: int = 4) -> str:
    """``2016-Q2`` → ``2016/17 Q2``; anything else as typed."""
    if not due:
        return ""
    return kpi_period_label(due.strip(), start_month) if PERIOD_PATTERN.match(due.strip()) else due.strip()


def status_cell(status: str | None, *, bold: bool = False, flag: str | None = None) -> Cell:
    if status in STATUS_LABELS:
        return Cell(STATUS_LABELS[status], "text", status=status_of(status), bold=bold, flag=flag)
    return Cell("Not set", "text", bold=bold, flag=flag)


def _overdue_line(row: dict[str, Any], start_month: int) -> str:
    status = STATUS_LABELS.get(str(row.get("status") or ""), "no status").lower()
    return (f"{row.get('milestone') or row.get('action')} (due {due_label(row.get('due'), start_month)}, "
            f"lead {row.get('lead') or 'not named'}, {status})")


def action_plan_document(package: Package, today: date) -> Document:
    """The action plan appendix as it stands on ``today`` (which decides what is overdue)."""
    start_month = package.settings.financial_year_start_month
    title = "Delivery action plan"
    subtitle = f"{package.settings.title or 'IOM'}: actions, milestones and status"
    meta = [("Position at", long_date(today)),
            ("Financial year", financial_year_label(financial_year_of(today, start_month))),
            ("Source", source_words(package.source))]
    if not package.has("actions"):
        return Document("actions", title, subtitle, meta, [Section("Action plan", [
            Paragraph("The data hold no action plan, so there is nothing to show.")])])
    plan: list[dict[str, Any]] = list(package.tables["actions"].iter_rows(named=True))
    outcomes: dict[str, list[dict[str, Any]]] = {}
    for row in plan:
        outcomes.setdefault(str(row.get("outcome") or "Outcome not stated"), []).append(row)
    overdue: list[dict[str, Any]] = []
    unreadable: list[str] = []
    sections = [Section(outcome, [_outcome_table(number, outcome, rows, today, start_month, overdue, unreadable)])
                for number, (outcome, rows) in enumerate(outcomes.items(), start=1)]
    return Document("actions", title, subtitle, meta, [
        Section("Summary", _summary(plan, len(outcomes), overdue, unreadable, today, start_month)), *sections])


def _outcome_table(number: int, outcome: str, rows: list[dict[str, Any]], today: date, start_month: int,
                   overdue: list[dict[str, Any]], unreadable: list[str]) -> Table:
    """One outcome's milestones; the overdue ones (bold, flagged) and the unreadable due dates are
    added to ``overdue`` and ``unreadable``."""
    table_rows: list[list[Cell]] = []
    previous_action: str | None = None
    for row in rows:
        end = due_end(row.get("due"), today, start_month)
        if end is None and row.get("due"):
            unreadable.append(str(row["due"]))
        late = end is not None and end < today and row.get("status") != "complete"
        if late:
            overdue.append(row)
        flag = OVERDUE if late else None
        action = str(row.get("action") or "")
        table_rows.append([
            text("" if action == previous_action else action),
            text(row.get("milestone"), bold=late, flag=flag),
            text(due_label(row.get("due"), start_month), bold=late, flag=flag),
            text(row.get("lead")),
            text(row.get("strategic_links")),
            status_cell(row.get("status"), bold=late, flag=flag),
            text(row.get("comment")),
        ])
        previous_action = action
    footnotes = [f"Overdue (bold): due before {long_date(today)} and not complete."] if any(
        r[1].flag for r in table_rows) else []
    return Table(f"Outcome {number}", outcome, COLUMNS, table_rows, footnotes)


def _summary(plan: list[dict[str, Any]], outcomes: int, overdue: list[dict[str, Any]], unreadable: list[str],
             today: date, start_month: int) -> list[Block]:
    """The milestones by status, the overdue ones listed, and the due dates that cannot be read."""
    counts = [(code, sum(1 for row in plan if row.get("status") == code)) for code in STATUS_LABELS]
    not_set = sum(1 for row in plan if row.get("status") not in STATUS_LABELS)
    summary_rows = [[status_cell(code), Cell(n, "count")] for code, n in counts]
    if not_set:
        summary_rows.append([status_cell(None), Cell(not_set, "count")])
    summary_rows.append([Cell("Overdue", "text", bold=True, flag=OVERDUE), Cell(len(overdue), "count", bold=True)])
    listed = ", ".join(f"{n} {STATUS_LABELS[code].lower()}" for code, n in counts if n)
    blocks: list[Block] = [
        Paragraph(f"{len(plan)} milestones under {outcomes} outcomes: {listed or 'no status set'}. "
                  f"{len(overdue)} {'is' if len(overdue) == 1 else 'are'} overdue (due before "
                  f"{long_date(today)} and not complete)."),
        Table("Status summary", "Milestones by status", ["Status", "Milestones"], summary_rows, total_rows=1),
    ]
    if overdue:
        blocks.append(Bullets([_overdue_line(row, start_month) for row in overdue], "Overdue milestones"))
    if unreadable:
        blocks.append(Paragraph("Due dates that cannot be read, so never counted as overdue: "
                                + ", ".join(sorted(set(unreadable))) + "."))
    return blocks
