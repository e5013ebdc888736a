"""What a report is asked for: period, baseline, cohort date and the analyst's options."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from iomhub.domain.ages import AgeBands
from iomhub.domain.dates import Span
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
