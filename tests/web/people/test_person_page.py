"""The person page: who may open it, what it shows, the consultation row written before it is shown."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import DatabaseError
from django.test import Client
from django.utils import timezone

from iomhub.web.accounts.constants import Role
from iomhub.web.assessments.models import NeedScore
from iomhub.web.audit.models import AuditEvent
from iomhub.web.cohort.models import CohortEpisode
from iomhub.web.custody.models import CustodyPeriod, Supervision
from iomhub.web.meetings.models import CaseAction
from iomhub.web.offences.models import Offence
from iomhub.web.people.constants import NoteVisibility
from iomhub.web.people.models import CaseNote, Nominal
from iomhub.web.referrals.models import Referral
from iomhub.web.risk.models import RiskAssessment
from tests.web.people.records import ACCESS, ACCESS_IDS, events_after, last_event_id, save, user_for

URL = "/people/N0001/"


@pytest.mark.parametrize(("agency", "role", "sees"), ACCESS, ids=ACCESS_IDS)
def test_only_the_partnership_opens_a_person_and_each_opening_is_audited(
        agency: str, role: str, sees: bool, make_user: Any, nominal: Nominal, client_for: Callable[..., Client],
        caplog: pytest.LogCaptureFixture) -> None:
    user = user_for(make_user, agency, role)
    before = last_event_id()
    with caplog.at_level(logging.WARNING, logger="iomhub.security"):
        response = client_for(user).get(URL)
    consultations = events_after(before, operation="consultation", nominal_id="N0001")
    if sees:
        assert response.status_code == 200
        assert b"2009/0123456X" in response.content
        assert [(e.username, e.agency, e.role) for e in consultations] == [(user.username, user.agency.code, role)]
    else:
        assert response.status_code == 404
        assert b"Smith" not in response.content
        assert consultations == []
        assert any("N0001" in r.getMessage() and user.username in r.getMessage() for r in caplog.records
                   if r.name == "iomhub.security")


def test_a_person_who_does_not_exist_is_the_same_404(users: dict[str, Any], client_for: Callable[..., Client],
                                                     db: Any) -> None:
    assert client_for(users["own"]).get("/people/N9999/").status_code == 404


def test_the_page_is_not_shown_when_its_audit_row_cannot_be_written(
        users: dict[str, Any], nominal: Nominal, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: Any, **kwargs: Any) -> None:
        raise DatabaseError("audit log unavailable")

    monkeypatch.setattr(AuditEvent.objects, "create", fail)
    client = Client(raise_request_exception=False)
    client.force_login(users["own"])
    response = client.get(URL)
    assert response.status_code == 500
    assert b"Smith" not in response.content and b"0123456X" not in response.content


def test_the_summary_shows_identifiers_age_level_tier_and_custody(
        users: dict[str, Any], nominal: Nominal, client_for: Callable[..., Client]) -> None:
    today = timezone.localdate()
    save(RiskAssessment(nominal=nominal, assessed_on=today - timedelta(days=3), tier="red", rationale="Arrested"),
         CustodyPeriod(nominal=nominal, start_date=today - timedelta(days=2),
                       expected_release_date=today + timedelta(days=30), custody_type="remand"))
    page = client_for(users["partner"]).get(URL).content.decode()
    age = today.year - 1990 - ((today.month, today.day) < (5, 1))
    for text in ("N0001", "2009/0123456X", "Jack Smith", "01/05/1990", f"(age {age})", "Male", "NW",
                 "Priority", "Red", "In custody since", "expected release"):
        assert text in page, text


def test_the_timeline_holds_every_kind_of_record_newest_first(
        make_user: Any, users: dict[str, Any], nominal: Nominal, client_for: Callable[..., Client]) -> None:
    d = date(2016, 1, 1)
    save(CohortEpisode.objects.get(nominal=nominal))  # priority from 2015-04-01, still open
    save(Offence(offence_id="CR1", nominal=nominal, offence_date=d, category="burglary_residential"),
         RiskAssessment(nominal=nominal, assessed_on=d + timedelta(days=1), tier="amber", rationale="Stable"),
         RiskAssessment(nominal=nominal, assessed_on=d + timedelta(days=2), tier="red", rationale="Weapons found"),
         CustodyPeriod(nominal=nominal, start_date=d + timedelta(days=3), end_date=d + timedelta(days=9)),
         Supervision(nominal=nominal, provider="nps", order_type="licence", start_date=d + timedelta(days=10)),
         *[NeedScore(nominal=nominal, assessed_on=d + timedelta(days=11), pathway=p, score=s)
           for p, s in [("accommodation", 5), ("ete", 0), ("health", 7), ("drugs_alcohol", 3)]],
         Referral(referral_id="R1", nominal=nominal, referred_on=date(2015, 3, 1), referring_agency="police",
                  decision="accepted", decided_on=date(2015, 4, 1), scheme="priority"),
         CaseAction(nominal=nominal, description="Find a hostel place.", owner_agency="council",
                    due_on=d + timedelta(days=12)))
    page = client_for(users["own"]).get(URL).content.decode()
    titles = ["Action for Council", "Needs assessment", "Supervision started: NPS, licence",
              "Released from custody", "Into custody", "Risk tier red (was amber)", "Risk tier amber",
              "Offence: Burglary residential", "Taken onto IOM at priority level",
              "Referral accepted at priority level", "Referred to the single referral meeting"]
    timeline = page[page.index('<div class="moj-timeline">'):]
    positions = [timeline.index(title) for title in titles]
    assert positions == sorted(positions), "newest first"
    assert "Weapons found" in page
    assert "Need in 2 of 6 pathways" in page  # the health pathway is not counted for a police user
    assert 'id="assessment-2016-01-12"' in page
    assert 'class="moj-timeline"' in page


def test_health_users_see_the_health_pathway_counted(make_user: Any, nominal: Nominal,
                                                     client_for: Callable[..., Client]) -> None:
    save(*[NeedScore(nominal=nominal, assessed_on=date(2016, 1, 1), pathway=p, score=s)
           for p, s in [("accommodation", 5), ("health", 7)]])
    page = client_for(make_user("health")).get(URL).content.decode()
    assert "Need in 2 of 7 pathways" in page


NOTES = [("shared", NoteVisibility.SHARED), ("own-agency", NoteVisibility.OWN_AGENCY),
         ("health", NoteVisibility.HEALTH)]


@pytest.mark.parametrize(("reader", "sees"), [
    ("author", {"shared", "own-agency", "health"}),
    ("same-agency", {"shared", "own-agency"}),
    ("partner", {"shared"}),
    ("health-agency", {"shared", "health"}),
    ("granted-health", {"shared", "health"}),
], ids=["author-granted-health", "same-agency", "partner-agency", "health-agency", "partner-granted-health"])
def test_notes_are_shown_only_to_whom_they_are_meant(reader: str, sees: set[str], make_user: Any, nominal: Nominal,
                                                      client_for: Callable[..., Client]) -> None:
    author = make_user("own", username="author", sees_health=True)
    save(*[CaseNote(nominal=nominal, author=author, agency=author.agency, visibility=visibility,
                    text=f"note-{key}-text") for key, visibility in NOTES])
    readers = {"author": author, "same-agency": make_user("own", username="colleague"),
               "partner": make_user("partner"), "health-agency": make_user("health"),
               "granted-health": make_user("partner", username="granted", sees_health=True)}
    page = client_for(readers[reader]).get(URL).content.decode()
    assert {key for key, _ in NOTES if f"note-{key}-text" in page} == sees


@pytest.mark.parametrize(("agency", "role", "sees"), ACCESS, ids=ACCESS_IDS)
def test_adding_a_note(agency: str, role: str, sees: bool, make_user: Any, nominal: Nominal,
                       client_for: Callable[..., Client]) -> None:
    user = user_for(make_user, agency, role)
    before = last_event_id()
    response = client_for(user).post(URL + "notes/", {"text": "Seen at home.", "visibility": "own_agency"})
    if sees:
        assert response.status_code == 302 and response["Location"] == URL
        note = CaseNote.objects.get()
        assert (note.text, note.visibility, note.agency, note.author) == ("Seen at home.", "own_agency",
                                                                          user.agency, user)
        [event] = events_after(before, operation="collection")
        assert (event.nominal_id, event.object_type, event.username) == ("N0001", "people.casenote", user.username)
    else:
        assert response.status_code == 404
        assert CaseNote.objects.count() == 0


@pytest.mark.parametrize(("data", "message"), [
    ({"text": "", "visibility": "shared"}, "Enter the note"),
    ({"text": "x", "visibility": "health"}, "Choose who can see this note"),
    ({"text": "x", "visibility": "everyone"}, "Choose who can see this note"),
], ids=["no-text", "health-note-by-a-user-without-health", "unknown-visibility"])
def test_a_note_that_is_not_valid_is_refused_with_a_message(data: dict[str, str], message: str,
                                                            users: dict[str, Any], nominal: Nominal,
                                                            client_for: Callable[..., Client]) -> None:
    response = client_for(users["own"]).post(URL + "notes/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert CaseNote.objects.count() == 0


def test_the_note_form_offers_health_only_to_those_who_see_it(make_user: Any, nominal: Nominal,
                                                               client_for: Callable[..., Client]) -> None:
    assert b'id="id_visibility_2"' not in client_for(make_user("own")).get(URL).content
    assert b'id="id_visibility_2"' in client_for(make_user("health")).get(URL).content


def test_the_page_is_get_only(users: dict[str, Any], nominal: Nominal, client_for: Callable[..., Client]) -> None:
    assert client_for(users["own"]).post(URL).status_code == 405


def test_an_analyst_of_a_partner_agency_is_refused_too(make_user: Any, nominal: Nominal,
                                                       client_for: Callable[..., Client]) -> None:
    assert client_for(make_user("partner", Role.ANALYST)).get(URL).status_code == 404


PERSON_URLS = ["/people/{id}/", "/people/{id}/edit/", "/cohort/{id}/level/", "/cohort/{id}/exit/",
               "/risk/{id}/tier/", "/custody/{id}/custody/new/", "/custody/{id}/supervision/new/",
               "/assessments/{id}/", "/assessments/{id}/new/", "/treatment/{id}/", "/treatment/{id}/new/",
               "/referrals/new/?nominal_id={id}"]
CSRF_TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')  # masked afresh on every page


@pytest.mark.parametrize("url", [u for u in PERSON_URLS if "referrals" not in u])
def test_a_refused_person_and_one_who_does_not_exist_get_the_very_same_404_and_audit_row(
        url: str, make_user: Any, nominal: Nominal, client_for: Callable[..., Client]) -> None:
    client = client_for(make_user("unrelated"))
    answers, rows = [], []
    for nominal_id in ("N0001", "N9999"):  # N0001 exists, N9999 does not
        before = last_event_id()
        response = client.get(url.format(id=nominal_id))
        answers.append((response.status_code, CSRF_TOKEN.sub(b"", response.content)))
        rows.append([(e.operation, e.object_type) for e in events_after(before)])
    assert answers[0] == answers[1] and answers[0][0] == 404
    assert rows[0] == rows[1] and len(rows[0]) == 1 and rows[0][0][0] == "refusal"


@pytest.mark.django_db(transaction=True)
def test_the_audit_row_of_a_refusal_is_committed_though_the_request_is_atomic(
        make_user: Any, nominal: Nominal, client_for: Callable[..., Client]) -> None:
    client_for(make_user("unrelated")).get("/people/N0001/edit/")
    assert AuditEvent.objects.filter(operation="refusal", nominal_id="N0001", object_type="people.nominal").exists()
