"""The HTML report's sections on proven reoffending and the cost of crime.

Each figure with an interval is written with its 95% interval as a range in brackets:
``80.3% (74.6% to 85.5%)``, ``−£730,440 (−£1,066,900 to −£411,961)``. Used by
:mod:`iomhub.reports.html_renderer` (and so by the web dashboard, which lays out its sections).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from iomhub.domain import costs as unit_costs
from iomhub.reports.charts import decimal_text
from iomhub.reports.html_renderer import (
    CANNOT_COMPUTE,
    MINUS,
    SMALL_NUMBERS_TEXT,
    Cell,
    Group,
    Row,
    Section,
    Table,
    format_change,
    format_int,
    format_pct,
    humanise,
    int_cell,
    long_date,
    null_cell,
    short_span,
    span_text,
)
from iomhub.reports.model import COST_CAVEAT_TEXT, SECTION_TITLES

if TYPE_CHECKING:
    from iomhub.reports.html_renderer import _Builder

INTERVAL_MEANING = ("the range in which the figure falls in 95 of 100 resamples of the people (with "
                    "replacement, within each scheme); it shows how much the figure could owe to chance in who "
                    "happened to be in the group.")


def format_pounds(value: float) -> str:
    """``-730440.0`` → ``−£730,440`` (whole pounds)."""
    text = decimal_text(value, 0)
    return f"{MINUS}£{text[1:]}" if text.startswith("-") else f"£{text}"


def format_signed_pounds(value: float) -> str:
    """A change in pounds: ``−£730,440``, ``+£1,200``, ``£0``."""
    text = format_pounds(value)
    return text if text.startswith(MINUS) or text == "£0" else "+" + text


def format_rate(value: float) -> str:
    return decimal_text(value, 1).replace("-", MINUS)


def with_interval(value: float | None, low: float | None, high: float | None,
                  fmt: Callable[[float], str], reason: str = CANNOT_COMPUTE, css: str = "") -> Cell:
    """A figure and its interval in brackets, ``−12.0% (−20.0% to −4.0%)``; the figure alone when
    the interval cannot be drawn; an em dash when the figure cannot be computed."""
    if value is None:
        return null_cell(reason)
    text = fmt(value)
    if low is not None and high is not None:
        text += f" ({fmt(low)} to {fmt(high)})"
    return Cell(text, numeric=True, css=css)


def _change_css(value: float | None) -> str:
    return "" if value is None else "fall" if value < 0 else "rise" if value > 0 else ""


def _label(builder: _Builder, row: dict[str, Any], name: str) -> tuple[Cell, str, bool]:
    small = bool(row.get("small_numbers")) and row["scheme"] != "all"
    css = " ".join(c for c in ("total" if row["scheme"] == "all" else "", "small-numbers" if small else "") if c)
    return (Cell(builder.label("scheme", row["scheme"]), header=True, flag=f"small-{name}" if small else None),
            css, small)


def _small_footnote(builder: _Builder, name: str) -> tuple[str, str]:
    return (f"small-{name}", f"* {SMALL_NUMBERS_TEXT[:1].upper()}{SMALL_NUMBERS_TEXT[1:]} "
                             f"(fewer than {builder.threshold} people in the group).")


def proven_section(builder: _Builder) -> Section | None:
    """Proven reoffending of the people who started on IOM in the window of starts."""
    report = builder.report
    if "proven_reoffending" not in report.tables:
        return None
    window = report.params.proven_window
    section = Section("proven", SECTION_TITLES["proven"])
    section.paragraphs.append(
        f"The Ministry of Justice's proven reoffending measures for everyone whose first IOM episode started "
        f"from {span_text(window)}: each is followed up for 12 months from their start date, and an offence "
        "counts when it was committed in those 12 months and detected by the end of a further 6-month "
        "waiting period (the date of detection stands in for the conviction or caution of the national "
        "statistics; an offence never detected does not count).")
    overall = report.row("proven_reoffending", scheme="all")
    if overall is not None and overall["offenders"]:
        rate = with_interval(overall["binary_rate_pct"], overall["binary_rate_pct_ci_low"],
                             overall["binary_rate_pct_ci_high"], format_pct).text
        section.paragraphs.append(
            f"Of {format_int(overall['offenders'])} people, {format_int(overall['reoffenders'])} had a proven "
            f"reoffence: {rate}. Together they committed {format_int(overall['reoffences'])} proven reoffences.")
    rows: list[Row] = []
    flagged = False
    awaiting = 0
    for row in builder.rows("proven_reoffending"):
        label, css, small = _label(builder, row, "proven_reoffending")
        flagged = flagged or small
        awaiting += row["awaiting_follow_up"] if row["scheme"] == "all" else 0
        rows.append(Row([
            label, int_cell(row["offenders"]), int_cell(row["reoffenders"]),
            with_interval(row["binary_rate_pct"], row["binary_rate_pct_ci_low"], row["binary_rate_pct_ci_high"],
                          format_pct, f"{CANNOT_COMPUTE}: nobody followed up"),
            int_cell(row["reoffences"]),
            with_interval(row["frequency_per_100"], row["frequency_per_100_ci_low"],
                          row["frequency_per_100_ci_high"], format_rate, f"{CANNOT_COMPUTE}: nobody followed up"),
            with_interval(row["reoffences_per_reoffender"], row["reoffences_per_reoffender_ci_low"],
                          row["reoffences_per_reoffender_ci_high"], lambda v: decimal_text(v, 2),
                          f"{CANNOT_COMPUTE}: nobody reoffended"),
            int_cell(row["awaiting_follow_up"]),
        ], css))
    footnotes = [
        ("proven-definitions", "Reoffending rate: reoffenders \u00f7 offenders. Reoffences per 100 offenders: "
                               "reoffences \u00f7 offenders \u00d7 100. Per reoffender: reoffences \u00f7 "
                               "reoffenders. Scheme: that of the first episode."),
        ("proven-awaiting", "Awaiting follow-up: started in the window but their 18 months end after "
                            f"{long_date(report.params.period.end)}; left out of the figures."),
        ("proven-intervals", f"In brackets, the 95% interval: {INTERVAL_MEANING}"),
    ]
    if flagged:
        footnotes.insert(0, _small_footnote(builder, "proven_reoffending"))
    if awaiting:
        section.paragraphs.append(f"{format_int(awaiting)} people who started in the window have not yet "
                                  "completed their follow-up and waiting period and are left out.")
    section.tables.append(Table("proven_reoffending", f"Proven reoffending of those starting {span_text(window)}", [
        Cell("Scheme"), Cell("Offenders", numeric=True), Cell("Reoffenders", numeric=True),
        Cell("Reoffending rate", numeric=True), Cell("Reoffences", numeric=True),
        Cell("Per 100 offenders", numeric=True), Cell("Per reoffender", numeric=True),
        Cell("Awaiting follow-up", numeric=True)], [Group(rows)], footnotes,
        empty_text="Nobody's first episode started in this window."))
    return section


def costs_section(builder: _Builder) -> Section | None:
    """The cost of the performance cohort's offences in the baseline and the period."""
    report = builder.report
    if "cost_of_crime" not in report.tables:
        return None
    section = Section("costs", SECTION_TITLES["costs"])
    section.paragraphs.append(f"This is {COST_CAVEAT_TEXT}.")
    section.paragraphs.append(
        "The offences of the performance cohort (as in the reoffending section) valued at the Home Office's "
        f"unit costs of crime per offence category: {unit_costs.SOURCE}. Offences of categories without a "
        "unit cost (such as drugs, weapons and public order) are counted as not valued and add nothing.")
    overall = report.row("cost_of_crime", scheme="all")
    if overall is not None and overall["offenders"]:
        change = with_interval(overall["cost_change"], overall["cost_change_ci_low"], overall["cost_change_ci_high"],
                               format_signed_pounds).text
        section.paragraphs.append(
            f"The cost of the cohort's offences went from {format_pounds(overall['cost_before'])} in the baseline "
            f"to {format_pounds(overall['cost_after'])} in the period: a change of {change}.")
    rows: list[Row] = []
    flagged = False
    for row in builder.rows("cost_of_crime"):
        label, css, small = _label(builder, row, "cost_of_crime")
        flagged = flagged or small
        no_cost = f"{CANNOT_COMPUTE}: no valued offences in the baseline"
        rows.append(Row([
            label, int_cell(row["offenders"]),
            Cell(format_pounds(row["cost_before"]), numeric=True), Cell(format_pounds(row["cost_after"]), numeric=True),
            with_interval(row["cost_change"], row["cost_change_ci_low"], row["cost_change_ci_high"],
                          format_signed_pounds, css=_change_css(row["cost_change"])),
            with_interval(row["cost_change_pct"], row["cost_change_pct_ci_low"], row["cost_change_pct_ci_high"],
                          format_change, no_cost, css=_change_css(row["cost_change_pct"])),
            Cell(f"{format_int(row['not_valued_before'])} / {format_int(row['not_valued_after'])}", numeric=True),
        ], css))
    footnotes = [("cost-change", f"Baseline: {short_span(builder.baseline)}; period: {short_span(builder.period)}. "
                                 "Change: cost in the period \u2212 cost in the baseline, in pounds and as a "
                                 "percentage of the baseline's cost. Not valued: offences (baseline / period) of a "
                                 "category without a unit cost."),
                 ("cost-intervals", f"In brackets, the 95% interval: {INTERVAL_MEANING}")]
    if flagged:
        footnotes.insert(0, _small_footnote(builder, "cost_of_crime"))
    section.tables.append(Table("cost_of_crime", "Cost of the performance cohort's offences (2015/16 prices)", [
        Cell("Scheme"), Cell("Offenders", numeric=True),
        Cell("Cost, baseline", numeric=True), Cell("Cost, period", numeric=True),
        Cell("Change", numeric=True), Cell("Change (%)", numeric=True),
        Cell("Not valued", numeric=True)], [Group(rows)], footnotes))
    section.tables.append(unit_cost_table(report.settings))
    return section


def unit_cost_table(settings: dict[str, Any]) -> Table:
    """The unit cost used for each offence category and where it comes from."""
    costs: dict[str, float | None] = settings.get("unit_costs") or unit_costs.unit_costs()
    overrides = dict.fromkeys(settings.get("unit_costs_set_in_package") or [], 0.0)
    rows = [Row([Cell(humanise(name), header=True),
                 null_cell("not valued") if pounds is None else Cell(format_pounds(pounds), numeric=True),
                 Cell(unit_costs.basis(name, overrides))]) for name, pounds in costs.items()]
    return Table("unit_costs", "Unit costs per offence (2015/16 prices)",
                 [Cell("Offence category"), Cell("Cost of one offence", numeric=True), Cell("Basis")],
                 [Group(rows)])
