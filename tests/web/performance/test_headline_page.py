"""The dashboard of headline tiles (issue 17), for users of the own, a partner and an unrelated
agency: figures only, its viewing audited, each tile leading to its detail by role."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any
from unittest import mock

import pytest

from iomhub.package.load import Package
from iomhub.web.accounts.constants import Role
from iomhub.web.audit.models import AuditEvent
from iomhub.web.performance import cache
from iomhub.web.performance.warm import warm

TODAY = date(2016, 3, 31)  # the synthetic data's last day: the current quarter is Q4 2015/16
TILE_LINK = re.compile(r'<li class="iom-tile" data-tile="(\w+)">\s*<h2[^>]*><a class="govuk-link" href="([^"]+)"')


@pytest.fixture
def on_the_last_day() -> Any:
    cache.clear()
    with mock.patch("iomhub.web.performance.views.timezone.localdate", return_value=TODAY):
        yield


def links(content: str) -> dict[str, str]:
    return {key: href.replace("&amp;", "&") for key, href in TILE_LINK.findall(content)}


@pytest.mark.parametrize(("agency", "role"), [("own", Role.MANAGER), ("partner", Role.PRACTITIONER),
                                              ("own", Role.ANALYST)], ids=lambda value: str(value))
def test_the_partnership_sees_the_tiles_and_the_viewing_is_audited(
        agency: str, role: str, make_user: Callable[..., Any], client_for: Callable[..., Any],
        synthetic_database: Package, on_the_last_day: None) -> None:
    user = make_user(agency, role)
    response = client_for(user).get("/performance/")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    content = response.content.decode()
    assert set(links(content)) == {"on_iom", "in_custody", "rate_at_liberty", "acceptance", "attendance",
                                   "overdue", "rag"}
    assert "Q4 2015/16" in content and "People on IOM by area" in content
    assert "Smith" not in content and "N000" not in content  # figures only, never names
    [event] = AuditEvent.objects.filter(operation="consultation", object_type="performance.report")
    assert (event.user, event.agency, event.object_id) == (user, user.agency.code, "headline")
    assert event.detail == {"quarter": "2015-Q4", "today": "2016-03-31"}


def test_a_case_worker_drills_down_to_the_people_an_analyst_to_the_report(
        make_user: Callable[..., Any], client_for: Callable[..., Any], synthetic_database: Package,
        on_the_last_day: None) -> None:
    worker = links(client_for(make_user("own", Role.MANAGER)).get("/performance/").content.decode())
    analyst = links(client_for(make_user("partner", Role.ANALYST)).get("/performance/").content.decode())
    assert worker["on_iom"] == "/cohort/" and worker["in_custody"] == "/cohort/?status=custody"
    assert worker["overdue"] == "/meetings/briefing/"
    quarter = "/performance/report/?from=2016-01-01&to=2016-03-31"
    assert analyst["on_iom"] == f"{quarter}#section-caseload"
    assert analyst["in_custody"] == f"{quarter}#section-custody"
    assert worker["acceptance"] == analyst["acceptance"] == f"{quarter}#section-referrals"
    assert worker["rag"] == analyst["rag"] == "/performance/framework/"


def test_an_unrelated_agency_gets_a_404_and_the_refusal_is_recorded(
        users: dict[str, Any], client_for: Callable[..., Any]) -> None:
    response = client_for(users["unrelated"]).get("/performance/")
    assert response.status_code == 404 and b"iom-tile" not in response.content
    assert not AuditEvent.objects.filter(operation="consultation").exists()
    [refusal] = AuditEvent.objects.filter(operation="refusal")
    assert refusal.username == users["unrelated"].username and refusal.detail["path"] == "/performance/"


def test_the_dashboard_answers_only_get(users: dict[str, Any], client_for: Callable[..., Any]) -> None:
    assert client_for(users["own"]).post("/performance/").status_code == 405
    anonymous = client_for(None).get("/performance/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")


def test_the_figures_are_kept_until_the_data_change(
        users: dict[str, Any], client_for: Callable[..., Any], synthetic_database: Package,
        on_the_last_day: None) -> None:
    own = client_for(users["own"])
    own.get("/performance/")
    with mock.patch("iomhub.web.performance.headline.headline", side_effect=AssertionError("not kept")):
        assert client_for(users["partner"]).get("/performance/").status_code == 200


def test_the_figures_computed_at_start_serve_the_first_view(
        users: dict[str, Any], client_for: Callable[..., Any], synthetic_database: Package,
        on_the_last_day: None) -> None:
    warm(TODAY)
    with mock.patch("iomhub.web.performance.headline.headline", side_effect=AssertionError("not computed ahead")), \
            mock.patch("iomhub.web.performance.warm.build_report", side_effect=AssertionError("not kept")):
        response = client_for(users["own"]).get("/performance/")
    assert response.status_code == 200
    assert "Matched estimate (2014/15)" in response.content.decode()
    assert "not computed" not in response.content.decode(), "the default period's report was computed ahead"
