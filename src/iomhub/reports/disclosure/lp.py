"""Linear programmes over the report's relations, solved by HiGHS (``highspy``).

Two questions are asked of them. *How far can a reader move a cell?* (:meth:`Program.ranges`):
every cell the reader knows only as an interval (withheld: from its least value up; rounded:
the rounding's interval) is a variable, every cell shown is a constant, every relation a
constraint; the least and greatest value of a cell subject to them is what the publication
gives away about it. *Which shown cells must go so that a reader could believe a value far
enough from the truth?* (:meth:`Program.alternative`): a table that satisfies every relation,
has the cell at the value to be reached, and differs from the truth only where the reader
cannot see, at the least weighted cost of the shown cells it changes (Fischetti and
Salazar-González's model of cell suppression, one protection requirement at a time); the
shown cells it changes are the ones to withhold.

The relations split the cells into independent blocks (a shown cell joins nothing), so each
programme is small: one per block and per question.
"""

from __future__ import annotations

import ctypes
import math
import os
import sys
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import highspy
import numpy as np

from iomhub.reports.disclosure.cells import Cell
from iomhub.reports.disclosure.relations import Relation

Interval = tuple[float, float]
INFINITY = math.inf
EPSILON = 1e-6


class _Lazy(dict[Cell, Interval]):
    """``known`` asked once per cell, when first needed."""

    def __init__(self, known: Callable[[Cell], Interval]) -> None:
        super().__init__()
        self.known = known

    def __missing__(self, cell: Cell) -> Interval:
        self[cell] = found = self.known(cell)
        return found


class _Blocks:
    """Union-find over cells."""

    def __init__(self) -> None:
        self.parent: dict[Cell, Cell] = {}

    def find(self, cell: Cell) -> Cell:
        self.parent.setdefault(cell, cell)
        root = cell
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[cell] != root:
            self.parent[cell], cell = root, self.parent[cell]
        return root

    def join(self, cells: Iterable[Cell]) -> None:
        first: Cell | None = None
        for cell in cells:
            if first is None:
                first = self.find(cell)
            else:
                self.parent[self.find(cell)] = first


@dataclass(frozen=True)
class _Block:
    """The relations that join some variables, and those variables."""

    variables: list[Cell]
    relations: list[Relation]


@dataclass
class Matrix:
    """A sparse matrix as its entries (row, column, value); repeated entries add up."""

    rows: list[int]
    columns: list[int]
    values: list[float]
    shape: tuple[int, int]

    def stacked(self, below: Matrix) -> Matrix:
        """This matrix above ``below`` (as wide as the wider)."""
        return Matrix(self.rows + [r + self.shape[0] for r in below.rows], self.columns + below.columns,
                      self.values + below.values,
                      (self.shape[0] + below.shape[0], max(self.shape[1], below.shape[1])))

    def by_column(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """HiGHS's column-wise form: where each column starts, the rows, the values."""
        merged: dict[tuple[int, int], float] = {}
        for r, c, v in zip(self.rows, self.columns, self.values, strict=True):
            merged[(c, r)] = merged.get((c, r), 0.0) + v
        keys = sorted(merged)
        columns = np.array([c for c, _ in keys], dtype=np.int64)
        start = np.concatenate([[0], np.cumsum(np.bincount(columns, minlength=self.shape[1]))]).astype(np.int32)
        return (start, np.array([r for _, r in keys], dtype=np.int32),
                np.array([merged[key] for key in keys], dtype=float))


def _matrices(block: _Block, position: Mapping[Cell, int],
              constant: Callable[[Cell], float | None]) -> tuple[Matrix, np.ndarray, np.ndarray]:
    """The block's relations as ``lower ≤ A x ≤ upper`` over its variables (shown cells moved
    to the bounds)."""
    rows, cols, data, lower, upper = [], [], [], [], []
    for r, relation in enumerate(block.relations):
        offset = relation.constant
        for cell, coefficient in relation.terms:
            value = constant(cell)
            if value is None:
                rows.append(r)
                cols.append(position[cell])
                data.append(coefficient)
            else:
                offset -= coefficient * value
        lower.append(offset if relation.sense in ("=", ">=") else -INFINITY)
        upper.append(offset if relation.sense in ("=", "<=") else INFINITY)
    shape = (len(block.relations), len(block.variables))
    return Matrix(rows, cols, data, shape), np.array(lower, dtype=float), np.array(upper, dtype=float)


_FIRST = threading.Lock()
_quiet = False


def _highs() -> highspy.Highs:
    """A HiGHS instance. The first one of a process prints HiGHS's banner on the standard output
    (where the JSON report may be going): it is made with that output sent to /dev/null."""
    global _quiet
    with _FIRST:
        if _quiet:
            return highspy.Highs()  # type: ignore[no-untyped-call]
        sys.stdout.flush()
        saved, sink = os.dup(1), os.open(os.devnull, os.O_WRONLY)
        os.dup2(sink, 1)
        try:
            highs = highspy.Highs()  # type: ignore[no-untyped-call]
            ctypes.CDLL(None).fflush(None)
        finally:
            os.dup2(saved, 1)
            os.close(saved)
            os.close(sink)
        _quiet = True
        return highs


class Solver:
    """A HiGHS model of ``lower ≤ A x ≤ upper`` with bounds on x, asked for the least and
    greatest value of one variable after another (each solve starts from the last one's basis)."""

    def __init__(self, matrix: Matrix, lower: np.ndarray, upper: np.ndarray,
                 bounds: list[Interval], whole: np.ndarray | None = None) -> None:
        self.highs = _highs()
        self.highs.setOptionValue("output_flag", False)
        if whole is None or not whole.any():
            self.highs.setOptionValue("presolve", "off")  # each solve starts from the last basis
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = matrix.shape[1], matrix.shape[0]
        lp.col_cost_ = np.zeros(matrix.shape[1])
        lp.col_lower_ = np.array([_finite(b[0]) for b in bounds], dtype=float)
        lp.col_upper_ = np.array([_finite(b[1]) for b in bounds], dtype=float)
        lp.row_lower_ = np.array([_finite(v) for v in lower], dtype=float)
        lp.row_upper_ = np.array([_finite(v) for v in upper], dtype=float)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = matrix.by_column()
        if whole is not None and whole.any():
            lp.integrality_ = [highspy.HighsVarType.kInteger if w else highspy.HighsVarType.kContinuous
                               for w in whole]
        self.highs.passModel(lp)

    def solve(self, cost: np.ndarray) -> tuple[str, float, np.ndarray]:
        """("optimal", the least of cost · x, x) or ("unbounded", -inf, empty)."""
        self.highs.changeColsCost(len(cost), np.arange(len(cost), dtype=np.int32), cost)
        self.highs.run()
        status = self.highs.getModelStatus()
        if status == highspy.HighsModelStatus.kUnknown:
            # The simplex started from the last basis can stall on these small, highly degenerate
            # programmes (seen on a 3 x 2 caseload of ones); solved again from scratch with presolve.
            _, presolve = self.highs.getOptionValue("presolve")
            self.highs.clearSolver()
            self.highs.setOptionValue("presolve", "on")
            self.highs.run()
            status = self.highs.getModelStatus()
            self.highs.setOptionValue("presolve", presolve)
        if status in (highspy.HighsModelStatus.kUnbounded, highspy.HighsModelStatus.kUnboundedOrInfeasible):
            return "unbounded", -INFINITY, np.array([])
        if status != highspy.HighsModelStatus.kOptimal:
            return "failed", math.nan, np.array([])
        values = np.array(self.highs.getSolution().col_value)
        return "optimal", float(self.highs.getInfo().objective_function_value), values

    def extreme(self, index: int, greatest: bool) -> tuple[float, np.ndarray]:
        """The least (or greatest) value of variable ``index`` (infinite when unbounded), and
        the solution that reaches it."""
        cost = np.zeros(self.highs.getNumCol())
        cost[index] = -1.0 if greatest else 1.0
        status, value, solution = self.solve(cost)
        if status == "unbounded":
            return (INFINITY if greatest else -INFINITY), solution
        if status != "optimal":
            raise ArithmeticError("the disclosure audit's programme has no solution")
        return (-value if greatest else value), solution


def solver_name() -> str:
    """The solver, as the publication records it."""
    return f"HiGHS {highspy.HIGHS_VERSION_MAJOR}.{highspy.HIGHS_VERSION_MINOR}.{highspy.HIGHS_VERSION_PATCH} (highspy)"


def _whole(values: np.ndarray) -> bool:
    return bool(np.all(np.abs(values - np.round(values)) <= EPSILON))


def _finite(value: float) -> float:
    return highspy.kHighsInf if value == INFINITY else -highspy.kHighsInf if value == -INFINITY else float(value)


class Program:
    """The relations of one publication, ready to be asked questions of."""

    def __init__(self, relations: list[Relation]) -> None:
        self.relations = relations
        self.by_cell: dict[Cell, list[int]] = {}
        for r, relation in enumerate(relations):
            for cell, _ in relation.terms:
                self.by_cell.setdefault(cell, []).append(r)
        blocks = _Blocks()
        for relation in relations:
            blocks.join(cell for cell, _ in relation.terms)
        self.structure: dict[Cell, list[Cell]] = {}
        for cell in self.by_cell:
            self.structure.setdefault(blocks.find(cell), []).append(cell)
        self.block_of = {cell: root for root, cells in self.structure.items() for cell in cells}

    def _blocks(self, targets: Iterable[Cell], known: Mapping[Cell, Interval]) -> list[tuple[_Block, list[Cell]]]:
        """The blocks of the variables (cells not known exactly) that hold ``targets``: the
        cells reached from a target through relations, passing through unknown cells only."""
        seen: dict[Cell, int] = {}
        blocks: list[tuple[list[Cell], set[int], list[Cell]]] = []
        for target in targets:
            if target in seen:
                blocks[seen[target]][2].append(target)
                continue
            number = len(blocks)
            cells, relations = [target], set()
            seen[target] = number
            queue = [target]
            while queue:
                cell = queue.pop()
                for r in self.by_cell.get(cell, ()):
                    if r in relations:
                        continue
                    relations.add(r)
                    for other, _ in self.relations[r].terms:
                        if other not in seen and known[other][0] != known[other][1]:
                            seen[other] = number
                            cells.append(other)
                            queue.append(other)
            blocks.append((cells, relations, [target]))
        return [(_Block(cells, [self.relations[r] for r in sorted(relations)]), wanted)
                for cells, relations, wanted in blocks]

    def ranges(self, targets: Iterable[Cell], known: Callable[[Cell], Interval],
               integer: Callable[[Cell], bool] | None = None, sides: str = "both",
               enough: Callable[[Cell], Interval] | None = None) -> dict[Cell, Interval]:
        """The least and greatest value of each target (a cell in some relation) given what is
        known of every cell (``known``: an interval; a point for a cell shown), by linear
        programming, or by integer programming where ``integer`` says a cell is a whole number.
        ``sides``: "both", "low" (the greatest is left infinite) or "high". With ``enough`` (a
        low and a high value per target), a side is not solved when a table already found for
        another target has the target at or beyond that value: the value returned is then that
        table's, which is enough to know the bound reaches it."""
        out: dict[Cell, Interval] = {}
        intervals = _Lazy(known)
        for block, wanted in self._blocks(list(targets), intervals):
            position = {cell: i for i, cell in enumerate(block.variables)}
            matrix, lower, upper = _matrices(block, position, _shown(position, intervals))
            bounds = [intervals[cell] for cell in block.variables]
            linear = Solver(matrix, lower, upper, bounds)
            whole = np.array([integer is not None and integer(cell) for cell in block.variables])
            exact: Solver | None = None
            tables: list[np.ndarray] = []  # whole-number tables found so far
            for target in wanted:
                found = []
                for greatest in (False, True):
                    if sides == ("low" if greatest else "high"):  # not asked for
                        found.append(INFINITY if greatest else -INFINITY)
                        continue
                    j = position[target]
                    if enough is not None:
                        goal = enough(target)[1 if greatest else 0]
                        seen = [t[j] for t in tables
                                if (t[j] >= goal - EPSILON if greatest else t[j] <= goal + EPSILON)]
                        if seen:
                            found.append(max(seen) if greatest else min(seen))
                            continue
                    value, vertex = linear.extreme(j, greatest)
                    if whole.any() and math.isfinite(value) and not _whole(vertex[whole]):
                        # bounded (so is the integer programme) at a vertex that is not whole numbers
                        exact = exact or Solver(matrix, lower, upper, bounds, whole)
                        value, vertex = exact.extreme(j, greatest)
                    if len(vertex) and (not whole.any() or _whole(vertex[whole])):
                        tables.append(vertex)
                    found.append(value)
                out[target] = (found[0], found[1])
        return out

    def alternative(self, target: Cell, wanted: list[Requirement], truth: Callable[[Cell], float],
                    weight: Callable[[Cell], float]) -> set[Cell] | None:
        """The shown cells to withhold so that, for each requirement, a table with ``target`` in
        its ``reach`` agrees with the publication as its reader knows it: every relation holds,
        every cell is at least the reader's ``least`` of it, a cell the reader knows as an
        interval moves freely within it, and a shown cell that moves in any of the tables costs
        ``weight`` a unit of its largest move (one cell serves every table). None when no such
        tables exist."""
        cells = self.structure[self.block_of[target]]
        position = {cell: i for i, cell in enumerate(cells)}
        n = len(cells)
        relations = sorted({r for cell in cells for r in self.by_cell[cell]})
        matrix, lower, upper = _matrices(_Block(cells, [self.relations[r] for r in relations]), position,
                                         lambda _: None)
        known = wanted[0].known
        moves = [cell for cell in cells if not _open(known(cell))]  # shown, or rounded
        k = len(moves)
        rounded = [cell for cell in moves if known(cell)[0] != known(cell)[1]]
        m = len(rounded)
        part = n + 2 * k + m  # one table: y, then p and n (a shown cell's move up and down), then s
        width = len(wanted) * part + k  # and z, the largest move of each shown cell
        rows: list[int] = []
        cols: list[int] = []
        data: list[float] = []
        low: list[float] = []
        high: list[float] = []
        bounds: list[Interval] = []

        def row(entries: list[tuple[int, float]], bottom: float, top: float) -> None:
            for column, value in entries:
                rows.append(len(low))
                cols.append(column)
                data.append(value)
            low.append(bottom)
            high.append(top)

        by_row: list[list[tuple[int, float]]] = [[] for _ in range(matrix.shape[0])]
        for r, c, v in zip(matrix.rows, matrix.columns, matrix.values, strict=True):
            by_row[r].append((c, v))
        for q, requirement in enumerate(wanted):
            base = q * part
            for r, relation_entries in enumerate(by_row):
                row([(base + c, v) for c, v in relation_entries], lower[r], upper[r])
            for j, cell in enumerate(moves):  # y - p + n - s = truth; z - p - n >= 0
                entries = [(base + position[cell], 1.0), (base + n + j, -1.0), (base + n + k + j, 1.0)]
                if cell in rounded:
                    entries.append((base + n + 2 * k + rounded.index(cell), -1.0))
                row(entries, truth(cell), truth(cell))
                row([(len(wanted) * part + j, 1.0), (base + n + j, -1.0), (base + n + k + j, -1.0)], 0.0, INFINITY)
            table = [(requirement.least(cell), INFINITY) for cell in cells]
            table[position[target]] = (max(requirement.least(target), requirement.reach[0]), requirement.reach[1])
            bounds += table + [(0.0, INFINITY)] * (2 * k)
            bounds += [(requirement.known(c)[0] - truth(c), requirement.known(c)[1] - truth(c)) for c in rounded]
        bounds += [(0.0, INFINITY)] * k
        cost = np.zeros(width)
        cost[len(wanted) * part:] = [weight(cell) for cell in moves]
        solver = Solver(Matrix(rows, cols, data, (len(low), width)), np.array(low), np.array(high), bounds)
        status, _, solution = solver.solve(cost)
        if status != "optimal":
            return None
        largest = solution[len(wanted) * part:]
        moved = sorted((j for j in range(k) if largest[j] > EPSILON), key=lambda j: (largest[j], j))
        # the cost counts units moved, not cells: among equally cheap tables, keep a cell out when
        # the others can do without it (each cell tried once, the least moved first)
        for j in set(range(k)) - set(moved):
            solver.highs.changeColBounds(len(wanted) * part + j, 0.0, 0.0)
        for j in list(moved):
            column = len(wanted) * part + j
            solver.highs.changeColBounds(column, 0.0, 0.0)
            if solver.solve(cost)[0] == "optimal":
                moved.remove(j)
            else:
                solver.highs.changeColBounds(column, 0.0, highspy.kHighsInf)
        return {moves[j] for j in moved}


@dataclass(frozen=True)
class Requirement:
    """A bound to reach (``reach``) as a reader knows the publication (``known``, ``least``)."""

    reach: Interval
    known: Callable[[Cell], Interval]
    least: Callable[[Cell], float]


def _shown(variables: Mapping[Cell, int], intervals: Mapping[Cell, Interval]) -> Callable[[Cell], float | None]:
    """A cell's shown value (None for a variable of the block)."""

    def value(cell: Cell) -> float | None:
        return None if cell in variables else intervals[cell][0]

    return value


def _open(interval: Interval) -> bool:
    """Whether the reader knows only a lower bound (a withheld cell)."""
    return interval[1] == INFINITY
