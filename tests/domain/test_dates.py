"""Dates as they arrive, months, spans, snapshot dates, financial years and periods (hand-computed)."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iomhub.domain.dates import (
    Span,
    add_months,
    financial_quarter,
    financial_year,
    financial_year_label,
    financial_year_of,
    format_period,
    parse_date,
    parse_period,
    quarter_starts,
    snapshot_dates,
    whole_months,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2016-03-31", date(2016, 3, 31)),
        ("31/03/2016", date(2016, 3, 31)),
        ("2016-3-1", date(2016, 3, 1)),
        ("1/3/2016", date(2016, 3, 1)),
        ("01/03/2016", date(2016, 3, 1)),
        ("  2015-04-01 ", date(2015, 4, 1)),
        ("29/02/2016", date(2016, 2, 29)),
        ("2000-02-29", date(2000, 2, 29)),
        ("12/01/2015", date(2015, 1, 12)),  # UK order: 12 January, never 1 December
    ],
    ids=["iso", "uk", "iso-short", "uk-short", "uk-padded", "spaces", "leap-uk", "leap-2000", "uk-not-us"],
)
def test_parse_date(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("12/31/2015", "is not a real date"),  # US order: month 31
        ("31/02/2016", "is not a real date"),
        ("29/02/2015", "is not a real date"),
        ("2015-13-01", "is not a real date"),
        ("2015-02-30", "is not a real date"),
        ("1900-02-29", "is not a real date"),
        ("2015/04/01", "is not a date"),
        ("01-04-2015", "is not a date"),
        ("1 April 2015", "is not a date"),
        ("20150401", "is not a date"),
        ("01/04/15", "is not a date"),
        ("", "is not a date"),
        ("2015-04-01T00:00", "is not a date"),
        ("٢٠١٥-٠٤-٠١", "is not a date"),  # Arabic-Indic digits
    ],
    ids=["us-order", "31-feb", "29-feb-2015", "month-13", "30-feb", "1900-not-leap", "iso-slashes",
         "uk-hyphens", "words", "compact", "two-digit-year", "empty", "timestamp", "non-ascii-digits"],
)
def test_parse_date_refuses(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason) as caught:
        parse_date(text)
    assert repr(text) in str(caught.value)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_iso_and_uk_spellings_are_one_date(day: date) -> None:
    iso = f"{day.year:04d}-{day.month:02d}-{day.day:02d}"
    uk = f"{day.day:02d}/{day.month:02d}/{day.year:04d}"
    uk_short = f"{day.day}/{day.month}/{day.year}"
    assert parse_date(iso) == parse_date(uk) == parse_date(uk_short) == day


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2015, 4, 1), 3, date(2015, 7, 1)),
        (date(2015, 4, 1), -12, date(2014, 4, 1)),
        (date(2015, 1, 31), 1, date(2015, 2, 28)),
        (date(2016, 1, 31), 1, date(2016, 2, 29)),
        (date(2016, 3, 31), -1, date(2016, 2, 29)),
        (date(2015, 3, 31), 1, date(2015, 4, 30)),
        (date(2016, 2, 29), 12, date(2017, 2, 28)),
        (date(2016, 2, 29), 48, date(2020, 2, 29)),
        (date(2015, 12, 15), 1, date(2016, 1, 15)),
        (date(2016, 1, 15), -1, date(2015, 12, 15)),
        (date(2015, 11, 30), 1, date(2015, 12, 30)),
        (date(2015, 8, 31), 0, date(2015, 8, 31)),
        (date(2015, 5, 31), -27, date(2013, 2, 28)),
    ],
    ids=["quarter", "back-a-year", "jan31-feb", "jan31-leap-feb", "mar31-back-leap", "mar31-apr30",
         "leap-day-plus-year", "leap-day-plus-4-years", "into-january", "back-to-december", "into-december",
         "zero", "back-27"],
)
def test_add_months(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("span", "expected"),
    [
        (Span(date(2015, 4, 1), date(2016, 3, 31)), Span(date(2014, 4, 1), date(2015, 3, 31))),
        (Span(date(2016, 4, 1), date(2017, 3, 31)), Span(date(2015, 4, 1), date(2016, 3, 31))),  # 366 days
        (Span(date(2015, 4, 1), date(2015, 6, 30)), Span(date(2015, 1, 1), date(2015, 3, 31))),
        (Span(date(2016, 3, 1), date(2016, 3, 31)), Span(date(2016, 2, 1), date(2016, 2, 29))),
        (Span(date(2015, 4, 10), date(2015, 4, 19)), Span(date(2015, 3, 31), date(2015, 4, 9))),
        (Span(date(2015, 4, 1), date(2015, 4, 1)), Span(date(2015, 3, 31), date(2015, 3, 31))),
        (Span(date(2016, 3, 1), date(2016, 3, 30)), Span(date(2016, 1, 31), date(2016, 2, 29))),
    ],
    ids=["fy-2015", "fy-2016-across-leap-day", "quarter", "month-to-leap-feb", "ten-days", "one-day",
         "not-whole-months"],
)
def test_span_preceding(span: Span, expected: Span) -> None:
    assert span.preceding() == expected


def test_span_days_contains_overlaps() -> None:
    span = Span(date(2015, 4, 1), date(2016, 3, 31))
    assert span.days == 366  # includes 29 February 2016
    assert span.contains(date(2015, 4, 1)) and span.contains(date(2016, 3, 31))
    assert not span.contains(date(2016, 4, 1)) and not span.contains(date(2015, 3, 31))
    assert span.overlaps(Span(date(2016, 3, 31), date(2016, 5, 1)))
    assert not span.overlaps(Span(date(2016, 4, 1), date(2016, 5, 1)))
    with pytest.raises(ValueError, match="before it starts"):
        Span(date(2016, 1, 2), date(2016, 1, 1))


@pytest.mark.parametrize(
    ("span", "expected"),
    [
        (Span(date(2015, 4, 1), date(2016, 3, 31)), 12),
        (Span(date(2016, 2, 1), date(2016, 2, 29)), 1),
        (Span(date(2016, 2, 1), date(2016, 2, 28)), None),
        (Span(date(2015, 4, 2), date(2015, 6, 30)), None),
    ],
    ids=["year", "leap-february", "short-of-month-end", "not-first"],
)
def test_whole_months(span: Span, expected: int | None) -> None:
    assert whole_months(span) == expected


@pytest.mark.parametrize(
    ("span", "quarters", "snapshots"),
    [
        (Span(date(2015, 4, 1), date(2016, 3, 31)),
         [date(2015, 4, 1), date(2015, 7, 1), date(2015, 10, 1), date(2016, 1, 1)],
         [date(2015, 4, 1), date(2015, 7, 1), date(2015, 10, 1), date(2016, 1, 1), date(2016, 3, 31)]),
        (Span(date(2015, 4, 2), date(2015, 12, 31)),
         [date(2015, 7, 1), date(2015, 10, 1)],
         [date(2015, 7, 1), date(2015, 10, 1), date(2015, 12, 31)]),
        (Span(date(2015, 5, 1), date(2015, 6, 15)), [], [date(2015, 6, 15)]),
        (Span(date(2015, 1, 1), date(2015, 1, 1)), [date(2015, 1, 1)], [date(2015, 1, 1)]),
        (Span(date(2015, 12, 1), date(2016, 1, 1)), [date(2016, 1, 1)], [date(2016, 1, 1)]),
    ],
    ids=["fy-2015-seed-003", "mid-quarter-start", "no-quarter-start", "single-quarter-day", "ends-on-quarter-day"],
)
def test_quarter_starts_and_snapshot_dates(span: Span, quarters: list[date], snapshots: list[date]) -> None:
    assert quarter_starts(span) == quarters
    assert snapshot_dates(span) == snapshots


@pytest.mark.parametrize(
    ("year", "start_month", "expected"),
    [
        (2015, 4, Span(date(2015, 4, 1), date(2016, 3, 31))),
        (2015, 1, Span(date(2015, 1, 1), date(2015, 12, 31))),
        (2015, 7, Span(date(2015, 7, 1), date(2016, 6, 30))),
        (2015, 3, Span(date(2015, 3, 1), date(2016, 2, 29))),
        (2016, 3, Span(date(2016, 3, 1), date(2017, 2, 28))),
        (2015, 12, Span(date(2015, 12, 1), date(2016, 11, 30))),
    ],
    ids=["april", "calendar", "july", "march-leap", "march-not-leap", "december"],
)
def test_financial_year(year: int, start_month: int, expected: Span) -> None:
    assert financial_year(year, start_month) == expected


def test_financial_year_defaults_to_april_and_label() -> None:
    assert financial_year(2014) == Span(date(2014, 4, 1), date(2015, 3, 31))
    assert financial_year_label(2015) == "2015/16"
    assert financial_year_label(1999) == "1999/00"


@pytest.mark.parametrize(
    ("year", "quarter", "start_month", "expected"),
    [
        (2015, 1, 4, Span(date(2015, 4, 1), date(2015, 6, 30))),
        (2015, 2, 4, Span(date(2015, 7, 1), date(2015, 9, 30))),
        (2015, 3, 4, Span(date(2015, 10, 1), date(2015, 12, 31))),
        (2015, 4, 4, Span(date(2016, 1, 1), date(2016, 3, 31))),
        (2015, 1, 1, Span(date(2015, 1, 1), date(2015, 3, 31))),
        (2015, 4, 7, Span(date(2016, 4, 1), date(2016, 6, 30))),
        (2015, 4, 11, Span(date(2016, 8, 1), date(2016, 10, 31))),
        (2015, 2, 12, Span(date(2016, 3, 1), date(2016, 5, 31))),
    ],
    ids=["q1", "q2", "q3", "q4-next-calendar-year", "calendar-q1", "july-q4", "november-q4", "december-q2"],
)
def test_financial_quarter(year: int, quarter: int, start_month: int, expected: Span) -> None:
    assert financial_quarter(year, quarter, start_month) == expected


@pytest.mark.parametrize("quarter", [0, 5, -1], ids=["zero", "five", "negative"])
def test_financial_quarter_refuses(quarter: int) -> None:
    with pytest.raises(ValueError, match="is not 1 to 4"):
        financial_quarter(2015, quarter)


@given(year=st.integers(1901, 2099), start_month=st.integers(1, 12))
def test_quarters_tile_the_financial_year(year: int, start_month: int) -> None:
    fy = financial_year(year, start_month)
    quarters = [financial_quarter(year, q, start_month) for q in (1, 2, 3, 4)]
    assert quarters[0].start == fy.start
    assert quarters[-1].end == fy.end
    for before, after in pairwise(quarters):
        assert after.start == before.end + timedelta(days=1)
    assert sum(q.days for q in quarters) == fy.days
    assert all(whole_months(q) == 3 for q in quarters)
    assert fy.preceding() == financial_year(year - 1, start_month)


@pytest.mark.parametrize(
    ("text", "start_month", "expected", "canonical"),
    [
        ("2014", 4, Span(date(2014, 4, 1), date(2015, 3, 31)), "2014"),
        ("2014-Q1", 4, Span(date(2014, 4, 1), date(2014, 6, 30)), "2014-Q1"),
        ("2014-q4", 4, Span(date(2015, 1, 1), date(2015, 3, 31)), "2014-Q4"),
        ("2014Q2", 4, Span(date(2014, 7, 1), date(2014, 9, 30)), "2014-Q2"),
        ("2014 Q3", 4, Span(date(2014, 10, 1), date(2014, 12, 31)), "2014-Q3"),
        (" 2014 ", 4, Span(date(2014, 4, 1), date(2015, 3, 31)), "2014"),
        ("2014", 1, Span(date(2014, 1, 1), date(2014, 12, 31)), "2014"),
        ("2014-Q1", 1, Span(date(2014, 1, 1), date(2014, 3, 31)), "2014-Q1"),
    ],
    ids=["year", "q1", "q4-lower", "no-hyphen", "space", "padded", "calendar-year", "calendar-q1"],
)
def test_parse_period(text: str, start_month: int, expected: Span, canonical: str) -> None:
    assert parse_period(text, start_month) == expected
    assert format_period(text) == canonical


@pytest.mark.parametrize(
    "text",
    ["2014-Q5", "2014-Q0", "14", "2014/15", "Q1 2014", "2014-15", "", "FY2014", "20141", "٢٠١٤"],
    ids=["q5", "q0", "two-digits", "fy-slash", "quarter-first", "fy-hyphen", "empty", "prefix", "five-digits",
         "non-ascii-digits"],
)
def test_parse_period_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="is not a period"):
        parse_period(text)
    with pytest.raises(ValueError, match="is not a period"):
        format_period(text)


@pytest.mark.parametrize(
    ("day", "start_month", "expected"),
    [(date(2016, 3, 31), 4, 2015), (date(2016, 4, 1), 4, 2016), (date(2015, 12, 31), 1, 2015),
     (date(2015, 6, 30), 7, 2014), (date(2015, 7, 1), 7, 2015)],
    ids=["last-day-of-2015-16", "first-day-of-2016-17", "calendar-year", "july-year-before", "july-year-start"],
)
def test_financial_year_of(day: date, start_month: int, expected: int) -> None:
    assert financial_year_of(day, start_month) == expected
    assert financial_year(expected, start_month).contains(day)
