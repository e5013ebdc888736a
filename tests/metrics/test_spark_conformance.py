"""The same metric functions on PySpark (local mode) and on Polars give identical results.

Backends differ in details (integer widths, date arithmetic, null ordering, the last bit of a
logarithm), so the whole report is computed on both engines from the demo package and its
JSON compared byte for byte; the cohort selection is compared table by table; and a package
with problems is checked on both. One Spark session serves the module (it takes a minute or
more to start on a busy machine).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from tempfile import gettempdir
from typing import Any

import narwhals as nw
import polars as pl
import pytest
from click.testing import CliRunner

from iomhub.cli import DEMO_DATA_START, main
from iomhub.domain.selection import SelectionSettings
from iomhub.metrics.selection import select_candidates
from iomhub.package import read_package
from iomhub.synth import SynthOptions, generate
from tests.package.sample import write_csv_folder

pytestmark = [pytest.mark.spark, pytest.mark.xdist_group("spark")]

# Spark's cost on a few thousand rows is its fixed work per query, not the rows: compiling Java
# for every plan (whole-stage code generation, the JIT's optimising compiler), re-planning each
# stage (adaptive execution) and shuffling into more partitions than the data need. Turned off
# here, the module takes about 40% less CPU; the results cannot depend on them (the JSON is
# compared byte for byte), and `make bench` runs the default session on 100,000 nominals.
SMALL_DATA = {
    "spark.sql.codegen.wholeStage": "false",
    "spark.sql.codegen.factoryMode": "NO_CODEGEN",
    "spark.sql.adaptive.enabled": "false",
    "spark.sql.shuffle.partitions": "1",
    "spark.driver.extraJavaOptions": f"-Dderby.system.home={gettempdir()} -XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
}

@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    """One local session for the module; ``--engine spark`` in the same process uses it."""
    from iomhub.package.spark_session import spark_session

    session = spark_session("local[2]", "iomhub-conformance", SMALL_DATA)
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


def test_cohort_selection_is_identical_on_spark(spark: Any, package: Any) -> None:
    # Settings away from every default (the defaults are the same code with other numbers).
    as_at = date(2015, 6, 30)
    settings = SelectionSettings(look_back_months=9, long_custody_days=30,
                                 weights={"recency": 2, "frequency": 1, "gravity": 0.5},
                                 gravity={"shoplifting": 3.3, "other": 0.1})
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


def _without_generated_at(text: str) -> list[str]:
    return [line for line in text.splitlines() if not line.lstrip().startswith('"generated_at"')]


def test_the_report_on_spark_is_the_same_json(spark: Any, tmp_path: Path) -> None:
    # iomhub demo's package (5,000 nominals), read, validated and every table computed on Spark
    # through the command line: the same JSON byte for byte (but the time it was made). (The
    # report reads and validates the package on Spark as check does; check itself is compared
    # on a package with problems below.) The period is an odd one, with a cohort date and the custody
    # exclusion, so that every option of the report's tables runs on Spark too (the demo's own
    # financial year is the same code with other dates).
    generate(SynthOptions(nominals=5000, seed=2015, start=DEMO_DATA_START), tmp_path / "demo")
    folder = str(tmp_path / "demo")
    period = ["--from", "2015-01-15", "--to", "2015-11-20", "--cohort-date", "2015-02-01",
              "--exclude-custody-beyond", "2015-06-30", "--target-reduction", "40"]
    runs = {}
    for engine in ("polars", "spark"):
        result = CliRunner().invoke(main, ["report", folder, *period, "--format", "json", "--engine", engine])
        assert result.exit_code == 0, result.output
        runs[engine] = _without_generated_at(result.stdout)
    assert len(runs["polars"]) > 2000 and '"effect_estimate": [' in "\n".join(runs["polars"])
    assert runs["spark"] == runs["polars"]


def test_check_on_spark_names_the_same_problems(spark: Any, tmp_path: Path) -> None:
    # Problems of a cell (a date, a code), of the whole table (a duplicate key, overlapping
    # episodes, end before start), between tables (an unknown nominal_id), a ragged line and
    # a quoted cell over two lines (read by the single-machine reader): word for word the same.
    folder = write_csv_folder(tmp_path / "package")
    extra = {
        "nominals.csv": 'N9,,,,31/02/1990,male,NW\nN10,,"Two\nLines",,1990-01-01,martian,NE\n',
        "offences.csv": "O1,N1,2015-01-01,,shoplifting,\nO10,N77,2015-01-01,,shoplifting,\n",
        "cohort.csv": "N2,standard,2015-06-01,2015-05-01,\nN4,standard,2015-05-01,,\n",
        "risk.csv": "N1,2015-04-01,green,surplus\n",
    }
    for name, lines in extra.items():
        with (folder / name).open("a", encoding="utf-8") as file:
            file.write(lines)
    polars, spark_run = (CliRunner().invoke(main, ["check", str(folder), "--engine", engine])
                         for engine in ("polars", "spark"))
    assert polars.exit_code == spark_run.exit_code == 2
    for expected in ("nominals.csv:7: date_of_birth", "nominals.csv:8: gender", "offences.csv:11", "offences.csv:12",
                     "cohort.csv:8: end_date", "cohort.csv:9", "risk.csv:7"):
        assert expected in polars.stderr
    assert spark_run.stderr == polars.stderr
