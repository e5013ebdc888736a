"""Needs, treatment, referrals, engagement and the performance framework, hand-checked."""

from __future__ import annotations

import pytest

from tests.metrics.conftest import by

NOMINALS = "nominal_id,date_of_birth,gender,area\nA,1990-01-01,male,NW\nB,1990-01-01,male,NW\nC,,,\n"
COHORT = "nominal_id,scheme,start_date,end_date\nA,priority,2015-01-01,\n"

NEEDS = """\
nominal_id,assessed_on,pathway,score
A,2015-05-01,accommodation,4
A,2015-05-01,ete,0
A,2015-05-01,health,
A,2015-08-01,accommodation,9
B,2015-03-31,accommodation,2
B,2015-06-01,accommodation,8
C,2016-03-31,accommodation,6
C,2016-03-31,ete,3
"""


def test_needs_first_assessment(tables) -> None:
    report = tables(nominals=NOMINALS, cohort=COHORT, needs=NEEDS).report()
    rows = by(report.rows("needs_first_assessment"), "pathway")
    # First assessments in the period: A's of 2015-05-01 and C's of 2016-03-31. A's later one
    # does not count, and B's first assessment was before the period, so B's June one is not a first.
    acc = rows["accommodation"]
    assert (acc["assessments"], acc["identified"]) == (2, 2)
    assert acc["cumulative_avg"] == 5.0 and acc["avg_when_scored"] == 5.0 and acc["identified_pct"] == 100.0
    ete = rows["ete"]
    assert (ete["assessments"], ete["identified"], ete["cumulative_avg"], ete["avg_when_scored"],
            ete["identified_pct"]) == (2, 1, 1.5, 3.0, 50.0)
    health = rows["health"]  # an empty score means "not assessed"
    assert (health["assessments"], health["cumulative_avg"], health["identified_pct"]) == (0, None, None)
    assert list(rows) == ["accommodation", "ete", "health", "drugs_alcohol", "finance",
                          "children_families", "attitudes"]


TREATMENT_HEADER = "episode_id,nominal_id,substance,start_date,end_date,outcome,re_presented_on\n"


@pytest.mark.parametrize(
    ("episode", "in_treatment", "successful"),
    [
        ("opiate,2015-01-01,2015-06-01,successful_completion,", 1, 1),
        ("opiate,2015-01-01,2015-06-01,successful_completion,2015-12-01", 1, 0),  # day 183
        ("opiate,2015-01-01,2015-06-01,successful_completion,2015-12-02", 1, 1),  # day 184
        ("opiate,2015-01-01,2015-06-01,dropped_out,", 1, 0),
        ("opiate,2014-01-01,2015-03-31,successful_completion,", 0, 0),  # ended before the period
        ("opiate,2016-04-01,,ongoing,", 0, 0),  # starts after
        ("opiate,2014-01-01,,ongoing,", 1, 0),
        ("opiate,2015-06-01,2016-04-01,successful_completion,", 1, 0),  # completes after the period
        ("opiate,2014-01-01,2015-04-01,successful_completion,", 1, 1),  # ends on the first day
    ],
    ids=["completed", "re-presented-day-183", "re-presented-day-184", "dropped-out",
         "ended-before-period", "starts-after-period", "open", "completes-after-period",
         "ends-first-day"],
)
def test_treatment_completions(tables, episode: str, in_treatment: int, successful: int) -> None:
    report = tables(nominals=NOMINALS, cohort=COHORT,
                    treatment=TREATMENT_HEADER + f"t1,A,{episode}\n").report()
    row = report.row("treatment_completions", substance="opiate")
    if in_treatment == 0:
        assert row is None
    else:
        assert (row["in_treatment"], row["successful"]) == (in_treatment, successful)
        assert row["successful_pct"] == successful * 100.0


REFERRALS = """\
referral_id,nominal_id,referred_on,referring_agency,decision
r1,A,2015-04-01,Police,accepted
r2,A,2015-05-01,police,rejected
r3,B,2015-06-01,police,accepted
r4,B,2015-07-01,police,pending
r5,C,2016-03-31,NPS,withdrawn
r6,C,2015-03-31,nps,accepted
"""


def test_referrals_by_agency(tables) -> None:
    rows = by(tables(nominals=NOMINALS, cohort=COHORT, referrals=REFERRALS).report()
              .rows("referrals_by_agency"), "agency")
    assert (rows["police"]["referrals"], rows["police"]["accepted"], rows["police"]["rejected"]) == (4, 2, 1)
    assert rows["police"]["acceptance_pct"] == pytest.approx(200 / 3)
    assert rows["nps"]["referrals"] == 1 and rows["nps"]["acceptance_pct"] is None  # 0 decided
    assert (rows["all"]["referrals"], rows["all"]["accepted"]) == (5, 2)


MEETINGS = """\
meeting_id,held_on,meeting_type,area
m1,2015-04-01,case_management,NW
m2,2015-04-15,Case Management,NW
m3,2015-03-31,operational,NW
"""
ATTENDANCE = """\
meeting_id,agency,invited,attended
m1,police,yes,yes
m2,police,true,false
m3,police,1,1
m1,health,1,0
m2,health,no,no
m1,council,Y,N
"""


def test_attendance_by_agency(tables) -> None:
    rows = by(tables(nominals=NOMINALS, cohort=COHORT, meetings=MEETINGS, attendance=ATTENDANCE)
              .report().rows("attendance_by_agency"), "agency")
    assert (rows["police"]["meetings"], rows["police"]["invited"], rows["police"]["attended"]) == (2, 2, 1)
    assert rows["police"]["attendance_pct"] == 50.0
    assert (rows["health"]["meetings"], rows["health"]["invited"], rows["health"]["attendance_pct"]) == (2, 1, 0.0)
    assert rows["council"]["attendance_pct"] == 0.0


INDICATORS = """\
indicator_id,title,owner,unit,direction,baseline,metric
size,Increase the IOM cohort,GLR,count,up,70,cohort_size
reoff,Reduce reoffending by 40% over 4 years,GLR,percent,down,46,
opiate,Successful completions - opiates,SH,percent,range,11.1,
females,Females re-entering custody,SH,count,down,,
"""
TARGETS = """\
indicator_id,period,kind,value,low,high
size,2015-Q1,value,125,,
size,2015-Q2,value,150,,
size,2015,value,1,,
reoff,2015-Q1,change,-0.40,,
opiate,2015-Q1,range,,9,15
opiate,2015-Q2,range,,9,15
females,2015-Q1,tbc,,,
size,2014-Q4,value,100,,
"""
ACTUALS = """\
indicator_id,period,actual,comment
size,2015-Q1,136,on track
size,2015-Q2,112,
reoff,2015-Q1,28,
opiate,2015-Q1,8.5,
opiate,2015-Q2,7,
"""


def test_kpis_rag(tables) -> None:
    report = tables(nominals=NOMINALS, cohort=COHORT, indicators=INDICATORS, targets=TARGETS,
                    actuals=ACTUALS).report()
    rows = by(report.rows("kpis"), "indicator_id", "period")
    assert rows["size", "2015-Q1"]["rag"] == "green"  # 136 >= 125
    assert rows["size", "2015-Q2"]["rag"] == "red"  # 112 < 150 - 15
    assert rows["reoff", "2015-Q1"]["target"] == pytest.approx(27.6)  # 46 x (1 - 0.40)
    assert rows["reoff", "2015-Q1"]["rag"] == "amber"  # 28 <= 27.6 + 2.76
    assert rows["opiate", "2015-Q1"]["rag"] == "amber"  # 0.5 below 9, within 10% of the width 6
    assert rows["opiate", "2015-Q2"]["rag"] == "red"
    assert rows["females", "2015-Q1"]["rag"] is None
    assert ("size", "2014-Q4") not in rows  # outside the report period
    # The financial-year target takes the computed cohort size (1 person on 2016-03-31).
    assert rows["size", "2015"]["actual"] == 1.0
    assert rows["size", "2015"]["actual_source"] == "computed: cohort_size"
    assert rows["size", "2015"]["rag"] == "green"


OVERRIDES = """\
override_id,indicator_id,period,rag,rag_from,reason,decided_on,decided_by
O1,size,2015-Q2,amber,red,Data fix pending,2015-08-01,manager.one
O2,size,2015-Q2,green,amber,Corrected figure meets the target,2015-08-20,manager.two
O3,reoff,2015-Q1,green,amber,Validated late,2015-07-01,manager.one
O4,reoff,2015-Q1,,green,Withdrawn: the computed status stands,2015-07-02,manager.one
O5,opiate,2015-Q1,red,amber,Same day as O6 but an earlier id,2015-07-01,manager.one
O6,opiate,2015-Q1,green,red,Same day as O5: the later id is in force,2015-07-01,manager.two
"""


def test_kpis_rag_overrides(tables) -> None:
    report = tables(nominals=NOMINALS, cohort=COHORT, indicators=INDICATORS, targets=TARGETS,
                    actuals=ACTUALS, rag_overrides=OVERRIDES).report()
    rows = by(report.rows("kpis"), "indicator_id", "period")
    size = rows["size", "2015-Q2"]  # computed red (112 < 135); O2 is later than O1, so green
    assert (size["rag"], size["rag_computed"], size["rag_overridden"]) == ("green", "red", True)
    assert (size["rag_override_reason"], size["rag_override_by"]) == ("Corrected figure meets the target",
                                                                      "manager.two")
    assert size["rag_override_on"].isoformat() == "2015-08-20"
    reoff = rows["reoff", "2015-Q1"]  # O4 withdrew O3: the computed amber stands
    assert (reoff["rag"], reoff["rag_computed"], reoff["rag_overridden"], reoff["rag_override_reason"]) == (
        "amber", "amber", False, None)
    assert rows["opiate", "2015-Q1"]["rag"] == "green"  # same day: the later override_id (O6)
    untouched = rows["size", "2015-Q1"]
    assert (untouched["rag"], untouched["rag_computed"], untouched["rag_overridden"]) == ("green", "green", False)


def test_rag_overrides_must_name_a_known_indicator(tables) -> None:
    from iomhub.package import PackageError

    with pytest.raises(PackageError) as raised:
        tables(nominals=NOMINALS, cohort=COHORT, indicators=INDICATORS, targets=TARGETS,
               rag_overrides=OVERRIDES.replace("O1,size", "O1,nosuch"))
    assert any(p.file == "rag_overrides.csv" and p.line == 2 and p.column == "indicator_id"
               for p in raised.value.problems)


PROGRESS_NEEDS = """\
nominal_id,assessed_on,pathway,score
A,2015-01-01,accommodation,6
A,2015-01-01,ete,2
A,2015-04-02,accommodation,4
A,2015-04-02,ete,
A,2015-07-01,accommodation,2
B,2015-02-01,accommodation,8
B,2015-04-01,accommodation,7
B,2015-05-20,accommodation,5
B,2016-02-01,accommodation,1
C,2016-03-01,accommodation,9
C,2016-06-01,accommodation,3
"""


def test_needs_progress(tables) -> None:
    report = tables(nominals=NOMINALS + "D,1990-01-01,male,NW\n", cohort=COHORT, needs=PROGRESS_NEEDS.replace(
        "C,", "D,")).report()
    rows = by(report.rows("needs_progress"), "pathway", "months")
    # First assessments on or before 2016-03-31: A 2015-01-01 (acc 6, ete 2), B 2015-02-01 (acc 8),
    # D 2016-03-01 (acc 9). D's June 2016 assessment is after the period: never counted.
    first = rows["accommodation", 0]
    assert (first["people"], first["avg_first"], first["avg_then"], first["change"]) == (3, 23 / 3, 23 / 3, 0.0)
    # 3 months (day 91, 46-136): A on day 91 (4); B on day 59 (7, 32 days off) and day 108 (5, 17 days
    # off): the nearer, 5. Averages (6 + 8) / 2 = 7 then (4 + 5) / 2 = 4.5, change -2.5.
    three = rows["accommodation", 3]
    assert (three["people"], three["avg_first"], three["avg_then"], three["change"]) == (2, 7.0, 4.5, -2.5)
    # 6 months (day 183, 138-228): A on day 181 (2) only.
    six = rows["accommodation", 6]
    assert (six["people"], six["avg_first"], six["avg_then"], six["change"]) == (1, 6.0, 2.0, -4.0)
    # 9 months (229-319): nobody. 12 months (320-410): B on day 365 (2016-02-01), score 1.
    assert (rows["accommodation", 9]["people"], rows["accommodation", 9]["avg_then"]) == (0, None)
    twelve = rows["accommodation", 12]
    assert (twelve["people"], twelve["avg_first"], twelve["avg_then"], twelve["change"]) == (1, 8.0, 1.0, -7.0)
    # ete: A scored at first (2) but not at 3 months (empty): nobody has both.
    assert (rows["ete", 0]["people"], rows["ete", 3]["people"], rows["ete", 3]["avg_then"]) == (1, 0, None)
    assert len(rows) == 7 * 5 and list(rows)[:5] == [("accommodation", m) for m in (0, 3, 6, 9, 12)]


@pytest.mark.parametrize(("days_after", "point"), [(45, None), (46, 3), (136, 3), (137, None), (138, 6),
                                                   (228, 6), (229, 9), (319, 9), (320, 12), (410, 12),
                                                   (411, None)],
                         ids=lambda value: str(value))
def test_needs_progress_windows(tables, days_after: int, point: int | None) -> None:
    from datetime import date, timedelta

    later = date(2014, 4, 1) + timedelta(days=days_after)
    needs = f"nominal_id,assessed_on,pathway,score\nA,2014-04-01,accommodation,5\nA,{later},accommodation,1\n"
    rows = by(tables(nominals=NOMINALS, cohort=COHORT, needs=needs).report().rows("needs_progress"),
              "pathway", "months")
    counted = [months for months in (3, 6, 9, 12) if rows["accommodation", months]["people"]]
    assert counted == ([] if point is None else [point])
