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
from iomhub.domain.selection import SelectionSettings
from iomhub.metrics.selection import select_candidates
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
    polars_computed = compute_tables(polars_frames, params, lambda frame: frame.collect().lazy())
    spark_computed = compute_tables(spark_frames, params,
                                    lambda frame: nw.from_native(frame.to_native().localCheckpoint()))
    on_polars = {**polars_computed.tables, **{f"people:{k}": v for k, v in polars_computed.people.items()}}
    on_spark = {**spark_computed.tables, **{f"people:{k}": v for k, v in spark_computed.people.items()}}
    assert set(on_polars) == set(on_spark)
    new = {"proven_reoffending", "cost_of_crime", "people:proven_reoffending", "people:cost_of_crime",
           "join_windows", "people:effect_sets"}
    assert new <= set(on_polars)
    assert len(on_polars) >= 20
    for name in sorted(on_polars):
        expected = normalised(on_polars[name].collect().to_native())
        got = normalised(on_spark[name].collect(backend="polars").to_native())
        assert expected.height > 0, f"{name} is empty: the comparison would prove nothing"
        assert got.columns == expected.columns, name
        assert got.schema == expected.schema, name
        assert got.equals(expected, null_equal=True), f"{name} differs:\n{expected}\n{got}"


@pytest.mark.parametrize(
    ("as_at", "settings"),
    [(date(2016, 3, 31), SelectionSettings()),
     (date(2015, 6, 30), SelectionSettings(look_back_months=9, long_custody_days=30,
                                           weights={"recency": 2, "frequency": 1, "gravity": 0.5},
                                           gravity={"shoplifting": 3.3, "other": 0.1}))],
    ids=["defaults", "odd-settings"],
)
def test_cohort_selection_is_identical_on_spark(spark: Any, package: Any, as_at: date,
                                                 settings: SelectionSettings) -> None:
    names = ("offences", "cohort", "custody", "nominals")
    results = []
    for frames in ({n: nw.from_native(package.tables[n].lazy()) for n in names},
                   {n: nw.from_native(to_spark(spark, package.tables[n])) for n in names}):
        results.append(select_candidates(frames["offences"], frames["cohort"], frames["custody"], frames["nominals"],
                                         as_at=as_at, settings=settings))
    on_polars, on_spark = results
    for part in ("ranked", "by_category", "left_out"):
        expected = normalised(getattr(on_polars, part).collect().to_native())
        got = normalised(getattr(on_spark, part).collect(backend="polars").to_native())
        assert expected.height > 0, f"{part} is empty: the comparison would prove nothing"
        assert got.schema == expected.schema, part
        assert got.equals(expected, null_equal=True), f"{part} differs:\n{expected}\n{got}"
    ranks = on_polars.ranked.collect().to_native()["rank"].to_list()
    assert ranks == list(range(1, len(ranks) + 1))


def test_the_comparison_notices_a_difference() -> None:
    a = normalised(pl.DataFrame({"k": ["x", "y"], "n": [1, 2]}))
    b = normalised(pl.DataFrame({"k": ["y", "x"], "n": [2, 1]}))
    c = normalised(pl.DataFrame({"k": ["x", "y"], "n": [1, 3]}))
    assert a.equals(b) and not a.equals(c)
