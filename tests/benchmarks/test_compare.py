"""``compare_reports``: rows matched on their keys in any order, numbers within 1e-9."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from compare import compare_reports, values_equal

BASE: dict[str, Any] = {"tables": {
    "reoffending_by_scheme": [
        {"scheme": "priority", "offenders": 2, "offences_before": 3, "offences_after": 2,
         "change_pct": -33.333333333333336},
        {"scheme": "all", "offenders": 4, "offences_before": 8, "offences_after": 5,
         "change_pct": -37.5},
    ],
    "caseload": [
        {"scheme": "priority", "area": "NW", "date": "2015-04-01", "count": 2},
        {"scheme": "priority", "area": "NW", "date": "2015-07-01", "count": 1},
        {"scheme": "all", "area": "all", "date": "2015-04-01", "count": 5},
    ],
    "referrals_by_agency": [
        {"agency": "council", "referrals": 1, "accepted": 0, "rejected": 0,
         "acceptance_pct": None},
    ],
}}
TABLES = ["reoffending_by_scheme", "caseload", "referrals_by_agency"]


def changed(edit: Any) -> dict[str, Any]:
    """A deep copy of BASE after ``edit(tables)``."""
    other = copy.deepcopy(BASE)
    edit(other["tables"])
    return other


def test_identical_reports_have_no_differences() -> None:
    assert compare_reports(BASE, copy.deepcopy(BASE), TABLES) == []


def test_row_order_is_ignored() -> None:
    other = changed(lambda t: t["caseload"].reverse())
    assert compare_reports(BASE, other, TABLES) == []


def test_column_order_and_extra_columns_are_ignored() -> None:
    def edit(tables: dict[str, Any]) -> None:
        tables["caseload"] = [{"count": r["count"], "date": r["date"], "area": r["area"],
                               "scheme": r["scheme"], "share_pct": 1.0}
                              for r in tables["caseload"]]
    assert compare_reports(BASE, changed(edit), TABLES) == []


@pytest.mark.parametrize(("edit", "expected"), [
    (lambda t: t["caseload"][1].update(count=3),
     ["caseload: scheme=priority, area=NW, date=2015-07-01: count is 1 in a but 3 in b"]),
    (lambda t: t["reoffending_by_scheme"][1].update(change_pct=-37.5001),
     ["reoffending_by_scheme: scheme=all: change_pct is -37.5 in a but -37.5001 in b"]),
    (lambda t: t["referrals_by_agency"][0].update(acceptance_pct=0.0),
     ["referrals_by_agency: agency=council: acceptance_pct is None in a but 0.0 in b"]),
    (lambda t: t["caseload"].pop(0),
     ["caseload: row scheme=priority, area=NW, date=2015-04-01 only in a"]),
    (lambda t: t["caseload"].append({"scheme": "standard", "area": "NW",
                                     "date": "2015-04-01", "count": 0}),
     ["caseload: row scheme=standard, area=NW, date=2015-04-01 only in b"]),
    (lambda t: t.pop("referrals_by_agency"),
     ["referrals_by_agency: table missing from b"]),
    (lambda t: [row.pop("change_pct") for row in t["reoffending_by_scheme"]],
     ["reoffending_by_scheme: column 'change_pct' is in a but not in b"]),
    (lambda t: t["caseload"].append(dict(t["caseload"][0])),
     ["caseload: b has two rows for scheme=priority, area=NW, date=2015-04-01"]),
], ids=["changed-count", "changed-percentage", "null-against-zero", "missing-row", "extra-row",
        "missing-table", "missing-contract-column", "duplicate-key"])
def test_differences_are_found(edit: Any, expected: list[str]) -> None:
    assert compare_reports(BASE, changed(edit), TABLES) == expected


def test_only_the_named_tables_are_compared() -> None:
    other = changed(lambda t: t["caseload"][0].update(count=99))
    assert compare_reports(BASE, other, ["reoffending_by_scheme"]) == []


def test_names_label_the_reports() -> None:
    other = changed(lambda t: t["caseload"].pop(0))
    assert compare_reports(BASE, other, ["caseload"], names=("iomhub", "pandas")) == [
        "caseload: row scheme=priority, area=NW, date=2015-04-01 only in iomhub"]


def test_long_lists_are_summarised() -> None:
    other = changed(lambda t: [row.update(count=row["count"] + 1) for row in t["caseload"]])
    many = {"tables": {"caseload": [
        {"scheme": "s", "area": "a", "date": f"2015-01-{day:02d}", "count": 0}
        for day in range(1, 31)]}}
    assert len(compare_reports(BASE, other, ["caseload"])) == 3
    differences = compare_reports(many, {"tables": {"caseload": []}}, ["caseload"])
    assert len(differences) == 21
    assert differences[-1] == "caseload: ... and 10 more differences"


def test_an_unknown_table_is_keyed_on_its_text_columns() -> None:
    a = {"tables": {"custom": [{"name": "x", "value": 1}, {"name": "y", "value": 2}]}}
    b = {"tables": {"custom": [{"name": "y", "value": 2.0}, {"name": "x", "value": 1}]}}
    assert compare_reports(a, b, ["custom"]) == []


@pytest.mark.parametrize(("x", "y", "equal"), [
    (3, 3.0, True),
    (100.0, 100.0 * (1 + 1e-10), True),
    (100.0, 100.0 * (1 + 1e-8), False),
    (0, 0.0, True),
    (0.0, 1e-15, True),
    (0.0, 1e-6, False),
    (None, None, True),
    (None, 0, False),
    ("2015-04-01", "2015-04-01", True),
    ("1", 1, False),
    (True, 1, False),
], ids=["int-float", "within-tolerance", "beyond-tolerance", "zeros", "rounding-residue",
        "small-but-real", "nulls", "null-zero", "strings", "string-number", "bool-int"])
def test_values_equal(x: Any, y: Any, equal: bool) -> None:
    assert values_equal(x, y) is equal
