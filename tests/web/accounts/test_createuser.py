"""``iomhub createuser``: password asked twice or read from IOMHUB_PASSWORD; audited."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner

from iomhub.cli import main
from iomhub.web.accounts.models import Agency, User
from iomhub.web.audit.models import AuditEvent

PASSWORD = "a long enough pass phrase"


@pytest.mark.argon2
@pytest.mark.parametrize("scripted", [True, False], ids=["env-password", "prompted"])
def test_createuser_creates_the_agency_and_the_user(scripted: bool, db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IOMHUB_PASSWORD", raising=False)
    if scripted:
        monkeypatch.setenv("IOMHUB_PASSWORD", PASSWORD)
    result = CliRunner().invoke(main, ["createuser", "jo", "--agency", "yos", "--role", "manager",
                                       "--agency-name", "Youth Offending Service"],
                                input=None if scripted else f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    user = User.objects.get(username="jo")
    assert (user.agency.code, user.agency.name, user.role) == ("yos", "Youth Offending Service", "manager")
    assert user.check_password(PASSWORD) and user.password.startswith("argon2")
    rows = AuditEvent.objects.filter(username="createuser").order_by("id")
    assert [(r.operation, r.object_type, r.agency) for r in rows] == [
        ("collection", "accounts.agency", "system"), ("collection", "accounts.user", "system")]


@pytest.mark.parametrize(("args", "password", "message"), [
    (["--agency", "nowhere", "--role", "manager"], PASSWORD, "no agency with code 'nowhere'"),
    (["--agency", "police", "--role", "manager"], "short", "too short"),
    (["--agency", "police", "--role", "chief"], PASSWORD, "Invalid value for '--role'"),
], ids=["unknown-agency", "weak-password", "unknown-role"])
def test_createuser_refuses(args: list[str], password: str, message: str, agencies: Any,
                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IOMHUB_PASSWORD", password)
    result = CliRunner().invoke(main, ["createuser", "jo", *args])
    assert result.exit_code == 2 and message in result.output
    assert not User.objects.filter(username="jo").exists() and not AuditEvent.objects.filter(username="createuser")


def test_createuser_refuses_an_existing_username(users: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IOMHUB_PASSWORD", PASSWORD)
    result = CliRunner().invoke(main, ["createuser", "Own-Practitioner", "--agency", "police", "--role", "manager"])
    assert result.exit_code == 2 and "already exists" in result.output
    assert Agency.objects.count() == 4


def test_the_prompt_asks_twice(agencies: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IOMHUB_PASSWORD", raising=False)
    result = CliRunner().invoke(main, ["createuser", "jo", "--agency", "police", "--role", "analyst"],
                                input=f"{PASSWORD}\nsomething else\n{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "do not match" in result.output.lower() or "don't match" in result.output.lower()
    assert User.objects.get(username="jo").agency == agencies["own"]


def test_creating_an_administrator_prints_an_enrolment_link(agencies: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from django.test import Client

    monkeypatch.setenv("IOMHUB_PASSWORD", PASSWORD)
    result = CliRunner().invoke(main, ["createuser", "boss", "--agency", "police", "--role", "administrator"])
    assert result.exit_code == 0, result.output
    path = result.output.strip().rsplit(" ", 1)[-1]
    assert path.startswith("/accounts/enrol/") and "works once" in result.output
    assert Client().get(path).status_code == 200
    again = CliRunner().invoke(main, ["enrolment-link", "boss"])
    assert again.exit_code == 0 and Client().get(path).status_code == 404  # the new link ends the old
    assert Client().get(again.output.strip().rsplit(" ", 1)[-1]).status_code == 200
