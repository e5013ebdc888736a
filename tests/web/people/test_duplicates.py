"""The duplicate check before a person is added or referred: likely matches shown first, "this is
the same person", and "create anyway" with a reason kept in the audit row (three users each)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from iomhub.web.audit.constants import Operation
from iomhub.web.audit.context import Actor, audited
from iomhub.web.people.models import Nominal
from iomhub.web.referrals.models import Referral
from tests.web.people.records import ACCESS, ACCESS_IDS, events_after, last_event_id, user_for

# Jack Smith, born 01/05/1990 (the fixture), typed again with a typo and a new PNC id
AGAIN = {"given_names": "Jack", "family_name": "Smiht", "date_of_birth": "1/5/1990", "pnc_id": "", "area": "NW"}


@pytest.mark.parametrize(("agency", "role", "allowed"), ACCESS, ids=ACCESS_IDS)
def test_adding_someone_already_there_shows_the_match_first(agency: str, role: str, allowed: bool, make_user: Any,
                                                            nominal: Nominal,
                                                            client_for: Callable[..., Client]) -> None:
    client = client_for(user_for(make_user, agency, role))
    before = last_event_id()
    response = client.post("/people/new/", AGAIN)
    if not allowed:
        assert response.status_code == 404 and b"Smith" not in response.content
        return
    page = response.content.decode()
    assert response.status_code == 400 and Nominal.objects.count() == 1
    assert page.index("Likely matches") < page.index('for="id_given_names"')
    assert 'href="/people/N0001/">This is the same person' in page
    assert "The same date of birth and a similar name" in page
    assert [(e.operation, e.nominal_id, e.detail) for e in events_after(before)] == [
        ("consultation", "N0001", {"viewed": "duplicate check"})]
    no_reason = client.post("/people/new/", {**AGAIN, "create_anyway": "1", "duplicate_reason": " "})
    assert no_reason.status_code == 400 and Nominal.objects.count() == 1
    assert "<title>Error: " in no_reason.content.decode()
    assert "Enter why this is a different person" in no_reason.content.decode()
    before = last_event_id()
    created = client.post("/people/new/", {**AGAIN, "create_anyway": "1", "duplicate_reason": "His cousin."})
    assert created.status_code == 302 and Nominal.objects.count() == 2
    [event] = events_after(before, operation="collection")
    assert event.nominal_id == "N0002"
    assert event.justification == "person added not the same person as N0001: His cousin."


def test_the_same_pnc_id_offers_no_create_anyway(nominal: Nominal, users: dict[str, Any],
                                                 client_for: Callable[..., Client]) -> None:
    response = client_for(users["own"]).post("/people/new/", {"given_names": "John", "family_name": "Brown",
                                                              "pnc_id": "2009/123456X"})
    page = response.content.decode()
    assert response.status_code == 400 and "The same PNC id" in page
    assert "Create anyway" not in page and Nominal.objects.count() == 1


def test_a_restricted_person_is_never_shown_as_a_match(nominal: Nominal, users: dict[str, Any],
                                                       client_for: Callable[..., Client]) -> None:
    with audited(Actor.system("test-fixture")) as audit:
        Nominal.objects.filter(pk=nominal.pk).update(restricted=True)
        audit.record(Operation.ALTERATION, nominal)
    response = client_for(users["own"]).post("/people/new/", AGAIN)
    assert response.status_code == 302 and b"Smith" not in response.content


def test_referring_someone_already_there_shows_the_match(nominal: Nominal, users: dict[str, Any],
                                                         client_for: Callable[..., Client]) -> None:
    data = {"nominal_id": "", "referred_on": "01/02/2016", "referring_agency": "police", "area": "",
            **{f"person-{name}": value for name, value in AGAIN.items()}}
    response = client_for(users["own"]).post("/referrals/new/", data)
    page = response.content.decode()
    assert response.status_code == 400 and not Referral.objects.exists()
    assert 'href="/referrals/new/?nominal_id=N0001">This is the same person' in page


@pytest.mark.parametrize("typed", ["N0001", "jack smith", "Smith 01/05/1990", "2009/123456X"],
                         ids=["id", "name", "name-and-birth", "pnc"])
def test_a_referral_takes_the_person_from_the_search(typed: str, nominal: Nominal, users: dict[str, Any],
                                                     client_for: Callable[..., Client]) -> None:
    response = client_for(users["own"]).post("/referrals/new/", {"nominal_id": typed, "referred_on": "01/02/2016",
                                                                 "referring_agency": "police", "area": ""})
    assert response.status_code == 302
    assert Referral.objects.get().nominal_id == "N0001"
