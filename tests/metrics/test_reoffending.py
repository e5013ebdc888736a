"""Reoffending of the performance cohort: hand-checked edges of every definition."""

from __future__ import annotations

from datetime import date

import pytest

from iomhub.domain.ages import AgeBands
from iomhub.domain.dates import Span
from iomhub.metrics import reoffending
from tests.metrics.conftest import FY2015, by, collect

BASELINE = FY2015.preceding()
COHORT_DATE = date(2015, 4, 1)

NOMINALS = """\
nominal_id,date_of_birth,gender,area
A,1997-04-01,male,NW
B,1997-04-02,female,NE
C,,male,
D,1980-01-01,male,NW
E,1980-01-01,male,NW
F,1980-01-01,male,NW
"""


def cohort_members(tables, cohort: str, offences: str, custody: str | None = None,
                   beyond: date | None = None) -> dict[str, dict]:
    kwargs = {"nominals": NOMINALS, "cohort": cohort, "offences": offences}
    if custody is not None:
        kwargs["custody"] = custody
    t = tables(**kwargs)
    frame = reoffending.performance_cohort(
        t["cohort"], t["offences"], t.get("custody"), cohort_date=COHORT_DATE, baseline=BASELINE,
        period=FY2015, exclude_custody_beyond=beyond)
    return by(collect(frame), "nominal_id")


OFFENCE_EACH = """\
offence_id,nominal_id,offence_date
a,A,2014-06-01
b,B,2014-06-01
c,C,2014-06-01
d,D,2014-06-01
"""


@pytest.mark.parametrize(
    ("episode", "member"),
    [
        ("2015-04-01,", True),
        ("2014-01-01,2015-04-01", True),
        ("2014-01-01,2015-03-31", False),
        ("2015-04-02,", False),
        ("2010-01-01,", True),
    ],
    ids=["starts-on-cohort-date", "ends-on-cohort-date", "ended-day-before", "starts-day-after",
         "open-ended"],
)
def test_episode_covering_the_cohort_date(tables, episode: str, member: bool) -> None:
    cohort = f"nominal_id,scheme,start_date,end_date\nA,priority,{episode}\n"
    assert ("A" in cohort_members(tables, cohort, OFFENCE_EACH)) is member


def test_two_episodes_of_one_person_take_the_covering_scheme(tables) -> None:
    cohort = """\
    nominal_id,scheme,start_date,end_date
    A,enhanced,2014-01-01,2015-03-31
    A,priority,2015-04-01,
    """
    members = cohort_members(tables, cohort, OFFENCE_EACH)
    assert members["A"]["scheme"] == "priority"
    assert len(members) == 1


@pytest.mark.parametrize(
    ("offence_date", "before", "after"),
    [
        ("2014-03-31", 0, 0),
        ("2014-04-01", 1, 0),
        ("2015-03-31", 1, 0),
        ("2015-04-01", 0, 1),
        ("2016-03-31", 0, 1),
        ("2016-04-01", 0, 0),
    ],
    ids=["day-before-baseline", "first-day-of-baseline", "last-day-of-baseline",
         "first-day-of-period", "last-day-of-period", "day-after-period"],
)
def test_offence_on_a_period_boundary(tables, offence_date: str, before: int, after: int) -> None:
    cohort = "nominal_id,scheme,start_date,end_date\nA,priority,2015-01-01,\n"
    offences = f"offence_id,nominal_id,offence_date\nx,A,2014-06-01\ny,A,{offence_date}\n"
    member = cohort_members(tables, cohort, offences)["A"]
    assert (member["offences_before"], member["offences_after"]) == (1 + before, after)


def test_no_baseline_offence_means_not_in_the_cohort(tables) -> None:
    cohort = "nominal_id,scheme,start_date,end_date\nA,priority,2015-01-01,\n"
    offences = "offence_id,nominal_id,offence_date\nx,A,2015-06-01\n"
    assert cohort_members(tables, cohort, offences) == {}


CUSTODY_COHORT = "nominal_id,scheme,start_date,end_date\nA,priority,2015-01-01,\n"


@pytest.mark.parametrize(
    ("custody", "beyond", "member"),
    [
        ("2015-01-01,2015-07-31,", date(2015, 7, 31), True),
        ("2015-01-01,2015-08-01,", date(2015, 7, 31), False),
        ("2015-01-01,,2015-07-31", date(2015, 7, 31), True),
        ("2015-01-01,,2015-08-01", date(2015, 7, 31), False),
        ("2015-01-01,,", date(2015, 7, 31), False),
        ("2015-01-01,,", None, True),
        ("2014-01-01,2015-03-31,", date(2015, 7, 31), True),
        ("2015-04-02,,", date(2015, 7, 31), True),
    ],
    ids=["closed-ends-on-limit", "closed-ends-after-limit", "open-release-on-limit",
         "open-release-after-limit", "open-release-unknown", "no-exclusion-asked",
         "ended-before-cohort-date", "starts-after-cohort-date"],
)
def test_custody_exclusion(tables, custody: str, beyond: date | None, member: bool) -> None:
    custody_csv = f"nominal_id,start_date,end_date,expected_release_date\nA,{custody}\n"
    members = cohort_members(tables, CUSTODY_COHORT, OFFENCE_EACH, custody_csv, beyond)
    assert ("A" in members) is member


SCHEME_COHORT = """\
nominal_id,scheme,start_date,end_date
A,priority,2015-01-01,
B,priority,2015-01-01,
C,enhanced,2015-01-01,
D,enhanced,2015-01-01,
"""
SCHEME_OFFENCES = """\
offence_id,nominal_id,offence_date
1,A,2014-05-01
2,A,2014-06-01
3,A,2014-07-01
4,A,2014-08-01
5,A,2015-05-01
6,B,2014-05-01
7,B,2015-05-01
8,B,2015-06-01
9,C,2014-05-01
10,C,2014-06-01
11,D,2014-05-01
12,D,2015-07-01
"""


def test_reoffending_by_scheme_hand_checked(tables) -> None:
    t = tables(nominals=NOMINALS, cohort=SCHEME_COHORT, offences=SCHEME_OFFENCES)
    rows = by(t.report().rows("reoffending_by_scheme"), "scheme")
    # priority: A 4 -> 1, B 1 -> 2: 5 -> 3, -40%; enhanced: C 2 -> 0, D 1 -> 1: 3 -> 1.
    assert (rows["priority"]["offenders"], rows["priority"]["offences_before"],
            rows["priority"]["offences_after"]) == (2, 5, 3)
    assert rows["priority"]["change_pct"] == pytest.approx(-40.0)
    assert (rows["enhanced"]["offences_before"], rows["enhanced"]["offences_after"]) == (3, 1)
    assert rows["enhanced"]["change_pct"] == pytest.approx(-200 / 3)
    assert (rows["all"]["offenders"], rows["all"]["offences_before"], rows["all"]["offences_after"]) == (4, 8, 4)
    assert rows["all"]["change_pct"] == -50.0
    assert list(rows) == ["priority", "enhanced", "all"]


def test_target_attainment_at_exactly_the_target(tables) -> None:
    t = tables(nominals=NOMINALS, cohort=SCHEME_COHORT, offences=SCHEME_OFFENCES)
    # With a 50% target: A (-75%) meets it, B (+100%) does not, C (-100%) does, D (0%) does not.
    rows = by(t.report(target_reduction=50.0).rows("target_attainment"), "scheme")
    assert (rows["priority"]["met_target"], rows["enhanced"]["met_target"], rows["all"]["met_target"]) == (1, 1, 2)
    assert rows["all"]["met_target_pct"] == 50.0
    # A falls by exactly 75%: a 75% target is met, a 75.5% one is not.
    assert by(t.report(target_reduction=75.0).rows("target_attainment"), "scheme")["priority"]["met_target"] == 1
    assert by(t.report(target_reduction=75.5).rows("target_attainment"), "scheme")["priority"]["met_target"] == 0


@pytest.mark.parametrize(
    ("bounds", "expected"),
    [
        ((18, 25), {"18_24": ("A",), "under_18": ("B",), "25_plus": ("D",), "unknown": ("C",)}),
        ((16, 25), {"16_24": ("A", "B"), "25_plus": ("D",), "unknown": ("C",)}),
        ((18, 19), {"18_18": ("A",), "under_18": ("B",), "19_plus": ("D",), "unknown": ("C",)}),
    ],
    ids=["default-bands", "seed-002-16-24", "turning-18-on-cohort-date"],
)
def test_age_bands_on_the_cohort_date(tables, bounds, expected) -> None:
    # A turns 18 on the cohort date (2015-04-01); B turns 18 the day after; C has no date of birth.
    t = tables(nominals=NOMINALS, cohort=SCHEME_COHORT, offences=SCHEME_OFFENCES)
    frame = reoffending.reoffending_by_age(
        reoffending.performance_cohort(t["cohort"], t["offences"], None, cohort_date=COHORT_DATE,
                                       baseline=BASELINE, period=FY2015),
        t["nominals"], COHORT_DATE, AgeBands(bounds))
    rows = by(collect(frame), "age_band")
    assert {band: row["offenders"] for band, row in rows.items()} == {
        band: len(people) for band, people in expected.items()}


def test_missing_area_and_gender_are_unknown(tables) -> None:
    t = tables(nominals=NOMINALS.replace("C,,male,", "C,,,"), cohort=SCHEME_COHORT,
               offences=SCHEME_OFFENCES)
    report = t.report()
    assert by(report.rows("reoffending_by_area"), "area")["unknown"]["offenders"] == 1
    assert by(report.rows("reoffending_by_gender"), "gender")["unknown"]["offenders"] == 1


def test_flags_count_each_flag_held_on_the_cohort_date(tables) -> None:
    flags = """\
    nominal_id,flag,start_date,end_date
    A,ppo,2014-01-01,
    A,dip,2015-04-01,2015-04-01
    B,ppo,2015-04-02,
    C,troubled_families,2013-01-01,2015-03-31
    """
    t = tables(nominals=NOMINALS, cohort=SCHEME_COHORT, offences=SCHEME_OFFENCES, flags=flags)
    rows = by(t.report().rows("reoffending_by_flag"), "flag")
    assert set(rows) == {"ppo", "dip"}
    assert rows["ppo"]["offenders"] == 1 and rows["dip"]["offences_before"] == 4


def test_empty_baseline_gives_null_change_not_zero() -> None:
    import narwhals as nw
    import polars as pl

    people = nw.from_native(pl.LazyFrame({"scheme": ["priority"], "offences_before": [0],
                                          "offences_after": [3]}))
    rows = collect(reoffending.summarise(people, "scheme"))
    assert rows[0]["change_pct"] is None


def test_baseline_option_overrides_the_default(tables) -> None:
    t = tables(nominals=NOMINALS, cohort=SCHEME_COHORT, offences=SCHEME_OFFENCES)
    report = t.report(baseline=Span(date(2014, 6, 1), date(2015, 3, 31)))
    # A's offence of 2014-05-01 falls outside the shorter baseline; B, C's first and D drop out too.
    rows = by(report.rows("reoffending_by_scheme"), "scheme")
    assert rows["all"]["offences_before"] == 4
    assert rows["all"]["offenders"] == 2
