"""What a report is asked for: period, baseline, cohort date and the analyst's options."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

import polars as pl

from iomhub.domain.ages import AgeBands
from iomhub.domain.dates import Span, last_full_financial_year
from iomhub.metrics.effect import Matching
from iomhub.metrics.proven import default_starts
from iomhub.metrics.uncertainty import Resampling

SMALL_NUMBERS = 10


@dataclass(frozen=True)
class ReportParams:
    """The options of ``iomhub report``; defaults as ``docs/spec/report-json.md`` gives them.

    The baseline defaults to the span of the same length ending the day before the period;
    the cohort date defaults to the period's first day. ``proven_starts`` is the window of
    first-episode starts whose proven reoffending is measured; by default the latest 12 whole
    calendar months of starts whose 12-month follow-up and 6-month waiting period end by the
    period's last day (``iomhub.metrics.proven.default_starts``: 1 October 2013 to 30
    September 2014 for a period ending 31 March 2016).
    """

    period: Span
    baseline: Span | None = None
    cohort_date: date | None = None
    target_reduction: float | None = None
    exclude_custody_beyond: date | None = None
    age_bands: AgeBands = field(default_factory=AgeBands)
    small_numbers: int = SMALL_NUMBERS
    data_start: date | None = None
    matching: Matching = field(default_factory=Matching)
    resampling: Resampling = field(default_factory=Resampling)
    proven_starts: Span | None = None

    @property
    def baseline_span(self) -> Span:
        return self.baseline or self.period.preceding()

    @property
    def cohort_day(self) -> date:
        return self.cohort_date or self.period.start

    @property
    def proven_window(self) -> Span:
        return self.proven_starts or default_starts(self.period.end)


# The dates that say something happened: the data's latest is the last day they cover (planned
# meetings and expected releases are in the future and say nothing of it).
ACTIVITY_DATES: dict[str, tuple[str, ...]] = {
    "offences": ("offence_date", "detected_date"), "cohort": ("start_date", "end_date"),
    "custody": ("start_date", "end_date"), "referrals": ("referred_on", "decided_on"),
    "risk": ("assessed_on",), "needs": ("assessed_on",)}


def latest_activity(tables: Mapping[str, pl.DataFrame]) -> date | None:
    """The latest of the ``ACTIVITY_DATES`` in ``tables`` (None when there is none)."""
    found = [tables[name].select(pl.max(column)).item() for name, columns in ACTIVITY_DATES.items()
             if name in tables for column in columns if column in tables[name].columns]
    days = [day for day in found if isinstance(day, date)]
    return max(days) if days else None


def default_period(today: date, latest: date | None, start_month: int = 4) -> Span:
    """The period a report shows unless asked for another: the last financial year that has
    ended by ``today`` and by the data's ``latest`` day (``latest_activity``), so that data
    ending on 31 March 2016 show 2015/16 whenever they are read."""
    day = today if latest is None else min(today, latest + timedelta(days=1))
    return last_full_financial_year(day, start_month)
