"""The performance framework as the web pages show it: each indicator's targets, actuals and RAG.

The rows are those of the quarterly performance table (``reports.documents.kpis``): for a
financial year, :func:`iomhub.metrics.kpis.kpis` over the framework's tables (indicators,
targets, actuals and the manual overrides) for the year and its quarters, with the figures the
report computes (``reports.model.figures``) as the year's actual of an indicator with a
``metric`` and no typed actual. Those figures need the whole report, so it is computed (and
cached per data version, ``performance.cache``) only when some indicator names a metric.
"""

from __future__ import annotations

import re
from typing import Any

import narwhals as nw

from iomhub.domain.dates import financial_year, parse_period, snapshot_dates
from iomhub.metrics.kpis import kpis
from iomhub.package.settings import PackageSettings
from iomhub.reports.model import build_report, figures
from iomhub.reports.params import ReportParams
from iomhub.web.exchange.frames import table_frame
from iomhub.web.performance.cache import cached_report
from iomhub.web.performance.data import package_from_database
from iomhub.web.performance.models import Indicator

FRAMEWORK_TABLES = ("indicators", "targets", "actuals", "rag_overrides")
PERIOD = re.compile(r"^(\d{4})(?:-Q([1-4]))?$")


def start_month() -> int:
    """The month the financial year starts in (the package default: April)."""
    return PackageSettings().financial_year_start_month


def year_of_period(period: str) -> int:
    """``2015-Q2`` and ``2015`` are both of financial year 2015."""
    match = PERIOD.match(period)
    if match is None:
        raise ValueError(f"not a period: {period!r}")
    return int(match.group(1))


def period_codes(year: int) -> list[str]:
    """The quarters of a financial year, then the year itself: ``2015-Q1`` ... ``2015``."""
    return [f"{year}-Q{quarter}" for quarter in range(1, 5)] + [str(year)]


def year_figures(year: int) -> dict[str, float | None]:
    """The named figures of the report for financial year ``year`` (its own period)."""
    span = financial_year(year, start_month())
    params = ReportParams(span)
    report = cached_report(params, lambda: build_report(package_from_database(), params))
    return figures(report.tables, snapshot_dates(span)[-1])


def framework_rows(year: int) -> dict[tuple[str, str], dict[str, Any]]:
    """The kpis rows of financial year ``year`` and its quarters, by (indicator_id, period)."""
    frames = {name: table_frame(name) for name in FRAMEWORK_TABLES}
    if frames["indicators"].height == 0:
        return {}
    lazy = {name: nw.from_native(frame.lazy()) for name, frame in frames.items() if frame.height}
    with_metric = Indicator.objects.exclude(metric="").exists()
    rows = kpis(lazy["indicators"], lazy.get("targets"), lazy.get("actuals"),
                financial_year(year, start_month()), year_figures(year) if with_metric else None,
                start_month(), lazy.get("rag_overrides"))
    codes = set(period_codes(year))
    return {(row["indicator_id"], row["period"]): row for row in rows if row["period"] in codes}


def framework_row(indicator_id: str, period: str) -> dict[str, Any] | None:
    """The row of one indicator and period (None when it has neither a target nor an actual)."""
    return framework_rows(year_of_period(period)).get((indicator_id, period))


def figure_for(metric: str, period: str) -> float | None:
    """The named figure of the report for ``period`` (a quarter or a financial year) itself."""
    span = parse_period(period, start_month())
    params = ReportParams(span)
    report = cached_report(params, lambda: build_report(package_from_database(), params))
    return figures(report.tables, snapshot_dates(span)[-1]).get(metric)
