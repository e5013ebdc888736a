"""The IOM performance report as a board document (the shape of seed 003): the performance
overview, which opens with the view model's opening (what IOM changed: the matched estimate, its
interval and whether it can be relied on, then the before-and-after figure labelled as not the
effect of IOM) and goes on with the drafted narrative (overview, key improvers and successes,
key challenges); then the notes box (the narrative's caveats and the report's notes); then the
rest of the report's view model (``reports/sections/``), section by section, exactly as the
HTML page shows it.

The document lays the view out for paper and spreadsheets, by rules that hold for every table:

- the rows of a table's groups follow each other, the group's heading in a leading column;
- a 95% interval in a column of its own (``interval`` cells) becomes two numeric columns, "from"
  and "to", so that Excel keeps them numbers; a figure's own interval (``bounds``) is a text
  column beside it, written as on the page;
- a total row is bold; a cell's note is its flag (``*`` small numbers, ``‡`` a RAG set by hand),
  explained under the table in the page's words;
- a section's subsections follow its own tables.
"""

from __future__ import annotations

from iomhub.reports.documents.cells import rag_cell, text
from iomhub.reports.documents.model import Block, Bullets, Cell, CellKind, Chart, Document, Paragraph, Section, Table
from iomhub.reports.documents.narrative import SMALL_NUMBERS_CAVEAT, Narrative, draft_narrative
from iomhub.reports.formatting import CUSTODY_NOTE, SMALL_NUMBERS_NOTE, WITHHELD, interval_words, is_withheld
from iomhub.reports.model import Report
from iomhub.reports.sections import build_view
from iomhub.reports.view import Cell as ViewCell
from iomhub.reports.view import Chart as ViewChart
from iomhub.reports.view import Section as ViewSection
from iomhub.reports.view import Table as ViewTable

OVERVIEW_TITLE = "Performance overview"
IMPROVERS_TITLE = "Key improvers and successes"
CHALLENGES_TITLE = "Key challenges"
KINDS: dict[str, CellKind] = {"count": "count", "pounds": "count", "percent": "percent", "change": "change",
                              "points": "points", "number": "number", "decimal": "number"}


def _figure(value: object, kind: str, places: int, bold: bool, flag: str | None, reason: str | None = None) -> Cell:
    """A figure of the view as a document cell: a number of its kind, ``[c]`` when withheld, None
    (a dash, with the view's ``reason``) when it cannot be computed; pounds are whole pounds."""
    shown: CellKind = KINDS[kind]
    if value is None or is_withheld(value):
        return Cell(None if value is None else WITHHELD, shown, bold=bold, flag=flag,
                    reason=reason if value is None else None)
    assert isinstance(value, int | float)
    number: int | float = round(value) if shown == "count" else float(value)
    return Cell(number, shown, bold=bold, flag=flag, places=places if kind == "decimal" else None)


def _shapes(table: ViewTable) -> list[str]:
    """Each column's shape in a document: ``interval`` (two numeric columns), ``bounds`` (the
    figure and its interval's words) or ``plain``."""
    shapes = ["plain"] * len(table.columns)
    for row in table.rows:
        for index, cell in enumerate(row.cells):
            if cell.kind == "interval":
                shapes[index] = "interval"
            elif cell.bounds is not None:
                shapes[index] = "bounds"
    return shapes


def _cells(cell: ViewCell, shape: str, bold: bool) -> list[Cell]:
    """One cell of the view as the document's cells of its column's shape."""
    flag = cell.note.flag if cell.note is not None else None
    if shape == "interval":
        low, high = cell.value if cell.value is not None else (None, None)
        return [_figure(low, cell.of, cell.places, bold, None, cell.reason),
                _figure(high, cell.of, cell.places, bold, None, cell.reason)]
    if cell.kind == "text":
        out = [text(cell.value, bold=bold, flag=flag)]
    elif cell.kind == "rag":
        shown = rag_cell(cell.value, bold=bold) if cell.value is not None else Cell(None, "text", bold=bold)
        out = [Cell(shown.value, shown.kind, shown.status, bold, flag)]
    else:
        out = [_figure(cell.value, cell.kind, cell.places, bold, flag, cell.reason)]
    if shape == "bounds":
        words = interval_words(*cell.bounds, cell.kind, cell.places) if cell.bounds else None
        out.append(Cell(words, "text", bold=bold))
    return out


def document_table(table: ViewTable) -> Table:
    """A table of the view as a document's table (one Excel sheet)."""
    shapes = _shapes(table)
    headings = [table.group_heading] if table.group_heading else []
    for column, shape in zip(table.columns, shapes, strict=True):
        headings += ([f"{column.heading} from", "to"] if shape == "interval"
                     else [column.heading, "95% interval"] if shape == "bounds" else [column.heading])
    rows: list[list[Cell]] = []
    totals: list[bool] = []
    for group in table.groups:
        for row in group.rows:
            leading = [text(group.heading, bold=row.total)] if table.group_heading else []
            rows.append(leading + [shown for cell, shape in zip(row.cells, shapes, strict=True)
                                   for shown in _cells(cell, shape, row.total)])
            totals.append(row.total)
    trailing = len(totals) - next((i + 1 for i in range(len(totals) - 1, -1, -1) if not totals[i]), 0)
    return Table(table.title, table.caption, headings, rows, [words for _, words in table.footnotes],
                 total_rows=trailing, flag_notes={note.flag: (note.mark, note.text) for note in table.notes})


def _chart(chart: ViewChart) -> Chart:
    return Chart(chart.title, chart.svg, chart.description, document_table(chart.data))


def section_blocks(section: ViewSection) -> list[Block]:
    """A section of the view (with its subsections) as a document's blocks."""
    return _blocks(section)


def _blocks(section: ViewSection) -> list[Block]:
    blocks: list[Block] = [Paragraph(paragraph) for paragraph in section.paragraphs]
    blocks += [_chart(chart) for chart in section.charts]
    blocks += [document_table(table) for table in section.tables]
    for sub in section.subsections:
        blocks += _blocks(sub)
    return blocks


def narrative_section(narrative: Narrative, opening: list[Block] | None = None) -> Section:
    """The performance overview: the view's opening blocks (what IOM changed), then the narrative."""
    return Section(OVERVIEW_TITLE, [
        *(opening or []),
        Bullets(narrative.overview or ["There are no figures to summarise for this period."]),
        Bullets(narrative.improvers or ["No group's reoffending fell and no indicator met its target."],
                IMPROVERS_TITLE),
        Bullets(narrative.challenges or ["No group's reoffending rose and no indicator missed its target."],
                CHALLENGES_TITLE),
    ])


def performance_document(report: Report, narrative: Narrative | None = None) -> Document:
    """The IOM performance report of ``report``; ``narrative`` replaces the drafted one (edited)."""
    narrative = narrative or draft_narrative(report)
    shown = build_view(report)
    opening = [block for section in shown.opening for block in _blocks(section)]
    return Document(kind="performance", title=shown.title, subtitle=shown.subtitle, meta=shown.facts,
                    sections=[narrative_section(narrative, opening),
                              *(Section(s.title, _blocks(s)) for s in shown.sections[shown.before_notes:])],
                    notes=notes(narrative, shown.notes), before_notes=1)


def notes(narrative: Narrative, report_notes: list[str]) -> list[str]:
    """The narrative's caveats, then the report's notes but those the caveats say better (groups
    with small numbers, with their change; people in custody, with their number)."""
    covered = [phrase for phrase, caveat in ((SMALL_NUMBERS_NOTE, SMALL_NUMBERS_CAVEAT), (CUSTODY_NOTE, CUSTODY_NOTE))
               if any(line.startswith(caveat) for line in narrative.caveats)]
    return [*narrative.caveats, *(note for note in report_notes
                                  if not any(phrase in note for phrase in covered))]
