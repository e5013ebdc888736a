"""Board documents as plain data: what a renderer (HTML, PDF, Word, Excel) lays out.

A builder (``performance.py``, ``kpis.py``, ``actions.py``, ``thematic.py``) turns the report
model and the package into a :class:`Document` (the performance report: from the report's view
model, ``reports/view.py``); the renderers (``render.py``) never compute a figure. Numbers stay
numbers in cells (Excel stores them as numbers); ``kind`` says how to show them
(``reports/formatting.figure``).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, replace
from typing import Literal

CellKind = Literal["text", "count", "percent", "change", "points", "number", "date"]
Status = Literal["green", "amber_green", "amber", "amber_red", "red", "complete"]


@dataclass(frozen=True)
class Cell:
    """One table cell. ``value`` is the raw figure (percent as 12.5, not 0.125); None shows a
    dash meaning "cannot be computed"; ``status`` colours the cell (RAG or action status)."""

    value: str | int | float | None
    kind: CellKind = "text"
    status: Status | None = None
    bold: bool = False
    flag: str | None = None  # e.g. "small numbers: interpret with caution"
    places: int | None = None  # a number always written to this many decimals (an average score)
    reason: str | None = None  # why a dash cannot be computed (shown with it where a format can)


@dataclass(frozen=True)
class Table:
    """A table with a header row; ``name`` is short and unique (an Excel sheet name, max 31)."""

    name: str
    title: str
    columns: list[str]
    rows: list[list[Cell]]
    footnotes: list[str] = field(default_factory=list)
    total_rows: int = 0  # how many rows at the end are totals (shown bold)
    flag_notes: dict[str, tuple[str, str]] = field(default_factory=dict)  # flag -> (mark, footnote)


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Bullets:
    items: list[str]
    title: str | None = None


@dataclass(frozen=True)
class Chart:
    """A chart as inline SVG (``iomhub.reports.charts``) with its text alternative and the
    table of its figures (Excel draws a native chart from it; Word shows the SVG as an image)."""

    title: str
    svg: str
    description: str
    data: Table


Block = Paragraph | Bullets | Table | Chart


@dataclass(frozen=True)
class Section:
    title: str
    blocks: list[Block]


@dataclass(frozen=True)
class Document:
    """A whole board paper: ``kind`` is performance, kpis, actions or thematic. The notes box
    comes after the first ``before_notes`` sections (the performance report's overview, which
    opens with what IOM changed), before the others."""

    kind: str
    title: str
    subtitle: str
    meta: list[tuple[str, str]]  # (label, value) shown under the title: period, generated, source
    sections: list[Section]
    notes: list[str] = field(default_factory=list)  # caveats shown in a box after the opening sections
    before_notes: int = 0

    @property
    def opening(self) -> list[Section]:
        """The sections shown before the notes box."""
        return self.sections[:self.before_notes]

    @property
    def rest(self) -> list[Section]:
        """The sections shown after the notes box."""
        return self.sections[self.before_notes:]

    def only(self, titles: Collection[str]) -> Document:
        """The document with only the sections whose titles are given (in the document's order);
        the notes (caveats) are kept, after the opening sections that are."""
        kept = sum(1 for section in self.opening if section.title in titles)
        return replace(self, sections=[section for section in self.sections if section.title in titles],
                       before_notes=kept)

    def tables(self) -> list[Table]:
        """Every table, including the data of charts, in order (one Excel sheet each)."""
        found: list[Table] = []
        for section in self.sections:
            for block in section.blocks:
                if isinstance(block, Table):
                    found.append(block)
                elif isinstance(block, Chart):
                    found.append(block.data)
        return found
