"""Controlled rounding to base 5: the alternative for tables that suppression would empty
(``--disclosure round``).

Every count is published as a multiple of 5 next to it (3 as 0 or 5, 12 as 10 or 15; a
multiple of 5 as itself), chosen by integer programming so that the relations between counts
still hold where they can (the areas still add up to the caseload, community plus custody to
it, a part stays no larger than its whole: *controlled* rounding, Cox 1987; Hundepool et al.
2012, chapter 5) and, among the roundings that keep them, the one nearest the truth. A relation
that no rounding can keep is given up at a high price, so the fewest are.

What a reader can then derive is checked by the same audit as suppression
(:mod:`iomhub.reports.disclosure.audit`): a rounded count is known to within the base, and a
count under the threshold must keep a range of at least the base's width that reaches its
floor or the threshold; one that does not is withheld and protected as a suppressed cell.

The figures worked out from counts that a formula gives (percentages, changes, rates per
person) are worked out again from the rounded counts; every other derived figure (intervals,
averages, days at liberty, pounds, effect estimates, balance) would give the exact counts back
(an average of whole numbers times its rounded count must be a whole number, which few counts
in the range allow) and is withheld in every row alike, as are texts quoting a count.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import polars as pl

from iomhub.reports.disclosure.cells import Cell, Index
from iomhub.reports.disclosure.lp import Matrix, Solver
from iomhub.reports.disclosure.protect import Protection, copied, protect, quantities, quotes, rules
from iomhub.reports.disclosure.relations import Limits, Relation, relations
from iomhub.reports.tables import ChangeOf, Percent

BASE = 5
BROKEN = 1000.0  # the price of a relation the rounded counts do not keep


def _count_relations(found: list[Relation], counts: set[Cell]) -> list[Relation]:
    """The relations between counts only that rounded counts should keep (not "listed": a
    rounded group may be 0)."""
    return [r for r in found if r.constant == 0.0 and all(cell in counts for cell, _ in r.terms)]


def controlled_rounding(index: Index, counts: set[Cell], found: list[Relation]) -> tuple[dict[Cell, int], int]:
    """Each count's published multiple of ``BASE``, and how many relations could not be kept."""
    kept = _count_relations(found, counts)
    cells = sorted(counts)
    position = {cell: i for i, cell in enumerate(cells)}
    truth = np.array([float(index.value(cell)) for cell in cells])
    low = np.floor(truth / BASE) * BASE
    free = truth != low  # a multiple of BASE is published as itself
    n, m = len(cells), len(kept)
    # variables: z (1: round up), then each relation's slack above and below
    rows, cols, data = [], [], []
    lower, upper = [], []
    for r, relation in enumerate(kept):
        offset = 0.0
        for cell, coefficient in relation.terms:
            i = position[cell]
            offset += coefficient * low[i]
            if free[i]:
                rows.append(r)
                cols.append(i)
                data.append(coefficient * BASE)
        rows += [r, r]
        cols += [n + 2 * r, n + 2 * r + 1]
        data += [-1.0, 1.0]
        lower.append(-offset if relation.sense in ("=", ">=") else -math.inf)
        upper.append(-offset if relation.sense in ("=", "<=") else math.inf)
    matrix = Matrix(rows, cols, data, (m, n + 2 * m))
    cost = np.concatenate([np.where(free, (low + BASE - truth) - (truth - low), 0.0), np.full(2 * m, BROKEN)])
    bounds = [(0.0, 1.0 if free[i] else 0.0) for i in range(n)] + [(0.0, math.inf)] * (2 * m)
    whole = np.array([True] * n + [False] * (2 * m))
    status, _, solution = Solver(matrix, np.array(lower), np.array(upper), bounds, whole).solve(cost)
    if status != "optimal":
        raise ArithmeticError("controlled rounding found no solution")
    up = np.round(solution[:n])
    broken = int(np.sum(solution[n:] > 1e-6))
    return {cell: int(low[i] + BASE * up[i]) for i, cell in enumerate(cells)}, broken


def _formula(formula: Percent | ChangeOf, row: Mapping[str, Any]) -> float | None:
    if isinstance(formula, ChangeOf):
        before, after = row[formula.before], row[formula.after]
        return None if not before else (after - before) / before * 100.0
    denominator = sum(row[c] for c in formula.denominator)
    return None if not denominator else row[formula.numerator] / denominator * formula.scale


def rounded_protection(tables: dict[str, pl.DataFrame], threshold: int, limits: Limits,
                       small_numbers: int = 10) -> tuple[Protection, dict[str, dict[tuple[int, str], Any]]]:
    """The protection of a rounded publication and the values it replaces, per table
    (``small_numbers``: the flag of a group with fewer people, worked out from its rounded count)."""
    index = Index(tables)
    counts, _ = quantities(index)
    rounded, broken = controlled_rounding(index, counts, relations(index, limits))
    protection = protect(tables, threshold, limits, rounded=rounded)
    withheld = set(protection.withheld)
    published = {cell: value for cell, value in protection.rounded.items() if cell not in withheld}
    replaced: dict[str, dict[tuple[int, str], Any]] = {}
    for cell, value in published.items():
        replaced.setdefault(cell[0], {})[(cell[1], cell[2])] = value
    for table, rule in rules().items():
        for i, row in enumerate(index.rows.get(table, [])):
            shown = {**row, **{c: v for (j, c), v in replaced.get(table, {}).items() if j == i}}
            gone = {c for t, j, c in withheld if t == table and j == i}
            figures = {*rule.derived, *rule.magnitudes, *(s.column for s in rule.shares),
                       *(d for s in rule.shares for d in s.derived)} - {"small_numbers"}
            for column in figures:
                if row.get(column) is None:
                    continue
                formula = rule.formulas.get(column)
                sources = set(rule.derived.get(column, ()))
                if formula is not None and not sources & gone and sources <= set(rule.counts):
                    replaced.setdefault(table, {})[(i, column)] = _formula(formula, shown)
                else:
                    withheld.add((table, i, column))
            withheld |= {(table, i, c) for c in rule.quotes if quotes(row.get(c))}
            if rule.copies and str(row.get("actual_source") or "").startswith("computed"):
                _copy_actual(index, table, i, row, published, withheld, replaced)
                withheld |= {(table, i, c) for c in rule.copies if c != "actual" and row.get(c) is not None}
            if row.get("small_numbers") is not None and rule.people in row:
                people = None if (table, i, rule.people) in withheld else shown.get(rule.people)
                replaced.setdefault(table, {})[(i, "small_numbers")] = (
                    None if people is None else bool(people < small_numbers))
    protection.withheld = withheld
    protection.broken = broken
    return protection, replaced


def _copy_actual(index: Index, table: str, i: int, row: Mapping[str, Any], published: Mapping[Cell, int],
                 withheld: set[Cell], replaced: dict[str, dict[tuple[int, str], Any]]) -> None:
    """A framework actual computed from a figure shows that figure as published (rounded)."""
    found = copied(index, row)
    if found is None:
        return
    figure, source = found
    value = None
    if source is not None:
        value = replaced.get(source[0], {}).get((source[1], source[2]), published.get(source))
    if value is None:
        withheld.add((table, i, "actual"))
    else:
        replaced.setdefault(table, {})[(i, "actual")] = -float(value) if figure.negated else float(value)
