"""``read_package``: a package on disk to canonical, typed tables, or every problem found."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import polars as pl

from iomhub.package.mapping import Mapping, apply_mapping, resolve_files
from iomhub.package.problems import PackageError, Problem
from iomhub.package.schema import TABLES
from iomhub.package.settings import PackageSettings, parse_settings
from iomhub.package.sources import LINE, RawPackage, read_source
from iomhub.package.validate import Collector, validate_tables


@dataclass
class Package:
    """A valid package: canonical tables (spec columns and types, no others) and settings."""

    source: str
    tables: dict[str, pl.DataFrame]
    settings: PackageSettings = field(default_factory=PackageSettings)
    warnings: list[str] = field(default_factory=list)
    lines: dict[str, pl.Series] = field(default_factory=dict)
    settings_text: str | None = None  # package.toml as read (``iomhub convert`` copies it)

    def has(self, *names: str) -> bool:
        return all(name in self.tables for name in names)


def read_package(path: Path | str, mapping: Mapping | None = None) -> Package:
    """Read and validate a folder, ``.zip`` or ``.xlsx`` package.

    The package's files are mapped onto its tables by ``mapping`` if one is given, else by the
    mapping sections of its package.toml, if any (``iomhub.package.mapping``). Raises
    ``PackageError`` with every problem found (file, line, column, what is wrong); nothing is
    returned for a package with any problem. A mapping with problems stops before validation:
    the files' cells cannot be judged until it says what they are.
    """
    source = read_mapped(path, mapping, trim_later=True)
    raw, used = source.raw, source.mapping
    collector = Collector(problems=list(source.problems), total=len(source.problems))
    if source.mapping_failed:
        raise PackageError(collector.problems, collector.total)
    collector.titles = source.titles
    collector.called = {name: PurePosixPath(table.file).name for name, table in raw.tables.items()
                        if name in used.files}
    collector.mapped = {table.file: used.label for name, table in raw.tables.items()
                        if name in used.files or name in used.columns or name in used.codes}
    typed = validate_tables(raw.tables, source.extra_codes, collector, raw.warnings, raw.unread, used.dates)
    if collector.total:
        raise PackageError(collector.problems, collector.total)
    tables = {name: frame.select(TABLES[name].names) for name, frame in typed.items()}
    lines = {name: frame[LINE] for name, frame in typed.items()}
    return Package(str(path), tables, source.settings, raw.warnings, lines, raw.toml_text)


@dataclass
class MappedSource:
    """A package's files read as raw text tables and mapped onto its tables, not yet validated.

    ``problems`` are those found so far (reading files, package.toml, the mapping);
    ``mapping_failed`` says the mapping itself has some, so that the cells cannot be judged yet.
    ``titles``: for each mapped file, the header each canonical column was read from.
    """

    raw: RawPackage
    settings: PackageSettings
    mapping: Mapping
    problems: list[Problem]
    mapping_failed: bool
    titles: dict[str, dict[str, str]]
    extra_codes: dict[str, list[str]]  # codes the package declares beyond the spec's (its schemes)


def read_mapped(path: Path | str, mapping: Mapping | None = None, trim_later: bool = False) -> MappedSource:
    """Read a package's files and apply its mapping (``mapping``, else its package.toml's): the
    first half of ``read_package``; code cells are still as the files spell them (and, with
    ``trim_later``, CSV files' text cells not yet tidied: ``RawTable.untrimmed``). Raises
    ``PackageError`` only when the package itself cannot be read."""
    found = _Resolution(mapping)
    raw = read_source(Path(path), found.resolve, trim_later=trim_later)
    if not raw.readable:  # say why, not also that every required table is missing
        raise PackageError(raw.problems)
    extra_codes = {"scheme": list(found.settings.scheme_names)}
    applied = apply_mapping(found.mapping, raw, extra_codes)
    return MappedSource(raw, found.settings, found.mapping, [*raw.problems, *found.problems, *applied.problems],
                        bool(found.mapping_problems or applied.problems), applied.titles, extra_codes)


class _Resolution:
    """What package.toml says, read as soon as ``read_source`` has found it: the settings, and the
    mapping (given, or its own), which says which file holds which table before they are read."""

    def __init__(self, given: Mapping | None) -> None:
        self.given = given
        self.settings = PackageSettings()
        self.mapping = given if given is not None else Mapping()
        self.problems: list[Problem] = []
        self.mapping_problems: list[Problem] = []

    def resolve(self, raw: RawPackage) -> None:
        self.settings = parse_settings(raw.toml_text, raw.toml_file, self.problems)
        own = self._own_mapping(raw.toml_text, raw.toml_file)
        unreadable = own is None or (raw.toml_text is None and any(p.file == raw.toml_file for p in raw.problems))
        if unreadable and self.given is None:  # its mapping may name every file: none is said missing
            raw.unread.update(TABLES)
        own = own or Mapping(label=raw.toml_file)
        if self.given is not None and own:
            raw.warnings.append(f"{raw.toml_file}: its mapping ([files], [columns], [codes], [dates]) is not "
                                f"used: the mapping is read from {self.given.label}")
        self.mapping = self.given if self.given is not None else own
        self.mapping_problems = [*self.mapping.problems, *resolve_files(self.mapping, raw)]
        self.problems += self.mapping_problems

    @staticmethod
    def _own_mapping(text: str | None, label: str) -> Mapping | None:
        """The mapping of the package's own package.toml; None when it is not TOML (parse_settings
        says so)."""
        try:
            data = tomllib.loads(text or "")
        except tomllib.TOMLDecodeError:
            return None
        return Mapping.from_dict(data, text or "", label)


def package_from_frames(tables: dict[str, pl.DataFrame], settings: PackageSettings | None = None,
                        source: str = "<memory>") -> Package:
    """A package from canonical frames already typed (as the database or tests provide them)."""
    missing = [name for name, t in TABLES.items() if t.required and name not in tables]
    if missing:
        raise ValueError(f"tables missing: {', '.join(missing)}")
    return Package(source, {name: frame.select(TABLES[name].names) for name, frame in tables.items()},
                   settings or PackageSettings())
