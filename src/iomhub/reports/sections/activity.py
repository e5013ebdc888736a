"""What happened in the period: referrals, engagement at meetings, criminogenic needs (at the
first assessment and after) and treatment."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from iomhub.reports import charts
from iomhub.reports.formatting import decimal_text, format_pct, long_date, span_text
from iomhub.reports.sections.common import Context, label_column, text
from iomhub.reports.tables import SECTION_TITLES
from iomhub.reports.view import Cell, Chart, Column, Group, Kind, Row, Section, Table

NEEDS_TITLE = "Percentage of first assessments with a need identified, by pathway"
PROGRESS_TITLE = "Average needs score by pathway, at the first assessment and after"


def simple(ctx: Context, key: str, table: str, caption: str, paragraph: str, first: tuple[str, str],
           columns: Sequence[tuple[str, str, Kind]]) -> Section | None:
    """A section of one table: a row per code of ``first`` (heading, column), and ``columns`` as
    (heading, column, kind); the ``all`` row is the total."""
    if not ctx.has(table):
        return None
    heading, code = first
    rows = [Row([text(ctx.label(code, row[code])), *(Cell(row[column], kind) for _, column, kind in columns)],
                total=row[code] == "all") for row in ctx.rows(table)]
    return Section(key, SECTION_TITLES[key], paragraphs=[paragraph], tables=[Table(
        table, ctx.title(table), caption, [label_column(heading), *(Column(title) for title, _, _ in columns)],
        [Group(rows)])])


def referrals(ctx: Context) -> Section | None:
    """Referrals to the single referral meeting in the period, by referring agency."""
    return simple(
        ctx, "referrals", "referrals_by_agency", f"Referrals by referring agency, {span_text(ctx.params.period)}",
        "Referrals made in the period. Acceptance: accepted \u00f7 (accepted + rejected); pending and withdrawn "
        "referrals are not counted in it.", ("Referring agency", "agency"),
        [("Referrals", "referrals", "count"), ("Accepted", "accepted", "count"), ("Rejected", "rejected", "count"),
         ("Acceptance", "acceptance_pct", "percent")])


def engagement(ctx: Context) -> Section | None:
    """Attendance of each agency at the meetings held in the period."""
    return simple(
        ctx, "engagement", "attendance_by_agency", f"Meeting attendance by agency, {span_text(ctx.params.period)}",
        "Multi-agency meetings held in the period. Attendance: attended \u00f7 invited.", ("Agency", "agency"),
        [("Meetings", "meetings", "count"), ("Invited", "invited", "count"), ("Attended", "attended", "count"),
         ("Attendance", "attendance_pct", "percent")])


def treatment(ctx: Context) -> Section | None:
    """Structured treatment episodes open in the period and their successful completions."""
    return simple(
        ctx, "treatment", "treatment_completions", f"Treatment completions, {span_text(ctx.params.period)}",
        "Structured treatment episodes open at any time in the period. Successful: completed in the period with "
        "no re-presentation within 6 months.", ("Substance", "substance"),
        [("In treatment", "in_treatment", "count"), ("Successful completions", "successful", "count"),
         ("Successful", "successful_pct", "percent")])


def needs(ctx: Context) -> Section | None:
    """Needs across the seven pathways at each person's first assessment, and their progress after it."""
    out = simple(
        ctx, "needs", "needs_first_assessment", "Needs at first assessment, by pathway",
        "Each person's first-ever needs assessment, when it is dated in the period. A score above 0 means a need "
        "is identified; averages are of scores from 0 to 10.", ("Pathway", "pathway"),
        [("Assessments", "assessments", "count"), ("Need identified", "identified", "count"),
         ("Average score (whole group)", "cumulative_avg", "decimal"),
         ("Average score (when scored)", "avg_when_scored", "decimal"),
         ("% with need identified", "identified_pct", "percent")])
    if out is None:
        return None
    bars = [(ctx.label("pathway", row["pathway"]), row["identified_pct"]) for row in ctx.rows("needs_first_assessment")]
    description = f"{NEEDS_TITLE}: " + "; ".join(
        f"{label}: {'no figure' if value is None else format_pct(value)}" for label, value in bars) + "."
    out.charts.append(Chart("chart-needs", NEEDS_TITLE, charts.needs_chart("chart-needs", bars), description,
                            Table("chart_needs", "Chart needs", NEEDS_TITLE,
                                  [label_column("Pathway"), Column("% with need identified")],
                                  [Group([Row([text(label), Cell(value, "percent")]) for label, value in bars])])))
    progress = needs_progress(ctx)
    if progress is not None:
        out.subsections.append(progress)
    return out


def needs_progress(ctx: Context) -> Section | None:
    """Average scores at the first assessment and about 3, 6, 9 and 12 months later: a chart
    (one line per pathway) and a table (people with both assessments, their averages)."""
    rows = ctx.rows("needs_progress")
    if not rows:
        return None
    points = sorted({int(row["months"]) for row in rows})
    point_labels = ["First" if months == 0 else f"{months} months" for months in points]
    pathways: dict[str, dict[int, dict[str, Any]]] = {}
    for row in rows:
        pathways.setdefault(row["pathway"], {})[int(row["months"])] = row
    lines = [(ctx.label("pathway", pathway), [by_month[m]["avg_then"] if m in by_month else None for m in points])
             for pathway, by_month in pathways.items()]

    def shown(value: float | None) -> str:
        return "no figure" if value is None else decimal_text(value, 1)

    description = f"{PROGRESS_TITLE} (0 to 10; a lower score is a smaller need). " + " ".join(
        f"{name}: " + ", ".join(f"{shown(v)} at {label.lower()}" for label, v in zip(point_labels, values, strict=True))
        + "." for name, values in lines)
    data = Table("chart_needs_progress", "Chart needs progress", PROGRESS_TITLE,
                 [label_column("Point"), *(Column(name) for name, _ in lines)],
                 [Group([Row([text(label), *(Cell(values[i], "decimal") for _, values in lines)])
                         for i, label in enumerate(point_labels)])])
    chart = Chart("chart-needs-progress", PROGRESS_TITLE,
                  charts.needs_progress_chart("chart-needs-progress", point_labels, lines), description, data)
    table_rows = [Row([text(ctx.label("pathway", row["pathway"])),
                       text("First assessment" if row["months"] == 0 else f"{row['months']} months"),
                       Cell(row["people"], "count"), Cell(row["avg_first"], "decimal"),
                       Cell(row["avg_then"], "decimal"),
                       Cell(row["change"], "decimal") if row["months"] else text("")]) for row in rows]
    return Section("needs_progress", "Progress on needs", level=3, paragraphs=[
        f"Everyone whose first needs assessment was on or before {long_date(ctx.params.period.end)}, and their "
        "assessment nearest to 3, 6, 9 and 12 months after it (91, 183, 274 and 365 days, within 45 days either "
        "side, dated by the same day). Each follow-up point counts only the people scored on the pathway both at "
        "the first assessment and then; the first point counts everyone's first assessment."],
        charts=[chart], tables=[Table("needs_progress", ctx.title("needs_progress"),
                                      "Average needs score at the first assessment and after, by pathway", [
                                          label_column("Pathway"), label_column("Point"), Column("People"),
                                          Column("Average at first assessment"), Column("Average then"),
                                          Column("Change")], [Group(table_rows)],
                                      footnotes=[("needs-change", "Change: average then \u2212 average at the first "
                                                                  "assessment, of the same people; negative means "
                                                                  "needs fell.")])])
