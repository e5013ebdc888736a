"""Compare the tables of two report JSON documents figure by figure.

Rows are matched on their key columns (the table's dimensions: scheme, area, date, ...)
whatever their order; numbers are equal within a relative tolerance of 1e-9, and an
integer equals a float of the same value. Columns one report has beyond the other are
allowed (the JSON contract welcomes more columns), except that a column of the contract
missing from one side is a difference.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

REL_TOL = 1e-9
ABS_TOL = 1e-12  # only so that 0.0 and a float rounding residue of 0 compare equal

# The key columns (one row per combination) and the value columns of each contracted table.
KEYS: dict[str, tuple[str, ...]] = {
    "reoffending_by_scheme": ("scheme",),
    "reoffending_by_age": ("age_band",),
    "reoffending_by_gender": ("gender",),
    "reoffending_by_area": ("area",),
    "reoffending_by_flag": ("flag",),
    "target_attainment": ("scheme",),
    "caseload": ("scheme", "area", "date"),
    "caseload_status": ("scheme", "date", "status"),
    "statutory_by_provider": ("scheme", "date", "provider"),
    "risk_tiers": ("date", "tier"),
    "referrals_by_agency": ("agency",),
    "attendance_by_agency": ("agency",),
    "needs_first_assessment": ("pathway",),
    "treatment_completions": ("substance",),
    "kpis": ("indicator_id", "period"),
}
_REOFFENDING = ("offenders", "offences_before", "offences_after", "change_pct")
VALUES: dict[str, tuple[str, ...]] = {
    "reoffending_by_scheme": _REOFFENDING,
    "reoffending_by_age": _REOFFENDING,
    "reoffending_by_gender": _REOFFENDING,
    "reoffending_by_area": _REOFFENDING,
    "reoffending_by_flag": _REOFFENDING,
    "target_attainment": ("offenders", "met_target", "met_target_pct"),
    "caseload": ("count",),
    "caseload_status": ("count", "statutory"),
    "statutory_by_provider": ("count",),
    "risk_tiers": ("count",),
    "referrals_by_agency": ("referrals", "accepted", "rejected", "acceptance_pct"),
    "attendance_by_agency": ("meetings", "invited", "attended", "attendance_pct"),
    "needs_first_assessment": ("assessments", "identified", "cumulative_avg",
                               "avg_when_scored", "identified_pct"),
    "treatment_completions": ("in_treatment", "successful", "successful_pct"),
    "kpis": ("target", "actual", "rag"),
}

MAX_PER_TABLE = 20  # differences listed per table before the rest are summarised


def values_equal(x: Any, y: Any) -> bool:
    """Whether two JSON values are the same figure: numbers within a relative 1e-9
    (``3`` equals ``3.0``), anything else exactly; null equals only null."""
    if x is None or y is None:
        return x is None and y is None
    if isinstance(x, bool) or isinstance(y, bool):
        return isinstance(x, bool) and isinstance(y, bool) and x == y
    numeric = (int, float)
    if (isinstance(x, numeric) and isinstance(y, numeric)
            and not isinstance(x, bool) and not isinstance(y, bool)):
        return math.isclose(x, y, rel_tol=REL_TOL, abs_tol=ABS_TOL)
    return bool(x == y)


def key_columns(table: str, rows: Iterable[Mapping[str, Any]]) -> tuple[str, ...]:
    """The key columns of a table: the contract's, or for a table it does not name, the
    columns holding text (the dimensions), in the order of the first row."""
    if table in KEYS:
        return KEYS[table]
    columns: dict[str, bool] = {}
    for row in rows:
        for column, value in row.items():
            columns.setdefault(column, False)
            if isinstance(value, str):
                columns[column] = True
    return tuple(column for column, textual in columns.items() if textual)


def _index(rows: list[Mapping[str, Any]], keys: tuple[str, ...], side: str, table: str,
           problems: list[str]) -> dict[tuple[Any, ...], Mapping[str, Any]]:
    index: dict[tuple[Any, ...], Mapping[str, Any]] = {}
    for row in rows:
        key = tuple(row.get(k) for k in keys)
        if key in index:
            problems.append(f"{table}: {side} has two rows for {_show(keys, key)}")
        index[key] = row
    return index


def _show(keys: tuple[str, ...], key: tuple[Any, ...]) -> str:
    return ", ".join(f"{k}={v}" for k, v in zip(keys, key, strict=True)) or "the only row"


def compare_table(table: str, rows_a: list[Mapping[str, Any]], rows_b: list[Mapping[str, Any]],
                  names: tuple[str, str] = ("a", "b")) -> list[str]:
    """The differences between two versions of one table, as readable lines."""
    name_a, name_b = names
    problems: list[str] = []
    keys = key_columns(table, [*rows_a, *rows_b])
    columns_a = {c for row in rows_a for c in row}
    columns_b = {c for row in rows_b for c in row}
    contract = set(KEYS.get(table, ())) | set(VALUES.get(table, ()))
    for column in sorted(contract & (columns_a ^ columns_b)) if rows_a and rows_b else ():
        holder, lacking = (name_a, name_b) if column in columns_a else (name_b, name_a)
        problems.append(f"{table}: column {column!r} is in {holder} but not in {lacking}")
    shared = sorted((columns_a & columns_b) - set(keys))

    index_a = _index(rows_a, keys, name_a, table, problems)
    index_b = _index(rows_b, keys, name_b, table, problems)
    for key in index_a.keys() - index_b.keys():
        problems.append(f"{table}: row {_show(keys, key)} only in {name_a}")
    for key in index_b.keys() - index_a.keys():
        problems.append(f"{table}: row {_show(keys, key)} only in {name_b}")
    for key in index_a.keys() & index_b.keys():
        row_a, row_b = index_a[key], index_b[key]
        for column in shared:
            x, y = row_a.get(column), row_b.get(column)
            if not values_equal(x, y):
                problems.append(f"{table}: {_show(keys, key)}: {column} is {x!r} in {name_a} "
                                f"but {y!r} in {name_b}")
    problems.sort()
    if len(problems) > MAX_PER_TABLE:
        more = len(problems) - MAX_PER_TABLE
        problems = [*problems[:MAX_PER_TABLE], f"{table}: ... and {more} more differences"]
    return problems


def compare_reports(a: dict[str, Any], b: dict[str, Any], tables: list[str],
                    names: tuple[str, str] = ("a", "b")) -> list[str]:
    """Human-readable differences between the named tables of two reports (empty when equal).

    Each report is a dict with a ``tables`` mapping of table name to a list of row dicts,
    as ``iomhub report --format json`` and ``benchmarks/pandas_report.py`` write them. A
    table missing from one report, a row present in only one, and a figure that differs
    are each a difference; the order of rows never is. ``names`` label the two reports.
    """
    name_a, name_b = names
    tables_a = a.get("tables", {})
    tables_b = b.get("tables", {})
    problems: list[str] = []
    for table in tables:
        if table not in tables_a or table not in tables_b:
            missing = [name for name, held in ((name_a, tables_a), (name_b, tables_b))
                       if table not in held]
            problems.append(f"{table}: table missing from {' and '.join(missing)}")
            continue
        problems.extend(compare_table(table, tables_a[table], tables_b[table], names))
    return problems
