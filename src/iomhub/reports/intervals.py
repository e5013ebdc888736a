"""95% intervals of the proven reoffending rates and the cost of crime, from collected per-person frames.

The metrics compute the figures on any backend; the intervals are drawn here, once the small
per-person frames (one row per person) are collected, with the stratified bootstrap of
:mod:`iomhub.metrics.uncertainty`: people are resampled with replacement within their scheme
(each scheme keeps its size), and the ``all`` row sums the schemes' resamples, so it is
resampled the same way. Each interval is the BCa interval of
:mod:`iomhub.metrics.uncertainty` (none for fewer than 10 people); a figure undefined in most
resamples (a denominator of 0) has no interval. An interval column is named after its figure:
``binary_rate_pct_ci_low``/``_ci_high``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import polars as pl

from iomhub.domain.codes import ALL
from iomhub.metrics.uncertainty import Floats, Resampling, change_pct, codes, intervals_of, replicate_sums
from iomhub.reports.tables import TABLES, Change, Difference, Ratio, Statistic

Function = Callable[[Floats], Floats]


def _ratio(numerator: int, denominator: int, scale: float = 1.0) -> Function:
    def statistic(sums: Floats) -> Floats:
        with np.errstate(all="ignore"):
            return np.where(sums[..., denominator] > 0,
                            sums[..., numerator] / sums[..., denominator] * scale, np.nan)
    return statistic


def _difference(sums: Floats) -> Floats:
    return sums[..., 1] - sums[..., 0]


def function(statistic: Statistic) -> Function:
    """The statistic of the registry (``reports/tables.py``) as a function of the resampled sums."""
    if isinstance(statistic, Ratio):
        return _ratio(statistic.numerator, statistic.denominator, statistic.scale)
    if isinstance(statistic, Difference):
        return _difference
    assert isinstance(statistic, Change)
    return change_pct


def _values(table: str, people: pl.DataFrame) -> pl.DataFrame:
    """The per-person values in a fixed order (by nominal_id, then group: someone with several
    flags has a row per flag), so the same data give the same interval."""
    if "nominal_id" in people.columns:
        people = people.lazy().sort([c for c in ("nominal_id", TABLES[table].group) if c]).collect()
    if table == "proven_reoffending":
        return (people.filter(pl.col("followed_up"))
                .with_columns(pl.lit(1.0).alias("one"), (pl.col("reoffences") > 0).cast(pl.Float64)
                              .alias("reoffended")))
    return people


def scheme_intervals(values: Floats, schemes: Sequence[object], statistics: list[Function],
                     resampling: Resampling) -> dict[object, list[tuple[float | None, float | None]]]:
    """Per group (scheme, age band, ...) and ``all``: the interval of each statistic of the
    per-person ``values``."""
    index, distinct = codes(schemes)
    sums = replicate_sums(values, index, len(distinct), resampling)
    sums = np.concatenate([sums, sums.sum(axis=1, keepdims=True)], axis=1)
    out: dict[object, list[tuple[float | None, float | None]]] = {label: [] for label in [*distinct, ALL]}
    for statistic in statistics:
        found = intervals_of(values, index, len(distinct), sums, statistic, resampling.level)
        for label, bounds in zip([*distinct, ALL], found, strict=True):
            out[label].append(bounds)
    return out


def with_intervals(table: str, summary: pl.DataFrame, people: pl.DataFrame,
                   resampling: Resampling | None = None) -> pl.DataFrame:
    """``summary`` with ``<figure>_ci_low`` and ``<figure>_ci_high`` after each figure of the
    table's intervals (``TABLES[table].intervals``)."""
    spec = TABLES[table]
    assert spec.intervals is not None and spec.group is not None
    figures = spec.intervals.figures
    values = _values(table, people)
    found = scheme_intervals(values.select(spec.intervals.values).to_numpy().astype(np.float64),
                             values[spec.group].to_list(), [function(statistic) for _, statistic in figures],
                             resampling or Resampling())
    out = summary
    order = list(summary.columns)
    for position, (figure, _) in enumerate(figures):
        bounds = [found.get(key, [])[position] if key in found else (None, None)
                  for key in summary[spec.group].to_list()]
        out = out.with_columns(pl.Series(f"{figure}_ci_low", [lo for lo, _ in bounds], dtype=pl.Float64),
                               pl.Series(f"{figure}_ci_high", [hi for _, hi in bounds], dtype=pl.Float64))
        at = order.index(figure) + 1
        order[at:at] = [f"{figure}_ci_low", f"{figure}_ci_high"]
    return out.select(order)
