"""A :class:`~iomhub.reports.documents.model.Document` as an Excel workbook (openpyxl).

A "Contents" sheet (title, subtitle, facts, the words of the opening sections, notes and a link
to every sheet), then one sheet per table of ``Document.tables()`` named after ``Table.name``
(at most 31 characters, unique). On each sheet: the title in A1, the header row in row 2,
bold and frozen, columns fitted to their
text, footnotes below the rows. Numbers are stored as numbers: counts ``#,##0``; percentages
as fractions (12.5 → 0.125) shown ``0.0%``; changes the same shown ``+0.0%;-0.0%;0.0%``; dates
as real dates. A figure that cannot be computed is an em dash. Status cells are filled with
their colour and carry the status word (in the text, or in the number format of a figure, so
the figure stays a number). Flags become a cell comment and a footnote; the reason a figure
cannot be computed, when the document gives it, a cell comment.

Every text cell is written as a string: a text starting with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return is stored with data type ``s`` and the quote prefix, so that no spreadsheet
evaluates a name or a comment from a package as a formula.

A chart's data table gets a native chart beside it: its first column gives the categories and
every numeric column a series; a line chart when the SVG draws lines, horizontal bars when its
bars share one left edge, otherwise columns.
"""

from __future__ import annotations

import io
import re
from datetime import date

from openpyxl import Workbook
from openpyxl.cell.cell import Cell as SheetCell
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook as WorkbookType
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from iomhub.reports.documents.html import (
    STATUS_COLOURS,
    WIDE_COLUMNS,
    column_is_numeric,
    flag_footnotes,
    is_number,
    is_total_row,
    parse_date,
    table_flags,
    value_text,
)
from iomhub.reports.documents.model import Bullets, Cell, Chart, Document, Paragraph, Table
from iomhub.reports.formatting import EM_DASH, status_label

CONTENTS = "Contents"
HEADER_FILL = PatternFill("solid", fgColor="F3F2F1")
DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")
FORBIDDEN_IN_NAMES = re.compile(r"[\[\]:*?/\\]")
NUMBER_FORMATS = {"count": "#,##0", "percent": "0.0%", "change": "+0.0%;-0.0%;0.0%",
                  "points": '+0.0" points";-0.0" points";0.0" points"', "date": "d mmm yyyy"}


def _at(sheet: Worksheet, row: int, column: int) -> SheetCell:
    """The (never merged) cell at ``row``, ``column``."""
    cell = sheet.cell(row, column)
    assert isinstance(cell, SheetCell)
    return cell


def put_text(cell: SheetCell, text: str) -> None:
    """Write ``text`` as a plain string that no spreadsheet evaluates (formula injection)."""
    cell.value = text
    cell.data_type = "s"
    if text.startswith(DANGEROUS_START):
        cell.quotePrefix = True


def sheet_names(tables: list[Table]) -> list[str]:
    """A valid, unique (ignoring case) sheet name of at most 31 characters for each table."""
    used = {CONTENTS.lower()}
    names = []
    for table in tables:
        base = FORBIDDEN_IN_NAMES.sub("_", table.name).strip("'") or "Table"
        name = base[:31]
        counter = 2
        while name.lower() in used:
            suffix = f" ({counter})"
            name = base[:31 - len(suffix)] + suffix
            counter += 1
        used.add(name.lower())
        names.append(name)
    return names


def _number_format(source: Cell, value: float) -> str:
    if source.kind in NUMBER_FORMATS:
        return NUMBER_FORMATS[source.kind]
    if source.places:
        return "#,##0." + "0" * source.places
    return "#,##0" if float(value).is_integer() else "#,##0.0"


def _with_word(number_format: str, word: str) -> str:
    """A number format that also writes ``word`` after every section: ``#,##0 "(Green)"``."""
    return ";".join(f'{section} "({word})"' for section in number_format.split(";"))


def _write(cell: SheetCell, source: Cell, *, bold: bool, mark: str | None) -> int:
    """Write one model cell; returns the width of its shown text (for fitting columns)."""
    value = source.value
    word = status_label(source.status) if source.status else None
    shown = value_text(source)
    if source.kind in ("count", "percent", "change", "points", "number") and is_number(value):
        assert isinstance(value, int | float)
        number: int | float = value / 100 if source.kind in ("percent", "change") else value
        cell.value = number
        number_format = _number_format(source, float(value))
        cell.number_format = _with_word(number_format, word) if word else number_format
        cell.alignment = Alignment(horizontal="right", vertical="top")
        width = len(shown) + (len(word) + 3 if word else 0)
    elif source.kind == "date" and parse_date(value) is not None:
        day = parse_date(value)
        assert isinstance(day, date)
        cell.value = day
        cell.number_format = NUMBER_FORMATS["date"]
        cell.alignment = Alignment(horizontal="right", vertical="top")
        width = len(shown)
    else:
        text = shown
        if word:
            text = word if value is None or shown.strip().lower() == word.lower() else f"{word}: {shown}"
        put_text(cell, text)
        right = value is None and source.kind != "text"
        cell.alignment = Alignment(horizontal="right" if right else "left", vertical="top", wrap_text=True)
        width = len(text)
    if source.status:
        background, colour = STATUS_COLOURS.get(source.status, ("FFFFFF", "0B0C0C"))
        cell.fill = PatternFill("solid", fgColor=background.upper())
        cell.font = Font(bold=True, color=colour.upper())
    elif bold or source.bold:
        cell.font = Font(bold=True)
    if bold and source.status:
        cell.font = Font(bold=True, color=STATUS_COLOURS.get(source.status, ("", "0B0C0C"))[1].upper())
    if mark and source.flag:
        cell.comment = Comment(f"{mark} {source.flag}", "iomhub")
    elif value is None and source.reason:
        cell.comment = Comment(f"{EM_DASH} {source.reason}", "iomhub")
    return width


def _chart_kind(svg: str) -> str:
    if "<polyline" in svg or "<circle" in svg:
        return "line"
    lefts = set(re.findall(r'<rect x="([0-9.]+)"', svg))
    return "bar" if len(lefts) == 1 and svg.count("<rect") > 1 else "col"


def _native_chart(sheet: Worksheet, chart: Chart, first_row: int, rows: int, anchor: str) -> None:
    table = chart.data
    series_columns = [i for i in range(1, len(table.columns)) if column_is_numeric(table, i)]
    if not series_columns or rows == 0:
        return
    kind = _chart_kind(chart.svg)
    native: BarChart | LineChart
    if kind == "line":
        native = LineChart()
    else:
        native = BarChart()
        native.type = kind
    native.title = chart.title
    native.width, native.height = 18, 9
    last = first_row + rows  # data rows follow the header row ``first_row``
    for column in series_columns:
        data = Reference(sheet, min_col=column + 1, min_row=first_row, max_row=last)
        native.add_data(data, titles_from_data=True)
    native.set_categories(Reference(sheet, min_col=1, min_row=first_row + 1, max_row=last))
    sheet.add_chart(native, anchor)


def _table_sheet(sheet: Worksheet, table: Table, chart: Chart | None) -> None:
    title = _at(sheet, 1, 1)
    put_text(title, table.title)
    title.font = Font(bold=True, size=13)
    widths = [len(heading) for heading in table.columns]
    numeric = [column_is_numeric(table, i) for i in range(len(table.columns))]
    for index, heading in enumerate(table.columns, start=1):
        cell = _at(sheet, 2, index)
        put_text(cell, heading)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="right" if numeric[index - 1] else "left", vertical="bottom",
                                   wrap_text=True)
    marks = table_flags(table)
    for number, row in enumerate(table.rows):
        total = is_total_row(table, number)
        for index, source in enumerate(row[:len(table.columns)], start=1):
            width = _write(_at(sheet, 3 + number, index), source, bold=total,
                           mark=marks.get(source.flag) if source.flag else None)
            widths[index - 1] = max(widths[index - 1], width + (1 if source.flag else 0))
    line = 3 + len(table.rows) + 1
    for text in flag_footnotes(table) + list(table.footnotes):
        cell = _at(sheet, line, 1)
        put_text(cell, text)
        cell.font = Font(italic=True, color="505A5F")
        line += 1
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(60, max(8, width + 2))
    sheet.freeze_panes = "A3"
    sheet.print_title_rows = "2:2"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if len(table.columns) > WIDE_COLUMNS else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    if sheet.sheet_properties.pageSetUpPr is not None:
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
    if chart is not None:
        anchor = f"{get_column_letter(len(table.columns) + 2)}2"
        _native_chart(sheet, chart, 2, len(table.rows) - table.total_rows, anchor)


def _contents(book: WorkbookType, sheet: Worksheet, doc: Document, names: list[str], titles: list[str]) -> None:
    put_text(_at(sheet, 1, 1), doc.title)
    _at(sheet, 1, 1).font = Font(bold=True, size=16)
    put_text(_at(sheet, 2, 1), doc.subtitle)
    _at(sheet, 2, 1).font = Font(italic=True, color="505A5F")
    line = 4
    for label, value in doc.meta:
        put_text(_at(sheet, line, 1), label)
        _at(sheet, line, 1).font = Font(bold=True)
        put_text(_at(sheet, line, 2), value)
        line += 1
    for section in doc.opening:  # the opening's words (its tables are sheets, the first ones)
        line += 1
        put_text(_at(sheet, line, 1), section.title)
        _at(sheet, line, 1).font = Font(bold=True, size=12)
        for block in section.blocks:
            if isinstance(block, Bullets) and block.title:
                line += 1
                put_text(_at(sheet, line, 1), block.title)
                _at(sheet, line, 1).font = Font(bold=True)
            for words in ([block.text] if isinstance(block, Paragraph) else
                          [f"\u2022 {item}" for item in block.items] if isinstance(block, Bullets) else []):
                line += 1
                put_text(_at(sheet, line, 1), words)
        line += 1
    if doc.notes:
        line += 1
        put_text(_at(sheet, line, 1), "Notes on these figures")
        _at(sheet, line, 1).font = Font(bold=True, size=12)
        for note in doc.notes:
            line += 1
            put_text(_at(sheet, line, 1), f"\u2022 {note}")
        line += 1
    line += 1
    put_text(_at(sheet, line, 1), "Sheets")
    _at(sheet, line, 1).font = Font(bold=True, size=12)
    for name, title in zip(names, titles, strict=True):
        line += 1
        link = _at(sheet, line, 1)
        put_text(link, name)
        quoted = name.replace("'", "''")
        link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{quoted}'!A1", display=name)
        link.font = Font(color="1D70B8", underline="single")
        put_text(_at(sheet, line, 2), title)
    line += 2
    put_text(_at(sheet, line, 1), f"Produced by iomhub. {EM_DASH} means the figure cannot be computed.")
    _at(sheet, line, 1).font = Font(italic=True, color="505A5F")
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 70


def render_xlsx(doc: Document) -> bytes:
    """The document as an .xlsx workbook."""
    book = Workbook()
    contents = book.active
    assert contents is not None
    contents.title = CONTENTS
    charts_by_table = {id(block.data): block for section in doc.sections for block in section.blocks
                       if isinstance(block, Chart)}
    tables = doc.tables()
    names = sheet_names(tables)
    _contents(book, contents, doc, names, [table.title for table in tables])
    for table, name in zip(tables, names, strict=True):
        _table_sheet(book.create_sheet(name), table, charts_by_table.get(id(table)))
    book.properties.title = doc.title
    book.properties.creator = "iomhub"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
