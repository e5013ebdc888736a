"""The performance document's sections on proven reoffending and the cost of crime.

Figures stay numbers (Excel stores them as numbers); each 95% interval is a text cell beside
its figure ("74.6% to 85.5%"), written as the HTML report writes it. Pounds are whole-pound
counts under a "(£)" heading.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from iomhub.domain import costs as unit_costs
from iomhub.reports.charts import decimal_text
from iomhub.reports.documents.build import (
    SMALL_NUMBERS_TEXT,
    WITHHELD_MARK,
    change,
    count,
    is_withheld,
    number,
    percent,
    text,
)
from iomhub.reports.documents.model import Block, Cell, Paragraph, Section, Table
from iomhub.reports.html_proven_costs import INTERVAL_MEANING
from iomhub.reports.html_renderer import MINUS, format_change, format_pct, long_date, span_text
from iomhub.reports.model import COST_CAVEAT_TEXT, SECTION_TITLES, Report


def interval_text(low: float | None, high: float | None, fmt: Callable[[float], str]) -> Cell:
    """``74.6% to 85.5%``; an em dash when the interval cannot be drawn."""
    if low is None or high is None:
        return Cell(None, "text")
    if is_withheld(low) or is_withheld(high):
        return text(WITHHELD_MARK)
    return text(f"{fmt(low)} to {fmt(high)}")


def signed_pounds(value: float) -> str:
    """Whole pounds under a "(£)" heading: ``−426,955``, ``+1,200``, ``0``."""
    digits = decimal_text(value, 0)
    return MINUS + digits[1:] if digits.startswith("-") else digits if digits == "0" else "+" + digits


def _pounds(value: float | None, bold: bool) -> Cell:
    return count(None if value is None else value if is_withheld(value) else round(value), bold=bold)


def _label(row: dict[str, Any], label: Callable[[str, Any], str], threshold: int) -> tuple[Cell, bool, bool]:
    total = row["scheme"] == "all"
    small = bool(row.get("small_numbers")) and not total
    return text(label("scheme", row["scheme"]), bold=total, flag=SMALL_NUMBERS_TEXT if small else None), total, small


def proven_section(report: Report, label: Callable[[str, Any], str], threshold: int) -> Section | None:
    """Proven reoffending of the people who started on IOM in the window of starts."""
    if "proven_reoffending" not in report.tables:
        return None
    window = report.params.proven_window
    rows: list[list[Cell]] = []
    flagged = False
    for row in report.rows("proven_reoffending"):
        first, bold, small = _label(row, label, threshold)
        flagged = flagged or small
        rows.append([
            first, count(row["offenders"], bold=bold), count(row["reoffenders"], bold=bold),
            percent(row["binary_rate_pct"], bold=bold),
            interval_text(row["binary_rate_pct_ci_low"], row["binary_rate_pct_ci_high"], format_pct),
            count(row["reoffences"], bold=bold), number(row["frequency_per_100"], bold=bold),
            interval_text(row["frequency_per_100_ci_low"], row["frequency_per_100_ci_high"],
                          lambda v: decimal_text(v, 1)),
            number(row["reoffences_per_reoffender"], bold=bold),
            interval_text(row["reoffences_per_reoffender_ci_low"], row["reoffences_per_reoffender_ci_high"],
                          lambda v: decimal_text(v, 1)),
            count(row["awaiting_follow_up"], bold=bold)])
    footnotes = ["Reoffending rate: reoffenders ÷ offenders. Per 100: reoffences ÷ offenders × 100. Per "
                 "reoffender: reoffences ÷ reoffenders. Scheme: that of the first episode. Awaiting: started in "
                 f"the window, but their 18 months end after {long_date(report.params.period.end)}; "
                 "left out of the figures.", f"95% interval: {INTERVAL_MEANING}"]
    if flagged:
        footnotes.insert(0, f"Flagged groups: {SMALL_NUMBERS_TEXT} (fewer than {threshold} people).")
    blocks: list[Block] = [
        Paragraph(f"The Ministry of Justice's proven reoffending measures for everyone whose first IOM episode "
                  f"started from {span_text(window)}: each is followed up for 12 months from their start date, and "
                  "an offence counts when it was committed in those 12 months and detected by the end of a further "
                  "6-month waiting period (detection stands in for the conviction or caution of the national "
                  "statistics)."),
        Table("Proven reoffending", f"Proven reoffending of those starting {span_text(window)}",
              ["Scheme", "Offenders", "Reoffenders", "Reoffending rate", "95% interval", "Reoffences",
               "Reoffences per 100 offenders", "95% interval", "Reoffences per reoffender", "95% interval",
               "Awaiting follow-up"], rows, footnotes, total_rows=1 if rows and rows[-1][0].bold else 0)]
    return Section(SECTION_TITLES["proven"], blocks)


def costs_section(report: Report, label: Callable[[str, Any], str], threshold: int) -> Section | None:
    """The cost of the performance cohort's offences, before and after, with the caveat."""
    if "cost_of_crime" not in report.tables:
        return None
    rows: list[list[Cell]] = []
    flagged = False
    for row in report.rows("cost_of_crime"):
        first, bold, small = _label(row, label, threshold)
        flagged = flagged or small
        rows.append([
            first, count(row["offenders"], bold=bold), _pounds(row["cost_before"], bold),
            _pounds(row["cost_after"], bold), _pounds(row["cost_change"], bold),
            interval_text(row["cost_change_ci_low"], row["cost_change_ci_high"], signed_pounds),
            change(row["cost_change_pct"], bold=bold),
            interval_text(row["cost_change_pct_ci_low"], row["cost_change_pct_ci_high"], format_change),
            count(row["not_valued_before"], bold=bold), count(row["not_valued_after"], bold=bold)])
    footnotes = ["Change: cost in the period − cost in the baseline, in pounds and as a percentage of the "
                 "baseline's cost.", f"95% interval: {INTERVAL_MEANING}"]
    if flagged:
        footnotes.insert(0, f"Flagged groups: {SMALL_NUMBERS_TEXT} (fewer than {threshold} people).")
    costs: dict[str, float | None] = report.settings.get("unit_costs") or unit_costs.unit_costs()
    overrides = dict.fromkeys(report.settings.get("unit_costs_set_in_package") or [], 0.0)
    unit_rows = [[text(label("category", name)),
                  Cell(None, "count") if pounds is None else count(round(pounds)),
                  text(unit_costs.basis(name, overrides))] for name, pounds in costs.items()]
    blocks: list[Block] = [
        Paragraph(f"This is {COST_CAVEAT_TEXT}."),
        Paragraph("The offences of the performance cohort valued at the Home Office's unit costs of crime per "
                  f"offence category: {unit_costs.SOURCE}. Offences of categories without a unit cost (such as "
                  "drugs, weapons and public order) are counted as not valued and add nothing."),
        Table("Cost of crime", "Cost of the performance cohort's offences (2015/16 prices)",
              ["Scheme", "Offenders", f"Cost {span_text(report.params.baseline_span)} (£)",
               f"Cost {span_text(report.params.period)} (£)", "Change (£)", "95% interval", "Change (%)",
               "95% interval", "Not valued (baseline)", "Not valued (period)"], rows, footnotes,
              total_rows=1 if rows and rows[-1][0].bold else 0),
        Table("Unit costs", "Unit costs per offence (2015/16 prices)",
              ["Offence category", "Cost of one offence (£)", "Basis"], unit_rows,
              ["A dash: not valued (no unit cost for the category)."]),
    ]
    return Section(SECTION_TITLES["costs"], blocks)

