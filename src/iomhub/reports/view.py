"""The report view model: the performance report as every format shows it.

Built once from a :class:`~iomhub.reports.model.Report` by :func:`iomhub.reports.sections.build_view`
(one module per section in ``reports/sections/``) and laid out, never recomputed, by the HTML
page and the web dashboard (``reports/html_renderer.py``) and the board document in HTML, PDF,
Word and Excel (``reports/documents/performance.py``). Every figure, word, caption and footnote
is decided here; a renderer only chooses markup. A cell keeps its figure unrounded with its
``kind`` (how to write it: ``reports/formatting.py``), so a spreadsheet stores a number and every
other format writes it the same way.

Two layouts are the formats' own, and follow from the cells, not from the table:

- a cell of kind ``interval`` (a 95% interval in a column of its own) is one cell "−20.1% to
  −4.0%" on a page and two numeric cells ("from", "to") in a document, so that Excel keeps
  numbers;
- a column whose cells carry ``bounds`` (a figure with its interval) shows "80.3% (74.6% to
  85.5%)" on a page, and the figure then its interval as a text column beside it in a document.

Groups of rows (``Group``) are headed rows on a page and a leading column (``group_heading``)
in a document. A :class:`Note` marks cells (small numbers, a RAG set by hand) and is the
table's footnote.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from iomhub.reports.formatting import CANNOT_COMPUTE

Kind = Literal["text", "count", "percent", "change", "points", "number", "decimal", "pounds", "rag", "interval"]


@dataclass(frozen=True)
class Note:
    """A footnote that cells point to. ``flag`` is the words beside a marked cell ("small numbers:
    interpret with caution"), ``text`` the footnote, ``mark`` its sign (``*``, ``†``, ``‡``).
    A ``small`` note marks a group of fewer people than the small-numbers threshold."""

    id: str
    mark: str
    flag: str
    text: str
    small: bool = False


@dataclass(frozen=True)
class Cell:
    """One figure or word. ``value`` is unrounded (a percentage as 12.5), None when it cannot be
    computed (``reason`` says why), or a withheld figure (NaN, shown ``[c]``); for an ``interval``
    it is ``(low, high)`` and ``of`` is the kind of its bounds; ``places`` the decimals of a
    ``decimal``; ``bounds`` the 95% interval of a figure, shown with it; ``status`` the RAG code of
    a ``rag`` cell."""

    value: Any
    kind: Kind = "text"
    reason: str = CANNOT_COMPUTE
    of: Kind = "change"
    places: int = 2
    bounds: tuple[float | None, float | None] | None = None
    note: Note | None = None


@dataclass(frozen=True)
class Column:
    """A column heading; ``numeric`` columns are right-aligned."""

    heading: str
    numeric: bool = True


@dataclass(frozen=True)
class Row:
    """A row: its first cell is its heading. ``total``: a total of the rows above (bold);
    ``tone`` a class of the page (a risk tier's colour)."""

    cells: list[Cell]
    total: bool = False
    tone: str = ""


@dataclass(frozen=True)
class Group:
    """Rows under an optional heading (one scheme of the caseload)."""

    rows: list[Row]
    heading: str | None = None


@dataclass(frozen=True)
class Table:
    """A table: ``id`` unique in the report (the JSON table it shows, when it shows one),
    ``title`` short (at most 31 characters: a sheet name), ``caption`` as shown above it."""

    id: str
    title: str
    caption: str
    columns: list[Column]
    groups: list[Group]
    notes: list[Note] = field(default_factory=list)
    footnotes: list[tuple[str, str]] = field(default_factory=list)  # (id, text)
    group_heading: str | None = None
    empty_text: str = "There is nothing to show for this period."

    @property
    def rows(self) -> list[Row]:
        return [row for group in self.groups for row in group.rows]


@dataclass(frozen=True)
class Chart:
    """A chart (inline SVG from ``reports/charts.py``, already escaped), its text alternative,
    and the table of its figures (an Excel sheet with a native chart)."""

    id: str
    title: str
    svg: str
    description: str
    data: Table


@dataclass
class Section:
    """A section: heading, paragraphs, charts, tables, then its subsections (level 3)."""

    key: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    subsections: list[Section] = field(default_factory=list)
    level: int = 2


@dataclass(frozen=True)
class ReportView:
    """The whole report as shown: title, the facts under it, the notes box, and the sections in
    the order they are shown; the first ``before_notes`` of them (the opening: what IOM changed)
    come before the notes box, the others after it."""

    title: str
    subtitle: str
    facts: list[tuple[str, str]]
    notes: list[str]
    sections: list[Section]
    threshold: int
    generated_iso: str
    before_notes: int = 0

    @property
    def opening(self) -> list[Section]:
        """The sections shown before the notes box (the others follow it)."""
        return self.sections[:self.before_notes]
