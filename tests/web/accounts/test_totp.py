"""The second factor: who must have it, enrolment, verification, codes usable once."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pyotp
import pytest
from django.test import Client

from iomhub.web.accounts import totp, views
from iomhub.web.accounts.constants import Role
from iomhub.web.accounts.models import LoginAttempt, User
from iomhub.web.audit.models import AuditEvent
from tests.web.accounts.helpers import code, refused, sign_in, signed_in

NOW = 1_700_000_000.0
ROLES = [Role.PRACTITIONER, Role.MANAGER, Role.ANALYST, Role.ADMINISTRATOR]
ROLE_IDS = ["practitioner", "manager", "analyst", "administrator"]
AGENCIES = ["own", "partner", "unrelated"]
AGENCY_IDS = ["own-agency", "partner-agency", "unrelated-agency"]


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    now = [NOW]
    monkeypatch.setattr(totp, "now", lambda: now[0])
    return now


def with_secret(user: User, last_step: int = 0) -> str:
    secret = pyotp.random_base32()
    User.objects.filter(pk=user.pk).update(totp_secret=secret, totp_last_step=last_step)
    return secret


@pytest.mark.parametrize("for_all", [False, True], ids=["admins-only", "required-for-all"])
@pytest.mark.parametrize("role", ROLES, ids=ROLE_IDS)
def test_who_must_enrol_before_anything_else(role: str, for_all: bool, make_user: Callable[..., User],
                                             settings: Any) -> None:
    settings.TOTP_REQUIRED_FOR_ALL = for_all
    user = make_user("own", role)
    client = Client()
    response = sign_in(client, user.username)
    must = for_all or role == Role.ADMINISTRATOR
    assert response["Location"] == ("/accounts/second-factor/" if must else "/cohort/")
    assert signed_in(client) is not must
    if must:  # nothing else is reachable until the second factor is set up
        assert client.get("/cohort/")["Location"].startswith("/accounts/login/")
        assert client.get("/audit/")["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("who", AGENCIES, ids=AGENCY_IDS)
def test_an_administrator_enrols_and_is_then_signed_in(who: str, make_user: Callable[..., User],
                                                       clock: list[float]) -> None:
    admin = make_user(who, Role.ADMINISTRATOR)
    client = Client()
    sign_in(client, admin.username)
    page = client.get("/accounts/second-factor/")
    assert page.status_code == 200
    secret = client.session[views.ENROL_SECRET]
    uri = f"otpauth://totp/iomhub:{admin.username}?secret={secret}&amp;issuer=iomhub"
    assert uri in page.content.decode()
    assert b"<img" not in page.content  # no QR code fetched from anywhere
    assert client.get("/accounts/second-factor/").context["secret"] == secret  # stable across reloads
    assert refused_code(client.post("/accounts/second-factor/", {"code": "000000"}))
    response = client.post("/accounts/second-factor/", {"code": code(secret, NOW)})
    assert response.status_code == 302 and response["Location"] == "/cohort/"
    assert signed_in(client)
    admin.refresh_from_db()
    assert admin.totp_secret == secret and admin.totp_last_step == int(NOW // 30)
    assert AuditEvent.objects.filter(object_type="accounts.user", object_id=str(admin.pk),
                                     detail__totp="enrolled").count() == 1
    assert AuditEvent.objects.filter(operation="sign_in", username=admin.username,
                                     detail__second_factor=True).count() == 1


def refused_code(response: Any) -> bool:
    return response.status_code == 200 and b"The code is not right" in response.content


@pytest.mark.parametrize("who", AGENCIES, ids=AGENCY_IDS)
def test_a_user_with_a_second_factor_gives_a_code_after_the_password(
        who: str, users: dict[str, User], clock: list[float]) -> None:
    user = users[who]
    secret = with_secret(user)
    client = Client()
    session = client.session
    session.save()
    before = session.session_key
    response = sign_in(client, user.username)
    assert response["Location"] == "/accounts/login/code/" and not signed_in(client)
    assert client.get("/cohort/").status_code == 302
    assert refused_code(client.post("/accounts/login/code/", {"code": code(secret, NOW - 300)}))
    response = client.post("/accounts/login/code/", {"code": code(secret, NOW)})
    assert response["Location"] == "/cohort/" and signed_in(client)
    assert client.session.session_key != before
    assert client.get("/cohort/").status_code == 200


def test_a_code_is_usable_once(users: dict[str, User], clock: list[float]) -> None:
    user = users["own"]
    secret = with_secret(user)
    first = Client()
    sign_in(first, user.username)
    assert first.post("/accounts/login/code/", {"code": code(secret, NOW)}).status_code == 302
    replay = Client()
    sign_in(replay, user.username)
    assert refused_code(replay.post("/accounts/login/code/", {"code": code(secret, NOW)}))
    # Nor the code of the step before (still within the drift allowed), once a later one was used.
    assert refused_code(replay.post("/accounts/login/code/", {"code": code(secret, NOW - 30)}))
    assert not signed_in(replay)
    clock[0] = NOW + 30
    assert replay.post("/accounts/login/code/", {"code": code(secret, NOW + 30)}).status_code == 302


def test_a_code_from_the_next_step_is_accepted_for_clock_drift(users: dict[str, User], clock: list[float]) -> None:
    secret = with_secret(users["own"])
    client = Client()
    sign_in(client, "own-practitioner")
    assert client.post("/accounts/login/code/", {"code": code(secret, NOW + 30)}).status_code == 302


def test_wrong_codes_count_towards_the_lockout(users: dict[str, User], clock: list[float], settings: Any) -> None:
    secret = with_secret(users["own"])
    client = Client()
    sign_in(client, "own-practitioner")
    for _ in range(settings.LOCKOUT_FAILURES):
        assert refused_code(client.post("/accounts/login/code/", {"code": "123456"}))
    assert LoginAttempt.objects.filter(stage="totp", outcome="failed").count() == settings.LOCKOUT_FAILURES
    assert refused_code(client.post("/accounts/login/code/", {"code": code(secret, NOW)}))  # locked now
    assert not signed_in(client)
    assert refused(sign_in(Client(), "own-practitioner", address="192.0.2.99"))


def test_the_pending_sign_in_lapses_after_five_minutes(users: dict[str, User], clock: list[float],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    secret = with_secret(users["own"])
    client = Client()
    sign_in(client, "own-practitioner")
    later = views.time.time() + views.PENDING_SECONDS + 1
    monkeypatch.setattr(views, "time", type("Clock", (), {"time": staticmethod(lambda: later)}))
    response = client.post("/accounts/login/code/", {"code": code(secret, NOW)})
    assert response["Location"] == "/accounts/login/" and not signed_in(client)


def test_the_code_page_needs_a_password_first(db: Any) -> None:
    assert Client().get("/accounts/login/code/")["Location"] == "/accounts/login/"
    assert Client().get("/accounts/second-factor/")["Location"] == "/accounts/login/"


def test_a_practitioner_may_enrol_by_choice(users: dict[str, User], client_for: Any, clock: list[float]) -> None:
    client = client_for(users["partner"])
    page = client.get("/accounts/second-factor/").content.decode()
    secret = re.search(r"secret=([A-Z2-7]+)", page).group(1)  # type: ignore[union-attr]
    assert client.post("/accounts/second-factor/", {"code": code(secret, NOW)})["Location"] == "/cohort/"
    users["partner"].refresh_from_db()
    assert users["partner"].totp_secret == secret
    assert client.get("/accounts/second-factor/")["Location"] == "/cohort/"  # no silent replacement
