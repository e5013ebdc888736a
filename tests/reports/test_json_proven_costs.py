"""The JSON report's proven_reoffending and cost_of_crime tables: present, with their columns in
order, unrounded, and every column documented in docs/proven-and-costs.md."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from iomhub.cli import main
from iomhub.domain.dates import Span
from iomhub.package import read_package
from iomhub.reports.json_renderer import render_json
from iomhub.reports.model import build_report
from iomhub.reports.params import ReportParams
from iomhub.synth import SynthOptions, generate

PAGE = Path(__file__).resolve().parents[2] / "docs" / "proven-and-costs.md"
COLUMNS = {
    "proven_reoffending": [
        "scheme", "offenders", "reoffenders", "binary_rate_pct", "binary_rate_pct_ci_low", "binary_rate_pct_ci_high",
        "reoffences", "frequency_per_100", "frequency_per_100_ci_low", "frequency_per_100_ci_high",
        "reoffences_per_reoffender", "reoffences_per_reoffender_ci_low", "reoffences_per_reoffender_ci_high",
        "awaiting_follow_up", "measure", "small_numbers"],
    "cost_of_crime": [
        "scheme", "offenders", "offences_before", "offences_after", "not_valued_before", "not_valued_after",
        "cost_before", "cost_after", "cost_change", "cost_change_ci_low", "cost_change_ci_high",
        "cost_change_pct", "cost_change_pct_ci_low", "cost_change_pct_ci_high", "small_numbers"],
}


@pytest.fixture(scope="module")
def package_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("honest") / "package"
    generate(SynthOptions(nominals=1500, seed=21), folder)
    return folder


@pytest.fixture(scope="module")
def document(package_folder: Path) -> dict[str, Any]:
    report = build_report(read_package(package_folder), ReportParams(period=Span(date(2015, 4, 1),
                                                                                 date(2016, 3, 31))))
    parsed: dict[str, Any] = json.loads(render_json(report))
    return parsed


@pytest.mark.parametrize("table", sorted(COLUMNS), ids=sorted(COLUMNS))
def test_tables_and_columns(document: dict[str, Any], table: str) -> None:
    rows = document["tables"][table]
    assert [row["scheme"] for row in rows][-1] == "all"
    for row in rows:
        assert list(row) == COLUMNS[table]
    total = rows[-1]
    assert total["offenders"] == sum(row["offenders"] for row in rows[:-1])
    figures = [c.removesuffix("_ci_low") for c in COLUMNS[table] if c.endswith("_ci_low")]
    for figure in figures:
        assert total[f"{figure}_ci_low"] <= total[figure] <= total[f"{figure}_ci_high"], figure


def test_cost_rows_agree_with_reoffending_by_scheme(document: dict[str, Any]) -> None:
    cost = {row["scheme"]: row for row in document["tables"]["cost_of_crime"]}
    for row in document["tables"]["reoffending_by_scheme"]:
        same = cost[row["scheme"]]
        assert (same["offenders"], same["offences_before"], same["offences_after"]) == (
            row["offenders"], row["offences_before"], row["offences_after"])


def test_settings_say_what_was_used(document: dict[str, Any]) -> None:
    settings = document["settings"]
    assert settings["proven_starts"] == {"from": "2013-10-01", "to": "2014-09-30"}
    assert settings["unit_costs"]["violence_with_injury"] == 14_050
    assert settings["unit_costs"]["drugs"] is None
    assert "Research Report 99" in settings["unit_costs_source"]
    assert any("not an impact evaluation" in note for note in document["notes"])


def test_every_column_is_documented() -> None:
    section = PAGE.read_text(encoding="utf-8")
    documented = set(re.findall(r"`(\w+)`", section))
    for table, columns in COLUMNS.items():
        assert table in documented
        for column in columns:
            base = re.sub(r"_ci_(low|high)$", "", column)
            assert base in documented or column in documented, f"{table}.{column} is not in {PAGE.name}"


def test_the_window_of_starts_can_be_chosen(package_folder: Path) -> None:
    args = ["report", str(package_folder), "--from", "2015-04-01", "--to", "2016-03-31", "--format", "json"]
    result = CliRunner().invoke(main, [*args, "--proven-from", "2014-01-01", "--proven-to", "2014-03-31"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["settings"]["proven_starts"] == {"from": "2014-01-01", "to": "2014-03-31"}
    half = CliRunner().invoke(main, [*args, "--proven-from", "2014-01-01"])
    assert half.exit_code == 2 and "give both --proven-from and --proven-to" in half.output
