"""Referral to the single referral meeting, and its decision: accept (opens the episode), reject, MAPPA."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client

from iomhub.web.audit.context import Actor
from iomhub.web.cohort.models import CohortEpisode
from iomhub.web.cohort.services import exit_episode
from iomhub.web.people.models import Nominal
from iomhub.web.referrals.models import Referral
from tests.web.people.records import ACCESS, ACCESS_IDS, events_after, last_event_id, save, user_for


@pytest.fixture
def referral(nominal: Nominal, system: Actor) -> Referral:
    """A pending referral of N0001, whose episode ended on 31/12/2015."""
    exit_episode(system, nominal, date(2015, 12, 31), "Completed")
    item = Referral(referral_id="R00001", nominal=nominal, referred_on=date(2016, 2, 1), referring_agency="police",
                    decision="pending")
    save(item)
    return item


@pytest.mark.parametrize(("agency", "role", "allowed"), ACCESS, ids=ACCESS_IDS)
def test_referring_a_known_person(agency: str, role: str, allowed: bool, make_user: Any, nominal: Nominal,
                                  client_for: Callable[..., Client]) -> None:
    client = client_for(user_for(make_user, agency, role))
    before = last_event_id()
    get = client.get("/referrals/new/?nominal_id=N0001")
    response = client.post("/referrals/new/", {"nominal_id": "N0001", "referred_on": "01/02/2016",
                                               "referring_agency": "probation"})
    if allowed:
        assert get.status_code == 200 and b'value="N0001"' in get.content
        assert response.status_code == 302 and response["Location"] == "/people/N0001/"
        referral = Referral.objects.get()
        assert (referral.referral_id, referral.decision, referral.referred_on, referral.area) == (
            "R00001", "pending", date(2016, 2, 1), "NW")
        [event] = events_after(before, operation="collection")
        assert (event.object_type, event.nominal_id) == ("referrals.referral", "N0001")
    else:
        assert (get.status_code, response.status_code) == (404, 404)
        assert Referral.objects.count() == 0


def test_referring_a_new_person_adds_them(users: dict[str, Any], nominal: Nominal,
                                          client_for: Callable[..., Client]) -> None:
    before = last_event_id()
    response = client_for(users["own"]).post("/referrals/new/", {
        "referred_on": "01/02/2016", "referring_agency": "police", "person-given_names": "Ann",
        "person-family_name": "Jones", "person-date_of_birth": "14/02/1991", "person-area": "SE"})
    assert response.status_code == 302 and response["Location"] == "/people/N0002/"
    person = Nominal.objects.get(nominal_id="N0002")
    assert (person.family_name, person.date_of_birth) == ("Jones", date(1991, 2, 14))
    assert Referral.objects.get().area == "SE"
    assert [(e.object_type, e.nominal_id) for e in events_after(before)] == [
        ("people.nominal", "N0002"), ("referrals.referral", "N0002")]


@pytest.mark.parametrize(("data", "message"), [
    ({"nominal_id": "N9999"}, "No one you can see matches"),
    ({"nominal_id": "N0001", "referred_on": "1/2/16"}, "Enter the date of the referral as DD/MM/YYYY"),
    ({"nominal_id": "N0001", "referring_agency": ""}, "Choose the referring agency"),
    ({"nominal_id": "", "person-date_of_birth": "31/02/1990"}, "The date of birth must be a real date"),
    ({"nominal_id": "", "person-pnc_id": "2009/0123456X", "person-family_name": "X"}, "check letter is wrong"),
], ids=["unknown-person", "bad-date", "no-agency", "new-person-bad-birth-date", "new-person-bad-pnc"])
def test_a_referral_that_is_not_valid_is_refused(data: dict[str, str], message: str, users: dict[str, Any],
                                                 nominal: Nominal, client_for: Callable[..., Client]) -> None:
    response = client_for(users["own"]).post("/referrals/new/", {"referred_on": "01/02/2016",
                                                                 "referring_agency": "police", **data})
    assert response.status_code == 400 and message in response.content.decode()
    assert Referral.objects.count() == 0 and Nominal.objects.count() == 1


def test_a_second_pending_referral_is_refused(users: dict[str, Any], referral: Referral,
                                              client_for: Callable[..., Client]) -> None:
    response = client_for(users["own"]).post("/referrals/new/", {"nominal_id": "N0001", "referred_on": "02/02/2016",
                                                                 "referring_agency": "police"})
    assert response.status_code == 400 and "already has a referral waiting" in response.content.decode()


@pytest.mark.parametrize(("agency", "role", "allowed"), ACCESS, ids=ACCESS_IDS)
def test_accepting_a_referral_opens_the_episode(agency: str, role: str, allowed: bool, make_user: Any,
                                                referral: Referral, client_for: Callable[..., Client]) -> None:
    client = client_for(user_for(make_user, agency, role))
    before = last_event_id()
    get = client.get("/referrals/R00001/decide/")
    response = client.post("/referrals/R00001/decide/", {"outcome": "accept", "scheme": "priority",
                                                         "decided_on": "15/02/2016"})
    referral.refresh_from_db()
    open_episodes = list(CohortEpisode.objects.filter(end_date__isnull=True).values_list("scheme", "start_date"))
    if allowed:
        assert get.status_code == 200 and response.status_code == 302
        assert (referral.decision, referral.scheme, referral.decided_on) == ("accepted", "priority", date(2016, 2, 15))
        assert open_episodes == [("priority", date(2016, 2, 15))]
        assert [(e.operation, e.object_type) for e in events_after(before, nominal_id="N0001")] == [
            ("consultation", "people.nominal"), ("alteration", "referrals.referral"),
            ("collection", "cohort.cohortepisode")]
    else:
        assert (get.status_code, response.status_code) == (404, 404)
        assert referral.decision == "pending" and open_episodes == []


def test_accepting_someone_already_on_iom_changes_nothing(users: dict[str, Any], nominal: Nominal,
                                                          client_for: Callable[..., Client]) -> None:
    save(Referral(referral_id="R00001", nominal=nominal, referred_on=date(2016, 2, 1), referring_agency="police",
                  decision="pending"))
    response = client_for(users["own"]).post("/referrals/R00001/decide/", {
        "outcome": "accept", "scheme": "enhanced", "decided_on": "15/02/2016"})
    assert response.status_code == 400
    assert "Episodes cannot overlap" in response.content.decode()
    assert Referral.objects.get().decision == "pending"  # the decision was rolled back with the episode
    assert CohortEpisode.objects.count() == 1


@pytest.mark.parametrize(("data", "stored"), [
    ({"outcome": "reject", "reason": "Not prolific"}, ("rejected", "", "Not prolific")),
    ({"outcome": "mappa", "mappa_level": "2"}, ("rejected", "2", "Referred on to MAPPA (level 2)")),
    ({"outcome": "mappa", "mappa_level": "3", "reason": "Serious harm"},
     ("rejected", "3", "Referred on to MAPPA (level 3): Serious harm")),
], ids=["reject", "mappa", "mappa-with-reason"])
def test_rejecting_or_referring_on_opens_no_episode(data: dict[str, str], stored: tuple[str, str, str],
                                                    users: dict[str, Any], referral: Referral,
                                                    client_for: Callable[..., Client]) -> None:
    response = client_for(users["partner"]).post("/referrals/R00001/decide/", {"decided_on": "15/02/2016", **data})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.decision, referral.mappa_level, referral.reason) == stored
    assert not CohortEpisode.objects.filter(end_date__isnull=True).exists()


@pytest.mark.parametrize(("data", "message"), [
    ({"outcome": "accept"}, "Choose the level to accept the person at"),
    ({"outcome": "reject"}, "Enter the reason the person was not accepted"),
    ({"outcome": "mappa"}, "Choose the MAPPA level"),
    ({}, "Choose the decision"),
    ({"outcome": "accept", "scheme": "priority", "decided_on": "31/01/2016"},
     "The decision cannot be dated before the referral"),
], ids=["accept-without-level", "reject-without-reason", "mappa-without-level", "no-decision", "before-referral"])
def test_a_decision_that_is_not_valid_is_refused(data: dict[str, str], message: str, users: dict[str, Any],
                                                 referral: Referral, client_for: Callable[..., Client]) -> None:
    response = client_for(users["own"]).post("/referrals/R00001/decide/", {"decided_on": "15/02/2016", **data})
    assert response.status_code == 400 and message in response.content.decode()
    assert Referral.objects.get().decision == "pending"


def test_a_referral_is_decided_once(users: dict[str, Any], referral: Referral,
                                    client_for: Callable[..., Client]) -> None:
    client = client_for(users["own"])
    client.post("/referrals/R00001/decide/", {"outcome": "reject", "reason": "No", "decided_on": "15/02/2016"})
    response = client.post("/referrals/R00001/decide/", {"outcome": "accept", "scheme": "priority",
                                                         "decided_on": "16/02/2016"})
    assert response.status_code == 400 and "already been decided" in response.content.decode()
    assert Referral.objects.get().decision == "rejected"


def test_an_unknown_referral_is_a_404(users: dict[str, Any], db: Any, client_for: Callable[..., Client]) -> None:
    assert client_for(users["own"]).get("/referrals/R404/decide/").status_code == 404
