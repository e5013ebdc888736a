"""Session limits (30 minutes idle, 12 hours at most, disabled users) and disabling an account."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext

from iomhub.web.accounts import middleware
from iomhub.web.accounts.backends import AgencyUserBackend
from iomhub.web.accounts.models import User
from iomhub.web.accounts.services import disable_user
from iomhub.web.audit.context import Actor
from iomhub.web.audit.models import AuditEvent

T0 = 1_800_000_000.0
AGENCIES = ["own", "partner", "unrelated"]
AGENCY_IDS = ["own-agency", "partner-agency", "unrelated-agency"]


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> SimpleNamespace:
    """The middleware's clock, and only the middleware's."""
    fake = SimpleNamespace(now=T0)
    monkeypatch.setattr(middleware, "time", SimpleNamespace(time=lambda: fake.now))
    return fake


def still_signed_in(client: Any) -> bool:
    response = client.get("/cohort/")
    return bool(response.status_code == 200)


@pytest.mark.parametrize("who", AGENCIES, ids=AGENCY_IDS)
def test_a_session_idle_for_30_minutes_ends(who: str, users: dict[str, User], client_for: Callable[..., Any],
                                            clock: SimpleNamespace) -> None:
    client = client_for(users[who])
    assert still_signed_in(client)
    clock.now = T0 + 29 * 60
    assert still_signed_in(client)  # activity moves the idle limit on
    clock.now = T0 + 29 * 60 + 30 * 60 + 1
    assert not still_signed_in(client)
    assert AuditEvent.objects.filter(operation="sign_out", username=users[who].username,
                                     detail__reason="session ended: idle").exists()
    clock.now += 1
    assert not still_signed_in(client)


@pytest.mark.parametrize("who", AGENCIES, ids=AGENCY_IDS)
def test_a_session_ends_after_12_hours_however_active(who: str, users: dict[str, User],
                                                      client_for: Callable[..., Any], clock: SimpleNamespace) -> None:
    client = client_for(users[who])
    for minutes in range(0, 12 * 60 + 1, 20):
        clock.now = T0 + minutes * 60
        assert still_signed_in(client), minutes
    clock.now = T0 + 12 * 3600 + 1
    assert not still_signed_in(client)
    assert AuditEvent.objects.filter(operation="sign_out", detail__reason="session ended: absolute limit").exists()


def test_a_disabled_user_is_signed_out_at_the_next_request(users: dict[str, User], client_for: Callable[..., Any],
                                                           clock: SimpleNamespace) -> None:
    client = client_for(users["own"])
    assert still_signed_in(client)
    User.objects.filter(pk=users["own"].pk).update(is_active=False)
    assert not still_signed_in(client)
    User.objects.filter(pk=users["own"].pk).update(is_active=True)
    assert not still_signed_in(client)  # the old session was ended, not merely suspended


def test_disabling_an_account_ends_all_its_sessions(users: dict[str, User], client_for: Callable[..., Any],
                                                    make_user: Callable[..., User]) -> None:
    admin = make_user("own", "administrator")
    mine = [client_for(users["own"]) for _ in range(2)]
    theirs = client_for(users["partner"])
    keys = [client.session.session_key for client in mine]
    ended = disable_user(Actor.of(admin, "192.0.2.1"), users["own"], "left the police")
    assert ended == 2
    assert not Session.objects.filter(session_key__in=keys).exists()
    assert Session.objects.filter(session_key=theirs.session.session_key).exists()
    assert all(not still_signed_in(client) for client in mine)
    assert still_signed_in(theirs)
    event = AuditEvent.objects.get(object_type="accounts.user", object_id=str(users["own"].pk))
    assert (event.operation, event.username, event.justification, event.detail["sessions_ended"]) == (
        "alteration", admin.username, "left the police", 2)
    users["own"].refresh_from_db()
    assert not users["own"].is_active


def test_disabling_needs_a_reason(users: dict[str, User], system: Actor) -> None:
    with pytest.raises(ValueError, match="reason"):
        disable_user(system, users["own"], " ")
    users["own"].refresh_from_db()
    assert users["own"].is_active


def session_writes(client: Any) -> int:
    """How many times one page view writes the session table."""
    with CaptureQueriesContext(connection) as queries:
        assert still_signed_in(client)
    return sum(1 for query in queries.captured_queries
               if query["sql"].lstrip().upper().startswith(("UPDATE", "INSERT")) and "django_session" in query["sql"])


@pytest.mark.parametrize("who", AGENCIES, ids=AGENCY_IDS)
def test_the_session_is_written_at_most_once_a_minute(who: str, users: dict[str, User],
                                                      client_for: Callable[..., Any], clock: SimpleNamespace) -> None:
    client = client_for(users[who])
    assert session_writes(client) == 1  # the limits start
    clock.now = T0 + 60 - 1
    assert session_writes(client) == 0, "a page view within the minute saves no session"
    clock.now = T0 + 60
    assert session_writes(client) == 1, "a minute on, the last activity moves on"
    clock.now = T0 + 2 * 60 - 1
    assert session_writes(client) == 0
    # idle is counted from the last activity written (T0 + 60 s), so a session ends at most a
    # minute early, never late: here 29 min 2 s after the last page view
    clock.now = T0 + 60 + 30 * 60 + 1
    assert not still_signed_in(client)


@pytest.mark.parametrize("who", AGENCIES, ids=AGENCY_IDS)
def test_the_signed_in_user_comes_with_their_agency_in_one_query(
        who: str, users: dict[str, User], django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        user = AgencyUserBackend().get_user(users[who].pk)
        assert user is not None and user.agency.code == users[who].agency.code
    User.objects.filter(pk=users[who].pk).update(is_active=False)
    assert AgencyUserBackend().get_user(users[who].pk) is None, "a disabled user is nobody"
    assert AgencyUserBackend().get_user(-1) is None
