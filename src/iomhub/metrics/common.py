"""Building blocks shared by the metrics: covering a date, safe percentages, literal rows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import narwhals as nw

from iomhub.domain.codes import UNKNOWN

Frame = nw.LazyFrame[Any]


def covers(day: date, start: str = "start_date", end: str = "end_date") -> nw.Expr:
    """True where the interval covers ``day``: start <= day and (end empty or end >= day)."""
    return (nw.col(start) <= nw.lit(day)) & (nw.col(end).is_null() | (nw.col(end) >= nw.lit(day)))


def within(column: str, first: date, last: date) -> nw.Expr:
    """True where the date column falls in first..last, both ends included."""
    return (nw.col(column) >= nw.lit(first)) & (nw.col(column) <= nw.lit(last))


def count_true(condition: nw.Expr) -> nw.Expr:
    """How many rows meet a condition (null counts as not met).

    Spark cannot sum booleans, so the condition is made a 0/1 integer first.
    """
    return condition.fill_null(False).cast(nw.Int64).sum()


def pct(numerator: str, denominator: str) -> nw.Expr:
    """numerator / denominator x 100, null when the denominator is 0 or missing."""
    return (nw.when(nw.col(denominator) != 0)
            .then(nw.col(numerator) * 100.0 / nw.col(denominator)))


def change_pct(before: str = "offences_before", after: str = "offences_after") -> nw.Expr:
    """(after - before) / before x 100, null when there was nothing before."""
    return (nw.when(nw.col(before) != 0)
            .then((nw.col(after) - nw.col(before)) / nw.col(before) * 100.0))


def known(column: str) -> nw.Expr:
    """The column with a missing value shown as ``unknown``."""
    return nw.col(column).fill_null(nw.lit(UNKNOWN))


def literal_rows(like: Frame, column: str, values: Sequence[Any]) -> Frame:
    """A one-column frame of the given values, built on the backend of ``like``.

    Metrics must not construct frames themselves (they do not know where they run), so
    literal key lists (dates, pathways, tiers) are derived from a frame they were given.
    ``like`` must not be empty.
    """
    one = like.head(1)
    return nw.concat([one.select(nw.lit(value).alias(column)) for value in values], how="vertical")


def as_int(*names: str) -> list[nw.Expr]:
    """Counts as 64-bit integers whichever backend produced them."""
    return [nw.col(name).cast(nw.Int64) for name in names]


def zero_filled(keys: Frame, counts: Frame, on: list[str], fill: Sequence[str]) -> Frame:
    """Every key combination, with the counts where there were any and 0 elsewhere."""
    return (keys.join(counts, on=on, how="left")
            .with_columns(nw.col(name).fill_null(0).cast(nw.Int64) for name in fill))


def day_number(column: str) -> nw.Expr:
    """The date as a whole number of days (1 January of year 1 is day 1, as ``date.toordinal``).

    Built from the year and the day of the year, because PySpark has no duration type: the
    difference of two day numbers is the number of days between the dates on every backend.
    """
    year = nw.col(column).dt.year().cast(nw.Int64) - 1
    return year * 365 + year // 4 - year // 100 + year // 400 + nw.col(column).dt.ordinal_day().cast(nw.Int64)
