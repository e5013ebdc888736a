"""Writing frames as the CSV files of a package, the way spreadsheets really arrive.

A share of rows has its dates in UK order (``31/03/2016``, as Excel exports them) and a share
of code cells is typed in mixed case or with spaces (``Priority``, ``drugs service``,
``Amber Green``): the reader must treat them exactly as the canonical forms.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from iomhub.package.schema import TABLES, Kind


def messy(frame: pl.DataFrame, table: str, rng: np.random.Generator, uk_dates: float,
          messy_codes: float) -> pl.DataFrame:
    """Format dates as text (ISO, or UK for a share of rows) and roughen a share of codes."""
    if frame.height == 0:
        return frame.with_columns(pl.col(c).cast(pl.String) for c in frame.columns)
    uk = pl.Series(rng.random(frame.height) < uk_dates)
    rough = pl.Series(rng.random(frame.height) < messy_codes)
    style = pl.Series(rng.integers(0, 3, frame.height))
    columns = []
    for name, dtype in frame.schema.items():
        column = pl.col(name)
        kind = TABLES[table].column(name).kind if name in TABLES[table].names else Kind.TEXT
        if dtype == pl.Date:
            columns.append(pl.when(uk).then(column.dt.strftime("%d/%m/%Y"))
                           .otherwise(column.dt.strftime("%Y-%m-%d")).alias(name))
        elif kind is Kind.CODE and dtype == pl.String:
            spaced = column.str.replace_all("_", " ")
            title = spaced.str.to_titlecase()
            columns.append(pl.when(rough & (style == 0)).then(title)
                           .when(rough & (style == 1)).then(pl.format(" {} ", column.str.to_uppercase()))
                           .when(rough & (style == 2)).then(spaced)
                           .otherwise(column).alias(name))
        elif dtype == pl.Boolean:
            columns.append(pl.when(rough).then(pl.when(column).then(pl.lit("yes")).otherwise(pl.lit("no")))
                           .otherwise(column.cast(pl.String).str.to_lowercase()).alias(name))
        else:
            columns.append(column.cast(pl.String).alias(name))
    return frame.select(columns)


def write_table(frame: pl.DataFrame, folder: Path, table: str) -> None:
    """Write one table as ``<table>.csv`` (UTF-8 with a BOM for nominals, as Excel saves it)."""
    path = folder / f"{table}.csv"
    frame.write_csv(path, include_bom=table == "nominals")
