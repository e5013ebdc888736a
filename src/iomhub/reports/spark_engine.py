"""``--engine spark``: the report computed on Spark by the same metrics code, through Narwhals.

The package is read and validated on Spark (``iomhub.package.spark_reading``); every table is
computed by ``compute_tables`` on Spark frames, the intermediate tables several others read
kept by ``localCheckpoint`` (computed once, on the executors); then each table, and each
per-person table behind an interval (one row per person: small), is collected into Polars and
the report is finished as on one machine (``report_from``: order, intervals, estimates,
indicators, notes). So the report's JSON is the same on either engine (a test checks it on
the demo package).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import narwhals as nw
import polars as pl

from iomhub.domain.costs import unit_costs
from iomhub.package.spark_reading import SparkPackage, to_polars
from iomhub.reports.engine import compute_tables
from iomhub.reports.model import Report, report_from
from iomhub.reports.params import ReportParams


def _checkpointed(frame: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
    checkpointed: nw.LazyFrame[Any] = nw.from_native(frame.to_native().localCheckpoint())
    return checkpointed


def _collected(frames: Sequence[nw.LazyFrame[Any]]) -> list[pl.DataFrame]:
    """Each Spark frame collected into Polars, one after the other."""
    return [to_polars(frame) for frame in frames]


def build_report_spark(package: SparkPackage, params: ReportParams, generated_at: datetime | None = None) -> Report:
    """``build_report`` with every table computed on Spark."""
    frames = {name: nw.from_native(frame) for name, frame in package.frames.items()}
    computed = compute_tables(frames, params, materialise=_checkpointed,
                              unit_costs=unit_costs(package.settings.unit_costs))
    return report_from(computed, package.local(), params, generated_at, collect=_collected)
