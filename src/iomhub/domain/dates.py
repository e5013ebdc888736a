"""Dates as they arrive (ISO or UK order), financial years, quarters and snapshot dates.

Packages carry ISO ``YYYY-MM-DD`` or UK ``DD/MM/YYYY`` dates (as Excel exports them);
US order is never accepted. Financial years start in April unless a package says otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

ISO_PATTERN = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$", re.ASCII)  # ASCII: not "٢٠١٥-٠١-٠١"
UK_PATTERN = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$", re.ASCII)


EPOCH = date(1970, 1, 1)


def epoch_day(day: date) -> int:
    """Days since 1970-01-01: how Polars stores a date, and what ``metrics.common.day_number``
    computes for a date column on every backend."""
    return (day - EPOCH).days


def parse_date(text: str) -> date:
    """Parse an ISO or UK date; raise ``ValueError`` with a plain-English reason otherwise.

    >>> parse_date("2016-03-31"), parse_date("31/03/2016")
    (datetime.date(2016, 3, 31), datetime.date(2016, 3, 31))
    """
    value = text.strip()
    match = ISO_PATTERN.match(value)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = UK_PATTERN.match(value)
        if not match:
            raise ValueError(f"{text!r} is not a date (use YYYY-MM-DD or DD/MM/YYYY)")
        day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"{text!r} is not a real date") from None


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (earlier when negative), clipped to the month's end."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


@dataclass(frozen=True, order=True)
class Span:
    """An inclusive span of days, ``start`` to ``end``."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"a period cannot end ({self.end}) before it starts ({self.start})")

    @property
    def days(self) -> int:
        """Number of days in the span, both ends included."""
        return (self.end - self.start).days + 1

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def overlaps(self, other: Span) -> bool:
        return self.start <= other.end and other.start <= self.end

    def preceding(self) -> Span:
        """The span of the same length that ends the day before this one starts.

        This is the report's default baseline. When the span is whole months (a quarter,
        a financial year) the baseline is the same months one span earlier, so that
        2015-04-01..2016-03-31 gives 2014-04-01..2015-03-31 even across a leap day.
        """
        months = whole_months(self)
        if months is not None:
            return Span(add_months(self.start, -months), self.start - timedelta(days=1))
        return Span(self.start - timedelta(days=self.days), self.start - timedelta(days=1))


def whole_months(span: Span) -> int | None:
    """The number of calendar months a span covers when it starts on a 1st and ends on a last day."""
    if span.start.day != 1 or (span.end + timedelta(days=1)).day != 1:
        return None
    after = span.end + timedelta(days=1)
    return (after.year - span.start.year) * 12 + after.month - span.start.month


def quarter_starts(span: Span) -> list[date]:
    """First days of the calendar quarters (Jan, Apr, Jul, Oct) that fall inside the span."""
    first = date(span.start.year, 3 * ((span.start.month - 1) // 3) + 1, 1)
    if first < span.start:
        first = add_months(first, 3)
    days = []
    while first <= span.end:
        days.append(first)
        first = add_months(first, 3)
    return days


def snapshot_dates(span: Span) -> list[date]:
    """The caseload snapshot dates of a period: each calendar quarter's first day inside it, and its last day.

    For April 2015 to March 2016 these are 01/04/2015, 01/07/2015, 01/10/2015,
    01/01/2016 and 31/03/2016: the five columns of the published caseload tables.
    """
    days = quarter_starts(span)
    if span.end not in days:
        days.append(span.end)
    return days


def financial_year(fy_start_year: int, start_month: int = 4) -> Span:
    """The financial year that begins in ``start_month`` of ``fy_start_year`` (2015 → 2015/16)."""
    start = date(fy_start_year, start_month, 1)
    return Span(start, add_months(start, 12) - timedelta(days=1))


def financial_year_of(day: date, start_month: int = 4) -> int:
    """The year the financial year containing ``day`` starts in (31 March 2016 → 2015)."""
    return day.year if day.month >= start_month else day.year - 1


def last_full_financial_year(today: date, start_month: int = 4) -> Span:
    """The last financial year that has ended before ``today`` (on 10 May 2016 and on 1 April
    2016: 2015/16; on 31 March 2016, a day of 2015/16 still to run: 2014/15)."""
    return financial_year(financial_year_of(today, start_month) - 1, start_month)


def financial_quarter(fy_start_year: int, quarter: int, start_month: int = 4) -> Span:
    """Quarter 1..4 of a financial year (2015, Q1 → April to June 2015)."""
    if not 1 <= quarter <= 4:
        raise ValueError(f"quarter {quarter} is not 1 to 4")
    start = add_months(date(fy_start_year, start_month, 1), 3 * (quarter - 1))
    return Span(start, add_months(start, 3) - timedelta(days=1))


PERIOD_PATTERN = re.compile(r"^(\d{4})(?:[-\s]?q([1-4]))?$", re.IGNORECASE | re.ASCII)
PERIOD_YEARS = range(1900, 2201)  # the financial years a period may name (9999-Q1 would end in year 10000)


def parse_period(text: str, start_month: int = 4) -> Span:
    """A performance-framework period: ``2014`` is financial year 2014/15, ``2014-Q1`` its first quarter."""
    match = PERIOD_PATTERN.match(text.strip())
    if not match:
        raise ValueError(f"{text!r} is not a period (use 2014 for a financial year or 2014-Q1)")
    year = int(match.group(1))
    if match.group(2):
        return financial_quarter(year, int(match.group(2)), start_month)
    return financial_year(year, start_month)


def format_period(text: str) -> str:
    """Canonical spelling of a period: ``2014`` or ``2014-Q1``."""
    match = PERIOD_PATTERN.match(text.strip())
    if not match:
        raise ValueError(f"{text!r} is not a period")
    return match.group(1) + (f"-Q{match.group(2)}" if match.group(2) else "")


def financial_year_label(fy_start_year: int) -> str:
    """``2015`` → ``2015/16``, as the seed reports write financial years."""
    return f"{fy_start_year}/{(fy_start_year + 1) % 100:02d}"
