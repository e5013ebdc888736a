"""``read_package``: a package on disk to canonical, typed tables, or every problem found."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from iomhub.package.problems import PackageError
from iomhub.package.schema import TABLES
from iomhub.package.settings import PackageSettings, parse_settings
from iomhub.package.sources import LINE, read_source
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


def read_package(path: Path | str) -> Package:
    """Read and validate a folder, ``.zip`` or ``.xlsx`` package.

    Raises ``PackageError`` with every problem found (file, line, column, what is wrong);
    nothing is returned for a package with any problem.
    """
    raw = read_source(Path(path))
    if not raw.readable:  # say why, not also that every required table is missing
        raise PackageError(raw.problems)
    collector = Collector()
    for problem in raw.problems:
        collector.add(problem)
    settings = parse_settings(raw.toml_text, raw.toml_file, collector.problems)
    collector.total = len(collector.problems)
    extra_codes = {"scheme": list(settings.scheme_names)}
    typed = validate_tables(raw.tables, extra_codes, collector, raw.warnings, raw.unread)
    if collector.total:
        raise PackageError(collector.problems, collector.total)
    tables = {name: frame.select(TABLES[name].names) for name, frame in typed.items()}
    lines = {name: frame[LINE] for name, frame in typed.items()}
    return Package(str(path), tables, settings, raw.warnings, lines, raw.toml_text)


def package_from_frames(tables: dict[str, pl.DataFrame], settings: PackageSettings | None = None,
                        source: str = "<memory>") -> Package:
    """A package from canonical frames already typed (as the database or tests provide them)."""
    missing = [name for name, t in TABLES.items() if t.required and name not in tables]
    if missing:
        raise ValueError(f"tables missing: {', '.join(missing)}")
    return Package(source, {name: frame.select(TABLES[name].names) for name, frame in tables.items()},
                   settings or PackageSettings())
