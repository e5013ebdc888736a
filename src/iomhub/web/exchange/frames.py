"""The database as canonical frames: every table read into the Polars frames that
``read_package`` gives, so that the report is computed by the very same metrics code.

The one read path from the database into frames, used by the dashboard, the board papers, the
framework's computed actuals and ``iomhub export`` alike. Each table is one SELECT of exactly
the columns of ``iomhub.package.schema.TABLES``, in the order the rows were recorded (or, for
an export, of their natural key, ``exchange.mapping.MAPPINGS``; the frames are the same from one
call to the next), read through a raw cursor and built column by column: no model instances,
no per-row conversion in Python.
Then, as ``docs/development.md`` defines canonical tables: dates ``pl.Date``, booleans
``pl.Boolean``, scores and numbers ``pl.Float64`` (or, ``as_held``, the integer type a whole-number
column has in the database, for writing a package back out), codes and text ``pl.String`` with an
empty string as null. A table with no rows is left out, as an absent file would be, except
``nominals`` and ``cohort``, which every package has.

This reads every person's records, leaving out restricted records (``unrestricted``; DPA 2018
s.47); it does not write an audit row itself. The view that shows the report records the
consultation (or the disclosure), and the export its disclosure.
"""

from __future__ import annotations

from typing import Any

import polars as pl
from django.db import connections

from iomhub.package.schema import TABLES, Kind
from iomhub.web.exchange.mapping import MAPPINGS, TableModel
from iomhub.web.people.models import Nominal

ALWAYS_PRESENT = ("nominals", "cohort")

_STRING_KINDS = frozenset({Kind.TEXT, Kind.CODE, Kind.PNC, Kind.PERIOD})


def _canonical(name: str, kind: Kind, values: tuple[Any, ...] | list[Any], whole: bool = False) -> pl.Series:
    """One column as its canonical dtype, whatever the database driver returned (SQLite gives
    dates as ISO text and booleans as 0/1; PostgreSQL gives ``date`` and ``bool``); ``whole``
    keeps a number column as whole numbers."""
    series = pl.Series(name, values, strict=False)
    if kind is Kind.DATE:
        if series.dtype == pl.String:
            return series.str.to_date("%Y-%m-%d")
        return series.cast(pl.Date)
    if kind is Kind.BOOL:
        return series.cast(pl.Boolean)
    if kind in (Kind.SCORE, Kind.NUMBER):
        return series.cast(pl.Int64 if whole else pl.Float64)
    assert kind in _STRING_KINDS, kind
    series = series.cast(pl.String)
    return pl.select(pl.when(series != "").then(series)).to_series().alias(name)


def unrestricted(rows: Any) -> Any:
    """``rows`` without those of restricted people (DPA 2018 s.47: kept, but out of every report and
    export), for a table of people or of their records; other tables as they are."""
    model = rows.model
    if model is Nominal:
        return rows.filter(restricted=False)
    if any(f.name == "nominal" for f in model._meta.concrete_fields):
        return rows.filter(nominal__restricted=False)
    return rows


def table_frame(name: str, using: str = "default", *, as_held: bool = False) -> pl.DataFrame:
    """Table ``name`` of the database as its canonical frame (empty with the right dtypes when it
    has no rows), rows in the order they were recorded; ``as_held`` (for writing a package back
    out) keeps whole-number columns whole and puts rows in the order of their natural key."""
    mapping: TableModel = MAPPINGS[name]
    table = TABLES[name]
    order = (*mapping.key, "pk") if as_held else ("pk",)
    query = unrestricted(mapping.model._base_manager.using(using)).order_by(*order).values_list(*table.names)
    sql, params = query.query.get_compiler(using=using).as_sql()
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    columns: list[tuple[Any, ...] | list[Any]] = (
        list(zip(*rows, strict=True)) if rows else [[] for _ in table.columns])
    return pl.DataFrame([_canonical(column.name, column.kind, values, as_held and mapping.is_integer(column.name))
                         for column, values in zip(table.columns, columns, strict=True)])


def database_frames(using: str = "default") -> dict[str, pl.DataFrame]:
    """Every table with rows (and always ``nominals`` and ``cohort``), as canonical frames."""
    frames: dict[str, pl.DataFrame] = {}
    for name in TABLES:
        frame = table_frame(name, using)
        if frame.height or name in ALWAYS_PRESENT:
            frames[name] = frame
    return frames
