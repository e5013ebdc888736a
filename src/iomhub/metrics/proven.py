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
- A proven reoffence: as :mod:`iomhub.metrics.proven_measure` defines it for every module
  (an offence in the follow-up detected by the end of the waiting period; detection stands in
  for conviction, so the measure is "detected reoffending (MoJ timing)"). Someone in custody
  on their start date is followed up from release, as in the national measure.
- People whose first episode started in the window but whose waiting period ends after the
  report's end date are left out of the measures and counted as ``awaiting_follow_up``.
- binary_rate_pct = reoffenders / offenders x 100; frequency_per_100 = reoffences /
  offenders x 100; reoffences_per_reoffender = reoffences / reoffenders (null when 0).

The default window of starts (:func:`default_starts`) is the latest 12 whole calendar months
of starts whose waiting periods all end on or before the report's end date: for a report
ending 31 March 2016, starts from 1 October 2013 to 30 September 2014.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import narwhals as nw

from iomhub.domain.codes import ALL
from iomhub.domain.dates import Span, add_months
from iomhub.metrics import proven_measure
from iomhub.metrics.common import Frame, as_int, count_true, pct, within

FOLLOW_UP_MONTHS = 12
WAITING_MONTHS = proven_measure.WAITING_MONTHS
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


def proven_people(cohort: Frame, offences: Frame, starts: Span, end: date,
                  custody_spans: Frame | None = None,
                  materialise: Callable[[Frame], Frame] = lambda frame: frame) -> Frame:
    """Everyone whose first episode started in ``starts``, one row each.

    Columns: nominal_id, scheme, start_date, follow_from (the start point: release for people
    in custody on the start date), followed_up (waiting period over by ``end``), reoffences
    (proven reoffences in the follow-up; 0 for none). ``custody_spans`` is
    :func:`iomhub.metrics.custody.custody_spans` (None: nobody was in custody). ``materialise``
    is applied to the starters with their start points, which the count of reoffences and the
    result both read.
    """
    people = proven_measure.start_points(
        first_episodes(cohort).filter(within("start_date", starts.start, starts.end)), custody_spans)
    people = materialise(people.with_columns(proven_measure.followed_up(FOLLOW_UP_MONTHS, end)
                                             .alias("followed_up")))
    proven = proven_measure.reoffences(people, offences, FOLLOW_UP_MONTHS)
    return (people.join(proven, on="nominal_id", how="left")
            .with_columns(nw.col("reoffences").fill_null(0).cast(nw.Int64))
            .select("nominal_id", "scheme", "start_date", "follow_from", "followed_up", "reoffences"))


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
            .with_columns(nw.lit(proven_measure.MEASURE).alias("measure"))
            .select("scheme", "offenders", "reoffenders", "binary_rate_pct", "reoffences",
                    "frequency_per_100", "reoffences_per_reoffender", "awaiting_follow_up", "measure"))


def proven_reoffending(people: Frame) -> Frame:
    """The measures per scheme of the first episode, plus ``all`` (from :func:`proven_people`)."""
    return nw.concat([_tally(people), _tally(people.with_columns(nw.lit(ALL).alias("scheme")))],
                     how="vertical")
