"""Whatever arrives, ``read_package`` either returns a valid package or raises ``PackageError``,
and the command line never shows a traceback."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import zipfile
from pathlib import Path

import polars as pl
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from iomhub.cli import main
from iomhub.package import Package, PackageError, read_package
from iomhub.package.schema import TABLES
from tests.conftest import MINIMAL
from tests.package.sample import SAMPLE, csv_texts

FUZZ = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
VALID = {name: csv_texts()[name] for name in ("nominals", "cohort", "offences", "needs", "custody")}


def _read(files: dict[str, bytes]) -> Package | None:
    folder = Path(tempfile.mkdtemp(prefix="iomhub-fuzz-"))
    try:
        for name, data in files.items():
            (folder / name).write_bytes(data)
        refusal: PackageError | None = None
        try:
            package = read_package(folder)
        except PackageError as error:
            refusal = error
        if refusal is not None:
            assert refusal.problems, "a refusal names at least one problem"
            assert refusal.total >= len(refusal.problems)
            assert all(str(problem) for problem in refusal.problems)
            return None
        for name, frame in package.tables.items():  # a valid result is canonical
            assert frame.columns == TABLES[name].names
            assert all(dtype != pl.Null for dtype in frame.schema.values()) or frame.height == 0
        return package
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@FUZZ
@given(data=st.binary(max_size=300), table=st.sampled_from(["nominals", "cohort"]))
@example(data=b"\r\x00", table="nominals")  # a stray CR in the header line once raised csv.Error
@example(data=b"*", table="nominals")  # Polars read the title '*' as every column: a crash, now refused
@example(data=b"a,__line\n1,2\n", table="cohort")  # a title clashing with the line numbers' name
def test_random_bytes(data: bytes, table: str) -> None:
    files = {f"{name}.csv": text.encode() for name, text in MINIMAL.items()}
    files[f"{table}.csv"] = data
    _read(files)


@FUZZ
@given(text=st.text(max_size=200), table=st.sampled_from(["nominals", "cohort"]))
def test_random_text_after_a_header(text: str, table: str) -> None:
    files = {f"{name}.csv": value.encode() for name, value in MINIMAL.items()}
    files[f"{table}.csv"] = (MINIMAL[table].split("\n")[0] + "\n" + text).encode("utf-8", "surrogatepass")
    _read(files)


def _delete(text: str, at: int, _: str) -> str:
    return text[:at] + text[at + 1:]


def _duplicate_line(text: str, at: int, _: str) -> str:
    lines = text.splitlines(keepends=True)
    if not lines:
        return text
    i = at % len(lines)
    return "".join([*lines[:i + 1], lines[i], *lines[i + 1:]])


def _swap_columns(text: str, at: int, _: str) -> str:
    lines = text.splitlines(keepends=True)
    if not lines:
        return text
    cells = lines[0].rstrip("\n").split(",")
    i = at % len(cells)
    j = (i + 1) % len(cells)
    cells[i], cells[j] = cells[j], cells[i]
    return ",".join(cells) + "\n" + "".join(lines[1:])


def _insert(text: str, at: int, insert: str) -> str:
    return text[:at] + insert + text[at:]


def _quote(text: str, at: int, _: str) -> str:
    return text[:at] + '"' + text[at:]


def _truncate(text: str, at: int, _: str) -> str:
    return text[:at]


MUTATIONS = [_delete, _duplicate_line, _swap_columns, _insert, _quote, _truncate]


@FUZZ
@given(table=st.sampled_from(sorted(VALID)), mutations=st.lists(
    st.tuples(st.sampled_from(MUTATIONS), st.integers(0, 10_000), st.text(min_size=1, max_size=5)),
    min_size=1, max_size=3))
def test_mutated_package(table: str, mutations: list[tuple[object, int, str]]) -> None:
    text = VALID[table]
    for mutate, at, insert in mutations:
        text = mutate(text, at % (len(text) + 1), insert)  # type: ignore[operator]
    files = {f"{name}.csv": value.encode() for name, value in VALID.items()}
    files[f"{table}.csv"] = text.encode("utf-8", "surrogatepass")
    package = _read(files)
    if package is not None:
        assert set(package.tables) == set(VALID)


@settings(max_examples=25, deadline=None)
@given(data=st.binary(min_size=1, max_size=40), at=st.integers(0, 10_000), kind=st.sampled_from(["zip", "xlsx"]))
def test_damaged_archives(data: bytes, at: int, kind: str) -> None:
    folder = Path(tempfile.mkdtemp(prefix="iomhub-fuzz-"))
    try:
        path = folder / f"package.{kind}"
        if kind == "zip":
            with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
                for name, text in VALID.items():
                    archive.writestr(f"{name}.csv", text)
        else:
            import openpyxl

            workbook = openpyxl.Workbook()
            workbook.remove(workbook.active)  # type: ignore[arg-type]
            for name in ("nominals", "cohort"):
                sheet = workbook.create_sheet(name)
                for row in [SAMPLE[name][0], *SAMPLE[name][1]]:
                    sheet.append(list(row))
            workbook.save(path)
        raw = path.read_bytes()
        at %= len(raw)
        path.write_bytes(raw[:at] + data + raw[at + len(data):])
        with contextlib.suppress(PackageError):
            read_package(path)  # anything but a PackageError fails the test
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@settings(max_examples=30, deadline=None)
@given(table=st.sampled_from(["nominals", "cohort"]), mutations=st.lists(
    st.tuples(st.sampled_from(MUTATIONS), st.integers(0, 10_000), st.text(min_size=1, max_size=5)),
    min_size=1, max_size=3), command=st.sampled_from(["check", "report"]))
def test_cli_never_shows_a_traceback(table: str, mutations: list[tuple[object, int, str]], command: str) -> None:
    text = VALID[table]
    for mutate, at, insert in mutations:
        text = mutate(text, at % (len(text) + 1), insert)  # type: ignore[operator]
    folder = Path(tempfile.mkdtemp(prefix="iomhub-fuzz-"))
    try:
        for name, value in VALID.items():
            (folder / f"{name}.csv").write_text(value, encoding="utf-8")
        (folder / f"{table}.csv").write_bytes(text.encode("utf-8", "surrogatepass"))
        output = folder / "out" / "report.json"
        args = [command, str(folder)]
        if command == "report":
            args += ["--from", "2015-04-01", "--to", "2016-03-31", "--format", "json", "-o", str(output)]
        result = CliRunner().invoke(main, args)
        assert result.exit_code in (0, 2), (result.exit_code, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        assert "Traceback" not in result.output
        if result.exit_code == 2:
            assert result.stderr.splitlines()[-1].startswith("Refused: ")
            assert not output.exists()
        elif command == "report":
            assert output.exists()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
