"""Expected (OGRS3) against observed two-year reoffending: every rule on a hand-made package.

The report runs to 31/03/2016, so a first episode is followed up when it started by 01/10/2013
(+ 2 years + 6 months of waiting = 01/04/2016, the day after the end).
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import pytest

from iomhub.domain import ogrs3
from iomhub.metrics import expected
from iomhub.metrics.uncertainty import Resampling
from tests.metrics.conftest import FY2015, by, collect

NOMINALS = """\
nominal_id,date_of_birth,gender,sanctions,first_sanction_date
N1,1985-06-01,male,12,2000-06-01
N2,1990-01-15,female,,
N3,,male,5,2001-01-01
N4,1980-01-01,unknown,5,2001-01-01
N5,1980-01-01,male,5,2001-01-01
N6,1970-01-01,male,,
N7,1995-03-10,male,1,20/12/2011
"""
COHORT = """\
nominal_id,scheme,start_date,end_date
N1,priority,2013-06-01,
N2,priority,2013-03-01,
N3,enhanced,2013-02-01,
N4,enhanced,2013-05-01,
N5,priority,2013-10-02,
N6,standard,2013-10-01,
N7,standard,2012-01-01,2012-06-30
N7,priority,2014-01-01,
"""
OFFENCES = """\
offence_id,nominal_id,offence_date,detected_date,category
O1,N1,2013-05-20,2013-05-31,shoplifting
O2,N1,2014-01-10,2014-02-01,shoplifting
O3,N2,2012-06-01,,burglary_residential
O4,N2,2013-01-10,2013-01-20,criminal_damage
O5,N2,2015-02-28,2015-09-05,criminal_damage
O6,N2,2015-03-01,2015-03-02,criminal_damage
O7,N7,2011-12-15,2011-12-20,vehicle
O8,N7,2012-01-01,2012-01-01,vehicle
O9,N7,2013-12-31,2014-06-30,vehicle
O10,N3,2012-12-01,2012-12-02,other
O11,N4,2012-12-01,2012-12-02,other
O12,N5,2013-09-01,2013-09-02,other
"""

# N1: 28 at the start (male 25-29: -1.166679288); current sanction 31/05/2013 at 27; first at 15;
#     12 sanctions (repeat: 0.463062792); shoplifting = theft non-motor (0.661244321):
#     y = -1.166679 + 1.251124 x ln(12 / (10 + 27 - 15)) + 0.463063 + 0.661244
#       = -1.166679 - 0.758331 + 0.463063 + 0.661244 = -0.800703 -> 2 years 1/(1+e^-1.321003) = 0.789
P_N1 = ogrs3.score(gender="male", age_at_start=28, age_at_current=27, age_at_first=15, sanctions=12,
                   offence_type="theft_non_motor").two_year
# N2 (history from the offence data: 2 offences before joining, the first detected on its offence
#     date 01/06/2012 at 22): 23 at the start (female 21-24: -1.028488454), current sanction
#     20/01/2013 at 23; criminal damage 0.204960477:
#     y = -1.028488 + 1.251124 x ln(2 / (10 + 23 - 22)) + 0.463063 + 0.204960 = -2.493329
#     -> 2 years 1/(1+e^0.371623) = 0.408
P_N2 = ogrs3.score(gender="female", age_at_start=23, age_at_current=23, age_at_first=22, sanctions=2,
                   offence_type="criminal_damage").two_year
# N7 (first episode: standard, 01/01/2012): 16 at the start (male 16-17: -0.061594199), first and
#     current sanction 20/12/2011 at 16, 1 sanction (first: 0.126142106), vehicle = theft from
#     a vehicle (0.427225615): y = -0.061594 + 1.251124 x ln(1/10) + 0.126142 + 0.427226 = -2.389046
P_N7 = ogrs3.score(gender="male", age_at_start=16, age_at_current=16, age_at_first=16, sanctions=1,
                   offence_type="theft_from_vehicle").two_year


@pytest.fixture
def package(tables: Any) -> Any:
    return tables(nominals=NOMINALS, cohort=COHORT, offences=OFFENCES)


def people(package: Any) -> dict[str, dict[str, Any]]:
    frame = expected.expected_people(package["cohort"], package["nominals"], package["offences"],
                                     end=FY2015.end)
    return by(collect(frame), "nominal_id")


def test_hand_checked_probabilities() -> None:
    assert math.isclose(P_N1, 1 / (1 + math.exp(-(-0.800703 + 2.121706))), abs_tol=1e-5)
    assert math.isclose(P_N2, 1 / (1 + math.exp(-(-2.493329 + 2.121706))), abs_tol=1e-5)
    assert math.isclose(P_N7, 1 / (1 + math.exp(-(-2.389046 + 2.121706))), abs_tol=1e-5)


def test_who_is_followed_up(package: Any) -> None:
    rows = people(package)
    # N5 started 02/10/2013: its waiting period would end after the report; N6 on 01/10/2013 is in.
    assert sorted(rows) == ["N1", "N2", "N3", "N4", "N6", "N7"]
    assert (rows["N7"]["scheme"], rows["N7"]["start_date"]) == ("standard", date(2012, 1, 1))


def test_scores_of_each_person(package: Any) -> None:
    rows = people(package)
    # Probabilities are given to expected.PROBABILITY_DECIMALS (9) places: the same on every engine.
    for name, hand_checked in (("N1", P_N1), ("N2", P_N2), ("N7", P_N7)):
        assert rows[name]["probability_2y"] == round(hand_checked, expected.PROBABILITY_DECIMALS), name
    assert rows["N1"]["probability_2y"] == pytest.approx(P_N1, abs=1e-12 + 0.5e-9)
    assert (rows["N1"]["sanctions"], rows["N1"]["history_from_offences"]) == (12, False)
    assert (rows["N2"]["sanctions"], rows["N2"]["history_from_offences"]) == (2, True)
    assert rows["N7"]["age_at_start"] == 16


@pytest.mark.parametrize("nominal", ["N3", "N4", "N6"],
                         ids=["no-date-of-birth", "gender-unknown", "no-offence-before-joining"])
def test_not_scored(package: Any, nominal: str) -> None:
    row = people(package)[nominal]
    assert (row["scored"], row["probability_2y"], row["history_from_offences"]) == (False, None, False)


def test_observed_reoffending_window(package: Any) -> None:
    rows = people(package)
    # N1: O2 ten months in, detected at once. N2: O5 is in the two years (28/02/2015) but detected
    # 05/09/2015, after the waiting period (ends 01/09/2015); O6 falls on the second anniversary.
    # N7: O8 is on the start date (the follow-up starts that day, as in every measure of
    # proven reoffending: iomhub.metrics.proven_measure); O9 on the last day of the follow-up
    # (31/12/2013), detected on the last day of the waiting period (30/06/2014).
    assert {n: (r["reoffences"], r["reoffended"]) for n, r in rows.items()} == {
        "N1": (1, True), "N2": (0, False), "N3": (0, False), "N4": (0, False), "N6": (0, False),
        "N7": (2, True)}


def test_summary(package: Any) -> None:
    frame = expected.expected_reoffending(
        expected.expected_people(package["cohort"], package["nominals"], package["offences"],
                                 end=FY2015.end), small_numbers=2)
    rows = by(collect(frame), "scheme")
    assert list(rows["all"]) == expected.SUMMARY_COLUMNS
    counts = {s: (r["offenders"], r["scored"], r["not_scored"], r["history_from_offences"], r["reoffenders"])
              for s, r in rows.items()}
    assert counts == {"priority": (2, 2, 0, 1, 1), "enhanced": (2, 0, 2, 0, 0),
                      "standard": (2, 1, 1, 0, 1), "all": (6, 3, 3, 1, 2)}
    # priority: observed 1 of 2 = 50%; expected (P_N1 + P_N2) / 2
    assert rows["priority"]["observed_pct"] == 50.0
    assert rows["priority"]["expected_pct"] == pytest.approx((P_N1 + P_N2) / 2 * 100)
    assert rows["priority"]["difference_pct"] == pytest.approx(50.0 - (P_N1 + P_N2) / 2 * 100)
    # all: 2 of 3 reoffended
    assert rows["all"]["observed_pct"] == pytest.approx(200 / 3)
    assert rows["all"]["expected_pct"] == pytest.approx((P_N1 + P_N2 + P_N7) / 3 * 100)
    # enhanced: nobody scored, so no rate and no interval.
    enhanced = rows["enhanced"]
    assert [enhanced[c] for c in ("expected_pct", "observed_pct", "observed_pct_ci_low",
                                  "difference_pct_ci_high")] == [None] * 4
    # Every group has fewer than ten scored people: no interval ("too few to estimate").
    for row in rows.values():
        assert [row[c] for c in ("observed_pct_ci_low", "observed_pct_ci_high", "difference_pct_ci_low",
                                 "difference_pct_ci_high")] == [None] * 4
    assert {s: r["small_numbers"] for s, r in rows.items()} == {
        "priority": False, "enhanced": True, "standard": True, "all": False}


def test_intervals_come_from_resampling_people(tables: Any) -> None:
    # Twelve priority people with N1's history, half of them reoffending: the interval of the
    # observed rate holds 50% and is well wider than a point; of the difference, likewise.
    nominals = "nominal_id,date_of_birth,gender,sanctions,first_sanction_date\n" + "".join(
        f"P{i},1985-06-01,male,12,2000-06-01\n" for i in range(12))
    cohort = "nominal_id,scheme,start_date\n" + "".join(f"P{i},priority,2013-06-01\n" for i in range(12))
    offences = "offence_id,nominal_id,offence_date,detected_date,category\n" + "".join(
        f"a{i},P{i},2013-05-20,2013-05-31,shoplifting\n" for i in range(12)) + "".join(
        f"b{i},P{i},2014-01-10,2014-02-01,shoplifting\n" for i in range(0, 12, 2))
    t = tables(nominals=nominals, cohort=cohort, offences=offences)
    frame = expected.expected_reoffending(
        expected.expected_people(t["cohort"], t["nominals"], t["offences"], end=FY2015.end),
        resampling=Resampling(replicates=400, seed=3))
    priority = by(collect(frame), "scheme")["priority"]
    assert priority["observed_pct"] == 50.0
    assert priority["observed_pct_ci_low"] < 25.0 and priority["observed_pct_ci_high"] > 75.0
    assert priority["difference_pct_ci_low"] < priority["difference_pct"] < priority["difference_pct_ci_high"]


def test_nobody_followed_up_gives_no_rows(tables: Any) -> None:
    t = tables(cohort="nominal_id,scheme,start_date,end_date\nN1,priority,2015-01-01,\n",
               offences="offence_id,nominal_id,offence_date\nO1,N1,2014-05-01\n")
    frame = expected.expected_reoffending(expected.expected_people(
        t["cohort"], t["nominals"], t["offences"], end=FY2015.end))
    assert collect(frame) == []


def test_the_same_people_with_the_eligible_materialised(package: Any) -> None:
    """``materialise`` (a backend computing the eligible people once) changes nothing."""
    seen: list[list[str]] = []

    def materialise(frame: Any) -> Any:
        seen.append(frame.columns)
        return frame.collect().lazy()

    frame = expected.expected_people(package["cohort"], package["nominals"], package["offences"],
                                     end=FY2015.end, materialise=materialise)
    assert by(collect(frame), "nominal_id") == people(package)
    assert seen == [["nominal_id", "start_date", "scheme", "follow_from"]]
