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


@pytest.mark.parametrize("name", ["effect_pairs", "effect_members", "fixed_period"])
def test_a_table_sorted_in_its_query_is_as_sorted_after(name: str) -> None:
    """The effect section's per-person tables are sorted at the end of the query that computes
    them: the same rows in the same order as sorting them once collected."""
    import narwhals as nw

    from iomhub.reports.model import _sorted_in_the_query

    rows = {"member_id": ["N2", "N10", None, "N2", "N1"], "nominal_id": ["C9", "C1", "C3", "C10", "C2"],
            "weight": [1.0, 2.0, 3.0, 4.0, 5.0]}
    frame = pl.DataFrame(rows)
    sorted_after = _in_estimate_order(name, frame)
    assert not sorted_after.equals(frame)
    query = _sorted_in_the_query(name, nw.from_native(frame.lazy()))
    sorted_in_query = query.to_native().collect()
    assert sorted_in_query.equals(sorted_after)
    assert _in_estimate_order(name, sorted_in_query) is sorted_in_query  # found in order: left as it is


@pytest.mark.parametrize("name", ["effect_balance", "effect_comparison_people"])
def test_tables_that_come_in_order_or_have_none_are_not_sorted_in_the_query(name: str) -> None:
    import narwhals as nw

    from iomhub.reports.model import _sorted_in_the_query

    query = nw.from_native(pl.DataFrame({"group": ["pool", "members"], "variable": ["age", "age"],
                                         "member_id": [2, 1]}).lazy())
    assert _sorted_in_the_query(name, query) is query
