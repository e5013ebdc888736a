"""Spread of risk: the caseload on each snapshot date by its latest risk tier.

Definition (``docs/spec/report-json.md``): the tier on a date is that of the latest
assessment on or before it; ``unassessed`` when there is none. Two assessments of one person
on the same day are resolved to the more severe tier (red over amber over green), so that
the figure does not depend on row order.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import narwhals as nw

from iomhub.domain.codes import TIER_SEVERITY, TIERS
from iomhub.metrics.caseload import caseload_on
from iomhub.metrics.common import Frame, literal_rows, zero_filled

UNASSESSED = "unassessed"


def tier_on(risk: Frame, day: date) -> Frame:
    """nominal_id and tier of the latest assessment on or before ``day``."""
    severity = nw.col("tier").replace_strict(TIER_SEVERITY, default=0, return_dtype=nw.Int64)
    dated = risk.filter(nw.col("assessed_on") <= nw.lit(day)).with_columns(severity.alias("severity"))
    latest = dated.group_by("nominal_id").agg(nw.col("assessed_on").max())
    worst = (dated.join(latest, on=["nominal_id", "assessed_on"], how="inner")
             .group_by("nominal_id").agg(nw.col("severity").max()))
    names = {v: k for k, v in TIER_SEVERITY.items()}
    return worst.with_columns(
        nw.col("severity").replace_strict(names, default=None, return_dtype=nw.String).alias("tier"),
        nw.lit(day).alias("date")).select("nominal_id", "date", "tier")


def risk_tiers(cohort: Frame, risk: Frame, days: Sequence[date]) -> Frame:
    """Count of the caseload by date x tier (red, amber, green, unassessed)."""
    people = caseload_on(cohort, days).select("nominal_id", "date")
    tiers = nw.concat([tier_on(risk, day) for day in days], how="vertical")
    rows = (people.join(tiers, on=["nominal_id", "date"], how="left")
            .with_columns(nw.col("tier").fill_null(nw.lit(UNASSESSED))))
    counts = rows.group_by("date", "tier").agg(nw.len().alias("count"))
    keys = literal_rows(cohort, "date", list(days)).join(
        literal_rows(cohort, "tier", [*TIERS, UNASSESSED]), how="cross")
    return zero_filled(keys, counts, ["date", "tier"], ["count"]).select("date", "tier", "count")
