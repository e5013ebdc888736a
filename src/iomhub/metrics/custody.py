"""Custody done once: each person's time in custody as non-overlapping spans, for every metric.

custody.csv may hold overlapping records for one stay (remand, then the sentence from the
same day; a recall recorded over a sentence still open), so summing the records' days counts
some days twice. Every metric that needs days in custody, or whether someone was in custody
on a day, reads :func:`custody_spans`: the union of a person's records, one row per
continuous stay (records that overlap or touch, the next starting the day after the last
ends, are one stay).

A record's last day is its end_date; a record still open (no end_date) ends on its
expected_release_date when there is one, and otherwise stays open to ``last_day`` (the end
of the data). Days are day numbers (:func:`iomhub.metrics.common.day_number`), both ends
included.

Nobody can commit an offence in prison on most records' terms, so an offence dated strictly
inside a stay (after its first day and before its last) is most likely a wrong date or a
wrong custody record. :func:`offences_in_custody` counts them for a data-quality warning;
they are still counted wherever they fall (dropping them would hide the problem).

Complexity: one sort of the custody records per person (a window ordered by start), so
O(r log r) in the records.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import narwhals as nw

from iomhub.domain.dates import epoch_day
from iomhub.metrics.common import Frame, as_int, day_number


def custody_spans(custody: Frame, last_day: date) -> Frame:
    """nominal_id, c_first, c_last (day numbers) and last_date (the date of c_last): each
    person's continuous stays in custody."""
    end = nw.coalesce(day_number(nw.col("end_date")), day_number(nw.col("expected_release_date")),
                      nw.lit(epoch_day(last_day)))
    end_date = nw.coalesce(nw.col("end_date"), nw.col("expected_release_date"), nw.lit(last_day))
    records = (custody.filter(~nw.col("start_date").is_null())
               .select("nominal_id", day_number(nw.col("start_date")).alias("c_first"), end.alias("c_last"),
                       end_date.alias("last_date"))
               .filter(nw.col("c_last") >= nw.col("c_first")))
    order = ["c_first", "c_last"]
    reach = records.with_columns(nw.col("c_last").cum_max().over("nominal_id", order_by=order).alias("reach"))
    starts = reach.with_columns(nw.col("reach").shift(1).over("nominal_id", order_by=order).alias("before"))
    new_stay = (nw.col("before").is_null() | (nw.col("c_first") > nw.col("before") + 1)).cast(nw.Int64)
    numbered = starts.with_columns(new_stay.cum_sum().over("nominal_id", order_by=order).alias("stay"))
    return (numbered.group_by("nominal_id", "stay")
            .agg(nw.col("c_first").min(), nw.col("c_last").max(), nw.col("last_date").max())
            .select("nominal_id", *as_int("c_first", "c_last"), "last_date"))


def days_in_custody_by_side(windows: Frame, keys: list[str], spans: Frame, sides: dict[str, tuple[str, str]],
                            carry: Sequence[str] = ()) -> Frame:
    """keys and, for each side named in ``sides`` (side: its window's first and last day
    columns), ``custody_days_{side}``: the days of that window spent in custody (each stay's
    ``c_first``..``c_last`` against the window), with one join of the windows to the stays for
    every side. The windows' nominal_id is among ``keys``, or else in ``carry``. Windows with no
    day in custody on any side are absent (fill with 0); a side with none is 0."""
    columns = list(dict.fromkeys(column for bounds in sides.values() for column in bounds))
    touches = [(nw.col("c_first") <= nw.col(last)) & (nw.col("c_last") >= nw.col(first))
               for first, last in sides.values()]
    anywhere = touches[0]
    for touch in touches[1:]:
        anywhere = anywhere | touch
    sums = [nw.when(touch).then(nw.min_horizontal(nw.col("c_last"), nw.col(last))
                                - nw.max_horizontal(nw.col("c_first"), nw.col(first)) + 1)
            .otherwise(0).sum().alias(f"custody_days_{side}")
            for (side, (first, last)), touch in zip(sides.items(), touches, strict=True)]
    return (windows.select(*keys, *carry, *columns).join(spans, on="nominal_id", how="inner")
            .filter(anywhere).group_by(*keys).agg(*sums)
            .with_columns(*as_int(*(f"custody_days_{side}" for side in sides))))


def released_on(points: Frame, spans: Frame | None, index: str) -> Frame:
    """points (nominal_id and the date column ``index``) with ``released``: the day after the
    stay in custody that covers the index date, or the index date itself when the person was at
    liberty then (the start of a follow-up in the Ministry of Justice's measure)."""
    if spans is None:
        return points.with_columns(nw.col(index).alias("released"))
    day = day_number(nw.col(index))
    covering = (points.select("nominal_id", index).join(spans, on="nominal_id", how="inner")
                .filter((nw.col("c_first") <= day) & (nw.col("c_last") >= day))
                .group_by("nominal_id", index).agg(nw.col("last_date").max().alias("held_until")))
    return (points.join(covering, on=["nominal_id", index], how="left")
            .with_columns(nw.when(nw.col("held_until").is_null()).then(nw.col(index))
                          .otherwise(nw.col("held_until").dt.offset_by("1d")).cast(nw.Date).alias("released"))
            .drop("held_until"))


def offences_in_custody(offences: Frame, spans: Frame) -> Frame:
    """One row: ``offences`` dated strictly inside a stay in custody, and the ``people`` they
    belong to (a data-quality warning; see the module's docstring)."""
    inside = (offences.select("nominal_id", day_number(nw.col("offence_date")).alias("day"))
              .join(spans, on="nominal_id", how="inner")
              .filter((nw.col("day") > nw.col("c_first")) & (nw.col("day") < nw.col("c_last"))))
    return (inside.select(nw.len().alias("offences"), nw.col("nominal_id").n_unique().alias("people"))
            .with_columns(nw.col("people").fill_null(0))  # Spark counts no one as null
            .with_columns(*as_int("offences", "people")))
