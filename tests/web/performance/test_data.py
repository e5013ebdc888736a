"""``package_from_database``: the database read as the canonical tables ``read_package`` gives,
so that the dashboard's report is the command line's report, figure for figure."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import pytest

from iomhub.domain.dates import Span, financial_year
from iomhub.package.load import Package
from iomhub.package.schema import TABLES, Kind
from iomhub.reports.json_renderer import report_document
from iomhub.reports.model import build_report
from iomhub.reports.params import ReportParams
from iomhub.web.assessments.models import NeedScore
from iomhub.web.audit.constants import Operation
from iomhub.web.audit.context import Actor, audited
from iomhub.web.audit.models import AuditEvent
from iomhub.web.cohort.models import CohortEpisode
from iomhub.web.exchange.mapping import MAPPINGS
from iomhub.web.meetings.models import Attendance, Meeting
from iomhub.web.offences.models import Offence
from iomhub.web.people.models import Nominal
from iomhub.web.performance.data import package_from_database

DTYPES = {Kind.TEXT: pl.String, Kind.CODE: pl.String, Kind.PNC: pl.String, Kind.PERIOD: pl.String,
          Kind.DATE: pl.Date, Kind.BOOL: pl.Boolean, Kind.SCORE: pl.Float64, Kind.NUMBER: pl.Float64}


def document(package: Package, params: ReportParams) -> dict[str, Any]:
    """The JSON report, less what names the source or the moment it was made."""
    doc = report_document(build_report(package, params))
    doc.pop("generated_at")
    doc["settings"].pop("source")
    return doc


def test_every_table_of_the_package_has_its_model() -> None:
    assert set(MAPPINGS) == set(TABLES)
    for name, mapping in MAPPINGS.items():
        model = mapping.model
        assert model._meta.db_table == name
        for column in TABLES[name].names:
            model._meta.get_field(column)  # the package's column names are the database's


def test_the_database_gives_the_tables_read_package_gives(synthetic_database: Package) -> None:
    from_database = package_from_database()
    assert list(from_database.tables) == list(synthetic_database.tables)
    for name, frame in synthetic_database.tables.items():
        assert from_database.tables[name].schema == frame.schema, name
        assert from_database.tables[name].equals(frame), name


@pytest.mark.parametrize("params", [
    ReportParams(financial_year(2015), target_reduction=17),
    ReportParams(financial_year(2014)),
    ReportParams(Span(date(2015, 1, 1), date(2015, 12, 31)), cohort_date=date(2015, 3, 1),
                 exclude_custody_beyond=date(2015, 6, 30), target_reduction=25),
], ids=["fy-2015-16-target", "fy-2014-15", "calendar-2015-custody-exclusion"])
def test_the_report_from_the_database_is_the_report_from_the_package(
        synthetic_database: Package, params: ReportParams) -> None:
    expected = document(synthetic_database, params)
    actual = document(package_from_database(), params)
    assert actual == expected
    assert expected["tables"]["reoffending_by_scheme"]  # the comparison is not of empty reports
    assert set(expected["tables"]) >= {"caseload", "risk_tiers", "kpis", "needs_first_assessment",
                                       "attendance_by_agency", "treatment_completions"}


def test_with_only_people_the_other_tables_are_left_out_but_cohort_is_empty(db: Any) -> None:
    with audited(Actor.system("test")) as audit:
        Nominal.objects.create(nominal_id="N1")
        audit.record(Operation.COLLECTION, object_type="people.nominal")
    package = package_from_database()
    assert list(package.tables) == ["nominals", "cohort"]
    cohort = package.tables["cohort"]
    assert cohort.height == 0
    assert dict(cohort.schema) == {c.name: DTYPES[c.kind] for c in TABLES["cohort"].columns}
    nominals = package.tables["nominals"]
    assert dict(nominals.schema) == {c.name: DTYPES[c.kind] for c in TABLES["nominals"].columns}
    # empty text is null, as a blank cell of a CSV file is
    assert nominals.row(0) == ("N1", None, None, None, None, None, None, None, None)


@pytest.fixture
def small_case(db: Any) -> None:
    """Two people, hand-made: A with two episodes (priority then enhanced), B with one; offences,
    a needs assessment with a null score, and a meeting whose attendance is unknown for one agency."""
    with audited(Actor.system("test")) as audit:
        a = Nominal.objects.create(nominal_id="A", date_of_birth=date(1990, 6, 1), gender="male", area="NW")
        b = Nominal.objects.create(nominal_id="B", gender="female")
        CohortEpisode.objects.create(nominal=a, scheme="priority", start_date=date(2014, 1, 1),
                                     end_date=date(2014, 12, 31), exit_reason="stepped down")
        CohortEpisode.objects.create(nominal=a, scheme="enhanced", start_date=date(2015, 1, 1))
        CohortEpisode.objects.create(nominal=b, scheme="standard", start_date=date(2015, 3, 1))
        for i, day in enumerate([date(2014, 5, 1), date(2014, 9, 1), date(2015, 1, 10), date(2015, 7, 1)]):
            Offence.objects.create(offence_id=f"A{i}", nominal=a, offence_date=day, category="burglary")
        Offence.objects.create(offence_id="B0", nominal=b, offence_date=date(2014, 6, 1))
        NeedScore.objects.create(nominal=a, assessed_on=date(2015, 5, 1), pathway="accommodation", score=4)
        NeedScore.objects.create(nominal=a, assessed_on=date(2015, 5, 1), pathway="finance", score=None)
        NeedScore.objects.create(nominal=b, assessed_on=date(2015, 6, 1), pathway="accommodation", score=0)
        meeting = Meeting.objects.create(meeting_id="M1", held_on=date(2015, 5, 5), meeting_type="")
        Attendance.objects.create(meeting=meeting, agency="police", invited=True, attended=True)
        Attendance.objects.create(meeting=meeting, agency="nps", invited=True, attended=None)
        audit.record(Operation.COLLECTION, object_type="test.small_case")


def test_the_small_case_reads_as_canonical_tables(small_case: None) -> None:
    tables = package_from_database().tables
    assert set(tables) == {"nominals", "cohort", "offences", "needs", "meetings", "attendance"}
    assert tables["cohort"].sort("nominal_id", "start_date").rows() == [
        ("A", "priority", date(2014, 1, 1), date(2014, 12, 31), "stepped down"),
        ("A", "enhanced", date(2015, 1, 1), None, None),
        ("B", "standard", date(2015, 3, 1), None, None),
    ]
    assert tables["needs"]["score"].to_list() == [4.0, None, 0.0]
    assert tables["needs"].schema["score"] == pl.Float64
    assert tables["offences"].filter(pl.col("offence_id") == "B0").row(0) == (
        "B0", "B", date(2014, 6, 1), None, None, None)
    assert tables["meetings"].row(0) == ("M1", date(2015, 5, 5), None, None)
    assert tables["attendance"].rows() == [("M1", "police", True, True), ("M1", "nps", True, None)]


def test_the_small_case_report_by_hand(small_case: None) -> None:
    """Period 2015/16, baseline 2014/15, cohort date 1 April 2015: A (enhanced) has offences on
    1 May, 1 Sep 2014 and 10 Jan 2015 in the baseline and 1 Jul 2015 in the period; B (standard)
    has one in the baseline and none after. A's earlier priority episode does not count."""
    report = build_report(package_from_database(), ReportParams(financial_year(2015), target_reduction=50))
    by_scheme = {row["scheme"]: row for row in report.rows("reoffending_by_scheme")}
    assert set(by_scheme) == {"enhanced", "standard", "all"}
    assert (by_scheme["enhanced"]["offences_before"], by_scheme["enhanced"]["offences_after"]) == (3, 1)
    assert (by_scheme["standard"]["offences_before"], by_scheme["standard"]["offences_after"]) == (1, 0)
    assert by_scheme["all"]["offenders"] == 2
    assert by_scheme["all"]["change_pct"] == pytest.approx((1 - 4) / 4 * 100)
    attainment = {row["scheme"]: row["met_target"] for row in report.rows("target_attainment")}
    assert attainment == {"enhanced": 1, "standard": 1, "all": 2}  # -66.7% and -100% both meet -50%
    needs = {row["pathway"]: row for row in report.rows("needs_first_assessment")}
    # accommodation: A 4, B 0 -> 2 assessments, 1 identified; finance: A's null score is no assessment
    assert (needs["accommodation"]["assessments"], needs["accommodation"]["identified"]) == (2, 1)
    assert needs["accommodation"]["cumulative_avg"] == pytest.approx(2.0)
    assert needs["finance"]["assessments"] == 0
    attendance = {row["agency"]: row for row in report.rows("attendance_by_agency")}
    assert (attendance["police"]["invited"], attendance["police"]["attended"]) == (1, 1)
    assert (attendance["nps"]["invited"], attendance["nps"]["attended"]) == (1, 0)


def test_reading_the_database_writes_nothing(small_case: None) -> None:
    before = AuditEvent.objects.count()
    package_from_database()
    assert AuditEvent.objects.count() == before
