"""What a publication says about itself (the JSON's ``suppression`` object), and the command
line: ``--for-publication`` with ``--disclosure suppress|round``, and a report the audit cannot
pass refused with nothing written."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from iomhub.cli import main
from iomhub.reports import suppression
from iomhub.reports.disclosure.protect import DisclosureError
from iomhub.reports.json_renderer import report_document
from iomhub.reports.suppression import footnote, suppressed_report
from tests.conftest import write_package
from tests.reports.disclosure.conftest import unit
from tests.reports.test_suppression import FILES

PERIOD = ["--from", "2015-04-01", "--to", "2016-03-31"]


def test_the_record_of_a_suppressed_publication() -> None:
    document = report_document(suppressed_report(unit(300, 7)))
    record = document["suppression"]
    assert record["threshold"] == 5 and record["mark"] == "[c]" and record["method"] == "cell suppression"
    assert record["zeros"] == "a withheld count may be 0"
    assert record["audit"]["passed"] is True and record["audit"]["solver"].startswith("HiGHS")
    assert record["audit"]["counts_checked"] > 0 and record["audit"]["cells_added"] > 0
    audited = {(r["table"], r["relation"]) for r in record["relations"]}
    assert ("caseload", "the groups add up to the all row") in audited
    assert ("caseload_status", "the groups add up to a figure of another table") in audited  # community + custody
    assert ("reoffending_by_gender", "the groups add up to a figure of another table") in audited  # to the cohort
    assert ("time_at_risk", "days at liberty fit in the window") in audited
    withheld = {(t, c["row"], c["column"]) for t, cells in record["suppressed"].items() for c in cells}
    assert all(document["tables"][t][i][c] is None for t, i, c in withheld)


@pytest.fixture
def package(tmp_path: Path) -> Path:
    return write_package(tmp_path / "package", FILES)


@pytest.mark.parametrize("method", ["suppress", "round"])
def test_the_command_publishes_either_way(method: str, package: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = CliRunner().invoke(main, ["report", str(package), *PERIOD, "--format", "json", "--for-publication",
                                       "--disclosure", method, "-o", str(out)])
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(out.read_text())
    assert document["suppression"]["method"] == {"suppress": "cell suppression",
                                                 "round": "controlled rounding to base 5"}[method]
    assert document["suppression"]["audit"]["passed"] is True
    assert f"For publication: {footnote(5, method)}" in document["notes"]


def test_the_command_refuses_what_the_audit_cannot_pass(package: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise DisclosureError("the disclosure audit still fails after 100 rounds")

    monkeypatch.setattr(suppression, "suppressed_report", refuse)
    out = tmp_path / "report.pdf"
    result = CliRunner().invoke(main, ["report", str(package), *PERIOD, "--format", "pdf", "--for-publication",
                                       "-o", str(out)])
    assert result.exit_code == 1
    assert "Refused" in result.output and "still fails" in result.output and "Traceback" not in result.output
    assert not out.exists()
