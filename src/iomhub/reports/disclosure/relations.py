"""The relations between the report's figures, as linear equations and inequations over cells.

A reader with every table of one publication knows more than the figures shown: that the
schemes add up to the ``all`` row, that the age bands, genders and areas add up to the same
cohort, that the caseload adds up both ways, that community plus custody is the caseload, that
a part is no larger than its whole, that a group is listed only when someone is in it, that
days at liberty fit in the window, that pounds lie between the smallest and the largest unit
cost. Each table's ``TableSpec.lines`` (``reports/tables.py``) declares these as data;
:func:`relations` turns them into :class:`Relation` s over the cells of the tables at hand,
keeping only those the figures satisfy (a relation marked ``checked`` need not hold, e.g. the
providers add up to the statutory count only when nobody has two; one not marked always does,
which ``tests/reports/disclosure`` checks on unsuppressed reports).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from iomhub.reports.disclosure.cells import Cell, Index
from iomhub.reports.tables import (
    TABLES,
    AtLiberty,
    Equals,
    LineSpec,
    Listed,
    Partition,
    RowSum,
    Sense,
    SumsTo,
    Valued,
)

TOLERANCE = 1e-6  # relative, for sums of pounds (floating point)


@dataclass(frozen=True)
class Relation:
    """Σ coefficient × cell (``sense``) ``constant``, declared by ``table``; ``kind`` says in
    words what it is (the publication lists the kinds it audited)."""

    terms: tuple[tuple[Cell, float], ...]
    sense: Sense
    constant: float
    kind: str
    table: str

    def holds(self, index: Index) -> bool:
        values = [index.value(cell) for cell, _ in self.terms]
        if any(v is None or (isinstance(v, float) and math.isnan(v)) for v in values):
            return False
        total = sum(float(v) * coefficient for v, (_, coefficient) in zip(values, self.terms, strict=True))
        slack = TOLERANCE * (1.0 + sum(abs(float(v) * c) for v, (_, c) in zip(values, self.terms, strict=True)))
        if self.sense == "=":
            return bool(abs(total - self.constant) <= slack)
        if self.sense == "<=":
            return bool(total <= self.constant + slack)
        return bool(total >= self.constant - slack)


@dataclass(frozen=True)
class Limits:
    """What bounds days and pounds: the days of the baseline and of the period, the months of
    the join-anchored windows, and the smallest and largest unit cost (None: not known, and
    those relations are not taken)."""

    baseline_days: int | None = None
    period_days: int | None = None
    window_months: int | None = None
    unit_cost_range: tuple[float, float] | None = None

    def window_days(self, window: str) -> int | None:
        if window == "baseline":
            return self.baseline_days
        if window == "period":
            return self.period_days
        if self.window_months is None:
            return None
        months = self.window_months
        # the longest span of that many calendar months: 366 a year (a leap day), else 31 a month
        return 366 * (months // 12) if months % 12 == 0 else 31 * months

    @staticmethod
    def of(settings: Mapping[str, Any], baseline: tuple[date, date], period: tuple[date, date]) -> Limits:
        costs = [float(v) for v in (settings.get("unit_costs") or {}).values() if v is not None]
        months = settings.get("effect_window_months")
        return Limits((baseline[1] - baseline[0]).days + 1, (period[1] - period[0]).days + 1,
                      int(months) if months is not None else None,
                      (min(costs), max(costs)) if costs else None)


NO_LIMITS = Limits()

KINDS = {
    "partition": "the groups add up to the all row",
    "sums_to": "the groups add up to a figure of another table",
    "sums_to_at_least": "the groups add up to at least a figure (one person may count under two)",
    "equals": "the same figure in two tables",
    "at_most_other": "a part no larger than a figure of another table",
    "row_sum": "the parts of a row add up to its total",
    "at_most": "a part no larger than its whole",
    "listed": "a group is listed only when someone is in it",
    "at_liberty": "days at liberty fit in the window",
    "valued": "pounds lie between the smallest and largest unit cost",
}


def _matches(row: Mapping[str, Any], where: Mapping[str, Any]) -> bool:
    return all(row.get(column) in allowed for column, allowed in where.items())


def _is_total(value: Any) -> bool:
    return bool(value == "all")


def _partition(index: Index, table: str, spec: Partition) -> Iterator[Relation]:
    buckets: dict[tuple[Any, ...], tuple[list[int], list[int]]] = {}
    for i, row in enumerate(index.rows.get(table, [])):
        bucket = buckets.setdefault(tuple(row[k] for k in spec.within), ([], []))
        bucket[1 if _is_total(row[spec.group]) else 0].append(i)
    for members, totals in buckets.values():
        if len(totals) != 1 or not members:
            continue
        for column in spec.columns:
            if index.has(table, column):
                yield Relation((*(((table, i, column), 1.0) for i in members), ((table, totals[0], column), -1.0)),
                               "=", 0.0, KINDS["partition"], table)


def _sums_to(index: Index, table: str, spec: SumsTo) -> Iterator[Relation]:
    if not (index.has(table, spec.column) and index.has(spec.total, spec.total_column)):
        return
    groups: dict[tuple[Any, ...], list[int]] = {}
    for i, row in enumerate(index.rows[table]):
        groups.setdefault(tuple(row[k] for k in spec.by), []).append(i)
    kind = KINDS["sums_to_at_least" if spec.sense == ">=" else "sums_to"]
    for values, members in groups.items():
        for j in index.find(spec.total, **dict(zip(spec.by, values, strict=True)), **spec.fixed)[:1]:
            yield Relation((*(((table, i, spec.column), 1.0) for i in members),
                            ((spec.total, j, spec.total_column), -1.0)), spec.sense, 0.0, kind, table)


def _equals(index: Index, table: str, spec: Equals) -> Iterator[Relation]:
    kind = KINDS["equals" if spec.sense == "=" else "at_most_other"]
    for i, row in enumerate(index.rows.get(table, [])):
        if not _matches(row, spec.where):
            continue
        key = {other: row[mine] for other, mine in spec.match.items()}
        for j in index.find(spec.other, **key, **spec.fixed)[:1]:
            if (spec.other, j) == (table, i):
                continue
            for column, other_column in spec.columns:
                if index.has(table, column) and index.has(spec.other, other_column):
                    yield Relation((((table, i, column), 1.0), ((spec.other, j, other_column), -1.0)),
                                   spec.sense, 0.0, kind, table)


def _row_sums(index: Index, table: str, spec: RowSum) -> Iterator[Relation]:
    if not all(index.has(table, column) for column in (*spec.members, spec.total)):
        return
    kind = KINDS["row_sum" if spec.sense == "=" else "at_most"]
    for i in range(len(index.rows[table])):
        yield Relation((*(((table, i, column), 1.0) for column in spec.members), ((table, i, spec.total), -1.0)),
                       spec.sense, 0.0, kind, table)


def _listed(index: Index, table: str, spec: Listed) -> Iterator[Relation]:
    groups: dict[tuple[Any, ...], list[int]] = {}
    for i, row in enumerate(index.rows.get(table, [])):
        if _matches(row, {k: (v,) for k, v in spec.fixed.items()}) and not any(_is_total(row[k]) for k in spec.by):
            groups.setdefault(tuple(row[k] for k in spec.by), []).append(i)
    columns = [c for c in spec.columns if index.has(table, c)]
    for members in groups.values():
        if columns:
            yield Relation(tuple(((table, i, c), 1.0) for i in members for c in columns), ">=", 1.0,
                           KINDS["listed"], table)


def _at_liberty(index: Index, table: str, spec: AtLiberty, limits: Limits) -> Iterator[Relation]:
    days = limits.window_days(spec.window)
    if days is None or not (index.has(table, spec.days) and index.has(table, spec.people)):
        return
    for i in index.find(table, basis=spec.basis):
        yield Relation((((table, i, spec.days), 1.0), ((table, i, spec.people), -float(days))), "<=", 0.0,
                       KINDS["at_liberty"], table)


def _valued(index: Index, table: str, spec: Valued, limits: Limits) -> Iterator[Relation]:
    if limits.unit_cost_range is None or not all(
            index.has(table, c) for c in (spec.cost, spec.offences, spec.not_valued)):
        return
    low, high = limits.unit_cost_range
    for i in range(len(index.rows[table])):
        for sense, pounds in ((">=", low), ("<=", high)):
            yield Relation((((table, i, spec.cost), 1.0), ((table, i, spec.offences), -pounds),
                            ((table, i, spec.not_valued), pounds)), sense, 0.0, KINDS["valued"], table)  # type: ignore[arg-type]


def declared(index: Index, table: str, line: LineSpec, limits: Limits) -> Iterator[Relation]:
    """The relations one declaration of ``table`` makes over the cells at hand."""
    if isinstance(line, Partition):
        yield from _partition(index, table, line)
    elif isinstance(line, SumsTo):
        yield from _sums_to(index, table, line)
    elif isinstance(line, Equals):
        yield from _equals(index, table, line)
    elif isinstance(line, RowSum):
        yield from _row_sums(index, table, line)
    elif isinstance(line, Listed):
        yield from _listed(index, table, line)
    elif isinstance(line, AtLiberty):
        yield from _at_liberty(index, table, line, limits)
    else:
        yield from _valued(index, table, line, limits)


def relations(index: Index, limits: Limits = NO_LIMITS) -> list[Relation]:
    """Every relation the tables' declarations make that their figures satisfy, in the
    registry's order, without repeats."""
    found: dict[tuple[tuple[tuple[Cell, float], ...], str, float], Relation] = {}
    for name, spec in TABLES.items():
        if name not in index.tables:
            continue
        for line in spec.lines:
            for relation in declared(index, name, line, limits):
                if relation.holds(index):
                    found.setdefault((relation.terms, relation.sense, relation.constant), relation)
    return list(found.values())
