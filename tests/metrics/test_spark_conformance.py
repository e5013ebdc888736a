"""The same metric functions on PySpark (local mode) and on Polars give identical tables.

Backends differ in details (integer widths, date arithmetic, null ordering), so every table
of the report is computed on both from one synthetic package and compared cell by cell.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from datetime import date
from typing import Any

import narwhals as nw
import polars as pl
import pytest

from iomhub.domain.dates import Span
from iomhub.package import read_package
from iomhub.reports.engine import compute_tables
from iomhub.reports.params import ReportParams
from iomhub.synth import SynthOptions, generate

pytestmark = [pytest.mark.spark, pytest.mark.xdist_group("spark")]

PARAMS = [
    ReportParams(period=Span(date(2015, 4, 1), date(2016, 3, 31)), target_reduction=17.0),
    ReportParams(period=Span(date(2015, 1, 15), date(2015, 11, 20)), cohort_date=date(2015, 2, 1),
                 exclude_custody_beyond=date(2015, 6, 30), target_reduction=40.0),
]


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    session = (SparkSession.builder.master("local[2]").appName("iomhub-conformance")
               .config("spark.ui.enabled", "false")
               .config("spark.sql.shuffle.partitions", "2")
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.driver.extraJavaOptions", "-Dderby.system.home=/tmp")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder = tmp_path_factory.mktemp("synth")
    # From 2011, so that first episodes have a two-year follow-up within the data (expected_reoffending).
    generate(SynthOptions(nominals=600, seed=7, start=date(2011, 4, 1)), folder)
    return read_package(folder)


def to_spark(spark: Any, frame: pl.DataFrame) -> Any:
    from pyspark.sql import types as T

    kinds = {pl.String: T.StringType(), pl.Date: T.DateType(), pl.Boolean: T.BooleanType(),
             pl.Float64: T.DoubleType(), pl.Int64: T.LongType()}
    schema = T.StructType([T.StructField(name, kinds[dtype.base_type()], True)
                           for name, dtype in frame.schema.items()])
    return spark.createDataFrame(frame.rows(), schema=schema)


def normalised(frame: pl.DataFrame) -> pl.DataFrame:
    casts = [pl.col(c).cast(pl.Int64) for c, t in frame.schema.items() if t.is_integer()]
    # Sums of floats (OGRS3 probabilities) may differ in the last bits with the order of addition.
    casts += [pl.col(c).round(9) for c, t in frame.schema.items() if t == pl.Float64]
    frame = frame.with_columns(casts)
    return frame.sort(frame.columns, nulls_last=True)


@pytest.mark.parametrize("params", PARAMS, ids=["financial-year", "odd-period-with-exclusion"])
def test_spark_and_polars_give_identical_tables(spark: Any, package: Any, params: ReportParams) -> None:
    polars_frames = {n: nw.from_native(f.lazy()) for n, f in package.tables.items()}
    spark_frames = {n: nw.from_native(to_spark(spark, f)) for n, f in package.tables.items()}
    on_polars = compute_tables(polars_frames, params).tables
    on_spark = compute_tables(spark_frames, params).tables
    assert set(on_polars) == set(on_spark)
    assert len(on_polars) >= 12
    for name in sorted(on_polars):
        expected = normalised(on_polars[name].collect().to_native())
        got = normalised(on_spark[name].collect(backend="polars").to_native())
        assert expected.height > 0, f"{name} is empty: the comparison would prove nothing"
        assert got.columns == expected.columns, name
        assert got.schema == expected.schema, name
        assert got.equals(expected, null_equal=True), f"{name} differs:\n{expected}\n{got}"


def test_the_comparison_notices_a_difference() -> None:
    a = normalised(pl.DataFrame({"k": ["x", "y"], "n": [1, 2]}))
    b = normalised(pl.DataFrame({"k": ["y", "x"], "n": [2, 1]}))
    c = normalised(pl.DataFrame({"k": ["x", "y"], "n": [1, 3]}))
    assert a.equals(b) and not a.equals(c)
