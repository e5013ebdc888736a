"""One view model, every format: each section's figures and words, read back from the HTML page,
the performance document's PDF text, its Word tables and its Excel sheets, are those of the view
model (``reports/sections/``), written as ``reports/formatting.py`` writes them.

The expected text of each cell is computed here from the view's raw figure and its kind, not by
any renderer; the layout rules are the formats' documented ones (``reports/view.py``): on the
page an interval is one cell "a to b" and a figure's own interval follows it in brackets; in a
document a group's heading leads each row, an interval is two numeric cells and a figure's own
interval is the words beside it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import openpyxl
import pytest
from docx import Document as open_docx
from pypdf import PdfReader

from iomhub.domain.dates import Span
from iomhub.package import read_package
from iomhub.reports.documents.performance import performance_document
from iomhub.reports.documents.render import render
from iomhub.reports.documents.xlsx import sheet_names
from iomhub.reports.formatting import EM_DASH, RAG_LABELS, figure, interval_words, is_withheld
from iomhub.reports.html_renderer import render_html
from iomhub.reports.model import build_report
from iomhub.reports.params import ReportParams
from iomhub.reports.sections import SECTION_KEYS, build_view
from iomhub.reports.tables import SECTIONS, TABLES
from iomhub.reports.view import Cell, ReportView, Section, Table
from iomhub.synth import SynthOptions, generate

pytestmark = pytest.mark.xdist_group("one-view")  # one worker renders the document once, not each worker
MARKS = "*\u2020\u2021"
GENERATED = datetime(2016, 9, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder = tmp_path_factory.mktemp("one-view") / "package"
    generate(SynthOptions(nominals=300, seed=11, start=date(2011, 4, 1)), folder)
    params = ReportParams(period=Span(date(2015, 4, 1), date(2016, 3, 31)), target_reduction=17.0)
    return build_report(read_package(folder), params, generated_at=GENERATED)


@pytest.fixture(scope="module")
def shown(report: Any) -> ReportView:
    return build_view(report)


@pytest.fixture(scope="module")
def files(report: Any) -> dict[str, Any]:
    document = performance_document(report)
    return {"html": render_html(report), "document": document,
            **{fmt: render(document, fmt) for fmt in ("pdf", "docx", "xlsx")}}


def walk(section: Section) -> Iterator[Section]:
    yield section
    for sub in section.subsections:
        yield from walk(sub)


def tables(section: Section) -> list[Table]:
    return [table for part in walk(section) for table in part.tables]


def words(cell: Cell) -> str:
    """The figure as every format writes it."""
    return figure(cell.value, cell.kind, cell.places)


def page_words(cell: Cell) -> str | None:
    """A cell on the page (None: an em dash with its reason, not compared)."""
    if cell.kind == "rag":
        return None if cell.value is None else RAG_LABELS[cell.value]
    if cell.kind == "text":
        return words(cell) if not is_withheld(cell.value) else "[c]"
    if cell.value is None:
        return None
    if cell.kind == "interval":
        return interval_words(*cell.value, cell.of, cell.places)
    shown = words(cell)
    if cell.bounds is not None and not is_withheld(cell.value) and None not in cell.bounds:
        shown += f" ({interval_words(*cell.bounds, cell.kind, cell.places)})"
    return shown


def document_cells(table: Table) -> list[list[tuple[str, Any]]]:
    """Each row of the table as a document lays it out: (words, the value a spreadsheet stores)."""
    shapes = ["interval" if any(r.cells[i].kind == "interval" for r in table.rows) else
              "bounds" if any(r.cells[i].bounds is not None for r in table.rows) else "plain"
              for i in range(len(table.columns))]
    out = []
    for group in table.groups:
        for row in group.rows:
            cells: list[tuple[str, Any]] = [(group.heading or "", group.heading)] if table.group_heading else []
            for cell, shape in zip(row.cells, shapes, strict=True):
                if shape == "interval":
                    low, high = cell.value or (None, None)
                    cells += [(figure(v, cell.of, cell.places), stored(v, cell.of)) for v in (low, high)]
                    continue
                if cell.kind == "rag":
                    label = RAG_LABELS.get(cell.value, EM_DASH) if cell.value else EM_DASH
                    cells.append((label, label if cell.value else None))
                elif cell.kind == "text":
                    cells.append((words(cell), words(cell)))
                else:
                    cells.append((words(cell), stored(cell.value, cell.kind)))
                if shape == "bounds":
                    bounds = interval_words(*cell.bounds, cell.kind, cell.places) if cell.bounds else None
                    cells.append((bounds or EM_DASH, bounds))
            out.append(cells)
    return out


def stored(value: Any, kind: str) -> Any:
    """What a spreadsheet cell holds for a figure: a percentage as a fraction, pounds whole."""
    if value is None or is_withheld(value):
        return None if value is None else "[c]"
    if kind in ("percent", "change"):
        return pytest.approx(value / 100, abs=1e-9)
    if kind in ("count", "pounds"):
        return round(value)
    return pytest.approx(value, abs=1e-9)


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text)).replace("&#39;", "'").replace("&amp;", "&").strip()


def page_rows(page: str, ident: str) -> list[list[str]]:
    """The body rows of the page's table, each cell's text without the small-numbers words and marks."""
    match = re.search(rf'<table id="table-{ident}">.*?</table>', page, re.S)
    assert match, ident
    small = r'<span class="small-label">.*?</span>|<sup class="small-flag".*?</sup>'
    body = re.sub(small, "", match.group(0), flags=re.S)
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body.split("</thead>")[1], re.S):
        if 'scope="rowgroup"' not in row:
            rows.append([_plain(cell).rstrip(MARKS) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)])
    return rows


def tokens_in_order(haystack: list[str], needles: list[str]) -> bool:
    """Whether every needle (one or more words) appears in ``haystack``'s words, in order."""
    position = 0
    for needle in needles:
        parts = needle.split()
        while position + len(parts) <= len(haystack) and haystack[position:position + len(parts)] != parts:
            position += 1
        if position + len(parts) > len(haystack):
            return False
        position += len(parts)
    return True


@pytest.fixture(scope="module")
def pdf_words(files: dict[str, Any]) -> list[str]:
    """The PDF's words, without the page footers (which may fall inside a paragraph)."""
    text = " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(files["pdf"])).pages)
    text = text.replace("-\n", "-")  # a line broken after a hyphen ("6-month")
    text = re.sub(rf"{re.escape(files['document'].title)} Page \d+ of \d+", " ", text)
    return [word.strip(MARKS) for word in text.split()]


@pytest.fixture(scope="module")
def book(files: dict[str, Any]) -> Any:
    return openpyxl.load_workbook(io.BytesIO(files["xlsx"]))


@pytest.fixture(scope="module")
def docx_tables(files: dict[str, Any]) -> list[list[list[str]]]:
    word = open_docx(io.BytesIO(files["docx"]))
    return [[[cell.text.rstrip(MARKS) for cell in row.cells] for row in grid.rows] for grid in word.tables]


def test_every_section_of_the_registry_is_shown_once() -> None:
    assert sorted(SECTION_KEYS) == sorted(SECTIONS)
    assert len(set(SECTION_KEYS)) == len(SECTION_KEYS)
    titles = [spec.title for spec in TABLES.values()]
    assert len(set(titles)) == len(titles) and all(len(title) <= 31 for title in titles)


def test_the_view_shows_every_section_of_the_report(shown: ReportView) -> None:
    keys = [part.key for section in shown.sections for part in walk(section)]
    assert [key for key in SECTION_KEYS if key in keys] == list(SECTION_KEYS)  # the synthetic package has them all
    assert {table.id for section in shown.sections for table in tables(section)} >= {
        name for name in TABLES if name not in ("caseload_change", "join_windows")}  # shown within other tables


@pytest.mark.parametrize("key", SECTION_KEYS)
def test_the_same_figures_and_words_in_every_format(key: str, shown: ReportView, files: dict[str, Any], book: Any,
                                                    pdf_words: list[str], docx_tables: list[list[list[str]]]) -> None:
    section = next(part for top in shown.sections for part in walk(top) if part.key == key)
    page = files["html"]
    names = dict(zip([t.name for t in files["document"].tables()], sheet_names(files["document"].tables()),
                     strict=True))
    for paragraph in section.paragraphs:
        assert _plain(paragraph) in _plain(page)
        assert tokens_in_order(pdf_words, [paragraph])
    checked = 0
    for table in section.tables if key != "flags" else tables(section):
        expected_page = [[page_words(cell) for cell in row.cells] for row in table.rows]
        for seen, wanted in zip(page_rows(page, table.id), expected_page, strict=True):
            shown = [text for text, want in zip(seen, wanted, strict=True) if want is not None]
            assert shown == [want for want in wanted if want is not None], table.id
        expected = document_cells(table)
        assert [[w for w, _ in row] for row in expected] in [grid[1:] for grid in docx_tables], table.id
        sheet = book[names[table.title]]
        for got, row in zip(sheet.iter_rows(min_row=3, max_row=2 + len(expected), values_only=True), expected,
                            strict=True):
            assert ["" if value is None else value for value in got[:len(row)]] == [
                EM_DASH if value is None else value for _, value in row], table.id
        for row in expected:
            figures = [w for w, _ in row if w and w != EM_DASH and re.search(r"\d", w)]
            assert tokens_in_order(pdf_words, figures), (table.id, figures)
        checked += len(expected)
    assert checked or not section.tables
