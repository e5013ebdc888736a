"""The plain pandas report on a small hand-made package, every figure checked by hand.

Period 2015-04-01..2016-03-31, so the baseline is 2014-04-01..2015-03-31 and the cohort
date 2015-04-01. The package mixes ISO and UK dates, cases and spaces in codes and headers,
and starts nominals.csv with a byte-order mark.

People (scheme on 2015-04-01, offences in baseline / period):
- A1 priority, born 1997-04-01 (18 today: 18_24), male, NW; offences on the baseline's first
  and last days and the period's first day: 2 / 1.
- A2 priority (episode ends on the cohort date), born 02/04/1997 (17: under_18), female, NW;
  offences the day before the baseline (not counted), in it, on the period's last day and
  the day after the period (not counted): 1 / 1.
- A3 enhanced (episode starts on the cohort date), 25_plus, no gender or area: 4 / 0.
- A4 standard, no date of birth, male, SE: 1 / 3.
- A5 (episode ended the day before), A6 (starts the day after): not in the cohort.
- A7 enhanced, offences only in the period: in the caseload, not in the performance cohort.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from pandas_report import (
    Params,
    age_bands,
    default_baseline,
    main,
    normalise_codes,
    parse_dates,
    report,
    snapshot_dates,
)

BOM = "\ufeff"
FILES = {
    "nominals": BOM + """\
 Nominal_ID ,Date_Of_Birth,GENDER,Area,Family Name
A1,1997-04-01,Male,NW,Smith
A2,02/04/1997, female,NW,Jones
A3,1990-01-01,,,Brown
A4,,male,SE,Green
A5,1980-01-01,male,NW,White
A6,1980-01-01,female,SE,Black
A7,1980-01-01,male,NW,Grey
""",
    "cohort": """\
nominal_id,scheme,start_date,end_date,exit_reason
A1,priority,2014-01-01,,
A2, Priority ,01/01/2015,2015-04-01,completed
A3,enhanced,2015-04-01,,
A4,Standard,2013-06-01,31/12/2016,
A5,priority,2014-01-01,2015-03-31,moved
A6,priority,2015-04-02,,
A7,ENHANCED,2014-01-01,,
""",
    "offences": """\
offence_id,nominal_id,offence_date,category
O1,A1,2014-04-01,shoplifting
O2,A1,31/03/2015,Other Theft
O3,A1,2015-04-01,other
O4,A2,2014-03-31,other
O5,A2,2014-06-15,other
O6,A2,31/03/2016,other
O7,A2,2016-04-01,other
O8,A3,2014-05-01,other
O9,A3,2014-07-01,other
O10,A3,2014-09-01,other
O11,A3,2015-01-01,other
O12,A4,2014-10-10,other
O13,A4,2015-05-05,other
O14,A4,2015-06-06,other
O15,A4,07/07/2015,other
O16,A5,2014-10-10,other
O17,A6,2014-10-10,other
O18,A7,2015-05-05,other
""",
    "flags": """\
nominal_id,flag,start_date,end_date
A1,PPO,2015-01-01,
A1,Mappa 1,2014-01-01,2015-03-31
A2,ppo,2015-04-01,2015-04-01
A3,mappa-1,2015-04-02,
A4,MAPPA/1,2010-01-01,2020-01-01
""",
    "custody": """\
nominal_id,start_date,end_date,expected_release_date,custody_type
A1,2015-03-01,2015-05-01,,remand
A3,2015-02-01,,2015-07-01,sentenced
A4,2015-03-01,,,remand
A2,2015-04-02,2016-01-01,,sentenced
""",
    "supervision": """\
nominal_id,provider,order_type,start_date,end_date
A2,NPS,licence,2015-01-01,2015-12-31
A7,crc,community_order,2015-04-01,
A7,nps,licence,2014-01-01,2015-04-01
A1,crc,licence,2015-01-01,
""",
    "risk": """\
nominal_id,assessed_on,tier
A1,2015-01-01,green
A1,2015-01-01,Red
A1,2015-05-01,amber
A3,2015-04-02,green
A7,01/03/2015,AMBER
""",
    "referrals": """\
referral_id,nominal_id,referred_on,referring_agency,decision
R1,A1,2015-04-01,police,accepted
R2,A2,2016-03-31,Police,rejected
R3,A3,2015-06-01,police,pending
R4,A4,2015-07-01,nps,Accepted
R5,A5,2015-03-31,nps,accepted
R6,A6,2015-08-01,council,withdrawn
R7,A7,10/10/2015,drugs service,accepted
""",
    "meetings": """\
meeting_id,held_on,meeting_type
M1,2015-05-01,case_management
M2,01/06/2015,operational
M3,2015-03-01,board
""",
    "attendance": """\
meeting_id,agency,invited,attended
M1,police,true,true
M1,nps,yes,no
M2,police,TRUE,FALSE
M2,council,0,1
M2,nps,,
M3,police,true,true
""",
    "needs": """\
nominal_id,assessed_on,pathway,score
A1,2015-03-01,accommodation,7
A1,2015-06-01,accommodation,8
A1,2015-06-01,ete,8
A2,2015-05-01,accommodation,3
A2,2015-05-01,ete,0
A2,2015-05-01,health,
A2,2015-09-01,accommodation,9
A3,01/06/2015,Accommodation,5
A3,01/06/2015,ETE,2
A3,01/06/2015,health,0
A4,2016-04-01,accommodation,6
A6,2015-04-01,accommodation,0
A6,2015-04-01,ete,4
""",
    "treatment": """\
episode_id,nominal_id,substance,start_date,end_date,outcome,re_presented_on
T1,A1,opiate,2015-01-01,2015-06-30,successful_completion,2015-12-30
T2,A2,opiate,2015-01-01,2015-06-30,Successful Completion,31/12/2015
T3,A3,Non Opiate,2014-01-01,2015-03-31,successful_completion,
T4,A4,non_opiate,2015-02-01,,ongoing,
T5,A6,alcohol,2016-03-31,2016-05-01,successful_completion,
T6,A7,alcohol,2015-04-01,2016-03-31,successful_completion,
T7,A5,alcohol,2016-04-01,,ongoing,
""",
}

PERIOD = (date(2015, 4, 1), date(2016, 3, 31))
BASELINE = (date(2014, 4, 1), date(2015, 3, 31))


def write_package(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


def params(**changes: Any) -> Params:
    values: dict[str, Any] = {
        "period_from": PERIOD[0], "period_to": PERIOD[1], "baseline_from": BASELINE[0],
        "baseline_to": BASELINE[1], "cohort_date": PERIOD[0], "target_reduction": 17.0,
    }
    values.update(changes)
    return Params(**values)


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_package(tmp_path_factory.mktemp("package"), FILES)


@pytest.fixture(scope="module")
def tables(package: Path) -> dict[str, list[dict[str, Any]]]:
    result: dict[str, list[dict[str, Any]]] = report(package, params())["tables"]
    return result


def find(rows: list[dict[str, Any]], **key: Any) -> dict[str, Any]:
    """The one row whose columns equal ``key``."""
    found = [row for row in rows if all(row.get(k) == v for k, v in key.items())]
    assert len(found) == 1, f"{len(found)} rows match {key}"
    return found[0]


def check(row: dict[str, Any], expected: dict[str, Any]) -> None:
    for column, value in expected.items():
        if isinstance(value, float):
            assert row[column] == pytest.approx(value), column
        else:
            assert row[column] == value, column


def reoff(offenders: int, before: int, after: int, change: float | None) -> dict[str, Any]:
    return {"offenders": offenders, "offences_before": before, "offences_after": after,
            "change_pct": change}


REOFFENDING = [
    ("reoffending_by_scheme", {"scheme": "priority"}, reoff(2, 3, 2, -100 / 3)),
    ("reoffending_by_scheme", {"scheme": "enhanced"}, reoff(1, 4, 0, -100.0)),
    ("reoffending_by_scheme", {"scheme": "standard"}, reoff(1, 1, 3, 200.0)),
    ("reoffending_by_scheme", {"scheme": "all"}, reoff(4, 8, 5, -37.5)),
    ("reoffending_by_age", {"age_band": "18_24"}, reoff(1, 2, 1, -50.0)),
    ("reoffending_by_age", {"age_band": "under_18"}, reoff(1, 1, 1, 0.0)),
    ("reoffending_by_age", {"age_band": "25_plus"}, reoff(1, 4, 0, -100.0)),
    ("reoffending_by_age", {"age_band": "unknown"}, reoff(1, 1, 3, 200.0)),
    ("reoffending_by_gender", {"gender": "male"}, reoff(2, 3, 4, 100 / 3)),
    ("reoffending_by_gender", {"gender": "female"}, reoff(1, 1, 1, 0.0)),
    ("reoffending_by_gender", {"gender": "unknown"}, reoff(1, 4, 0, -100.0)),
    ("reoffending_by_area", {"area": "NW"}, reoff(2, 3, 2, -100 / 3)),
    ("reoffending_by_area", {"area": "SE"}, reoff(1, 1, 3, 200.0)),
    ("reoffending_by_area", {"area": "unknown"}, reoff(1, 4, 0, -100.0)),
    ("reoffending_by_flag", {"flag": "ppo"}, reoff(2, 3, 2, -100 / 3)),
    ("reoffending_by_flag", {"flag": "mappa_1"}, reoff(1, 1, 3, 200.0)),
    ("target_attainment", {"scheme": "priority"},
     {"offenders": 2, "met_target": 1, "met_target_pct": 50.0}),
    ("target_attainment", {"scheme": "enhanced"},
     {"offenders": 1, "met_target": 1, "met_target_pct": 100.0}),
    ("target_attainment", {"scheme": "standard"},
     {"offenders": 1, "met_target": 0, "met_target_pct": 0.0}),
    ("target_attainment", {"scheme": "all"},
     {"offenders": 4, "met_target": 2, "met_target_pct": 50.0}),
]


@pytest.mark.parametrize(("table", "key", "expected"), REOFFENDING,
                         ids=[f"{t}-{next(iter(k.values()))}" for t, k, _ in REOFFENDING])
def test_reoffending(tables: dict[str, list[dict[str, Any]]], table: str, key: dict[str, str],
                     expected: dict[str, Any]) -> None:
    check(find(tables[table], **key), expected)


@pytest.mark.parametrize(("table", "rows"), [
    ("reoffending_by_scheme", 4),
    ("reoffending_by_age", 4),
    ("reoffending_by_gender", 3),
    ("reoffending_by_area", 3),
    ("reoffending_by_flag", 2),  # mappa_1 of A1 ended, A3's starts after the cohort date
    ("target_attainment", 4),
    ("caseload", 4 * 4 * 5),  # (3 schemes + all) x (NW, SE, unknown + all) x 5 dates
    ("caseload_status", 3 * 5 * 2),
    ("statutory_by_provider", 2 * 5 * 2),  # schemes seen in the community x dates x providers
    ("risk_tiers", 5 * 4),
    ("referrals_by_agency", 5),
    ("attendance_by_agency", 3),
    ("needs_first_assessment", 7),
    ("treatment_completions", 3),
], ids=lambda value: str(value))
def test_row_counts(tables: dict[str, list[dict[str, Any]]], table: str, rows: int) -> None:
    assert len(tables[table]) == rows


@pytest.mark.parametrize(("beyond", "expected"), [
    # A3 is held until 2015-07-01 expected, A4 with no release date: both out; A1 is released
    # 2015-05-01, A2's custody starts after the cohort date: both stay.
    (date(2015, 6, 30), reoff(2, 3, 2, -100 / 3)),
    # With a later cut-off only A4 (release unknown) is left out.
    (date(2015, 7, 1), reoff(3, 7, 2, -500 / 7)),
    (None, reoff(4, 8, 5, -37.5)),
], ids=["cut-off-2015-06-30", "cut-off-2015-07-01", "no-cut-off"])
def test_custody_exclusion(package: Path, beyond: date | None, expected: dict[str, Any]) -> None:
    rows = report(package, params(exclude_custody_beyond=beyond))["tables"]
    check(find(rows["reoffending_by_scheme"], scheme="all"), expected)


CASELOAD = [
    ({"scheme": "priority", "area": "NW", "date": "2015-04-01"}, 2),  # A1, A2 (ends that day)
    ({"scheme": "priority", "area": "NW", "date": "2015-07-01"}, 1),
    ({"scheme": "priority", "area": "SE", "date": "2015-04-01"}, 0),  # A6 starts next day
    ({"scheme": "priority", "area": "SE", "date": "2015-07-01"}, 1),
    ({"scheme": "standard", "area": "NW", "date": "2015-04-01"}, 0),  # zero-filled
    ({"scheme": "enhanced", "area": "unknown", "date": "2016-03-31"}, 1),
    ({"scheme": "priority", "area": "all", "date": "2015-04-01"}, 2),
    ({"scheme": "all", "area": "SE", "date": "2016-03-31"}, 2),
    ({"scheme": "all", "area": "all", "date": "2015-04-01"}, 5),
    ({"scheme": "all", "area": "all", "date": "2015-07-01"}, 5),
]


@pytest.mark.parametrize(("key", "count"), CASELOAD,
                         ids=["-".join(k.values()) for k, _ in CASELOAD])
def test_caseload(tables: dict[str, list[dict[str, Any]]], key: dict[str, str],
                  count: int) -> None:
    assert find(tables["caseload"], **key)["count"] == count


def test_snapshot_dates_of_caseload(tables: dict[str, list[dict[str, Any]]]) -> None:
    days = sorted({row["date"] for row in tables["caseload"]})
    assert days == ["2015-04-01", "2015-07-01", "2015-10-01", "2016-01-01", "2016-03-31"]


# On 2015-04-01: A1 priority in custody (supervised by crc), A2 priority in the community
# (nps), A3 enhanced in custody, A4 standard in custody, A7 enhanced in the community (crc
# and nps). On 2015-07-01 A1 is out (community, crc), A6 has joined priority (community).
STATUS = [
    ({"scheme": "priority", "date": "2015-04-01", "status": "community"}, 1, 1),
    ({"scheme": "priority", "date": "2015-04-01", "status": "custody"}, 1, 1),
    ({"scheme": "enhanced", "date": "2015-04-01", "status": "community"}, 1, 1),
    ({"scheme": "enhanced", "date": "2015-04-01", "status": "custody"}, 1, 0),
    ({"scheme": "standard", "date": "2015-04-01", "status": "community"}, 0, 0),
    ({"scheme": "standard", "date": "2015-04-01", "status": "custody"}, 1, 0),
    ({"scheme": "priority", "date": "2015-07-01", "status": "community"}, 2, 1),
    ({"scheme": "priority", "date": "2015-07-01", "status": "custody"}, 0, 0),
]


@pytest.mark.parametrize(("key", "count", "statutory"), STATUS,
                         ids=["-".join(k.values()) for k, _, _ in STATUS])
def test_caseload_status(tables: dict[str, list[dict[str, Any]]], key: dict[str, str],
                         count: int, statutory: int) -> None:
    check(find(tables["caseload_status"], **key), {"count": count, "statutory": statutory})


PROVIDERS = [
    ({"scheme": "priority", "date": "2015-04-01", "provider": "nps"}, 1),  # A2
    ({"scheme": "priority", "date": "2015-04-01", "provider": "crc"}, 0),  # A1 is in custody
    ({"scheme": "enhanced", "date": "2015-04-01", "provider": "crc"}, 1),  # A7 under both
    ({"scheme": "enhanced", "date": "2015-04-01", "provider": "nps"}, 1),
    ({"scheme": "priority", "date": "2015-07-01", "provider": "crc"}, 1),  # A1 released
    ({"scheme": "enhanced", "date": "2015-07-01", "provider": "nps"}, 0),
]


@pytest.mark.parametrize(("key", "count"), PROVIDERS,
                         ids=["-".join(k.values()) for k, _ in PROVIDERS])
def test_statutory_by_provider(tables: dict[str, list[dict[str, Any]]], key: dict[str, str],
                               count: int) -> None:
    assert find(tables["statutory_by_provider"], **key)["count"] == count


RISK = [
    # A1 green and red on one day: red; A7 amber; A2, A3 (assessed next day), A4 unassessed.
    ("2015-04-01", {"red": 1, "amber": 1, "green": 0, "unassessed": 3}),
    # A1 amber since May, A3 green, A7 amber; A4 and A6 unassessed.
    ("2015-07-01", {"red": 0, "amber": 2, "green": 1, "unassessed": 2}),
]


@pytest.mark.parametrize(("day", "counts"), RISK, ids=[day for day, _ in RISK])
def test_risk_tiers(tables: dict[str, list[dict[str, Any]]], day: str,
                    counts: dict[str, int]) -> None:
    got = {row["tier"]: row["count"] for row in tables["risk_tiers"] if row["date"] == day}
    assert got == counts


REFERRALS = [
    ("police", 3, 1, 1, 50.0),  # R1 on the first day, R2 on the last, R3 pending
    ("nps", 1, 1, 0, 100.0),  # R5 the day before the period is not counted
    ("council", 1, 0, 0, None),  # withdrawn only: no decided referral, no rate
    ("drugs_service", 1, 1, 0, 100.0),
    ("all", 6, 3, 1, 75.0),
]


@pytest.mark.parametrize(("agency", "referrals", "accepted", "rejected", "rate"), REFERRALS,
                         ids=[r[0] for r in REFERRALS])
def test_referrals_by_agency(tables: dict[str, list[dict[str, Any]]], agency: str,
                             referrals: int, accepted: int, rejected: int,
                             rate: float | None) -> None:
    check(find(tables["referrals_by_agency"], agency=agency),
          {"referrals": referrals, "accepted": accepted, "rejected": rejected,
           "acceptance_pct": rate})


ATTENDANCE = [
    ("police", 2, 2, 1, 50.0),  # M3 was before the period
    ("nps", 2, 1, 0, 0.0),  # an empty invited/attended cell is neither
    ("council", 1, 0, 1, None),  # attended without an invitation: no rate
]


@pytest.mark.parametrize(("agency", "meetings", "invited", "attended", "rate"), ATTENDANCE,
                         ids=[r[0] for r in ATTENDANCE])
def test_attendance_by_agency(tables: dict[str, list[dict[str, Any]]], agency: str,
                              meetings: int, invited: int, attended: int,
                              rate: float | None) -> None:
    check(find(tables["attendance_by_agency"], agency=agency),
          {"meetings": meetings, "invited": invited, "attended": attended,
           "attendance_pct": rate})


# First assessments in the period: A2 (2015-05-01), A3 (01/06/2015), A6 (2015-04-01, the
# period's first day). A1's first was in March 2015, so its June assessment does not count;
# nor does A2's second; A4's first is after the period.
NEEDS = [
    ("accommodation", 3, 2, 8 / 3, 4.0, 200 / 3),  # 3, 5, 0
    ("ete", 3, 2, 2.0, 3.0, 200 / 3),  # 0, 2, 4
    ("health", 1, 0, 0.0, None, 0.0),  # A2 not scored, A3 0
    ("finance", 0, 0, None, None, None),
]


@pytest.mark.parametrize(("pathway", "assessments", "identified", "cumulative", "when_scored",
                          "identified_pct"), NEEDS, ids=[n[0] for n in NEEDS])
def test_needs_first_assessment(tables: dict[str, list[dict[str, Any]]], pathway: str,
                                assessments: int, identified: int, cumulative: float | None,
                                when_scored: float | None, identified_pct: float | None) -> None:
    check(find(tables["needs_first_assessment"], pathway=pathway),
          {"assessments": assessments, "identified": identified, "cumulative_avg": cumulative,
           "avg_when_scored": when_scored, "identified_pct": identified_pct})


TREATMENT = [
    # T1 re-presented 183 days after its end (not successful), T2 184 days after (successful)
    ("opiate", 2, 1, 50.0),
    # T3 ended before the period; T4 still open
    ("non_opiate", 1, 0, 0.0),
    # T5 starts on the period's last day but ends after it; T6 ends on the last day; T7 after
    ("alcohol", 2, 1, 50.0),
]


@pytest.mark.parametrize(("substance", "in_treatment", "successful", "rate"), TREATMENT,
                         ids=[t[0] for t in TREATMENT])
def test_treatment_completions(tables: dict[str, list[dict[str, Any]]], substance: str,
                               in_treatment: int, successful: int, rate: float) -> None:
    check(find(tables["treatment_completions"], substance=substance),
          {"in_treatment": in_treatment, "successful": successful, "successful_pct": rate})


def test_sections_need_their_tables(tmp_path: Path) -> None:
    """A package of nominals and cohort only: the caseload tables, with statutory null
    (unknown without supervision.csv); the sections whose tables are absent are left out."""
    only = {name: FILES[name] for name in ("nominals", "cohort")}
    rows = report(write_package(tmp_path, only), params())["tables"]
    assert set(rows) == {"caseload", "caseload_status"}
    check(find(rows["caseload_status"], scheme="priority", date="2015-04-01",
               status="community"), {"count": 2, "statutory": None})


def test_command_line_writes_json(package: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    code = main([str(package), "--from", "2015-04-01", "--to", "2016-03-31",
                 "--target-reduction", "17", "-o", str(out)])
    written = json.loads(out.read_text(encoding="utf-8"))
    assert code == 0
    assert written["baseline"] == {"from": "2014-04-01", "to": "2015-03-31"}
    assert written["cohort_date"] == "2015-04-01"
    assert find(written["tables"]["referrals_by_agency"], agency="council")[
        "acceptance_pct"] is None
    assert "null" in out.read_text(encoding="utf-8")


def test_command_line_cohort_date_and_baseline(package: Path, tmp_path: Path) -> None:
    """--cohort-date 2015-04-02: A2's episode has ended, A3's and A6's cover the date."""
    out = tmp_path / "report.json"
    main([str(package), "--from", "2015-04-01", "--to", "2016-03-31", "--cohort-date",
          "2015-04-02", "--baseline-from", "2014-04-01", "--baseline-to", "2015-03-31",
          "-o", str(out)])
    rows = json.loads(out.read_text(encoding="utf-8"))["tables"]["reoffending_by_scheme"]
    # A1 (2 / 1) and A6 (1 / 0) in priority; A3 (4 / 0) enhanced; A4 (1 / 3) standard.
    check(find(rows, scheme="priority"), reoff(2, 3, 1, -200 / 3))
    check(find(rows, scheme="all"), reoff(4, 8, 4, -50.0))


@pytest.mark.parametrize(("start", "end", "expected"), [
    (date(2015, 4, 1), date(2016, 3, 31), (date(2014, 4, 1), date(2015, 3, 31))),
    (date(2015, 4, 1), date(2015, 6, 30), (date(2015, 1, 1), date(2015, 3, 31))),
    (date(2016, 3, 1), date(2016, 3, 31), (date(2016, 2, 1), date(2016, 2, 29))),
    (date(2015, 4, 10), date(2015, 4, 19), (date(2015, 3, 31), date(2015, 4, 9))),
], ids=["financial-year-across-leap-day", "quarter", "month-before-leap-february", "ten-days"])
def test_default_baseline(start: date, end: date, expected: tuple[date, date]) -> None:
    assert default_baseline(start, end) == expected


@pytest.mark.parametrize(("start", "end", "expected"), [
    (date(2015, 4, 1), date(2016, 3, 31),
     ["2015-04-01", "2015-07-01", "2015-10-01", "2016-01-01", "2016-03-31"]),
    (date(2015, 5, 15), date(2015, 12, 31), ["2015-07-01", "2015-10-01", "2015-12-31"]),
    (date(2015, 4, 1), date(2015, 7, 1), ["2015-04-01", "2015-07-01"]),
], ids=["financial-year", "mid-quarter-start", "ends-on-a-quarter-day"])
def test_snapshot_dates(start: date, end: date, expected: list[str]) -> None:
    assert [day.date().isoformat() for day in snapshot_dates(start, end)] == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("Amber Green", "amber_green"),
    ("amber/green", "amber_green"),
    (" amber_green ", "amber_green"),
    ("Non - Opiate", "non_opiate"),
    ("MAPPA-1", "mappa_1"),
], ids=["space", "slash", "trimmed", "spaced-hyphen", "hyphen"])
def test_normalise_codes(raw: str, expected: str) -> None:
    assert normalise_codes(pd.Series([raw])).iloc[0] == expected


def test_parse_dates_mixed_iso_and_uk() -> None:
    parsed = parse_dates(pd.Series(["2016-03-31", "31/03/2016", "01/02/2016", None, "nonsense"]))
    assert [None if pd.isna(d) else d.date() for d in parsed] == [
        date(2016, 3, 31), date(2016, 3, 31), date(2016, 2, 1), None, None]


@pytest.mark.parametrize(("born", "on", "band"), [
    ("2007-04-01", date(2025, 4, 1), "18_24"),
    ("2007-04-02", date(2025, 4, 1), "under_18"),
    ("2000-04-01", date(2025, 4, 1), "25_plus"),
    ("2000-04-02", date(2025, 4, 1), "18_24"),
    ("2000-02-29", date(2025, 2, 28), "18_24"),  # a leap-day birthday comes on 1 March
    ("2000-02-29", date(2025, 3, 1), "25_plus"),
    (None, date(2025, 4, 1), "unknown"),
], ids=["18th-birthday", "day-before-18", "25th-birthday", "day-before-25", "leap-day-28-feb",
        "leap-day-1-march", "no-date-of-birth"])
def test_age_bands(born: str | None, on: date, band: str) -> None:
    assert age_bands(pd.Series([pd.Timestamp(born) if born else pd.NaT]), on).iloc[0] == band
