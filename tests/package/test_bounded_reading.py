"""Zip and xlsx packages are read within limits: members, total uncompressed size, compression
ratio. A refusal names the limit crossed, and a refused bomb costs little memory."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from iomhub.package import PackageError, read_package, sources
from iomhub.package.sources import Limits, read_source
from tests.conftest import MINIMAL
from tests.package.bombs import COHORT, NOMINAL_LINE, bomb_member, csv_bomb, member, write_zip

NOMINALS_HEADER = b"nominal_id,date_of_birth,gender,area\n"


def _messages(path: Path, limits: Limits | None = None) -> list[str]:
    raw = read_source(path, limits=limits) if limits else read_source(path)
    return [str(problem) for problem in raw.problems]


def test_a_bomb_is_refused_for_its_compression_ratio(tmp_path: Path) -> None:
    bomb = write_zip(tmp_path / "bomb.zip", [member("cohort.csv", COHORT),
                                             bomb_member("nominals.csv", NOMINALS_HEADER, NOMINAL_LINE, 40)])
    assert _messages(bomb) == [
        "bomb.zip/nominals.csv: refused: it expands more than 100 times its compressed size, the limit for a file "
        "in a package (a zip bomb?)"]
    with pytest.raises(PackageError) as refused:
        read_package(bomb)
    assert "more than 100 times" in str(refused.value) and "cohort" not in str(refused.value)


def test_a_small_very_regular_file_is_not_taken_for_a_bomb(tmp_path: Path) -> None:
    """Under the 16 MiB floor the ratio is not checked: 10 MiB of one repeated row passes."""
    regular = write_zip(tmp_path / "regular.zip", [member("cohort.csv", COHORT),
                                                   bomb_member("nominals.csv", NOMINALS_HEADER, NOMINAL_LINE, 10)])
    assert _messages(regular) == []


def test_the_total_uncompressed_size_is_limited(tmp_path: Path) -> None:
    """Each member within the ratio, the package as a whole over the total: refused, named."""
    archive = write_zip(tmp_path / "big.zip", [member("cohort.csv", COHORT),
                                               bomb_member("nominals.csv", NOMINALS_HEADER, NOMINAL_LINE, 3)])
    assert _messages(archive, Limits(total_bytes=2 * 1024**2)) == [
        "big.zip: refused: its files declare 3 MiB uncompressed, more than the limit of 2 MiB for a package"]


def test_the_total_is_counted_as_it_expands(tmp_path: Path) -> None:
    """What a member really expands to is counted, whatever it declares: three members of 1 MiB
    read through one budget of 2.5 MiB are refused at the third."""
    members = [bomb_member(f"{name}.csv", NOMINALS_HEADER, NOMINAL_LINE, 1) for name in ("nominals", "flags", "risk")]
    archive = write_zip(tmp_path / "three.zip", members)
    budget = sources._Budget(Limits(total_bytes=5 * 1024**2 // 2))
    read, refused = [], ""
    with zipfile.ZipFile(archive) as opened:
        for info in opened.infolist():
            try:
                sources._stream_member(opened, info, budget, keep=False)
            except sources.OverLimit as error:
                refused = f"{info.filename}: {error}"
                break
            read.append(info.filename)
    assert read == ["nominals.csv", "flags.csv"]
    assert refused == ("risk.csv: refused: the package expands to more than 2.5 MiB, the limit for a package's "
                       "uncompressed size")


def test_the_number_of_members_is_limited(tmp_path: Path) -> None:
    archive = tmp_path / "many.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("cohort.csv", COHORT)
        out.writestr("nominals.csv", MINIMAL["nominals"])
        for i in range(1001):
            out.writestr(f"notes/{i}.txt", "")
    assert _messages(archive) == [
        "many.zip: refused: it holds 1,003 files, more than the limit of 1,000 for a package"]


def test_an_xlsx_bomb_is_refused_before_the_workbook_is_read(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "nominals"
    sheet.append(["nominal_id", "date_of_birth", "gender", "area"])
    sheet.append(["N1", "1990-01-01", "male", "NW"])
    cohort = workbook.create_sheet("cohort")
    cohort.append(["nominal_id", "scheme", "start_date", "end_date"])
    cohort.append(["N1", "priority", "2015-01-01", None])
    plain = tmp_path / "plain.xlsx"
    workbook.save(plain)
    assert _messages(plain) == []
    # the same workbook with a sheet of a million repeated rows of XML, 40 MiB from about 100 KiB
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(plain) as source:
        members = [member(info.filename, source.read(info)) for info in source.infolist()
                   if info.filename != "xl/worksheets/sheet1.xml"]
    row = b'<row><c t="inlineStr"><is><t>N1</t></is></c></row>'
    members.append(bomb_member("xl/worksheets/sheet1.xml", b"<worksheet><sheetData>", row, 40))
    write_zip(bomb, members)
    assert _messages(bomb) == [
        "bomb.xlsx[xl/worksheets/sheet1.xml]: refused: it expands more than 100 times its compressed size, the "
        "limit for a file in a package (a zip bomb?)"]


# The checks run in a process forked from a fresh interpreter: a process started from the test
# (itself forked from a pytest worker of several hundred MB) reports the worker's size as its
# ru_maxrss, which Linux carries over fork and exec; the fork of a small process does not.
MEASURE = """
import os
if os.fork():
    _, status = os.wait()
    raise SystemExit(os.waitstatus_to_exitcode(status))
import json, resource, sys
from click.testing import CliRunner
from iomhub.cli import main
outputs = []
for path in sys.argv[1:]:
    result = CliRunner().invoke(main, ["check", path])
    outputs.append({"exit": result.exit_code, "output": result.output})
print(json.dumps({"outputs": outputs, "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def test_a_refused_bomb_costs_under_500_mb(tmp_path: Path) -> None:
    """The bomb of the adversarial test (1.2 GiB of CSV in a zip of about 3 MB, which took `iomhub
    import` to 10.2 GB) is refused for what it declares; a bomb of 900 MiB, inside the total, is
    refused for its ratio while it streams. Each names its limit; the process's peak resident
    size over both stays under 500 MB (it held every member whole before)."""
    declared = csv_bomb(tmp_path / "declared.zip", mebibytes=1229)
    assert zipfile.ZipFile(declared).getinfo("nominals.csv").file_size > 1.2 * 1024**3
    streamed = csv_bomb(tmp_path / "streamed.zip", mebibytes=900)
    done = subprocess.run([sys.executable, "-c", MEASURE, str(declared), str(streamed)], capture_output=True,
                          text=True, check=True, timeout=120)
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    first, second = measured["outputs"]
    assert first["exit"] == second["exit"] == 2
    assert "declared.zip: refused: its files declare 1.2 GiB uncompressed, more than the limit of 1 GiB" in first[
        "output"]
    assert "streamed.zip/nominals.csv: refused: it expands more than 100 times its compressed size" in second[
        "output"]
    assert "Traceback" not in first["output"] + second["output"]
    print(f"peak resident size of the refused bombs: {measured['peak_mib']:.0f} MiB")
    assert measured["peak_mib"] < 500
