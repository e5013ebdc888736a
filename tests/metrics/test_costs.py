"""The cost of crime at the Home Office's unit costs: hand-checked sums, overrides, offences not valued."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from iomhub.domain import costs as unit_costs
from iomhub.domain.codes import OFFENCE_CATEGORIES
from iomhub.metrics import costs, reoffending
from iomhub.metrics.uncertainty import Resampling
from iomhub.reports.intervals import with_intervals
from tests.metrics.conftest import FY2015, by, collect

BASELINE = FY2015.preceding()
NOMINALS = """\
nominal_id,date_of_birth,gender,area
A,1990-01-01,male,NW
B,1990-01-01,male,NW
C,1990-01-01,male,NW
"""
COHORT = """\
nominal_id,scheme,start_date,end_date
A,priority,2014-01-01,
B,enhanced,2014-01-01,
C,enhanced,2014-01-01,
"""
OFFENCES = """\
offence_id,nominal_id,offence_date,category
a1,A,2014-05-01,violence_with_injury
a2,A,2015-03-31,robbery
a3,A,2015-04-01,criminal_damage
a4,A,2016-03-31,drugs
a5,A,2014-03-31,violence_with_injury
a6,A,2016-04-01,robbery
b1,B,2014-06-01,burglary_residential
b2,B,2015-06-01,shoplifting
b3,B,2015-07-01,
c1,C,2015-05-01,vehicle
"""


def cost_rows(tables, toml: str | None = None) -> dict[str, dict]:
    files = {"nominals": NOMINALS, "cohort": COHORT, "offences": OFFENCES}
    if toml is not None:
        files["package.toml"] = toml
    t = tables(**files)
    performance = reoffending.performance_cohort(t["cohort"], t["offences"], None, cohort_date=date(2015, 4, 1),
                                                 baseline=BASELINE, period=FY2015)
    priced = unit_costs.unit_costs(t.package.settings.unit_costs)
    people = costs.people_costs(performance, t["offences"], BASELINE, FY2015, priced)
    return by(collect(costs.cost_of_crime(people)), "scheme")


def test_costs_per_category_and_offences_not_valued(tables) -> None:
    # A (priority): baseline a1 violence with injury 14,050 + a2 robbery 11,320 = 25,370
    #   (a5 on 31 Mar 2014 and a6 on 1 Apr 2016 are outside both spans);
    #   period a3 criminal damage 1,350; a4 drugs not valued -> 1,350, 1 not valued
    #   change 1,350 - 25,370 = -24,020; -24,020 / 25,370 = -94.679...%
    # B (enhanced): baseline b1 domestic burglary 5,930; period b2 shoplifting and b3 (no
    #   category) not valued -> 0, 2 not valued; change -5,930, -100%
    # C has no offence in the baseline: not in the performance cohort
    rows = cost_rows(tables)
    a = rows["priority"]
    assert (a["offenders"], a["offences_before"], a["offences_after"]) == (1, 2, 2)
    assert (a["cost_before"], a["cost_after"], a["cost_change"]) == (25_370.0, 1_350.0, -24_020.0)
    assert a["cost_change_pct"] == pytest.approx(-24_020 / 25_370 * 100)
    assert (a["not_valued_before"], a["not_valued_after"]) == (0, 1)
    b = rows["enhanced"]
    assert (b["offenders"], b["cost_before"], b["cost_after"], b["cost_change_pct"]) == (1, 5_930.0, 0.0, -100.0)
    assert (b["not_valued_before"], b["not_valued_after"]) == (0, 2)
    total = rows["all"]
    # all: 25,370 + 5,930 = 31,300 before; 1,350 after; 3 not valued after
    assert (total["offenders"], total["cost_before"], total["cost_after"]) == (2, 31_300.0, 1_350.0)
    assert total["cost_change"] == -29_950.0
    assert total["not_valued_after"] == 3


def test_a_configured_cost_replaces_or_adds_one(tables) -> None:
    # robbery set to 10,000 (from 11,320): A before 14,050 + 10,000 = 24,050
    # drugs given 100 (no published cost): A after 1,350 + 100 = 1,450, nothing not valued
    rows = cost_rows(tables, "[costs]\nrobbery = 10000\ndrugs = 100\n")
    a = rows["priority"]
    assert (a["cost_before"], a["cost_after"]) == (24_050.0, 1_450.0)
    assert a["not_valued_after"] == 0
    assert rows["enhanced"]["cost_before"] == 5_930.0


def test_cost_before_zero_has_no_percentage(tables) -> None:
    # every offence of A and B priced at 0: the change in pounds is 0, the percentage cannot be computed
    zero = "\n".join(f"{category} = 0" for category in OFFENCE_CATEGORIES)
    rows = cost_rows(tables, f"[costs]\n{zero}\n")
    assert rows["all"]["cost_change"] == 0.0
    assert rows["all"]["cost_change_pct"] is None


def test_published_costs_and_their_mapping() -> None:
    published = unit_costs.unit_costs()
    assert set(published) == set(OFFENCE_CATEGORIES)
    # Heeks et al. (2018), Table 1 (2015/16 prices)
    assert published["violence_with_injury"] == 14_050
    assert published["robbery"] == 11_320
    assert published["criminal_damage"] == 1_350
    assert published["vehicle"] == 870
    assert published["sexual"] == 6_520
    not_valued = {name for name, pounds in published.items() if pounds is None}
    assert not_valued == {"burglary_business", "shoplifting", "drugs", "weapons", "public_order", "fraud", "other"}
    for name in not_valued:
        assert unit_costs.basis(name).startswith("not valued")
    assert unit_costs.basis("drugs", {"drugs": 100.0}) == "set in package.toml"
    with pytest.raises(ValueError, match="'arson' is not an offence category"):
        unit_costs.unit_costs({"arson": 8_420})


def _intervals(rows: list[tuple[str, float, float]]) -> dict[str, dict]:
    people = pl.DataFrame(rows, schema={"scheme": pl.String, "cost_before": pl.Float64,
                                        "cost_after": pl.Float64}, orient="row")
    summary = pl.DataFrame({"scheme": ["priority", "enhanced", "standard", "all"], "cost_change": [0.0] * 4,
                            "cost_change_pct": [0.0] * 4})
    out = with_intervals("cost_of_crime", summary, people, Resampling(replicates=200))
    return by(list(out.iter_rows(named=True)), "scheme")


def test_cost_intervals() -> None:
    # priority: ten people each 10,000 before and 4,000 after: every resample -60,000, -60%
    # enhanced: five 5,000 -> 5,000 and five 5,000 -> 0: resamples from -50,000 to 0 (-100% to 0%)
    # all (schemes resampled separately): -110,000 to -60,000 in pounds
    # standard: two people, too few for an interval
    rows = _intervals([("priority", 10_000, 4_000)] * 10 + [("enhanced", 5_000, 5_000)] * 5
                      + [("enhanced", 5_000, 0)] * 5 + [("standard", 5_000, 0)] * 2)
    assert (rows["priority"]["cost_change_ci_low"], rows["priority"]["cost_change_ci_high"]) == (-60_000, -60_000)
    assert rows["priority"]["cost_change_pct_ci_low"] == pytest.approx(-60.0)
    assert rows["priority"]["cost_change_pct_ci_high"] == pytest.approx(-60.0)
    assert -50_000 <= rows["enhanced"]["cost_change_ci_low"] < rows["enhanced"]["cost_change_ci_high"] <= 0
    assert -100 <= rows["enhanced"]["cost_change_pct_ci_low"] < rows["enhanced"]["cost_change_pct_ci_high"] <= 0
    assert -120_000 <= rows["all"]["cost_change_ci_low"] < rows["all"]["cost_change_ci_high"] <= -60_000
    assert (rows["standard"]["cost_change_ci_low"], rows["standard"]["cost_change_ci_high"]) == (None, None)
    assert list(_intervals([("priority", 1, 1)])["all"]) == [
        "scheme", "cost_change", "cost_change_ci_low", "cost_change_ci_high", "cost_change_pct",
        "cost_change_pct_ci_low", "cost_change_pct_ci_high"]
