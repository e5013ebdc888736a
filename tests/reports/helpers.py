"""What several report tests share: a synthetic package read back, the parameters they report
it with, and the balance and estimates computed one after the other (the plain reference the
report's concurrent pieces are checked against)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl

from iomhub.domain.dates import Span
from iomhub.metrics.uncertainty import Resampling
from iomhub.package import read_package
from iomhub.package.load import Package
from iomhub.reports.estimates import balance_table, estimate_table
from iomhub.reports.params import ReportParams
from iomhub.synth import SynthOptions, generate

WHEN = datetime(2026, 12, 7, tzinfo=UTC)
PARAMS = ReportParams(period=Span(date(2015, 4, 1), date(2016, 3, 31)), target_reduction=17.0,
                      resampling=Resampling(replicates=200))


def synthetic_package(folder: Path, seed: int, nominals: int = 1500) -> Package:
    """A synthetic package of ``nominals`` written into ``folder`` and read back."""
    generate(SynthOptions(nominals=nominals, seed=seed), folder)
    return read_package(folder)


def balance_and_estimates(people: dict[str, pl.DataFrame], resampling: Resampling) -> tuple[pl.DataFrame, pl.DataFrame]:
    """matching_balance, then effect_estimate (whose checks read the balance), on one thread."""
    balance, table = balance_table(people)
    return table, estimate_table(people, balance, resampling)
