"""Parquet packages (a folder of ``TABLE.parquet``): the same tables and the same problems as CSV.

A Parquet table has no lines: its rows are numbered as the lines of the same table written as
CSV would be (the header is line 1), so a problem names the same place in both.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest

from iomhub.package import PackageError, read_package
from iomhub.package.convert import write_package
from iomhub.package.schema import TABLES
from tests.package.sample import write_csv_folder
from tests.package.test_mapping import MAPPING, mapped


def as_parquet(folder: Path, target: Path, **frames: pl.DataFrame) -> Path:
    """Every CSV of ``folder`` written as Parquet with text columns, except the tables given."""
    target.mkdir()
    for path in sorted(folder.glob("*.csv")):
        name = path.stem
        frame = frames.get(name, pl.read_csv(path, infer_schema=False))
        frame.write_parquet(target / f"{name}.parquet")
    return target


def problems(folder: Path) -> list[str]:
    with pytest.raises(PackageError) as error:
        read_package(folder)
    return [str(problem) for problem in error.value.problems]


def test_a_converted_package_reads_into_the_same_tables(tmp_path: Path) -> None:
    csv = read_package(write_csv_folder(tmp_path / "csv"))
    write_package(csv, tmp_path / "parquet")
    assert sorted(path.name for path in (tmp_path / "parquet").iterdir()) == sorted(
        f"{name}.parquet" for name in csv.tables)
    parquet = read_package(tmp_path / "parquet")
    assert set(parquet.tables) == set(csv.tables)
    for name, frame in csv.tables.items():
        assert parquet.tables[name].equals(frame, null_equal=True), name
        assert parquet.tables[name].schema == frame.schema, name
    # The canonical typed columns are written as their types, not as text.
    written = pl.read_parquet_schema(tmp_path / "parquet" / "offences.parquet")
    assert written["offence_date"] == pl.Date


def test_text_columns_read_as_the_csv_cells_would(tmp_path: Path) -> None:
    # Every column text (dates in UK order, codes in mixed case, padded cells): the same tables.
    folder = write_csv_folder(tmp_path / "csv", dates="uk", header="messy")
    parquet = as_parquet(folder, tmp_path / "parquet")
    csv_tables, parquet_tables = read_package(folder).tables, read_package(parquet).tables
    for name, frame in csv_tables.items():
        assert parquet_tables[name].equals(frame, null_equal=True), name


def test_a_problem_names_the_row_as_its_csv_line(tmp_path: Path) -> None:
    # Row 3 of nominals (the third person) has an impossible date: line 4, as in the CSV.
    folder = write_csv_folder(tmp_path / "csv")
    nominals = pl.read_csv(folder / "nominals.csv", infer_schema=False).with_row_index("i").with_columns(
        pl.when(pl.col("i") == 2).then(pl.lit("2001-02-30")).otherwise(pl.col("date_of_birth"))
        .alias("date_of_birth")).drop("i")
    parquet = as_parquet(folder, tmp_path / "parquet", nominals=nominals)
    assert problems(parquet) == ["nominals.parquet:4: date_of_birth: '2001-02-30' is not a real date (no such day)"]


def test_typed_columns_are_checked_for_their_range(tmp_path: Path) -> None:
    # Dates of the wrong century and a score of 11, in columns already typed.
    folder = write_csv_folder(tmp_path / "csv")
    offences = pl.read_csv(folder / "offences.csv", infer_schema=False).with_columns(
        pl.col("offence_date").str.to_date("%Y-%m-%d")).with_row_index("i").with_columns(
        pl.when(pl.col("i") == 0).then(pl.lit(date(1850, 1, 1))).otherwise(pl.col("offence_date"))
        .alias("offence_date")).drop("i")
    needs = pl.read_csv(folder / "needs.csv", infer_schema=False).with_columns(
        pl.col("score").cast(pl.Float64)).with_row_index("i").with_columns(
        pl.when(pl.col("i") == 1).then(pl.lit(11.0)).otherwise(pl.col("score")).alias("score")).drop("i")
    parquet = as_parquet(folder, tmp_path / "parquet", offences=offences, needs=needs)
    assert problems(parquet) == [
        "needs.parquet:3: score: score '11.0' is outside 0 to 10",
        "offences.parquet:2: offence_date: '1850-01-01' is not a plausible date (years 1900 to 2100)",
    ]


def test_a_datetime_at_midnight_is_a_date(tmp_path: Path) -> None:
    folder = write_csv_folder(tmp_path / "csv")
    cohort = pl.read_csv(folder / "cohort.csv", infer_schema=False).with_columns(
        pl.col("start_date").str.to_datetime("%Y-%m-%d"))
    parquet = as_parquet(folder, tmp_path / "parquet", cohort=cohort)
    assert read_package(parquet).tables["cohort"].equals(read_package(folder).tables["cohort"], null_equal=True)
    with_time = cohort.with_columns(pl.lit(datetime(2015, 1, 1, 9, 30)).alias("start_date"))  # noqa: DTZ001 (a naive timestamp, as files hold)
    (parquet / "cohort.parquet").unlink()
    with_time.write_parquet(parquet / "cohort.parquet")
    found = problems(parquet)
    assert found[0] == ("cohort.parquet:2: start_date: '2015-01-01 09:30:00.000000' is not a date "
                        "(write YYYY-MM-DD or DD/MM/YYYY)")


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("cohort.parquet", b"not parquet at all", "cohort.parquet: is not a readable Parquet file"),
    ("nominals.parquet", None, "nominals.parquet:1: area: holds List(String) values, not single values"),
    ("cohort.parquet", "copy", "cohort.parquet: a second cohort table (already read from cohort.csv)"),
], ids=["damaged", "a-list-column", "csv-and-parquet-of-one-table"])
def test_unreadable_parquet_is_a_problem(tmp_path: Path, name: str, content: bytes | str | None,
                                         expected: str) -> None:
    folder = write_csv_folder(tmp_path / "csv")
    if content is None:
        frame = pl.read_csv(folder / "nominals.csv", infer_schema=False).with_columns(pl.concat_list("area"))
        (folder / "nominals.csv").unlink()
        frame.write_parquet(folder / name)
    elif content == "copy":
        pl.read_csv(folder / "cohort.csv", infer_schema=False).write_parquet(folder / name)
    else:
        assert isinstance(content, bytes)
        (folder / "cohort.csv").unlink()
        (folder / name).write_bytes(content)
    assert any(problem.startswith(expected) for problem in problems(folder)), problems(folder)


def test_the_converted_folder_is_written_whole_and_never_over_another(tmp_path: Path) -> None:
    package = read_package(write_csv_folder(tmp_path / "csv"))
    (tmp_path / "taken").mkdir()
    with pytest.raises(FileExistsError):
        write_package(package, tmp_path / "taken")
    assert list((tmp_path / "taken").iterdir()) == []
    write_package(package, tmp_path / "back", to="csv")
    again = read_package(tmp_path / "back")
    assert all(again.tables[name].equals(frame, null_equal=True) for name, frame in package.tables.items())
    assert not [path for path in tmp_path.iterdir() if path.name.startswith(".")]  # no scratch folder left
    assert set(TABLES) >= set(again.tables)


def test_a_mapped_package_converts_to_canonical_files_without_its_mapping(tmp_path: Path) -> None:
    # The converted files have the specification's names, columns and codes: package.toml's
    # settings are kept, its mapping is not (it would name files and headers no longer there).
    folder = mapped(tmp_path / "mapped", toml="title = \"North Unit\"\n\n[costs]\nshoplifting = 150\n\n" + MAPPING)
    source = read_package(folder)
    write_package(source, tmp_path / "parquet")
    written = (tmp_path / "parquet" / "package.toml").read_text(encoding="utf-8")
    assert "[costs]" in written and "North Unit" in written and "[files]" not in written and "[columns" not in written
    converted = read_package(tmp_path / "parquet")
    for name, frame in source.tables.items():
        assert converted.tables[name].equals(frame, null_equal=True), name
    assert converted.settings == source.settings
