"""expected_reoffending in every output, read back: JSON, the HTML report, and the performance
document as PDF, Word and Excel. The package is the hand-checked one of tests/metrics/test_expected.py."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import openpyxl
import pytest
from docx import Document as open_docx
from pypdf import PdfReader

from iomhub.metrics.expected import SUMMARY_COLUMNS
from iomhub.package import read_package
from iomhub.reports.documents.performance import performance_document
from iomhub.reports.documents.render import render
from iomhub.reports.html_renderer import render_html
from iomhub.reports.json_renderer import render_json
from iomhub.reports.model import Report, build_report
from iomhub.reports.params import ReportParams
from tests.conftest import write_package
from tests.metrics.conftest import FY2015
from tests.metrics.test_expected import COHORT, NOMINALS, OFFENCES, P_N1, P_N2, P_N7

# all: 6 followed up, 3 scored, 2 reoffended (66.7%); expected (P_N1 + P_N2 + P_N7) / 3
EXPECTED_ALL = f"{(P_N1 + P_N2 + P_N7) / 3 * 100:.1f}%"
OBSERVED_ALL = "66.7%"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    folder = write_package(tmp_path_factory.mktemp("expected") / "package",
                           {"nominals": NOMINALS, "cohort": COHORT, "offences": OFFENCES})
    return build_report(read_package(folder), ReportParams(period=FY2015))


def test_json_table_and_notes(report: Report) -> None:
    document: dict[str, Any] = json.loads(render_json(report))
    rows = {row["scheme"]: row for row in document["tables"]["expected_reoffending"]}
    assert list(rows) == ["priority", "enhanced", "standard", "all"]
    assert list(rows["all"]) == SUMMARY_COLUMNS
    assert (rows["all"]["offenders"], rows["all"]["scored"], rows["all"]["reoffenders"]) == (6, 3, 2)
    assert rows["all"]["expected_pct"] == pytest.approx((P_N1 + P_N2 + P_N7) / 3 * 100)
    notes = [n for n in document["notes"] if n.startswith("Expected reoffending (OGRS3):")]
    assert any("2002" in n and "not proof" in n for n in notes)
    assert any(n.startswith("Expected reoffending (OGRS3): 1 of 3 people scored have no record of their past "
                            "sanctions") for n in notes)
    assert any(n.startswith("Expected reoffending (OGRS3): 3 of 6 people could not be scored") for n in notes)


def test_html_report(report: Report) -> None:
    html = render_html(report)
    section = html[html.index('id="section-expected"'):html.index('id="section-caseload"')]
    assert "Expected and observed reoffending (OGRS3)" in section
    assert EXPECTED_ALL in section and OBSERVED_ALL in section
    assert "100.0% to 100.0%" not in section  # standard: one person, too few for an interval


def _pdf_text(data: bytes) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def _docx_text(data: bytes) -> str:
    doc = open_docx(io.BytesIO(data))
    return " ".join(cell.text for table in doc.tables for row in table.rows for cell in row.cells)


def _xlsx_values(data: bytes) -> list[Any]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = next(s for s in book.worksheets if any(
        c.value == "People followed up" for row in s.iter_rows() for c in row))
    return [c.value for row in sheet.iter_rows() for c in row]


@pytest.mark.parametrize("fmt", ["pdf", "docx", "xlsx"])
def test_performance_document(report: Report, fmt: str) -> None:
    data = render(performance_document(report), fmt)
    if fmt == "xlsx":
        values = _xlsx_values(data)
        assert pytest.approx((P_N1 + P_N2 + P_N7) / 3, abs=1e-9) in values  # percentages stored as fractions
        assert pytest.approx(2 / 3, abs=1e-9) in values
        assert "All schemes" in values
        return
    text = _pdf_text(data) if fmt == "pdf" else _docx_text(data)
    assert EXPECTED_ALL in text and OBSERVED_ALL in text
    if fmt == "pdf":
        assert "Expected and observed reoffending (OGRS3)" in text
