"""The cost of the performance cohort's offences, before and after, at the Home Office's unit costs.

Definitions:

- People: the performance cohort of :func:`iomhub.metrics.reoffending.performance_cohort`
  (in a scheme on the cohort date, with an offence in the baseline), by their scheme on the
  cohort date; their offences are those counted by ``reoffending_by_scheme`` (offence_date in
  the baseline or the period).
- Each offence is valued at the unit cost of its category (``iomhub.domain.costs``: Heeks et
  al. 2018, Table 1, 2015/16 prices, or the package's own ``[costs]``); an offence of a
  category with no unit cost is *not valued*: it adds nothing to the cost and is counted in
  ``not_valued_before`` / ``not_valued_after``.
- cost_before / cost_after: the sum of the unit costs of the offences in the baseline / the
  period; cost_change = cost_after - cost_before (pounds, negative is a fall);
  cost_change_pct = cost_change / cost_before x 100 (null when cost_before is 0).

This is an estimate of the cost of the offences recorded, not an impact evaluation: it does
not say what would have happened without IOM.
"""

from __future__ import annotations

from collections.abc import Mapping

import narwhals as nw

from iomhub.domain.codes import ALL
from iomhub.domain.dates import Span
from iomhub.metrics.common import Frame, as_int, count_true, within

COUNT_COLUMNS = ["offenders", "offences_before", "offences_after", "not_valued_before", "not_valued_after"]


def unit_cost(unit_costs: Mapping[str, float | None]) -> nw.Expr:
    """The unit cost of each offence's category, in pounds; null for a category not valued."""
    cost: nw.Expr = nw.lit(None, dtype=nw.Float64)
    for category, pounds in unit_costs.items():
        if pounds is not None:
            cost = nw.when(nw.col("category") == nw.lit(category)).then(nw.lit(float(pounds))).otherwise(cost)
    return cost


def people_costs(performance: Frame, offences: Frame, baseline: Span, period: Span,
                 unit_costs: Mapping[str, float | None]) -> Frame:
    """Per member of the performance cohort: cost_before, cost_after, not_valued_before, not_valued_after.

    Columns: nominal_id, scheme, offences_before, offences_after and those four (0 for none).
    """
    before = within("offence_date", baseline.start, baseline.end)
    after = within("offence_date", period.start, period.end)
    valued = ~nw.col("cost").is_null()
    per_person = (offences.filter(before | after)
                  .join(performance.select("nominal_id"), on="nominal_id", how="inner")
                  .with_columns(unit_cost(unit_costs).alias("cost"))
                  .group_by("nominal_id")
                  .agg(nw.when(before & valued).then(nw.col("cost")).otherwise(0.0).sum().alias("cost_before"),
                       nw.when(after & valued).then(nw.col("cost")).otherwise(0.0).sum().alias("cost_after"),
                       count_true(before & ~valued).alias("not_valued_before"),
                       count_true(after & ~valued).alias("not_valued_after")))
    return (performance.select("nominal_id", "scheme", "offences_before", "offences_after")
            .join(per_person, on="nominal_id", how="left")
            .with_columns(nw.col("cost_before").fill_null(0.0).cast(nw.Float64),
                          nw.col("cost_after").fill_null(0.0).cast(nw.Float64),
                          nw.col("not_valued_before").fill_null(0).cast(nw.Int64),
                          nw.col("not_valued_after").fill_null(0).cast(nw.Int64)))


def _tally(people: Frame) -> Frame:
    return (people.group_by("scheme")
            .agg(nw.len().alias("offenders"), nw.col("offences_before").sum(), nw.col("offences_after").sum(),
                 nw.col("not_valued_before").sum(), nw.col("not_valued_after").sum(),
                 nw.col("cost_before").sum(), nw.col("cost_after").sum())
            .with_columns(*as_int(*COUNT_COLUMNS))
            .with_columns((nw.col("cost_after") - nw.col("cost_before")).alias("cost_change"))
            .with_columns(nw.when(nw.col("cost_before") != 0)
                          .then(nw.col("cost_change") / nw.col("cost_before") * 100.0)
                          .alias("cost_change_pct"))
            .select("scheme", "offenders", "offences_before", "offences_after", "not_valued_before",
                    "not_valued_after", "cost_before", "cost_after", "cost_change", "cost_change_pct"))


def cost_of_crime(people: Frame) -> Frame:
    """Cost before and after per scheme on the cohort date, plus ``all`` (from :func:`people_costs`)."""
    return nw.concat([_tally(people), _tally(people.with_columns(nw.lit(ALL).alias("scheme")))],
                     how="vertical")
