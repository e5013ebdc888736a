"""Join-anchored windows, time at risk and a matched comparison group: the honest effect.

The seeds compare a cohort's offences in one year with the next. A cohort chosen because its
members offended a lot recently offends less next year with no help at all (regression to
the mean), and people in prison cannot offend, so that comparison flatters IOM. This module
computes, for the people who joined IOM, three estimates of the change in offending that
IOM can claim, from the most to the least naive (``effect_estimate``):

- ``naive``: offences in the N months after joining against the N months before
  (join-anchored windows; seed 000 measures "since joining the scheme compared with 2 years
  prior"), everyone pooled: (after - before) / before x 100.
- ``time_at_risk``: the same windows, offences per 365 days *at liberty* (days in the window
  minus days in custody), pooled: (rate after / rate before - 1) x 100.
- ``matched_did``: each member is matched to up to ``neighbours`` people who were not on IOM
  on the member's joining day (never the member themselves) and looked like them then: the
  same gender, bands of offences in the ``recent_months`` and the ``prior_months`` before the
  month of joining (the usual reasons for being chosen), of months since the last offence,
  the same custody status, and the nearest on prior offences, age, months since the last
  offence and area (:func:`matches`). The comparison people's windows are anchored on the
  member's joining day. The estimate is the difference in differences on the rate scale,
  (member rate ratio / comparison rate ratio - 1) x 100, where a rate ratio is rate after /
  rate before, at liberty, with comparison people who joined IOM later corrected for their
  own IOM days (Justice Data Lab's approach, Ministry of Justice, *Justice Data Lab:
  methodology paper*, 2013, with nearest-neighbour matching on the prognostic variables
  instead of a propensity score; :func:`iomhub.metrics.effect_estimates.did_pct`).

Windows (day numbers; intervals inclusive): a person who joined on day A (the start of their
first IOM episode) has the *before* window from the same day N months earlier to A - 1 and
the *after* window from A to the day before the same day N months later. People whose
windows do not fit inside the data (start at least N months after the data begin and end
N months before they end) are left out and counted.

All the frames here are lazy Narwhals frames; the estimates themselves, their 95% intervals
and the checks of the matched estimate's assumptions are computed by
:mod:`iomhub.metrics.effect_estimates` from the collected per-person tables. The estimand,
the assumptions and the checks are explained in docs/effect-estimates.md.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import narwhals as nw

from iomhub.domain.dates import Span, epoch_day
from iomhub.metrics import custody
from iomhub.metrics.common import (
    Frame,
    as_int,
    count_true,
    day_number,
    known,
    literal_rows,
    month_index,
    months_later,
)

METHODS = ("naive", "time_at_risk", "matched_did")
WINDOW_COLUMNS = ("offences_before", "offences_after", "days_before", "days_after",
                  "custody_days_before", "custody_days_after", "risk_days_before", "risk_days_after")
LAG_QUARTERS = 8  # offending quarter by quarter over the two years before joining (not matched on)
QUARTER_DAYS = 91
LAG_COLUMNS = tuple(f"q{lag}" for lag in range(1, LAG_QUARTERS + 1))
# offences from the first of the joining month to the day before joining: the latest offending
# before joining, which the matching (on whole months before the joining month) does not see
JOINING_MONTH = "offences_joining_month"
# offences in the two years before the lagged quarters (two to four years before joining), as far
# as the data reach back: the longer record, which the matching does not see either
EARLIER = "offences_earlier"
EARLIER_DAYS = 2 * LAG_QUARTERS * QUARTER_DAYS  # the earliest day counted: this many days before joining
EARLIER_AT_LEAST = 365  # days of that window the data must hold, else the count is null
PRIOR_BANDS = (0, 3, 6, 10, 16, 25)  # prior offences matched exactly by band: 0-2, 3-5, 6-9, 10-15, 16-24, 25+
CELL_RESERVOIR = 40  # about this many candidates considered per exact cell (see matches)


@dataclass(frozen=True)
class Matching:
    """How comparison people are found: window length and the matching variables."""

    months: int = 12
    neighbours: int = 5
    prior_months: int = 24
    recent_months: int = 6
    area_penalty: float = 0.25  # a different area counts like this many standard units of distance
    pool: str = "not_yet"  # comparison people: "not_yet" on IOM on the joining day, or "never" on it
    caliper: float = 1.0  # neighbours after the nearest only within this distance (5 years of age, say)

    def __post_init__(self) -> None:
        if not 1 <= self.months <= 60:
            raise ValueError("the windows before and after joining are 1 to 60 months long")
        if not 1 <= self.neighbours <= 20:
            raise ValueError("each member is matched to 1 to 20 comparison people")
        if self.pool not in ("not_yet", "never"):
            raise ValueError("the comparison pool is 'not_yet' (on IOM) or 'never'")
        if self.caliper <= 0:
            raise ValueError("the caliper is a positive distance")
        if not 1 <= self.recent_months <= self.prior_months <= 120:
            raise ValueError("recent offending is counted over fewer months than prior offending")


def first_joins(cohort: Frame) -> Frame:
    """nominal_id, scheme and anchor (the start_date of each person's first IOM episode)."""
    first = cohort.group_by("nominal_id").agg(nw.col("start_date").min().alias("anchor"))
    episodes = cohort.select("nominal_id", nw.col("start_date").alias("anchor"), "scheme")
    return (first.join(episodes, on=["nominal_id", "anchor"], how="left")
            .unique(["nominal_id"], keep="any")
            .select("nominal_id", "scheme", "anchor"))


def with_windows(joins: Frame, months: int) -> Frame:
    """Adds anchor_day, before_first, after_last (day numbers), month (of the anchor) and
    month_first_day (the first day of that month)."""
    anchor = nw.col("anchor")
    return joins.with_columns(
        day_number(anchor).alias("anchor_day"),
        months_later(anchor, -months).alias("before_first"),
        (months_later(anchor, months) - 1).alias("after_last"),
        month_index(anchor).alias("month"),
        (day_number(anchor) - anchor.dt.day().cast(nw.Int64) + 1).alias("month_first_day"))


def window_fit(joins: Frame, months: int, first_day: date, last_day: date) -> Frame:
    """Every joiner with ``status``: ``eligible``, ``too_early`` (the before window starts
    before the data) or ``too_recent`` (the after window ends after them)."""
    first, last = epoch_day(first_day), epoch_day(last_day)
    status = (nw.when(nw.col("before_first") < first).then(nw.lit("too_early"))
              .when(nw.col("after_last") > last).then(nw.lit("too_recent"))
              .otherwise(nw.lit("eligible")))
    return with_windows(joins, months).with_columns(status.alias("status"))


def window_counts(fit: Frame) -> Frame:
    """How many joiners are eligible, too early or too recent for the windows."""
    return (fit.group_by("status").agg(nw.len().alias("people"))
            .with_columns(*as_int("people")).select("status", "people"))


def window_outcomes(pairs: Frame, keys: list[str], offences: Frame, spans: Frame | None,
                    data_first: int | None = None, carry: Sequence[str] = (), iom_from: str | None = None,
                    most: int | None = None) -> Frame:
    """Offences, days and days at liberty in each pair's before and after windows, the
    offences in each of the ``LAG_QUARTERS`` 91-day quarters before the anchor (q1 the latest),
    ``JOINING_MONTH``: those from the first of the anchor's month to the day before it, and
    ``EARLIER``: those from ``EARLIER_DAYS`` before the anchor (or ``data_first``, the day
    number the data begin, if later) to the day before the first lagged quarter; null when
    the data hold under ``EARLIER_AT_LEAST`` days of that window.

    ``pairs`` has ``keys`` (one row per key), nominal_id, anchor_day, before_first, after_last
    and month_first_day; ``spans`` is :func:`iomhub.metrics.custody.custody_spans` (None: no custody
    data). Days at risk are the window's days minus its days in custody (never below 0).
    ``carry`` are more columns of ``pairs`` kept on the rows. ``iom_from`` (a day-number column
    of ``pairs``, null for none) adds ``iom_offences_after``: the offences from that day to the
    end of the after window (counted in the same pass over the offences as the rest).

    ``most``, if given, is at least the offences of any one person: no count can be larger, so
    the counts are packed several to a whole number (as :func:`packed_months`) and the
    group-by makes a few sums instead of one per count.
    """
    anchor, first, last = nw.col("anchor_day"), nw.col("before_first"), nw.col("after_last")
    person = [] if "nominal_id" in keys else ["nominal_id"]
    bounds = ["anchor_day", "before_first", "after_last", "month_first_day", *([] if iom_from is None else [iom_from])]
    windows = pairs.select(*keys, *dict.fromkeys([*person, *carry]), *bounds)
    earliest = nw.min_horizontal(first, anchor - EARLIER_DAYS)
    lagged_from = anchor - LAG_QUARTERS * QUARTER_DAYS
    earlier_from = (anchor - EARLIER_DAYS if data_first is None
                    else nw.max_horizontal(anchor - EARLIER_DAYS, nw.lit(data_first)))
    dated = dated_offences(offences).select("nominal_id", "day")
    day = nw.col("day")
    quarter = (anchor - 1 - day) // QUARTER_DAYS + 1
    conditions = {"offences_before": (day < anchor) & (day >= first), "offences_after": day >= anchor,
                  **{f"q{lag}": (day < anchor) & (quarter == lag) for lag in range(1, LAG_QUARTERS + 1)},
                  JOINING_MONTH: (day < anchor) & (day >= nw.col("month_first_day")),
                  EARLIER: (day < lagged_from) & (day >= earlier_from)}
    if iom_from is not None:
        conditions["iom_offences_after"] = day >= nw.col(iom_from)
    counts = list(conditions)
    grouped = (windows.select(*keys, *person, *bounds)
               .join(dated, on="nominal_id", how="inner")
               .filter((day >= earliest) & (day <= last))
               .group_by(*keys))
    if most is None:
        counted = grouped.agg(*[count_true(condition).alias(name) for name, condition in conditions.items()])
    else:
        bits, groups = _packing(0, len(counts) - 1, most)
        packed = []
        for index, group in enumerate(groups):
            terms = [nw.when(conditions[counts[at]]).then(nw.lit(1 << (bits * position))).otherwise(nw.lit(0))
                     for position, at in enumerate(group)]
            packed.append(nw.sum_horizontal(*terms).cast(nw.Int64).sum().alias(f"packed_{index}"))
        counted = (grouped.agg(*packed)
                   .with_columns(((nw.col(f"packed_{index}") // (1 << (bits * position))) % (1 << bits))
                                 .alias(counts[at]) for index, group in enumerate(groups)
                                 for position, at in enumerate(group))
                   .drop(*(f"packed_{index}" for index in range(len(groups)))))
    out = windows.join(counted, on=keys, how="left")
    if spans is not None:
        sided = windows.with_columns((anchor - 1).alias("before_last"))
        held = custody.days_in_custody_by_side(
            sided, keys, spans, {"before": ("before_first", "before_last"), "after": ("anchor_day", "after_last")},
            person)
        out = out.join(held, on=keys, how="left")
        counts += ["custody_days_before", "custody_days_after"]
    else:
        out = out.with_columns(nw.lit(0).alias("custody_days_before"), nw.lit(0).alias("custody_days_after"))
    out = out.with_columns(nw.col(name).fill_null(0).cast(nw.Int64) for name in counts)
    out = out.with_columns((anchor - first).alias("days_before"), (last - anchor + 1).alias("days_after"))
    if data_first is not None:
        out = out.with_columns(nw.when(lagged_from - earlier_from >= EARLIER_AT_LEAST).then(nw.col(EARLIER))
                               .alias(EARLIER))
    at_risk = [(nw.col(f"days_{side}") - nw.col(f"custody_days_{side}")).clip(lower_bound=0)
               .cast(nw.Int64).alias(f"risk_days_{side}") for side in ("before", "after")]
    return out.with_columns(at_risk).select(*keys, *carry, *WINDOW_COLUMNS, *LAG_COLUMNS, JOINING_MONTH, EARLIER,
                                            *([] if iom_from is None else ["iom_offences_after"]))


def dated_offences(offences: Frame) -> Frame:
    """nominal_id, day (day number) and offence_month (month index) of each offence; offences
    that have them already are left as they are (:func:`effect_tables` dates them once)."""
    if "day" in offences.columns and "offence_month" in offences.columns:
        return offences
    # Each distinct date (a thousand or so) dated once, and joined to the millions of offences.
    dates = (offences.select("offence_date").unique()
             .with_columns(day_number(nw.col("offence_date")).alias("day"),
                           month_index(nw.col("offence_date")).alias("offence_month")))
    return (offences.select("nominal_id", "offence_date").join(dates, on="offence_date", how="left")
            .select("nominal_id", "day", "offence_month"))


def monthly_offences(offences: Frame, first: int | None = None, last: int | None = None) -> Frame:
    """nominal_id, offence_month (index) and offences that month (only the months first..last
    when given). Grouped on one number per person and month (:func:`person_month`)."""
    month = nw.col("offence_month")
    dated = dated_offences(offences)
    if first is not None:
        dated = dated.filter(month >= first)
    if last is not None:
        dated = dated.filter(month <= last)
    return (dated.select(person_month(month="offence_month").alias("key"))
            .group_by("key").agg(nw.len().alias("offences"))
            .select((nw.col("key") // MONTH_KEYS).alias("nominal_id"),
                    (nw.col("key") % MONTH_KEYS).alias("offence_month"), *as_int("offences")))


MONTH_KEYS = 1 << 16  # month indices (year x 12 + month - 1) of plausible dates are below this
PAIR_KEYS = 1 << 31  # person numbers are below this


def person_month(person: str = "nominal_id", month: str = "month") -> nw.Expr:
    """One integer for a person number and a month index (joins and groups on one column are
    several times faster than on two)."""
    return nw.col(person) * MONTH_KEYS + nw.col(month)


def person_numbers(nominals: Frame, *columns: str) -> Frame:
    """nominal_id, ``columns`` and ``person``: every nominal_id of nominals numbered 0, 1, ...
    in the order of nominal_id, so that comparing numbers compares ids (ties go to the lower
    nominal_id either way). The effect tables are computed on these numbers, not on the text ids.

    nominals' ids are unique and every other table's nominal_id is among them: the package's
    validation refuses a package where not (``check_unique``, ``check_nominal_refs``), and the
    database's keys forbid it. So the ids are nominals' alone, not the distinct ids of every
    row of cohort and offences (a ``unique`` over 3.9 million rows at 1,000,000 nominals)."""
    return (nominals.select("nominal_id", *columns).with_row_index("person", order_by=["nominal_id"])
            .with_columns(nw.col("person").cast(nw.Int64)))


def histories(by_month: Frame, months: Frame, matching: Matching, carry: Frame | None = None) -> Frame:
    """Everyone's offending history at the first day of each month in ``months`` (columns
    month, month_first_day) in which they offended in the ``prior_months`` before: nominal_id,
    month, month_first_day, prior (offences in those months), recent (in the last
    ``recent_months``) and months_since_last (1 for the month before). ``nominal_id`` is a
    person number here (:func:`person_numbers`).

    Each person-month of offending is joined to the joining months it counts for (a small
    table of months x lags 1..prior_months), so the cost is O(person-months x prior_months)
    at most, however many months and people there are; the rows are grouped on one integer
    per person and month. ``carry`` (nominal_id and other columns, one row per person) adds
    those columns to every row.
    """
    lags = literal_rows(by_month, "lag", list(range(1, matching.prior_months + 1)))
    counted_in = (months.select("month").join(lags, how="cross")
                  .with_columns((nw.col("month") - nw.col("lag")).alias("offence_month")))
    spread = by_month.join(counted_in, on="offence_month", how="inner")
    recent = nw.col("lag") <= matching.recent_months
    grouped = (spread.group_by(person_month().alias("key"))
               .agg(nw.col("offences").sum().alias("prior"),
                    nw.when(recent).then(nw.col("offences")).otherwise(0).sum().alias("recent"),
                    nw.col("lag").min().alias("months_since_last")))
    out = (grouped.with_columns((nw.col("key") // MONTH_KEYS).alias("nominal_id"),
                                (nw.col("key") % MONTH_KEYS).alias("month"))
           .join(months.select("month", "month_first_day"), on="month", how="inner")
           .select("nominal_id", "month", "month_first_day", *as_int("prior", "recent", "months_since_last")))
    return out if carry is None else out.join(carry, on="nominal_id", how="left")


WIDE_UP_TO = 48  # joining months up to which histories are summed month by month per person (measured:
# at 100,000 nominals the two ways cost the same between 48 and 60 joining months)


PACKED_BITS = 53  # bits of each packed sum (exact in a double too, as Spark divides)


def wide_histories(by_month: Frame, months: list[tuple[int, int]], matching: Matching,
                   carry: Frame | None = None,
                   materialise: Callable[[Frame], Frame] = lambda frame: frame) -> Frame:
    """The histories of :func:`histories` at a few joining months (``months``: month and
    month_first_day, in order) as one row per person who offended in the months they count:
    nominal_id, ``prior_{month}``, ``recent_{month}`` and ``since_{month}`` for each joining
    month, and ``carry``'s columns (as in :func:`histories`; its ``CUSTODY_MONTHS``,
    :func:`custody_months`, is kept for :func:`long_histories`' in_custody). From each
    person's offences in each month from ``prior_months`` before the first joining month to
    the last, every joining month's prior and recent offences are differences of running sums
    along the row, and the months since the last offence come from a running latest month
    offended in. Cheaper than spreading every month of offending over the months it counts
    for when there are a few joining months (a report on one year's joiners: 12) and many
    people; the spreading is cheaper for many months.

    The months' counts are packed several to a whole number (:func:`packed_months`), so that
    the group-by per person makes a few sums, not one per month: whole numbers throughout,
    so every figure is exact on every backend.
    """
    prior, recent = matching.prior_months, matching.recent_months
    first, last = history_reach(months, matching)
    offence = nw.col("offence_month")
    in_range = materialise(by_month.filter((offence >= first) & (offence <= last)))
    top = in_range.select(nw.col("offences").max()).collect().item()
    wide = packed_months(in_range, first, last, 0 if top is None else int(top))
    carried = [] if carry is None else [name for name in carry.columns if name not in ("nominal_id", CUSTODY_MONTHS)]
    held = carry is not None and CUSTODY_MONTHS in carry.columns
    if carry is not None:  # on the few packed columns, before they are unpacked into many
        wide = wide.join(carry, on="nominal_id", how="left")
    wide = unpacked_months(wide, first, last, 0 if top is None else int(top))
    # Running sums (offences up to and including the month) and the latest month offended in.
    for month in range(first, last + 1):
        count = nw.col(f"count_{month}")
        wide = wide.with_columns(
            (count if month == first else nw.col(f"upto_{month - 1}") + count).alias(f"upto_{month}"),
            (nw.when(count > 0).then(nw.lit(month)) if month == first else
             nw.when(count > 0).then(nw.lit(month)).otherwise(nw.col(f"latest_{month - 1}"))).alias(f"latest_{month}"))

    def upto(month: int) -> nw.Expr:
        return nw.col(f"upto_{month}") if month >= first else nw.lit(0)

    figures = []
    for month, _ in months:
        latest = nw.col(f"latest_{month - 1}")
        figures += [(upto(month - 1) - upto(month - 1 - prior)).alias(f"prior_{month}"),
                    (upto(month - 1) - upto(month - 1 - recent)).alias(f"recent_{month}"),
                    nw.when(latest >= month - prior).then(month - latest).alias(f"since_{month}")]
    return materialise(wide.select("nominal_id", *figures, *carried, *([CUSTODY_MONTHS] if held else [])))


def long_histories(wide: Frame, months: list[tuple[int, int]]) -> Frame:
    """:func:`wide_histories`' one row per person as one row per person and joining month in
    which they offended (prior above 0): the table of :func:`histories`."""
    history = {f"{name}_{month}" for month, _ in months for name in ("prior", "recent", "since")}
    carried = [name for name in wide.columns if name not in ("nominal_id", CUSTODY_MONTHS, *history)]
    held = CUSTODY_MONTHS in wide.columns
    parts = [wide.select("nominal_id", nw.lit(month).cast(nw.Int64).alias("month"),
                         nw.lit(first_day).cast(nw.Int64).alias("month_first_day"),
                         nw.col(f"prior_{month}").alias("prior"), nw.col(f"recent_{month}").alias("recent"),
                         nw.col(f"since_{month}").alias("months_since_last"), *carried,
                         *([_custody_bit(position)] if held else []))
             .filter(nw.col("prior") > 0) for position, (month, first_day) in enumerate(months)]
    return nw.concat(parts, how="vertical").select(
        "nominal_id", "month", "month_first_day", *as_int("prior", "recent", "months_since_last"), *carried,
        *(["in_custody"] if held else []))


def histories_of(wide: Frame, people: Frame, months: list[tuple[int, int]]) -> Frame:
    """The rows of :func:`long_histories` of ``people`` (nominal_id and month, one of
    ``months``): nominal_id, month, prior, recent and months_since_last, from the row per
    person, without making every person's rows."""
    month = nw.col("month")

    def at_month(name: str) -> nw.Expr:
        value: nw.Expr = nw.lit(None, nw.Int64)
        for joining, _ in months:
            value = nw.when(month == joining).then(nw.col(f"{name}_{joining}")).otherwise(value)
        return value.cast(nw.Int64)

    return (people.select("nominal_id", "month").join(wide, on="nominal_id", how="inner")
            .select("nominal_id", "month", at_month("prior").alias("prior"), at_month("recent").alias("recent"),
                    at_month("since").alias("months_since_last"))
            .filter(nw.col("prior") > 0))


def history_reach(months: list[tuple[int, int]], matching: Matching) -> tuple[int, int]:
    """The first and last months of offending that the histories at ``months`` (month,
    month_first_day) count."""
    return (min(month for month, _ in months) - matching.prior_months, max(month for month, _ in months) - 1)


def _packing(first: int, last: int, top: int) -> tuple[int, list[list[int]]]:
    """Bits per month and the months first..last in groups, each group's counts packed into
    one whole number below 2 ** ``PACKED_BITS`` (``top``: the largest count)."""
    bits = max(1, top.bit_length())
    per = max(1, PACKED_BITS // bits)
    span = list(range(first, last + 1))
    return bits, [span[start:start + per] for start in range(0, len(span), per)]


def packed_months(by_month: Frame, first: int, last: int, top: int) -> Frame:
    """nominal_id and ``packed_{i}``: each person's offences in each month first..last
    (``by_month``: :func:`monthly_offences`, one row per person and month, none over ``top``),
    several months to a whole number, a month's count shifted by a multiple of the bits ``top``
    needs (:func:`_packing`). Each month is one row of a person's, so a month's bits never
    carry into the next, and one sum makes the counts of many months: a few sums per person
    where there were three per joining month."""
    bits, groups = _packing(first, last, top)
    offence = nw.col("offence_month")
    sums = []
    for index, group in enumerate(groups):
        shift: nw.Expr = nw.lit(0)
        for position, month in enumerate(group):
            shift = nw.when(offence == month).then(nw.lit(1 << (bits * position))).otherwise(shift)
        sums.append((nw.col("offences") * shift).sum().cast(nw.Int64).alias(f"packed_{index}"))
    return by_month.group_by("nominal_id").agg(*sums)


def unpacked_months(packed: Frame, first: int, last: int, top: int) -> Frame:
    """``packed`` (:func:`packed_months`, with the same ``first``, ``last`` and ``top``) with
    ``count_{month}`` for each month first..last in place of the packed columns. Every packed
    number is below 2 ** ``PACKED_BITS``, so the divisions are exact even where a backend
    divides in floating point (Spark)."""
    bits, groups = _packing(first, last, top)
    counts = [((nw.col(f"packed_{index}") // (1 << (bits * position))) % (1 << bits)).alias(f"count_{month}")
              for index, group in enumerate(groups) for position, month in enumerate(group)]
    return packed.with_columns(*counts).drop(*(f"packed_{index}" for index in range(len(groups))))


CUSTODY_MONTHS = "custody_months"  # a carried column: the joining months on whose first day the person was in custody


def custody_months(spans: Frame, months: list[tuple[int, int]]) -> Frame:
    """nominal_id and ``CUSTODY_MONTHS``: the months of ``months`` (month, month_first_day, in
    order; at most ``WIDE_UP_TO``) on whose first day each person was in custody, as one
    number, the sum of 2 ** (the month's position in ``months``) (people never in custody on
    one are absent). A person's stays do not overlap (:func:`iomhub.metrics.custody.custody_spans`),
    so each month counts once. :func:`long_histories` turns it into each row's in_custody,
    so that the pool's custody is not looked up by joining its millions of person-months to the stays."""
    bit: nw.Expr = nw.lit(0)
    starts = literal_rows(spans, "month_first_day", [first_day for _, first_day in months])
    for position, (_, first_day) in enumerate(months):
        bit = nw.when(nw.col("month_first_day") == first_day).then(nw.lit(1 << position)).otherwise(bit)
    return (spans.select("nominal_id", "c_first", "c_last").join(starts, how="cross")
            .filter((nw.col("c_first") <= nw.col("month_first_day")) & (nw.col("c_last") >= nw.col("month_first_day")))
            .select("nominal_id", "month_first_day").unique()
            .group_by("nominal_id").agg(bit.cast(nw.Int64).sum().alias(CUSTODY_MONTHS)))


def _custody_bit(position: int) -> nw.Expr:
    """in_custody on the first day of the month at ``position`` (see :func:`custody_months`)."""
    return ((nw.col(CUSTODY_MONTHS).fill_null(0) // (1 << position)) % 2 == 1).alias("in_custody")


def _people(nominals: Frame) -> Frame:
    """Each person's gender, gender_code (a number per gender, for the exact matching key),
    area, birth_month and birth_day (the date of birth's day number, 0 when unknown)."""
    people = nominals.select("nominal_id", known("gender").alias("gender"), known("area").alias("area"),
                             month_index(nw.col("date_of_birth")).alias("birth_month"),
                             day_number(nw.col("date_of_birth")).fill_null(0).alias("birth_day"))
    genders = (people.select("gender").unique().with_row_index("gender_code", order_by=["gender"])
               .with_columns(nw.col("gender_code").cast(nw.Int64)))
    return people.join(genders, on="gender", how="inner")


def _profile(frame: Frame, people: Frame, spans: Frame | None) -> Frame:
    """Adds gender, gender_code, area, age (years, at the first of the month), birth_day (only
    to scramble the order of candidates) and in_custody on the first of the month; ``people``
    is :func:`_people`."""
    return _with_age(_in_custody(frame.join(people, on="nominal_id", how="left"), spans))


def _with_age(frame: Frame) -> Frame:
    return frame.with_columns(((nw.col("month") - nw.col("birth_month")) / 12.0).alias("age")).drop("birth_month")


def _in_custody(frame: Frame, spans: Frame | None, months: Frame | None = None) -> Frame:
    """Adds in_custody: whether the person was in custody on the first day of the month.
    ``months`` (month, month_first_day), if given, holds every month of the frame (and
    spares finding them among its rows)."""
    if spans is None:
        return frame.with_columns(nw.lit(False).alias("in_custody"))
    # Each stay against the (few) months of the frame: the people-months in custody, without
    # joining every row of the frame to the person's stays.
    if months is None:
        months = frame.select("month", "month_first_day").unique()
    held = (spans.select("nominal_id", "c_first", "c_last").join(months, how="cross")
            .filter((nw.col("c_first") <= nw.col("month_first_day")) & (nw.col("c_last") >= nw.col("month_first_day")))
            .select(person_month().alias("key")).unique().with_columns(nw.lit(True).alias("in_custody")))
    return (frame.with_columns(person_month().alias("key")).join(held, on="key", how="left")
            .with_columns(nw.col("in_custody").fill_null(False)).drop("key"))


def banded(column: str, bounds: tuple[int, ...]) -> nw.Expr:
    """The column as the lower bound of its band: ``bounds`` are the bands' lower bounds, in order."""
    value = nw.col(column)
    band: nw.Expr = nw.lit(0)
    for bound in bounds:
        band = nw.when(value >= bound).then(nw.lit(bound)).otherwise(band)
    return band.cast(nw.Int64)


LAST_BANDS = (0, 2, 3, 4, 7, 13)  # months since the last offence: 1, 2, 3, 4-6, 7-12, 13+


def recent_band(column: str = "recent") -> nw.Expr:
    """Recent offences as matched exactly: 0 to 5 as counted, then 6-7, 8-10 and 11 or more."""
    value = nw.col(column)
    return (nw.when(value >= 11).then(11).when(value >= 8).then(8).when(value >= 6).then(6)
            .otherwise(value).cast(nw.Int64))


def member_profiles(joined: Frame, history: Frame, people: Frame, spans: Frame | None) -> Frame:
    """Each eligible member with the matching variables as of the first day of their joining month
    (``history`` is :func:`histories` at the members' months; no offences: prior and recent 0)."""
    found = history.select(person_month().alias("key"), "prior", "recent", "months_since_last")
    out = (joined.with_columns(person_month().alias("key")).join(found, on="key", how="left").drop("key")
           .with_columns(nw.col(name).fill_null(0).cast(nw.Int64) for name in ("prior", "recent")))
    return _profile(out, people, spans)


def with_bands(frame: Frame) -> Frame:
    """Adds the banded matching variables: band (recent), last_band and prior_band, and
    ``cell``, the joining month and the three bands as one number (``HISTORY_CELL``)."""
    banded_frame = frame.with_columns(recent_band().alias("band"),
                                      banded("months_since_last", LAST_BANDS).fill_null(-1).alias("last_band"),
                                      banded("prior", PRIOR_BANDS).alias("prior_band"))
    # band is 0..11, last_band + 1 is 0..14 and prior_band 0..25: each fits its 4 or 5 bits.
    cell = ((nw.col("month") * 16 + nw.col("band")) * 32 + nw.col("last_band") + 1) * 32 + nw.col("prior_band")
    return banded_frame.with_columns(cell.alias("cell"))


HISTORY_CELL = ["month", "band", "last_band", "prior_band"]
EXACT = ["gender", *HISTORY_CELL, "in_custody"]
GENDER_KEYS = 1 << 10


def exact_key() -> nw.Expr:
    """The ``EXACT`` matching variables as one number: the history cell, the gender's number
    and custody (a frame with :func:`with_bands` and :func:`_profile`'s columns)."""
    return ((nw.col("cell") * GENDER_KEYS + nw.col("gender_code")) * 2
            + nw.col("in_custody").cast(nw.Int64)).alias("exact")


def candidate_profiles(joins: Frame, history: Frame, profiles: Frame, people: Frame, spans: Frame | None,
                       matching: Matching) -> Frame:
    """The comparison pool at each month in which members joined, as far as :func:`matches` may
    consider it: everyone who offended in the ``prior_months`` before it (someone with no
    offences could not match an IOM member) and whose matching variables fall in the exact
    cell (``EXACT``) of a member who joined that month (no one else could be matched), with
    joined_day, the day their first IOM episode started (null: never on IOM; ``pool="never"``
    keeps only those). Whether someone may be a member's comparison depends on the member's
    joining *day*, so it is decided pair by pair in :func:`matches`. ``profiles`` is
    :func:`member_profiles`, ``people`` :func:`_people`.

    Within each exact cell about ``CELL_RESERVOIR`` candidates are kept, all of them in a
    smaller cell: a candidate is kept when a scramble of their day of birth and the month
    (which has nothing to do with offending), as a fraction of its range, is under
    ``CELL_RESERVOIR`` / the cell's size. The pool (every offender at every joining month) is
    large; the kept candidates are about ``CELL_RESERVOIR`` per cell, and only they are given
    their age and area.
    """
    joined_on = joins.select("nominal_id", day_number(nw.col("anchor")).alias("joined_day"))
    history = history.drop(*[name for name in POOL_CARRY if name in history.columns])
    pool = (history if "gender_code" in history.columns else
            history.join(people.select("nominal_id", "gender_code", "birth_day"), on="nominal_id", how="left"))
    if matching.pool == "never":  # the cells are those of the pool left
        pool = pool.join(joined_on, on="nominal_id", how="anti").with_columns(
            nw.lit(None, nw.Int64).alias("joined_day"))
    if "in_custody" not in pool.columns:  # the pool's months are the members' joining months
        pool = _in_custody(pool, spans, profiles.select("month", "month_first_day").unique())
    exact_cells = with_bands(profiles).select(exact_key()).unique()
    scramble = (nw.col("birth_day") * 2654435761 + nw.col("month") * 40503) % 4294967291
    # Each cell's size is counted over the whole pool, and the cells of no member are dropped
    # after the scramble has thinned every cell: the same rows as dropping them first, with the
    # join to the members' cells on the thousands of rows kept, not the millions of the pool.
    kept = (with_bands(pool)
            .select("nominal_id", "month", "month_first_day", "prior", "recent", "months_since_last", "in_custody",
                    exact_key(), "birth_day", *(["joined_day"] if matching.pool == "never" else []))
            .with_columns(nw.col("nominal_id").count().over("exact").alias("cell_size"))
            .filter(scramble * nw.col("cell_size") < nw.lit(CELL_RESERVOIR * 4294967291))
            .join(exact_cells, on="exact", how="inner")
            .drop("cell_size", "birth_day"))
    if matching.pool != "never":
        kept = kept.join(joined_on, on="nominal_id", how="left")
    return _with_age(kept.join(people.select("nominal_id", "gender", "gender_code", "area", "birth_day",
                                             "birth_month"), on="nominal_id", how="left"))


def prior_spread() -> nw.Expr:
    """The standard deviation of members' prior offences, from exact whole-number sums (n, sum
    and sum of squares), so that it is the same to the last bit on every run and backend.

    A library's own standard deviation adds the rows up in the order they arrive, which a
    parallel join leaves different from run to run; its last bits then moved the distances,
    and mathematically equal distances were ranked by that noise, so the matches (and the
    estimate) changed from one run to the next on a unit where many people join IOM."""
    n = nw.len().cast(nw.Float64)
    total = nw.col("prior").sum().cast(nw.Float64)
    squares = (nw.col("prior") * nw.col("prior")).sum().cast(nw.Float64)
    return nw.when(nw.len() > 1).then(((n * squares - total * total) / (n * (n - 1.0))).sqrt())


DISTANCE_UNITS = 10**9  # distances are ranked rounded to this fraction of a unit


def matches(profiles: Frame, candidates: Frame, matching: Matching) -> Frame:
    """Up to ``neighbours`` comparison people per member: member_id, nominal_id, distance, weight.

    Eligible: not on IOM on the member's joining day (never on it, or joining later; people
    who join later stay in, see :func:`iomhub.metrics.effect_estimates.did_pct`) and never the
    member themselves. Exact on gender, joining month, banded recent offences, banded months
    since the last offence (``LAST_BANDS``), banded prior offences (``PRIOR_BANDS``) and
    custody status; then nearest on |prior difference| / (standard deviation of members'
    prior, at least 1) + |age difference| / 5 years + |months since last offence difference|
    / 6 + ``area_penalty`` when the area differs (a missing age counts as 5 years apart).
    Distances are compared in billionths (``DISTANCE_UNITS``), and ties go to the lower
    nominal_id: floating arithmetic leaves the last bits of mathematically equal distances
    different (an age difference of 30 months came to 0.49999999999999933, 3 months since the
    last offence to 0.5) and differently on each backend (Polars multiplies by the reciprocal
    where Spark divides), so ranking the raw values let that noise, not the rule, pick the
    match, and Spark's matches differed from Polars' on 100,000 nominals. The nearest
    candidate is always taken; the others only within ``caliper`` (so a member with few close
    candidates is not matched to far ones).

    ``candidates`` (:func:`candidate_profiles`) are about ``CELL_RESERVOIR`` per exact cell, so
    the pairs to rank are about members x ``CELL_RESERVOIR`` at most, and the cost is linear in
    members and candidates, whatever the shape of the unit.
    """
    caliper = round(matching.caliper * DISTANCE_UNITS)
    # Only the candidates within the caliper, and a member's nearest, can be kept: the others
    # are dropped before the ranking (a sort of each member's candidates). Within the caliper
    # their ranks are those among all (everyone beyond it is farther); a member with no one
    # within it keeps the first of the nearest, which is first among the nearest alone too.
    paired = (candidate_pairs(profiles, candidates, matching)
              .filter((nw.col("units") <= caliper) | (nw.col("units") == nw.col("units").min().over("member_id")))
              .with_columns(nw.col("units").cum_count()
                            .over("member_id", order_by=["units", "nominal_id"]).alias("rank"))
              .filter((nw.col("rank") <= matching.neighbours) & ((nw.col("rank") == 1) | (nw.col("units") <= caliper))))
    sizes = paired.group_by("member_id").agg(nw.len().alias("matched"))
    return (paired.join(sizes, on="member_id", how="left")
            .with_columns((1.0 / nw.col("matched")).alias("weight"))
            .select("member_id", "nominal_id", "distance", "weight"))


def candidate_pairs(profiles: Frame, candidates: Frame, matching: Matching) -> Frame:
    """Every eligible (member, candidate) pair of :func:`matches`: member_id, nominal_id,
    distance and units (the distance in ``DISTANCE_UNITS``, rounded), before the ranking."""
    spread = profiles.select(prior_spread().alias("spread"))
    left = (with_bands(profiles)
            .select(nw.col("nominal_id").alias("member_id"), exact_key(), "anchor_day",
                    nw.col("prior").alias("m_prior"), nw.col("age").alias("m_age"), nw.col("area").alias("m_area"),
                    nw.col("months_since_last").alias("m_last"))
            .join(spread, how="cross"))
    right = candidates.select("nominal_id", "exact", "joined_day", "prior", "age", "area",
                              nw.col("months_since_last").alias("last"))
    scale = nw.when(nw.col("spread") > 1).then(nw.col("spread")).otherwise(1.0)
    age_gap = nw.when(nw.col("age").is_null() | nw.col("m_age").is_null()).then(1.0).otherwise(
        (nw.col("age") - nw.col("m_age")).abs() / 5.0)
    last_gap = nw.when(nw.col("last").is_null() | nw.col("m_last").is_null()).then(0.0).otherwise(
        (nw.col("last") - nw.col("m_last")).abs() / 6.0)
    distance = ((nw.col("prior") - nw.col("m_prior")).abs() / scale + age_gap + last_gap
                + nw.when(nw.col("area") == nw.col("m_area")).then(0.0).otherwise(matching.area_penalty))
    eligible = ((nw.col("joined_day").is_null() | (nw.col("joined_day") > nw.col("anchor_day")))
                & (nw.col("nominal_id") != nw.col("member_id")))
    return (left.join(right, on="exact", how="inner")
            .filter(eligible)
            .with_columns(distance.alias("distance"))
            .with_columns((nw.col("distance") * float(DISTANCE_UNITS) + 0.5).cast(nw.Int64).alias("units"))
            .select("member_id", "nominal_id", "distance", "units"))


def comparison_outcomes(paired: Frame, joined: Frame, joins: Frame, offences: Frame,
                        spans: Frame | None, data_first: int | None = None, most: int | None = None) -> Frame:
    """The matched people's windows, anchored on their member's joining day, with
    iom_days_after and iom_offences_after: the days of their after window on or after their
    own joining of IOM, and their offences on those days (people who join later stay in the
    comparison; see :func:`iomhub.metrics.effect_estimates.did_pct`)."""
    anchors = joined.select(nw.col("nominal_id").alias("member_id"), "anchor_day", "before_first",
                            "after_last", "month_first_day")
    pairs = paired.join(anchors, on="member_id", how="inner")
    joined_on = joins.select("nominal_id", day_number(nw.col("anchor")).alias("joined_day"))
    first_iom = nw.max_horizontal(nw.col("joined_day"), nw.col("anchor_day"))
    on_iom = ~nw.col("joined_day").is_null() & (first_iom <= nw.col("after_last"))
    pairs = (pairs.join(joined_on, on="nominal_id", how="left")
             .with_columns(nw.when(on_iom).then(nw.col("after_last") - first_iom + 1).otherwise(0).cast(nw.Int64)
                           .alias("iom_days_after"),
                           nw.when(on_iom).then(first_iom).alias("iom_from")))
    # Each pair is one integer, member_id and nominal_id (person numbers) side by side: the
    # pairs are grouped and joined on one column, not two.
    pairs = pairs.with_columns((nw.col("member_id") * PAIR_KEYS + nw.col("nominal_id")).alias("pair"))
    outcomes = window_outcomes(pairs, ["pair"], offences, spans, data_first,
                               carry=["member_id", "nominal_id", "distance", "weight", "iom_days_after"],
                               iom_from="iom_from", most=most)
    return outcomes.select("member_id", "nominal_id", "distance", "weight", *WINDOW_COLUMNS, *LAG_COLUMNS,
                           JOINING_MONTH, EARLIER, "iom_days_after", "iom_offences_after")


POOL_CARRY = ("joined_day", "birth_month", "female")  # carried on the histories for the pool's balance sums
MATCHED_VARIABLES = ("prior", "recent", "months_since_last", "age", "female")
BALANCE_VARIABLES = (*MATCHED_VARIABLES, "offences_before", "risk_days_before", *LAG_COLUMNS, JOINING_MONTH,
                     EARLIER)


def balance_sums(profiles: Frame, history: Frame, member_outcomes: Frame, compared: Frame, candidates: Frame,
                 materialise: Callable[[Frame], Frame] = lambda frame: frame) -> Frame:
    """Sums for the balance diagnostics, per group (members, pool, matched) and variable.

    Columns group, variable, member_id (of a matched set; null otherwise), count, total (sum
    of x) and squares (sum of x^2). The members are those who were matched (the estimate is
    theirs). The pool is everyone with offences in the two years before a month in which
    members joined, not on IOM by the end of that month (before matching); it has no
    windows, so the window and lagged-quarter variables are compared only after matching.
    Every value is a whole number (age in months), so the sums are exact whatever order a
    backend adds them in; :func:`iomhub.metrics.effect_estimates.balance_rows` weighs the
    matched sets. ``history`` carries ``POOL_CARRY`` (:func:`effect_tables`).
    """
    female = (nw.col("gender") == "female").cast(nw.Int64).alias("female")
    age = (nw.col("age") * 12.0).round(0).alias("age")
    windowed = ["offences_before", "risk_days_before", *LAG_COLUMNS, JOINING_MONTH, EARLIER]
    matched_members = compared.select(nw.col("member_id").alias("nominal_id")).unique()
    member_rows = (profiles.join(member_outcomes.select("nominal_id", *windowed), on="nominal_id", how="inner")
                   .join(matched_members, on="nominal_id", how="inner")
                   .with_columns(female, age, nw.lit(None, nw.Int64).alias("member_id")))
    months = profiles.select(nw.col("nominal_id").alias("member_id"), "month")
    found = candidates.with_columns(person_month().alias("key")).drop("joined_day", "nominal_id", "month")
    matched_rows = (compared.join(months, on="member_id", how="inner")
                    .with_columns(person_month().alias("key"))
                    .join(found, on="key", how="inner")
                    .with_columns(female, age))
    parts = {("pool", variable): frame for variable, frame in _pool_sums(history, materialise).items()}
    for group, rows in (("members", member_rows), ("matched", matched_rows)):
        # Every variable's sums in one pass over the rows (a variable's count is of the rows
        # where it is known); a set with no known value of a variable has no row for it.
        aggregates = []
        for variable in BALANCE_VARIABLES:
            value = nw.col(variable).cast(nw.Float64)
            aggregates += [value.count().alias(f"count_{variable}"), value.sum().alias(f"total_{variable}"),
                           (value * value).sum().alias(f"squares_{variable}")]
        sums = materialise(rows.group_by("member_id").agg(*aggregates).sort("member_id"))
        parts.update(((group, variable), sums.filter(nw.col(f"count_{variable}") > 0)
                      .select(nw.lit(group).alias("group"), nw.lit(variable).alias("variable"), "member_id",
                              nw.col(f"count_{variable}").cast(nw.Int64).alias("count"),
                              nw.col(f"total_{variable}").alias("total"),
                              nw.col(f"squares_{variable}").alias("squares")))
                     for variable in BALANCE_VARIABLES)
    # In the order the estimates read them (group, variable, member_id), on a backend that keeps
    # the order of rows: the report then need not sort the million rows (``_in_estimate_order``).
    return nw.concat([parts[key] for key in sorted(parts)], how="vertical")


def _pool_sums(history: Frame, materialise: Callable[[Frame], Frame] = lambda frame: frame) -> dict[str, Frame]:
    """The pool's balance sums (one row per variable), from the histories alone: each person-month carries the
    person's joined_day, birth_month and female (``POOL_CARRY``, :func:`effect_tables`), so
    the pool is found and its ages and genders summed without joining the person-months to
    anyone. Ages are in whole months, so every sum is an exact whole number (the same to the
    last bit as summing per person first). Every variable is summed in one pass over the
    person-months (a variable's count is of the rows where it is known)."""
    pool = history.filter(nw.col("joined_day").is_null() | (nw.col("joined_day") > nw.col("month_first_day") + 30))
    values = {name: nw.col(name).cast(nw.Float64) for name in ("prior", "recent", "months_since_last")}
    values["age"] = nw.col("month") - nw.col("birth_month")
    sums = [aggregate for name, value in values.items()
            for aggregate in (value.count().cast(nw.Int64).alias(f"count_{name}"),
                              value.sum().cast(nw.Float64).alias(f"total_{name}"),
                              (value * value).sum().cast(nw.Float64).alias(f"squares_{name}"))]
    female = nw.col("female").sum().cast(nw.Float64)
    sums += [nw.len().cast(nw.Int64).alias("count_female"), female.alias("total_female"),
             female.alias("squares_female")]
    found = materialise(pool.select(*sums))
    return {name: found.select(nw.lit("pool").alias("group"), nw.lit(name).alias("variable"),
                               nw.lit(None, nw.Int64).alias("member_id"), nw.col(f"count_{name}").alias("count"),
                               nw.col(f"total_{name}").alias("total"), nw.col(f"squares_{name}").alias("squares"))
            for name in (*values, "female")}


PAIR_COLUMNS = ("offences_before", "risk_days_before", "offences_after", "risk_days_after", "iom_offences_after",
                "iom_days_after")


def matched_sets(member_outcomes: Frame, compared: Frame) -> Frame:
    """One row per matched member: their window figures, how many comparison people they have
    and those people's totals (whole numbers, so exact on every backend; the estimates take
    each set's comparison as the mean, total / comparisons)."""
    weighted = (compared.group_by("member_id")
                .agg(nw.len().alias("comparisons"),
                     *[nw.col(name).sum().alias(f"comparison_{name}")
                       for name in (*WINDOW_COLUMNS, "iom_days_after")]))
    return (member_outcomes.select(nw.col("nominal_id").alias("member_id"), "scheme", *WINDOW_COLUMNS)
            .join(weighted, on="member_id", how="inner"))


@dataclass
class EffectTables:
    """The lazy per-person tables the estimates need, and the side tables.

    ``pairs`` has one row per (member, comparison person): member_id, nominal_id and that
    person's window figures (``PAIR_COLUMNS``), for the interval that allows for people
    used in several members' sets. ``balance`` (:func:`balance_sums`) keeps member_id as a
    person number (:func:`person_numbers`: in the order of nominal_id), which is all the
    balance needs of it: its million rows at 1,000,000 nominals are not given their text ids."""

    members: Frame
    sets: Frame
    pairs: Frame
    comparison_people: Frame
    balance: Frame
    windows: Frame


def effect_tables(cohort: Frame, offences: Frame, spans: Frame | None, nominals: Frame,
                  matching: Matching, first_day: date, last_day: date,
                  materialise: Callable[[Frame], Frame] = lambda frame: frame) -> EffectTables:
    """Everything the effect estimates need, lazily, on whichever backend the frames live.

    ``spans`` is :func:`iomhub.metrics.custody.custody_spans` (None: no custody data).
    ``materialise`` is applied to the intermediate tables that several others read.

    Complexity, for P people with offences, O offences, M members and J joining months: the
    histories cost O(person-months of offending x prior_months) (not x J), the matching
    O(M x CELL_RESERVOIR) pairs plus one pass over the candidate histories, and the window
    counts O(O + pairs): near-linear in people and offences.
    """
    # nominals numbered where they are, not joined to their numbers.
    numbered_nominals = materialise(person_numbers(nominals, "gender", "area", "date_of_birth"))
    ids = numbered_nominals.select("nominal_id", "person")

    def numbered(frame: Frame, *columns: str) -> Frame:
        return (frame.select("nominal_id", *columns).join(ids, on="nominal_id", how="inner")
                .drop("nominal_id").rename({"person": "nominal_id"}))

    offences = materialise(dated_offences(numbered(offences, "offence_date")))
    spans = None if spans is None else materialise(numbered(spans, "c_first", "c_last", "last_date"))
    people = materialise(_people(numbered_nominals.drop("nominal_id").rename({"person": "nominal_id"})))
    joins = materialise(first_joins(numbered(cohort, "start_date", "scheme")))
    fit = materialise(window_fit(joins, matching.months, first_day, last_day))
    joined = fit.filter(nw.col("status") == "eligible").drop("status")
    # The most offences of any one person: no count of offences in a window can be larger.
    most = int(offences.group_by("nominal_id").agg(nw.len().alias("offences")).select(nw.col("offences").max())
               .collect().item() or 0)
    outcomes = materialise(joined.join(window_outcomes(joined, ["nominal_id"], offences, spans, epoch_day(first_day),
                                                       most=most),
                                       on="nominal_id", how="inner"))
    months = materialise(joined.select("month", "month_first_day").unique())
    joining_months = [(int(row[0]), int(row[1])) for row in months.collect().iter_rows()]
    # What the pool's cells need (gender_code, birth_day) and what its balance sums need
    # (``POOL_CARRY``), on every person-month of the histories.
    joined_on = joins.select("nominal_id", day_number(nw.col("anchor")).alias("joined_day"))
    carry = (people.select("nominal_id", "gender_code", "birth_day", "birth_month",
                           (nw.col("gender") == "female").cast(nw.Int64).alias("female"))
             .join(joined_on, on="nominal_id", how="left"))
    if 0 < len(joining_months) <= WIDE_UP_TO:
        if spans is not None:  # the pool's custody on the first of each month, carried (custody_months)
            carry = carry.join(custody_months(spans, sorted(joining_months)), on="nominal_id", how="left")
        reach = history_reach(sorted(joining_months), matching)
        # Left lazy: each reader takes its columns from the materialised row per person,
        # rather than all of them being written out once for millions of person-months.
        wide = wide_histories(monthly_offences(offences, *reach), sorted(joining_months), matching, carry,
                              materialise)
        history = long_histories(wide, sorted(joining_months))
        members_history = histories_of(wide, joined, sorted(joining_months))
    else:
        history = members_history = materialise(histories(monthly_offences(offences), months, matching, carry))
    profiles = materialise(member_profiles(joined, members_history, people, spans))
    candidates = materialise(candidate_profiles(joins, history, profiles, people, spans, matching))
    paired = materialise(matches(profiles, candidates, matching))
    compared = materialise(comparison_outcomes(paired, joined, joins, offences, spans, epoch_day(first_day), most))
    # The ids of the members and the comparison people only: the output tables are named by
    # joins to these thousands of rows, not to every nominal's.
    named = _namer(materialise(ids.join(
        nw.concat([outcomes.select(nw.col("nominal_id").alias("person")),
                   compared.select(nw.col("nominal_id").alias("person"))], how="vertical").unique(),
        on="person", how="semi")))
    return EffectTables(
        members=named(outcomes.select("nominal_id", "scheme", "anchor", *WINDOW_COLUMNS, *LAG_COLUMNS, JOINING_MONTH),
                      "nominal_id"),
        sets=named(matched_sets(outcomes, compared), "member_id"),
        pairs=named(compared.select("member_id", "nominal_id", *PAIR_COLUMNS, *LAG_COLUMNS, JOINING_MONTH),
                    "member_id", "nominal_id"),
        comparison_people=named(compared.select("nominal_id").unique(), "nominal_id"),
        balance=balance_sums(profiles, history, outcomes, compared, candidates, materialise),
        windows=window_counts(fit))


def _namer(ids: Frame) -> Callable[..., Frame]:
    """A function giving a frame's person-number columns back their nominal_id (null stays null)."""
    def named(frame: Frame, *columns: str) -> Frame:
        order = frame.columns
        for column in columns:
            names = ids.select(nw.col("person").alias(column), nw.col("nominal_id").alias("__name"))
            frame = frame.join(names, on=column, how="left").drop(column).rename({"__name": column})
        return frame.select(order)
    return named


def fixed_period_outcomes(performance: Frame, spans: Frame | None, baseline: Span, period: Span) -> Frame:
    """The performance cohort's days at liberty in the baseline and the period.

    Columns: nominal_id, scheme, offences_before, offences_after, risk_days_before,
    risk_days_after (days of the span minus days in custody in it, from the union of the
    person's custody records, never below 0).
    """
    out = performance.select("nominal_id", "scheme", "offences_before", "offences_after")
    sides = {"before": baseline, "after": period}
    custody_days = [f"custody_days_{side}" for side in sides]
    if spans is None:
        out = out.with_columns(nw.lit(0).cast(nw.Int64).alias(name) for name in custody_days)
    else:  # both spans' days in custody from one join of the cohort to the stays
        bounded = out.select("nominal_id").with_columns(
            bound for side, span in sides.items() for bound in (nw.lit(epoch_day(span.start)).alias(f"{side}_first"),
                                                                nw.lit(epoch_day(span.end)).alias(f"{side}_last")))
        held = custody.days_in_custody_by_side(bounded, ["nominal_id"], spans,
                                               {side: (f"{side}_first", f"{side}_last") for side in sides})
        out = (out.join(held, on="nominal_id", how="left")
               .with_columns(nw.col(name).fill_null(0) for name in custody_days))
    return out.with_columns(
        (nw.lit(epoch_day(span.end) - epoch_day(span.start) + 1) - nw.col(f"custody_days_{side}"))
        .clip(lower_bound=0).cast(nw.Int64).alias(f"risk_days_{side}") for side, span in sides.items()
    ).select("nominal_id", "scheme", "offences_before", "offences_after", "risk_days_before",
             "risk_days_after")
