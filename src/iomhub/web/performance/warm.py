"""Figures computed before the first reader asks for them (issue 13 item 10: every page under a
second at its first view).

When the server starts (``iomhub serve``, in each worker process), a background thread computes
and keeps, for the data as they are: the dashboard's quarters, the report of the default period
(whose matched estimate the dashboard quotes), the performance framework's figures of every year
with a target or an actual, and the selection list. Pages keep them per data version
(``performance/cache.py``): a reader arriving after the warm-up finds them ready; one arriving
during it waits for the figure being made (never computes it twice).
"""

from __future__ import annotations

import logging
import threading
from datetime import date

from django.db import connection
from django.utils import timezone

from iomhub.reports.model import build_report
from iomhub.reports.params import ReportParams, default_period
from iomhub.web.cohort.forms import DEFAULT_TOP
from iomhub.web.cohort.selection import selection_from_database
from iomhub.web.performance import framework, headline
from iomhub.web.performance.cache import cached_report, data_version
from iomhub.web.performance.data import latest_activity_in_database, package_at
from iomhub.web.performance.models import Actual, Target
from iomhub.web.snapshots import snapshot

log = logging.getLogger("iomhub.performance")


def warm(today: date | None = None) -> None:
    """Compute and keep the figures the first pages read (see the module's docstring)."""
    day = today or timezone.localdate()
    with snapshot():
        version = data_version()
        headline.figures(version, day)
        params = ReportParams(default_period(day, latest_activity_in_database()))
        cached_report(params, lambda: build_report(package_at(version), params), version)
        periods = {*Target.objects.values_list("period", flat=True), *Actual.objects.values_list("period", flat=True)}
        for year in sorted({framework.year_of_period(period) for period in periods}):
            framework.year_figures(year)
        selection_from_database(top=DEFAULT_TOP, as_at=None, today=day)


def _run() -> None:
    try:
        warm()
        log.info("figures computed ahead of the first reader")
    except Exception:  # a failed warm-up only means the first reader waits
        log.exception("computing the figures ahead failed; pages will compute them when asked")
    finally:
        connection.close()


def warm_in_background() -> threading.Thread:
    """Start the warm-up in a daemon thread and return it."""
    thread = threading.Thread(target=_run, name="iomhub-warm", daemon=True)
    thread.start()
    return thread
