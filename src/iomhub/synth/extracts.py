"""A package written as other systems write their extracts, with the mapping that reads it back.

``write_as_extracts`` copies a canonical package and rewrites some of its tables as another
system would: the file renamed (``Cohort extract from Niche.csv``), every header renamed
(``Start Date [Niche]``), every code respelled (``AMBER GREEN (Niche)``), dates written as
``01-Apr-2015``, and each table in one of three encodings and separators (UTF-8 with commas,
Windows-1252 with semicolons, UTF-16 with tabs, as Excel's "Unicode text"). It appends the
mapping to the package's package.toml. Read with ``read_package``, the result must give exactly
the canonical package: the tests check it for every table, and ``benchmarks/mapping.py`` times it.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable
from pathlib import Path

import polars as pl

from iomhub.domain.codes import normalise_code
from iomhub.package.schema import TABLES, Kind

STYLES = (("utf-8", ","), ("cp1252", ";"), ("utf-16", "\t"))  # (encoding, separator), by table in turn
DATE_FORMAT = "%d-%b-%Y"


def spelled(code: str, system: str) -> str:
    """How the other system spells a canonical code: ``amber_green`` -> ``AMBER GREEN (Niche)``."""
    return f"{code.upper().replace('_', ' ')} ({system})"


def titled(column: str, system: str) -> str:
    """How the other system heads a column: ``start_date`` -> ``Start Date [Niche]``."""
    return f"{column.replace('_', ' ').title()} [{system}]"


def _toml_list(values: Iterable[str]) -> str:
    return "[" + ", ".join(json.dumps(v, ensure_ascii=False) for v in values) + "]"


def write_as_extracts(canonical: Path, target: Path, tables: Iterable[str], system: str = "Niche",
                      styles: tuple[tuple[str, str], ...] = STYLES) -> Path:
    """``canonical`` copied to ``target`` with ``tables`` as ``system`` writes them, and the mapping."""
    shutil.copytree(canonical, target)
    files: list[str] = ["[files]"]
    columns: list[str] = []
    codes: list[str] = []
    for table in tables:
        encoding, separator = styles[list(TABLES).index(table) % len(styles)]
        source = target / TABLES[table].filename
        frame = pl.read_csv(source, infer_schema=False)
        frame = frame.rename({name: name.lstrip("\ufeff") for name in frame.columns})
        cells = []
        for name in frame.columns:
            kind = TABLES[table].column(name).kind
            cell = pl.col(name)
            if kind is Kind.DATE:
                day = pl.coalesce(cell.str.to_date("%Y-%m-%d", strict=False),
                                  cell.str.to_date("%d/%m/%Y", strict=False))
                cell = day.dt.strftime(DATE_FORMAT)
            elif kind is Kind.CODE:
                found = sorted({normalise_code(v) for v in frame.get_column(name).unique().drop_nulls()})
                codes += [f"[codes.{table}.{name}]",
                          *(f"{code} = {_toml_list([spelled(code, system)])}" for code in found)]
                normal = cell.str.to_lowercase().str.strip_chars().str.replace_all(r"[\s\-/_]+", "_")
                cell = pl.format("{} ({})", normal.str.to_uppercase().str.replace_all("_", " "), pl.lit(system))
            cells.append(cell.alias(titled(name, system)))
        text = frame.select(cells).write_csv(separator=separator)
        data = b"\xff\xfe" + text.encode("utf-16-le") if encoding == "utf-16" else text.encode(encoding)
        filename = f"{table.replace('_', ' ').title()} extract from {system}.csv"
        source.unlink()
        (target / filename).write_bytes(data)
        declared = f', encoding = "{encoding}"' if encoding not in ("utf-8", "utf-16") else ""
        files.append(f'{table} = {{ file = "{filename}"{declared} }}')
        columns += [f"[columns.{table}]", *(f"{name} = {json.dumps(titled(name, system))}" for name in frame.columns)]
    mapping = "\n".join([*files, *columns, *codes, "[dates]", f'formats = ["{DATE_FORMAT}"]'])
    toml = target / "package.toml"
    existing = toml.read_text(encoding="utf-8") + "\n" if toml.exists() else ""
    toml.write_text(existing + mapping + "\n", encoding="utf-8")
    return target
