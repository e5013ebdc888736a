"""The audit every publication passes before it is written: each withheld count under the
threshold bounded by linear programming from everything published together.

The reader has every table of the publication and knows every relation between them
(:mod:`iomhub.reports.disclosure.relations`), that counts are whole numbers of at least 0, and
the rule (a withheld cell may be 0). For each *sensitive* cell (a count withheld because it is
under the threshold, or because its row counts fewer people than that, and any 0 withheld) the
audit finds the least value that reader can give it and the greatest value a reader who also
guesses that no withheld cell is 0 (true of every withheld cell but a 0) can give it. The cell
is protected when the least is no more than the cell's *floor* (the least it could be with
nothing published: 0, or 1 for a group the table lists only when someone is in it) and the
greatest at least the threshold: the reader cannot tell it from nobody, nor from a count that
would have been shown. Ranges are those of the linear relaxation; the last round solves the
integer programmes too (their ranges can only be narrower).

Under controlled rounding the reader knows each rounded count to within the base, and a count
under the threshold is protected when its range holds at least the base's width of whole
numbers and reaches its floor or the threshold.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from iomhub.reports.disclosure.cells import Cell, Index
from iomhub.reports.disclosure.lp import INFINITY, Interval, Program

SLACK = 1e-6


class Reader:
    """What a reader knows of each cell: a shown cell's value; a rounded one to within the base
    (never below 0); a withheld one from 0 up, or from 1 for a count that is not 0 when
    ``nonzero`` (a reader who guesses that withheld counts are not 0)."""

    def __init__(self, index: Index, withheld: set[Cell], counts: set[Cell], nonzero: bool = False,
                 rounded: Mapping[Cell, int] | None = None, base: int = 5) -> None:
        self.index = index
        self.withheld = withheld
        self.counts = counts
        self.nonzero = nonzero
        self.rounded = rounded or {}
        self.base = base

    def least(self, cell: Cell) -> float:
        if self.nonzero and cell in self.counts and (self.index.value(cell) or 0) >= 1:
            return 1.0
        return 0.0

    def __call__(self, cell: Cell) -> Interval:
        if cell in self.withheld:
            return self.least(cell), INFINITY
        if cell in self.rounded:
            published = self.rounded[cell]
            return max(self.least(cell), published - self.base + 1.0), published + self.base - 1.0
        value = float(self.index.value(cell))
        return value, value


@dataclass
class Audit:
    """The ranges of the sensitive cells (least from the reader of the rule, greatest from the
    reader who guesses withheld counts are not 0), their floors, and the cells that fail, with
    the side ("low", "high") they fail on."""

    ranges: dict[Cell, Interval] = field(default_factory=dict)
    floors: dict[Cell, float] = field(default_factory=dict)
    failures: list[tuple[Cell, str]] = field(default_factory=list)
    integer: bool = False
    protected: set[tuple[Cell, str]] = field(default_factory=set)

    @property
    def passed(self) -> bool:
        return not self.failures


def sensitive(index: Index, withheld: set[Cell], first: set[Cell], counts: set[Cell], threshold: int,
              rounded: Mapping[Cell, int] | None = None) -> list[Cell]:
    """The counts whose protection the audit checks: withheld primary counts and withheld counts
    under the threshold; under rounding, every rounded count from 1 to the threshold − 1."""
    found = {cell for cell in withheld & counts if cell in first or index.value(cell) < threshold}
    if rounded:
        found |= {cell for cell in rounded if cell in counts and 0 < index.value(cell) < threshold}
    return sorted(found)


def floor_of(program: Program, cell: Cell, floors: dict[Cell, float]) -> float:
    """The least ``cell`` can be with nothing published (the relations alone)."""
    find_floors(program, [cell], floors)
    return floors[cell]


def find_floors(program: Program, cells: list[Cell], floors: dict[Cell, float]) -> None:
    """Each cell's floor into ``floors`` (one programme per block of the relations)."""
    wanted = [cell for cell in cells if cell not in floors]
    found = program.ranges([c for c in wanted if c in program.by_cell], lambda _: (0.0, INFINITY), sides="low")
    for cell in wanted:
        floors[cell] = max(0.0, found.get(cell, (0.0, INFINITY))[0])


def audit(program: Program, index: Index, withheld: set[Cell], first: set[Cell], counts: set[Cell],
          threshold: int, floors: dict[Cell, float], integer: bool = True,
          rounded: Mapping[Cell, int] | None = None, base: int = 5, earlier: Audit | None = None) -> Audit:
    """Bound every sensitive cell (see the module's docstring); ``floors`` caches the floors.
    Withholding more never narrows a range, so a side an ``earlier`` audit found protected is
    not asked again (its range is carried over)."""
    cells = sensitive(index, withheld, first, counts, threshold, rounded)
    done = earlier.protected if earlier is not None else set()
    whole = (lambda cell: cell in counts) if integer else None
    plain = Reader(index, withheld, counts, False, rounded, base)
    guessing = Reader(index, withheld, counts, not rounded, rounded, base)
    def enough(cell: Cell) -> tuple[float, float]:  # what passes: down to the floor (0 at least), up to the threshold
        return floors.get(cell, 0.0), float(threshold)

    low = program.ranges([c for c in cells if (c, "low") not in done], plain, whole, sides="low", enough=enough)
    high = program.ranges([c for c in cells if (c, "high") not in done], guessing, whole, sides="high",
                          enough=enough)
    result = Audit(integer=integer, protected=set(done))
    find_floors(program, [c for c in cells if low.get(c, (0.0, 0.0))[0] > SLACK], floors)
    for cell in cells:
        before = earlier.ranges.get(cell, (-INFINITY, INFINITY)) if earlier is not None else (-INFINITY, INFINITY)
        least = low[cell][0] if cell in low else before[0]
        greatest = high[cell][1] if cell in high else before[1]
        result.ranges[cell] = (least, greatest)
        floor = floor_of(program, cell, floors) if least > SLACK else 0.0
        result.floors[cell] = floor
        reaches_floor = least <= floor + SLACK
        reaches_threshold = greatest >= threshold - SLACK
        if rounded and cell in rounded:
            if greatest - least >= base - 1 - SLACK and (reaches_floor or reaches_threshold):
                result.protected |= {(cell, "low"), (cell, "high")}
            else:
                result.failures.append((cell, "high" if reaches_floor else "low"))
            continue
        for side, reached in (("low", reaches_floor), ("high", reaches_threshold)):
            if reached:
                result.protected.add((cell, side))
            else:
                result.failures.append((cell, side))
    return result
