"""The caseload on each snapshot date: by scheme and area (with a chart), in the community and
in custody, under statutory management by provider, and by risk tier."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from iomhub.reports import charts
from iomhub.reports.derived import share, total, totals
from iomhub.reports.formatting import CANNOT_COMPUTE, format_int, short_date
from iomhub.reports.sections.common import Context, label_column, text
from iomhub.reports.tables import SECTION_TITLES
from iomhub.reports.view import Cell, Chart, Column, Group, Row, Section, Table

NOBODY_FIRST = f"{CANNOT_COMPUTE}: nobody on the first date"
CHART_TITLE = "Caseload on each snapshot date, by scheme"


def caseload(ctx: Context) -> Section:
    """The caseload of each scheme by area on the snapshot dates, with the % change."""
    out = Section("caseload", SECTION_TITLES["caseload"])
    out.paragraphs.append("People with an IOM episode covering each snapshot date (the first day of each quarter "
                          "in the period, and its last day).")
    counts: dict[tuple[str, str], dict[date, Any]] = {}
    for row in ctx.rows("caseload"):
        counts.setdefault((row["scheme"], row["area"]), {})[row["date"]] = row["count"]
    changes = {(row["scheme"], row["area"]): row["change_pct"] for row in ctx.rows("caseload_change")}
    groups: list[Group] = []
    lines: list[tuple[str, list[float | None]]] = []
    for scheme in dict.fromkeys(scheme for scheme, _ in counts):
        rows = []
        for (row_scheme, area), by_date in counts.items():
            if row_scheme != scheme:
                continue
            values = [by_date.get(day) for day in ctx.dates]
            cells = [text(ctx.label("area", area)), *(Cell(value, "count") for value in values)]
            if len(ctx.dates) > 1:
                cells.append(Cell(changes.get((scheme, area)), "change", NOBODY_FIRST))
            rows.append(Row(cells, total=area == "all"))
            if area == "all":
                lines.append((ctx.label("scheme", scheme), values))
        groups.append(Group(rows, ctx.label("scheme", scheme)))
    out.charts.append(caseload_chart(ctx, lines))
    out.tables.append(Table("caseload", ctx.title("caseload"), "Caseload by scheme and area on each snapshot date",
                            ctx.date_columns("Area"), groups, footnotes=ctx.change_footnote("caseload-change"),
                            group_heading="Scheme"))
    return out


def caseload_chart(ctx: Context, lines: Sequence[tuple[str, Sequence[float | None]]]) -> Chart:
    labels = [short_date(day) for day in ctx.dates]

    def shown(value: float | None) -> str:
        return "no figure" if value is None else format_int(value)

    description = f"{CHART_TITLE}. " + " ".join(
        f"{name}: " + ", ".join(f"{shown(value)} on {label}" for label, value in zip(labels, values, strict=False))
        + "." for name, values in lines)
    data = Table("chart_caseload", "Chart caseload", CHART_TITLE, [label_column("Scheme"), *map(Column, labels)],
                 [Group([Row([text(name), *(Cell(value, "count") for value in values)]) for name, values in lines])])
    svg = charts.caseload_chart("chart-caseload", labels, lines)
    return Chart("chart-caseload", CHART_TITLE, svg, description, data)


def custody(ctx: Context) -> Section | None:
    """Each scheme's caseload in the community and in custody, and those statutorily managed."""
    if not ctx.has("caseload_status"):
        return None
    out = Section("custody", SECTION_TITLES["custody"])
    out.paragraphs.append("In custody: a custody period covers the date; otherwise in the community. Statutorily "
                          "managed: in the community and under a supervision order or licence on the date.")
    data: dict[str, dict[str, dict[date, dict[str, Any]]]] = {}
    for row in ctx.rows("caseload_status"):
        data.setdefault(row["scheme"], {}).setdefault(row["status"], {})[row["date"]] = row
    groups = []
    for scheme, statuses in data.items():

        def series(status: str, column: str = "count",
                   statuses: dict[str, dict[date, dict[str, Any]]] = statuses) -> list[float | None]:
            by_date = statuses.get(status, {})
            return [by_date[day][column] if day in by_date else None for day in ctx.dates]

        community, in_custody = series("community"), series("custody")
        rows = [ctx.series_row("Community", community), ctx.series_row("Custody", in_custody),
                ctx.series_row("Total managed", [total(a, b) for a, b in zip(community, in_custody, strict=True)],
                               total=True)]
        statutory = series("community", "statutory")
        if any(value is not None for value in statutory):
            rows.append(ctx.series_row("Community, statutorily managed", statutory))
            rows.append(ctx.series_row("Percentage statutorily managed",
                                       [share(s, c) for s, c in zip(statutory, community, strict=True)],
                                       kind="percent", change=False))
        groups.append(Group(rows, ctx.label("scheme", scheme)))
    out.tables.append(Table("caseload_status", ctx.title("caseload_status"),
                            "Community and custody on each snapshot date", ctx.date_columns(""), groups,
                            footnotes=[("custody-total", "Total managed: community plus custody. Percentage "
                                                         "statutorily managed: statutorily managed \u00f7 community."),
                                       *ctx.change_footnote("custody-change")],
                            group_heading="Scheme"))
    return out


def statutory(ctx: Context) -> Section | None:
    """Those in the community under statutory management, by provider, on each snapshot date."""
    if not ctx.has("statutory_by_provider"):
        return None
    out = Section("statutory", SECTION_TITLES["statutory"])
    out.paragraphs.append("People in the community covered by a supervision order or licence, by the provider "
                          "supervising them.")
    data: dict[str, dict[str, dict[date, Any]]] = {}
    for row in ctx.rows("statutory_by_provider"):
        data.setdefault(row["scheme"], {}).setdefault(row["provider"], {})[row["date"]] = row["count"]
    groups = [Group([ctx.series_row(ctx.label("provider", provider), [by_date.get(day) for day in ctx.dates])
                     for provider, by_date in providers.items()], ctx.label("scheme", scheme))
              for scheme, providers in data.items()]
    out.tables.append(Table("statutory_by_provider", ctx.title("statutory_by_provider"),
                            "Statutory management by provider (people in the community)", ctx.date_columns("Provider"),
                            groups, footnotes=ctx.change_footnote("statutory-change"), group_heading="Scheme"))
    return out


def risk(ctx: Context) -> Section | None:
    """The caseload on each snapshot date by its latest risk tier."""
    if not ctx.has("risk_tiers"):
        return None
    out = Section("risk", SECTION_TITLES["risk"])
    out.paragraphs.append("Everyone in the caseload on each date, by their latest risk tier on or before it "
                          "(unassessed when they have none).")
    data: dict[str, dict[date, Any]] = {}
    for row in ctx.rows("risk_tiers"):
        data.setdefault(row["tier"], {})[row["date"]] = row["count"]
    series = {tier: [by_date.get(day) for day in ctx.dates] for tier, by_date in data.items()}
    rows = [ctx.series_row(ctx.label("tier", tier), values, tone=f"tier tier-{tier}")
            for tier, values in series.items()]
    if series:
        rows.append(ctx.series_row("Total", totals(list(series.values())), total=True))
    out.tables.append(Table("risk_tiers", ctx.title("risk_tiers"), "Caseload by risk tier on each snapshot date",
                            ctx.date_columns("Risk tier"), [Group(rows)],
                            footnotes=ctx.change_footnote("risk-change")))
    return out
