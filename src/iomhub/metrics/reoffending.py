"""Reoffending of the performance cohort: offences in the baseline against the period.

Definitions (``docs/spec/report-json.md``, as the seed reports define them):

- The performance cohort: nominals in a scheme on the cohort date (a cohort episode covers
  it), with at least one offence (by offence_date) in the baseline, and not in a custody
  period that covers the cohort date and lasts beyond ``exclude_custody_beyond`` when that
  is given: a period whose end_date (or, while open, expected_release_date) is after that
  date, or unknown. Seed 002: "excludes offenders in custody who would remain so beyond
  July 2013"; seed 003: "offenders in the community who had offended in the previous year".
- offences_before / offences_after: the cohort's offences dated in the baseline / period.
- change_pct = (offences_after - offences_before) / offences_before x 100.
- Target attainment: a person meets a reduction target of T% when their own
  (after - before) / before <= -T/100, i.e. after x 100 <= before x (100 - T).
"""

from __future__ import annotations

from datetime import date

import narwhals as nw

from iomhub.domain.ages import AgeBands
from iomhub.domain.codes import ALL
from iomhub.domain.dates import Span
from iomhub.metrics.common import Frame, as_int, change_pct, count_true, covers, known, pct, within

COUNT_COLUMNS = ["offenders", "offences_before", "offences_after"]


def in_scheme_on(cohort: Frame, day: date) -> Frame:
    """nominal_id and scheme of everyone whose cohort episode covers ``day`` (one row each)."""
    return cohort.filter(covers(day)).select("nominal_id", "scheme").unique(["nominal_id"], keep="any")


def custody_excluded(custody: Frame, day: date, beyond: date) -> Frame:
    """nominal_id of those in a custody period covering ``day`` that lasts beyond ``beyond`` or whose end is unknown."""
    until = nw.coalesce(nw.col("end_date"), nw.col("expected_release_date"))
    return (custody.filter(covers(day))
            .filter(until.is_null() | (until > nw.lit(beyond)))
            .select("nominal_id").unique())


def offence_counts(members: Frame, offences: Frame, baseline: Span, period: Span) -> Frame:
    """Per member: offences_before (in the baseline) and offences_after (in the period), zeros included."""
    relevant = offences.filter(within("offence_date", baseline.start, baseline.end)
                               | within("offence_date", period.start, period.end))
    counts = (relevant.join(members.select("nominal_id"), on="nominal_id", how="inner")
              .group_by("nominal_id")
              .agg(count_true(within("offence_date", baseline.start, baseline.end)).alias("offences_before"),
                   count_true(within("offence_date", period.start, period.end)).alias("offences_after")))
    return (members.join(counts, on="nominal_id", how="left")
            .with_columns(nw.col("offences_before").fill_null(0).cast(nw.Int64),
                          nw.col("offences_after").fill_null(0).cast(nw.Int64)))


def performance_cohort(cohort: Frame, offences: Frame, custody: Frame | None, *, cohort_date: date,
                       baseline: Span, period: Span,
                       exclude_custody_beyond: date | None = None) -> Frame:
    """The performance cohort with each member's scheme on the cohort date and offence counts.

    Columns: nominal_id, scheme, offences_before, offences_after.
    """
    members = in_scheme_on(cohort, cohort_date)
    if exclude_custody_beyond is not None and custody is not None:
        excluded = custody_excluded(custody, cohort_date, exclude_custody_beyond)
        members = members.join(excluded, on="nominal_id", how="anti")
    return offence_counts(members, offences, baseline, period).filter(nw.col("offences_before") > 0)


def summarise(people: Frame, group: str) -> Frame:
    """offenders, offences_before, offences_after and change_pct per value of ``group``."""
    return (people.group_by(group)
            .agg(nw.len().alias("offenders"), nw.col("offences_before").sum(),
                 nw.col("offences_after").sum())
            .with_columns(*as_int(*COUNT_COLUMNS))
            .with_columns(change_pct().alias("change_pct"))
            .select(group, *COUNT_COLUMNS, "change_pct"))


def with_all_row(people: Frame, group: str) -> Frame:
    """The per-group summary followed by the ``all`` row."""
    everyone = people.with_columns(nw.lit(ALL).alias(group))
    return nw.concat([summarise(people, group), summarise(everyone, group)], how="vertical")


def reoffending_by_scheme(performance: Frame) -> Frame:
    """Reoffending per scheme on the cohort date, plus ``all`` (seed 003: -38.95 / -41.10 / -40.00)."""
    return with_all_row(performance, "scheme")


def age_band_expr(day: date, bands: AgeBands) -> nw.Expr:
    """Age band from completed years on ``day``; ``unknown`` without a date of birth."""
    dob = nw.col("date_of_birth")
    birthday_to_come = (dob.dt.month() > day.month) | ((dob.dt.month() == day.month)
                                                       & (dob.dt.day() > day.day))
    age = nw.lit(day.year) - dob.dt.year() - nw.when(birthday_to_come).then(1).otherwise(0)
    labels = bands.labels
    band: nw.Expr = nw.lit(labels[-1])
    for bound, label in reversed(list(zip(bands.bounds, labels, strict=False))):
        band = nw.when(age < bound).then(nw.lit(label)).otherwise(band)
    return nw.when(dob.is_null()).then(nw.lit("unknown")).otherwise(band)


def age_people(performance: Frame, nominals: Frame, cohort_date: date, bands: AgeBands) -> Frame:
    """The performance cohort with each member's age_band on the cohort date."""
    people = performance.join(nominals.select("nominal_id", "date_of_birth"), on="nominal_id", how="left")
    return people.with_columns(age_band_expr(cohort_date, bands).alias("age_band")).drop("date_of_birth")


def reoffending_by_age(performance: Frame, nominals: Frame, cohort_date: date, bands: AgeBands) -> Frame:
    """Reoffending per age band on the cohort date.

    Default bands under_18, 18_24 and 25_plus; ``unknown`` without a date of birth.
    """
    return summarise(age_people(performance, nominals, cohort_date, bands), "age_band")


def attribute_people(performance: Frame, nominals: Frame, attribute: str) -> Frame:
    """The performance cohort with each member's gender or area (``unknown`` where missing)."""
    return (performance.join(nominals.select("nominal_id", attribute), on="nominal_id", how="left")
            .with_columns(known(attribute).alias(attribute)))


def flag_people(performance: Frame, flags: Frame, cohort_date: date) -> Frame:
    """One row per member and flag held on the cohort date (a member may have several)."""
    held = flags.filter(covers(cohort_date)).select("nominal_id", "flag").unique()
    return performance.join(held, on="nominal_id", how="inner")


def reoffending_by_flag(performance: Frame, flags: Frame, cohort_date: date) -> Frame:
    """Reoffending per flag held on the cohort date; a person counts under each flag they hold."""
    return summarise(flag_people(performance, flags, cohort_date), "flag")


def target_attainment(performance: Frame, reduction_pct: float) -> Frame:
    """Per scheme and ``all``: offenders, met_target (own reduction of at least T%), met_target_pct."""
    met = (nw.col("offences_after") * 100.0 <= nw.col("offences_before") * (100.0 - reduction_pct))
    people = performance.with_columns(met.alias("met"))

    def tally(frame: Frame) -> Frame:
        return (frame.group_by("scheme")
                .agg(nw.len().alias("offenders"), count_true(nw.col("met")).alias("met_target"))
                .with_columns(*as_int("offenders", "met_target"))
                .with_columns(pct("met_target", "offenders").alias("met_target_pct"))
                .select("scheme", "offenders", "met_target", "met_target_pct"))

    return nw.concat([tally(people), tally(people.with_columns(nw.lit(ALL).alias("scheme")))],
                     how="vertical")
