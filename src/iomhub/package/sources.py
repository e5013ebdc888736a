"""Reading a package's files, whatever they arrive as, into raw tables of text.

A package is a folder of CSV files (or of Parquet files, ``TABLE.parquet``), a ``.zip`` of a
folder of CSV files, or an ``.xlsx`` workbook with one sheet per table. Every cell is read as
text (trimmed; empty means missing) with the line it came from, so that validation can name
``file:line`` for each problem; a Parquet column of dates, booleans or numbers keeps its type.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path, PurePosixPath

import polars as pl

from iomhub.package.problems import Problem
from iomhub.package.schema import TABLES

LINE = "__line"
MAX_ZIP_MEMBER_BYTES = 2 * 1024**3


@dataclass
class RawTable:
    """A table as read: text cells, header names normalised, and the source line of each row."""

    name: str
    file: str
    frame: pl.DataFrame  # string columns + LINE (Int64)
    header: list[str]


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


def normalise_header(name: str) -> str:
    return name.strip().lstrip("\ufeff").strip().lower().replace(" ", "_")


def read_source(path: Path) -> RawPackage:
    """Read a folder, ``.zip`` or ``.xlsx`` into raw tables; problems are collected, never raised."""
    raw = RawPackage(source=str(path))
    if not path.exists():
        raw.problems.append(Problem(str(path), 0, "", "no such file or folder"))
        raw.readable = False
    elif path.is_dir():
        _read_folder(path, raw)
    elif path.suffix.lower() == ".zip":
        _read_zip(path, raw)
    elif path.suffix.lower() in (".xlsx", ".xlsm"):
        _read_xlsx(path, raw)
    elif path.suffix.lower() == ".csv":
        raw.problems.append(Problem(
            path.name, 0, "", "a package is a folder, .zip or .xlsx holding nominals.csv and "
            "cohort.csv, not a single CSV file"))
        raw.readable = False
    else:
        raw.problems.append(Problem(path.name, 0, "", "not a package: expected a folder, a .zip or an .xlsx"))
        raw.readable = False
    return raw


def _table_name(filename: str) -> str | None:
    stem = PurePosixPath(filename).stem.strip().lower()
    return stem if stem in TABLES else None


def _read_folder(folder: Path, raw: RawPackage) -> None:
    files: list[tuple[str, Path]] = []
    parquet: list[tuple[str, Path]] = []
    for entry in sorted(folder.iterdir()):
        if entry.is_file() and entry.suffix.lower() == ".parquet":
            name = _table_name(entry.name)
            if name is None:
                raw.warnings.append(f"{entry.name}: not a table of the package; ignored")
                continue
            parquet.append((name, entry))
        elif entry.is_file() and entry.suffix.lower() == ".csv":
            name = _table_name(entry.name)
            if name is None:
                raw.warnings.append(f"{entry.name}: not a table of the package; ignored")
                continue
            files.append((name, entry))
        elif entry.is_file() and entry.name.lower() == "package.toml":
            raw.toml_text = _decode(_read_bytes(entry, raw), entry.name, raw)
            raw.toml_file = entry.name
    _add_csvs(raw, [(name, entry.name, _read_bytes(entry, raw)) for name, entry in files])
    for name, entry in parquet:
        if name in raw.tables:
            raw.problems.append(Problem(entry.name, 0, "", f"a second {name} table (already read from "
                                        f"{raw.tables[name].file})"))
            continue
        table = parse_parquet(entry, name, entry.name, raw.problems)
        if table is None:
            raw.unread.add(name)
        else:
            raw.tables[name] = table


def _add_csvs(raw: RawPackage, files: list[tuple[str, str, bytes | None]]) -> None:
    """Parse the files in parallel threads (Polars releases the GIL), then add them in order."""
    def parse(item: tuple[str, str, bytes | None]) -> tuple[RawTable | None, list[Problem]]:
        name, label, data = item
        problems: list[Problem] = []
        return (None if data is None else parse_csv_text(data, name, label, problems)), problems

    firsts = [item for i, item in enumerate(files) if item[0] not in {f[0] for f in files[:i]}]
    with ThreadPoolExecutor(max_workers=PARSE_THREADS) as pool:
        parsed = dict(zip([label for _, label, _ in firsts], pool.map(parse, firsts), strict=True))
    for name, label, data in files:
        if name in raw.tables or label not in parsed:
            _add_csv(raw, name, label, data)
            continue
        table, problems = parsed.pop(label)
        raw.problems.extend(problems)
        if table is None:
            raw.unread.add(name)
        else:
            raw.tables[name] = table


def _read_bytes(path: Path, raw: RawPackage) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError as error:
        raw.problems.append(Problem(path.name, 0, "", f"cannot be read: {error.strerror}"))
        return None


def _read_zip(path: Path, raw: RawPackage) -> None:
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
        for member in members:
            inner = PurePosixPath(member.filename)
            label = f"{path.name}/{member.filename}"
            is_csv = inner.suffix.lower() == ".csv"
            is_toml = inner.name.lower() == "package.toml"
            if not (is_csv or is_toml):
                continue
            if len(inner.parts) > 2:
                raw.warnings.append(f"{label}: nested too deep (a package zip holds the tables "
                                    "at its top or in one folder); ignored")
                continue
            if member.file_size > MAX_ZIP_MEMBER_BYTES:
                raw.problems.append(Problem(label, 0, "", "too large to unpack"))
                if (name := _table_name(inner.name)) is not None:
                    raw.unread.add(name)
                continue
            try:
                data = archive.read(member)
            except Exception as error:  # damaged data: BadZipFile, zlib.error, EOFError, NotImplementedError...
                raw.problems.append(Problem(label, 0, "", f"cannot be unpacked ({error})"))
                if (name := _table_name(inner.name)) is not None:
                    raw.unread.add(name)
                continue
            if is_toml:
                raw.toml_text = _decode(data, label, raw)
                raw.toml_file = label
                continue
            name = _table_name(inner.name)
            if name is None:
                raw.warnings.append(f"{label}: not a table of the package; ignored")
                continue
            _add_csv(raw, name, label, data)


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
        raw.problems.append(Problem(label, line, "", "is not UTF-8 text (save it as CSV UTF-8)"))
        return None


def _add_csv(raw: RawPackage, name: str, label: str, data: bytes | None) -> None:
    if name in raw.tables:
        raw.problems.append(Problem(label, 0, "", f"a second {name} table (already read from "
                                    f"{raw.tables[name].file})"))
        return
    table = None if data is None else parse_csv_text(data, name, label, raw.problems)
    if table is None:
        raw.unread.add(name)
    else:
        raw.tables[name] = table


def _not_utf8(data: bytes, label: str, problems: list[Problem]) -> str | None:
    """The text of ``data``, or None after a problem naming the line that is not UTF-8."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        problems.append(Problem(label, line, "", "is not UTF-8 text (save it as CSV UTF-8)"))
        return None


def parse_csv_text(text: str | bytes, name: str, label: str, problems: list[Problem]) -> RawTable | None:
    """Parse CSV (text, or bytes in UTF-8 with or without a BOM) into a raw table, or add
    problems and return None.

    The bytes are handed to Polars as they are (it checks they are UTF-8); Python decodes
    them only to find the line of a problem.
    """
    data = text.encode("utf-8") if isinstance(text, str) else text
    if data.startswith(BOM):
        data = data[len(BOM):]
    if NOT_BLANK.search(data) is None:
        problems.append(Problem(label, 0, "", "is empty: a table needs a header row"))
        return None
    newline = data.find(b"\n")
    first_line = _not_utf8(data[: newline if newline >= 0 else len(data)], label, problems)
    if first_line is None:
        return None
    try:  # a stray carriage return or NUL in the header line is a CSV error, not a crash
        header = [normalise_header(h) for h in next(csv.reader([first_line]), [])]
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
                            raise_if_empty=False)
    except pl.exceptions.PolarsError:
        frame = None
    if frame is not None:
        physical = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
        if frame.height != physical - 1:
            frame = None
        else:
            frame = frame.with_row_index(LINE, offset=2).with_columns(pl.col(LINE).cast(pl.Int64))
    if frame is None:
        decoded = _not_utf8(data, label, problems)
        if decoded is None:
            return None
        frame = _parse_with_csv_module(decoded, header, label, problems)
        if frame is None:
            return None
    return RawTable(name, label, _tidy(frame, header), header)


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
    return RawTable(name, label, _tidy(typed, header), header)


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
                           problems: list[Problem]) -> pl.DataFrame | None:
    reader = csv.reader(io.StringIO(text, newline=""))
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
    """Trim cells, make empty cells missing, drop blank rows and unnamed columns (a typed
    column of a Parquet file is kept as it is)."""
    named = [h for h in dict.fromkeys(header) if h and not h.startswith("__unnamed_")]
    frame = frame.select(
        *[_trimmed(h) if frame.schema[h] == pl.String else pl.col(h) for h in named],
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


def _read_xlsx(path: Path, raw: RawPackage) -> None:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        names = list(workbook.sheet_names)
    except Exception as error:  # calamine raises its own exception types for damaged files
        raw.problems.append(Problem(path.name, 0, "", f"not a readable Excel workbook ({error})"))
        raw.readable = False
        return
    for sheet_name in names:
        label = f"{path.name}[{sheet_name}]"
        name = sheet_name.strip().lower().replace(" ", "_")
        if name in ("package", "package.toml"):
            continue
        if name not in TABLES:
            raw.warnings.append(f"{label}: sheet is not a table of the package; ignored")
            continue
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
        header = [normalise_header(_cell_text(c)) for c in rows[0]]
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
        raw.tables[name] = RawTable(name, label, _tidy(frame, header), header)
