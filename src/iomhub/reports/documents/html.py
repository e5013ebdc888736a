"""A :class:`~iomhub.reports.documents.model.Document` as ONE self-contained HTML page.

Inline CSS (the plain GOV.UK-like style of the performance report, with print rules), inline
SVG charts with their text alternative, no JavaScript and no external resource. Jinja2
autoescapes every value; only the charts (built and escaped by :mod:`iomhub.reports.charts`)
are inserted as markup.

The helpers here (how a cell's figure is written, the words and colours of a status, the
footnote marks of flags) are shared by the PDF, Word and Excel renderers, so that every format
shows the same figure the same way (``reports/formatting.py``): counts ``1,234``; percentages
``12.5%``; changes ``−38.9%`` and ``+13.1%`` with a true minus; a figure that cannot be computed
as an em dash; dates ``1 Apr 2015``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from importlib import resources

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from iomhub.reports.documents.model import Bullets, Cell, Chart, Document, Table
from iomhub.reports.formatting import CANNOT_COMPUTE, EM_DASH, figure, format_number, sentence, status_label

NUMERIC_KINDS = frozenset({"count", "percent", "change", "points", "number"})
WIDE_COLUMNS = 8  # a table with more columns than this goes on a landscape page (PDF, Word)

# (background tint, text colour): light tints of the GOV.UK colours, text dark enough for
# WCAG AA contrast on its tint. The word is always written too: never colour alone.
STATUS_COLOURS: dict[str, tuple[str, str]] = {
    "green": ("cce2d8", "005a30"),
    "amber_green": ("e3ecc1", "3d4a0b"),
    "amber": ("fcd6c3", "6e3619"),
    "amber_red": ("f6c3b5", "6b1d0e"),
    "red": ("f4cdc6", "8e1e0c"),
    "complete": ("d2e2f1", "0c2d4a"),
}

FLAG_MARKS = ("*", "\u2020", "\u2021", "\u00a7", "\u2016", "\u00b6")


def parse_date(value: str | int | float | None) -> date | None:
    """An ISO (``2015-04-01``) or UK (``01/04/2015``) date, or None when it is not one."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        return datetime.fromisoformat(text).date() if "T" in text else date.fromisoformat(text)
    except ValueError:
        pass
    if match := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text):
        try:
            return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        except ValueError:
            return None
    return None


def is_number(value: object) -> bool:
    """A real int or float (not a bool)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def value_text(cell: Cell) -> str:
    """The cell's figure as people read it (no status word, no flag mark); an em dash for None."""
    value, kind = cell.value, cell.kind
    if value is None:
        return EM_DASH
    if kind in NUMERIC_KINDS and is_number(value):
        if kind == "number" and cell.places is not None:
            return figure(float(value), "decimal", cell.places)
        return figure(float(value), kind)
    if kind == "date":
        day = parse_date(value)
        if day is not None:
            return f"{day.day} {day:%b %Y}"
    if is_number(value):
        return format_number(float(value))
    return str(value)


def is_numeric(cell: Cell) -> bool:
    """Whether the cell holds a figure (right-aligned): a numeric kind, or None in one."""
    return cell.kind in NUMERIC_KINDS or (cell.kind == "date" and cell.value is not None)


def column_is_numeric(table: Table, index: int) -> bool:
    """Whether a column holds figures: every non-empty cell in it is numeric."""
    cells = [row[index] for row in table.rows if index < len(row)]
    return bool(cells) and all(is_numeric(cell) for cell in cells)


def display_text(cell: Cell) -> str:
    """The cell as plain text: its figure, and its status word when it has one (once)."""
    text = "" if cell.value is None and cell.status else value_text(cell)
    if cell.status:
        label = status_label(cell.status)
        if not text or text.strip().lower() == label.lower():
            return label
        return f"{label}: {text}" if cell.kind == "text" else f"{text} ({label})"
    return text


def table_flags(table: Table) -> dict[str, str]:
    """Each distinct flag of the table's cells → its footnote mark: the table's own
    (``Table.flag_notes``), else ``*``, ``†`` ... in the order the flags first appear."""
    marks: dict[str, str] = {}
    for row in table.rows:
        for cell in row:
            if cell.flag and cell.flag not in marks:
                index = len(marks)
                own = table.flag_notes.get(cell.flag)
                repeat = 1 + index // len(FLAG_MARKS)
                marks[cell.flag] = own[0] if own else FLAG_MARKS[index % len(FLAG_MARKS)] * repeat
    return marks


def flag_footnotes(table: Table) -> list[str]:
    """The footnote of each flag of the table, after its mark: the table's own words for it
    (``Table.flag_notes``), else the flag as a sentence (``* Small numbers: interpret with caution.``)."""
    return [f"{mark} {sentence(table.flag_notes[flag][1] if flag in table.flag_notes else flag)}"
            for flag, mark in table_flags(table).items()]


def is_total_row(table: Table, index: int) -> bool:
    """Whether row ``index`` is one of the table's total rows (the last ``total_rows``)."""
    return table.total_rows > 0 and index >= len(table.rows) - table.total_rows


# --- the page -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _ShownCell:
    text: str
    header: bool
    css: str
    title: str | None
    status: str | None
    mark: str | None
    flag: str | None
    figure: str  # the figure beside a status word ("" when the word is the whole content)


@dataclass(frozen=True)
class _ShownTable:
    id: str
    table: Table
    columns: list[tuple[str, bool]]  # heading, numeric
    rows: list[tuple[str, list[_ShownCell]]]  # row css, cells
    footnotes: list[str]
    wide: bool


def _shown_table(table: Table, ident: str) -> _ShownTable:
    marks = table_flags(table)
    numeric_columns = [column_is_numeric(table, i) for i in range(len(table.columns))]
    rows: list[tuple[str, list[_ShownCell]]] = []
    for index, row in enumerate(table.rows):
        total = is_total_row(table, index)
        flagged = any(cell.flag for cell in row)
        cells: list[_ShownCell] = []
        for position, cell in enumerate(row):
            header = position == 0 and cell.kind == "text" and not cell.status
            css = []
            if is_numeric(cell):
                css.append("num")
            if cell.value is None and not cell.status:
                css.append("null")
            if cell.bold:
                css.append("bold")
            if cell.kind == "change" and is_number(cell.value):
                number = float(cell.value or 0)
                css.append("fall" if number < 0 else "rise" if number > 0 else "")
            figure = ""
            if cell.status:
                css.append(f"status status-{cell.status}")
                shown = display_text(cell)
                label = status_label(cell.status)
                figure = "" if shown == label else value_text(cell)
            cells.append(_ShownCell(
                text=value_text(cell), header=header, css=" ".join(c for c in css if c),
                title=(cell.reason or CANNOT_COMPUTE) if cell.value is None and not cell.status else None,
                status=status_label(cell.status) if cell.status else None,
                mark=marks.get(cell.flag) if cell.flag else None, flag=cell.flag, figure=figure))
        row_css = " ".join(c for c in ("total" if total else "", "flagged" if flagged else "") if c)
        rows.append((row_css, cells))
    footnotes = flag_footnotes(table) + list(table.footnotes)
    return _ShownTable(ident, table, list(zip(table.columns, numeric_columns, strict=True)), rows,
                       footnotes, len(table.columns) > WIDE_COLUMNS)


def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("iomhub.reports.documents", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html", "j2"), default_for_string=True, default=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


_ENVIRONMENT = _environment()


def stylesheet(name: str) -> str:
    """A CSS file of ``styles/``."""
    return resources.files("iomhub.reports.documents").joinpath("styles", name).read_text("utf-8")


def common_stylesheet() -> str:
    """The rules the documents share with the performance report's page (``reports/templates/common.css``)."""
    return resources.files("iomhub.reports").joinpath("templates", "common.css").read_text("utf-8")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def _status_css() -> str:
    return "\n".join(f".status-{key} {{ background: #{bg}; color: #{fg}; }}"
                     for key, (bg, fg) in STATUS_COLOURS.items())


def render_page(doc: Document, *, for_print: bool = False) -> str:
    """The page; ``for_print`` adds the paged-media rules of the PDF (A4, page numbers in the
    footer, landscape pages for wide tables)."""
    sections = []
    used: set[str] = set()
    figure_number = 0
    for number, section in enumerate(doc.sections, start=1):
        blocks: list[tuple[str, object]] = []
        for block in section.blocks:
            if isinstance(block, Table):
                ident = f"table-{_slug(block.name)}"
                while ident in used:
                    ident += "-x"
                used.add(ident)
                blocks.append(("table", _shown_table(block, ident)))
            elif isinstance(block, Chart):
                figure_number += 1
                blocks.append(("chart", (figure_number, Markup(block.svg), block)))  # escaped by charts
            elif isinstance(block, Bullets):
                blocks.append(("bullets", block))
            else:
                blocks.append(("paragraph", block))
        sections.append((f"section-{number}", section.title, blocks))
    css = common_stylesheet() + "\n" + stylesheet("document.css") + "\n" + _status_css()
    if for_print:
        css += "\n" + stylesheet("print.css")
    return _ENVIRONMENT.get_template("document.html.j2").render(
        doc=doc, sections=sections, css=Markup(css), em_dash=EM_DASH, cannot_compute=CANNOT_COMPUTE,
        for_print=for_print)


def render_html(doc: Document) -> str:
    """The document as one self-contained, print-friendly HTML page."""
    return render_page(doc)
