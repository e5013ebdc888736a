"""The dashboard's figures from the database (issue 17): the report's headline figures for the
last eight quarters (``reports.headline``, the current quarter up to today), the operational
counts that are not the report's (reassessments overdue at each quarter's end, case actions
overdue today), and where each tile leads, by role.

Counts only, never names: the same for everyone who may see the dashboard, kept per data
version and day (``performance/cache.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from django.urls import reverse
from django.utils.http import urlencode

from iomhub.domain.dates import Span
from iomhub.reports.headline import Quarter, QuarterFigures, headline, quarter_of, quarters_to
from iomhub.reports.headline_view import Point, Tile, Trend, matched_lines, tiles, trends
from iomhub.reports.params import ReportParams, default_period
from iomhub.web.accounts import permissions
from iomhub.web.meetings.briefing import overdue_actions, reassessments_overdue
from iomhub.web.people.models import Nominal
from iomhub.web.performance.cache import Version, cached_figures, kept_report
from iomhub.web.performance.data import latest_activity_in_database, package_at

# the section of the report page each tile's figure comes from (its heading's id)
REPORT_SECTIONS = {"on_iom": "caseload", "in_custody": "custody", "rate_at_liberty": "effect",
                   "acceptance": "referrals", "attendance": "engagement", "rag": "kpis", "overdue": "caseload"}


@dataclass
class Figures:
    """What the dashboard shows, the same for every reader."""

    quarters: list[QuarterFigures]
    overdue: list[tuple[int, int | None]]
    today: date
    period: Span  # the report period of the matched estimate (the default one)


def dashboard_quarters(today: date) -> list[Quarter]:
    """The last eight quarters, the current one up to ``today``."""
    quarters = quarters_to(quarter_of(today))
    last = quarters[-1]
    quarters[-1] = replace(last, span=Span(last.span.start, min(last.span.end, today)))
    return quarters


def _overdue(quarters: list[Quarter], today: date) -> list[tuple[int, int | None]]:
    everyone = Nominal.objects.all()
    out: list[tuple[int, int | None]] = [(len(reassessments_overdue(everyone, q.span.end)), None)
                                         for q in quarters]
    out[-1] = (out[-1][0], overdue_actions(everyone, today).count())
    return out


def figures(version: Version, today: date) -> Figures:
    """The dashboard's figures at ``version`` (read inside the snapshot the version was read in)."""
    def make() -> Figures:
        quarters = dashboard_quarters(today)
        tables = package_at(version).tables
        return Figures(headline(tables, quarters), _overdue(quarters, today), today,
                       default_period(today, latest_activity_in_database()))
    return cached_figures(version, f"dashboard {today.isoformat()}", make)


def _matched(figures: Figures, version: Version) -> list[tuple[str, str]]:
    report = kept_report(ReportParams(figures.period), version)
    label = f"{figures.period.start.year}/{(figures.period.end.year) % 100:02d}"
    if report is None or "effect_estimate" not in report.tables:
        return matched_lines(None, label)
    rows = report.tables["effect_estimate"].filter(method="matched_did").to_dicts()
    return matched_lines(rows[0] if rows else {"estimate_pct": None}, label)


def drill_down(tile: Tile, user: Any, quarter: Quarter) -> str:
    """Where a tile leads: for case workers the people it counts (the cohort list, the briefing),
    for a KPI its framework, for everyone else the report's table for the quarter."""
    if tile.key == "rag":
        return reverse("performance:framework")
    if permissions.works_on_cases(user):
        if tile.key == "on_iom":
            return reverse("cohort:list")
        if tile.key == "in_custody":
            return f"{reverse('cohort:list')}?{urlencode({'status': 'custody'})}"
        if tile.key == "overdue":
            return reverse("meetings:briefing")
    return f"{report_url(quarter)}#section-{REPORT_SECTIONS[tile.key]}"


def report_url(quarter: Quarter) -> str:
    """The report page for ``quarter`` (every quarter's figures are its report's)."""
    query = urlencode({"from": quarter.span.start.isoformat(), "to": quarter.span.end.isoformat()})
    return f"{reverse('performance:report')}?{query}"


@dataclass
class ShownTile:
    tile: Tile
    link: str  # where the tile leads
    points: list[tuple[Point, str]]  # each quarter's figure with its report


@dataclass
class ShownTrend:
    trend: Trend
    rows: list[tuple[str, list[str]]]  # each quarter's report, and its row


@dataclass
class Dashboard:
    tiles: list[ShownTile]
    trends: list[ShownTrend]
    quarter: Quarter
    today: date


def dashboard(user: Any, version: Version, today: date) -> Dashboard:
    data = figures(version, today)
    current = data.quarters[-1].quarter
    urls = [report_url(q.quarter) for q in data.quarters]
    shown = [ShownTile(tile, drill_down(tile, user, current), list(zip(tile.points, urls, strict=True)))
             for tile in tiles(data.quarters, data.overdue, _matched(data, version))]
    charts = [ShownTrend(trend, list(zip(urls, trend.rows, strict=True))) for trend in trends(data.quarters)]
    return Dashboard(shown, charts, current, today)
