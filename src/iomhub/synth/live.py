"""The live demo's dates: synthetic data that end on a given day (``iomhub demo``: today).

The fixed synthetic packages of the tests and benchmarks end on 31 March 2016, and a fixed seed
gives the same package and the same report byte for byte. The demo instead ends its data on the
day it runs, so that the briefing, the agenda, releases due, overdue reassessments and the
current financial year have content: the data start four financial years before the report's
year, the last one ended (two-year follow-ups and the windows before and after joining fit
inside them, as in the fixed demo: April 2011 for 2015/16), meetings are
planned for the six weeks ahead, and a few people on IOM have missed their latest reviews.
"""

from __future__ import annotations

from datetime import date, timedelta

from iomhub.domain.dates import Span, add_months, last_full_financial_year
from iomhub.synth import SynthOptions

YEARS_OF_DATA = 5  # financial years of data up to the end of the report's year (April 2011 for 2015/16)
UPCOMING_DAYS = 42  # meetings already planned: the next three case management rounds
MISSED_REVIEW_SHARE = 0.06


def live_options(today: date, nominals: int, seed: int) -> SynthOptions:
    """Options for a package whose data end on ``today``."""
    start = add_months(report_period(today).start, -12 * (YEARS_OF_DATA - 1))
    return SynthOptions(nominals=nominals, seed=seed, start=start, end=today,
                        upcoming_days=UPCOMING_DAYS, missed_review_share=MISSED_REVIEW_SHARE)


def report_period(today: date) -> Span:
    """The demo report's period: the last financial year whose last day is ``today`` or before
    (on 31 March 2016 and on 7 December 2016: 2015/16)."""
    return last_full_financial_year(today + timedelta(days=1))
