"""The command line: help, check, report as JSON, options, and usage errors without a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli_runner import run_cli as run
from tests.package.sample import write_csv_folder

PERIOD = ["--from", "2015-04-01", "--to", "2016-03-31"]
TOP_LEVEL = {"report", "generated_at", "period", "baseline", "cohort_date", "settings", "notes", "tables"}


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_csv_folder(tmp_path_factory.mktemp("cli") / "package")



@pytest.mark.parametrize("args", [["--help"], ["-h"], ["report", "--help"], ["check", "--help"]],
                         ids=["help", "h", "report-help", "check-help"])
def test_help(args: list[str]) -> None:
    result = run(*args)
    assert result.exit_code == 0
    assert "Usage:" in result.stdout


def test_help_lists_the_commands() -> None:
    stdout = run("--help").stdout
    for command in ("check", "report", "synth", "demo", "mapping"):
        assert command in stdout


@pytest.mark.parametrize("command", ["check", "report", "import"])
def test_the_commands_reading_a_package_take_a_mapping(command: str) -> None:
    assert "--mapping FILE.toml" in run(command, "--help").stdout


def test_mapping_suggest_is_described() -> None:
    result = run("mapping", "suggest", "--help")
    assert result.exit_code == 0
    assert "mapping suggest [OPTIONS] PACKAGE" in result.stdout and "--force" in result.stdout


def test_check_valid(package: Path) -> None:
    result = run("check", str(package))
    assert result.exit_code == 0
    assert result.stdout.startswith(f"{package}: valid (")
    assert "nominals 5" in result.stdout and "cohort 6" in result.stdout
    assert result.stderr == ""


def test_report_json_to_stdout(package: Path) -> None:
    result = run("report", str(package), *PERIOD, "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert set(document) >= TOP_LEVEL
    assert document["report"] == "iom-performance"
    assert document["period"] == {"from": "2015-04-01", "to": "2016-03-31"}
    assert document["baseline"] == {"from": "2014-04-01", "to": "2015-03-31"}
    assert document["cohort_date"] == "2015-04-01"
    assert document["settings"]["age_bands"] == ["under_18", "18_24", "25_plus"]
    assert set(document["tables"]) >= {"reoffending_by_scheme", "caseload", "kpis"}


def test_report_json_to_file_with_uk_dates(package: Path, tmp_path: Path) -> None:
    output = tmp_path / "deep" / "report.json"
    result = run("report", str(package), "--from", "01/04/2015", "--to", "31/03/2016", "--format", "json",
                 "-o", str(output))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert f"Wrote {output}" in result.stderr
    document = json.loads(output.read_text())
    assert document["period"] == {"from": "2015-04-01", "to": "2016-03-31"}


def test_age_bands_option_changes_the_labels(package: Path) -> None:
    result = run("report", str(package), *PERIOD, "--format", "json", "--age-bands", "16,25")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["settings"]["age_bands"] == ["under_16", "16_24", "25_plus"]
    bands = {row["age_band"] for row in document["tables"]["reoffending_by_age"]}
    assert bands <= {"under_16", "16_24", "25_plus", "unknown", "all"}
    assert bands & {"16_24", "25_plus"}


def test_baseline_and_target_options(package: Path) -> None:
    result = run("report", str(package), *PERIOD, "--format", "json", "--baseline-from", "2014-01-01",
                 "--baseline-to", "2014-12-31", "--target-reduction", "17", "--cohort-date", "2015-05-01")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["baseline"] == {"from": "2014-01-01", "to": "2014-12-31"}
    assert document["cohort_date"] == "2015-05-01"
    assert document["settings"]["target_reduction"] == 17.0
    assert "target_attainment" in document["tables"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--baseline-from", "2014-04-01"], "give both --baseline-from and --baseline-to, or neither"),
        (["--baseline-to", "2015-03-31"], "give both --baseline-from and --baseline-to, or neither"),
        (["--target-reduction", "150"], "--target-reduction is a percentage from 0 to 100"),
        (["--target-reduction", "-5"], "--target-reduction is a percentage from 0 to 100"),
        (["--target-reduction", "nan"], "--target-reduction is a percentage from 0 to 100"),
        (["--age-bands", "25,18"], "age band bounds must be increasing positive ages"),
        (["--age-bands", "eighteen"], "give lower bounds such as 18,25"),
        (["--baseline-from", "2015-01-01", "--baseline-to", "2014-01-01"], "before it starts"),
        (["--format", "csv"], "'csv' is not one of"),
        (["--cohort-date", "12/31/2015"], "'12/31/2015' is not a real date"),
    ],
    ids=["baseline-from-only", "baseline-to-only", "target-150", "target-negative", "target-nan",
         "bands-decreasing", "bands-words", "baseline-reversed", "bad-format", "us-date"],
)
def test_usage_errors(package: Path, tmp_path: Path, extra: list[str], message: str) -> None:
    output = tmp_path / "report.json"
    result = run("report", str(package), *PERIOD, *extra, "-o", str(output))
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""
    assert not output.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2016-03-31", "--to", "2015-04-01"],
         "a period cannot end (2015-04-01) before it starts (2016-03-31)"),
        (["--from", "31/02/2016", "--to", "2016-03-31"], "'31/02/2016' is not a real date"),
        (["--from", "2015-04-01"], "Missing option '--to'"),
        (["--from", "0001-01-01", "--to", "0001-12-31"], "is not a plausible date (years 1900 to 2100)"),
        (["--from", "2015-04-01", "--to", "9999-12-31"], "is not a plausible date (years 1900 to 2100)"),
    ],
    ids=["from-after-to", "impossible-date", "missing-to", "year-1", "year-9999"],
)
def test_period_usage_errors(package: Path, tmp_path: Path, args: list[str], message: str) -> None:
    output = tmp_path / "report.json"
    result = run("report", str(package), *args, "--format", "json", "-o", str(output))
    assert result.exit_code == 2
    assert message in result.stderr
    assert not output.exists()


def test_unknown_command() -> None:
    result = run("frobnicate")
    assert result.exit_code == 2
    assert "No such command" in result.stderr


def test_convert_to_parquet_gives_the_same_report(package: Path, tmp_path: Path) -> None:
    converted = tmp_path / "parquet"
    result = run("convert", str(package), "--to", "parquet", "-o", str(converted))
    assert result.exit_code == 0, result.output
    assert "Wrote" in result.stdout
    assert (converted / "nominals.parquet").exists() and not list(converted.glob("*.csv"))
    assert run("check", str(converted)).exit_code == 0
    reports = []
    for folder in (package, converted):
        found = run("report", str(folder), *PERIOD, "--format", "json")
        assert found.exit_code == 0, found.output
        document = json.loads(found.stdout)
        del document["generated_at"], document["settings"]["source"]
        reports.append(document)
    assert reports[0] == reports[1]


def test_convert_refuses_an_existing_folder_and_a_bad_package(package: Path, tmp_path: Path) -> None:
    taken = tmp_path / "taken"
    taken.mkdir()
    result = run("convert", str(package), "-o", str(taken))
    assert result.exit_code == 2 and "already exists" in result.output
    bad = write_csv_folder(tmp_path / "bad")
    (bad / "cohort.csv").write_text("nominal_id,scheme,start_date\nN1,priority,2015-02-30\n", encoding="utf-8")
    result = run("convert", str(bad), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "cohort.csv:2: start_date: '2015-02-30' is not a real date" in result.stderr
    assert not (tmp_path / "out").exists()
