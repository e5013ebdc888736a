"""Join-anchored windows, time at risk and the matched comparison: hand-checked cases."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from iomhub.metrics import effect
from iomhub.metrics.custody import custody_spans
from iomhub.metrics.effect_estimates import balance_rows
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
          matching: effect.Matching = ONE_NEIGHBOUR, bounds: tuple[date, date] = (DATA_START, DATA_END),
          ) -> effect.EffectTables:
    kwargs = {"nominals": NOMINALS, "cohort": cohort, "offences": offences}
    if custody is not None:
        kwargs["custody"] = custody
    t = tables(**kwargs)
    spans = None if custody is None else custody_spans(t["custody"], bounds[1])
    # Intermediate tables collected as the report's engine does (a plan of a dozen stages left
    # lazy takes Polars' optimiser far longer than the data take to compute).
    return effect.effect_tables(t["cohort"], t["offences"], spans, t["nominals"], matching, *bounds,
                                materialise=lambda frame: frame.collect().lazy())


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
                  matching=effect.Matching(neighbours=2, caliper=10.0))
    (matched,) = collect(found.sets)
    # X (4 before, 3 after) and Y (4 before, 0 after): totals 8 and 3, each weighing 1/2.
    # (Y is 5 years older in another area: beyond the default caliper of 1, see the next test.)
    assert matched["comparisons"] == 2
    assert (matched["comparison_offences_before"], matched["comparison_offences_after"]) == (8, 3)


def test_the_caliper_keeps_far_neighbours_out(tables: Any) -> None:
    # Y's distance from M: 1 prior offence / the spread (at least 1) + 5 years / 5 + another
    # area 0.25 = 2.25: beyond a caliper of 1 as a second neighbour, within one of 3.
    for caliper, comparisons in ((1.0, 1), (3.0, 2)):
        found = parts(tables, "nominal_id,scheme,start_date\nM,priority,2015-04-01\n", MATCH_OFFENCES,
                      matching=effect.Matching(neighbours=2, caliper=caliper))
        (matched,) = collect(found.sets)
        assert matched["comparisons"] == comparisons


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
    # Of Q's after-window offences (x5 2015-05-01, x6 2015-07-01, x7 2015-11-01), one is on
    # Q's own IOM days: the estimate divides it by (1 + the effect).
    (pair,) = collect(found.pairs)
    assert (pair["offences_after"], pair["iom_offences_after"]) == (3, 1)
    never = parts(tables, "nominal_id,scheme,start_date\nM,priority,2015-04-01\nQ,standard,2015-10-01\n",
                  offences, matching=effect.Matching(neighbours=1, pool="never"))
    assert [row["nominal_id"] for row in collect(never.comparison_people)] == ["Y"]


def test_fixed_period_days_at_risk(tables: Any) -> None:
    # Custody 2015-03-22..2015-04-10: 10 days in the baseline (FY2014), 10 in the period (FY2015).
    t = tables(nominals=NOMINALS, cohort="nominal_id,scheme,start_date\nM,priority,2014-01-01\n",
               offences="offence_id,nominal_id,offence_date\no1,M,2014-06-01\n",
               custody="nominal_id,start_date,end_date\nM,2015-03-22,2015-04-10\n")
    from iomhub.metrics import reoffending
    baseline = FY2015.preceding()
    performance = reoffending.performance_cohort(t["cohort"], t["offences"], t["custody"],
                                                 cohort_date=FY2015.start, baseline=baseline, period=FY2015)
    spans = custody_spans(t["custody"], FY2015.end)
    (row,) = collect(effect.fixed_period_outcomes(performance, spans, baseline, FY2015))
    assert (row["risk_days_before"], row["risk_days_after"]) == (355, 356)


@pytest.mark.parametrize("options", [{"months": 0}, {"neighbours": 0}, {"recent_months": 30},
                                     {"pool": "everyone"}, {"caliper": 0.0}],
                         ids=["no-window", "no-neighbours", "recent-longer-than-prior", "unknown-pool",
                              "no-caliper"])
def test_impossible_matching_is_refused(options: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        effect.Matching(**options)




WIDE = (date(2014, 1, 1), date(2016, 12, 31))  # windows fit for anyone joining in 2015
SELF_OFFENCES = """\
offence_id,nominal_id,offence_date
m1,M,2015-01-10
m2,M,2015-02-10
m3,M,2015-03-10
x1,X,2015-01-12
x2,X,2015-02-12
x3,X,2015-03-12
"""


@pytest.mark.parametrize("day", [1, 2, 15, 28, 31], ids=lambda day: f"joins-on-the-{day}")
def test_a_member_is_never_their_own_comparison(tables: Any, day: int) -> None:
    # M joins on any day of March 2015; X looks exactly like M and was never on IOM. Whatever
    # the day, M's only comparison is X: M is never matched to themselves (on a day after the
    # 1st, M was "not yet on IOM" at the first of the month, their own nearest neighbour).
    start = f"2015-03-{day:02d}"
    found = parts(tables, f"nominal_id,scheme,start_date\nM,priority,{start}\n",
                  SELF_OFFENCES, matching=effect.Matching(neighbours=5),
                  bounds=WIDE)
    pairs = collect(found.pairs)
    assert [(row["member_id"], row["nominal_id"]) for row in pairs] == [("M", "X")]


def test_alone_a_member_finds_nobody(tables: Any) -> None:
    # With nobody else in the data, a member joining mid-month has no comparison at all.
    found = parts(tables, "nominal_id,scheme,start_date\nM,priority,2015-04-15\n",
                  "offence_id,nominal_id,offence_date\nm1,M,2015-01-10\nm2,M,2015-02-10\n", bounds=WIDE)
    assert collect(found.pairs) == [] and collect(found.sets) == []


@pytest.mark.parametrize(
    ("other_joins", "eligible"),
    [("2015-04-09", False), ("2015-04-10", False), ("2015-04-11", True), ("2015-04-01", False)],
    ids=["joined-the-day-before", "joined-the-same-day", "joins-the-day-after", "joined-on-the-first"],
)
def test_the_pool_is_decided_on_the_joining_day(tables: Any, other_joins: str, eligible: bool) -> None:
    # M joins on 2015-04-10. X (M's twin in offending) joins in the same month: a comparison
    # only if X was not yet on IOM on M's joining day.
    cohort = f"nominal_id,scheme,start_date\nM,priority,2015-04-10\nX,standard,{other_joins}\n"
    found = parts(tables, cohort, SELF_OFFENCES, bounds=WIDE)
    pairs = [(row["member_id"], row["nominal_id"]) for row in collect(found.pairs)]
    assert (("M", "X") in pairs) is eligible
    assert all(member != person for member, person in pairs)


def test_overlapping_custody_is_counted_once(tables: Any) -> None:
    # Remand 2015-03-01..2015-03-20 and the sentence recorded from the same day to 2015-03-10
    # (inside it) and a recall 2015-03-15..2015-03-25 overlapping its end: one stay of
    # 2015-03-01..2015-03-25, 25 days, in the before window (not 20 + 10 + 11 = 41).
    # After: an open record from 2016-03-01 with an expected release on 2016-03-05: 5 days.
    found = parts(tables, "nominal_id,scheme,start_date\nM,priority,2015-04-01\n",
                  "offence_id,nominal_id,offence_date\no1,M,2015-01-01\n",
                  "nominal_id,start_date,end_date,expected_release_date\nM,2015-03-01,2015-03-20,\n"
                  "M,2015-03-01,2015-03-10,\nM,2015-03-15,2015-03-25,\nM,2016-03-01,,2016-03-05\n")
    (member,) = collect(found.members)
    assert (member["custody_days_before"], member["custody_days_after"]) == (25, 5)
    assert (member["risk_days_before"], member["risk_days_after"]) == (365 - 25, 366 - 5)


def test_lagged_quarters_count_the_two_years_before_joining(tables: Any) -> None:
    # Joining 2015-04-01 (day A): q1 is A-91..A-1 (2014-12-31..2015-03-31), q2 A-182..A-92, ...
    # q8 A-728..A-638 (2013-04-03..2013-07-02). 2013-04-02 is a day too early.
    found = parts(tables, "nominal_id,scheme,start_date\nM,priority,2015-04-01\n",
                  "offence_id,nominal_id,offence_date\no1,M,2015-03-31\no2,M,2014-12-31\no3,M,2014-12-30\n"
                  "o4,M,2013-04-03\no5,M,2013-04-02\n")
    (member,) = collect(found.members)
    assert [member[f"q{lag}"] for lag in range(1, 9)] == [2, 1, 0, 0, 0, 0, 0, 1]


def test_the_spread_of_prior_offences_does_not_depend_on_row_order() -> None:
    # The distance divides by the members' standard deviation of prior offences. Summed in
    # the order rows arrive (a parallel join's order changes from run to run), its last bits
    # moved, and mathematically equal distances were ranked by that noise: the matches of a
    # unit where many people join changed between runs. From exact sums it is one value.
    # Hand-checked: 1..9 have mean 5, sum of squared deviations 60, variance 60 / 8 = 7.5.
    import narwhals as nw
    import numpy as np
    import polars as pl

    def spread(values: Any) -> float | None:
        found = nw.from_native(pl.DataFrame({"prior": values}).lazy()).select(effect.prior_spread()).collect()
        return found.item()

    assert spread(list(range(1, 10))) == pytest.approx(7.5 ** 0.5, rel=1e-15)
    prior = np.random.default_rng(3).poisson(5, 36_000)
    orders = [np.random.default_rng(seed).permutation(prior) for seed in range(20)]
    assert len({spread(order) for order in orders}) == 1
    assert spread([4]) is None  # one member: no spread (the distance's scale is then 1)


def test_the_weeks_before_joining_are_counted_for_members_and_their_comparison(tables: Any) -> None:
    # M joins on 2015-04-15; the matching sees the months to 31 March, where M and X are alike
    # (MATCH_OFFENCES). The weeks it does not see, 1 to 14 April: M offends on the 3rd and the
    # 14th (the 15th is the joining day, after), X, anchored on M's joining day, on the 10th.
    offences = MATCH_OFFENCES + "g1,M,2015-04-03\ng2,M,2015-04-14\ng3,M,2015-04-15\ng4,X,2015-04-10\n"
    found = parts(tables, "nominal_id,scheme,start_date\nM,priority,2015-04-15\n", offences,
                  bounds=(DATA_START, date(2016, 4, 30)))
    (member,) = collect(found.members)
    assert member[effect.JOINING_MONTH] == 2
    assert [row["nominal_id"] for row in collect(found.comparison_people)] == ["X"]
    weeks = by(balance_rows(collect(found.balance)), "variable")[effect.JOINING_MONTH]
    assert (weeks["members_mean"], weeks["comparison_mean_after"]) == (2.0, 1.0)


@pytest.mark.parametrize(("data_start", "expected"), [
    pytest.param(date(2012, 4, 1), (2.0, 1.0), id="a-year-and-more-of-the-window-in-the-data"),
    pytest.param(date(2012, 5, 1), (None, None), id="under-a-year-of-it-not-compared"),
], )
def test_offending_two_to_four_years_before_joining_is_compared_where_the_data_reach(
        tables: Any, data_start: date, expected: tuple[float | None, float | None]) -> None:
    # M joins on 2015-04-15: the lagged quarters reach back 728 days (to 2013-04-17), the
    # earlier window another 728 (to 2011-04-20), cut at the data's first day. From 2012-04-01
    # the data hold 381 days of it: M offends there twice (2012-06-01, 2013-01-01; 2011-12-01
    # is before the data), X once (2012-08-01); 2013-04-20 is in the lagged quarters. From
    # 2012-05-01 they hold 351 days: under a year, so the variable is not compared at all.
    offences = (MATCH_OFFENCES + "e0,M,2011-12-01\ne1,M,2012-06-01\ne2,M,2013-01-01\ne3,M,2013-04-20\n"
                "e4,X,2012-08-01\n")
    found = parts(tables, "nominal_id,scheme,start_date\nM,priority,2015-04-15\n", offences,
                  bounds=(data_start, date(2016, 4, 30)))
    assert [row["nominal_id"] for row in collect(found.comparison_people)] == ["X"]
    earlier = by(balance_rows(collect(found.balance)), "variable").get(effect.EARLIER)
    found_means = (None, None) if earlier is None else (earlier["members_mean"], earlier["comparison_mean_after"])
    assert found_means == expected


def test_mathematically_equal_distances_are_ties_that_go_to_the_lower_nominal_id() -> None:
    # M (born in month 23801) joins in month 24183. A is 30 months older, alike otherwise:
    # 2.5 years / 5 = 0.5. B is M's age with 16 months since the last offence against M's 13
    # (the same band, 13+): 3 / 6 = 0.5. A tie, which goes to B (person 1, below A's 2); but
    # ages (months / 12) carry rounding: Polars divides a column by 12 as a multiplication
    # by 1/12 in blocks of 8 rows (A's age 34.33333333333333, distance 0.49999999999999933)
    # and divides the rest, as Spark does (34.333333333333336). Ranked raw, A won on Polars
    # and B on Spark. Six people of another cell fill the candidates' first block of 8.
    import narwhals as nw
    import polars as pl

    def frame(**columns: list[Any]) -> Any:
        rows = nw.from_native(pl.DataFrame({"month": [24183] * len(columns["nominal_id"]), **columns}).lazy())
        return effect.with_bands(effect._with_age(rows).with_columns(
            nw.lit(0).alias("gender_code"), nw.lit(False).alias("in_custody"), nw.lit("NW").alias("area"),
            nw.lit(4).alias("prior"), nw.lit(2).alias("recent")))

    profiles = frame(nominal_id=[0], birth_month=[23801], months_since_last=[13], anchor_day=[16600])
    candidates = frame(nominal_id=[1, 2, *range(3, 9)], birth_month=[23801, 23771, *[23801] * 6],
                       months_since_last=[16, 13, *[1] * 6]).with_columns(
        effect.exact_key(), nw.lit(None, nw.Int64).alias("joined_day"))
    found = effect.matches(profiles, candidates, effect.Matching(neighbours=1)).collect().to_native()
    assert found["nominal_id"].to_list() == [1]
    assert found["distance"].to_list() == [pytest.approx(0.5, abs=1e-12)]


def test_the_pools_balance_sums_by_hand(tables: Any) -> None:
    # M joins on 2015-04-01, so the pool is everyone with offences in the 24 months before
    # April 2015 and not on IOM by the end of it: X, Y, F and R (M is on IOM; L and Q never
    # offended). Ages in whole months at 1 April 2015: X (born March 1990) 301, Y (January
    # 1985) 363, F and R (January 1990) 303 each; one woman, F.
    found = parts(tables, "nominal_id,scheme,start_date\nM,priority,2015-04-01\n", MATCH_OFFENCES)
    pool = {row["variable"]: (row["count"], row["total"], row["squares"])
            for row in collect(found.balance) if row["group"] == "pool"}
    assert pool["age"] == (4, 301.0 + 363.0 + 303.0 + 303.0, 301.0**2 + 363.0**2 + 2 * 303.0**2)
    assert pool["female"] == (4, 1.0, 1.0)
    # prior offences in the 24 months before April 2015: X 4, Y 5, F 4, R 1
    assert pool["prior"] == (4, 14.0, 16.0 + 25.0 + 16.0 + 1.0)


def test_the_balance_sums_come_in_the_order_the_estimates_read_them(tables: Any) -> None:
    # By group, variable and member_id (missing first), so that the report need not sort them.
    found = parts(tables, "nominal_id,scheme,start_date\nM,priority,2015-04-01\n", MATCH_OFFENCES,
                  matching=effect.Matching(neighbours=3))
    rows = collect(found.balance)
    keys = [(row["group"], row["variable"], -1 if row["member_id"] is None else row["member_id"]) for row in rows]
    assert keys == sorted(keys)
    assert {row["group"] for row in rows} == {"members", "pool", "matched"}
