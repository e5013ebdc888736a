"""Proven reoffending (the Ministry of Justice's measures) of those who started on IOM in the
window of starts, each figure with its 95% interval."""

from __future__ import annotations

from iomhub.reports.formatting import CANNOT_COMPUTE, format_int, format_pct, long_date, span_text
from iomhub.reports.sections.common import (
    INTERVAL_MEANING,
    Context,
    bracketed,
    is_small,
    label_column,
    text,
    used_notes,
    with_bounds,
)
from iomhub.reports.tables import SECTION_TITLES
from iomhub.reports.view import Cell, Column, Group, Row, Section, Table

NAME = "proven_reoffending"
NOBODY = f"{CANNOT_COMPUTE}: nobody followed up"


def section(ctx: Context) -> Section | None:
    if not ctx.has(NAME):
        return None
    window = ctx.params.proven_window
    out = Section("proven", SECTION_TITLES["proven"])
    out.paragraphs.append(
        f"The Ministry of Justice's proven reoffending measures for everyone whose first IOM episode started from "
        f"{span_text(window)}: each is followed up for 12 months from their start date, and an offence counts when "
        "it was committed in those 12 months and detected by the end of a further 6-month waiting period (the date "
        "of detection stands in for the conviction or caution of the national statistics; an offence never "
        "detected does not count).")
    overall = ctx.report.row(NAME, scheme="all")
    if overall is not None and overall["offenders"]:
        rate = bracketed(overall["binary_rate_pct"], overall["binary_rate_pct_ci_low"],
                         overall["binary_rate_pct_ci_high"], format_pct) if overall["binary_rate_pct"] is not None \
            else "no rate"
        out.paragraphs.append(
            f"Of {format_int(overall['offenders'])} people, {format_int(overall['reoffenders'])} had a proven "
            f"reoffence: {rate}. Together they committed {format_int(overall['reoffences'])} proven reoffences.")
        if overall["awaiting_follow_up"]:
            out.paragraphs.append(f"{format_int(overall['awaiting_follow_up'])} people who started in the window "
                                  "have not yet completed their follow-up and waiting period and are left out.")
    note = ctx.small_note(NAME)
    rows = []
    for row in ctx.rows(NAME):
        flag = note if is_small(row, "scheme") else None
        rows.append(Row([
            text(ctx.label("scheme", row["scheme"]), flag), Cell(row["offenders"], "count", note=flag),
            Cell(row["reoffenders"], "count"),
            with_bounds(row, "binary_rate_pct", "percent", NOBODY),
            Cell(row["reoffences"], "count"),
            with_bounds(row, "frequency_per_100", "number", NOBODY),
            with_bounds(row, "reoffences_per_reoffender", "number", f"{CANNOT_COMPUTE}: nobody reoffended"),
            Cell(row["awaiting_follow_up"], "count"),
        ], total=row["scheme"] == "all"))
    out.tables.append(Table(NAME, ctx.title(NAME), f"Proven reoffending of those starting {span_text(window)}", [
        label_column("Scheme"), Column("Offenders"), Column("Reoffenders"), Column("Reoffending rate"),
        Column("Reoffences"), Column("Reoffences per 100 offenders"), Column("Reoffences per reoffender"),
        Column("Awaiting follow-up")], [Group(rows)], used_notes(rows), [
        ("proven-definitions", "Reoffending rate: reoffenders \u00f7 offenders. Reoffences per 100 offenders: "
                               "reoffences \u00f7 offenders \u00d7 100. Per reoffender: reoffences \u00f7 "
                               "reoffenders. Scheme: that of the first episode."),
        ("proven-awaiting", "Awaiting follow-up: started in the window but their 18 months end after "
                            f"{long_date(ctx.params.period.end)}; left out of the figures."),
        ("proven-intervals", f"95% interval: {INTERVAL_MEANING}")],
        empty_text="Nobody's first episode started in this window."))
    return out
