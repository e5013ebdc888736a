"""The effect tables, computed from collected per-person tables.

The metrics give, lazily and on any backend, one row per person (or per matched set); this
step collects them (they are small) and computes ``time_at_risk``, ``effect_estimate`` (with
its checks and ``reliable``) and ``matching_balance`` (definitions in
:mod:`iomhub.metrics.effect` and :mod:`iomhub.metrics.effect_estimates`), whose figures need
resampling. The intervals of the other tables are drawn by :mod:`iomhub.reports.intervals`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import polars as pl

from iomhub.metrics import effect_estimates as effect
from iomhub.metrics.uncertainty import Resampling

TIME_AT_RISK_SCHEMA = {
    "basis": pl.String, "scheme": pl.String, "offenders": pl.Int64, "offences_before": pl.Int64,
    "offences_after": pl.Int64, "change_pct": pl.Float64, "risk_days_before": pl.Int64,
    "risk_days_after": pl.Int64, "rate_before": pl.Float64, "rate_after": pl.Float64,
    "rate_change_pct": pl.Float64, "rate_change_pct_ci_low": pl.Float64,
    "rate_change_pct_ci_high": pl.Float64,
    "person_rate_before": pl.Float64, "person_rate_after": pl.Float64,
}
EFFECT_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "method": pl.String, "estimate_pct": pl.Float64, "ci_low_pct": pl.Float64,
    "ci_high_pct": pl.Float64, "offenders": pl.Int64, "comparison_offenders": pl.Int64,
    "offences_before": pl.Int64, "offences_after": pl.Int64, "verdict": pl.String,
    "reliable": pl.Boolean,
    "checks": pl.List(pl.Struct({"check": pl.String, "value": pl.Float64, "threshold": pl.Float64,
                                 "passed": pl.Boolean})),
    "e_value": pl.Float64, "e_value_ci": pl.Float64,
}
BALANCE_SCHEMA = {
    "variable": pl.String, "members_mean": pl.Float64, "pool_mean": pl.Float64,
    "smd_before": pl.Float64, "comparison_mean_after": pl.Float64, "smd_after": pl.Float64,
}


def columns(frame: pl.DataFrame) -> dict[str, Any]:
    """A collected table as numpy columns (what the estimates read, fast at any size)."""
    return {name: frame[name].to_numpy() for name in frame.columns}


# The text columns the estimates sort, match and group on (``effect_estimates.Table``: ``key``,
# ``text``); any other column is read as numbers.
TEXT_KEYS = ("group", "variable", "nominal_id", "member_id", "scheme")


def coded_columns(*frames: pl.DataFrame) -> list[dict[str, Any]]:
    """Collected tables as numpy columns, as ``columns`` gives them, but each text column of
    ``TEXT_KEYS`` as codes into the sorted distinct texts of all those columns of them all
    (:class:`iomhub.metrics.effect_estimates.Coded`; a missing text as "None", as numpy writes
    it): the estimates sort and match them as whole numbers, and the text is never made into
    a million Python strings. Columns of different tables compare with each other as codes,
    having the same labels."""
    # Each text column by its runs of equal texts (the balance sums' group and variable are a
    # few dozen runs over 850,000 rows): coded run by run, then repeated.
    runs = {(at, name): frame[name].fill_null("None").rle() for at, frame in enumerate(frames)
            for name in frame.columns if name in TEXT_KEYS and frame.schema[name] == pl.String}
    texts = [run.struct.field("value") for run in runs.values()]
    distinct = pl.concat(texts).unique().sort() if texts else pl.Series([], dtype=pl.String)
    labels = np.asarray(distinct.to_list(), dtype=str)
    as_codes = pl.Enum(distinct)
    out = []
    for at, frame in enumerate(frames):
        found: dict[str, Any] = {}
        for name in frame.columns:
            run = runs.get((at, name))
            if run is None:
                found[name] = frame[name].to_numpy()
            else:
                codes = run.struct.field("value").cast(as_codes).to_physical().to_numpy()
                found[name] = effect.Coded(np.repeat(codes, run.struct.field("len").to_numpy()), labels)
        out.append(found)
    return out


def time_at_risk_table(people: dict[str, pl.DataFrame], resampling: Resampling) -> pl.DataFrame:
    """time_at_risk: the fixed-period and the join-anchored rows."""
    fixed = [{**row, "basis": "fixed_period"} for row in
             effect.time_at_risk_rows(columns(people["fixed_period"]), resampling)]
    members = columns(people["effect_members"])
    anchored = [{**row, "basis": "join_anchored"} for row in effect.time_at_risk_rows(members, resampling)]
    return pl.DataFrame(fixed + anchored, schema=TIME_AT_RISK_SCHEMA)


def balance_table(people: dict[str, pl.DataFrame]) -> tuple[list[dict[str, Any]], pl.DataFrame]:
    """matching_balance: its rows (which the estimates' checks read) and its table."""
    (sums,) = coded_columns(people["effect_balance"])
    balance = effect.balance_rows(sums)
    return balance, pl.DataFrame(balance, schema=BALANCE_SCHEMA)


def estimate_table(people: dict[str, pl.DataFrame],
                   balance: list[dict[str, Any]] | Callable[[], list[dict[str, Any]]],
                   resampling: Resampling) -> pl.DataFrame:
    """effect_estimate, whose checks read the balance's rows (``balance``, or a function giving
    them once the rest is computed: :func:`iomhub.metrics.effect_estimates.estimates`)."""
    members, pairs = coded_columns(people["effect_members"], people["effect_pairs"])
    rows = effect.estimates(members, pairs, people["effect_comparison_people"].height, balance, resampling)
    return pl.DataFrame(rows, schema=EFFECT_SCHEMA)


def data_quality_notes(people: dict[str, pl.DataFrame]) -> list[str]:
    """Warnings about the data the effect and reoffending figures rest on (offences dated while
    the person was in custody: :func:`iomhub.metrics.custody.offences_in_custody`)."""
    found = people.get("offences_in_custody")
    if found is None or found.is_empty():
        return []
    row = found.row(0, named=True)
    if not row["offences"]:
        return []
    offences = "1 offence is" if row["offences"] == 1 else f"{row['offences']} offences are"
    who = "1 person" if row["people"] == 1 else f"{row['people']} people"
    return [f"Data quality: {offences} dated inside a period in custody ({who}): after its first day and "
            "before its last. They are counted where they fall, but the offence dates or the custody records "
            "are probably wrong: check the offence dates and the custody records."]
