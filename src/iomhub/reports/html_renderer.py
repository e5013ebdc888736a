"""The board's performance report as ONE self-contained HTML page, and the same sections for the
web dashboard.

Inline CSS (plain GOV.UK-like style, with print rules), inline SVG charts, no JavaScript and no
external resource. Jinja2 autoescapes every value from the package; only the charts (built and
escaped by :mod:`iomhub.reports.charts`) are inserted as markup.

The page lays out the report's view model (:func:`iomhub.reports.sections.build_view`) and
computes nothing: each cell's words come from :mod:`iomhub.reports.formatting` by its kind; a
figure that cannot be computed is an em dash explained on hover; a group's rows sit under its
heading; a figure's 95% interval is written beside it in brackets; a row's note (small numbers,
a RAG set by hand) is marked once, on its first cell that carries it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from iomhub.reports import charts, view
from iomhub.reports.formatting import (
    CANNOT_COMPUTE,
    EM_DASH,
    RAG_LABELS,
    SMALL_NUMBERS_TEXT,
    WITHHELD,
    figure,
    humanise,
    interval_words,
    is_withheld,
)
from iomhub.reports.model import Report
from iomhub.reports.sections import SECTION_KEYS, build_view


@dataclass(frozen=True)
class Cell:
    """One table cell as shown: its text, whether it is a number (right-aligned), a hover/print
    explanation, extra CSS classes, whether it heads its row, and the id of the small-numbers
    footnote it points to."""

    text: str
    numeric: bool = False
    title: str | None = None
    css: str = ""
    header: bool = False
    null: bool = False
    flag: str | None = None

    @property
    def classes(self) -> str:
        """The CSS classes of the cell ("num" for figures, right-aligned)."""
        return " ".join(c for c in ("num" if self.numeric else "", self.css) if c)


@dataclass
class Row:
    """A table row; ``css`` marks totals, small-number rows and risk tiers."""

    cells: list[Cell]
    css: str = ""


@dataclass
class Group:
    """Rows under an optional heading row (one ``<tbody>``), e.g. one scheme of the caseload."""

    rows: list[Row]
    heading: str | None = None


@dataclass
class Table:
    """A table as shown: caption, column headings, groups of rows and footnotes."""

    id: str
    caption: str
    columns: list[Cell]
    groups: list[Group]
    footnotes: list[tuple[str, str]] = field(default_factory=list)  # (id, text)
    empty_text: str = "There is nothing to show for this period."

    @property
    def is_empty(self) -> bool:
        return not any(group.rows for group in self.groups)


@dataclass
class Figure:
    """A chart (inline SVG, already escaped) and its caption."""

    svg: Markup
    caption: str


@dataclass
class Section:
    """A section of the page: heading, paragraphs, charts, tables, subsections."""

    key: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    subsections: list[Section] = field(default_factory=list)
    level: int = 2

    @property
    def anchor(self) -> str:
        return f"section-{self.key}"


def _null(reason: str, css: str = "null", numeric: bool = True) -> Cell:
    return Cell(EM_DASH, numeric=numeric, title=reason, css=css, null=True)


def _marked(shown: Cell, note: view.Note | None) -> Cell:
    """``shown`` with its note: a link to the small-numbers footnote, or the note's mark."""
    if note is None:
        return shown
    if note.small:
        return Cell(shown.text, shown.numeric, shown.title, shown.css, shown.header, shown.null, flag=note.id)
    return Cell(shown.text + note.mark, shown.numeric, note.flag, shown.css, shown.header, shown.null)


def _cell(cell: view.Cell, header: bool, note: view.Note | None) -> Cell:
    value = cell.value
    if cell.kind == "rag":
        if value is None:
            return _null(cell.reason, "rag null", numeric=False)
        return _marked(Cell(RAG_LABELS.get(value, humanise(str(value))), css=f"rag rag-{value}"), note)
    if cell.kind == "text":
        return _marked(Cell(WITHHELD if is_withheld(value) else str(value), header=header), note)
    if value is None:
        return _null(cell.reason)
    if cell.kind == "interval":
        low, high = value
        return Cell(interval_words(low, high, cell.of, cell.places) or EM_DASH, numeric=True, css="interval")
    shown = figure(value, cell.kind, cell.places)
    if cell.bounds is not None and not is_withheld(value):
        bounds = interval_words(*cell.bounds, cell.kind, cell.places)
        shown += f" ({bounds})" if bounds else ""
    css = ""
    if cell.kind == "change" and not is_withheld(value):
        css = "fall" if value < 0 else "rise" if value > 0 else ""
    return _marked(Cell(shown, numeric=True, css=css, header=header), note)


def _row(row: view.Row) -> Row:
    seen: set[view.Note] = set()
    cells = []
    for position, cell in enumerate(row.cells):
        note = cell.note if cell.note is not None and cell.note not in seen else None
        if note is not None:
            seen.add(note)
        cells.append(_cell(cell, position == 0, note))
    small = any(note.small for note in seen)
    return Row(cells, " ".join(c for c in ("total" if row.total else "", "small-numbers" if small else "", row.tone)
                               if c))


def _table(table: view.Table) -> Table:
    notes = [(note.id, f"{note.mark} {note.text}") for note in table.notes]
    return Table(table.id, table.caption, [Cell(column.heading, numeric=column.numeric) for column in table.columns],
                 [Group([_row(row) for row in group.rows], group.heading) for group in table.groups],
                 notes + list(table.footnotes), table.empty_text)


def _section(section: view.Section, inline_style: bool) -> Section:
    def svg(chart: view.Chart) -> Markup:
        return Markup(chart.svg if inline_style else charts.without_inline_style(chart.svg))  # escaped by charts

    return Section(section.key, section.title, list(section.paragraphs),
                   [Figure(svg(chart), f"{chart.title}.") for chart in section.charts],
                   [_table(table) for table in section.tables],
                   [_section(sub, inline_style) for sub in section.subsections], section.level)


def shown_sections(sections: Sequence[view.Section], *, inline_style: bool = True) -> list[Section]:
    """The view model's sections laid out for a page: this one, or another that embeds them (the
    web dashboard). ``inline_style=False`` takes the charts' one inline style (their font) out, for
    a page whose Content-Security-Policy refuses inline styles and whose CSS sets the font."""
    return [_section(section, inline_style) for section in sections]


SECTION_ORDER = SECTION_KEYS  # the ids of the sections, in the order shown ("flags" within "reoffending")

_ENVIRONMENT = Environment(
    loader=PackageLoader("iomhub.reports", "templates"),
    autoescape=select_autoescape(enabled_extensions=("html", "j2"), default_for_string=True, default=True),
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def render_html(report: Report) -> str:
    """The whole report as one self-contained HTML page."""
    shown = build_view(report)
    sections = shown_sections(shown.sections)
    return _ENVIRONMENT.get_template("report.html.j2").render(
        title=shown.title,
        facts=shown.facts,
        notes=shown.notes,
        opening=sections[:shown.before_notes],
        rest=sections[shown.before_notes:],
        contents=sections,
        generated_iso=shown.generated_iso,
        em_dash=EM_DASH,
        cannot_compute=CANNOT_COMPUTE,
        small_numbers_text=SMALL_NUMBERS_TEXT,
        threshold=shown.threshold,
    )
