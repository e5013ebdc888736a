"""Join-anchored windows, time at risk and the matched comparison: hand-checked cases."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pytest

from iomhub.metrics import effect
from iomhub.metrics.custody import custody_spans
from iomhub.metrics.uncertainty import Resampling
from tests.metrics.conftest import FY2015, by, collect

DATA_START, DATA_END = date(2014, 4, 1), date(2016, 3, 31)
ONE_NEIGHBOUR = effect.Matching(neighbours=1)

NOMINALS = """\
nominal_id,date_of_birth,gender,area
M,1990-01-15,male,NW
X,1990-03-01,male,NW
Y,1985-01-01,male,NE
F,1990-01-15,female,NW
R,1990-01-15,male,NW
L,2001-01-01,male,NW
Q,1990-01-15,male,NW
"""


def parts(tables: Any, cohort: str, offences: str, custody: str | None = None,
          matching: effect.Matching = ONE_NEIGHBOUR) -> effect.EffectTables:
    kwargs = {"nominals": NOMINALS, "cohort": cohort, "offences": offences}
    if custody is not None:
        kwargs["custody"] = custody
    t = tables(**kwargs)
    spans = None if custody is None else custody_spans(t["custody"], DATA_END)
    return effect.effect_tables(t["cohort"], t["offences"], spans, t["nominals"], matching,
                                DATA_START, DATA_END)


@pytest.mark.parametrize(
    ("start", "status"),
    [("2015-04-01", "eligible"), ("2015-04-02", "too_recent"), ("2015-03-31", "too_early")],
    ids=["before-window-starts-with-data-after-ends-with-it", "after-window-one-day-too-long",
         "before-window-one-day-too-early"],
)
def test_windows_must_fit_inside_the_data(tables: Any, start: str, status: str) -> None:
    # Joining 2015-04-01: before = 2014-04-01..2015-03-31, after = 2015-04-01..2016-03-31.
    found = parts(tables, f"nominal_id,scheme,start_date\nM,priority,{start}\n",
                  "offence_id,nominal_id,offence_date\no1,M,2015-01-01\n")
    assert collect(found.windows) == [{"status": status, "people": 1}]


def test_first_episode_anchors_the_windows(tables: Any) -> None:
    # The second (enhanced) episode is a change of level; the first one anchors, with its scheme.
    found = parts(tables, "nominal_id,scheme,start_date,end_date\nM,enhanced,2015-06-01,\n"
                          "M,priority,2015-04-01,2015-05-31\n",
                  "offence_id,nominal_id,offence_date\no1,M,2015-01-01\n")
    (member,) = collect(found.members)
    assert (member["scheme"], member["anchor"]) == ("priority", date(2015, 4, 1))


def test_offences_and_days_at_risk_in_each_window(tables: Any) -> None:
    # Before: 2014-04-01..2015-03-31 (365 days); o1 on its first day, o2 on its last; o0 a day
    # too early. After: 2015-04-01..2016-03-31 (366 days, 2016 is a leap year): o3 on the
    # joining day. Custody 2015-03-01..2015-03-10 is 10 days before; the open custody from
    # 2016-03-22 holds the last 10 days after. At risk: 365 - 10 = 355 and 366 - 10 = 356.
    found = parts(tables, "nominal_id,scheme,start_date\nM,priority,2015-04-01\n",
                  "offence_id,nominal_id,offence_date\no0,M,2014-03-31\no1,M,2014-04-01\n"
                  "o2,M,2015-03-31\no3,M,2015-04-01\n",
                  "nominal_id,start_date,end_date\nM,2015-03-01,2015-03-10\nM,2016-03-22,\n")
    (member,) = collect(found.members)
    assert {k: member[k] for k in effect.WINDOW_COLUMNS} == {
        "offences_before": 2, "offences_after": 1, "days_before": 365, "days_after": 366,
        "custody_days_before": 10, "custody_days_after": 10, "risk_days_before": 355,
        "risk_days_after": 356}


MATCH_OFFENCES = """\
offence_id,nominal_id,offence_date
m1,M,2014-12-01
m2,M,2015-01-10
m3,M,2015-02-10
m4,M,2015-03-10
m5,M,2015-06-01
m6,M,2015-09-01
x1,X,2014-12-05
x2,X,2015-01-12
x3,X,2015-02-12
x4,X,2015-03-12
x5,X,2015-05-01
x6,X,2015-07-01
x7,X,2015-11-01
y1,Y,2014-12-05
y2,Y,2015-01-12
y3,Y,2015-02-12
y4,Y,2015-03-12
y5,Y,2013-05-01
f1,F,2015-01-12
f2,F,2015-02-12
f3,F,2015-03-12
f4,F,2014-12-05
r1,R,2015-03-12
"""
# As of 2015-04-01 (the month M joined), M had 4 offences in the previous 6 and 24 months.
# X: 4 and 4, same gender, age and area: distance 0 + age 0.13/10 + months since last 0.
# Y: 4 recent but 5 in 24 months, 5 years older, other area: farther. F: female, R: 1 recent.
# (All of them are in M's bands: 4 recent, 3-5 prior, last offence 1 month before.)


def test_nearest_comparison_is_exact_on_gender_and_recent_offending(tables: Any) -> None:
    found = parts(tables, "nominal_id,scheme,start_date\nM,priority,2015-04-01\n", MATCH_OFFENCES)
    (matched,) = collect(found.sets)
    assert matched["member_id"] == "M" and matched["comparisons"] == 1
    assert [row["nominal_id"] for row in collect(found.comparison_people)] == ["X"]
    # X's windows are anchored on M's joining day: x1-x4 before, x5-x7 after.
    assert (matched["comparison_offences_before"], matched["comparison_offences_after"]) == (4.0, 3.0)


def test_two_neighbours_share_the_weight(tables: Any) -> None:
    found = parts(tables, "nominal_id,scheme,start_date\nM,priority,2015-04-01\n", MATCH_OFFENCES,
                  matching=effect.Matching(neighbours=2))
    (matched,) = collect(found.sets)
    # X (4 before, 3 after) and Y (4 before, 0 after): totals 8 and 3, each weighing 1/2.
    assert matched["comparisons"] == 2
    assert (matched["comparison_offences_before"], matched["comparison_offences_after"]) == (8, 3)


def test_people_already_on_iom_are_not_comparisons_but_later_joiners_are(tables: Any) -> None:
    # Y joined before M (2015-02-01): not a comparison, even with two neighbours wanted. Q (with
    # X's offences) joins later (2015-10-01): kept, with 2015-10-01..2016-03-31 (183 days) of
    # its after window counted as days on IOM.
    offences = MATCH_OFFENCES.replace(",X,", ",Q,")
    found = parts(tables, "nominal_id,scheme,start_date\nM,priority,2015-04-01\nQ,standard,2015-10-01\n"
                          "Y,standard,2015-02-01\n", offences, matching=effect.Matching(neighbours=2))
    assert [row["nominal_id"] for row in collect(found.comparison_people)] == ["Q"]
    (matched,) = collect(found.sets)
    assert matched["comparison_iom_days_after"] == 183.0
    never = parts(tables, "nominal_id,scheme,start_date\nM,priority,2015-04-01\nQ,standard,2015-10-01\n",
                  offences, matching=effect.Matching(neighbours=1, pool="never"))
    assert [row["nominal_id"] for row in collect(never.comparison_people)] == ["Y"]


def sums(*values: float) -> np.ndarray:
    return np.array(values, dtype=np.float64)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        # Member 4 -> 2 offences in 365 days each; comparison 4 -> 3: r = 0.5 / 0.75, -33.3%.
        (sums(4, 365, 2, 365, 4, 365, 3, 365, 0), -100.0 / 3),
        # Member halves at liberty (4 in 365 -> 1 in 182.5); comparison steady: -50%.
        (sums(4, 365, 1, 182.5, 4, 365, 4, 365, 0), -50.0),
        # Member ratio 0.5, comparison 0.9 with half its days on IOM: r = 5/9,
        # theta = (5/9 - 1) / (1 - 0.5 x 5/9) = -0.6154: comparison without IOM would be 1.3.
        (sums(4, 365, 2, 365, 4, 365, 3.6, 365, 182.5), -800.0 / 13),
        # Nobody offended before: undefined.
        (sums(0, 365, 2, 365, 4, 365, 3, 365, 0), None),
    ],
    ids=["counts", "time-at-risk", "comparison-partly-on-iom", "no-offences-before"],
)
def test_difference_in_differences(values: np.ndarray, expected: float | None) -> None:
    got = float(effect.did_pct(values))
    if expected is None:
        assert np.isnan(got)
    else:
        assert got == pytest.approx(expected)


def member(name: str, before: int, after: int, risk_before: int = 365, risk_after: int = 365,
           scheme: str = "priority") -> dict[str, Any]:
    return {"nominal_id": name, "scheme": scheme, "offences_before": before, "offences_after": after,
            "risk_days_before": risk_before, "risk_days_after": risk_after}


def test_naive_and_time_at_risk_estimates() -> None:
    # 10 -> 5 offences: naive -50%. At liberty: 10 in 730 days -> 5 in 365: rate 5.0 -> 5.0, 0%.
    people = [member("A", 6, 3, 365, 182), member("B", 4, 2, 365, 183)]
    rows = by(effect.estimates(people, [], 0, [], Resampling()), "method")
    assert rows["naive"]["estimate_pct"] == pytest.approx(-50.0)
    assert rows["time_at_risk"]["estimate_pct"] == pytest.approx(0.0)
    assert rows["naive"]["offenders"] == 2 and rows["naive"]["comparison_offenders"] is None
    assert "too few" in rows["naive"]["verdict"]
    assert rows["matched_did"]["estimate_pct"] is None and rows["matched_did"]["offenders"] == 0


def test_time_at_risk_rows_pool_and_per_person() -> None:
    # Pooled before: 10 / 730 x 365 = 5.0; after 5 / 365 x 365 = 5.0. Per person after:
    # A 3 / 182 x 365 = 6.016, B 2 / 183 x 365 = 3.989, mean 5.003.
    people = [member("A", 6, 3, 365, 182), member("B", 4, 2, 365, 183, scheme="enhanced")]
    rows = by(effect.time_at_risk_rows(people, Resampling()), "scheme")
    assert set(rows) == {"priority", "enhanced", "all"}
    everyone = rows["all"]
    assert everyone["rate_before"] == pytest.approx(5.0) and everyone["rate_after"] == pytest.approx(5.0)
    assert everyone["change_pct"] == pytest.approx(-50.0) and everyone["rate_change_pct"] == pytest.approx(0.0)
    assert everyone["person_rate_after"] == pytest.approx((3 / 182 + 2 / 183) / 2 * 365)


def test_matched_verdicts_say_when_not_to_conclude() -> None:
    people = [member(f"P{i}", 4, 2) for i in range(70)]
    sets = [{"member_id": f"P{i}", **{k: v for k, v in member("", 4, 2).items() if k.startswith(("off", "risk"))},
             "comparison_offences_before": 4, "comparison_risk_days_before": 365,
             "comparison_offences_after": 4, "comparison_risk_days_after": 365,
             "comparison_iom_days_after": 0, "comparisons": 1} for i in range(70)]
    good = [{"variable": "prior", "smd_after": 0.05}]
    rows = by(effect.estimates(people, sets, 140, good, Resampling()), "method")
    assert rows["matched_did"]["estimate_pct"] == pytest.approx(-50.0)
    assert rows["matched_did"]["verdict"] == "a fall beyond what chance would give"
    poor = by(effect.estimates(people, sets[:30], 60, [{"variable": "age", "smd_after": 0.3}],
                               Resampling()), "method")["matched_did"]["verdict"]
    assert "only 30 members could be matched" in poor and "only 30 of 70" in poor
    assert "standardised difference of 0.30" in poor


def test_balance_rows_standardised_differences() -> None:
    # Members: mean 4, variance 1; matched: mean 3, variance 1: SMD (4 - 3) / 1 = 1.0.
    # Pool: mean 2, variance 4: SMD (4 - 2) / sqrt((1 + 4) / 2) = 1.265.
    # Two matched sets: one of a single person (2), one of two people (4 and 4), each set
    # weighing 1: mean (2 + 4) / 2 = 3, mean of squares (4 + 16) / 2 = 10, variance 1.
    sums_ = [{"group": "members", "variable": "prior", "member_id": None, "count": 2, "total": 8.0,
              "squares": 34.0},
             {"group": "matched", "variable": "prior", "member_id": "A", "count": 1, "total": 2.0, "squares": 4.0},
             {"group": "matched", "variable": "prior", "member_id": "B", "count": 2, "total": 8.0, "squares": 32.0},
             {"group": "pool", "variable": "prior", "member_id": None, "count": 2, "total": 4.0, "squares": 16.0}]
    (row,) = effect.balance_rows(sums_)
    assert row["smd_after"] == pytest.approx(1.0)
    assert row["smd_before"] == pytest.approx(2 / (2.5 ** 0.5))


def test_fixed_period_days_at_risk(tables: Any) -> None:
    # Custody 2015-03-22..2015-04-10: 10 days in the baseline (FY2014), 10 in the period (FY2015).
    t = tables(nominals=NOMINALS, cohort="nominal_id,scheme,start_date\nM,priority,2014-01-01\n",
               offences="offence_id,nominal_id,offence_date\no1,M,2014-06-01\n",
               custody="nominal_id,start_date,end_date\nM,2015-03-22,2015-04-10\n")
    from iomhub.metrics import reoffending
    baseline = FY2015.preceding()
    performance = reoffending.performance_cohort(t["cohort"], t["offences"], t["custody"],
                                                 cohort_date=FY2015.start, baseline=baseline, period=FY2015)
    (row,) = collect(effect.fixed_period_outcomes(performance, t["custody"], baseline, FY2015))
    assert (row["risk_days_before"], row["risk_days_after"]) == (355, 356)


@pytest.mark.parametrize("options", [{"months": 0}, {"neighbours": 0}, {"recent_months": 30},
                                     {"pool": "everyone"}],
                         ids=["no-window", "no-neighbours", "recent-longer-than-prior", "unknown-pool"])
def test_impossible_matching_is_refused(options: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        effect.Matching(**options)


