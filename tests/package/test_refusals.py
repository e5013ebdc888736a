"""Every refusal of the data-package spec, with its exact ``file:line: column: problem`` message,
through ``read_package`` and through the command line (exit status 2, nothing written)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from iomhub.cli import main
from iomhub.package import PackageError, read_package
from tests.conftest import MINIMAL

NOMINALS_HEAD = "nominal_id,pnc_id,date_of_birth,gender,area\n"
COHORT_HEAD = "nominal_id,scheme,start_date,end_date\n"
HISTORY_HEAD = "nominal_id,date_of_birth,gender,sanctions,first_sanction_date\n"
INDICATORS = "indicator_id,title,direction\nK1,Cohort,up\n"


def _files(tables: dict[str, str | bytes], *, minimal: bool = True) -> dict[str, str | bytes]:
    return {**(MINIMAL if minimal else {}), **tables}


def _write(folder: Path, files: dict[str, str | bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = folder / (name if "." in name else f"{name}.csv")
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder


# (files of the package, the problems expected, one a line, in the order reported)
CASES: list[tuple[str, dict[str, str | bytes], list[str]]] = [
    ("invalid-utf8", _files({"nominals": b"nominal_id,area\nN1,NW\nN2,Gw\xe4ynedd\n"}),
     ["nominals.csv:3: is not UTF-8 text (byte 0xE4, 'ä' in Windows-1252): save it as CSV UTF-8, or declare "
      'its encoding in package.toml: [files] nominals = { file = "nominals.csv", encoding = "cp1252" }']),
    ("missing-required-table", _files({"nominals": MINIMAL["nominals"]}, minimal=False),
     ["cohort.csv: required table is missing"]),
    ("missing-required-column", _files({"cohort": "nominal_id,scheme,end_date\nN1,priority,\n"}),
     ["cohort.csv:1: start_date: required column is missing"]),
    ("missing-two-columns", _files({"cohort": "nominal_id,end_date\nN1,\n"}),
     ["cohort.csv:1: scheme: required column is missing", "cohort.csv:1: start_date: required column is missing"]),
    ("empty-file", _files({"cohort": ""}), ["cohort.csv: is empty: a table needs a header row"]),
    ("header-twice", _files({"cohort": "nominal_id,scheme,start_date,Scheme\nN1,priority,2015-01-01,x\n"}),
     ["cohort.csv:1: scheme: the header names column 'scheme' twice (again in position 4)"]),
    ("title-of-the-line-numbers",  # once a crash: the fuzz test's random bytes made this header
     _files({"cohort": "nominal_id,scheme,start_date, __Line \nN1,priority,2015-01-01,7\n"}),
     ["cohort.csv:1: __line: a column title may not begin with '__': iomhub names its own columns so "
      "(position 4); rename it"]),
    ("title-every-column",  # once a crash: Polars reads '*' as every column (the fuzz test's b'*')
     _files({"cohort": "nominal_id,scheme,start_date,*\nN1,priority,2015-01-01,7\n"}),
     ["cohort.csv:1: *: a column title may not be '*' or begin with '^' and end with '$' (a pattern to the "
      "tables' engine) (position 4); rename it"]),
    ("title-a-pattern", _files({"cohort": "nominal_id,scheme,start_date,^scheme$\nN1,priority,2015-01-01,7\n"}),
     ["cohort.csv:1: ^scheme$: a column title may not be '*' or begin with '^' and end with '$' (a pattern to "
      "the tables' engine) (position 4); rename it"]),
    ("title-of-an-unnamed-column",
     _files({"cohort": "nominal_id,scheme,start_date,__unnamed_0\nN1,priority,2015-01-01,\n"}),
     ["cohort.csv:1: __unnamed_0: a column title may not begin with '__': iomhub names its own columns so "
      "(position 4); rename it"]),
    ("too-many-cells", _files({"cohort": COHORT_HEAD + "N1,priority,2015-01-01,,surplus\n"}),
     ["cohort.csv:2: has 5 cells but the header has 4 columns"]),
    ("impossible-date", _files({"nominals": NOMINALS_HEAD + "N1,,31/02/1990,male,NW\n"}),
     ["nominals.csv:2: date_of_birth: '31/02/1990' is not a real date (no such day)"]),
    ("month-13", _files({"nominals": NOMINALS_HEAD + "N1,,2015-13-01,male,NW\n"}),
     ["nominals.csv:2: date_of_birth: '2015-13-01' is not a real date (no such day)"]),
    ("us-order-date", _files({"cohort": COHORT_HEAD + "N1,priority,12/31/2015,\n"}),
     ["cohort.csv:2: start_date: '12/31/2015' is not a real date (no such day)"]),
    ("not-a-date", _files({"cohort": COHORT_HEAD + "N1,priority,1 April 2015,\n"}),
     ["cohort.csv:2: start_date: '1 April 2015' is not a date (write YYYY-MM-DD or DD/MM/YYYY)"]),
    ("implausible-year", _files({"nominals": NOMINALS_HEAD + "N1,,01/01/1850,male,NW\n"}),
     ["nominals.csv:2: date_of_birth: '01/01/1850' is not a plausible date (years 1900 to 2100)"]),
    ("unknown-code", _files({"nominals": NOMINALS_HEAD + "N1,,1990-01-01,Mail,NW\n"}),
     ["nominals.csv:2: gender: unknown code 'Mail' (expected one of: male, female, other, unknown)"]),
    ("unknown-scheme", _files({"cohort": COHORT_HEAD + "N1,Super Priority,2015-01-01,\n"}),
     ["cohort.csv:2: scheme: unknown code 'Super Priority' (expected one of: priority, enhanced, standard)"]),
    ("empty-required-value", _files({"cohort": COHORT_HEAD + "N1,,2015-01-01,\n"}),
     ["cohort.csv:2: scheme: is empty but a value is required"]),
    ("nominal-not-in-nominals", _files({"cohort": COHORT_HEAD + "N1,priority,2015-01-01,\nN9,priority,2015-01-01,\n",
                                        "offences": "offence_id,nominal_id,offence_date\nO1,N9,2015-05-01\n"}),
     ["cohort.csv:3: nominal_id: 'N9' is not in nominals.csv",
      "offences.csv:2: nominal_id: 'N9' is not in nominals.csv"]),
    ("duplicate-nominal", _files({"nominals": NOMINALS_HEAD + "N1,,,male,NW\nN2,,,male,NW\nN1,,,female,NE\n"}),
     ["nominals.csv:4: nominal_id: duplicate nominal_id 'N1' (first on line 2)"]),
    ("duplicate-offence", _files({"offences": "offence_id,nominal_id,offence_date\nO1,N1,2015-05-01\n"
                                              "O1,N1,2015-05-02\n"}),
     ["offences.csv:3: offence_id: duplicate offence_id 'O1' (first on line 2)"]),
    ("overlapping-episodes", _files({"cohort": COHORT_HEAD + "N1,priority,2015-01-01,2015-12-31\n"
                                                             "N1,enhanced,2015-06-01,\n"}),
     ["cohort.csv:3: start_date: episode starting 2015-06-01 overlaps the episode on line 2 of the same "
      "nominal_id 'N1'"]),
    ("episode-after-open-episode", _files({"cohort": COHORT_HEAD + "N1,enhanced,2016-01-01,\n"
                                                                   "N1,priority,2015-01-01,\n"}),
     ["cohort.csv:2: start_date: episode starting 2016-01-01 overlaps the episode on line 3 of the same "
      "nominal_id 'N1'"]),
    ("episodes-touching-one-day", _files({"cohort": COHORT_HEAD + "N1,priority,2015-01-01,2015-06-01\n"
                                                                  "N1,enhanced,2015-06-01,\n"}),
     ["cohort.csv:3: start_date: episode starting 2015-06-01 overlaps the episode on line 2 of the same "
      "nominal_id 'N1'"]),
    ("overlaps-beside-a-bad-date",  # once a Polars panic (columns of different chunking in pl.format)
     _files({"nominals": NOMINALS_HEAD + "N1,,,male,NW\nN4,,,male,NW\nN5,,,male,NW\n",
             "cohort": COHORT_HEAD + "N1,priority,2014-01-01,2015-06-30\nN1,priority,2014-01-01,2015-06-30\n"
                                     "N4,enhanced,2015-04-01,\nN4,enhanced,2015-04-01,\nN5,standard,201\"6-01-01,\n"}),
     ["cohort.csv:3: start_date: episode starting 2014-01-01 overlaps the episode on line 2 of the same "
      "nominal_id 'N1'",
      "cohort.csv:5: start_date: episode starting 2015-04-01 overlaps the episode on line 4 of the same "
      "nominal_id 'N4'",
      "cohort.csv:6: start_date: '201\"6-01-01' is not a date (write YYYY-MM-DD or DD/MM/YYYY)"]),
    ("end-before-start", _files({"cohort": COHORT_HEAD + "N1,priority,2015-01-01,31/12/2014\n"}),
     ["cohort.csv:2: end_date: 2014-12-31 is before start_date 2015-01-01"]),
    ("score-above-10", _files({"needs": "nominal_id,assessed_on,pathway,score\nN1,2015-05-01,ete,11\n"}),
     ["needs.csv:2: score: score '11' is outside 0 to 10"]),
    ("score-negative", _files({"needs": "nominal_id,assessed_on,pathway,score\nN1,2015-05-01,ete,-1\n"}),
     ["needs.csv:2: score: score '-1' is outside 0 to 10"]),
    ("score-not-numeric", _files({"needs": "nominal_id,assessed_on,pathway,score\nN1,2015-05-01,ete,high\n"}),
     ["needs.csv:2: score: 'high' is not a number"]),
    ("score-nan", _files({"needs": "nominal_id,assessed_on,pathway,score\nN1,2015-05-01,ete,NaN\n"}),
     ["needs.csv:2: score: 'NaN' is not a number"]),
    ("bad-pnc", _files({"nominals": NOMINALS_HEAD + "N1,2009-0123456,1990-01-01,male,NW\n"}),
     ["nominals.csv:2: pnc_id: '2009-0123456' is not a PNC id (YYYY/NNNNNNNL, e.g. 2009/0123456X)"]),
    ("bad-period", _files({"indicators": INDICATORS,
                           "targets": "indicator_id,period,kind,value\nK1,2014-Q5,value,3\nK1,2014/15,value,3\n"}),
     ["targets.csv:2: period: '2014-Q5' is not a period (2014 for the financial year 2014/15, or 2014-Q1)",
      "targets.csv:3: period: '2014/15' is not a period (2014 for the financial year 2014/15, or 2014-Q1)"]),
    ("bad-boolean", _files({"meetings": "meeting_id,held_on\nM1,2015-05-01\n",
                            "attendance": "meeting_id,agency,invited,attended\nM1,police,maybe,yes\n"}),
     ["attendance.csv:2: invited: 'maybe' is not true or false (use true/false, yes/no or 1/0)"]),
    ("attendance-without-meetings", _files({"attendance": "meeting_id,agency\nM1,police\n"}),
     ["attendance.csv: attendance needs meetings.csv"]),
    ("target-needs-value", _files({"indicators": INDICATORS, "targets": "indicator_id,period,kind\nK1,2015,value\n"}),
     ["targets.csv:2: kind: a target of kind 'value' needs a value"]),
    ("target-unknown-indicator", _files({"indicators": INDICATORS,
                                         "targets": "indicator_id,period,kind,value\nK9,2015,value,1\n"}),
     ["targets.csv:2: indicator_id: 'K9' is not in indicators.csv"]),
    ("sanctions-not-whole", _files({"nominals": HISTORY_HEAD + "N1,1990-01-01,male,2.5,\n"}),
     ["nominals.csv:2: sanctions: '2.5' is not a whole number of sanctions"]),
    ("sanctions-zero", _files({"nominals": HISTORY_HEAD + "N1,1990-01-01,male,0,\n"}),
     ["nominals.csv:2: sanctions: '0' sanctions: the count includes the latest sanction, so it is at least 1"]),
    ("sanctions-not-a-number", _files({"nominals": HISTORY_HEAD + "N1,1990-01-01,male,many,\n"}),
     ["nominals.csv:2: sanctions: 'many' is not a number"]),
    ("first-sanction-before-10", _files({"nominals": HISTORY_HEAD + "N1,1990-03-15,male,4,14/03/2000\n"}),
     ["nominals.csv:2: first_sanction_date: first sanction on 2000-03-14 is before the 10th birthday "
      "(2000-03-15), the age of criminal responsibility"]),
    ("first-sanction-not-a-date", _files({"nominals": HISTORY_HEAD + "N1,1990-03-15,male,4,2004-02-30\n"}),
     ["nominals.csv:2: first_sanction_date: '2004-02-30' is not a real date (no such day)"]),
    ("bad-toml", _files({"package.toml": "title = \n"}),
     ["package.toml:1: is not valid TOML (Invalid value (at line 1, column 9))"]),
]


def _ids(cases: list[tuple[str, dict[str, str | bytes], list[str]]]) -> list[str]:
    return [case[0] for case in cases]


@pytest.mark.parametrize(("name", "files", "expected"), CASES, ids=_ids(CASES))
def test_read_package_refuses(name: str, files: dict[str, str | bytes], expected: list[str], tmp_path: Path) -> None:
    folder = _write(tmp_path / name, files)
    with pytest.raises(PackageError) as caught:
        read_package(folder)
    assert [str(problem) for problem in caught.value.problems] == expected
    assert caught.value.total == len(expected)
    assert caught.value.summary() == "\n".join(expected)


def _unreadable(tmp: Path, kind: str) -> tuple[Path, str]:
    if kind == "no-such-folder":
        path = tmp / "nowhere"
        return path, f"{path}: no such file or folder"
    if kind == "corrupt-zip":
        path = tmp / "package.zip"
        path.write_bytes(b"PK\x03\x04 this is not really a zip")
        return path, "package.zip: not a readable zip file (File is not a zip file)"
    if kind == "zip-bad-member":
        path = tmp / "package.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("nominals.csv", MINIMAL["nominals"] * 20)
            archive.writestr("cohort.csv", MINIMAL["cohort"])
        data = bytearray(path.read_bytes())
        offset = 30 + len("nominals.csv") + 5  # inside the compressed data of nominals.csv
        data[offset:offset + 8] = b"\xff" * 8
        path.write_bytes(bytes(data))
        return path, "package.zip/nominals.csv: cannot be unpacked ("
    if kind == "corrupt-xlsx":
        path = tmp / "package.xlsx"
        path.write_bytes(b"not a workbook at all")
        return path, "package.xlsx: not a readable Excel workbook ("
    if kind == "single-csv":
        path = tmp / "nominals.csv"
        path.write_text(MINIMAL["nominals"])
        return path, ("nominals.csv: a package is a folder, .zip or .xlsx holding nominals.csv and cohort.csv, "
                      "not a single CSV file")
    path = tmp / "package.txt"
    path.write_text("hello")
    return path, "package.txt: not a package: expected a folder, a .zip or an .xlsx"


UNREADABLE = ["no-such-folder", "corrupt-zip", "zip-bad-member", "corrupt-xlsx", "single-csv", "other-file"]


@pytest.mark.parametrize("kind", UNREADABLE, ids=UNREADABLE)
def test_unreadable_package(kind: str, tmp_path: Path) -> None:
    path, expected = _unreadable(tmp_path, kind)
    with pytest.raises(PackageError) as caught:
        read_package(path)
    messages = [str(problem) for problem in caught.value.problems]
    assert messages[0].startswith(expected), messages
    if kind == "zip-bad-member":  # the member is lost, so the required table is missing too
        assert messages[1:] == []
    else:
        assert len(messages) == 1, messages


def _many_bad_genders(count: int) -> dict[str, str | bytes]:
    rows = "".join(f"N{i},,1990-01-01,bad,NW\n" for i in range(count))
    cohort = COHORT_HEAD + "".join(f"N{i},priority,2015-01-01,\n" for i in range(count))
    return _files({"nominals": NOMINALS_HEAD + rows, "cohort": cohort})


@pytest.mark.parametrize(("count", "kept", "tail"), [
    (60, 60, "... and 10 more problems (60 in all)"),
    (51, 51, "... and 1 more problem (51 in all)"),
    (150, 100, "... and 100 more problems (150 in all)"),
], ids=["60", "51", "150-more-than-kept"])
def test_first_50_problems_and_a_count(count: int, kept: int, tail: str, tmp_path: Path) -> None:
    folder = _write(tmp_path / "many", _many_bad_genders(count))
    with pytest.raises(PackageError) as caught:
        read_package(folder)
    error = caught.value
    assert error.total == count
    assert len(error.problems) == kept
    lines = error.summary().splitlines()
    assert len(lines) == 51
    assert lines[0] == ("nominals.csv:2: gender: unknown code 'bad' (expected one of: male, female, other, "
                        "unknown)")
    assert lines[49].startswith("nominals.csv:51: gender: ")
    assert lines[50] == tail


# ---- through the command line -------------------------------------------------------------


def _run(args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, args)
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), (
        result.exception)
    return result.exit_code, result.stdout, result.stderr


def _assert_refused(code: int, stdout: str, stderr: str, expected: list[str], total: int) -> None:
    assert code == 2
    assert "Traceback" not in stdout + stderr
    assert stdout == ""
    lines = stderr.splitlines()
    for line in expected:
        assert any(got.startswith(line) for got in lines), (line, stderr)
    assert lines[-1] == f"Refused: {total} problem{'s' if total != 1 else ''}; nothing was written."


REPORT = ["--from", "2015-04-01", "--to", "2016-03-31", "--format", "json"]


@pytest.mark.parametrize(("name", "files", "expected"), CASES, ids=_ids(CASES))
def test_cli_check_refuses(name: str, files: dict[str, str | bytes], expected: list[str], tmp_path: Path) -> None:
    folder = _write(tmp_path / name, files)
    code, stdout, stderr = _run(["check", str(folder)])
    _assert_refused(code, stdout, stderr, expected, len(expected))
    assert stderr.splitlines()[:-1] == expected  # one problem a line, never wrapped


@pytest.mark.parametrize(("name", "files", "expected"), CASES, ids=_ids(CASES))
def test_cli_report_refuses_and_writes_nothing(name: str, files: dict[str, str | bytes], expected: list[str],
                                               tmp_path: Path) -> None:
    folder = _write(tmp_path / name, files)
    output = tmp_path / "out" / "report.json"
    code, stdout, stderr = _run(["report", str(folder), *REPORT, "-o", str(output)])
    _assert_refused(code, stdout, stderr, expected, len(expected))
    assert not output.exists()
    assert not output.parent.exists() or list(output.parent.iterdir()) == []


@pytest.mark.parametrize("kind", UNREADABLE, ids=UNREADABLE)
def test_cli_unreadable(kind: str, tmp_path: Path) -> None:
    path, expected = _unreadable(tmp_path, kind)
    output = tmp_path / "report.json"
    output.write_text("the previous report")
    code, stdout, stderr = _run(["report", str(path), *REPORT, "-o", str(output)])
    _assert_refused(code, stdout, stderr, [expected], 1)
    assert output.read_text() == "the previous report"  # left as it was


def test_cli_many_problems(tmp_path: Path) -> None:
    folder = _write(tmp_path / "many", _many_bad_genders(150))
    code, stdout, stderr = _run(["check", str(folder)])
    _assert_refused(code, stdout, stderr, [], 150)
    lines = stderr.splitlines()
    assert len(lines) == 52
    assert lines[50] == "... and 100 more problems (150 in all)"


def test_cli_markup_and_emoji_in_data_are_printed_as_they_are(tmp_path: Path) -> None:
    folder = _write(tmp_path / "markup", _files({
        "nominals": "nominal_id,gender,[/x]\nN1,[bold]:smile:,1\n"}))
    code, stdout, stderr = _run(["check", str(folder)])
    _assert_refused(code, stdout, stderr, [
        "nominals.csv:2: gender: unknown code '[bold]:smile:' (expected one of: male, female, other, unknown)"], 1)


def test_cli_warning_with_markup_is_printed_as_it_is(tmp_path: Path) -> None:
    folder = _write(tmp_path / "markup", _files({"nominals": "nominal_id,[/x]\nN1,1\n"}))
    result = CliRunner().invoke(main, ["check", str(folder)])
    assert result.exit_code == 0, result.output
    assert "warning: nominals.csv: column '[/x]' is not part of nominals.csv; ignored" in result.stderr
    assert "valid" in result.stdout


@pytest.mark.parametrize("command", ["check", "report"], ids=["check", "report"])
def test_installed_command_refuses(command: str, tmp_path: Path) -> None:
    folder = _write(tmp_path / "bad", _files({"nominals": NOMINALS_HEAD + "N1,,31/02/1990,male,NW\n"}))
    output = tmp_path / "report.html"
    extra = ["--from", "01/04/2015", "--to", "31/03/2016", "-o", str(output)] if command == "report" else []
    script = Path(sys.executable).parent / "iomhub"
    done = subprocess.run([str(script), command, str(folder), *extra], capture_output=True, text=True,
                          timeout=60, env={"COLUMNS": "40", "PATH": "/usr/bin:/bin"}, check=False)
    _assert_refused(done.returncode, done.stdout, done.stderr,
                    ["nominals.csv:2: date_of_birth: '31/02/1990' is not a real date (no such day)"], 1)
    assert not output.exists()


def test_make_package_fixture_is_valid(make_package: Callable[..., Path]) -> None:
    assert sorted(read_package(make_package()).tables) == ["cohort", "nominals"]
