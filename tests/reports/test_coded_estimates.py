"""The effect estimates read the collected tables' text as codes (``coded_columns``): every figure,
interval and check is the one the text itself gives, bit for bit."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from iomhub.metrics import effect_estimates as effect
from iomhub.metrics.effect import BALANCE_VARIABLES
from iomhub.metrics.uncertainty import Resampling
from iomhub.reports.estimates import coded_columns, columns
from tests.reports.helpers import balance_and_estimates

RESAMPLING = Resampling(replicates=200, seed=7)
LAGS = [f"q{lag}" for lag in range(1, 9)]


def people(seed: int, shuffled: bool) -> dict[str, pl.DataFrame]:
    """Members, their matched pairs (some naming no member, some comparison people in several
    sets) and balance sums, in the report's order or shuffled."""
    rng = np.random.default_rng(seed)
    ids = [f"N{number:05d}" for number in rng.choice(90_000, size=400, replace=False)]
    members = pl.DataFrame({
        "nominal_id": ids, "scheme": rng.choice(["priority", "enhanced", "standard"], size=400).tolist(),
        **{name: rng.integers(0, 9, size=400) for name in ("offences_before", "offences_after",
                                                            "offences_joining_month", *LAGS)},
        "risk_days_before": rng.integers(200, 366, size=400), "risk_days_after": rng.integers(200, 366, size=400),
    })
    comparison = [f"N{number:05d}" for number in rng.choice(range(90_000, 99_999), size=150, replace=False)]
    pair_members = [*rng.choice(ids[:350], size=900).tolist(), "N99999", "nobody"]
    pairs = pl.DataFrame({
        "member_id": pair_members, "nominal_id": rng.choice(comparison, size=len(pair_members)).tolist(),
        **{name: rng.integers(0, 9, size=len(pair_members)) for name in ("offences_before", "offences_after",
                                                                          "iom_offences_after",
                                                                          "offences_joining_month", *LAGS)},
        "risk_days_before": rng.integers(200, 366, size=len(pair_members)),
        "risk_days_after": rng.integers(200, 366, size=len(pair_members)),
    })
    groups = [(group, variable) for group in ("matched", "members", "pool") for variable in BALANCE_VARIABLES]
    rows = 3000
    chosen = rng.integers(0, len(groups), size=rows)
    balance = pl.DataFrame({
        "group": [groups[at][0] for at in chosen], "variable": [groups[at][1] for at in chosen],
        "member_id": rng.integers(0, 400, size=rows), "count": rng.integers(0, 4, size=rows),
        "total": rng.random(rows) * 100.0, "squares": rng.random(rows) * 10_000.0,
    })
    if shuffled:
        members, pairs = members.sample(fraction=1.0, shuffle=True, seed=seed), pairs.sample(
            fraction=1.0, shuffle=True, seed=seed)
    else:
        members, pairs = members.sort("nominal_id"), pairs.sort("member_id", "nominal_id")
        balance = balance.sort("group", "variable", "member_id", maintain_order=True)
    return {"effect_members": members, "effect_pairs": pairs, "effect_balance": balance,
            "effect_comparison_people": pl.DataFrame({"nominal_id": comparison})}


@pytest.mark.parametrize("shuffled", [False, True], ids=["in-order", "shuffled"])
def test_coded_text_gives_the_figures_of_the_text(shuffled: bool) -> None:
    found = people(3, shuffled)
    balance = effect.balance_rows(columns(found["effect_balance"]))
    estimate = effect.estimates(columns(found["effect_members"]), columns(found["effect_pairs"]),
                                found["effect_comparison_people"].height, balance, RESAMPLING)
    coded_balance, coded_estimate = balance_and_estimates(found, RESAMPLING)
    assert coded_balance.to_dicts() == [{name: row[name] for name in coded_balance.columns} for row in balance]
    assert coded_estimate.to_dicts() == [{name: row[name] for name in coded_estimate.columns} for row in estimate]
    matched = coded_estimate.filter(pl.col("method") == "matched_did").row(0, named=True)
    assert matched["estimate_pct"] is not None and matched["ci_low_pct"] is not None  # a real comparison


def test_coded_text_of_empty_tables_gives_the_figures_of_the_text() -> None:
    found = {name: frame.clear() for name, frame in people(5, False).items()}
    balance = effect.balance_rows(columns(found["effect_balance"]))
    estimate = effect.estimates(columns(found["effect_members"]), columns(found["effect_pairs"]), 0, balance,
                                RESAMPLING)
    coded_balance, coded_estimate = balance_and_estimates(found, RESAMPLING)
    assert coded_balance.is_empty() and not balance
    assert coded_estimate.to_dicts() == [{name: row[name] for name in coded_estimate.columns} for row in estimate]


def test_columns_of_several_tables_share_their_codes() -> None:
    left = pl.DataFrame({"nominal_id": ["b", None, "a"], "n": [1, 2, 3], "note": ["1", None, "x"]})
    right = pl.DataFrame({"member_id": ["None", "c", "b"]})
    coded_left, coded_right = coded_columns(left, right)
    labels = coded_left["nominal_id"].labels
    assert labels.tolist() == ["None", "a", "b", "c"]  # sorted as numpy sorts text; missing as "None"
    assert coded_right["member_id"].labels is labels
    assert labels[coded_left["nominal_id"].codes].tolist() == ["b", "None", "a"]
    assert labels[coded_right["member_id"].codes].tolist() == ["None", "c", "b"]
    assert coded_left["n"].tolist() == [1, 2, 3]
    assert coded_left["note"].tolist() == ["1", None, "x"]  # not a key: as ``columns`` gives it


def test_a_table_of_coded_text_sorts_and_matches_as_the_text() -> None:
    (coded,) = coded_columns(pl.DataFrame({"group": ["pool", "matched", "members", "matched"], "at": [0, 1, 2, 3]}))
    table = effect.Table(coded, ("group",))
    assert table.columns["at"].tolist() == [1, 3, 2, 0]
    assert table.text("group").tolist() == ["matched", "matched", "members", "pool"]
    assert table.equals("group", "matched").tolist() == [True, True, False, False]
    assert not table.equals("group", "absent").any()
    assert table.label("group", 2) == "members"
