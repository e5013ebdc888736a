"""Reading a package's files, whatever they arrive as, into raw tables of text.

A package is a folder of CSV files, a ``.zip`` of such a folder, or an ``.xlsx`` workbook
with one sheet per table. Every cell is read as text (trimmed; empty means missing) with
the line it came from, so that validation can name ``file:line`` for each problem.
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

import polars as pl

from iomhub.package.problems import Problem
from iomhub.package.schema import TABLES
from iomhub.package.text import as_utf8, detect_delimiter, not_utf8_message

LINE = "__line"
MAX_ZIP_MEMBER_BYTES = 2 * 1024**3


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


def read_source(path: Path, resolve: Resolve | None = None) -> RawPackage:
    """Read a folder, ``.zip`` or ``.xlsx`` into raw tables; problems are collected, never raised.

    ``resolve`` is called once the package's file names and package.toml are known, before any
    table is read, to say which files hold which tables (a mapping, ``iomhub.package.mapping``).
    """
    raw = RawPackage(source=str(path))
    resolve = resolve or _no_mapping
    if not path.exists():
        raw.problems.append(Problem(str(path), 0, "", "no such file or folder"))
        raw.readable = False
    elif path.is_dir():
        _read_folder(path, raw, resolve)
    elif path.suffix.lower() == ".zip":
        _read_zip(path, raw, resolve)
    elif path.suffix.lower() in (".xlsx", ".xlsm"):
        _read_xlsx(path, raw, resolve)
    elif path.suffix.lower() == ".csv":
        raw.problems.append(Problem(
            path.name, 0, "", "a package is a folder, .zip or .xlsx holding nominals.csv and "
            "cohort.csv, not a single CSV file"))
        raw.readable = False
    else:
        raw.problems.append(Problem(path.name, 0, "", "not a package: expected a folder, a .zip or an .xlsx"))
        raw.readable = False
    return raw


def table_named(name: str, *, sheet: bool = False) -> str | None:
    """The table a file (``cohort.csv``) or a workbook's sheet (``Cohort``) is named after."""
    if sheet:
        table = name.strip().lower().replace(" ", "_")
        return table if table in TABLES else None
    path = PurePosixPath(name)
    stem = path.stem.strip().lower()
    return stem if path.suffix.lower() == ".csv" and stem in TABLES else None


def _read_folder(folder: Path, raw: RawPackage, resolve: Resolve) -> None:
    entries = [entry for entry in sorted(folder.iterdir()) if entry.is_file()]
    raw.names = [entry.name for entry in entries if not entry.name.startswith(".")]
    for entry in entries:
        if entry.name.lower() == "package.toml":
            raw.toml_text = _decode(_read_bytes(entry, raw), entry.name, raw)
            raw.toml_file = entry.name
    resolve(raw)
    files: list[tuple[ReadAs, Path]] = []
    for entry in entries:
        is_csv = entry.suffix.lower() == ".csv"
        rule = _read_as(raw, entry.name, table_named(entry.name))
        if rule is not None:
            files.append((rule, entry))
        elif is_csv and fold(entry.name) not in raw.mapped:
            raw.warnings.append(f"{entry.name}: not a table of the package; ignored")
    _add_csvs(raw, [(rule, entry.name, _read_bytes(entry, raw)) for rule, entry in files])


def _add_csvs(raw: RawPackage, files: list[tuple[ReadAs, str, bytes | None]]) -> None:
    """Parse the files in parallel threads (Polars releases the GIL), then add them in order."""
    def parse(item: tuple[ReadAs, str, bytes | None]) -> tuple[RawTable | None, list[Problem], list[str]]:
        rule, label, data = item
        problems: list[Problem] = []
        warnings: list[str] = []
        return _parse_file(rule, label, data, problems, warnings), problems, warnings

    firsts = [item for i, item in enumerate(files) if item[0].table not in {f[0].table for f in files[:i]}]
    with ThreadPoolExecutor(max_workers=PARSE_THREADS) as pool:
        parsed = dict(zip([label for _, label, _ in firsts], pool.map(parse, firsts), strict=True))
    for rule, label, data in files:
        if rule.table in raw.tables or label not in parsed:
            _add_csv(raw, rule, label, data)
            continue
        table, problems, warnings = parsed.pop(label)
        raw.problems.extend(problems)
        raw.warnings.extend(warnings)
        if table is None:
            raw.unread.add(rule.table)
        else:
            raw.tables[rule.table] = table


def _parse_file(rule: ReadAs, label: str, data: bytes | None, problems: list[Problem],
                warnings: list[str]) -> RawTable | None:
    """A file's bytes, decoded by the rule of ``iomhub.package.text``, parsed as CSV."""
    text = None if data is None else as_utf8(data, rule.encoding, label, problems, warnings)
    if text is None:
        return None
    return parse_csv_text(text, rule.table, label, problems, delimiter=rule.delimiter)


def _read_bytes(path: Path, raw: RawPackage) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError as error:
        raw.problems.append(Problem(path.name, 0, "", f"cannot be read: {error.strerror}"))
        return None


def _read_zip(path: Path, raw: RawPackage, resolve: Resolve) -> None:
    try:
        archive = zipfile.ZipFile(path)
    except Exception as error:  # a damaged zip raises BadZipFile, NotImplementedError, ValueError...
        raw.problems.append(Problem(path.name, 0, "", f"not a readable zip file ({error})"))
        raw.readable = False
        return
    with archive:
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
            if member.file_size > MAX_ZIP_MEMBER_BYTES:
                raw.problems.append(Problem(label, 0, "", "too large to unpack"))
                if rule is not None:
                    raw.unread.add(rule.table)
                continue
            try:
                data = archive.read(member)
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
    table = _parse_file(rule, label, data, raw.problems, raw.warnings)
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
                   delimiter: str | None = None) -> RawTable | None:
    """Parse CSV (text, or bytes in UTF-8 with or without a BOM) into a raw table, or add
    problems and return None.

    The bytes are handed to Polars as they are (it checks they are UTF-8); Python decodes
    them only to find the line of a problem. The separator is ``delimiter``, or else found
    from the header line (``iomhub.package.text.detect_delimiter``).
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
    try:  # a stray carriage return or NUL in the header line is a CSV error, not a crash
        written = next(csv.reader([first_line], delimiter=separator), [])
        header = [normalise_header(h) for h in written]
    except csv.Error as error:
        problems.append(Problem(label, 1, "", f"is not valid CSV ({error})"))
        return None
    if not _check_header(header, label, problems):
        return None
    header = [h or f"__unnamed_{i}" for i, h in enumerate(header)]
    # The fast path reads with Polars: row i is on line i + 2 (blank lines come back as empty
    # rows), unless a quoted cell spans lines, which the row count gives away.
    frame: pl.DataFrame | None = None
    try:
        frame = pl.read_csv(data, has_header=True, infer_schema=False, new_columns=header,
                            raise_if_empty=False, separator=separator)
    except pl.exceptions.PolarsError:
        frame = None
    if frame is not None:
        physical = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
        if frame.height != physical - 1:
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
    return RawTable(name, label, _tidy(frame, header), header, _titles(header, written))


def _titles(header: list[str], written: list[str]) -> dict[str, str]:
    """Each column's header as the file writes it (trimmed)."""
    return {name: title.strip().lstrip("\ufeff").strip() for name, title in zip(header, written, strict=False)}


def _check_header(header: list[str], label: str, problems: list[Problem]) -> bool:
    seen: set[str] = set()
    ok = True
    for position, column in enumerate(header, start=1):
        if not column:
            continue
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


def _trimmed(name: str) -> pl.Expr:
    """A cell without surrounding spaces; a cell of nothing but spaces is missing."""
    cell = pl.col(name).cast(pl.String).str.strip_chars()
    return pl.when(cell.str.len_bytes() > 0).then(cell).alias(name)


def _tidy(frame: pl.DataFrame, header: list[str]) -> pl.DataFrame:
    """Trim cells, make empty cells missing, drop blank rows and unnamed columns."""
    named = [h for h in dict.fromkeys(header) if h and not h.startswith("__unnamed_")]
    frame = frame.select(
        *[_trimmed(h) for h in named],
        pl.col(LINE),
    )
    if named:
        frame = frame.filter(~pl.all_horizontal(pl.col(named).is_null()))
    return frame


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


def _read_xlsx(path: Path, raw: RawPackage, resolve: Resolve) -> None:
    from python_calamine import CalamineWorkbook

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
