"""Proven reoffending and the cost of crime in the performance document, read back from the PDF,
Word and Excel files written (pypdf, python-docx, openpyxl)."""

from __future__ import annotations

import io
import re
from typing import Any

import openpyxl
import pytest
from docx import Document as open_docx
from pypdf import PdfReader

from iomhub.package import read_package
from iomhub.reports.documents.model import Document, Table
from iomhub.reports.documents.performance import performance_document
from iomhub.reports.documents.render import render
from iomhub.reports.model import Report, build_report
from iomhub.reports.params import ReportParams
from tests.conftest import write_package
from tests.metrics.conftest import FY2015

MINUS = "\u2212"
# FY2015 report: baseline 2014/15, default proven window of starts 1 Oct 2013 to 30 Sep 2014.
# A (priority, started 1 Jan 2014): proven a1 and a2 (in A's follow-up to 31 Dec 2014, detected
#   next day); baseline cost a1 violence with injury 14,050 + a2 other theft 1,400 = 15,450;
#   period a3 robbery 11,320.
# B (enhanced, started 1 Mar 2014): proven b1 (drugs, not valued); baseline cost 0, 1 not valued.
# Proven, all: 2 offenders, 2 reoffenders (100.0%), 3 reoffences: 150 per 100, 1.5 per reoffender.
# Cost, all: 15,450 before, 11,320 after, change -4,130 = -26.73% of 15,450.
# One person per scheme, resampled within schemes: every interval is the figure itself.
FILES = {
    "nominals": "nominal_id,date_of_birth,gender,area\nA,1990-01-01,male,NW\nB,1991-01-01,male,NW\n",
    "cohort": "nominal_id,scheme,start_date,end_date\nA,priority,2014-01-01,\nB,enhanced,2014-03-01,\n",
    "offences": """\
offence_id,nominal_id,offence_date,detected_date,category
a1,A,2014-05-01,2014-05-02,violence_with_injury
a2,A,2014-07-01,2014-07-02,other_theft
a3,A,2015-06-01,2015-06-02,robbery
b1,B,2014-06-01,2014-06-05,drugs
""",
}


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    folder = write_package(tmp_path_factory.mktemp("honest") / "package", FILES)
    return build_report(read_package(folder), ReportParams(period=FY2015))


@pytest.fixture(scope="module")
def document(report: Report) -> Document:
    return performance_document(report)


def _table(document: Document, name: str) -> Table:
    return next(t for t in document.tables() if t.name == name)


def test_model_figures(report: Report) -> None:
    proven = report.row("proven_reoffending", scheme="all")
    cost = report.row("cost_of_crime", scheme="all")
    assert proven is not None and cost is not None
    assert (proven["offenders"], proven["reoffenders"], proven["reoffences"]) == (2, 2, 3)
    assert (proven["binary_rate_pct"], proven["frequency_per_100"], proven["reoffences_per_reoffender"]) == (
        100.0, 150.0, 1.5)
    # two people: too few for an interval (iomhub.metrics.uncertainty.MIN_PEOPLE)
    assert (proven["frequency_per_100_ci_low"], proven["frequency_per_100_ci_high"]) == (None, None)
    assert (cost["cost_before"], cost["cost_after"], cost["cost_change"]) == (15_450.0, 11_320.0, -4_130.0)
    assert cost["cost_change_pct"] == pytest.approx(-4_130 / 15_450 * 100)
    assert (cost["cost_change_ci_low"], cost["cost_change_ci_high"]) == (None, None)
    assert cost["not_valued_before"] == 1


def test_document_sections_cells_and_caveat(document: Document) -> None:
    titles = [section.title for section in document.sections]
    assert titles[:5] == ["Performance overview", "Reoffending", "Expected and observed reoffending (OGRS3)",
                          "Proven reoffending", "Cost of crime"]
    cost_rows = {row[0].value: row for row in _table(document, "Cost of crime").rows}
    total = cost_rows["All schemes"]
    assert [(c.value, c.kind) for c in total[1:5]] == [(2, "count"), (15_450, "count"), (11_320, "count"),
                                                      (-4_130, "count")]
    assert total[5].value is None and total[7].value is None  # two people: no interval
    assert any("not an impact evaluation" in note for note in document.notes)
    units = {row[0].value: row[1].value for row in _table(document, "Unit costs").rows}
    assert units["Violence with injury"] == 14_050 and units["Drugs"] is None


def _pdf_text(data: bytes) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def test_pdf_shows_the_figures(document: Document) -> None:
    text = _pdf_text(render(document, "pdf"))
    for expected in ("Proven reoffending", "Cost of crime", "not an impact evaluation", "15,450", "11,320",
                     f"{MINUS}4,130", f"{MINUS}26.7%", "100.0%", "150", "1.5", "1 October 2013 to 30 September 2014"):
        assert expected in text, expected


def _docx_tables(data: bytes) -> dict[str, list[list[str]]]:
    word = open_docx(io.BytesIO(data))
    tables: dict[str, list[list[str]]] = {}
    for table in word.tables:
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        tables[rows[0][0] + "|" + rows[0][-1]] = rows
    return tables


def test_docx_tables_hold_the_figures(document: Document) -> None:
    tables = _docx_tables(render(document, "docx"))
    cost = tables["Scheme|Not valued (period)"]
    total = next(row for row in cost if row[0] == "All schemes")
    assert total[1:8] == ["2", "15,450", "11,320", f"{MINUS}4,130", "\u2014", f"{MINUS}26.7%", "\u2014"]
    proven = tables["Scheme|Awaiting follow-up"]
    total = next(row for row in proven if row[0] == "All schemes")
    assert total[1:4] == ["2", "2", "100.0%"]
    assert total[6] == "150" and total[8] == "1.5"


def _sheet_rows(book: Any, name: str) -> list[list[Any]]:
    return [[cell.value for cell in row] for row in book[name].iter_rows()]


def test_xlsx_stores_numbers(document: Document) -> None:
    book = openpyxl.load_workbook(io.BytesIO(render(document, "xlsx")))
    cost = next(row for row in _sheet_rows(book, "Cost of crime") if row and row[0] == "All schemes")
    assert cost[1:5] == [2, 15_450, 11_320, -4_130]
    assert cost[6] == pytest.approx(-4_130 / 15_450)  # a percentage stored as a fraction
    proven = next(row for row in _sheet_rows(book, "Proven reoffending") if row and row[0] == "All schemes")
    assert proven[1:4] == [2, 2, 1.0]
    assert proven[6] == 150 and proven[8] == 1.5
