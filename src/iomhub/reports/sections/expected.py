"""Observed two-year proven reoffending against OGRS3's expectation, per scheme (``metrics/expected.py``)."""

from __future__ import annotations

from iomhub.reports.formatting import CANNOT_COMPUTE
from iomhub.reports.sections.common import Context, interval, label_column, text, used_notes
from iomhub.reports.tables import SECTION_TITLES
from iomhub.reports.view import Cell, Column, Group, Row, Section, Table

NAME = "expected_reoffending"
NOBODY_SCORED = f"{CANNOT_COMPUTE}: nobody in the group could be scored"


def section(ctx: Context) -> Section | None:
    if not ctx.has(NAME):
        return None
    out = Section("expected", SECTION_TITLES["expected"], paragraphs=[
        "Everyone whose first IOM episode started early enough to be followed for two years, with a further six "
        "months for offences to be detected, by the report's last day. Expected: the mean OGRS3 two-year "
        "probability of proven reoffending (Howard et al., 2009, Ministry of Justice Research Summary 7/09) on the "
        "day each person joined, from age, gender, criminal history and the latest offence before joining. "
        "Observed: the share who committed an offence within two years that was detected within two and a half. "
        "Ranges are 95% intervals from resampling people.",
        "OGRS3 was built on people convicted or cautioned in 2002 and sentenced in 2005, not on people chosen for "
        "their recent offending: observed below expected is not proof that IOM worked."])
    note = ctx.small_note(NAME, "people scored")
    rows = []
    for row in ctx.rows(NAME):
        flag = note if row["small_numbers"] else None
        rows.append(Row([
            text(ctx.label("scheme", row["scheme"]), flag),
            Cell(row["offenders"], "count"), Cell(row["scored"], "count", note=flag),
            Cell(row["expected_pct"], "percent", NOBODY_SCORED), Cell(row["observed_pct"], "percent", NOBODY_SCORED),
            interval(row["observed_pct_ci_low"], row["observed_pct_ci_high"], "percent", NOBODY_SCORED,
                     people=row["scored"]),
            Cell(row["difference_pct"], "points", NOBODY_SCORED),
            interval(row["difference_pct_ci_low"], row["difference_pct_ci_high"], "points", NOBODY_SCORED,
                     people=row["scored"]),
            Cell(row["not_scored"], "count"), Cell(row["history_from_offences"], "count"),
        ], total=row["scheme"] == "all"))
    out.tables.append(Table(NAME, ctx.title(NAME), "Two-year proven reoffending: observed against expected (OGRS3)", [
        label_column("Scheme"), Column("People followed up"), Column("Scored"), Column("Expected"),
        Column("Observed"), Column("Observed, 95% range"), Column("Observed \u2212 expected"),
        Column("Difference, 95% range"), Column("Not scored"), Column("History from offence data"),
    ], [Group(rows)], used_notes(rows),
        empty_text="Nobody has been on IOM long enough for a two-year follow-up."))
    return out
