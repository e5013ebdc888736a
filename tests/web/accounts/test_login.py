"""Signing in with a password: audit, logging, lockout per username and per address, and
X-Forwarded-For that cannot be forged."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from iomhub.web.accounts.constants import Role
from iomhub.web.accounts.models import LoginAttempt, User
from iomhub.web.audit.models import AuditEvent
from tests.web.accounts.helpers import ADDRESS, refused, sign_in, signed_in

AGENCIES = ["own", "partner", "unrelated"]
AGENCY_IDS = ["own-agency", "partner-agency", "unrelated-agency"]


def without_token(page: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", page)


def sessions_events(operation: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type="accounts.session", operation=operation).order_by("id"))


@pytest.mark.parametrize("who", AGENCIES, ids=AGENCY_IDS)
@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.MANAGER, Role.ANALYST],
                         ids=["practitioner", "manager", "analyst"])
def test_a_sign_in_is_audited_logged_and_gets_a_new_session_id(
        who: str, role: str, make_user: Callable[..., User], caplog: pytest.LogCaptureFixture) -> None:
    user = make_user(who, role)
    client = Client()
    session = client.session
    session["before"] = "anonymous visit"
    session.save()
    before = session.session_key
    caplog.set_level(logging.INFO, logger="iomhub.security")
    response = sign_in(client, user.username)
    assert response.status_code == 302 and response["Location"] == "/"  # each role's start page
    assert signed_in(client)
    assert client.session.session_key != before  # a new session id at login
    assert not Session.objects.filter(session_key=before).exists()
    [event] = sessions_events("sign_in")
    assert (event.username, event.agency, event.role, event.address, event.object_id) == (
        user.username, user.agency.code, role, ADDRESS, str(user.pk))
    assert any("signed in" in r.getMessage() and user.username in r.getMessage() for r in caplog.records)
    assert LoginAttempt.objects.get().outcome == "succeeded"


@pytest.mark.parametrize(("username", "password"), [
    ("own-practitioner", "wrong password"),
    ("nobody-at-all", "correct horse battery staple"),
    ("OWN-PRACTITIONER ", "wrong password"),
], ids=["wrong-password", "unknown-user", "other-case"])
def test_a_failed_sign_in_says_nothing_but_is_audited_and_logged(
        username: str, password: str, users: dict[str, User], caplog: pytest.LogCaptureFixture) -> None:
    client = Client()
    response = sign_in(client, username, password)
    assert refused(response) and not signed_in(client)
    [event] = sessions_events("sign_in_failed")
    assert event.username == username.strip() and event.user is None and event.address == ADDRESS
    assert LoginAttempt.objects.get().username == username.strip().lower()  # counted against one name
    assert any(r.levelno == logging.WARNING and "sign-in failed" in r.getMessage() for r in caplog.records)
    assert not sessions_events("sign_in")


def test_a_disabled_account_gets_the_generic_message(users: dict[str, User]) -> None:
    User.objects.filter(pk=users["own"].pk).update(is_active=False)
    client = Client()
    assert refused(sign_in(client, "own-practitioner")) and not signed_in(client)


@pytest.mark.parametrize("who", AGENCIES, ids=AGENCY_IDS)
def test_five_failures_lock_the_username_with_the_same_message(
        who: str, users: dict[str, User], caplog: pytest.LogCaptureFixture) -> None:
    username = users[who].username
    client = Client()
    wrong = [sign_in(client, username, "wrong password", address=f"203.0.113.{n}") for n in range(5)]
    assert all(refused(r) for r in wrong)
    # From a fresh address, with the right password: refused, with the very same page as a wrong password.
    locked = sign_in(client, username, address="192.0.2.200")
    assert refused(locked) and not signed_in(client)
    assert without_token(locked.content) == without_token(wrong[0].content)
    lockouts = sessions_events("lockout")
    assert [e.detail["event"] for e in lockouts] == ["locked_out", "refused_while_locked"]
    assert any("locked out" in r.getMessage() for r in caplog.records)
    # Another user is not affected.
    other = "partner-practitioner" if who != "partner" else "own-practitioner"
    assert sign_in(Client(), other, address="192.0.2.201").status_code == 302


def test_the_lockout_ends_after_the_lockout_period(users: dict[str, User], settings: Any) -> None:
    client = Client()
    for _ in range(settings.LOCKOUT_FAILURES):
        sign_in(client, "own-practitioner", "wrong password")
    assert refused(sign_in(client, "own-practitioner"))
    LoginAttempt.objects.update(at=timezone.now() - timedelta(seconds=settings.LOCKOUT_SECONDS + 1))
    assert sign_in(client, "own-practitioner").status_code == 302


def test_a_success_starts_the_username_count_again(users: dict[str, User]) -> None:
    for _ in range(4):
        sign_in(Client(), "own-practitioner", "wrong password", address="203.0.113.1")
    assert sign_in(Client(), "own-practitioner", address="203.0.113.2").status_code == 302
    for _ in range(4):
        sign_in(Client(), "own-practitioner", "wrong password", address="203.0.113.3")
    assert sign_in(Client(), "own-practitioner", address="203.0.113.4").status_code == 302


def test_five_failures_from_one_address_lock_every_username_from_it(users: dict[str, User]) -> None:
    for n in range(5):
        assert refused(sign_in(Client(), f"guess-{n}", "wrong password"))
    for who in AGENCIES:
        assert refused(sign_in(Client(), users[who].username))  # right password, locked address
    assert sign_in(Client(), "own-practitioner", address="192.0.2.9").status_code == 302


@pytest.mark.parametrize("proxies", [0, 1], ids=["no-proxy", "one-trusted-proxy"])
def test_a_forged_x_forwarded_for_neither_dodges_nor_resets_the_lockout(
        proxies: int, users: dict[str, User], settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = proxies
    settings.TRUSTED_PROXIES = ["10.0.0.1"] if proxies else []
    real = "203.0.113.50"

    def attempt(username: str, password: str, forged: str) -> Any:
        if proxies:  # the proxy appends the address it saw; the client chose what comes before
            return sign_in(Client(), username, password, address="10.0.0.1",
                           HTTP_X_FORWARDED_FOR=f"{forged}, {real}")
        return sign_in(Client(), username, password, address=real, HTTP_X_FORWARDED_FOR=forged)

    for n in range(5):
        assert refused(attempt(f"guess-{n}", "wrong password", forged=f"192.0.2.{n}"))
    assert set(LoginAttempt.objects.values_list("address", flat=True)) == {real}
    assert refused(attempt("own-practitioner", "correct horse battery staple", forged="192.0.2.77"))
    assert refused(attempt("own-practitioner", "correct horse battery staple", forged="127.0.0.1"))


def test_an_unsafe_next_is_ignored(users: dict[str, User]) -> None:
    response = Client().post("/accounts/login/?next=https://evil.example/", {
        "username": "own-practitioner", "password": "correct horse battery staple"})
    assert response.status_code == 302 and response["Location"] == "/"


def test_signing_out_is_audited_and_ends_the_session(users: dict[str, User], client_for: Any) -> None:
    client = client_for(users["own"])
    key = client.session.session_key
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert not Session.objects.filter(session_key=key).exists()
    assert sessions_events("sign_out")[0].username == "own-practitioner"
    assert client.get("/accounts/logout/").status_code == 405  # signing out is a POST (CSRF-protected)
