"""The cost of the performance cohort's offences in the baseline and the period, with its caveat
and the unit cost of each offence category."""

from __future__ import annotations

from typing import Any

from iomhub.domain import costs as unit_costs
from iomhub.reports.formatting import CANNOT_COMPUTE, MINUS, decimal_text, humanise
from iomhub.reports.model import COST_CAVEAT_TEXT
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

NAME = "cost_of_crime"


def pounds(value: float) -> str:
    """``-730440.0`` → ``−£730,440`` (whole pounds, in words)."""
    digits = decimal_text(value, 0)
    return f"{MINUS}£{digits[1:]}" if digits.startswith("-") else f"£{digits}"


def signed_pounds(value: float) -> str:
    """A change in pounds in words: ``−£730,440``, ``+£1,200``, ``£0``."""
    shown = pounds(value)
    return shown if shown.startswith(MINUS) or shown == "£0" else "+" + shown


def section(ctx: Context) -> Section | None:
    if not ctx.has(NAME):
        return None
    out = Section("costs", SECTION_TITLES["costs"])
    out.paragraphs.append(f"This is {COST_CAVEAT_TEXT}.")
    out.paragraphs.append(
        "The offences of the performance cohort (as in the reoffending section) valued at the Home Office's unit "
        f"costs of crime per offence category: {unit_costs.SOURCE}. Offences of categories without a unit cost (such "
        "as drugs, weapons and public order) are counted as not valued and add nothing.")
    overall = ctx.report.row(NAME, scheme="all")
    if overall is not None and overall["offenders"]:
        change = bracketed(overall["cost_change"], overall["cost_change_ci_low"], overall["cost_change_ci_high"],
                           signed_pounds)
        out.paragraphs.append(
            f"The cost of the cohort's offences went from {pounds(overall['cost_before'])} in the baseline to "
            f"{pounds(overall['cost_after'])} in the period: a change of {change}.")
    out.tables.append(cost_table(ctx))
    out.tables.append(unit_cost_table(ctx.report.settings))
    return out


def cost_table(ctx: Context) -> Table:
    note = ctx.small_note(NAME)
    rows = []
    for row in ctx.rows(NAME):
        flag = note if is_small(row, "scheme") else None
        rows.append(Row([
            text(ctx.label("scheme", row["scheme"]), flag), Cell(row["offenders"], "count", note=flag),
            Cell(row["cost_before"], "pounds"), Cell(row["cost_after"], "pounds"),
            with_bounds(row, "cost_change", "pounds"),
            with_bounds(row, "cost_change_pct", "change", f"{CANNOT_COMPUTE}: no valued offences in the baseline"),
            Cell(row["not_valued_before"], "count"), Cell(row["not_valued_after"], "count"),
        ], total=row["scheme"] == "all"))
    return Table(NAME, ctx.title(NAME), "Cost of the performance cohort's offences (2015/16 prices)", [
        label_column("Scheme"), Column("Offenders"), Column(f"Cost {ctx.baseline_words} (£)"),
        Column(f"Cost {ctx.period_words} (£)"), Column("Change (£)"), Column("Change (%)"),
        Column("Not valued (baseline)"), Column("Not valued (period)")], [Group(rows)], used_notes(rows), [
        ("cost-change", "Change: cost in the period \u2212 cost in the baseline, in pounds and as a percentage of "
                        "the baseline's cost. Not valued: offences of a category without a unit cost."),
        ("cost-intervals", f"95% interval: {INTERVAL_MEANING}")])


def unit_cost_table(settings: dict[str, Any]) -> Table:
    """The unit cost used for each offence category and where it comes from."""
    costs: dict[str, float | None] = settings.get("unit_costs") or unit_costs.unit_costs()
    overrides = dict.fromkeys(settings.get("unit_costs_set_in_package") or [], 0.0)
    rows = [Row([text(humanise(name)), Cell(value, "pounds", "not valued"), text(unit_costs.basis(name, overrides))])
            for name, value in costs.items()]
    return Table("unit_costs", "Unit costs", "Unit costs per offence (2015/16 prices)",
                 [label_column("Offence category"), Column("Cost of one offence (£)"), label_column("Basis")],
                 [Group(rows)], footnotes=[("unit-costs-dash", "A dash: not valued (no unit cost for the category).")])
