"""The dashboard and its downloads, for users of the own, a partner and an unrelated agency."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any
from unittest import mock

import pytest

from iomhub.domain.dates import Span, last_full_financial_year
from iomhub.package.load import Package
from iomhub.web.accounts.constants import Role
from iomhub.web.audit.models import AuditEvent
from iomhub.web.people.models import Nominal

FY_2015 = {"from": "2015-04-01", "to": "2016-03-31"}


def events(operation: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(operation=operation, object_type="performance.report").order_by("id"))


@pytest.mark.parametrize(("today", "expected"), [
    (date(2016, 5, 10), Span(date(2015, 4, 1), date(2016, 3, 31))),
    (date(2016, 4, 1), Span(date(2015, 4, 1), date(2016, 3, 31))),
    (date(2016, 3, 31), Span(date(2014, 4, 1), date(2015, 3, 31))),
], ids=["may", "first-day-of-year", "last-day-of-year"])
def test_the_default_period_is_the_last_full_financial_year(today: date, expected: Span) -> None:
    assert last_full_financial_year(today) == expected


@pytest.mark.parametrize(("agency", "role"), [
    ("own", Role.PRACTITIONER), ("own", Role.MANAGER), ("own", Role.ANALYST), ("own", Role.ADMINISTRATOR),
    ("partner", Role.PRACTITIONER), ("partner", Role.ANALYST),
], ids=lambda value: str(value))
def test_the_partnership_sees_the_dashboard_and_its_viewing_is_audited(
        agency: str, role: str, make_user: Callable[..., Any], nominal: Nominal,
        client_for: Callable[..., Any]) -> None:
    user = make_user(agency, role)
    response = client_for(user).get("/performance/report/", FY_2015)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Caseload by scheme and area on each snapshot date" in content
    assert "Smith" not in content and "N0001" not in content  # figures only, never names
    assert response["Cache-Control"] == "no-store"
    [event] = events("consultation")
    assert (event.user, event.agency, event.role) == (user, user.agency.code, role)
    assert event.detail == FY_2015 and event.object_id == "dashboard"


@pytest.mark.parametrize("path", ["/performance/report/", "/performance/report.json", "/performance/report.html"],
                         ids=["dashboard", "json", "html"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_an_unrelated_agency_gets_a_404_and_the_refusal_is_recorded(
        path: str, method: str, users: dict[str, Any], nominal: Nominal, client_for: Callable[..., Any]) -> None:
    data = {**FY_2015, "justification": "curious", "recipient": "me"}
    response = getattr(client_for(users["unrelated"]), method)(path, data)
    assert response.status_code == 404
    assert b"Caseload" not in response.content and b"iom-performance" not in response.content
    assert events("consultation") == [] and events("disclosure") == []
    [refusal] = events("refusal")
    assert refusal.username == users["unrelated"].username and refusal.detail["path"] == path


def test_a_disabled_agency_user_and_anonymous_users_see_nothing(
        users: dict[str, Any], client_for: Callable[..., Any]) -> None:
    response = client_for(None).get("/performance/report/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client_for(None).post("/performance/report.json", FY_2015).status_code == 302
    assert events("disclosure") == []


def test_an_unknown_download_format_is_a_404(users: dict[str, Any], client_for: Callable[..., Any]) -> None:
    assert client_for(users["own"]).get("/performance/report.xml", FY_2015).status_code == 404


def test_without_a_period_the_dashboard_shows_the_last_full_financial_year(
        users: dict[str, Any], client_for: Callable[..., Any], nominal: Nominal) -> None:
    # the only record is an episode that started on 1 April 2015: the last year ended that has data is 2014/15
    with mock.patch("iomhub.web.performance.forms.timezone.localdate", return_value=date(2016, 6, 1)):
        response = client_for(users["own"]).get("/performance/report/")
    assert response.status_code == 200
    assert "1 April 2014 to 31 March 2015" in response.content.decode()
    assert events("consultation")[0].detail == {"from": "2014-04-01", "to": "2015-03-31"}


def test_without_a_period_the_dashboard_shows_the_latest_year_that_has_data(
        users: dict[str, Any], client_for: Callable[..., Any], synthetic_database: Package) -> None:
    # the synthetic data end on 31 March 2016: read in December 2026, the default is still 2015/16
    with mock.patch("iomhub.web.performance.forms.timezone.localdate", return_value=date(2026, 12, 7)):
        response = client_for(users["own"]).get("/performance/report/")
    assert response.status_code == 200
    assert events("consultation")[0].detail == FY_2015


def test_a_period_that_ends_before_it_starts_is_refused_in_plain_english(
        users: dict[str, Any], client_for: Callable[..., Any]) -> None:
    response = client_for(users["own"]).get("/performance/report/", {"from": "2016-03-31", "to": "01/04/2015"})
    assert response.status_code == 200
    assert "The last day must be on or after the first day" in response.content.decode()
    assert events("consultation") == []


def test_the_dashboard_shows_the_reports_figures(
        users: dict[str, Any], client_for: Callable[..., Any], synthetic_database: Package) -> None:
    from iomhub.reports.model import build_report
    from iomhub.reports.params import ReportParams

    report = build_report(synthetic_database, ReportParams(Span(date(2015, 4, 1), date(2016, 3, 31)),
                                                           target_reduction=17))
    total = report.row("caseload", scheme="all", area="all", date=date(2016, 3, 31))
    assert total is not None and total["count"] > 0
    response = client_for(users["partner"]).get("/performance/report/", {**FY_2015, "target_reduction": "17"})
    content = response.content.decode()
    assert 'id="table-caseload"' in content and 'id="table-target_attainment"' in content
    assert "<svg" in content and 'style="font-family' not in content  # charts, without inline style (CSP)
    all_row = content.split('id="table-caseload"')[1].split("</table>")[0]
    assert f">{total['count']:,}</td>" in all_row
    assert 'href="/performance/report.json?from=2015-04-01&amp;to=2016-03-31&amp;target_reduction=17"' in content


@pytest.mark.parametrize("kind", ["json", "html"])
def test_a_download_first_asks_why_and_to_whom(
        kind: str, users: dict[str, Any], client_for: Callable[..., Any]) -> None:
    response = client_for(users["own"]).get(f"/performance/report.{kind}", FY_2015)
    assert response.status_code == 200
    content = response.content.decode()
    assert 'name="justification"' in content and 'name="recipient"' in content
    assert 'type="hidden" name="from" value="2015-04-01"' in content
    assert events("disclosure") == []


@pytest.mark.parametrize("missing", ["justification", "recipient"])
def test_a_download_without_justification_or_recipient_is_not_given(
        missing: str, users: dict[str, Any], client_for: Callable[..., Any]) -> None:
    data = {**FY_2015, "justification": "Quarterly board report", "recipient": "IOM strategic board"}
    data[missing] = "   "
    response = client_for(users["own"]).post("/performance/report.json", data)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert ("Enter why this report is being disclosed" if missing == "justification"
            else "Enter who will receive this report") in response.content.decode()
    assert events("disclosure") == []


@pytest.mark.parametrize("kind", ["json", "html"])
def test_a_download_is_a_disclosure_recorded_with_justification_and_recipient(
        kind: str, users: dict[str, Any], nominal: Nominal, client_for: Callable[..., Any]) -> None:
    user = users["partner"]
    response = client_for(user).post(f"/performance/report.{kind}", {
        **FY_2015, "target_reduction": "17", "justification": "Quarterly board report",
        "recipient": "IOM strategic board"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="iom-performance-20150401-20160331.{kind}"'
    body = response.content.decode()
    if kind == "json":
        assert response["Content-Type"] == "application/json; charset=utf-8"
        document = json.loads(body)
        assert document["period"] == {"from": "2015-04-01", "to": "2016-03-31"}
        assert document["settings"]["target_reduction"] == 17
        assert {"scheme": "all", "area": "all", "date": "2015-04-01", "count": 1} in document["tables"]["caseload"]
    else:
        assert response["Content-Type"] == "text/html; charset=utf-8"
        assert body.startswith("<!DOCTYPE html>") and "Caseload by scheme and area" in body
    assert "Smith" not in body
    [event] = events("disclosure")
    assert (event.justification, event.recipient) == ("Quarterly board report", "IOM strategic board")
    assert (event.username, event.agency, event.role) == (user.username, "nps", "practitioner")
    assert event.object_id == f"report.{kind}"
    assert event.detail == {**FY_2015, "target_reduction": "17", "format": kind}


def test_if_the_disclosure_cannot_be_recorded_nothing_is_downloaded(
        users: dict[str, Any], client_for: Callable[..., Any]) -> None:
    client = client_for(users["own"])
    client.raise_request_exception = False
    with mock.patch("iomhub.web.audit.models.AuditEvent.objects.create", side_effect=RuntimeError("disk full")):
        response = client.post("/performance/report.json", {**FY_2015, "justification": "board",
                                                            "recipient": "board"})
    assert response.status_code == 500
    assert b"iom-performance" not in response.content
