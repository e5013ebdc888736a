"""Which cells a publication withholds: primary suppression, then suppression added until the
audit passes, then every figure computed from a withheld one.

*Primary*: a count from 1 to the threshold − 1, and every count of a row whose people count is
one (its offences are about fewer than the threshold of people). *Sensitive*: the primary
counts, and any withheld count under the threshold (a 0 withheld). *Protected*: for each
sensitive cell, the range a reader can derive (:mod:`iomhub.reports.disclosure.audit`) reaches
down to the least the cell could be before anything was published (0, or 1 for a group the
table lists only when someone is in it) and up to the threshold. Where it does not, the cells
that pin it are found by linear programming (:meth:`~iomhub.reports.disclosure.lp.Program.alternative`:
a table the reader could not tell from the true one, with the cell at the bound to be reached,
changing as few shown cells as it can, totals last) and withheld, and the audit runs again:
withholding never narrows a range, so this ends. Last, *derived* figures (rates, percentages,
changes, costs, days, intervals, averages, the small-numbers flags) go with any source withheld,
and so do text cells quoting a withheld count of people, shares of people whose count is
small, and the performance framework's actuals copied from a withheld figure.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from iomhub.reports.disclosure.audit import Audit, Reader, audit, floor_of
from iomhub.reports.disclosure.cells import Cell, Index
from iomhub.reports.disclosure.lp import INFINITY, Program, Requirement
from iomhub.reports.disclosure.relations import NO_LIMITS, Limits, Relation, relations
from iomhub.reports.tables import FIGURES, LAST_DATE, TABLES, Figure, Rule, Share

TOTAL_WEIGHT = 5.0  # withholding a total (an ``all`` row's figure, a margin) costs this many inner cells
MAX_ROUNDS = 100


class DisclosureError(RuntimeError):
    """The tables cannot be published without disclosure (the audit does not pass)."""


@dataclass
class Protection:
    """What a publication withholds and why."""

    withheld: set[Cell]
    primary: set[Cell]
    added: set[Cell]  # counts and magnitudes withheld because the audit asked
    relations: list[Relation]
    audit: Audit
    rounds: int
    seconds: float
    rounded: dict[Cell, int] = field(default_factory=dict)
    broken: int = 0  # relations the rounded counts could not keep


def rules() -> dict[str, Rule]:
    return {name: spec.suppression for name, spec in TABLES.items() if spec.suppression is not None}


def quantities(index: Index) -> tuple[set[Cell], set[Cell]]:
    """The count cells and the magnitude cells (days, pounds) of the tables, null ones left out."""
    counts: set[Cell] = set()
    magnitudes: set[Cell] = set()
    for table, rule in rules().items():
        for columns, into in ((rule.counts, counts), (rule.magnitudes, magnitudes)):
            for column in columns:
                into |= {cell for cell in index.cells(table, column) if index.value(cell) is not None}
    return counts, magnitudes


def primary(index: Index, threshold: int) -> set[Cell]:
    """Counts from 1 to ``threshold - 1``, and every count of a row whose people count is one."""
    found: set[Cell] = set()
    for table, rule in rules().items():
        for i, row in enumerate(index.rows.get(table, [])):
            small = {c for c in rule.counts if row.get(c) is not None and 0 < row[c] < threshold}
            if rule.people in small:
                small |= {c for c in rule.counts if row.get(c) is not None}
            found |= {(table, i, c) for c in small}
    return found


def derived(index: Index, withheld: set[Cell], columns: Callable[[Rule], set[str]] | None = None) -> set[Cell]:
    """The cells derived from a withheld cell of their row, transitively (days from offenders,
    then the rate from the days); ``columns`` limits which derived columns are considered."""
    out = set(withheld)
    by_row: dict[tuple[str, int], set[str]] = {}
    for table, i, column in withheld:
        by_row.setdefault((table, i), set()).add(column)
    for table, rule in rules().items():
        wanted = set(rule.derived) if columns is None else columns(rule)
        if not wanted or table not in index.tables:
            continue
        for i, row in enumerate(index.rows[table]):
            gone = set(by_row.get((table, i), ()))
            if not gone:
                continue
            changed = True
            while changed:
                changed = False
                for column in wanted:
                    if column in row and column not in gone and gone & set(rule.derived[column]):
                        gone.add(column)
                        changed = True
            out |= {(table, i, c) for c in gone if row.get(c) is not None}
    return out


def _magnitudes(rule: Rule) -> set[str]:
    return {c for c in rule.derived if c in rule.magnitudes}


class _Weights:
    """What withholding a shown cell costs: 1 for a count, ``TOTAL_WEIGHT`` for a total (a cell
    that others add up to: totals are withheld last), and a magnitude by the unit it moves in
    (a day of a person's year, a pound of an offence)."""

    def __init__(self, program: Program, magnitudes: set[Cell]) -> None:
        self.scale: dict[Cell, float] = {}
        self.totals: set[Cell] = set()
        for relation in program.relations:
            parts = [cell for cell, coefficient in relation.terms if coefficient == 1.0]
            if relation.sense != "<=" and len(parts) >= 2 and relation.constant == 0.0:
                self.totals |= {cell for cell, coefficient in relation.terms if coefficient == -1.0}
            for cell, coefficient in relation.terms:
                if cell in magnitudes:
                    others = [abs(c) for other, c in relation.terms if other not in magnitudes]
                    self.scale[cell] = max(self.scale.get(cell, 1.0), max(others, default=1.0) / abs(coefficient))

    def __call__(self, cell: Cell) -> float:
        return (TOTAL_WEIGHT if cell in self.totals else 1.0) / self.scale.get(cell, 1.0)


def protect(tables: dict[str, pl.DataFrame], threshold: int, limits: Limits = NO_LIMITS,
            with_audit: bool = True, rounded: dict[Cell, int] | None = None) -> Protection:
    """The cells to withhold for publication and the audit that they pass (see the module's
    docstring). ``with_audit=False`` stops after primary suppression and the derived figures
    (the tests show an attacker then finds what the audit prevents). With ``rounded`` (the
    published value of every count, ``reports/disclosure/rounding.py``) nothing is withheld at
    first but the magnitudes, the audit reads the counts as rounded, and the cells returned are
    those withheld so far (the caller withholds what the rounded counts do not give)."""
    started = time.perf_counter()
    index = Index(tables)
    found = relations(index, limits)
    program = Program(found)
    counts, magnitudes = quantities(index)
    first = primary(index, threshold) if rounded is None else set()
    withheld = derived(index, first, _magnitudes) if rounded is None else set(magnitudes)
    weights = _Weights(program, magnitudes)
    floors: dict[Cell, float] = {}
    rounds = 0
    shown = dict(rounded or {})
    result = audit(program, index, withheld, first, counts, threshold, floors, rounded=shown)
    while with_audit and result.failures:
        rounds += 1
        if rounds > MAX_ROUNDS:
            raise DisclosureError(f"the disclosure audit still fails after {MAX_ROUNDS} rounds")
        sides: dict[Cell, list[str]] = {}
        for cell, side in result.failures:
            sides.setdefault(cell, []).append(side)
        for cell, failing in sides.items():
            if cell in shown:  # a rounded count that gives too much away is withheld, then protected
                del shown[cell]
                withheld = derived(index, withheld | {cell}, _magnitudes)
                continue
            withheld = _protect_one(program, index, withheld, counts, threshold, floors, weights, cell, failing,
                                    shown)
        result = audit(program, index, withheld, first, counts, threshold, floors, rounded=shown, earlier=result)
    base = derived(index, first, _magnitudes) if rounded is None else set(magnitudes)
    added = {cell for cell in withheld if cell in counts | magnitudes} - base
    everything = finish(index, derived(index, withheld), threshold) if rounded is None else withheld
    return Protection(everything, first, added, found, result, rounds, time.perf_counter() - started, shown)


def _protect_one(program: Program, index: Index, withheld: set[Cell], counts: set[Cell], threshold: int,
                 floors: dict[Cell, float], weights: _Weights, cell: Cell, sides: list[str],
                 rounded: dict[Cell, int]) -> set[Cell]:
    """``withheld`` with what it takes for ``cell`` to reach its bounds on ``sides`` ("low": its
    floor, for the reader of the rule; "high": the threshold, for a reader who also takes
    withheld counts to be at least 1), for the sides it does not already reach."""
    wanted = []
    for side in sides:
        reader = Reader(index, withheld, counts, nonzero=side == "high" and not rounded, rounded=rounded)
        bound = program.ranges([cell], reader, lambda c: c in counts, sides=side)[cell]
        if side == "low":
            floor = floor_of(program, cell, floors)
            if bound[0] > floor + 1e-6:
                wanted.append(Requirement((-INFINITY, floor), reader, reader.least))
        elif bound[1] < threshold - 1e-6:
            wanted.append(Requirement((float(threshold), INFINITY), reader, reader.least))
    if not wanted:
        return withheld
    moved = program.alternative(cell, wanted, lambda c: float(index.value(c)), weights)
    if moved is None:  # no table satisfies the relations with the cell there: withhold its whole block
        moved = set(program.structure[program.block_of[cell]])
    return derived(index, withheld | moved, _magnitudes)


def finish(index: Index, withheld: set[Cell], threshold: int) -> set[Cell]:
    """``withheld`` with the text quoting a withheld count, the shares of people whose count is
    withheld or small, and the framework's actuals copied from a withheld figure."""
    out = set(withheld)
    for table, rule in rules().items():
        if table not in index.tables:
            continue
        for column, sources in rule.quotes.items():
            if any(t == table and c in sources for t, _, c in out):
                out |= {(table, i, column) for i, row in enumerate(index.rows[table]) if quotes(row.get(column))}
        for share in rule.shares:
            out |= _shares(index, table, share, out, threshold)
    out = derived(index, out)
    return out | _copies(index, out)


def quotes(value: object) -> bool:
    """Whether a text (or a list of checks) may quote a number."""
    if value is None:
        return False
    if isinstance(value, str):
        return any(ch.isdigit() for ch in value)
    return True


def _shares(index: Index, table: str, share: Share, withheld: set[Cell], threshold: int) -> set[Cell]:
    """A share's cells to withhold: all with a withheld count of people; a yes/no share also when
    its count or the complement's is from 1 to ``threshold`` − 1."""
    bases = index.find(share.table, **share.key)
    if not index.has(table, share.column) or not bases:
        return set()
    base: Cell = (share.table, bases[0], share.count)
    people = index.value(base)
    out: set[Cell] = set()
    for i, row in enumerate(index.rows[table]):
        if row.get(share.column) is None:
            continue
        small = base in withheld or people is None
        if not small and all(row.get(k) in allowed for k, allowed in share.rows.items()) and share.rows:
            count = round(float(row[share.column]) * people)
            small = 0 < count < threshold or 0 < people - count < threshold
        if small:
            out |= {(table, i, c) for c in (share.column, *share.derived) if row.get(c) is not None}
    return out


def copied(index: Index, row: Mapping[str, Any]) -> tuple[Figure, Cell | None] | None:
    """The named figure a framework row's actual is computed from, and its cell (None: not in
    the tables); None for a typed actual."""
    figure = FIGURES.get(str(row.get("actual_source") or "").removeprefix("computed: "))
    if figure is None:
        return None
    dates = [r["date"] for r in index.rows.get(figure.table, []) if r.get("date") is not None]
    key = {k: (max(dates) if v == LAST_DATE and dates else v) for k, v in figure.key.items()}
    found = index.find(figure.table, **key)
    return figure, ((figure.table, found[0], figure.column) if found else None)


def _copies(index: Index, withheld: set[Cell]) -> set[Cell]:
    """The performance framework's computed actuals (and their RAG) whose figure is withheld."""
    out: set[Cell] = set()
    for table, rule in rules().items():
        if not rule.copies or table not in index.tables:
            continue
        for i, row in enumerate(index.rows[table]):
            source = copied(index, row)
            if source is not None and (source[1] is None or source[1] in withheld):
                out |= {(table, i, c) for c in rule.copies if row.get(c) is not None}
    return out
