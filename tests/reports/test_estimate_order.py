"""The per-person tables the estimates read are put in their order, and left alone when they are in it."""

from __future__ import annotations

import polars as pl
import pytest

from iomhub.reports.model import _in_estimate_order, _in_order

KEYS = ("group", "variable", "member_id")
SCHEMA = {"group": pl.String, "variable": pl.String, "member_id": pl.Int64, "total": pl.Float64}


@pytest.mark.parametrize(
    ("rows", "in_order"),
    [
        ([("matched", "age", 1), ("matched", "age", 2), ("members", "age", None), ("pool", "age", None)], True),
        ([("matched", "age", None), ("matched", "age", 0)], True),  # a missing member_id comes first
        ([("matched", "age", 0), ("matched", "age", None)], False),
        ([("matched", "age", 10), ("matched", "age", 9)], False),  # numbers as numbers, not as text
        ([("matched", "prior", 1), ("matched", "age", 2)], False),
        ([(None, "age", 1), ("members", "age", 1)], True),  # missing text is sorted as "None"
        ([("members", "age", 1), (None, "age", 1)], False),
        ([("pool", "age", None), ("pool", "age", None)], True),
    ],
)
def test_rows_already_in_order_are_found_so(rows: list[tuple[str | None, str, int | None]], in_order: bool) -> None:
    frame = pl.DataFrame([(*row, float(index)) for index, row in enumerate(rows)], schema=SCHEMA, orient="row")
    assert _in_order(frame, KEYS) is in_order
    ordered = _in_estimate_order("effect_balance", frame)
    assert _in_order(ordered, KEYS)
    assert ordered.equals(frame) is in_order
