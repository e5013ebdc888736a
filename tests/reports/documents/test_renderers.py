"""The four renderers of a board Document, tested by opening what they wrote: PDF text (pypdf)
and pages (pdftoppm), .docx read back with python-docx, .xlsx with openpyxl, HTML parsed."""

from __future__ import annotations

import io
import os
import re
import subprocess
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
from docx import Document as open_docx
from docx.oxml.ns import qn
from pypdf import PdfReader

from iomhub.reports.documents.docx import render_docx
from iomhub.reports.documents.html import render_html
from iomhub.reports.documents.model import Document, Section
from iomhub.reports.documents.pdf import render_pdf
from iomhub.reports.documents.render import render
from iomhub.reports.documents.xlsx import render_xlsx, sheet_names
from tests.conftest import requires_tool
from tests.reports.documents.sample import INJECTIONS, SMALL, reoffending_table, sample_document

MINUS = "\u2212"
FIGURES = ["1,234", "1,614", f"{MINUS}38.9%", "+13.1%", f"{MINUS}23.5%", "61.9%", "12.5%", "40.0%"]
STATUS_WORDS = ["Green", "Amber/Red", "Red", "Complete", "Amber/Green", "Amber"]


@pytest.fixture(scope="module")
def doc() -> Document:
    return sample_document()


@pytest.fixture(scope="module")
def html(doc: Document) -> str:
    return render_html(doc)


@pytest.fixture(scope="module")
def pdf(doc: Document) -> bytes:
    return render_pdf(doc)


@pytest.fixture(scope="module")
def docx_bytes(doc: Document) -> bytes:
    return render_docx(doc)


@pytest.fixture(scope="module")
def xlsx_bytes(doc: Document) -> bytes:
    return render_xlsx(doc)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


# --- HTML -------------------------------------------------------------------------------------


class _Cells(HTMLParser):
    """Every table cell's text and class, and every tag name seen."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.cells: list[tuple[str, str]] = []
        self._cell: list[str] | None = None
        self._class = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        if tag in ("td", "th"):
            self._cell, self._class = [], dict(attrs).get("class") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.cells.append((_flat("".join(self._cell)).strip(), self._class))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def test_html_is_self_contained(html: str) -> None:
    parser = _Cells()
    parser.feed(html)
    assert "script" not in parser.tags
    assert not re.search(r"https?://", html.replace('xmlns="http://www.w3.org/2000/svg"', ""))
    assert "<link" not in html and "@import" not in html and "url(" not in html
    assert "<svg" in html and "<desc" in html


def test_html_shows_figures_status_words_flags_and_notes(html: str) -> None:
    parser = _Cells()
    parser.feed(html)
    texts = [text for text, _ in parser.cells]
    for figure in FIGURES:
        assert figure in texts, figure
    by_text = dict(parser.cells)
    assert "status-green" in by_text["Green"]
    assert "status-amber_red" in by_text["Amber/Red"]  # None with a status: the word alone
    assert "status-red" in by_text["Red Missed by 2"]
    assert "8*" in texts and "7*" in texts  # small numbers marked ...
    assert "* Small numbers: interpret with caution." in html  # ... and the mark explained
    assert "Notes on these figures" in html and "People in custody cannot offend" in html
    assert "Figure 1: Caseload on each snapshot date." in html
    assert "Priority caseload rose from 237 to 248" in html  # the chart's description is written
    assert "&lt;" not in "".join(texts) and "=SUM(A1:A9)" in texts


def test_html_escapes_text_from_the_package() -> None:
    hostile = sample_document()
    table = reoffending_table()
    table.rows[0][0] = type(table.rows[0][0])("<script>alert(1)</script>")
    hostile.sections[0].blocks.append(table)
    page = render_html(hostile)
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_render_dispatches_every_format(doc: Document) -> None:
    assert render(doc, "html").decode("utf-8").startswith("<!DOCTYPE html>")
    assert render(doc, "pdf").startswith(b"%PDF-")
    assert render(doc, "docx")[:2] == b"PK"
    assert render(doc, "xlsx")[:2] == b"PK"


# --- PDF --------------------------------------------------------------------------------------


def test_pdf_text_has_the_figures_as_in_html(pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) > 0
    text = _flat(" ".join(page.extract_text() or "" for page in reader.pages))
    for figure in [*FIGURES, "IOM performance report", "Notes on these figures", "Key improvers and successes",
                   "* Small numbers: interpret with caution", *STATUS_WORDS]:
        assert figure in text, figure
    assert f"Page 1 of {len(reader.pages)}" in text


def test_pdf_is_a4_with_a_landscape_page_for_the_wide_table(pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(pdf))
    sizes = [(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages]
    assert sizes[0] == (595, 842)  # A4 portrait, points
    wide = [i for i, page in enumerate(reader.pages) if "Quarterly performance" in (page.extract_text() or "")]
    assert wide and sizes[wide[0]] == (842, 595)


def test_pdf_repeats_the_header_row_of_a_long_table() -> None:
    table = reoffending_table()
    long = type(table)(table.name, table.title, table.columns, [table.rows[0]] * 120, total_rows=0)
    doc = Document("performance", "Long", "", [], [Section("Long table", [long])])
    reader = PdfReader(io.BytesIO(render_pdf(doc)))
    assert len(reader.pages) > 2
    for page in reader.pages:
        assert "Offences before" in (page.extract_text() or "")


@requires_tool("pdftoppm", "poppler-utils")
def test_pdf_first_page_renders_not_blank(pdf: bytes, tmp_path: Path) -> None:
    from PIL import Image as PIL  # Pillow comes with WeasyPrint
    source = tmp_path / "doc.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(source), str(tmp_path / "page")],
                   check=True, timeout=60)
    [png] = list(tmp_path.glob("page*.png"))
    image = PIL.open(png).convert("L")
    low, high = image.getextrema()
    assert high - low > 100  # black text on white, not a blank page
    dark = sum(image.histogram()[:128])
    assert dark > 0.002 * image.width * image.height


# --- Word -------------------------------------------------------------------------------------


def _docx(data: bytes):  # type: ignore[no-untyped-def]
    return open_docx(io.BytesIO(data))


def test_docx_tables_read_back(docx_bytes: bytes) -> None:
    word = _docx(docx_bytes)
    grids = [t for t in word.tables if t.rows[0].cells[0].text == "Scheme"]
    assert len(grids) == 1
    grid = grids[0]
    assert [c.text for c in grid.rows[0].cells] == reoffending_table().columns
    assert grid.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # header repeats on each page
    rows = [[c.text for c in row.cells] for row in grid.rows[1:]]
    assert rows[0] == ["Priority", "105", "380", "232", f"{MINUS}38.9%", "61.9%", "Green", "=SUM(A1:A9)"]
    assert rows[1] == ["Enhanced", "8*", "1,234", "1,000", "+13.1%", "\u2014", "Amber/Red", "+44 20 7946 0000"]
    assert rows[2][4:7] == ["\u2014", "12.5%", "Red: Missed by 2"]
    assert rows[3][:5] == ["Total", "120", "1,614", "1,234", f"{MINUS}23.5%"]
    total = grid.rows[4].cells
    assert all(run.bold for cell in total[:6] for run in cell.paragraphs[0].runs if run.text)
    assert grid.rows[1].cells[1].paragraphs[0].alignment == 2  # right-aligned figure


def _fill(cell) -> str | None:  # type: ignore[no-untyped-def]
    shading = cell._tc.tcPr.find(qn("w:shd")) if cell._tc.tcPr is not None else None
    return None if shading is None else shading.get(qn("w:fill"))


def test_docx_status_cells_are_shaded_with_their_word(docx_bytes: bytes) -> None:
    word = _docx(docx_bytes)
    grid = next(t for t in word.tables if t.rows[0].cells[0].text == "Scheme")
    assert _fill(grid.rows[1].cells[6]) == "CCE2D8" and grid.rows[1].cells[6].text == "Green"
    assert _fill(grid.rows[2].cells[6]) == "F6C3B5" and grid.rows[2].cells[6].text == "Amber/Red"
    assert _fill(grid.rows[1].cells[1]) is None
    quarterly = next(t for t in word.tables if t.rows[0].cells[0].text == "Indicator")
    assert quarterly.rows[1].cells[4].text == "Green 136"  # a figure with its status word
    assert _fill(quarterly.rows[1].cells[4]) == "CCE2D8"


def test_docx_has_headings_bullets_notes_footer_and_captioned_chart(docx_bytes: bytes) -> None:
    word = _docx(docx_bytes)
    styles = [(p.style.name if p.style else "", p.text) for p in word.paragraphs]
    assert ("Title", "IOM performance report") in styles
    assert ("Heading 1", "Performance overview") in styles and ("Heading 1", "Caseload") in styles
    assert ("List Bullet", "Reoffending fell in every scheme.") in styles
    notes = word.tables[0].cell(0, 0)
    assert "Notes on these figures" in notes.text and "People in custody" in notes.text
    images = [rel for rel in word.part.rels.values() if "image" in rel.reltype]
    assert len(images) == 1 and images[0].target_part.blob[:8] == b"\x89PNG\r\n\x1a\n"
    described = [d.get("descr") for d in word.element.body.iter(qn("wp:docPr"))]
    assert described == ["Priority caseload rose from 237 to 248; enhanced from 100 to 109."]
    assert any("Figure 1: Caseload on each snapshot date" in text for _, text in styles)
    footer = word.sections[0].footer.paragraphs[0]._p.xml
    assert "NUMPAGES" in footer and "PAGE" in footer
    assert any(s.orientation == 1 for s in word.sections)  # landscape section for the wide table


# --- Excel ------------------------------------------------------------------------------------


def test_xlsx_sheets_and_contents(xlsx_bytes: bytes) -> None:
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes))
    assert book.sheetnames == ["Contents", "reoffending", "caseload_chart", "quarterly"]
    contents = book["Contents"]
    values = [c.value for row in contents.iter_rows() for c in row if c.value is not None]
    assert "IOM performance report" in values and "People in custody cannot offend in the community." in \
        " ".join(str(v) for v in values)
    links = {c.value: c.hyperlink.location for row in contents.iter_rows() for c in row if c.hyperlink}
    assert links == {"reoffending": "'reoffending'!A1", "caseload_chart": "'caseload_chart'!A1",
                     "quarterly": "'quarterly'!A1"}


def test_xlsx_numbers_are_numbers_with_formats(xlsx_bytes: bytes) -> None:
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes))["reoffending"]
    assert sheet.freeze_panes == "A3"
    assert [c.value for c in sheet[2]] == reoffending_table().columns
    assert all(c.font.bold for c in sheet[2])
    priority, enhanced, women, total = (sheet[r] for r in range(3, 7))
    assert (priority[1].value, priority[1].data_type, priority[1].number_format) == (105, "n", "#,##0")
    assert enhanced[2].value == 1234 and enhanced[2].number_format == "#,##0"
    assert priority[4].value == pytest.approx(-0.38947) and priority[4].number_format == "+0.0%;-0.0%;0.0%"
    assert priority[5].value == pytest.approx(0.619) and priority[5].number_format == "0.0%"
    assert enhanced[5].value == "\u2014" and women[4].value == "\u2014"  # cannot be computed
    assert all(c.font.bold for c in total[:6])
    assert enhanced[1].comment is not None and SMALL in enhanced[1].comment.text
    footnotes = [sheet.cell(r, 1).value for r in range(7, 11)]
    assert "* Small numbers: interpret with caution." in footnotes


def test_xlsx_status_cells_are_filled_with_their_word(xlsx_bytes: bytes) -> None:
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes))
    sheet = book["reoffending"]
    assert sheet["G3"].value == "Green" and sheet["G3"].fill.fgColor.rgb == "00CCE2D8"
    assert sheet["G4"].value == "Amber/Red" and sheet["G4"].fill.fgColor.rgb == "00F6C3B5"
    assert sheet["G5"].value == "Red: Missed by 2"
    quarterly = book["quarterly"]
    actual = quarterly["E3"]  # 136 with status green: still a number, the word in its format
    assert (actual.value, actual.data_type) == (136, "n") and '"(Green)"' in actual.number_format
    assert actual.fill.fgColor.rgb == "00CCE2D8"
    assert quarterly["J3"].value == datetime(2015, 6, 30) and quarterly["J3"].is_date  # noqa: DTZ001 (Excel dates are naive)


def test_xlsx_text_is_safe_from_formula_injection(xlsx_bytes: bytes) -> None:
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes))["reoffending"]
    stored = [sheet.cell(r, 8) for r in range(3, 7)]
    assert [c.value for c in stored] == list(INJECTIONS)
    assert all(c.data_type == "s" and c.quotePrefix for c in stored)
    with zipfile_open(xlsx_bytes, "xl/worksheets/sheet2.xml") as xml:
        assert "<f>" not in xml  # no formula anywhere in the sheet


class zipfile_open:
    """The text of one member of a zip archive, as a context manager."""

    def __init__(self, data: bytes, member: str) -> None:
        import zipfile

        self.text = zipfile.ZipFile(io.BytesIO(data)).read(member).decode("utf-8")

    def __enter__(self) -> str:
        return self.text

    def __exit__(self, *args: object) -> None:
        return None


def test_xlsx_has_a_native_chart_from_the_chart_data(xlsx_bytes: bytes) -> None:
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes))
    sheet = book["caseload_chart"]
    [chart] = sheet._charts
    assert type(chart).__name__ == "LineChart"
    assert len(chart.series) == 2
    assert [sheet.cell(r, 2).value for r in (3, 4, 5)] == [237, 249, 248]
    assert not book["reoffending"]._charts


@pytest.mark.parametrize(("names", "expected"), [
    (["a" * 40, "a" * 40], ["a" * 31, "a" * 27 + " (2)"]),
    (["Contents", "x:y/z"], ["Contents (2)", "x_y_z"]),
    (["KPIs", "kpis"], ["KPIs", "kpis (2)"]),
], ids=["long", "reserved-and-forbidden", "case-insensitive"])
def test_sheet_names_are_valid_and_unique(names: list[str], expected: list[str]) -> None:
    table = reoffending_table()
    tables = [type(table)(name, "t", ["a"], []) for name in names]
    assert sheet_names(tables) == expected


# --- LibreOffice opens what was written ----------------------------------------------------------


@requires_tool("soffice", "LibreOffice")
@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_libreoffice_converts_to_pdf(fmt: str, doc: Document, tmp_path: Path) -> None:
    source = tmp_path / f"document.{fmt}"
    source.write_bytes(render(doc, fmt))
    env = {**os.environ, "HOME": str(tmp_path / "home")}
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path / "out"), str(source)],
                   check=True, timeout=180, env=env, capture_output=True)
    converted = tmp_path / "out" / "document.pdf"
    assert converted.exists()
    reader = PdfReader(converted)
    assert len(reader.pages) > 0
    text = _flat(" ".join(page.extract_text() or "" for page in reader.pages))
    assert "1,234" in text
