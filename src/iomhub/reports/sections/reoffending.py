"""Reoffending of the performance cohort: by scheme, age band, gender and area (a chart of the
first three), by programme flag, and target attainment."""

from __future__ import annotations

from iomhub.reports import charts
from iomhub.reports.formatting import CANNOT_COMPUTE, format_change, format_int, format_number, is_withheld, long_date
from iomhub.reports.sections.common import (
    NO_INTERVAL_UNDER,
    Context,
    interval,
    is_small,
    label_column,
    text,
    used_notes,
)
from iomhub.reports.tables import SECTION_TITLES
from iomhub.reports.view import Cell, Chart, Column, Group, Row, Section, Table

GROUPS = (
    ("reoffending_by_scheme", "scheme", "Scheme"),
    ("reoffending_by_age", "age_band", "Age band"),
    ("reoffending_by_gender", "gender", "Gender"),
    ("reoffending_by_area", "area", "Area"),
)
NO_BASELINE = f"{CANNOT_COMPUTE}: no offences in the baseline"
NOT_THE_EFFECT = ("before and after: not the effect of IOM, since people join IOM when their offending is high and "
                  "it eases anyway; the effect is estimated in What IOM changed")
CHART_TITLE = "Offences before and after, by scheme, age band and gender"


def reoffending_table(ctx: Context, name: str, column: str, heading: str, caption: str) -> Table:
    """Offenders, offences in the baseline and in the period, the change and its 95% interval, per group."""
    note = ctx.small_note(name)
    rows = []
    for row in ctx.rows(name):
        flag = note if is_small(row, column) else None
        rows.append(Row([
            text(ctx.label(column, row[column]), flag),
            Cell(row["offenders"], "count", note=flag),
            Cell(row["offences_before"], "count"),
            Cell(row["offences_after"], "count"),
            Cell(row["change_pct"], "change", NO_BASELINE),
            interval(row.get("change_pct_ci_low"), row.get("change_pct_ci_high"), reason=NO_BASELINE,
                     people=row["offenders"]),
        ], total=row[column] == "all"))
    return Table(name, ctx.title(name), caption, [
        label_column(heading), Column("Offenders"), Column(f"Offences {ctx.baseline_words} (baseline)"),
        Column(f"Offences {ctx.period_words} (period)"), Column("Change"), Column("95% interval"),
    ], [Group(rows)], used_notes(rows), [(
        f"change-{name}", "Change: (offences in the period \u2212 offences in the baseline) \u00f7 offences in the "
        "baseline; a dash when there were none in the baseline. 95% interval: the range the change would take in "
        "95% of resamples of the people in the group (offences cluster within people, so people, not offences, "
        f"are resampled); {NO_INTERVAL_UNDER}.")])


def reoffending_chart(ctx: Context) -> Chart | None:
    """Offences in the baseline and the period of each scheme, age band and gender (a group of
    fewer people than the threshold marked ``*``)."""
    groups: list[tuple[str, float, float]] = []
    rows: list[Row] = []
    small_any = False
    for name, column, heading in GROUPS[:3]:
        for row in ctx.rows(name):
            if row[column] == "all":
                continue
            small = is_small(row, column)
            small_any = small_any or small
            label = ctx.label(column, row[column])
            if not (is_withheld(row["offences_before"]) or is_withheld(row["offences_after"])):
                groups.append((f"{label}{' *' if small else ''}", float(row["offences_before"]),
                               float(row["offences_after"])))
            rows.append(Row([text(heading), text(label, ctx.small_note(name) if small else None),
                             Cell(row["offenders"], "count"), Cell(row["offences_before"], "count"),
                             Cell(row["offences_after"], "count"), Cell(row["change_pct"], "change", NO_BASELINE)]))
    if not groups:
        return None
    description = f"{CHART_TITLE}: " + "; ".join(
        f"{label}: {format_int(before)} offences in the baseline, {format_int(after)} in the period"
        for label, before, after in groups) + "."
    if small_any:
        description += f" Groups marked * have fewer than {ctx.threshold} people: interpret with caution."
    data = Table("chart_reoffending", "Chart reoffending by group", CHART_TITLE, [
        label_column("Grouping"), label_column("Group"), Column("Offenders"),
        Column(f"Offences {ctx.baseline_words}"), Column(f"Offences {ctx.period_words}"), Column("Change"),
    ], [Group(rows)], used_notes(rows))
    svg = charts.paired_bar_chart("chart-reoffending", CHART_TITLE, groups, ("Baseline", "Period"))
    return Chart("chart-reoffending", CHART_TITLE, svg, description, data)


def section(ctx: Context) -> Section | None:
    """Reoffending of the performance cohort, by scheme, age, gender, area and flag, and target attainment."""
    if not ctx.has("reoffending_by_scheme"):
        return None
    params = ctx.params
    cohort_day = long_date(params.cohort_day)
    out = Section("reoffending", SECTION_TITLES["reoffending"])
    out.paragraphs.append(
        f"The performance cohort is everyone in a scheme on {cohort_day} with at least one offence in the baseline "
        f"({ctx.labels.span(params.baseline_span)}). Their offences in the baseline are compared with their offences "
        f"in the period ({ctx.labels.span(params.period)}), counted by the date each offence was committed "
        "(detected offences on police systems, not convictions).")
    if params.exclude_custody_beyond is not None:
        out.paragraphs.append(f"People in custody on the cohort date who stay beyond "
                              f"{long_date(params.exclude_custody_beyond)} (or whose release is unknown) are left "
                              "out of the performance cohort.")
    overall = ctx.report.row("reoffending_by_scheme", scheme="all")
    if overall is not None:
        summary = (f"Overall, {format_int(overall['offenders'])} offenders committed "
                   f"{format_int(overall['offences_before'])} offences in the baseline and "
                   f"{format_int(overall['offences_after'])} in the period")
        if overall["change_pct"] is not None:
            summary += f": a change of {format_change(overall['change_pct'])}"
        out.paragraphs.append(f"{summary} ({NOT_THE_EFFECT}).")
    chart = reoffending_chart(ctx)
    if chart is not None:
        out.charts.append(chart)
    for name, column, heading in GROUPS:
        if ctx.has(name):
            caption = ctx.title(name) + (f" (age on {cohort_day})" if column == "age_band" else "")
            out.tables.append(reoffending_table(ctx, name, column, heading, caption))
    if ctx.has("reoffending_by_flag"):
        flags = Section("flags", SECTION_TITLES["flags"], level=3)
        flags.paragraphs.append(f"Programme flags held on {cohort_day}; someone with several flags is counted "
                                "under each.")
        flags.tables.append(reoffending_table(ctx, "reoffending_by_flag", "flag", "Flag",
                                              ctx.title("reoffending_by_flag")))
        out.subsections.append(flags)
    if ctx.has("target_attainment"):
        out.subsections.append(target_attainment(ctx))
    return out


def target_attainment(ctx: Context) -> Section:
    target = format_number(ctx.params.target_reduction or 0)
    attainment = Section("target_attainment", "Target attainment", level=3)
    attainment.paragraphs.append(f"An offender meets the target when their own offences fell by at least {target}% "
                                 "from the baseline to the period.")
    rows = [Row([text(ctx.label("scheme", row["scheme"])), Cell(row["offenders"], "count"),
                 Cell(row["met_target"], "count"),
                 Cell(row["met_target_pct"], "percent", f"{CANNOT_COMPUTE}: no offenders")],
                total=row["scheme"] == "all") for row in ctx.rows("target_attainment")]
    attainment.tables.append(Table("target_attainment", ctx.title("target_attainment"),
                                   f"Offenders meeting the {target}% reduction target", [
                                       label_column("Scheme"), Column("Offenders"), Column("Met the target"),
                                       Column("% met the target")], [Group(rows)]))
    return attainment
