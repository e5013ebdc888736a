"""The performance framework as the web pages show it: each indicator's targets, actuals and RAG.

The rows are those of the quarterly performance table (``reports.documents.kpis``): for a
financial year, :func:`iomhub.metrics.kpis.kpis` over the framework's tables (indicators,
targets, actuals and the manual overrides) for the year and its quarters, with the figures the
report computes (``reports.model.figures``) as the year's actual of an indicator with a
``metric`` and no typed actual. Those figures are computed by the report's metrics for the
tables they come from only (``reports.headline.framework_figures``), only when some indicator
names a metric, and kept until people's records change.
"""

from __future__ import annotations

import re
from typing import Any

import narwhals as nw

from iomhub.domain.dates import Span, financial_year, parse_period
from iomhub.metrics.kpis import kpis
from iomhub.package.settings import PackageSettings
from iomhub.reports.headline import framework_figures
from iomhub.web.exchange.frames import table_frame
from iomhub.web.performance.cache import cached_figures, data_version, records_version
from iomhub.web.performance.data import package_at
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


def span_figures(span: Span) -> dict[str, float | None]:
    """The named figures of the report whose period is ``span``, computed by the report's own
    metrics (``reports.headline.framework_figures``: only the tables they come from) and kept
    until people's records change (``records_version``: a manual RAG or a target leaves them)."""
    return cached_figures(records_version(), f"framework {span.start} {span.end}",
                          lambda: framework_figures(package_at(data_version()).tables, span))


def year_figures(year: int) -> dict[str, float | None]:
    """The named figures of the report for financial year ``year`` (its own period)."""
    return span_figures(financial_year(year, start_month()))


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
    return span_figures(parse_period(period, start_month())).get(metric)
