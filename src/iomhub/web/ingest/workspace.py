"""What the mapping page shows for an upload, all read from its files by the package's own code:
the files with their headers (``suggest.read_every_file``, which reads any file whatever its
name), each code column's spellings with their counts and the code each reads as
(``suggest.spellings_of``, guessing as ``iomhub mapping suggest`` does), the problems of the
package read with the mapping (``read_package``), and what an import would change
(``exchange.preview_import``). Nothing here is written twice: the page and the command share it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from iomhub.package import Package, PackageError, Problem, read_package
from iomhub.package.dates import EXCEL
from iomhub.package.load import read_mapped
from iomhub.package.mapping import Mapping
from iomhub.package.schema import TABLES, Kind
from iomhub.package.sources import LINE, table_named
from iomhub.package.suggest import (
    DATE_FORMATS,
    ReadFile,
    Spelling,
    match_columns,
    read_every_file,
    spellings_of,
    suggest,
)
from iomhub.web.exchange import TableCounts, preview_import

LABEL = "the mapping"  # how problems name the mapping built on the page
SHOWN_SPELLINGS = 100  # per code column; more are left to package.toml


@dataclass
class FileInfo:
    """A file (or sheet) of the upload: its headers as written, rows, and whether it could be read."""

    name: str
    headers: list[str]
    rows: int
    encoding: str | None = None  # read as this because it is not UTF-8
    problem: str = ""
    named_for: str | None = None  # the table its name is, if any (``cohort.csv``)
    read: ReadFile | None = field(default=None, repr=False)

    def columns_for(self, table: str) -> dict[str, str]:
        """Its headers matched to the columns of ``table``, as ``iomhub mapping suggest`` would."""
        return match_columns(self.read, table) if self.read is not None else {}


@dataclass
class CodeColumn:
    table: str
    column: str
    header: str
    allowed: tuple[str, ...]
    spellings: list[Spelling]
    hidden: int = 0  # spellings beyond SHOWN_SPELLINGS


@dataclass
class Preview:
    """The package read with the mapping: its problems, or what importing it would change."""

    problems: list[Problem] = field(default_factory=list)
    total: int = 0
    warnings: list[str] = field(default_factory=list)
    counts: dict[str, TableCounts] = field(default_factory=dict)
    package: Package | None = None

    SHOWN = 200

    @property
    def lines(self) -> list[str]:
        """The problems as the page shows them: a problem of the mapping by its key (the page has
        no lines), a problem of a file by its file, line and header, as the files write them."""
        return [f"{p.column}: {p.message}" if p.file == LABEL and p.column else str(p)
                for p in self.problems[:self.SHOWN]]

    @property
    def hidden(self) -> int:
        return max(0, self.total - min(len(self.problems), self.SHOWN))


def files_of(path: Path) -> list[FileInfo]:
    """Every file or sheet of the upload; raises ``PackageError`` if it cannot be read at all."""
    sheets = path.suffix.lower() in (".xlsx", ".xlsm")
    out = []
    for read in read_every_file(path):
        headers = [] if read.table is None else [read.table.titles.get(c, c) for c in read.table.frame.columns
                                                 if c != LINE]
        out.append(FileInfo(read.name, headers, 0 if read.table is None else read.table.frame.height,
                            read.encoding, read.problem, table_named(read.name, sheet=sheets), read))
    return out


def suggested(path: Path) -> Mapping:
    """The starting mapping of ``iomhub mapping suggest`` (files, headers, date forms); empty if
    the files cannot be read. Its guessed codes are left out: the page guesses them again, shows
    them as guesses and keeps them once the user saves the page."""
    try:
        found = suggest(path).mapping
    except PackageError:
        return Mapping()
    return Mapping(found.files, found.columns, {}, found.dates, label=LABEL)


def adapted(saved: Mapping, start: Mapping, files: list[FileInfo]) -> Mapping:
    """A saved mapping for this month's files: a table whose file it names is not among them
    (the extract's name carries its date) is read from the file the suggestion found for it."""
    names = {f.name.strip().lower() for f in files}
    moved = {table: start.files[table] for table, source in saved.files.items()
             if source.file.strip().lower() not in names and table in start.files}
    if not moved:
        return saved
    return Mapping({**saved.files, **moved}, saved.columns, saved.codes, saved.dates, label=LABEL)


def code_columns(path: Path, mapping: Mapping) -> list[CodeColumn]:
    """Each code column the mapped files hold, with its spellings as the files write them."""
    try:
        source = read_mapped(path, mapping)
    except PackageError:
        return []
    out = []
    for table in TABLES:
        raw = source.raw.tables.get(table)
        if raw is None:
            continue
        for column in TABLES[table].columns:
            if column.kind is not Kind.CODE or column.name not in raw.frame.columns:
                continue
            allowed = column.codes(source.extra_codes.get(column.name, ()))
            if allowed is None:
                continue
            spellings = spellings_of(raw.frame.get_column(column.name), column, mapping.spellings(table, column.name),
                                     source.extra_codes.get(column.name, ()), guess=True)
            if all(s.how == "canonical" for s in spellings):
                continue
            out.append(CodeColumn(table, column.name, raw.titles.get(column.name, column.name), tuple(allowed),
                                  spellings[:SHOWN_SPELLINGS], max(0, len(spellings) - SHOWN_SPELLINGS)))
    return out


def preview(path: Path, mapping: Mapping) -> Preview:
    """Every problem of the package read with ``mapping`` (in the files' own names and headers),
    or, when there is none, what importing it would change table by table."""
    if mapping.problems:
        return Preview(list(mapping.problems), len(mapping.problems))
    try:
        package = read_package(path, mapping)
        counts = preview_import(package)
    except PackageError as error:
        return Preview(error.problems, error.total)
    return Preview(warnings=package.warnings, counts=counts, package=package)


def date_choices() -> list[tuple[str, str]]:
    """The date forms a mapping may declare, each with 1 April 2015 written in it."""
    day = date(2015, 4, 1)
    return [(fmt, "Excel serial numbers (42095)" if fmt == EXCEL else f"{fmt} ({day.strftime(fmt)})")
            for fmt in DATE_FORMATS]
