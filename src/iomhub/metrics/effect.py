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
- ``matched_did``: each member is matched to up to ``neighbours`` people who were never on
  IOM and looked like them when they joined: the same gender, the same number of offences in
  the ``recent_months`` before the month of joining (the usual reason for being chosen),
  the same custody status at that month, and the nearest on offences in the
  ``prior_months`` before it, months since their last offence, age and area. The comparison
  people's windows are anchored on the member's joining day. The estimate is the difference
  in differences on the rate scale: (member rate ratio / comparison rate ratio - 1) x 100,
  where a rate ratio is rate after / rate before, at liberty (Justice Data Lab's approach,
  Ministry of Justice, *Justice Data Lab: methodology paper*, 2013, with nearest-neighbour
  matching on the prognostic variables instead of a propensity score).

Windows (day numbers; intervals inclusive): a person who joined on day A (the start of their
first IOM episode) has the *before* window from the same day N months earlier to A - 1 and
the *after* window from A to the day before the same day N months later. People whose
windows do not fit inside the data (start at least N months after the data begin and end
N months before they end) are left out and counted.

All the frames here are lazy Narwhals frames; the estimates themselves (and their 95%
intervals, by resampling matched sets with :mod:`iomhub.metrics.uncertainty`) are computed
by :func:`estimates` from the collected per-person tables.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import narwhals as nw
import numpy as np

from iomhub.domain.dates import Span, epoch_day
from iomhub.metrics.common import Frame, as_int, count_true, day_number, known, month_index, months_later
from iomhub.metrics.uncertainty import Floats, Resampling, interval, rate_change_pct

METHODS = ("naive", "time_at_risk", "matched_did")
WINDOW_COLUMNS = ("offences_before", "offences_after", "days_before", "days_after",
                  "custody_days_before", "custody_days_after", "risk_days_before", "risk_days_after")
FEW_PEOPLE = 60  # Justice Data Lab will not report on fewer than 60 people
GOOD_BALANCE = 0.1  # an absolute standardised mean difference under 0.1 is negligible (Austin, 2009)
MATCHED_SHARE = 0.8  # below this share of members matched, the comparison describes a different group


@dataclass(frozen=True)
class Matching:
    """How comparison people are found: window length and the matching variables."""

    months: int = 12
    neighbours: int = 5
    prior_months: int = 24
    recent_months: int = 6
    area_penalty: float = 0.5  # a different area counts like this many standard units of distance
    pool: str = "not_yet"  # comparison people: "not_yet" on IOM at the joining month, or "never" on it

    def __post_init__(self) -> None:
        if not 1 <= self.months <= 60:
            raise ValueError("the windows before and after joining are 1 to 60 months long")
        if not 1 <= self.neighbours <= 20:
            raise ValueError("each member is matched to 1 to 20 comparison people")
        if self.pool not in ("not_yet", "never"):
            raise ValueError("the comparison pool is 'not_yet' (on IOM) or 'never'")
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
    """Adds anchor_day, before_first, after_last (day numbers) and month (of the anchor)."""
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


def window_outcomes(pairs: Frame, keys: list[str], offences: Frame, custody: Frame | None,
                    last_day: date) -> Frame:
    """Offences, days and days at liberty in each pair's before and after windows.

    ``pairs`` has ``keys`` (which include nominal_id), anchor_day, before_first and
    after_last. A custody period still open counts until ``last_day``. Days at risk are the
    window's days minus the custody days in it (never below 0).
    """
    anchor, first, last = nw.col("anchor_day"), nw.col("before_first"), nw.col("after_last")
    windows = pairs.select(*keys, "anchor_day", "before_first", "after_last")
    dated = offences.select("nominal_id", day_number(nw.col("offence_date")).alias("day"))
    counted = (windows.join(dated, on="nominal_id", how="inner")
               .filter((nw.col("day") >= first) & (nw.col("day") <= last))
               .group_by(*keys)
               .agg(count_true(nw.col("day") < anchor).alias("offences_before"),
                    count_true(nw.col("day") >= anchor).alias("offences_after")))
    out = windows.join(counted, on=keys, how="left")
    if custody is not None:
        periods = custody.select(
            "nominal_id", day_number(nw.col("start_date")).alias("c_first"),
            nw.coalesce(day_number(nw.col("end_date")), nw.lit(epoch_day(last_day))).alias("c_last"))

        def overlap(lo: nw.Expr, hi: nw.Expr) -> nw.Expr:
            days = (nw.min_horizontal(nw.col("c_last"), hi) - nw.max_horizontal(nw.col("c_first"), lo) + 1)
            return nw.when(days > 0).then(days).otherwise(0)

        held = (windows.join(periods, on="nominal_id", how="inner")
                .group_by(*keys)
                .agg(overlap(first, anchor - 1).sum().alias("custody_days_before"),
                     overlap(anchor, last).sum().alias("custody_days_after")))
        out = out.join(held, on=keys, how="left")
    else:
        out = out.with_columns(nw.lit(0).alias("custody_days_before"), nw.lit(0).alias("custody_days_after"))
    counts = ("offences_before", "offences_after", "custody_days_before", "custody_days_after")
    out = out.with_columns(nw.col(name).fill_null(0).cast(nw.Int64) for name in counts)
    out = out.with_columns((anchor - first).alias("days_before"), (last - anchor + 1).alias("days_after"))
    at_risk = [(nw.col(f"days_{side}") - nw.col(f"custody_days_{side}")).alias(f"risk_days_{side}")
               for side in ("before", "after")]
    out = out.with_columns(at_risk).with_columns(
        nw.when(nw.col(f"risk_days_{side}") > 0).then(nw.col(f"risk_days_{side}")).otherwise(0)
        .cast(nw.Int64).alias(f"risk_days_{side}") for side in ("before", "after"))
    return out.select(*keys, *WINDOW_COLUMNS)


def monthly_offences(offences: Frame) -> Frame:
    """nominal_id, month (index) and offences that month."""
    return (offences.select("nominal_id", month_index(nw.col("offence_date")).alias("offence_month"))
            .group_by("nominal_id", "offence_month").agg(nw.len().alias("offences"))
            .with_columns(*as_int("offences")))


def _history(frame: Frame, keys: list[str], matching: Matching) -> Frame:
    """prior, recent and months_since_last from rows of (keys, month, offence_month, offences)."""
    in_prior = (nw.col("offence_month") >= nw.col("month") - matching.prior_months) & (
        nw.col("offence_month") < nw.col("month"))
    recent = nw.col("offence_month") >= nw.col("month") - matching.recent_months
    return (frame.filter(in_prior).group_by(*keys)
            .agg(nw.col("offences").sum().alias("prior"),
                 nw.when(recent).then(nw.col("offences")).otherwise(0).sum().alias("recent"),
                 (nw.col("month") - nw.col("offence_month")).min().alias("months_since_last"))
            .with_columns(*as_int("prior", "recent", "months_since_last")))


def _profile(frame: Frame, nominals: Frame, custody: Frame | None) -> Frame:
    """Adds gender, area, age (years, at the first of the month) and in_custody at that day."""
    people = nominals.select("nominal_id", known("gender").alias("gender"), known("area").alias("area"),
                             month_index(nw.col("date_of_birth")).alias("birth_month"))
    out = (frame.join(people, on="nominal_id", how="left")
           .with_columns(((nw.col("month") - nw.col("birth_month")) / 12.0).alias("age"))
           .drop("birth_month"))
    if custody is None:
        return out.with_columns(nw.lit(False).alias("in_custody"))
    held = (out.select("nominal_id", "month", "month_first_day")
            .join(custody.select("nominal_id", day_number(nw.col("start_date")).alias("c_first"),
                                 day_number(nw.col("end_date")).alias("c_last")),
                  on="nominal_id", how="inner")
            .filter((nw.col("c_first") <= nw.col("month_first_day"))
                    & (nw.col("c_last").is_null() | (nw.col("c_last") >= nw.col("month_first_day"))))
            .select("nominal_id", "month").unique().with_columns(nw.lit(True).alias("in_custody")))
    return (out.join(held, on=["nominal_id", "month"], how="left")
            .with_columns(nw.col("in_custody").fill_null(False)))


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


def member_profiles(joined: Frame, offences_by_month: Frame, nominals: Frame, custody: Frame | None,
                    matching: Matching) -> Frame:
    """Each eligible member with the matching variables as of the first day of their joining month."""
    keys = joined.select("nominal_id", "month", "month_first_day")
    history = _history(keys.join(offences_by_month, on="nominal_id", how="inner"),
                       ["nominal_id"], matching)
    out = (joined.join(history, on="nominal_id", how="left")
           .with_columns(nw.col(name).fill_null(0).cast(nw.Int64) for name in ("prior", "recent")))
    return _profile(out, nominals, custody)


def candidate_profiles(joins: Frame, joined: Frame, offences_by_month: Frame, nominals: Frame,
                       custody: Frame | None, matching: Matching) -> Frame:
    """The comparison pool at each month in which members joined: people not yet on IOM at its
    first day (``pool="not_yet"``) or never on it (``"never"``), if they offended in the
    ``prior_months`` before it (someone with no offences could not match an IOM member).
    ``joins`` is :func:`first_joins` of the cohort."""
    months = joined.select("month", "month_first_day").unique()
    window = ((nw.col("offence_month") >= nw.col("month") - matching.prior_months)
              & (nw.col("offence_month") < nw.col("month")))
    if matching.pool == "never":
        never = offences_by_month.join(joins.select("nominal_id"), on="nominal_id", how="anti")
        pairs = never.join(months, how="cross").filter(window)
    else:
        joined_on = joins.select("nominal_id", day_number(nw.col("anchor")).alias("joined_day"))
        pairs = (offences_by_month.join(months, how="cross").filter(window)
                 .join(joined_on, on="nominal_id", how="left")
                 .filter(nw.col("joined_day").is_null() | (nw.col("joined_day") > nw.col("month_first_day")))
                 .drop("joined_day"))
    history = _history(pairs, ["nominal_id", "month", "month_first_day"], matching)
    return _profile(history, nominals, custody)


def matches(profiles: Frame, candidates: Frame, matching: Matching) -> Frame:
    """Up to ``neighbours`` comparison people per member: member_id, nominal_id, distance, weight.

    Exact on gender, joining month, banded recent offences, banded months since the last
    offence (``LAST_BANDS``: it keeps the join small and the recency balanced) and custody
    status; then nearest on
    |prior difference| / (standard deviation of members' prior, at least 1) + |age difference|
    / 10 years + |months since last offence difference| / 6 + ``area_penalty`` when the area
    differs (a missing age counts as 10 years apart). Ties go to the lower nominal_id.
    """
    exact = ["gender", "month", "band", "last_band", "in_custody"]
    bands = [recent_band().alias("band"),
             banded("months_since_last", LAST_BANDS).fill_null(-1).alias("last_band")]
    spread = profiles.select(nw.col("prior").std().alias("spread"))
    left = (profiles.select(nw.col("nominal_id").alias("member_id"), "gender", "month", "in_custody", *bands,
                            nw.col("prior").alias("m_prior"), nw.col("age").alias("m_age"),
                            nw.col("area").alias("m_area"), nw.col("months_since_last").alias("m_last"))
            .join(spread, how="cross"))
    right = candidates.select("nominal_id", "gender", "month", "in_custody", *bands,
                              "prior", "age", "area", nw.col("months_since_last").alias("last"))
    scale = nw.when(nw.col("spread") > 1).then(nw.col("spread")).otherwise(1.0)
    age_gap = nw.when(nw.col("age").is_null() | nw.col("m_age").is_null()).then(1.0).otherwise(
        (nw.col("age") - nw.col("m_age")).abs() / 10.0)
    last_gap = nw.when(nw.col("last").is_null() | nw.col("m_last").is_null()).then(0.0).otherwise(
        (nw.col("last") - nw.col("m_last")).abs() / 6.0)
    distance = ((nw.col("prior") - nw.col("m_prior")).abs() / scale + age_gap + last_gap
                + nw.when(nw.col("area") == nw.col("m_area")).then(0.0).otherwise(matching.area_penalty))
    paired = (left.join(right, on=exact, how="inner")
              .with_columns(distance.alias("distance"))
              .with_columns(nw.col("distance").cum_count()
                            .over("member_id", order_by=["distance", "nominal_id"]).alias("rank"))
              .filter(nw.col("rank") <= matching.neighbours))
    sizes = paired.group_by("member_id").agg(nw.len().alias("matched"))
    return (paired.join(sizes, on="member_id", how="left")
            .with_columns((1.0 / nw.col("matched")).alias("weight"))
            .select("member_id", "nominal_id", "distance", "weight"))


def comparison_outcomes(paired: Frame, joined: Frame, cohort_joins: Frame, offences: Frame,
                        custody: Frame | None, last_day: date) -> Frame:
    """The matched people's windows, anchored on their member's joining day, with
    iom_days_after: the days of their after window on or after their own joining of IOM
    (people who join later stay in the comparison; see :func:`did_pct`)."""
    anchors = joined.select(nw.col("nominal_id").alias("member_id"), "anchor_day", "before_first",
                            "after_last")
    pairs = paired.join(anchors, on="member_id", how="inner")
    joins = cohort_joins.select("nominal_id", day_number(nw.col("anchor")).alias("joined_day"))
    first_iom = nw.max_horizontal(nw.col("joined_day"), nw.col("anchor_day"))
    on_iom = (nw.when(~nw.col("joined_day").is_null() & (first_iom <= nw.col("after_last")))
              .then(nw.col("after_last") - first_iom + 1).otherwise(0).cast(nw.Int64))
    pairs = (pairs.join(joins, on="nominal_id", how="left")
             .with_columns(on_iom.alias("iom_days_after")).drop("joined_day"))
    outcomes = window_outcomes(pairs, ["member_id", "nominal_id"], offences, custody, last_day)
    return (paired.join(outcomes, on=["member_id", "nominal_id"], how="inner")
            .join(pairs.select("member_id", "nominal_id", "iom_days_after"), on=["member_id", "nominal_id"],
                  how="inner"))


BALANCE_VARIABLES = ("prior", "recent", "months_since_last", "age", "female", "offences_before",
                     "risk_days_before")


def balance_sums(profiles: Frame, candidates: Frame, joined_outcomes: Frame, compared: Frame) -> Frame:
    """Sums for the balance diagnostics, per group (members, pool, matched) and variable.

    Columns group, variable, member_id (of a matched set; null otherwise), count, total (sum
    of x) and squares (sum of x^2). The pool is every candidate at the members' joining months
    (before matching); it has no windows, so offences_before and risk_days_before are compared
    only after matching. Every value is a whole number (age in months), so the sums are exact
    whatever order a backend adds them in; :func:`balance_rows` weighs the matched sets.
    """
    female = (nw.col("gender") == "female").cast(nw.Int64).alias("female")
    age = (nw.col("age") * 12.0).round(0).alias("age")
    member_rows = (profiles.join(joined_outcomes.select("nominal_id", "offences_before", "risk_days_before"),
                                 on="nominal_id", how="inner")
                   .with_columns(female, age, nw.lit(None, nw.String).alias("member_id")))
    months = profiles.select(nw.col("nominal_id").alias("member_id"), "month")
    matched_rows = (compared.join(months, on="member_id", how="inner")
                    .join(candidates, on=["nominal_id", "month"], how="inner")
                    .with_columns(female, age))
    pool_rows = (candidates.join(profiles.select("month").unique(), on="month", how="inner")
                 .with_columns(female, age, nw.lit(None, nw.String).alias("member_id")))
    parts = []
    for group, rows, variables in (("members", member_rows, BALANCE_VARIABLES),
                                   ("matched", matched_rows, BALANCE_VARIABLES),
                                   ("pool", pool_rows, BALANCE_VARIABLES[:5])):
        for variable in variables:
            value = nw.col(variable).cast(nw.Float64)
            parts.append(rows.filter(~value.is_null()).group_by("member_id").agg(
                nw.len().alias("count"), value.sum().alias("total"), (value * value).sum().alias("squares"))
                .select(nw.lit(group).alias("group"), nw.lit(variable).alias("variable"), "member_id",
                        nw.col("count").cast(nw.Int64), "total", "squares"))
    return nw.concat(parts, how="vertical")


def matched_sets(joined_outcomes: Frame, compared: Frame) -> Frame:
    """One row per matched member: their window figures, how many comparison people they have
    and those people's totals (whole numbers, so exact on every backend; :func:`estimates`
    takes each set's comparison as the mean, total / comparisons)."""
    weighted = (compared.group_by("member_id")
                .agg(nw.len().alias("comparisons"),
                     *[nw.col(name).sum().alias(f"comparison_{name}")
                       for name in (*WINDOW_COLUMNS, "iom_days_after")]))
    return (joined_outcomes.select(nw.col("nominal_id").alias("member_id"), "scheme", *WINDOW_COLUMNS)
            .join(weighted, on="member_id", how="inner"))


@dataclass
class EffectTables:
    """The lazy per-person tables :func:`estimates` needs, and the side tables."""

    members: Frame
    sets: Frame
    comparison_people: Frame
    balance: Frame
    windows: Frame


def effect_tables(cohort: Frame, offences: Frame, custody: Frame | None, nominals: Frame,
                  matching: Matching, first_day: date, last_day: date,
                  materialise: Callable[[Frame], Frame] = lambda frame: frame) -> EffectTables:
    """Everything the effect estimates need, lazily, on whichever backend the frames live.

    ``materialise`` is applied to the intermediate tables that several others read.
    """
    joins = materialise(first_joins(cohort))
    fit = materialise(window_fit(joins, matching.months, first_day, last_day))
    joined = fit.filter(nw.col("status") == "eligible").drop("status")
    outcomes = materialise(joined.join(window_outcomes(joined, ["nominal_id"], offences, custody, last_day),
                                       on="nominal_id", how="inner"))
    by_month = materialise(monthly_offences(offences))
    profiles = materialise(member_profiles(joined, by_month, nominals, custody, matching))
    candidates = materialise(candidate_profiles(joins, joined, by_month, nominals, custody, matching))
    paired = materialise(matches(profiles, candidates, matching))
    compared = materialise(comparison_outcomes(paired, joined, joins, offences, custody, last_day))
    return EffectTables(
        members=outcomes.select("nominal_id", "scheme", "anchor", *WINDOW_COLUMNS),
        sets=matched_sets(outcomes, compared),
        comparison_people=compared.select("nominal_id").unique(),
        balance=balance_sums(profiles, candidates, outcomes, compared),
        windows=window_counts(fit))


def fixed_period_outcomes(performance: Frame, custody: Frame | None, baseline: Span, period: Span) -> Frame:
    """The performance cohort's days at liberty in the baseline and the period.

    Columns: nominal_id, scheme, offences_before, offences_after, risk_days_before,
    risk_days_after (days of the span minus days in custody in it, never below 0).
    """
    out = performance.select("nominal_id", "scheme", "offences_before", "offences_after")
    spans = {"before": baseline, "after": period}
    if custody is None:
        held = out.select("nominal_id").with_columns(
            *[nw.lit(0).cast(nw.Int64).alias(f"custody_days_{side}") for side in spans])
    else:
        periods = custody.select(
            "nominal_id", day_number(nw.col("start_date")).alias("c_first"),
            nw.coalesce(day_number(nw.col("end_date")), nw.lit(epoch_day(period.end))).alias("c_last"))
        overlaps = []
        for side, span in spans.items():
            days = (nw.min_horizontal(nw.col("c_last"), nw.lit(epoch_day(span.end)))
                    - nw.max_horizontal(nw.col("c_first"), nw.lit(epoch_day(span.start))) + 1)
            overlaps.append(nw.when(days > 0).then(days).otherwise(0).sum().alias(f"custody_days_{side}"))
        held = (out.select("nominal_id").join(periods, on="nominal_id", how="inner")
                .group_by("nominal_id").agg(*overlaps))
    out = out.join(held, on="nominal_id", how="left")
    return out.with_columns(
        (nw.lit(epoch_day(span.end) - epoch_day(span.start) + 1) - nw.col(f"custody_days_{side}").fill_null(0))
        .clip(lower_bound=0).cast(nw.Int64).alias(f"risk_days_{side}") for side, span in spans.items()
    ).select("nominal_id", "scheme", "offences_before", "offences_after", "risk_days_before",
             "risk_days_after")


# --- Estimates from the collected tables -------------------------------------------------------


def _columns(rows: list[dict[str, Any]], names: list[str]) -> Floats:
    return np.array([[float(row[name]) for name in names] for row in rows], dtype=np.float64).reshape(
        len(rows), len(names))


def _pct(after: float, before: float) -> float | None:
    return None if before <= 0 else (after - before) / before * 100.0


def _rate_change(sums: Floats) -> float | None:
    value = rate_change_pct(sums)
    return float(value) if np.isfinite(value) else None


def did_pct(sums: Floats) -> Floats:
    """Difference in differences on the rate scale, from sums of the set columns
    (member offences and days at risk before and after, the same for the comparison, and the
    comparison's days on IOM in the after window).

    r = member rate ratio / comparison rate ratio. Comparison people who joined IOM later are
    kept (leaving them out would select the comparison on its later offending, and censoring
    them at joining on its recent offending), so a share s of the comparison's after-window
    days at liberty were on IOM. If IOM changes the rate by theta there as it does for members,
    r = (1 + theta) / (1 + s x theta), so theta = (r - 1) / (1 - s x r).
    """
    with np.errstate(all="ignore"):
        member = (sums[..., 2] / sums[..., 3]) / (sums[..., 0] / sums[..., 1])
        comparison = (sums[..., 6] / sums[..., 7]) / (sums[..., 4] / sums[..., 5])
        ratio = member / comparison
        share = np.clip(sums[..., 8] / sums[..., 7], 0.0, 1.0)
        theta = (ratio - 1.0) / (1.0 - share * ratio)
        return np.where(np.isfinite(theta) & (comparison > 0) & (1.0 - share * ratio > 0),
                        theta * 100.0, np.nan)


def _change(sums: Floats) -> Floats:
    with np.errstate(all="ignore"):
        return np.where(sums[..., 0] > 0, (sums[..., 1] - sums[..., 0]) / sums[..., 0] * 100.0, np.nan)


RATE_COLUMNS = ["offences_before", "risk_days_before", "offences_after", "risk_days_after"]
SET_COLUMNS = RATE_COLUMNS + [f"comparison_{name}" for name in (*RATE_COLUMNS, "iom_days_after")]


def balance_rows(sums: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """matching_balance: per variable, the means of members, the pool before matching and the
    matched comparison (each matched set weighing as one person: its people weigh 1/k each),
    and the standardised mean differences before and after matching (difference of means /
    square root of the mean of the two variances). Age is summed in months, shown in years."""
    weights: dict[tuple[str, str], list[float]] = {}
    for line in sorted(sums, key=lambda item: (item["group"], item["variable"], str(item["member_id"]))):
        count = float(line["count"] or 0)
        if count <= 0:
            continue
        share = 1.0 / count if line["group"] == "matched" else 1.0
        found = weights.setdefault((line["group"], line["variable"]), [0.0, 0.0, 0.0])
        found[0] += count * share
        found[1] += float(line["total"]) * share
        found[2] += float(line["squares"]) * share
    stats: dict[tuple[str, str], tuple[float, float]] = {}
    for key, (weight, total, squares) in weights.items():
        scale = 12.0 if key[1] == "age" else 1.0
        mean = total / weight
        stats[key] = (mean / scale, max(0.0, squares / weight - mean**2) / scale**2)
    out = []
    for variable in BALANCE_VARIABLES:
        member = stats.get(("members", variable))
        if member is None:
            continue
        row: dict[str, Any] = {"variable": variable, "members_mean": member[0]}
        for group, label in (("pool", "before"), ("matched", "after")):
            other = stats.get((group, variable))
            row[f"comparison_mean_{label}" if label == "after" else "pool_mean"] = None if other is None else other[0]
            spread = None if other is None else ((member[1] + other[1]) / 2.0) ** 0.5
            row[f"smd_{label}"] = (None if other is None or not spread else (member[0] - other[0]) / spread)
        out.append(row)
    return out


def estimates(members_rows: list[dict[str, Any]], set_rows: list[dict[str, Any]], comparison_people: int,
              balance: list[dict[str, Any]], resampling: Resampling) -> list[dict[str, Any]]:
    """effect_estimate: one row per method (naive, time_at_risk, matched_did).

    Columns: method, estimate_pct, ci_low_pct, ci_high_pct, offenders, comparison_offenders,
    offences_before, offences_after, verdict (plain words on whether the figure can be trusted).
    """
    members_rows = sorted(members_rows, key=lambda row: str(row["nominal_id"]))
    set_rows = sorted(set_rows, key=lambda row: str(row["member_id"]))
    people = len(members_rows)
    counts = _columns(members_rows, ["offences_before", "offences_after"])
    rates = _columns(members_rows, RATE_COLUMNS)
    before, after = (float(counts[:, 0].sum()), float(counts[:, 1].sum())) if people else (0.0, 0.0)
    small = people < FEW_PEOPLE
    too_few = f"only {people} people have full windows: too few to conclude anything" if small else None
    naive_low, naive_high = interval(counts, _change, resampling) if people else (None, None)
    risk_low, risk_high = interval(rates, rate_change_pct, resampling) if people else (None, None)
    rows: list[dict[str, Any]] = [
        {"method": "naive", "estimate_pct": _pct(after, before), "ci_low_pct": naive_low,
         "ci_high_pct": naive_high, "offenders": people, "comparison_offenders": None,
         "offences_before": int(before), "offences_after": int(after),
         "verdict": too_few or "overstates the effect: people join after a spell of high offending "
                               "(regression to the mean) and time in custody is not allowed for"},
        {"method": "time_at_risk", "estimate_pct": _rate_change(rates.sum(axis=0)) if people else None,
         "ci_low_pct": risk_low, "ci_high_pct": risk_high, "offenders": people,
         "comparison_offenders": None, "offences_before": int(before), "offences_after": int(after),
         "verdict": too_few or "allows for custody, but not for regression to the mean"},
    ]
    matched = len(set_rows)
    values = _columns(set_rows, SET_COLUMNS)
    if matched:  # each set's comparison is the mean of its people
        values[:, len(RATE_COLUMNS):] /= _columns(set_rows, ["comparisons"])
    estimate = float(did_pct(values.sum(axis=0))) if matched else float("nan")
    low, high = interval(values, did_pct, resampling) if matched else (None, None)
    worst = max((abs(row["smd_after"]) for row in balance
                 if row.get("smd_after") is not None), default=None)
    reasons = []
    if matched < FEW_PEOPLE:
        reasons.append(f"only {matched} members could be matched: too few to conclude anything")
    if people and matched < MATCHED_SHARE * people:
        reasons.append(f"only {matched} of {people} members found comparison people: the estimate "
                       "describes those who could be matched")
    if worst is not None and worst >= GOOD_BALANCE:
        reasons.append(f"the match is poor: a standardised difference of {worst:.2f} remains "
                       f"(under {GOOD_BALANCE} is good)")
    if not reasons and low is not None and high is not None:
        reasons.append("no evidence of an effect: the interval includes no change" if low <= 0 <= high
                       else "a fall beyond what chance would give" if high < 0
                       else "a rise beyond what chance would give")
    rows.append({"method": "matched_did", "estimate_pct": estimate if np.isfinite(estimate) else None,
                 "ci_low_pct": low, "ci_high_pct": high, "offenders": matched,
                 "comparison_offenders": comparison_people,
                 "offences_before": int(values[:, 0].sum()) if matched else 0,
                 "offences_after": int(values[:, 2].sum()) if matched else 0,
                 "verdict": "; ".join(reasons) or None})
    return rows


def time_at_risk_rows(members_rows: list[dict[str, Any]], resampling: Resampling) -> list[dict[str, Any]]:
    """time_at_risk: per scheme of the first episode and ``all``, offences per 365 days at
    liberty before and after joining, pooled (sum of offences / sum of days at risk x 365) and
    per person (the mean of each person's rate, people with days at risk only), with the raw
    change beside the rate change and its interval."""
    members_rows = sorted(members_rows, key=lambda row: str(row["nominal_id"]))
    groups: dict[str, list[dict[str, Any]]] = {}
    for person in members_rows:
        groups.setdefault(str(person["scheme"]), []).append(person)
    out = []
    for scheme, rows in [*sorted(groups.items()), ("all", members_rows)]:
        values = _columns(rows, RATE_COLUMNS)
        sums = values.sum(axis=0)
        low, high = interval(values, rate_change_pct, resampling)
        row: dict[str, Any] = {
            "scheme": scheme, "offenders": len(rows), "offences_before": int(sums[0]),
            "offences_after": int(sums[2]), "change_pct": _pct(float(sums[2]), float(sums[0])),
            "risk_days_before": int(sums[1]), "risk_days_after": int(sums[3]),
            "rate_before": None if sums[1] <= 0 else float(sums[0] / sums[1] * 365.0),
            "rate_after": None if sums[3] <= 0 else float(sums[2] / sums[3] * 365.0),
            "rate_change_pct": _rate_change(sums), "rate_change_pct_ci_low": low,
            "rate_change_pct_ci_high": high}
        for side, count, days in (("before", 0, 1), ("after", 2, 3)):
            at_risk = values[:, days] > 0
            row[f"person_rate_{side}"] = (float((values[at_risk, count] / values[at_risk, days]).mean() * 365.0)
                                          if at_risk.any() else None)
        out.append(row)
    return out
