"""Helpers for metric tests: canonical tables from small CSV texts."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import narwhals as nw
import polars as pl
import pytest

from iomhub.domain.dates import Span
from iomhub.package import read_package
from iomhub.reports.model import Report, build_report
from iomhub.reports.params import ReportParams
from tests.conftest import write_package

FY2015 = Span(date(2015, 4, 1), date(2016, 3, 31))


class Tables:
    """Read a package written from CSV texts and give its tables as Narwhals lazy frames."""

    def __init__(self, folder: Path) -> None:
        self.package = read_package(folder)

    def __getitem__(self, name: str) -> nw.LazyFrame[Any]:
        return nw.from_native(self.package.tables[name].lazy())

    def get(self, name: str) -> nw.LazyFrame[Any] | None:
        return self[name] if name in self.package.tables else None

    def report(self, **params: Any) -> Report:
        params.setdefault("period", FY2015)
        return build_report(self.package, ReportParams(**params))


@pytest.fixture
def tables(tmp_path: Path) -> Any:
    counter = iter(range(1_000_000))

    def make(**csv: str) -> Tables:
        return Tables(write_package(tmp_path / f"p{next(counter)}", csv))

    return make


def collect(frame: nw.LazyFrame[Any]) -> list[dict[str, Any]]:
    native = frame.collect().to_native()
    assert isinstance(native, pl.DataFrame)
    return list(native.iter_rows(named=True))


def by(rows: list[dict[str, Any]], *keys: str) -> dict[Any, dict[str, Any]]:
    """Rows keyed by the value (or tuple of values) of ``keys``."""
    return {(row[keys[0]] if len(keys) == 1 else tuple(row[k] for k in keys)): row for row in rows}
