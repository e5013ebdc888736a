"""The cells of the report's tables, named ``(table, row index, column)``, and their rows
looked up by key."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

Cell = tuple[str, int, str]  # (table, row index, column)


class Index:
    """Rows of the tables looked up by their key columns."""

    def __init__(self, tables: Mapping[str, pl.DataFrame]) -> None:
        self.tables = tables
        self.rows: dict[str, list[dict[str, Any]]] = {
            name: list(frame.iter_rows(named=True)) for name, frame in tables.items()}

    def find(self, table: str, **key: Any) -> list[int]:
        return [i for i, row in enumerate(self.rows.get(table, []))
                if all(row.get(k) == v for k, v in key.items())]

    def value(self, cell: Cell) -> Any:
        table, index, column = cell
        return self.rows[table][index].get(column)

    def has(self, table: str, column: str) -> bool:
        return table in self.tables and column in self.tables[table].columns

    def cells(self, table: str, column: str) -> list[Cell]:
        """Every cell of ``column`` in ``table`` (none when either is absent)."""
        if not self.has(table, column):
            return []
        return [(table, i, column) for i in range(len(self.rows[table]))]


def by_table(cells: set[Cell]) -> dict[str, set[tuple[int, str]]]:
    """``{table: {(row index, column), ...}}``."""
    out: dict[str, set[tuple[int, str]]] = {}
    for table, index, column in cells:
        out.setdefault(table, set()).add((index, column))
    return out
