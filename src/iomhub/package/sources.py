"""Reading a package's files, whatever they arrive as, into raw tables of text.

A package is a folder of CSV files (or of Parquet files, ``TABLE.parquet``), a ``.zip`` of a
folder of CSV files, or an ``.xlsx`` workbook with one sheet per table. Every cell is read as
text (trimmed; empty means missing) with the line it came from, so that validation can name
``file:line`` for each problem; a Parquet column of dates, booleans or numbers keeps its type.

A zip (and an ``.xlsx``, which is a zip of XML) is read by streaming each member in chunks and
counting what it really expands to, never trusting the sizes it declares, within
:data:`LIMITS`: the number of members, the total uncompressed size, and the ratio of a member's
uncompressed to compressed size (checked once it has expanded past ``ratio_floor_bytes``, so
that small, very regular files pass). A package over a limit is refused with a problem that
names the limit, as soon as it is crossed: a 1.3 MB zip holding a 1.2 GiB CSV is refused after
reading about a hundred times 1.3 MB, not after reading 1.2 GiB.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path, PurePosixPath
from typing import Any

import polars as pl

from iomhub.package.formulas import unquoted
from iomhub.package.problems import Problem
from iomhub.package.schema import TABLES
from iomhub.package.text import as_utf8, detect_delimiter, not_utf8_message

LINE = "__line"
CHUNK_BYTES = 64 * 1024  # zipfile reads as many compressed bytes as it is asked for: keep it small


@dataclass(frozen=True)
class Limits:
    """How much a zip or xlsx package may expand (see the module's docstring).

    A real package is far inside them: 20,000 synthetic nominals (190,000 rows) are 8 MB of CSV,
    each table compressing 2 to 8 times."""

    members: int = 1000
    total_bytes: int = 1024**3
    ratio: int = 100
    ratio_floor_bytes: int = 16 * 1024**2


LIMITS = Limits()


class OverLimit(Exception):
    """A zip or xlsx goes over one of the :class:`Limits`; the message names which."""


def _size(number: int) -> str:
    for unit, scale in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if number >= scale:
            return f"{number / scale:.1f} {unit}".replace(".0 ", " ")
    return f"{number} bytes"


class _CountingFile(io.RawIOBase):
    """A file that counts the bytes read from it: how much compressed data a member has used."""

    def __init__(self, path: Path) -> None:
        self._file = path.open("rb")
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self._file.read(size)
        self.read_bytes += len(data)
        return data

    def readinto(self, buffer: Any) -> int:
        count = self._file.readinto(buffer)
        self.read_bytes += count
        return count

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._file.seek(offset, whence)

    def tell(self) -> int:
        return self._file.tell()

    def close(self) -> None:
        self._file.close()
        super().close()


@dataclass
class _Budget:
    """The uncompressed bytes read so far from one archive, and the file it is read through."""

    limits: Limits
    source: _CountingFile | None = None
    used: int = 0


def _open_zip(path: Path) -> tuple[zipfile.ZipFile, _CountingFile]:
    counting = _CountingFile(path)
    try:
        return zipfile.ZipFile(counting), counting
    except BaseException:
        counting.close()
        raise


def _stream_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, budget: _Budget,
                   keep: bool = True) -> bytes:
    """The member's bytes (or only its size counted, ``keep`` False), read a chunk at a time and
    refused with :class:`OverLimit` the moment a limit is crossed.

    The ratio is what the member has expanded to so far over the compressed bytes read for it so
    far (through the archive's counting file), so a bomb is refused soon after the floor, whatever
    its size; without a counting file, over its compressed size (which zipfile never reads past)."""
    limits = budget.limits
    chunks: list[bytes] = []
    expanded = 0
    with archive.open(member) as stream:
        start = budget.source.read_bytes if budget.source else 0
        while chunk := stream.read(CHUNK_BYTES):
            expanded += len(chunk)
            budget.used += len(chunk)
            compressed = budget.source.read_bytes - start if budget.source else member.compress_size
            if expanded > limits.ratio_floor_bytes and expanded > limits.ratio * max(compressed, 1):
                raise OverLimit(f"refused: it expands more than {limits.ratio} times its compressed size, the "
                                "limit for a file in a package (a zip bomb?)")
            if budget.used > limits.total_bytes:
                raise OverLimit(f"refused: the package expands to more than {_size(limits.total_bytes)}, the limit "
                                "for a package's uncompressed size")
            if keep:
                chunks.append(chunk)
    return b"".join(chunks)


def _check_members(archive: zipfile.ZipFile, limits: Limits) -> None:
    """Refuse an archive with too many members, or declaring more than the total size."""
    members = archive.infolist()
    if len(members) > limits.members:
        raise OverLimit(f"refused: it holds {len(members):,} files, more than the limit of {limits.members:,} "
                        "for a package")
    declared = sum(member.file_size for member in members)
    if declared > limits.total_bytes:
        raise OverLimit(f"refused: its files declare {_size(declared)} uncompressed, more than the limit of "
                        f"{_size(limits.total_bytes)} for a package")


@dataclass
class RawTable:
    """A table as read: text cells, header names normalised, and the source line of each row."""

    name: str
    file: str
    frame: pl.DataFrame  # string columns + LINE (Int64)
    header: list[str]
    titles: dict[str, str] = field(default_factory=dict)  # a column's name -> its header as written
    # The codes a mapping gives the spellings of a code column (column -> normalised spelling ->
    # code): validation reads them when it types each distinct cell, so no cell is rewritten.
    spellings: dict[str, dict[str, str]] = field(default_factory=dict)
    # Text columns of ``frame`` whose cells are still as the file writes them, not yet tidied
    # (``tidy_cells``): validation tidies them as it types them, a column typed by its distinct
    # values tidying only those (``read_source(..., trim_later=True)``). Blank rows are gone.
    untrimmed: tuple[str, ...] = ()
    apostrophes: bool = True  # whether a cell may begin with a formula apostrophe (the file has one)


@dataclass(frozen=True)
class ReadAs:
    """How to read one file: the table it holds, its encoding and separator (None: by the rule
    of ``iomhub.package.text``)."""

    table: str
    encoding: str | None = None
    delimiter: str | None = None


@dataclass
class RawPackage:
    source: str
    tables: dict[str, RawTable] = field(default_factory=dict)
    toml_text: str | None = None
    toml_file: str = "package.toml"
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    readable: bool = True  # False when the package itself (not one of its files) cannot be read
    trim_later: bool = False  # leave CSV files' text cells untidied for validation (RawTable.untrimmed)
    unread: set[str] = field(default_factory=set)  # tables whose file is there but could not be read
    names: list[str] = field(default_factory=list)  # every file (or sheet) of the package, as named
    # Files a mapping names (by folded name, see ``fold``): how to read each, or None to ignore it.
    # A file not listed here is read as the table it is named after, if any.
    mapped: dict[str, ReadAs | None] = field(default_factory=dict)


Resolve = Callable[[RawPackage], None]  # sets ``mapped`` once ``names`` and ``toml_text`` are known


def fold(name: str) -> str:
    """A file or sheet name as a mapping matches it: trimmed, case-insensitive."""
    return name.strip().lower()


def _read_as(raw: RawPackage, name: str, default: str | None) -> ReadAs | None:
    if fold(name) in raw.mapped:
        return raw.mapped[fold(name)]
    return None if default is None else ReadAs(default)


def _no_mapping(raw: RawPackage) -> None:
    """Every file is read as the table it is named after."""


def normalise_header(name: str) -> str:
    return name.strip().lstrip("\ufeff").strip().lower().replace(" ", "_")


def read_source(path: Path, resolve: Resolve | None = None, limits: Limits = LIMITS,
                trim_later: bool = False) -> RawPackage:
    """Read a folder, ``.zip`` or ``.xlsx`` into raw tables; problems are collected, never raised.

    ``resolve`` is called once the package's file names and package.toml are known, before any
    table is read, to say which files hold which tables (a mapping, ``iomhub.package.mapping``).
    A zip or xlsx is read within ``limits``. ``trim_later``: a CSV file's text cells are left as
    written, for validation to tidy (``RawTable.untrimmed``).
    """
    raw = RawPackage(source=str(path), trim_later=trim_later)
    resolve = resolve or _no_mapping
    if not path.exists():
        raw.problems.append(Problem(str(path), 0, "", "no such file or folder"))
        raw.readable = False
    elif path.is_dir():
        _read_folder(path, raw, resolve)
    elif path.suffix.lower() == ".zip":
        _read_zip(path, raw, resolve, limits)
    elif path.suffix.lower() in (".xlsx", ".xlsm"):
        _read_xlsx(path, raw, resolve, limits)
    elif path.suffix.lower() == ".csv":
        raw.problems.append(Problem(
            path.name, 0, "", "a package is a folder, .zip or .xlsx holding nominals.csv and "
            "cohort.csv, not a single CSV file"))
        raw.readable = False
    else:
        raw.problems.append(Problem(path.name, 0, "", "not a package: expected a folder, a .zip or an .xlsx"))
        raw.readable = False
    return raw


def table_named(name: str, *, sheet: bool = False, parquet: bool = False) -> str | None:
    """The table a file (``cohort.csv``, or ``cohort.parquet`` in a folder: ``parquet``) or a
    workbook's sheet (``Cohort``) is named after."""
    if sheet:
        table = name.strip().lower().replace(" ", "_")
        return table if table in TABLES else None
    path = PurePosixPath(name)
    stem = path.stem.strip().lower()
    suffixes = (".csv", ".parquet") if parquet else (".csv",)
    return stem if path.suffix.lower() in suffixes and stem in TABLES else None


def _read_folder(folder: Path, raw: RawPackage, resolve: Resolve) -> None:
    entries = [entry for entry in sorted(folder.iterdir()) if entry.is_file()]
    raw.names = [entry.name for entry in entries if not entry.name.startswith(".")]
    for entry in entries:
        if entry.name.lower() == "package.toml":
            raw.toml_text = _decode(_read_bytes(entry, raw), entry.name, raw)
            raw.toml_file = entry.name
    resolve(raw)
    files: list[tuple[ReadAs, Path]] = []
    parquet: list[tuple[ReadAs, Path]] = []
    for entry in entries:
        suffix = entry.suffix.lower()
        rule = _read_as(raw, entry.name, table_named(entry.name, parquet=True))
        if rule is not None:
            (parquet if suffix == ".parquet" else files).append((rule, entry))
        elif suffix in (".csv", ".parquet") and fold(entry.name) not in raw.mapped:
            raw.warnings.append(f"{entry.name}: not a table of the package; ignored")
    _add_csvs(raw, files)
    for rule, entry in parquet:
        if rule.table in raw.tables:
            raw.problems.append(Problem(entry.name, 0, "", f"a second {rule.table} table (already read from "
                                        f"{raw.tables[rule.table].file})"))
            continue
        table = parse_parquet(entry, rule.table, entry.name, raw.problems)
        if table is None:
            raw.unread.add(rule.table)
        else:
            raw.tables[rule.table] = table


def _add_csvs(raw: RawPackage, files: list[tuple[ReadAs, Path]]) -> None:
    """Read and parse the files in parallel threads, the largest first (reading a file and
    Polars' parsing release the lock, so one file is read while another is parsed), then add
    them in order: every file's problem of reading first, in order, as if every file were read
    before any was parsed. The first file of each table is parsed in the threads; a later one
    (a second file for the same table) is added as ``_add_csv`` adds it."""
    tables = [rule.table for rule, _ in files]
    firsts = {i for i, table in enumerate(tables) if table not in tables[:i]}

    def read_and_parse(i: int) -> tuple[bytes | None, Problem | None, _Parsed | None]:
        rule, path = files[i]
        data, problem = _read_file(path)
        if i not in firsts:
            return data, problem, None
        problems: list[Problem] = []
        warnings: list[str] = []
        return None, problem, (_parse_file(rule, path.name, data, problems, warnings, raw.trim_later),
                               problems, warnings)

    # the largest files first, so that no thread is left parsing a large file alone at the end
    order = sorted(range(len(files)), key=lambda i: -_size_of(files[i][1]))
    with ThreadPoolExecutor(max_workers=PARSE_THREADS) as pool:
        done = dict(zip(order, pool.map(read_and_parse, order), strict=True))
    results = [done[i] for i in range(len(files))]
    raw.problems.extend(problem for _, problem, _ in results if problem is not None)
    for (rule, path), (data, _, parsed) in zip(files, results, strict=True):
        if rule.table in raw.tables or parsed is None:
            _add_csv(raw, rule, path.name, data)
            continue
        table, problems, warnings = parsed
        raw.problems.extend(problems)
        raw.warnings.extend(warnings)
        if table is None:
            raw.unread.add(rule.table)
        else:
            raw.tables[rule.table] = table


_Parsed = tuple[RawTable | None, list[Problem], list[str]]


def _parse_file(rule: ReadAs, label: str, data: bytes | None, problems: list[Problem],
                warnings: list[str], trim_later: bool = False) -> RawTable | None:
    """A file's bytes, decoded by the rule of ``iomhub.package.text``, parsed as CSV."""
    text = None if data is None else as_utf8(data, rule.encoding, label, problems, warnings)
    if text is None:
        return None
    return parse_csv_text(text, rule.table, label, problems, delimiter=rule.delimiter, trim_later=trim_later)


def _read_bytes(path: Path, raw: RawPackage) -> bytes | None:
    data, problem = _read_file(path)
    if problem is not None:
        raw.problems.append(problem)
    return data


def _size_of(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:  # reading it says why
        return 0


def _read_file(path: Path) -> tuple[bytes | None, Problem | None]:
    """A file's bytes, or the problem saying why it cannot be read."""
    try:
        return path.read_bytes(), None
    except OSError as error:
        return None, Problem(path.name, 0, "", f"cannot be read: {error.strerror}")


def _read_zip(path: Path, raw: RawPackage, resolve: Resolve, limits: Limits) -> None:  # noqa: C901
    try:
        archive, counting = _open_zip(path)
    except Exception as error:  # a damaged zip raises BadZipFile, NotImplementedError, ValueError...
        raw.problems.append(Problem(path.name, 0, "", f"not a readable zip file ({error})"))
        raw.readable = False
        return
    with archive, counting:
        try:
            _check_members(archive, limits)
        except OverLimit as error:
            raw.problems.append(Problem(path.name, 0, "", str(error)))
            raw.readable = False
            return
        budget = _Budget(limits, counting)
        members = [m for m in archive.infolist() if m.filename and not m.is_dir()
                   and not PurePosixPath(m.filename).name.startswith((".", "__MACOSX"))
                   and "__MACOSX" not in m.filename]
        raw.names = [PurePosixPath(m.filename).name for m in members]
        # package.toml first: it may say which of the other files hold which tables
        members.sort(key=lambda m: PurePosixPath(m.filename).name.lower() != "package.toml")
        resolved = False
        for member in members:
            inner = PurePosixPath(member.filename)
            label = f"{path.name}/{member.filename}"
            is_toml = inner.name.lower() == "package.toml"
            if not is_toml and not resolved:
                resolve(raw)
                resolved = True
            rule = None if is_toml else _read_as(raw, inner.name, table_named(inner.name))
            is_csv = rule is not None
            if not (is_csv or is_toml):
                if inner.suffix.lower() == ".csv" and fold(inner.name) not in raw.mapped:
                    raw.warnings.append(f"{label}: not a table of the package; ignored")
                continue
            if len(inner.parts) > 2:
                raw.warnings.append(f"{label}: nested too deep (a package zip holds the tables "
                                    "at its top or in one folder); ignored")
                continue
            try:
                data = _stream_member(archive, member, budget)
            except OverLimit as error:
                raw.problems.append(Problem(label, 0, "", str(error)))
                raw.readable = False
                raw.tables.clear()
                return
            except Exception as error:  # damaged data: BadZipFile, zlib.error, EOFError, NotImplementedError...
                raw.problems.append(Problem(label, 0, "", f"cannot be unpacked ({error})"))
                if rule is not None:
                    raw.unread.add(rule.table)
                continue
            if rule is None:  # package.toml
                raw.toml_text = _decode(data, label, raw)
                raw.toml_file = label
                continue
            _add_csv(raw, rule, label, data)
        if not resolved:
            resolve(raw)


PARSE_THREADS = 2
BOM = "\ufeff".encode()
NOT_BLANK = re.compile(rb"\S")


def _decode(data: bytes | None, label: str, raw: RawPackage) -> str | None:
    if data is None:
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raw.problems.append(Problem(label, line, "", not_utf8_message(data, error.start)))
        return None


def _add_csv(raw: RawPackage, rule: ReadAs, label: str, data: bytes | None) -> None:
    if rule.table in raw.tables:
        raw.problems.append(Problem(label, 0, "", f"a second {rule.table} table (already read from "
                                    f"{raw.tables[rule.table].file})"))
        return
    table = _parse_file(rule, label, data, raw.problems, raw.warnings, raw.trim_later)
    if table is None:
        raw.unread.add(rule.table)
    else:
        raw.tables[rule.table] = table


def _not_utf8(data: bytes, label: str, problems: list[Problem], table: str) -> str | None:
    """The text of ``data``, or None after a problem naming the line that is not UTF-8."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        file = label.rsplit("/", 1)[-1]
        problems.append(Problem(label, line, "", not_utf8_message(data, error.start, table, file)))
        return None


def parse_csv_text(text: str | bytes, name: str, label: str, problems: list[Problem],
                   delimiter: str | None = None, trim_later: bool = False) -> RawTable | None:
    """Parse CSV (text, or bytes in UTF-8 with or without a BOM) into a raw table, or add
    problems and return None.

    The bytes are handed to Polars as they are (it checks they are UTF-8); Python decodes
    them only to find the line of a problem. The separator is ``delimiter``, or else found
    from the header line (``iomhub.package.text.detect_delimiter``). ``trim_later``: the
    text cells are left as written (``RawTable.untrimmed``).
    """
    data = text.encode("utf-8") if isinstance(text, str) else text
    if data.startswith(BOM):
        data = data[len(BOM):]
    if NOT_BLANK.search(data) is None:
        problems.append(Problem(label, 0, "", "is empty: a table needs a header row"))
        return None
    newline = data.find(b"\n")
    first_line = _not_utf8(data[: newline if newline >= 0 else len(data)], label, problems, name)
    if first_line is None:
        return None
    separator = delimiter or detect_delimiter(first_line)
    parsed = parse_header(first_line, label, problems, separator)
    if parsed is None:
        return None
    header, written = parsed
    # The fast path reads with Polars: row i is on line i + 2 (blank lines come back as empty
    # rows), unless a quoted cell spans lines, which the row count gives away.
    frame: pl.DataFrame | None = None
    try:
        frame = pl.read_csv(data, has_header=True, infer_schema=False, new_columns=header,
                            raise_if_empty=False, separator=separator)
    except pl.exceptions.PolarsError:
        frame = None
    if frame is not None:
        if not _rows_are_lines(data, frame.height):
            frame = None
        else:
            frame = frame.with_row_index(LINE, offset=2).with_columns(pl.col(LINE).cast(pl.Int64))
    if frame is None:
        decoded = _not_utf8(data, label, problems, name)
        if decoded is None:
            return None
        frame = _parse_with_csv_module(decoded, header, label, problems, separator)
        if frame is None:
            return None
    apostrophes = b"'" in data
    if trim_later:
        frame, untrimmed = _without_blank_rows(frame, header)
        return RawTable(name, label, frame, header, _titles(header, written), untrimmed=untrimmed,
                        apostrophes=apostrophes)
    return RawTable(name, label, _tidy(frame, header, apostrophes=apostrophes), header, _titles(header, written))


def _rows_are_lines(data: bytes, height: int) -> bool:
    """Whether the ``height`` rows Polars read from ``data`` are its lines after the header,
    one row a line (a blank line is an empty row), so that row i is on line i + 2.

    A quoted cell spanning lines gives fewer rows than lines, which counting the line feeds
    gives away. Without a double quote no cell can span lines, and without a carriage return
    every row ends at a line feed and nowhere else: the rows are the lines, and counting the
    line feeds (0.2 s for the 380 MB of a package of a million nominals) is not needed."""
    if b'"' not in data and b"\r" not in data:
        return True
    physical = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    return height == physical - 1


def parse_header(first_line: str, label: str, problems: list[Problem],
                 separator: str = ",") -> tuple[list[str], list[str]] | None:
    """A CSV header line's column names (normalised; a blank title becomes ``__unnamed_N``)
    and its titles as written; None, with the problem recorded, when it is not a header."""
    try:  # a stray carriage return or NUL in the header line is a CSV error, not a crash
        written = next(csv.reader([first_line], delimiter=separator), [])
        header = [normalise_header(title) for title in written]
    except csv.Error as error:
        problems.append(Problem(label, 1, "", f"is not valid CSV ({error})"))
        return None
    if not _check_header(header, label, problems):
        return None
    return [title or f"__unnamed_{index}" for index, title in enumerate(header)], written


def _titles(header: list[str], written: list[str]) -> dict[str, str]:
    """Each column's header as the file writes it (trimmed)."""
    return {name: title.strip().lstrip("\ufeff").strip() for name, title in zip(header, written, strict=False)}


# Parquet columns already of these types are validated as they are (a date is a date); any
# other type is read as its text, as a CSV cell would be.
TYPED_PARQUET = (pl.Date, pl.Boolean, pl.Float64, pl.Float32, pl.Int64, pl.Int32, pl.Int16, pl.Int8,
                 pl.UInt64, pl.UInt32, pl.UInt16, pl.UInt8)


def parse_parquet(path: Path, name: str, label: str, problems: list[Problem]) -> RawTable | None:
    """Read a table from a Parquet file, or add a problem and return None.

    A Parquet table has no lines; its rows are numbered as the lines of the same table written
    as CSV would be (the header is line 1, the first row line 2), so a problem names the same
    place in a package and in its conversion. Text cells are trimmed as in a CSV; date, boolean
    and number columns keep their type (only their range is checked); a datetime at midnight
    is a date.
    """
    try:
        frame = pl.read_parquet(path)
    except (pl.exceptions.PolarsError, OSError) as error:
        problems.append(Problem(label, 0, "", f"is not a readable Parquet file ({error})"))
        return None
    columns = parquet_columns(frame.schema, label, problems)
    if columns is None:
        return None
    header = [column for _, column, _ in columns]
    cells: list[pl.Expr] = []
    for original, column, how in columns:
        cell = pl.col(original)
        if how == "datetime":
            midnight = (cell.dt.time() == pl.time(0)).all()
            cell = pl.when(midnight).then(cell.dt.date().cast(pl.String)).otherwise(cell.cast(pl.String))
        elif how == "text":
            cell = cell.cast(pl.String)
        cells.append(cell.alias(column))
    typed = frame.select(cells).with_row_index(LINE, offset=2).with_columns(pl.col(LINE).cast(pl.Int64))
    return RawTable(name, label, _tidy(typed, header), header,
                    {column: original.strip() for original, column, _ in columns})


def parquet_columns(schema: pl.Schema, label: str, problems: list[Problem]) -> list[tuple[str, str, str]] | None:
    """Each column of a Parquet file as (name in the file, normalised name, how it is read:
    ``keep`` its type, as ``text``, or a ``datetime`` read as a date when all at midnight), or
    None after a problem (a name twice, a column of lists or records)."""
    header = [normalise_header(column) for column in schema]
    if not _check_header(header, label, problems):
        return None
    out = []
    for (original, dtype), column in zip(schema.items(), header, strict=True):
        if isinstance(dtype, pl.List | pl.Array | pl.Struct | pl.Object):
            problems.append(Problem(label, 1, column, f"holds {dtype} values, not single values"))
            return None
        how = "datetime" if isinstance(dtype, pl.Datetime) else "keep" if dtype in TYPED_PARQUET else "text"
        out.append((original, column, how))
    return out


RESERVED = "__"  # titles iomhub keeps for its own columns (``LINE``, ``__unnamed_N``)


def _unusable_title(column: str) -> str | None:
    """Why a header title cannot name a column, or None. ``*`` and ``^...$`` are what Polars
    reads as every column and as a pattern, and a title beginning with ``__`` would clash
    with iomhub's own columns (the line numbers, ``__line``): a fuzz test found each crash."""
    if column.startswith(RESERVED):
        return f"may not begin with {RESERVED!r}: iomhub names its own columns so"
    if column == "*" or (column.startswith("^") and column.endswith("$")):
        return "may not be '*' or begin with '^' and end with '$' (a pattern to the tables' engine)"
    return None


def _check_header(header: list[str], label: str, problems: list[Problem]) -> bool:
    """Every title once, and each usable as a column's name (:func:`_unusable_title`)."""
    seen: set[str] = set()
    ok = True
    for position, column in enumerate(header, start=1):
        if not column:
            continue
        unusable = _unusable_title(column)
        if unusable is not None:
            problems.append(Problem(label, 1, column, f"a column title {unusable} (position {position}); "
                                    "rename it"))
            ok = False
        if column in seen:
            problems.append(Problem(label, 1, column, f"the header names column {column!r} "
                                    f"twice (again in position {position})"))
            ok = False
        seen.add(column)
    return ok


def _parse_with_csv_module(text: str, header: list[str], label: str,
                           problems: list[Problem], separator: str = ",") -> pl.DataFrame | None:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    width = len(header)
    rows: list[list[str]] = []
    lines: list[int] = []
    bad = False
    try:
        next(reader)
        start = reader.line_num + 1
        for record in reader:
            if not any(cell.strip() for cell in record):
                start = reader.line_num + 1
                continue
            if len(record) > width and any(cell.strip() for cell in record[width:]):
                problems.append(Problem(label, start, "", f"has {len(record)} cells but the "
                                        f"header has {width} columns"))
                bad = True
            record = (record + [""] * width)[:width]
            rows.append(record)
            lines.append(start)
            start = reader.line_num + 1
    except csv.Error as error:
        problems.append(Problem(label, reader.line_num, "", f"is not valid CSV ({error})"))
        return None
    if bad:
        return None
    columns = {name: [r[i] for r in rows] for i, name in enumerate(header)}
    return pl.DataFrame(columns, schema=dict.fromkeys(header, pl.String)).with_columns(
        pl.Series(LINE, lines, dtype=pl.Int64))


def _tidy(frame: pl.DataFrame, header: list[str], apostrophes: bool = True) -> pl.DataFrame:
    """Trim cells, make empty cells missing, drop blank rows and unnamed columns (a typed
    column of a Parquet file is kept as it is); see ``tidy_cells``."""
    named = _named(header)
    text = [h for h in named if frame.schema[h] == pl.String]
    lazy = tidy_cells(frame.lazy().select(*named, pl.col(LINE)), text, apostrophes)
    if named:
        lazy = lazy.filter(~pl.all_horizontal(pl.col(named).is_null()))
    return lazy.collect()


def _named(header: list[str]) -> list[str]:
    return [h for h in dict.fromkeys(header) if h and not h.startswith("__unnamed_")]


def tidy_cells(lazy: pl.LazyFrame, text: list[str], apostrophes: bool = True) -> pl.LazyFrame:
    """The text columns ``text`` tidied: a cell loses its surrounding spaces, then the apostrophe
    that kept a formula-like text from running in a spreadsheet (``iomhub.package.formulas``);
    a cell of nothing but spaces is missing.

    Each step is its own pass over the columns, so that no step is computed twice; the
    apostrophes are looked for only in the columns where some cell begins with one (matching
    the pattern in every cell of every column was a third of the time), and not at all when
    ``apostrophes`` is False (a CSV file without a single apostrophe in its bytes).
    """
    if not text:
        return lazy
    stripped = lazy.with_columns(pl.col(text).str.strip_chars())
    if apostrophes:
        found = stripped.collect()
        begins = found.select(pl.col(text).str.starts_with("'").any()).row(0)
        quoted = [h for h, yes in zip(text, begins, strict=True) if yes]
        stripped = found.lazy().with_columns(unquoted(pl.col(h)).alias(h) for h in quoted)
    return stripped.with_columns(pl.when(pl.col(h).str.len_bytes() > 0).then(pl.col(h)).alias(h) for h in text)


def tidy_value(cell: pl.Expr) -> pl.Expr:
    """A text cell tidied as ``tidy_cells`` tidies its column, cell by cell (for a column's
    distinct values: the apostrophe is looked for in every one)."""
    trimmed = unquoted(cell.str.strip_chars())
    return pl.when(trimmed.str.len_bytes() > 0).then(trimmed)


def _without_blank_rows(frame: pl.DataFrame, header: list[str]) -> tuple[pl.DataFrame, tuple[str, ...]]:
    """The named columns of a frame of text as read, without the rows ``_tidy`` finds blank (every
    cell missing or spaces), and its text columns (all of them, untidied).

    A blank row's first text cell is missing or begins with a space: only the rows where it
    does (seldom any) are tidied to see whether they are blank, not the whole frame."""
    named = _named(header)
    text = tuple(h for h in named if frame.schema[h] == pl.String)
    frame = frame.select(*named, pl.col(LINE))
    if not text:
        return frame, text
    first = pl.col(text[0])
    maybe = frame.filter(first.is_null() | first.str.contains(r"^\s"))
    if maybe.height:
        blank = (tidy_cells(maybe.lazy(), list(text), apostrophes=False)
                 .filter(pl.all_horizontal(pl.col(named).is_null())).collect().get_column(LINE))
        if blank.len():
            frame = frame.filter(~pl.col(LINE).is_in(blank.implode()))
    return frame, text


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _check_xlsx(path: Path, limits: Limits) -> Problem | None:
    """An .xlsx is a zip of XML: stream every member once, counting only, within ``limits``,
    before the workbook reader (which expands whole sheets) is let near it. The problem of a
    limit crossed, naming the part; a file that is not a zip is left for the reader to refuse."""
    try:
        archive, counting = _open_zip(path)
    except Exception:
        return None
    with archive, counting:
        try:
            _check_members(archive, limits)
        except OverLimit as error:
            return Problem(path.name, 0, "", str(error))
        budget = _Budget(limits, counting)
        for member in archive.infolist():
            try:
                _stream_member(archive, member, budget, keep=False)
            except OverLimit as error:
                return Problem(f"{path.name}[{member.filename}]", 0, "", str(error))
            except Exception:  # damaged data: the workbook reader names it
                return None
    return None


def _read_xlsx(path: Path, raw: RawPackage, resolve: Resolve, limits: Limits) -> None:
    from python_calamine import CalamineWorkbook

    over = _check_xlsx(path, limits)
    if over is not None:
        raw.problems.append(over)
        raw.readable = False
        return
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        names = list(workbook.sheet_names)
    except Exception as error:  # calamine raises its own exception types for damaged files
        raw.problems.append(Problem(path.name, 0, "", f"not a readable Excel workbook ({error})"))
        raw.readable = False
        return
    raw.names = names
    resolve(raw)
    for sheet_name in names:
        label = f"{path.name}[{sheet_name}]"
        if sheet_name.strip().lower() in ("package", "package.toml"):
            continue
        rule = _read_as(raw, sheet_name, table_named(sheet_name, sheet=True))
        if rule is None:
            if fold(sheet_name) not in raw.mapped:
                raw.warnings.append(f"{label}: sheet is not a table of the package; ignored")
            continue
        name = rule.table
        try:
            rows = workbook.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
        except Exception as error:
            raw.problems.append(Problem(label, 0, "", f"cannot be read ({error})"))
            raw.unread.add(name)
            continue
        if not rows:
            raw.problems.append(Problem(label, 0, "", "is empty: a table needs a header row"))
            raw.unread.add(name)
            continue
        written = [_cell_text(c) for c in rows[0]]
        header = [normalise_header(title) for title in written]
        if not _check_header(header, label, raw.problems):
            raw.unread.add(name)
            continue
        header = [h or f"__unnamed_{i}" for i, h in enumerate(header)]
        width = len(header)
        body = [[_cell_text(c) for c in (list(r) + [None] * width)[:width]] for r in rows[1:]]
        columns = {h: [r[i] for r in body] for i, h in enumerate(header)}
        frame = pl.DataFrame(columns, schema=dict.fromkeys(columns, pl.String)).with_columns(
            pl.Series(LINE, list(range(2, len(body) + 2)), dtype=pl.Int64))
        if name in raw.tables:
            raw.problems.append(Problem(label, 0, "", f"a second {name} table"))
            continue
        raw.tables[name] = RawTable(name, label, _tidy(frame, header), header, _titles(header, written))
