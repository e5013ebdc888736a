"""Adding and changing a person: PNC validation, UK dates, plain-English messages, audited old/new values."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from iomhub.web.people.forms import normalise_pnc, pnc_check_letter, pnc_problem
from iomhub.web.people.models import Nominal
from tests.web.people.records import ACCESS, ACCESS_IDS, events_after, last_event_id, user_for

VALID = {"pnc_id": "2009/0123456C", "given_names": "Ann", "family_name": "Jones", "date_of_birth": "14/02/1991",
         "gender": "female", "area": "SE"}


@pytest.mark.parametrize(("year", "serial", "letter"), [("2009", "0123456", "C"), ("09", "123456", "C"),
                                                        ("2000", "0000001", "A"), ("2000", "0000000", "Z"),
                                                        ("2000", "0000022", "Y")],
                         ids=["long-form", "short-form", "remainder-1", "remainder-0", "remainder-22"])
def test_the_pnc_check_letter_is_the_id_modulo_23(year: str, serial: str, letter: str) -> None:
    # 090123456 = 23 x 3918411 + 3, and the letters run Z A B C ... (no I, O or S)
    assert pnc_check_letter(year, serial) == letter


def test_pnc_ids_are_normalised_and_checked() -> None:
    assert normalise_pnc(" 2009/123456c ") == "2009/0123456C"
    assert pnc_problem("2009/0123456C") is None
    assert "check letter is wrong" in (pnc_problem("2009/0123456X") or "")
    assert "YYYY/NNNNNNNL" in (pnc_problem("20090123456C") or "")


@pytest.mark.parametrize(("agency", "role", "allowed"), ACCESS, ids=ACCESS_IDS)
def test_adding_a_person(agency: str, role: str, allowed: bool, make_user: Any, nominal: Nominal,
                         client_for: Callable[..., Client]) -> None:
    client = client_for(user_for(make_user, agency, role))
    before = last_event_id()
    get = client.get("/people/new/")
    response = client.post("/people/new/", VALID)
    if allowed:
        assert get.status_code == 200
        assert b'<label class="govuk-label" for="id_date_of_birth">' in get.content
        person = Nominal.objects.get(pnc_id="2009/0123456C")
        assert response.status_code == 302 and response["Location"] == f"/people/{person.nominal_id}/"
        assert person.nominal_id == "N0002"  # the next N number
        assert str(person.date_of_birth) == "1991-02-14"
        [event] = events_after(before, operation="collection")
        assert event.nominal_id == "N0002" and "date_of_birth" in event.detail["fields"]
    else:
        assert (get.status_code, response.status_code) == (404, 404)
        assert Nominal.objects.count() == 1


@pytest.mark.parametrize(("changes", "message"), [
    ({"date_of_birth": "14th Feb 1991"}, "Enter the date of birth as DD/MM/YYYY"),
    ({"date_of_birth": "02/14/1991"}, "The date of birth must be a real date"),
    ({"date_of_birth": "31/02/1990"}, "The date of birth must be a real date"),
    ({"date_of_birth": "01/01/2999"}, "The date of birth must be today or in the past"),
    ({"pnc_id": "123456"}, "Enter the PNC id as YYYY/NNNNNNNL"),
    ({"pnc_id": "2009/0123456X"}, "check letter is wrong"),
    ({"given_names": "", "family_name": "", "pnc_id": ""}, "Enter the person&#x27;s name or PNC id"),
    ({"nominal_id": "N0001"}, "There is already a person with the IOM id N0001"),
    ({"nominal_id": "N 1/2"}, "The IOM id can hold only letters"),
    ({"gender": "robot"}, "Select a valid choice"),
], ids=["words", "us-order", "no-such-day", "future", "pnc-format", "pnc-check-letter", "no-name", "id-taken",
        "id-characters", "gender"])
def test_a_person_that_is_not_valid_is_refused_with_a_message(changes: dict[str, str], message: str,
                                                              users: dict[str, Any], nominal: Nominal,
                                                              client_for: Callable[..., Client]) -> None:
    response = client_for(users["own"]).post("/people/new/", {**VALID, **changes})
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "There is a problem" in page
    assert ('aria-invalid="true"' in page) is (changes.keys() != {"given_names", "family_name", "pnc_id"})
    assert Nominal.objects.count() == 1


@pytest.mark.parametrize(("agency", "role", "allowed"), ACCESS, ids=ACCESS_IDS)
def test_changing_a_person_records_old_and_new_values(agency: str, role: str, allowed: bool, make_user: Any,
                                                      nominal: Nominal, client_for: Callable[..., Client]) -> None:
    user = user_for(make_user, agency, role)
    client = client_for(user)
    before = last_event_id()
    get = client.get("/people/N0001/edit/")
    data = {"pnc_id": "2009/0123456X", "given_names": "Jack", "family_name": "Smith", "date_of_birth": "01/05/1990",
            "gender": "male", "area": "SE"}  # the imported PNC id is kept though its check letter is wrong
    response = client.post("/people/N0001/edit/", data)
    if allowed:
        assert get.status_code == 200 and b'value="01/05/1990"' in get.content
        assert response.status_code == 302
        assert Nominal.objects.get().area == "SE"
        [event] = events_after(before, operation="alteration")
        assert (event.nominal_id, event.username) == ("N0001", user.username)
        assert event.detail == {"changed": {"area": {"old": "NW", "new": "SE"}}}
        assert events_after(before, operation="consultation", nominal_id="N0001")  # the form showed the record
    else:
        assert (get.status_code, response.status_code) == (404, 404)
        assert Nominal.objects.get().area == "NW"


def test_a_changed_pnc_id_must_have_the_right_check_letter(users: dict[str, Any], nominal: Nominal,
                                                           client_for: Callable[..., Client]) -> None:
    data = {"pnc_id": "2009/0123457X", "given_names": "Jack", "family_name": "Smith", "gender": "male"}
    response = client_for(users["own"]).post("/people/N0001/edit/", data)
    assert response.status_code == 400 and "check letter is wrong" in response.content.decode()
    assert Nominal.objects.get().pnc_id == "2009/0123456X"


@pytest.mark.parametrize(("typed", "kept"), [("nw ", "NW"), ("Nw", "NW"), ("SE", "SE"), ("", "")],
                         ids=["known-area-any-case", "known-area-mixed-case", "a-new-area", "no-area"])
def test_the_area_is_offered_from_the_units_areas_and_kept_in_their_spelling(
        typed: str, kept: str, users: dict[str, Any], nominal: Nominal, client_for: Callable[..., Client]) -> None:
    assert nominal.area == "NW"  # the unit's one area so far
    client = client_for(users["own"])
    page = client.get("/people/new/").content.decode()
    assert 'list="id_area_suggestions"' in page
    assert '<datalist id="id_area_suggestions"><option value="NW"></option></datalist>' in page
    response = client.post("/people/new/", {**VALID, "area": typed})
    assert response.status_code == 302
    assert Nominal.objects.get(pnc_id="2009/0123456C").area == kept
