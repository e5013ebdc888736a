"""Caseload, community/custody, statutory management and risk on snapshot dates, hand-checked."""

from __future__ import annotations

from datetime import date

import pytest

from tests.metrics.conftest import collect

NOMINALS = """\
nominal_id,date_of_birth,gender,area
A,1990-01-01,male,NW
B,1990-01-01,male,NW
C,1990-01-01,female,NE
D,1990-01-01,male,
"""
COHORT = """\
nominal_id,scheme,start_date,end_date
A,priority,2015-04-01,
B,priority,2014-01-01,2015-06-30
B,enhanced,2015-07-01,
C,enhanced,2015-01-01,2016-03-30
D,priority,2016-03-31,
"""
CUSTODY = """\
nominal_id,start_date,end_date,expected_release_date,custody_type
A,2015-06-01,2015-07-01,,sentenced
C,2015-09-01,,2016-06-01,remand
"""
SUPERVISION = """\
nominal_id,provider,order_type,start_date,end_date
A,crc,licence,2015-07-01,
B,nps,community_order,2015-01-01,2015-07-01
C,nps,licence,2015-01-01,
D,crc,pss,2016-01-01,2016-03-30
"""
RISK = """\
nominal_id,assessed_on,tier
A,2015-04-01,green
A,2015-10-01,red
B,2015-04-02,amber
C,2014-01-01,green
C,2014-01-01,amber
"""
D1, D2, D3, D4, D5 = (date(2015, 4, 1), date(2015, 7, 1), date(2015, 10, 1), date(2016, 1, 1),
                      date(2016, 3, 31))


@pytest.fixture
def report(tables):
    return tables(nominals=NOMINALS, cohort=COHORT, custody=CUSTODY, supervision=SUPERVISION,
                  risk=RISK).report()


@pytest.mark.parametrize(
    ("scheme", "area", "day", "count"),
    [
        ("priority", "NW", D1, 2),  # A starts on the date, B's first episode
        ("enhanced", "NE", D1, 1),
        ("priority", "NW", D2, 1),  # B moved to enhanced on 2015-07-01
        ("enhanced", "NW", D2, 1),
        ("enhanced", "NE", D5, 0),  # C's episode ended the day before
        ("priority", "unknown", D5, 1),  # D starts on the last day, no area
        ("priority", "unknown", D1, 0),
        ("all", "NW", D2, 2),
        ("priority", "all", D5, 2),
        ("all", "all", D1, 3),
        ("all", "all", D5, 3),
    ],
    ids=["start-on-date", "enhanced-NE", "after-level-change-priority", "after-level-change-enhanced",
         "ended-day-before", "no-area-is-unknown", "zero-filled", "all-schemes", "all-areas", "total-first",
         "total-last"],
)
def test_caseload(report, scheme: str, area: str, day: date, count: int) -> None:
    assert report.row("caseload", scheme=scheme, area=area, date=day)["count"] == count


def test_caseload_change_is_between_first_and_last_snapshot(report) -> None:
    row = report.row("caseload_change", scheme="all", area="all")
    assert (row["count_from"], row["count_to"], row["change_pct"]) == (3, 3, 0.0)
    row = report.row("caseload_change", scheme="enhanced", area="NE")
    assert (row["count_from"], row["count_to"], row["change_pct"]) == (1, 0, -100.0)
    assert report.row("caseload_change", scheme="priority", area="unknown")["change_pct"] is None


@pytest.mark.parametrize(
    ("scheme", "day", "status", "count", "statutory"),
    [
        ("priority", D1, "community", 2, 1),  # A unsupervised, B supervised by nps
        ("priority", D1, "custody", 0, 0),
        ("priority", D2, "custody", 1, 1),  # A in custody on its last day, supervision starts that day
        ("enhanced", D2, "community", 2, 2),  # B (nps ends that day) and C
        ("enhanced", D3, "custody", 1, 1),  # C on remand, open, supervised by nps
        ("enhanced", D3, "community", 1, 0),
        ("priority", D5, "community", 2, 1),  # A crc; D's supervision ended the day before
    ],
    ids=["community-start", "custody-zero", "custody-on-last-day", "supervision-ends-on-date",
         "open-custody", "community-unsupervised", "supervision-ended-day-before"],
)
def test_caseload_status(report, scheme, day, status, count, statutory) -> None:
    row = report.row("caseload_status", scheme=scheme, date=day, status=status)
    assert (row["count"], row["statutory"]) == (count, statutory)


@pytest.mark.parametrize(
    ("scheme", "day", "provider", "count"),
    [
        ("priority", D1, "nps", 1),
        ("priority", D2, "crc", 0),  # A's crc supervision starts while in custody: not in the community
        ("priority", D3, "crc", 1),
        ("enhanced", D3, "nps", 0),  # C is supervised by nps but in custody
        ("priority", D5, "crc", 1),
    ],
    ids=["nps-community", "custody-not-counted", "crc-after-release", "custody-excluded", "last-day"],
)
def test_statutory_by_provider(report, scheme, day, provider, count) -> None:
    assert report.row("statutory_by_provider", scheme=scheme, date=day, provider=provider)["count"] == count


@pytest.mark.parametrize(
    ("day", "tier", "count"),
    [
        (D1, "green", 1),  # A assessed green on the date
        (D1, "amber", 1),  # C: two assessments on one day resolve to the more severe, amber
        (D1, "unassessed", 1),  # B's first assessment is the day after
        (D2, "unassessed", 0),
        (D3, "red", 1),  # A reassessed red on the date
        (D5, "unassessed", 1),  # D has no assessment
        (D5, "red", 1),
    ],
    ids=["assessed-on-date", "same-day-most-severe", "assessed-day-after", "assessed-before",
         "reassessed-on-date", "never-assessed", "latest-tier"],
)
def test_risk_tiers(report, day, tier, count) -> None:
    assert report.row("risk_tiers", date=day, tier=tier)["count"] == count


def test_snapshot_counts_equal_covering_episodes(report) -> None:
    totals = {row["date"]: row["count"] for row in report.rows("caseload")
              if row["scheme"] == "all" and row["area"] == "all"}
    assert totals == {D1: 3, D2: 3, D3: 3, D4: 3, D5: 3}
    status = {}
    for row in report.rows("caseload_status"):
        status[row["date"]] = status.get(row["date"], 0) + row["count"]
    assert status == totals


def test_without_custody_the_status_section_is_left_out(tables) -> None:
    report = tables(nominals=NOMINALS, cohort=COHORT).report()
    assert "caseload_status" not in report.tables
    assert any(note.startswith("Community and custody is left out: the data hold no custody records")
               for note in report.notes)


def test_without_supervision_statutory_is_unknown_not_zero(tables) -> None:
    report = tables(nominals=NOMINALS, cohort=COHORT, custody=CUSTODY).report()
    assert {row["statutory"] for row in report.rows("caseload_status")} == {None}
    assert "statutory_by_provider" not in report.tables


def test_tiers_on_each_date_by_hand(tables) -> None:
    """The latest assessment on or before each date, the worse of two on one day; nobody before
    their first assessment (they are "unassessed" in the report)."""
    from iomhub.metrics.risk import tiers_on

    risk_rows = RISK + "A,2016-01-02,green\nB,2015-07-01,green\nB,2015-07-01,red\n"
    t = tables(nominals=NOMINALS, cohort=COHORT, risk=risk_rows)
    rows = collect(tiers_on(t["risk"], [D1, D2, D3, D4, D5]))
    found = {(row["nominal_id"], row["date"]): row["tier"] for row in rows}
    assert found == {
        ("A", D1): "green", ("A", D2): "green", ("A", D3): "red", ("A", D4): "red", ("A", D5): "green",
        ("B", D2): "red", ("B", D3): "red", ("B", D4): "red", ("B", D5): "red",
        ("C", D1): "amber", ("C", D2): "amber", ("C", D3): "amber", ("C", D4): "amber", ("C", D5): "amber",
    }
