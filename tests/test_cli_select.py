"""``iomhub select``: the ranking as a table, CSV and JSON from a package; refusals without a traceback.

The package is the hand-checked one of ``tests/metrics/test_selection.py`` (scores C 84.784922,
A 67.293135, B 30.211788 as at 31/03/2016), plus D on IOM and E in custody with no release date.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli_runner import run_cli as run

NOMINALS = """\
nominal_id,family_name,given_names,date_of_birth,gender,area
A,Able,Ann,1990-01-01,female,NW
B,Baker,Bob,1990-01-01,male,NE
C,=Cole,Cy,1990-01-01,male,
D,Dunn,Di,1990-01-01,female,NW
E,Eve,Ed,1990-01-01,male,NW
"""
OFFENCES = """\
offence_id,nominal_id,offence_date,category
a1,A,2016-03-31,shoplifting
a2,A,2016-03-01,shoplifting
a3,A,2015-06-01,
b1,B,2014-04-01,violence_with_injury
c1,C,2016-01-01,robbery
c2,C,2015-12-31,burglary_residential
d1,D,2016-01-01,robbery
e1,E,2016-01-01,robbery
"""
COHORT = "nominal_id,scheme,start_date,end_date\nD,priority,2015-01-01,\n"
CUSTODY = "nominal_id,start_date,end_date,expected_release_date,custody_type\nE,2016-02-01,,,remand\n"
AS_AT = ["--as-at", "31/03/2016"]


@pytest.fixture
def package(make_package: Callable[..., Path]) -> Path:
    return make_package(nominals=NOMINALS, cohort=COHORT, offences=OFFENCES, custody=CUSTODY)



def test_csv_has_the_hand_checked_ranking(package: Path) -> None:
    result = run("select", str(package), *AS_AT, "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["rank"], r["nominal_id"], r["score"]) for r in rows] == [
        ("1", "C", "84.784922"), ("2", "A", "67.293135"), ("3", "B", "30.211788")]
    assert rows[0]["family_name"] == "'=Cole"  # a formula-like cell is made text
    assert rows[0]["offences_by_category"] == "robbery 1 (365 days); burglary residential 1 (273.5 days)"
    assert rows[1]["offences_by_category"] == "unknown 1 (10 days); shoplifting 2 (2 days)"
    assert (rows[2]["recency_points"], rows[2]["days_since_last_offence"], rows[2]["harm"]) == ("0.136799", "730",
                                                                                                  "365.0")
    assert ("As at 31/03/2016: 3 people offended in the 24 months from 01/04/2014; the first 3 are listed. "
            "1 current cohort member and 1 person in long custody") in result.stderr


def test_json_to_a_file_with_top(package: Path, tmp_path: Path) -> None:
    output = tmp_path / "out" / "selection.json"
    result = run("select", str(package), *AS_AT, "--top", "2", "--format", "json", "-o", str(output))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    document = json.loads(output.read_text())
    assert document["as_at"] == "2016-03-31"
    assert document["window"] == {"from": "2014-04-01", "to": "2016-03-31"}
    assert (document["ranked"], document["top"]) == (3, 2)
    assert document["left_out"] == {"cohort": 1, "long_custody": 1}
    assert [p["nominal_id"] for p in document["people"]] == ["C", "A"]
    assert document["people"][0]["offences_by_category"] == [
        {"category": "robbery", "offences": 1, "harm": 365.0},
        {"category": "burglary_residential", "offences": 1, "harm": 273.5}]
    assert document["settings"]["gravity"]["burglary_residential"] == 273.5
    assert "Cambridge Crime Harm Index" in document["settings"]["gravity_source"]


def test_table_shows_the_breakdown(package: Path) -> None:
    result = run("select", str(package), *AS_AT)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "Cohort selection as at 31/03/2016 (top 3 of 3)" in lines[0]
    header = next(line for line in lines if "Rank" in line)
    for label in ("Score", "Recency", "Frequency", "Gravity", "Offences", "Last offence", "Harm"):
        assert label in header
    row = next(line for line in lines if " C " in line and "84.8" in line)
    assert [cell.strip() for cell in row.split("│")[1:-1]][:11] == [
        "1", "C", "=Cole, Cy", "", "84.8", "87.7", "66.7", "100.0", "2", "01/01/2016", "638.5 days"]


def test_the_as_at_date_defaults_to_the_latest_offence_of_an_old_extract(package: Path) -> None:
    result = run("select", str(package), "--format", "csv")
    assert result.exit_code == 0, result.output
    assert "As at 31/03/2016 (the date of the latest offence in the data)" in result.stderr


def test_package_settings_change_the_ranking(make_package: Callable[..., Path]) -> None:
    """Gravity alone: C (638.5) > B (365) > A (12)."""
    toml = "[selection.weights]\nrecency = 0\nfrequency = 0\n"
    folder = make_package(nominals=NOMINALS, cohort=COHORT, offences=OFFENCES, **{"package.toml": toml})
    rows = list(csv.DictReader(io.StringIO(run("select", str(folder), *AS_AT, "--format", "csv").stdout)))
    assert [r["nominal_id"] for r in rows] == ["C", "B", "E", "A"]  # E is not in custody without custody.csv


@pytest.mark.parametrize(
    ("args", "files", "message"),
    [
        ([], {"package.toml": "[selection]\nlook_back_months = 0\n"},
         "package.toml:2: selection.look_back_months: must be a whole number of months from 1 to 120"),
        ([], {"offences": None}, "offences.csv: choosing the cohort needs offences.csv"),
        (["--top", "0"], {}, "Invalid value for '--top'"),
        (["--as-at", "31/02/2016"], {}, "not a real date"),
        (["--as", "someone"], {}, "--as is for --database"),
    ],
    ids=["bad-settings", "no-offences", "top-zero", "bad-date", "as-without-database"],
)
def test_refusals(make_package: Callable[..., Path], args: list[str], files: dict[str, str | None],
                  message: str) -> None:
    tables = {"nominals": NOMINALS, "cohort": COHORT, "offences": OFFENCES, **files}
    folder = make_package(**{name: text for name, text in tables.items() if text is not None})
    result = run("select", str(folder), *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_a_package_or_the_database_is_needed(package: Path) -> None:
    for args in ([], [str(package), "--database"]):
        result = run("select", *args)
        assert result.exit_code == 2
        assert "give a PACKAGE, or --database" in result.stderr


def test_nobody_to_rank_is_said_plainly(package: Path) -> None:
    result = run("select", str(package), "--as-at", "01/01/2010", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout == "\n".join(["rank,nominal_id,family_name,given_names,area,score,recency_points,"
                                       "frequency_points,gravity_points,offences,last_offence_date,"
                                       "days_since_last_offence,harm,offences_by_category"]) + "\n"
    assert "0 people offended in the 24 months from 02/01/2008; nobody is listed." in result.stderr
