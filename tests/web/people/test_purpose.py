"""The purpose of a consultation, asked where the partnership requires it (IOMHUB_PURPOSE_REQUIRED)
and written as the justification of the consultation rows of that person's record."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from iomhub.web.accounts.models import User
from iomhub.web.audit.constants import Operation
from iomhub.web.audit.context import Actor, audited
from iomhub.web.audit.models import AuditEvent
from iomhub.web.people.models import CaseNote, Nominal


@pytest.fixture
def required(settings: Any) -> None:
    settings.PURPOSE_REQUIRED = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def second(nominal: Nominal, system: Actor) -> Nominal:
    with audited(system) as audit:
        person = Nominal.objects.create(nominal_id="N0002", family_name="Jones", date_of_birth=date(1985, 1, 1))
        audit.record(Operation.COLLECTION, person)
    return person


def consultations(user: User) -> list[tuple[str, str, str]]:
    return list(AuditEvent.objects.filter(user=user, operation="consultation").order_by("id")
                .values_list("nominal_id", "detail__viewed", "justification"))


@pytest.mark.parametrize("page", ["/people/N0001/", "/people/N0001/edit/", "/risk/N0001/tier/",
                                  "/assessments/N0001/", "/custody/N0001/custody/new/"],
                         ids=["person", "edit", "risk", "needs", "custody"])
def test_the_purpose_is_asked_first_and_kept_with_each_consultation(
        page: str, required: None, nominal: Nominal, make_user: Callable[..., User],
        client_for: Callable[..., Any]) -> None:
    user = make_user("own")
    client = client_for(user)
    asked = client.get(page)
    assert asked.status_code == 302
    assert asked["Location"].startswith("/people/N0001/purpose/?next=")
    form = client.get(asked["Location"])
    assert form.status_code == 200 and "Smith" not in form.content.decode()
    assert consultations(user) == [], "nothing of the record was read before the purpose was given"
    told = client.post(asked["Location"], {"purpose": "meeting preparation", "detail": "MAPPA level 2 on Friday"})
    assert told.status_code == 302 and told["Location"] == page
    assert client.get(page).status_code == 200
    assert client.get(page).status_code == 200  # asked once per person per session
    assert consultations(user)[-1][2] == "meeting preparation: MAPPA level 2 on Friday"


def test_each_person_is_asked_for(required: None, second: Nominal, make_user: Callable[..., User],
                                  client_for: Callable[..., Any]) -> None:
    client = client_for(make_user("own"))
    client.post("/people/N0001/purpose/", {"purpose": "case management"})
    assert client.get("/people/N0001/").status_code == 200
    assert client.get("/people/N0002/")["Location"].startswith("/people/N0002/purpose/")


@pytest.mark.parametrize(("data", "message"), [
    ({}, "Choose why you are opening this record"),
    ({"purpose": "other"}, "Say what the purpose is"),
    ({"purpose": "curiosity"}, "Choose one of the purposes listed"),
], ids=["none", "other-without-words", "not-listed"])
def test_a_purpose_must_be_given(data: dict[str, str], message: str, required: None, nominal: Nominal,
                                 make_user: Callable[..., User], client_for: Callable[..., Any]) -> None:
    client = client_for(make_user("own"))
    response = client.post("/people/N0001/purpose/", data)
    assert response.status_code == 400 and message in response.content.decode()
    assert client.get("/people/N0001/").status_code == 302


def test_a_form_being_saved_is_never_interrupted(required: None, nominal: Nominal, make_user: Callable[..., User],
                                                 client_for: Callable[..., Any]) -> None:
    """Nothing typed is lost: a POST goes through even with no purpose stated (the session ended)."""
    client = client_for(make_user("own"))
    response = client.post("/people/N0001/notes/", {"text": "Seen at the hostel", "visibility": "shared"})
    assert response.status_code == 302 and CaseNote.objects.filter(text="Seen at the hostel").exists()


def test_not_asked_unless_the_partnership_requires_it(nominal: Nominal, make_user: Callable[..., User],
                                                      client_for: Callable[..., Any]) -> None:
    user = make_user("own")
    assert client_for(user).get("/people/N0001/").status_code == 200
    assert consultations(user) == [("N0001", "person page", "")]


def test_a_refused_user_is_refused_not_asked(required: None, nominal: Nominal, make_user: Callable[..., User],
                                            client_for: Callable[..., Any]) -> None:
    client = client_for(make_user("unrelated"))
    assert client.get("/people/N0001/").status_code == 404
    assert client.get("/people/N0001/purpose/").status_code == 404
