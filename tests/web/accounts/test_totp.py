"""The second factor: who must have it, enrolment, verification, codes usable once."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pyotp
import pytest
from django.test import Client
from django.utils import timezone

from iomhub.web.accounts import totp, views
from iomhub.web.accounts.constants import Role
from iomhub.web.accounts.forms import NEEDS_LINK
from iomhub.web.accounts.models import EnrolmentLink, LoginAttempt, User
from iomhub.web.accounts.services import enrolment_path, issue_enrolment_link
from iomhub.web.audit.constants import Operation
from iomhub.web.audit.context import Actor, audited
from iomhub.web.audit.models import AuditEvent
from tests.web.accounts.helpers import code, refused, sign_in, signed_in
from tests.web.conftest import PASSWORD

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


def issue(user: User) -> str:
    """An enrolment link's path for ``user``, as an administrator issues it."""
    return enrolment_path(issue_enrolment_link(Actor.system("test administrator"), user))


def expire_links(user: User) -> None:
    with audited(Actor.system("test clock")) as audit:
        EnrolmentLink.objects.filter(user=user).update(expires_at=timezone.now() - timedelta(seconds=1))
        audit.record(Operation.ALTERATION, user, detail={"enrolment_link": "expired by the test"})


def through_link(client: Client, path: str, password: str = PASSWORD) -> Any:
    return client.post(path, {"password": password}, REMOTE_ADDR="198.51.100.7")


@pytest.mark.parametrize("for_all", [False, True], ids=["admins-only", "required-for-all"])
@pytest.mark.parametrize("role", ROLES, ids=ROLE_IDS)
def test_who_must_enrol_before_anything_else(role: str, for_all: bool, make_user: Callable[..., User],
                                             settings: Any) -> None:
    """A user who must have a second factor and has none is not signed in by the password: they
    are told to use the enrolment link their administrator gives them (the adversarial test:
    whoever learnt an administrator's first password bound their own authenticator)."""
    settings.TOTP_REQUIRED_FOR_ALL = for_all
    user = make_user("own", role)
    client = Client()
    response = sign_in(client, user.username)
    must = for_all or role == Role.ADMINISTRATOR
    if must:
        assert response.status_code == 200 and NEEDS_LINK.encode() in response.content
        assert client.get("/accounts/second-factor/")["Location"] == "/accounts/login/"
        assert client.get("/cohort/")["Location"].startswith("/accounts/login/")
        assert client.get("/audit/")["Location"].startswith("/accounts/login/")
    else:
        assert response["Location"] == "/"
    assert signed_in(client) is not must


@pytest.mark.parametrize("who", AGENCIES, ids=AGENCY_IDS)
def test_an_administrator_enrols_through_the_link_and_is_then_signed_in(who: str, make_user: Callable[..., User],
                                                                        clock: list[float]) -> None:
    admin = make_user(who, Role.ADMINISTRATOR)
    client = Client()
    path = issue(admin)
    assert client.get(path).status_code == 200
    assert refused(through_link(client, path, "wrong password"))
    assert through_link(client, path)["Location"] == "/accounts/second-factor/"
    page = client.get("/accounts/second-factor/")
    assert page.status_code == 200
    secret = client.session[views.ENROL_SECRET]
    uri = f"otpauth://totp/iomhub:{admin.username}?secret={secret}&amp;issuer=iomhub"
    assert uri in page.content.decode()
    assert b"<img" not in page.content  # no QR code fetched from anywhere
    assert client.get("/accounts/second-factor/").context["secret"] == secret  # stable across reloads
    assert refused_code(client.post("/accounts/second-factor/", {"code": "000000"}))
    response = client.post("/accounts/second-factor/", {"code": code(secret, NOW)})
    assert response.status_code == 302 and response["Location"] == "/"
    assert signed_in(client)
    admin.refresh_from_db()
    assert admin.totp_secret == secret and admin.totp_last_step == int(NOW // 30)
    assert AuditEvent.objects.filter(object_type="accounts.user", object_id=str(admin.pk),
                                     detail__totp="enrolled").count() == 1
    assert AuditEvent.objects.filter(operation="sign_in", username=admin.username,
                                     detail__second_factor=True).count() == 1
    assert Client().get(path).status_code == 404, "the link works once"


def test_a_link_expires(make_user: Callable[..., User], clock: list[float]) -> None:
    admin = make_user("own", Role.ADMINISTRATOR)
    path = issue(admin)
    expire_links(admin)
    client = Client()
    assert client.get(path).status_code == 404
    assert through_link(client, path).status_code == 404
    assert not signed_in(client)


def test_a_new_link_ends_the_old_one(make_user: Callable[..., User]) -> None:
    admin = make_user("own", Role.ADMINISTRATOR)
    old, new = issue(admin), issue(admin)
    assert Client().get(old).status_code == 404 and Client().get(new).status_code == 200


def test_a_link_that_expires_during_enrolment_sets_up_nothing(make_user: Callable[..., User],
                                                               clock: list[float]) -> None:
    admin = make_user("own", Role.ADMINISTRATOR)
    client = Client()
    through_link(client, issue(admin))
    client.get("/accounts/second-factor/")
    secret = client.session[views.ENROL_SECRET]
    expire_links(admin)
    assert client.post("/accounts/second-factor/", {"code": code(secret, NOW)}).status_code == 404
    admin.refresh_from_db()
    assert admin.totp_secret == "" and not signed_in(client)


def test_only_the_hash_of_a_link_is_kept_and_its_issue_is_audited(make_user: Callable[..., User]) -> None:
    admin = make_user("own", Role.ADMINISTRATOR)
    token = issue(admin).rstrip("/").rsplit("/", 1)[-1]
    assert not EnrolmentLink.objects.filter(token_hash=token).exists()
    assert EnrolmentLink.objects.filter(token_hash=EnrolmentLink.hash(token)).exists()
    assert AuditEvent.objects.filter(object_id=str(admin.pk), detail__enrolment_link="issued").count() == 1


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
    assert response["Location"] == "/" and signed_in(client)
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
    assert client.post("/accounts/second-factor/", {"code": code(secret, NOW)})["Location"] == "/"
    users["partner"].refresh_from_db()
    assert users["partner"].totp_secret == secret
    assert client.get("/accounts/second-factor/")["Location"] == "/"  # no silent replacement
