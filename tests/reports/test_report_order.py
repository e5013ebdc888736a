"""The report's tables are put in their order (``TABLES[name].sort``) all in one call: by each key
in turn, "all" last, text keys in their rank and then alphabetically, dates in time."""

from __future__ import annotations

from datetime import date

import polars as pl

from iomhub.reports.model import RANKS, _in_report_order

D1, D2 = date(2016, 3, 31), date(2015, 12, 31)


def test_tables_are_put_in_the_reports_order_together() -> None:
    risk = pl.DataFrame({"date": [D1, D1, D2, D1, D2, D1],
                         "tier": ["green", "all", "red", "unassessed", "amber", "red"], "count": [1, 2, 3, 4, 5, 6]})
    scheme = pl.DataFrame({"scheme": ["all", "standard", "priority", "enhanced"], "offenders": [10, 3, 2, 5]})
    balance = pl.DataFrame({"variable": ["prior", "age"], "smd": [0.1, 0.2]})  # no sort: left as it is
    ordered = _in_report_order({"risk_tiers": risk, "reoffending_by_scheme": scheme,
                                "matching_balance": balance}, dict(RANKS))
    assert ordered["risk_tiers"].rows() == [
        (D2, "red", 3), (D2, "amber", 5), (D1, "red", 6), (D1, "green", 1), (D1, "unassessed", 4), (D1, "all", 2)]
    assert ordered["reoffending_by_scheme"]["scheme"].to_list() == ["priority", "enhanced", "standard", "all"]
    assert ordered["matching_balance"] is balance
    assert list(ordered) == ["risk_tiers", "reoffending_by_scheme", "matching_balance"]


def test_text_outside_the_ranks_comes_after_them_alphabetically() -> None:
    ages = pl.DataFrame({"age_band": ["all", "50+", "18-24", "unknown", "25-49"], "offenders": [9, 1, 2, 3, 4]})
    ordered = _in_report_order({"reoffending_by_age": ages}, {**RANKS, "age_band": ["18-24", "25-49", "50+"]})
    assert ordered["reoffending_by_age"]["age_band"].to_list() == ["18-24", "25-49", "50+", "unknown", "all"]
