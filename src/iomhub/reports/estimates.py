"""The figures computed from collected per-person tables: intervals and the effect estimates.

The metrics give, lazily and on any backend, one row per person (or per matched set); this
step collects them (they are small) and computes what needs resampling: the 95% interval
of every change in the reoffending tables, ``time_at_risk``, ``effect_estimate`` and
``matching_balance`` (definitions in :mod:`iomhub.metrics.effect`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from iomhub.domain.codes import ALL
from iomhub.metrics import effect
from iomhub.metrics.uncertainty import Resampling, change_pct, codes, group_intervals, interval
from iomhub.reports.engine import PEOPLE_GROUP

TIME_AT_RISK_SCHEMA = {
    "basis": pl.String, "scheme": pl.String, "offenders": pl.Int64, "offences_before": pl.Int64,
    "offences_after": pl.Int64, "change_pct": pl.Float64, "risk_days_before": pl.Int64,
    "risk_days_after": pl.Int64, "rate_before": pl.Float64, "rate_after": pl.Float64,
    "rate_change_pct": pl.Float64, "ci_low_pct": pl.Float64, "ci_high_pct": pl.Float64,
    "person_rate_before": pl.Float64, "person_rate_after": pl.Float64,
}
EFFECT_SCHEMA = {
    "method": pl.String, "estimate_pct": pl.Float64, "ci_low_pct": pl.Float64,
    "ci_high_pct": pl.Float64, "offenders": pl.Int64, "comparison_offenders": pl.Int64,
    "offences_before": pl.Int64, "offences_after": pl.Int64, "verdict": pl.String,
}
BALANCE_SCHEMA = {
    "variable": pl.String, "members_mean": pl.Float64, "pool_mean": pl.Float64,
    "smd_before": pl.Float64, "comparison_mean_after": pl.Float64, "smd_after": pl.Float64,
}


def change_intervals(table: pl.DataFrame, people: pl.DataFrame, column: str,
                     resampling: Resampling) -> pl.DataFrame:
    """``table`` with ci_low_pct and ci_high_pct: the 95% interval of change_pct per group
    (people resampled within their group; the ``all`` row resamples everyone)."""
    people = people.sort("nominal_id", column)
    labels = [str(value) for value in people[column].to_list()]
    groups, distinct = codes(labels)
    values = people.select("offences_before", "offences_after").to_numpy().astype(np.float64)
    found = dict(zip(distinct, group_intervals(values, groups, len(distinct), change_pct, resampling),
                     strict=True))
    if ALL in table[column].to_list():
        found[ALL] = interval(values, change_pct, resampling)
    lows = [found.get(str(key), (None, None))[0] for key in table[column].to_list()]
    highs = [found.get(str(key), (None, None))[1] for key in table[column].to_list()]
    return table.with_columns(pl.Series("ci_low_pct", lows, dtype=pl.Float64),
                              pl.Series("ci_high_pct", highs, dtype=pl.Float64))


def _rows(frame: pl.DataFrame) -> list[dict[str, Any]]:
    return list(frame.iter_rows(named=True))


def add_estimates(tables: dict[str, pl.DataFrame], people: dict[str, pl.DataFrame],
                  resampling: Resampling) -> None:
    """Adds the intervals and the effect tables to ``tables`` (in place)."""
    for name, column in PEOPLE_GROUP.items():
        if name in tables and name in people:
            tables[name] = change_intervals(tables[name], people[name], column, resampling)
    if "fixed_period" not in people:
        return
    fixed = [{**row, "basis": "fixed_period"} for row in
             effect.time_at_risk_rows(_rows(people["fixed_period"]), resampling)]
    members = _rows(people["effect_members"])
    anchored = [{**row, "basis": "join_anchored"} for row in effect.time_at_risk_rows(members, resampling)]
    tables["time_at_risk"] = pl.DataFrame(fixed + anchored, schema=TIME_AT_RISK_SCHEMA)
    balance = effect.balance_rows(_rows(people["effect_balance"]))
    tables["matching_balance"] = pl.DataFrame(balance, schema=BALANCE_SCHEMA)
    estimate_rows = effect.estimates(members, _rows(people["effect_sets"]),
                                     people["effect_comparison_people"].height, balance, resampling)
    tables["effect_estimate"] = pl.DataFrame(estimate_rows, schema=EFFECT_SCHEMA)
