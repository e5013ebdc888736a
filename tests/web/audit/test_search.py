"""Searching the audit log: administrators only, filters, pages, read-only."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from iomhub.web.accounts.constants import Role
from iomhub.web.accounts.models import User
from iomhub.web.audit.models import AuditEvent

AGENCIES = ["own", "partner", "unrelated"]
AGENCY_IDS = ["own-agency", "partner-agency", "unrelated-agency"]


@pytest.fixture
def events(db: Any) -> None:
    AuditEvent.objects.bulk_create([
        AuditEvent(username="alice", agency="police", role="practitioner", operation="consultation",
                   object_type="people.nominal", object_id="1", nominal_id="N0001"),
        AuditEvent(username="bob", agency="nps", role="manager", operation="alteration",
                   object_type="people.nominal", object_id="2", nominal_id="N0002"),
        AuditEvent(username="bob", agency="nps", role="manager", operation="disclosure",
                   object_type="export", recipient="CSP board", justification="quarterly report"),
    ])


def usernames(response: Any) -> list[str]:
    return [event.username for event in response.context["page"]]


@pytest.mark.parametrize("who", AGENCIES, ids=AGENCY_IDS)
def test_administrators_search_the_log(who: str, make_user: Callable[..., User], client_for: Callable[..., Any],
                                       events: None) -> None:
    response = client_for(make_user(who, Role.ADMINISTRATOR)).get("/audit/")
    assert response.status_code == 200
    assert usernames(response) == ["bob", "bob", "alice"]
    assert b"quarterly report" in response.content and b"CSP board" in response.content
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize(("query", "expected"), [
    ({"username": "ALICE"}, ["alice"]),
    ({"agency": "nps"}, ["bob", "bob"]),
    ({"nominal_id": "N0002"}, ["bob"]),
    ({"operation": "disclosure"}, ["bob"]),
    ({"agency": "nps", "operation": "alteration"}, ["bob"]),
    ({"date_from": "{today}"}, ["bob", "bob", "alice"]),
    ({"date_to": "{yesterday}"}, []),
    ({"date_from": "{tomorrow}"}, []),
    ({"date_from": "{today}", "date_to": "{yesterday}"}, []),
], ids=["username", "agency", "nominal-id", "operation", "combined", "from-today", "to-yesterday",
        "from-tomorrow", "reversed-dates"])
def test_the_filters(query: dict[str, str], expected: list[str], make_user: Callable[..., User],
                     client_for: Callable[..., Any], events: None) -> None:
    today = timezone.localdate()
    days = {"today": today, "yesterday": today - timedelta(days=1), "tomorrow": today + timedelta(days=1)}
    query = {key: value.format(**days) for key, value in query.items()}
    response = client_for(make_user("own", Role.ADMINISTRATOR)).get("/audit/", query)
    assert response.status_code == 200
    assert usernames(response) == expected


def test_reversed_dates_are_explained(make_user: Callable[..., User], client_for: Callable[..., Any]) -> None:
    response = client_for(make_user("own", Role.ADMINISTRATOR)).get(
        "/audit/", {"date_from": "2016-03-31", "date_to": "2016-01-01"})
    assert b"The end date must be the same as or after the start date." in response.content


def test_the_log_is_paginated(make_user: Callable[..., User], client_for: Callable[..., Any]) -> None:
    AuditEvent.objects.bulk_create([AuditEvent(username=f"user{n:03}", agency="police", operation="consultation",
                                               object_type="people.nominal") for n in range(120)])
    client = client_for(make_user("own", Role.ADMINISTRATOR))
    first = client.get("/audit/", {"agency": "police"})
    assert len(first.context["page"]) == 50 and first.context["page"].paginator.num_pages == 3
    assert b"agency=police&amp;page=2" in first.content
    last = client.get("/audit/", {"agency": "police", "page": 3})
    assert len(last.context["page"]) == 21  # the 120, and the row recording the first search (by police)
    assert client.get("/audit/", {"page": "999"}).context["page"].number == 3


@pytest.mark.parametrize("who", AGENCIES, ids=AGENCY_IDS)
@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.MANAGER, Role.ANALYST],
                         ids=["practitioner", "manager", "analyst"])
def test_everyone_else_gets_a_404_and_the_refusal_is_logged(
        who: str, role: str, make_user: Callable[..., User], client_for: Callable[..., Any], events: None,
        caplog: pytest.LogCaptureFixture) -> None:
    user = make_user(who, role)
    response = client_for(user).get("/audit/", {"username": "alice"})
    assert response.status_code == 404 and b"alice" not in response.content
    refusal = AuditEvent.objects.get(operation="refusal")
    assert (refusal.username, refusal.agency, refusal.role, refusal.object_type) == (
        user.username, user.agency.code, role, "audit.auditevent")
    assert any("refused" in r.getMessage() and user.username in r.getMessage() for r in caplog.records)


def test_a_disabled_administrator_is_not_let_in(make_user: Callable[..., User], client_for: Callable[..., Any]) -> None:
    admin = make_user("own", Role.ADMINISTRATOR)
    client = client_for(admin)
    User.objects.filter(pk=admin.pk).update(is_active=False)
    assert client.get("/audit/")["Location"].startswith("/accounts/login/")


def test_anonymous_users_are_sent_to_sign_in(db: Any) -> None:
    assert Client().get("/audit/")["Location"].startswith("/accounts/login/?next=/audit/")


@pytest.mark.parametrize("method", ["post", "put", "delete"], ids=["post", "put", "delete"])
def test_the_search_is_read_only(method: str, make_user: Callable[..., User], client_for: Callable[..., Any],
                                 events: None) -> None:
    response = getattr(client_for(make_user("own", Role.ADMINISTRATOR)), method)("/audit/")
    assert response.status_code == 405
    assert AuditEvent.objects.count() == 3


def test_a_search_of_the_log_is_itself_recorded(make_user: Callable[..., User], client_for: Callable[..., Any],
                                                events: None) -> None:
    admin = make_user("own", Role.ADMINISTRATOR)
    client_for(admin).get("/audit/", {"nominal_id": "N0002"})
    viewed = AuditEvent.objects.get(user=admin, operation="consultation", object_type="audit.auditevent")
    shown = AuditEvent.objects.get(nominal_id="N0002")
    assert viewed.detail == {"viewed": "audit search", "filters": {"nominal_id": "N0002"}, "page": 1,
                             "rows": [shown.pk]}


@pytest.mark.urls("tests.web.accounts.urls_for_tests")
def test_reading_the_log_in_the_admin_is_recorded(make_user: Callable[..., User], client_for: Callable[..., Any],
                                                  events: None) -> None:
    admin = make_user("own", Role.ADMINISTRATOR)
    client = client_for(admin)
    row = AuditEvent.objects.get(nominal_id="N0001")
    assert client.get("/admin/audit/auditevent/?operation=alteration").status_code == 200
    assert client.get(f"/admin/audit/auditevent/{row.pk}/change/").status_code == 200
    viewed = list(AuditEvent.objects.filter(user=admin, operation="consultation", object_type="audit.auditevent")
                  .order_by("id").values_list("detail", flat=True))
    assert viewed == [{"viewed": "admin list", "query": "operation=alteration"},
                      {"viewed": "admin row", "row": str(row.pk)}]
