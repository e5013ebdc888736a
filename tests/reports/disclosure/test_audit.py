"""The audit's linear programmes (``reports/disclosure/lp.py``, ``audit.py``): ranges worked
out by hand on small tables."""

from __future__ import annotations

import math

import polars as pl
import pytest

from iomhub.reports.disclosure.audit import Reader, audit
from iomhub.reports.disclosure.cells import Cell, Index
from iomhub.reports.disclosure.lp import Program
from iomhub.reports.disclosure.protect import primary, quantities
from iomhub.reports.disclosure.relations import Relation, relations
from tests.reports.test_suppression import caseload_frame

#            A    B   all
# priority   3   10   13
# enhanced   7    8   15
# all       10   18   28
RECTANGLE = {("priority", "A"): 3, ("priority", "B"): 10, ("enhanced", "A"): 7, ("enhanced", "B"): 8}


def caseload_cells(frame: pl.DataFrame, *keys: tuple[str, str]) -> list[Cell]:
    at = {(row["scheme"], row["area"]): i for i, row in enumerate(frame.iter_rows(named=True))}
    return [("caseload", at[key], "count") for key in keys]


def test_a_rectangle_of_the_caseload() -> None:
    # The four inner cells withheld, the margins shown: pA = x, pB = 13 - x, eA = 10 - x,
    # eB = 5 + x, all at least 0: x from 0 to 10. A reader who takes withheld cells to be at
    # least 1 has pB >= 1 (x <= 12), eA >= 1 (x <= 9), pA >= 1: x from 1 to 9.
    frame = caseload_frame(RECTANGLE)
    index = Index({"caseload": frame})
    program = Program(relations(index))
    inner = caseload_cells(frame, *RECTANGLE)
    counts, _ = quantities(index)
    ranges = program.ranges(inner[:1], Reader(index, set(inner), counts))
    assert ranges == {inner[0]: (0.0, 10.0)}
    guessing = program.ranges(inner[:1], Reader(index, set(inner), counts, nonzero=True))
    assert guessing == {inner[0]: (1.0, 9.0)}


def test_a_rounded_count_is_known_to_within_the_base() -> None:
    # pA = 3 published as 5 (the others shown exactly): the margins pin it to 3. Alone (no
    # margins in a relation with it: a table of its own) it is known from 1 to 9.
    frame = caseload_frame(RECTANGLE)
    index = Index({"caseload": frame})
    [cell] = caseload_cells(frame, ("priority", "A"))
    counts, _ = quantities(index)
    reader = Reader(index, set(), counts, rounded={cell: 5})
    assert reader(cell) == (1.0, 9.0)
    assert Program(relations(index)).ranges([cell], reader) == {cell: (3.0, 3.0)}
    assert Program([]).ranges([cell], reader) == {cell: (1.0, 9.0)}


def test_the_issue_s_three_genders_fail_the_audit() -> None:
    # female 1, male 15, other 1, unknown 1 and 18 in all, the three ones withheld (primary, with
    # their rows' offences: 2, 1 and 3 before of 46, 40 of them male's): a listed gender has
    # someone, so each is exactly 1 (its floor, but under 5: "high" fails); female's offences
    # before are at least her 1 and at most 6 - 1 - 1 = 4.
    genders = pl.DataFrame({"gender": ["female", "male", "other", "unknown"], "offenders": [1, 15, 1, 1],
                            "offences_before": [2, 40, 1, 3], "offences_after": [0, 0, 0, 0]})
    cohort = pl.DataFrame({"scheme": ["priority", "all"], "offenders": [18, 18], "offences_before": [46, 46],
                           "offences_after": [0, 0]})
    index = Index({"reoffending_by_gender": genders, "reoffending_by_scheme": cohort})
    counts, _ = quantities(index)
    first = primary(index, 5)
    result = audit(Program(relations(index)), index, first, first, counts, 5, {})
    assert result.ranges[("reoffending_by_gender", 0, "offenders")] == (1.0, 1.0)
    assert result.floors[("reoffending_by_gender", 0, "offenders")] == 1.0
    assert result.ranges[("reoffending_by_gender", 0, "offences_before")] == (1.0, 4.0)
    assert (("reoffending_by_gender", 0, "offenders"), "high") in result.failures
    assert not any(side == "low" for _, side in result.failures)


def test_whole_numbers_are_narrower_than_the_linear_relaxation() -> None:
    # 400 days at liberty shown, a year's window: offenders >= 400 / 366 = 1.09 in the linear
    # programme, 2 in whole numbers.
    days: Cell = ("time_at_risk", 0, "risk_days_before")
    people: Cell = ("time_at_risk", 0, "offenders")
    program = Program([Relation(((days, 1.0), (people, -366.0)), "<=", 0.0, "at liberty", "time_at_risk")])

    def known(cell: Cell) -> tuple[float, float]:
        return (400.0, 400.0) if cell == days else (0.0, math.inf)

    low = program.ranges([people], known, sides="low")[people][0]
    assert low == pytest.approx(400 / 366)
    assert program.ranges([people], known, lambda c: c == people, sides="low")[people] == (2.0, math.inf)
