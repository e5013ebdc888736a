"""package.toml's [costs]: unit costs of crime a unit sets itself, and the problems it can have."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from iomhub.cli import main
from iomhub.package import read_package
from iomhub.package.problems import PackageError
from tests.conftest import write_package


def test_costs_are_read_with_codes_normalised(tmp_path: Path) -> None:
    folder = write_package(tmp_path / "p", {"package.toml": '[costs]\nshoplifting = 150\n"Public Order" = 0\n'
                                                             "robbery = 9999.5\n"})
    assert read_package(folder).settings.unit_costs == {"shoplifting": 150.0, "public_order": 0.0,
                                                        "robbery": 9999.5}


@pytest.mark.parametrize(
    ("toml", "problem"),
    [
        ("title = 'x'\n[costs]\narson = 8420\n",
         "package.toml:3: costs.arson: is not an offence category (one of violence_with_injury"),
        ("[costs]\nshoplifting = 'cheap'\n",
         "package.toml:2: costs.shoplifting: must be the cost of one offence in pounds, a number 0 or more "
         "(got 'cheap')"),
        ("[costs]\n\nrobbery = -5\n",
         "package.toml:3: costs.robbery: must be the cost of one offence in pounds, a number 0 or more (got -5)"),
        ("[costs]\nrobbery = true\n",
         "package.toml:2: costs.robbery: must be the cost of one offence in pounds, a number 0 or more (got True)"),
        ("[costs]\nrobbery = inf\n", "package.toml:2: costs.robbery: must be the cost of one offence in pounds"),
        ("costs = 5\n", "package.toml:1: costs: must be a table of offence category = pounds"),
    ],
    ids=["unknown-category", "not-a-number", "negative", "boolean", "infinite", "not-a-table"],
)
def test_bad_costs_are_refused_with_file_line_and_key(tmp_path: Path, toml: str, problem: str) -> None:
    folder = write_package(tmp_path / "p", {"package.toml": toml})
    with pytest.raises(PackageError) as caught:
        read_package(folder)
    assert any(str(found).startswith(problem) for found in caught.value.problems), caught.value.summary()


def test_the_report_command_refuses_bad_costs(tmp_path: Path) -> None:
    folder = write_package(tmp_path / "p", {"package.toml": "[costs]\nrobbery = -5\n"})
    result = CliRunner().invoke(main, ["report", str(folder), "--from", "2015-04-01", "--to", "2016-03-31",
                                       "--format", "json"])
    assert result.exit_code == 2
    assert "package.toml:2: costs.robbery: must be the cost of one offence in pounds" in result.output
    assert "Traceback" not in result.output
