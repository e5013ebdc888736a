"""One definition of proven reoffending, shared by every module that counts it.

The Ministry of Justice's measure (*Proven reoffending statistics: definitions and
measurement*, 2011, and the *Guide to proven reoffending statistics*): a proven reoffence is
an offence committed in a follow-up period that begins at the start point, and proven by a
conviction or caution in that period or a further six-month waiting period. For an IOM unit:

- The index date is the start of a person's first IOM episode. The start point is the index
  date, unless the person was in custody then: the follow-up of someone in prison starts at
  release, as the national measure's does (the day after the stay in custody that covers the
  index date, from the union of their custody records, :mod:`iomhub.metrics.custody`).
- The follow-up runs from the start point (that day included) to the day before the same
  day ``follow_up_months`` later; the waiting period for ``waiting_months`` after that.
- A reoffence is an offence with offence_date in the follow-up and a detected_date before the
  end of the waiting period. The data package has no conviction or caution dates, so
  detection stands in for them and the measure is labelled :data:`MEASURE`: "detected
  reoffending (MoJ timing)". An offence without a detected_date is not counted (its proof
  cannot be placed in time).
"""

from __future__ import annotations

from datetime import date, timedelta

import narwhals as nw

from iomhub.metrics.common import Frame
from iomhub.metrics.custody import released_on

MEASURE = "detected reoffending (MoJ timing)"
WAITING_MONTHS = 6


def start_points(people: Frame, spans: Frame | None, index: str = "start_date") -> Frame:
    """people with ``follow_from``: the start point (the index date, or release when in custody then)."""
    return released_on(people, spans, index).rename({"released": "follow_from"})


def followed_up(follow_up_months: int, end: date, start: str = "follow_from") -> nw.Expr:
    """True where the follow-up and waiting period from ``start`` (the start point) ended by
    ``end``. Given the index date instead, it is true wherever it is for the start point, which
    is never before the index date: a filter that may be applied before the start points are
    found."""
    waiting_end = nw.col(start).dt.offset_by(f"{follow_up_months + WAITING_MONTHS}mo")
    return waiting_end <= nw.lit(end + timedelta(days=1))


def reoffences(points: Frame, offences: Frame, follow_up_months: int) -> Frame:
    """nominal_id and ``reoffences``: proven reoffences after each start point (``points`` has
    nominal_id and follow_from); people with none are absent (fill with 0)."""
    start = nw.col("follow_from")
    follow_up_end = start.dt.offset_by(f"{follow_up_months}mo")  # the first day after it
    waiting_end = start.dt.offset_by(f"{follow_up_months + WAITING_MONTHS}mo")
    return (offences.select("nominal_id", "offence_date", "detected_date")
            .join(points.select("nominal_id", "follow_from"), on="nominal_id", how="inner")
            .filter((nw.col("offence_date") >= start) & (nw.col("offence_date") < follow_up_end)
                    & ~nw.col("detected_date").is_null() & (nw.col("detected_date") < waiting_end))
            .group_by("nominal_id").agg(nw.len().alias("reoffences")))
