"""A :class:`~iomhub.reports.documents.model.Document` as a Word file (python-docx).

A4 with "Page X of Y" in the footer; the title, subtitle and facts; the notes in a shaded box;
one Heading 1 per section; paragraphs; bullets in Word's own list style; real Word tables whose
header row repeats on every page and whose rows never split, numbers right-aligned and written
as in the HTML page (``1,234``, ``12.5%``, ``−38.9%``), total rows bold, status cells shaded
(``w:shd``) with the status word written in them; tables of more than eight columns on a
landscape page; charts as PNG images (cairosvg, 300 dpi) with their description as the image's
alternative text (``docPr descr``) and as a caption.
"""

from __future__ import annotations

import io
import re

import cairosvg  # type: ignore[import-untyped]
from docx import Document as new_document
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import _Cell
from docx.text.paragraph import Paragraph as WordParagraph

from iomhub.reports.documents.html import (
    STATUS_COLOURS,
    WIDE_COLUMNS,
    column_is_numeric,
    flag_footnotes,
    is_numeric,
    is_total_row,
    table_flags,
    value_text,
)
from iomhub.reports.documents.model import Bullets, Chart, Document, Paragraph, Section, Table
from iomhub.reports.formatting import status_label

A4 = (Cm(21.0), Cm(29.7))
MARGIN = Cm(2.0)
HEADER_FILL = "F3F2F1"
NOTES_FILL = "F3F2F1"
MUTED = RGBColor(0x50, 0x5A, 0x5F)
CHART_DPI = 300


def _shade(cell: _Cell, fill: str) -> None:
    """Fill a table cell with a solid colour (``w:shd``)."""
    properties = cell._tc.get_or_add_tcPr()
    for old in properties.findall(qn("w:shd")):
        properties.remove(old)
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)


def _row_flag(row: object, tag: str) -> None:
    """Set a row property such as ``w:tblHeader`` (repeat as header) or ``w:cantSplit``."""
    properties = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    element = OxmlElement(tag)
    element.set(qn("w:val"), "true")
    properties.append(element)


def _field(paragraph: WordParagraph, instruction: str) -> None:
    """A simple field (``PAGE``, ``NUMPAGES``) at the end of the paragraph."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _set_page(section: object, landscape: bool) -> None:
    width, height = A4
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT  # type: ignore[attr-defined]
    section.page_width, section.page_height = (height, width) if landscape else (width, height)  # type: ignore[attr-defined]
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, MARGIN)


def _footer(word: WordDocument, title: str) -> None:
    footer = word.sections[0].footer
    paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    paragraph.add_run(f"{title} \u2013 Page ")
    _field(paragraph, "PAGE")
    paragraph.add_run(" of ")
    _field(paragraph, "NUMPAGES")
    for run in paragraph.runs:
        run.font.size = Pt(8)
        run.font.color.rgb = MUTED


def _text_width(landscape: bool) -> int:
    width, height = A4
    return int((height if landscape else width) - 2 * MARGIN)


def _notes(word: WordDocument, notes: list[str]) -> None:
    box = word.add_table(rows=1, cols=1)
    cell = box.cell(0, 0)
    _shade(cell, NOTES_FILL)
    heading = cell.paragraphs[0]
    run = heading.add_run("Notes on these figures")
    run.bold = True
    for note in notes:
        cell.add_paragraph(note, style="List Bullet")
    word.add_paragraph()


def _write_cell(cell: _Cell, text: str, *, bold: bool, right: bool, mark: str | None,
                status: str | None, header: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    if right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if status is not None:
        background, colour = STATUS_COLOURS.get(status, ("FFFFFF", "0B0C0C"))
        _shade(cell, background.upper())
        label = status_label(status)
        word = paragraph.add_run(label)
        word.bold = True
        word.font.color.rgb = RGBColor.from_string(colour.upper())
        if text and text.strip().lower() != label.lower():
            rest = paragraph.add_run((": " if not right else " ") + text)
            rest.bold = bold
            rest.font.color.rgb = RGBColor.from_string(colour.upper())
    else:
        run = paragraph.add_run(text)
        run.bold = bold or header
        if text == "\u2014":
            run.font.color.rgb = MUTED
    if mark:
        sup = paragraph.add_run(mark)
        sup.font.superscript = True
        sup.bold = True


def _table(word: WordDocument, table: Table) -> None:
    caption = word.add_paragraph(style="Caption")
    caption.add_run(table.title)
    caption.paragraph_format.keep_with_next = True
    marks = table_flags(table)
    numeric = [column_is_numeric(table, i) for i in range(len(table.columns))]
    grid = word.add_table(rows=1 + len(table.rows), cols=len(table.columns))
    grid.style = word.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = grid.rows[0]
    _row_flag(header, "w:tblHeader")
    _row_flag(header, "w:cantSplit")
    for index, heading in enumerate(table.columns):
        cell = header.cells[index]
        _shade(cell, HEADER_FILL)
        _write_cell(cell, heading, bold=True, right=numeric[index], mark=None, status=None, header=True)
    for number, row in enumerate(table.rows):
        word_row = grid.rows[number + 1]
        _row_flag(word_row, "w:cantSplit")
        total = is_total_row(table, number)
        for index, source in enumerate(row[:len(table.columns)]):
            text = "" if source.value is None and source.status else value_text(source)
            _write_cell(word_row.cells[index], text, bold=total or source.bold, right=is_numeric(source),
                        mark=marks.get(source.flag) if source.flag else None, status=source.status)
    for paragraph in (cell.paragraphs[0] for row in grid.rows for cell in row.cells):
        paragraph.paragraph_format.space_after = Pt(0)
        for run in paragraph.runs:
            run.font.size = Pt(9)
    for text in flag_footnotes(table) + list(table.footnotes):
        note = word.add_paragraph()
        run = note.add_run(text)
        run.font.size = Pt(8)
        run.font.color.rgb = MUTED
    word.add_paragraph()


def chart_png(svg: str, dpi: int = CHART_DPI) -> bytes:
    """An inline SVG chart of :mod:`iomhub.reports.charts` as a PNG at ``dpi`` (charts are
    drawn at 96 px per inch)."""
    if "xmlns=" not in svg[:200]:
        svg = re.sub(r"^<svg\b", '<svg xmlns="http://www.w3.org/2000/svg"', svg.lstrip(), count=1)
    png: bytes = cairosvg.svg2png(bytestring=svg.encode("utf-8"), scale=dpi / 96, background_color="white",
                                  unsafe=False)
    return png


def _chart(word: WordDocument, chart: Chart, number: int, landscape: bool) -> None:
    picture = word.add_paragraph()
    picture.paragraph_format.keep_with_next = True
    width = min(_text_width(landscape), int(Cm(16.5)))
    shape = picture.add_run().add_picture(io.BytesIO(chart_png(chart.svg)), width=width)
    properties = shape._inline.docPr
    properties.set("descr", chart.description)
    properties.set("title", chart.title)
    caption = word.add_paragraph(style="Caption")
    caption.add_run(f"Figure {number}: {chart.title}. ").bold = True
    caption.add_run(chart.description)


class _Layout:
    """Lays sections out in order: a wide table on a landscape page, charts numbered."""

    def __init__(self, word: WordDocument) -> None:
        self.word, self.figure, self.landscape = word, 0, False

    def section(self, section: Section) -> None:
        word = self.word
        word.add_heading(section.title, level=1)
        for block in section.blocks:
            wide = isinstance(block, Table) and len(block.columns) > WIDE_COLUMNS
            if wide != self.landscape:
                self.landscape = wide
                _set_page(word.add_section(), self.landscape)
            if isinstance(block, Paragraph):
                word.add_paragraph(block.text)
            elif isinstance(block, Bullets):
                if block.title:
                    word.add_heading(block.title, level=2)
                for item in block.items:
                    word.add_paragraph(item, style="List Bullet")
            elif isinstance(block, Table):
                _table(word, block)
            elif isinstance(block, Chart):
                self.figure += 1
                _chart(word, block, self.figure, self.landscape)


def render_docx(doc: Document) -> bytes:
    """The document as a .docx file."""
    word = new_document()
    _set_page(word.sections[0], landscape=False)
    word.core_properties.title = doc.title
    word.core_properties.subject = doc.subtitle
    word.core_properties.author = "iomhub"
    normal = word.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10)
    _footer(word, doc.title)

    word.add_heading(doc.title, level=0)
    if doc.subtitle:
        word.add_paragraph(doc.subtitle, style="Subtitle")
    for label, value in doc.meta:
        fact = word.add_paragraph()
        fact.paragraph_format.space_after = Pt(0)
        fact.add_run(f"{label}: ").bold = True
        fact.add_run(value)
    word.add_paragraph()
    layout = _Layout(word)
    for section in doc.opening:
        layout.section(section)
    if doc.notes:
        _notes(word, doc.notes)
    for section in doc.rest:
        layout.section(section)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()
