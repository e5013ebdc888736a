"""Mapping real extracts onto the package: ``[files]``, ``[columns.TABLE]``, ``[codes.TABLE.COLUMN]``
and ``[dates]`` of package.toml (``docs/spec/data-package.md``, "Mapping real extracts").

A ``Mapping`` is read from TOML text or from a dict (as a web page builds one) and checked on
its own (``Mapping.problems``); ``to_toml`` writes it back. Against a package it does three
things, each cheap, all before validation:

- ``resolve_files`` says which file (or sheet) holds which table before any is read;
- ``apply_mapping`` renames the mapped headers to canonical columns in the raw text tables and
  gives each table the codes of its mapped spellings, which validation reads when it types each
  distinct cell of a code column (so that mapping a code costs nothing per row);
- its ``dates`` are the date forms validation accepts beyond the package's own.

A mapping that names a file, header, table, column or code that does not exist is a problem at
its own line (``package.toml:7: columns.nominals.nominal_id: ...``); problems in mapped files keep
the file's own name and header.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

import polars as pl

from iomhub.domain.codes import normalise_code
from iomhub.package.dates import EXCEL, DateFormats, format_problem
from iomhub.package.problems import Problem
from iomhub.package.schema import TABLES, Kind
from iomhub.package.settings import MAPPING_SECTIONS
from iomhub.package.sources import LINE, RawPackage, RawTable, ReadAs, fold, normalise_header, table_named
from iomhub.package.text import canonical_encoding
from iomhub.package.toml_lines import error_line, key_lines, nearest_line

Key = tuple[str, ...]
FILE_SETTINGS = ("file", "encoding", "delimiter")
WORKBOOKS = (".xlsx", ".xlsm", ".xls", ".ods")
SHOWN_NAMES = 12


@dataclass(frozen=True)
class FileSource:
    """Where a table is: a file of a folder or zip (or a sheet of a workbook), how it is encoded
    and separated (None: by the rule of ``iomhub.package.text``)."""

    file: str
    encoding: str | None = None
    delimiter: str | None = None


@dataclass(frozen=True)
class Mapping:
    """How a package's files map onto its tables.

    ``columns``: table -> canonical column -> the header as written in the file.
    ``codes``: table -> code column -> canonical code -> the spellings used in the file.
    ``keys`` remembers each key as the user wrote it, so that a problem names its line in
    ``text`` (the TOML the mapping was read from, if any), written by ``label``.
    """

    files: dict[str, FileSource] = field(default_factory=dict)
    columns: dict[str, dict[str, str]] = field(default_factory=dict)
    codes: dict[str, dict[str, dict[str, tuple[str, ...]]]] = field(default_factory=dict)
    dates: DateFormats = field(default_factory=DateFormats)
    label: str = "package.toml"
    text: str = ""
    keys: dict[Key, Key] = field(default_factory=dict, repr=False)  # canonical key -> key as written
    lines: dict[Key, int] = field(default_factory=dict, repr=False)  # key as written -> its line in text
    problems: tuple[Problem, ...] = ()
    unresolved: frozenset[str] = frozenset()  # tables whose [files] entry is refused (problems say why)

    def __bool__(self) -> bool:
        return bool(self.files or self.columns or self.codes or self.dates)

    @classmethod
    def from_toml(cls, text: str, label: str = "package.toml") -> Mapping:
        """The mapping sections of a TOML text; a text that is not TOML is one problem."""
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            return cls(label=label, text=text, problems=(Problem(label, error_line(error), "",
                                                                  f"is not valid TOML ({error})"),))
        return cls.from_dict(data, text=text, label=label)

    @classmethod
    def from_dict(cls, data: dict[str, Any], text: str = "", label: str = "package.toml") -> Mapping:
        """The mapping sections of a parsed package.toml (other keys are left to its settings)."""
        return _Parser(text, label).parse(data)

    def problem(self, key: Key, message: str) -> Problem:
        """A problem with the mapping at the line of ``key`` (canonical, as ``keys`` records it)."""
        written = self.keys.get(key, key)
        return Problem(self.label, nearest_line(self.lines, written), ".".join(written), message)

    def line(self, key: Key) -> int:
        return nearest_line(self.lines, self.keys.get(key, key))

    def read_as(self, table: str) -> ReadAs:
        source = self.files.get(table)
        return ReadAs(table, source.encoding, source.delimiter) if source else ReadAs(table)

    def spellings(self, table: str, column: str) -> dict[str, str]:
        """Each mapped spelling of a code column, normalised, with its canonical code."""
        return {normalise_code(spelling): code
                for code, spellings in self.codes.get(table, {}).get(column, {}).items()
                for spelling in spellings}

    def to_toml(self) -> str:
        """The mapping as package.toml sections (a web page stores a mapping as this text)."""
        out: list[str] = []
        if self.files:
            out.append("[files]")
            for table, source in self.files.items():
                options = [f"file = {toml_string(source.file)}"]
                options += [f"encoding = {toml_string(source.encoding)}"] if source.encoding else []
                options += [f"delimiter = {toml_string(source.delimiter)}"] if source.delimiter else []
                value = options[0].removeprefix("file = ") if len(options) == 1 else "{ " + ", ".join(options) + " }"
                out.append(f"{table} = {value}")
            out.append("")
        for table, columns in self.columns.items():
            out.append(f"[columns.{table}]")
            out += [f"{column} = {toml_string(header)}" for column, header in columns.items()]
            out.append("")
        for table, by_column in self.codes.items():
            for column, codes in by_column.items():
                out.append(f"[codes.{table}.{column}]")
                out += [f"{_key(code)} = [{', '.join(toml_string(s) for s in spellings)}]"
                        for code, spellings in codes.items()]
                out.append("")
        if self.dates:
            formats = [*self.dates.patterns, *([EXCEL] if self.dates.excel else [])]
            out += ["[dates]", f"formats = [{', '.join(toml_string(f) for f in formats)}]", ""]
        return "\n".join(out)


def toml_string(value: str) -> str:
    """A TOML basic string (control characters escaped)."""
    escaped = "".join(
        "\\\\" if c == "\\" else '\\"' if c == '"' else "\\t" if c == "\t" else
        f"\\u{ord(c):04x}" if ord(c) < 0x20 or ord(c) == 0x7F else c for c in value)
    return f'"{escaped}"'


def _key(value: str) -> str:
    return value if value and all(c.isalnum() or c in "_-" for c in value) and value.isascii() else toml_string(value)


def _listed(names: Iterable[str], limit: int = SHOWN_NAMES) -> str:
    names = list(names)
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _did_you_mean(wanted: str, names: Collection[str]) -> str:
    """`` (did you mean 'x'?)`` for the name closest to ``wanted``, if one is close."""
    close = difflib.get_close_matches(wanted, list(names), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


class _Parser:
    """Reads the mapping sections of a parsed package.toml, checking their shape and names."""

    def __init__(self, text: str, label: str) -> None:
        self.text = text
        self.label = label
        self.lines = key_lines(text) if text else {}
        self.problems: list[Problem] = []
        self.keys: dict[Key, Key] = {}
        self.unresolved: set[str] = set()

    def fail(self, written: Key, message: str) -> None:
        self.problems.append(Problem(self.label, nearest_line(self.lines, written), ".".join(written), message))

    def table_of(self, value: Any, written: Key, what: str) -> dict[str, Any]:
        if isinstance(value, dict):
            return value
        self.fail(written, f"must be a table ({what})")
        return {}

    def table_name(self, key: str, written: Key) -> str | None:
        name = normalise_header(key)
        if name in TABLES:
            return name
        self.fail(written, f"{key!r} is not a table of the package{_did_you_mean(name, TABLES)}: "
                  f"the tables are {', '.join(TABLES)}")
        return None

    def parse(self, data: dict[str, Any]) -> Mapping:
        files = self.files(data.get("files", {}))
        columns = self.columns(data.get("columns", {}))
        codes = self.codes(data.get("codes", {}))
        dates = self.dates(data.get("dates", {}))
        return Mapping(files, columns, codes, dates, self.label, self.text, self.keys, self.lines,
                       tuple(self.problems), frozenset(self.unresolved))

    def files(self, section: Any) -> dict[str, FileSource]:
        out: dict[str, FileSource] = {}
        named: dict[str, str] = {}  # folded file -> the table it is named for
        for key, value in self.table_of(section, ("files",), 'table = "file name"').items():
            written = ("files", key)
            table = self.table_name(key, written)
            source = self.file_source(value, written)
            if table is not None and (source is None or fold(source.file) in named):
                self.unresolved.add(table)
            if table is None or source is None:
                continue
            if fold(source.file) in named:
                self.fail(written, f"names {source.file!r} again (already for {named[fold(source.file)]}): "
                          "a file holds one table")
                continue
            named[fold(source.file)] = table
            self.keys[("files", table)] = written
            out[table] = source
        return out

    def file_source(self, value: Any, written: Key) -> FileSource | None:
        if isinstance(value, str):
            value = {"file": value}
        if not isinstance(value, dict):
            self.fail(written, 'must be a file name, or { file = "...", encoding = "...", delimiter = "..." }')
            return None
        ok = True
        for key in sorted(set(value) - set(FILE_SETTINGS)):
            self.fail((*written, key), f"is not a setting of a file (use {', '.join(FILE_SETTINGS)})")
            ok = False
        file = value.get("file")
        if not isinstance(file, str) or not file.strip():
            self.fail(written, "needs the name of a file (or sheet)")
            ok = False
        encoding = value.get("encoding")
        if encoding is not None:
            known = canonical_encoding(encoding) if isinstance(encoding, str) else None
            if known is None:
                self.fail((*written, "encoding"), f"{encoding!r} is not an encoding (e.g. cp1252, utf-16, utf-8)")
                ok = False
            encoding = known
        delimiter = value.get("delimiter")
        if delimiter is not None and (not isinstance(delimiter, str) or len(delimiter) != 1
                                      or delimiter in '"\r\n'):
            self.fail((*written, "delimiter"), f"{delimiter!r} is not a separator: one character, "
                      'e.g. ";" or "\\t"')
            ok = False
        if not ok or not isinstance(file, str):
            return None
        return FileSource(file.strip(), encoding, delimiter)

    def columns(self, section: Any) -> dict[str, dict[str, str]]:
        out: dict[str, dict[str, str]] = {}
        for key, value in self.table_of(section, ("columns",), "[columns.TABLE]").items():
            written = ("columns", key)
            table = self.table_name(key, written)
            headers = self.table_of(value, written, 'column = "header in the file"')
            if table is None:
                continue
            self.keys[("columns", table)] = written
            mapped: dict[str, str] = {}
            by_header: dict[str, str] = {}
            for column_key, header in headers.items():
                at = (*written, column_key)
                column = normalise_header(column_key)
                if column not in TABLES[table].names:
                    self.fail(at, f"{column_key!r} is not a column of {table}"
                              f"{_did_you_mean(column, TABLES[table].names)}: its columns are "
                              f"{', '.join(TABLES[table].names)}")
                    continue
                if not isinstance(header, str) or not header.strip():
                    self.fail(at, "must be the header of a column in the file, as text")
                    continue
                if column in mapped:
                    self.fail(at, f"maps a second header to {column} (already {mapped[column]!r})")
                    continue
                if normalise_header(header) in by_header:
                    self.fail(at, f"header {header!r} is mapped twice (already to "
                              f"{by_header[normalise_header(header)]}): a header is one column")
                    continue
                mapped[column] = header.strip()
                by_header[normalise_header(header)] = column
                self.keys[("columns", table, column)] = at
            out[table] = mapped
        return out

    def codes(self, section: Any) -> dict[str, dict[str, dict[str, tuple[str, ...]]]]:
        out: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {}
        for key, by_column in self.table_of(section, ("codes",), "[codes.TABLE.COLUMN]").items():
            written = ("codes", key)
            table = self.table_name(key, written)
            by_column = self.table_of(by_column, written, "[codes.TABLE.COLUMN]")
            if table is None:
                continue
            self.keys[("codes", table)] = written
            for column_key, codes in by_column.items():
                at = (*written, column_key)
                column = self.code_column(table, column_key, at)
                codes = self.table_of(codes, at, 'code = ["spelling", ...]')
                if column is None:
                    continue
                self.keys[("codes", table, column)] = at
                out.setdefault(table, {})[column] = self.code_spellings(table, column, codes, at)
        return out

    def code_column(self, table: str, key: str, at: Key) -> str | None:
        column = normalise_header(key)
        code_columns = [c.name for c in TABLES[table].columns if c.kind is Kind.CODE]
        if column in code_columns:
            return column
        self.fail(at, f"{key!r} is not a code column of {table}{_did_you_mean(column, code_columns)}: "
                  f"its code columns are {', '.join(code_columns) or 'none'}")
        return None

    def code_spellings(self, table: str, column: str, codes: dict[str, Any], at: Key) -> dict[str, tuple[str, ...]]:
        mapped: dict[str, list[str]] = {}
        seen: dict[str, str] = {}  # a normalised spelling -> its canonical code
        for code_key, spellings in codes.items():
            where = (*at, code_key)
            code = normalise_code(code_key)
            if isinstance(spellings, str):
                spellings = [spellings]
            if not isinstance(spellings, list) or not all(isinstance(s, str) and s.strip() for s in spellings):
                self.fail(where, 'must be the spellings used in the file, e.g. ["M", "Male"]')
                continue
            self.keys[("codes", table, column, code)] = where
            for spelling in spellings:
                normal = normalise_code(spelling)
                if seen.get(normal, code) != code:
                    self.fail(where, f"spelling {spelling!r} is mapped to both {seen[normal]} and {code}")
                    continue
                seen[normal] = code
                mapped.setdefault(code, []).append(spelling.strip())
        return {code: tuple(spellings) for code, spellings in mapped.items()}

    def dates(self, section: Any) -> DateFormats:
        section = self.table_of(section, ("dates",), "[dates] formats = [...]")
        for key in sorted(set(section) - {"formats"}):
            self.fail(("dates", key), "is not a setting of [dates] (use formats)")
        formats = section.get("formats", [])
        if not isinstance(formats, list) or not all(isinstance(f, str) for f in formats):
            self.fail(("dates", "formats"), 'must be a list of formats, e.g. ["%d-%b-%Y", "excel"]')
            return DateFormats()
        patterns: list[str] = []
        excel = False
        for pattern in formats:
            if pattern.strip().lower() == EXCEL:
                excel = True
            elif (problem := format_problem(pattern)) is not None:
                self.fail(("dates", "formats"), f"{pattern!r} {problem}")
            else:
                patterns.append(pattern)
        return DateFormats(tuple(patterns), excel)


def has_mapping(data: dict[str, Any]) -> bool:
    return any(section in data for section in MAPPING_SECTIONS)


def resolve_files(mapping: Mapping, raw: RawPackage) -> list[Problem]:
    """Say which of the package's files holds each table ``[files]`` names (``raw.mapped``), so
    that ``read_source`` reads them; a canonically named file for such a table is ignored."""
    sheets = PurePosixPath(raw.source).suffix.lower() in (".xlsx", ".xlsm")
    what, where = ("sheet", f" in {PurePosixPath(raw.source).name}") if sheets else ("file", " in the package")
    by_name: dict[str, str] = {}
    by_stem: dict[str, list[str]] = {}
    for entry in raw.names:
        by_name.setdefault(fold(entry), entry)
        by_stem.setdefault(fold(PurePosixPath(entry).stem), []).append(entry)
    problems: list[Problem] = []
    found: dict[str, str] = {}
    raw.unread.update(mapping.unresolved)
    for table, source in mapping.files.items():
        key = ("files", table)
        name = by_name.get(fold(source.file))
        if name is None and not sheets and len(by_stem.get(fold(source.file), [])) == 1:
            name = by_stem[fold(source.file)][0]  # "IOM caseload" for "IOM caseload.csv"
        if name is None:
            others = sorted(n for n in raw.names if fold(n) != "package.toml")
            listed = f"its {what}s are {_listed(others)}" if others else f"it has no other {what}s"
            problems.append(mapping.problem(key, f"no {what} {source.file!r}{where}"
                                                 f"{_did_you_mean(source.file, others)}: {listed}"))
            raw.unread.add(table)
            continue
        if not sheets and PurePosixPath(name).suffix.lower() in WORKBOOKS:
            problems.append(mapping.problem(key, f"{name!r} is a workbook: a folder or zip package reads CSV "
                                                 "files (save the sheet as CSV UTF-8, or give the workbook itself "
                                                 "as the package, with --mapping)"))
            raw.unread.add(table)
            continue
        found[table] = name
        raw.mapped[fold(name)] = mapping.read_as(table)
    for entry in raw.names:
        named_for = table_named(entry, sheet=sheets)
        if (named_for in mapping.files or named_for in mapping.unresolved) and fold(entry) not in raw.mapped:
            raw.mapped[fold(entry)] = None
            if named_for in found:
                raw.warnings.append(f"{entry}: ignored: the {named_for} table is read from {found[named_for]} "
                                    f"({mapping.label}:{mapping.line(('files', named_for))})")
    return problems


@dataclass
class Applied:
    """What applying a mapping to the raw tables found: problems with the mapping, and for each
    mapped file the header each canonical column was read from (``Collector.titles``)."""

    problems: list[Problem] = field(default_factory=list)
    titles: dict[str, dict[str, str]] = field(default_factory=dict)


def apply_mapping(mapping: Mapping, raw: RawPackage, extra_codes: dict[str, list[str]]) -> Applied:
    """Rename mapped headers in ``raw.tables`` and give them their spellings' codes (in place)."""
    applied = Applied()
    for table in sorted(set(mapping.columns) | set(mapping.codes)):
        if table in raw.tables:
            raw.tables[table] = _applied_to(mapping, raw.tables[table], raw.warnings, applied)
        elif table not in raw.unread:
            section = "columns" if table in mapping.columns else "codes"
            applied.problems.append(mapping.problem((section, table), f"the package has no {table} table "
                                                    f"(no {TABLES[table].filename}, and [files] names none)"))
    applied.problems += _unknown_codes(mapping, extra_codes)
    return applied


def _applied_to(mapping: Mapping, raw: RawTable, warnings: list[str], applied: Applied) -> RawTable:
    table = raw.name
    present = [c for c in raw.frame.columns if c != LINE]
    rename: dict[str, str] = {}  # the file's column -> canonical column
    for column, header in mapping.columns.get(table, {}).items():
        if normalise_header(header) in present:
            rename[normalise_header(header)] = column
        else:
            headers = [raw.titles.get(c, c) for c in present]
            applied.problems.append(mapping.problem(
                ("columns", table, column), f"no column {header!r} in {raw.file}"
                f"{_did_you_mean(header, headers)}: its headers are {_listed(headers)}"))
    targets = set(rename.values())
    shadowed = [c for c in present if c in targets and c not in rename]
    for column in shadowed:
        source = next(raw.titles.get(k, k) for k, v in rename.items() if v == column)
        warnings.append(f"{raw.file}: column {raw.titles.get(column, column)!r} ignored: {column} is read "
                        f"from {source!r}, as {mapping.label} says")
    kept = [c for c in raw.frame.columns if c not in shadowed]
    frame = raw.frame.select(pl.col(c).alias(rename.get(c, c)) for c in kept)
    titles = {rename.get(c, c): raw.titles.get(c, c) for c in kept if c != LINE}
    if rename:
        applied.titles[raw.file] = {canonical: titles[canonical] for canonical in rename.values()}
    spellings: dict[str, dict[str, str]] = {}
    for column in mapping.codes.get(table, {}):
        if column in frame.columns:
            spellings[column] = mapping.spellings(table, column)
        else:
            applied.problems.append(mapping.problem(
                ("codes", table, column), f"{raw.file} has no {column} column (map its header under "
                f"[columns.{table}])"))
    return RawTable(raw.name, raw.file, frame, [rename.get(h, h) for h in raw.header], titles, spellings,
                    untrimmed=tuple(rename.get(c, c) for c in raw.untrimmed if c in kept), apostrophes=raw.apostrophes)


def _unknown_codes(mapping: Mapping, extra_codes: dict[str, list[str]]) -> list[Problem]:
    problems: list[Problem] = []
    for table, by_column in mapping.codes.items():
        for name, codes in by_column.items():
            allowed = TABLES[table].column(name).codes(extra_codes.get(name, ()))
            if allowed is None:
                continue
            for code in codes:
                if code not in allowed:
                    problems.append(mapping.problem(("codes", table, name, code), (
                        f"{code!r} is not a code of {table}.{name}{_did_you_mean(code, allowed)}: "
                        f"its codes are {', '.join(allowed)}")))
    return problems
