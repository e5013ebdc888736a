"""A package whose files keep another system's names, headers, codes, date format, encoding and
separator (``iomhub.synth.extracts``), with a package.toml mapping, reads as exactly the tables of
the same data written canonically, and gives byte for byte the same JSON report: for every table, and for all at once
(through ``iomhub report`` too). A property test does the same with headers and spellings that
hypothesis chooses."""

from __future__ import annotations

import dataclasses
import json
import shutil
import string
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from iomhub.cli import main
from iomhub.domain.codes import normalise_code
from iomhub.domain.dates import Span
from iomhub.package import Package, read_package
from iomhub.package.schema import TABLES, Kind
from iomhub.package.sources import normalise_header
from iomhub.reports.json_renderer import render_json
from iomhub.reports.model import build_report
from iomhub.reports.params import ReportParams
from iomhub.synth import SynthOptions, generate
from iomhub.synth.extracts import write_as_extracts
from tests.package.sample import SAMPLE, write_csv_folder

PARAMS = ReportParams(period=Span(date(2015, 4, 1), date(2016, 3, 31)))
GENERATED_AT = datetime(2016, 4, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def canonical(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("canonical") / "package"
    counts = generate(SynthOptions(nominals=150, seed=3, start=date(2012, 4, 1)), folder)
    assert set(counts) == set(TABLES) and all(counts.values()), counts  # every table has rows to map
    return folder


@pytest.fixture(scope="module")
def expected(canonical: Path) -> tuple[Package, str]:
    package = read_package(canonical)
    return package, report_json(package)


def report_json(package: Package) -> str:
    """The JSON report, generated at a fixed time from a source of a fixed name."""
    return render_json(build_report(dataclasses.replace(package, source="package"), PARAMS, GENERATED_AT))


def toml_list(values: Iterable[str]) -> str:
    return "[" + ", ".join(json.dumps(v) for v in values) + "]"


def assert_same_package(package: Package, canonical: Package) -> None:
    assert set(package.tables) == set(canonical.tables)
    for name, frame in canonical.tables.items():
        assert_frame_equal(package.tables[name], frame)
        assert package.lines[name].equals(canonical.lines[name]), name
    assert package.settings == canonical.settings
    assert package.warnings == canonical.warnings


@pytest.mark.parametrize("tables", [[name] for name in TABLES] + [list(TABLES)], ids=[*TABLES, "every-table"])
def test_a_mapped_package_reads_and_reports_as_the_canonical_one(
        tables: list[str], canonical: Path, expected: tuple[Package, str], tmp_path: Path) -> None:
    folder = write_as_extracts(canonical, tmp_path / "mapped", tables)
    assert not any((folder / TABLES[name].filename).exists() for name in tables)
    package = read_package(folder)
    canonical_package, canonical_report = expected
    assert_same_package(package, canonical_package)
    assert report_json(package) == canonical_report


def test_iomhub_report_gives_the_canonical_report_for_mapped_extracts(canonical: Path, tmp_path: Path) -> None:
    mapped = write_as_extracts(canonical, tmp_path / "mapped", TABLES)
    reports = []
    for folder in (canonical, mapped):
        result = CliRunner().invoke(main, ["report", str(folder), "--from", "2015-04-01", "--to", "2016-03-31",
                                           "--format", "json"])
        assert result.exit_code == 0, result.output
        document = json.loads(result.stdout)
        del document["generated_at"], document["settings"]["source"]
        reports.append(document)
    assert reports[0] == reports[1]
    assert reports[0]["tables"]  # a report with figures, not two empty ones


# -- property: any headers and spellings a system might use ----------------------------------------

HEADER = st.text(string.ascii_letters + string.digits + " #()-.", min_size=1, max_size=20).filter(
    lambda h: h.strip() != "")
SPELLING = st.text(string.ascii_letters + string.digits + " -()", min_size=1, max_size=12).filter(
    lambda s: normalise_code(s) != "")
CODED = {name: [c.name for c in TABLES[name].columns if c.kind is Kind.CODE and c.name in SAMPLE[name][0]]
         for name in SAMPLE}


@st.composite
def renamings(draw: st.DrawFn) -> tuple[str, dict[str, str], dict[str, dict[str, str]]]:
    """A table of the sample, new headers for its columns, and new spellings for its codes."""
    table = draw(st.sampled_from(sorted(name for name in SAMPLE if CODED[name])))
    columns = SAMPLE[table][0]
    headers = draw(st.lists(HEADER, min_size=len(columns), max_size=len(columns),
                            unique_by=lambda h: normalise_header(h)))
    spellings: dict[str, dict[str, str]] = {}
    for column in CODED[table]:
        index = columns.index(column)
        found = sorted({normalise_code(str(row[index])) for row in SAMPLE[table][1] if row[index] is not None})
        chosen = draw(st.lists(SPELLING, min_size=len(found), max_size=len(found), unique_by=normalise_code))
        spellings[column] = dict(zip(found, chosen, strict=True))
    return table, dict(zip(columns, headers, strict=True)), spellings


@pytest.fixture(scope="module")
def sample_package(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Package]:
    folder = write_csv_folder(tmp_path_factory.mktemp("sample") / "package")
    return folder, read_package(folder)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(renaming=renamings())
def test_any_headers_and_spellings_map_back_to_the_same_tables(
        renaming: tuple[str, dict[str, str], dict[str, dict[str, str]]], sample_package: tuple[Path, Package],
        tmp_path_factory: pytest.TempPathFactory) -> None:
    table, headers, spellings = renaming
    source, expected_package = sample_package
    folder = tmp_path_factory.mktemp("renamed") / "package"
    shutil.copytree(source, folder)
    frame = pl.read_csv(folder / f"{table}.csv", infer_schema=False)
    frame = frame.with_columns(
        pl.col(column).map_elements(lambda v, m=mapping: m[normalise_code(v)], return_dtype=pl.String)
        for column, mapping in spellings.items())
    (folder / f"{table}.csv").unlink()
    frame.rename(headers).write_csv(folder / "their extract.csv")
    lines = ["[files]", f'{table} = "their extract.csv"', f"[columns.{table}]"]
    lines += [f"{column} = {json.dumps(header)}" for column, header in headers.items()]
    for column, mapping in spellings.items():
        lines.append(f"[codes.{table}.{column}]")
        lines += [f"{code} = {toml_list([spelling])}" for code, spelling in mapping.items()]
    (folder / "package.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert_same_package(read_package(folder), expected_package)
