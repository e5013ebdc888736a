"""Proven reoffending of IOM starters, measured as the Ministry of Justice measures it.

Definitions follow the Ministry of Justice's *Proven reoffending statistics: definitions and
measurement* (and its successor, the *Guide to proven reoffending statistics*): a proven
reoffence is an offence committed in a one-year follow-up period from the start point and
proven (in the national statistics by a conviction or caution) in that year or a further
six-month waiting period. Its headline measures are the proportion of offenders who reoffend
(the binary rate), the number of reoffences per 100 offenders (the frequency rate) and the
average number of reoffences per reoffender.

For an IOM unit, as here:

- The cohort: everyone whose *first* cohort episode (earliest start_date; its scheme is the
  person's scheme here) started in the window of starts, and whose follow-up and waiting
  period have ended on or before the report's end date. The start point is that start_date.
- Follow-up: the 12 months from the start date, start date included: start_date up to the
  day before start_date + 12 calendar months (a start on 1 Jan 2015 is followed up to
  31 Dec 2015; the 365th day is in, the 366th out). Waiting period: the next 6 months, up to
  the day before start_date + 18 months.
- A proven reoffence: an offence with offence_date in the follow-up and a detected_date on
  or before the last day of the waiting period. The data package has no conviction date;
  detected_date (detected or charged) stands in for it. An offence without a detected_date
  is not proven.
- People whose first episode started in the window but whose waiting period ends after the
  report's end date are left out of the measures and counted as ``awaiting_follow_up``.
- binary_rate_pct = reoffenders / offenders x 100; frequency_per_100 = reoffences /
  offenders x 100; reoffences_per_reoffender = reoffences / reoffenders (null when 0).

The default window of starts (:func:`default_starts`) is the latest 12 whole calendar months
of starts whose waiting periods all end on or before the report's end date: for a report
ending 31 March 2016, starts from 1 October 2013 to 30 September 2014.
"""

from __future__ import annotations

from datetime import date, timedelta

import narwhals as nw

from iomhub.domain.codes import ALL
from iomhub.domain.dates import Span, add_months
from iomhub.metrics.common import Frame, as_int, count_true, pct, within

FOLLOW_UP_MONTHS = 12
WAITING_MONTHS = 6
COUNT_COLUMNS = ["offenders", "reoffenders", "reoffences", "awaiting_follow_up"]
RATE_COLUMNS = ["binary_rate_pct", "frequency_per_100", "reoffences_per_reoffender"]


def measured_by(start: date) -> date:
    """The last day of the waiting period of someone who started on ``start``."""
    return add_months(start, FOLLOW_UP_MONTHS + WAITING_MONTHS) - timedelta(days=1)


def default_starts(end: date) -> Span:
    """The latest 12 whole calendar months of starts whose waiting periods all end by ``end``.

    The window's last month is the latest month whose last day, plus 18 months less a day,
    is on or before ``end``; it begins on the first day of the month 11 months earlier.
    """
    month_start = date(end.year, end.month, 1)
    while True:
        last_day = add_months(month_start, 1) - timedelta(days=1)
        if measured_by(last_day) <= end:
            return Span(add_months(month_start, -11), last_day)
        month_start = add_months(month_start, -1)


def first_episodes(cohort: Frame) -> Frame:
    """nominal_id, scheme and start_date of each person's earliest cohort episode."""
    first = cohort.group_by("nominal_id").agg(nw.col("start_date").min())
    return (cohort.join(first, on=["nominal_id", "start_date"], how="inner")
            .select("nominal_id", "scheme", "start_date")
            .unique(["nominal_id"], keep="any"))


def proven_people(cohort: Frame, offences: Frame, starts: Span, end: date) -> Frame:
    """Everyone whose first episode started in ``starts``, one row each.

    Columns: nominal_id, scheme, start_date, followed_up (waiting period over by ``end``),
    reoffences (proven reoffences in the follow-up; 0 for none).
    """
    follow_up_end = nw.col("start_date").dt.offset_by(f"{FOLLOW_UP_MONTHS}mo")  # first day after
    waiting_end = nw.col("start_date").dt.offset_by(f"{FOLLOW_UP_MONTHS + WAITING_MONTHS}mo")
    people = (first_episodes(cohort).filter(within("start_date", starts.start, starts.end))
              .with_columns((waiting_end <= nw.lit(end + timedelta(days=1))).alias("followed_up")))
    proven = (offences.select("nominal_id", "offence_date", "detected_date")
              .join(people.select("nominal_id", "start_date"), on="nominal_id", how="inner")
              .filter((nw.col("offence_date") >= nw.col("start_date"))
                      & (nw.col("offence_date") < follow_up_end)
                      & ~nw.col("detected_date").is_null()
                      & (nw.col("detected_date") < waiting_end))
              .group_by("nominal_id").agg(nw.len().alias("reoffences")))
    return (people.join(proven, on="nominal_id", how="left")
            .with_columns(nw.col("reoffences").fill_null(0).cast(nw.Int64))
            .select("nominal_id", "scheme", "start_date", "followed_up", "reoffences"))


def _tally(people: Frame) -> Frame:
    measured = nw.col("followed_up")
    return (people.group_by("scheme")
            .agg(count_true(measured).alias("offenders"),
                 count_true(measured & (nw.col("reoffences") > 0)).alias("reoffenders"),
                 nw.when(measured).then(nw.col("reoffences")).otherwise(0).sum().alias("reoffences"),
                 count_true(~measured).alias("awaiting_follow_up"))
            .with_columns(*as_int(*COUNT_COLUMNS))
            .with_columns(pct("reoffenders", "offenders").alias("binary_rate_pct"),
                          pct("reoffences", "offenders").alias("frequency_per_100"),
                          nw.when(nw.col("reoffenders") != 0)
                          .then(nw.col("reoffences") * 1.0 / nw.col("reoffenders"))
                          .alias("reoffences_per_reoffender"))
            .select("scheme", "offenders", "reoffenders", "binary_rate_pct", "reoffences",
                    "frequency_per_100", "reoffences_per_reoffender", "awaiting_follow_up"))


def proven_reoffending(people: Frame) -> Frame:
    """The measures per scheme of the first episode, plus ``all`` (from :func:`proven_people`)."""
    return nw.concat([_tally(people), _tally(people.with_columns(nw.lit(ALL).alias("scheme")))],
                     how="vertical")
