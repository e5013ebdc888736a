"""Meetings, attendance, case discussions, actions, the briefing and the agenda: the views, for
every kind of user."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client

from iomhub.web.accounts.models import User
from iomhub.web.audit.models import AuditEvent
from iomhub.web.meetings import views
from iomhub.web.meetings.models import Attendance, CaseAction, Meeting
from iomhub.web.meetings.services import record_attendance
from iomhub.web.people.models import CaseNote, Nominal
from tests.web.assessments.roles import ALLOWED, EVERYONE, REFUSED, refusals
from tests.web.meetings.world import SYSTEM, TODAY, action, custody, meeting, offence, tier

Login = Callable[..., tuple[User, Client]]


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(views, "today", lambda: TODAY)


@pytest.fixture
def next_meeting(nominal: Nominal) -> Meeting:
    return meeting("2016-06-20", meeting_id="M1")


GETS = ["/meetings/", "/meetings/new/", "/meetings/M1/", "/meetings/briefing/", "/meetings/agenda/"]
GET_IDS = ["list", "new", "meeting", "briefing", "agenda"]


@pytest.mark.parametrize("who", EVERYONE, ids=EVERYONE)
@pytest.mark.parametrize("url", GETS, ids=GET_IDS)
def test_pages_open_to_the_partnership_only(who: str, url: str, login: Login, next_meeting: Meeting,
                                            caplog: pytest.LogCaptureFixture) -> None:
    user, client = login(who)
    response = client.get(url)
    if who in ALLOWED:
        assert response.status_code == 200
        assert response["Cache-Control"] == "no-store"
    else:
        assert response.status_code == 404
        assert any(url in message for message in refusals(caplog))
        refusal = AuditEvent.objects.get(user=user, operation="refusal")
        assert refusal.detail["path"] == response.request["PATH_INFO"]


@pytest.mark.parametrize("url", [*GETS, "/meetings/actions/1/done/"], ids=[*GET_IDS, "action-done"])
def test_anonymous_users_are_sent_to_sign_in(url: str, next_meeting: Meeting,
                                             client_for: Callable[..., Client]) -> None:
    response = client_for(None).get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_an_unknown_meeting_is_not_found(login: Login, next_meeting: Meeting) -> None:
    _, client = login("own")
    assert client.get("/meetings/M9/").status_code == 404
    assert client.post("/meetings/M9/attendance/", {}).status_code == 404
    assert client.post("/meetings/M9/discussions/", {}).status_code == 404


def test_the_list_splits_coming_and_past_meetings(login: Login, next_meeting: Meeting) -> None:
    meeting("2016-06-01", area="", meeting_id="M0")
    _, client = login("own")
    response = client.get("/meetings/")
    assert list(response.context["upcoming"]) == [next_meeting]
    assert [m.meeting_id for m in response.context["page"]] == ["M0"]
    assert "All areas" in response.content.decode() and "20/06/2016" in response.content.decode()


# --- a new meeting -------------------------------------------------------------------------------

@pytest.mark.parametrize("who", EVERYONE, ids=EVERYONE)
def test_creating_a_meeting(who: str, login: Login, nominal: Any) -> None:
    """The area is one of the unit's (the person of the fixture lives in NW)."""
    user, client = login(who)
    response = client.post("/meetings/new/", {"meeting_type": "case_management", "held_on": "29/06/2016",
                                              "area": "NW"})
    if who in REFUSED:
        assert response.status_code == 404 and not Meeting.objects.exists()
        return
    created = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/meetings/{created.meeting_id}/"
    assert (created.held_on, created.meeting_type, created.area) == (date(2016, 6, 29), "case_management", "NW")
    event = AuditEvent.objects.get(user=user, operation="collection")
    assert (event.object_type, event.object_id) == ("meetings.meeting", str(created.pk))


@pytest.mark.parametrize(("data", "message"), [
    ({"meeting_type": "", "held_on": "29/06/2016"}, "Choose the type of meeting"),
    ({"meeting_type": "case_management", "held_on": ""}, "Enter the date of the meeting"),
    ({"meeting_type": "case_management", "held_on": "29/13/2016"}, "The date of the meeting must be a real date"),
    ({"meeting_type": "case_management", "held_on": "June 29"},
     "Enter the date of the meeting as DD/MM/YYYY"),
    ({"meeting_type": "tea_party", "held_on": "29/06/2016"}, "Select a valid choice"),
    ({"meeting_type": "board", "held_on": "29/06/2016", "area": "Northside"}, "Choose one of the unit&#x27;s areas"),
], ids=["no-type", "no-date", "not-a-real-date", "words", "unknown-type", "unknown-area"])
def test_invalid_meetings_are_refused_in_plain_english(data: dict[str, str], message: str, login: Login,
                                                       db: Any) -> None:
    _, client = login("own")
    response = client.post("/meetings/new/", data)
    assert response.status_code == 200 and message in response.content.decode()
    assert not Meeting.objects.exists()


# --- attendance ----------------------------------------------------------------------------------

@pytest.mark.parametrize("who", EVERYONE, ids=EVERYONE)
def test_recording_attendance(who: str, login: Login, next_meeting: Meeting) -> None:
    user, client = login(who)
    response = client.post("/meetings/M1/attendance/", {"invited_police": "on", "attended_police": "on",
                                                         "invited_probation": "on", "attended_health": "on"})
    rows = {a.agency: (a.invited, a.attended) for a in Attendance.objects.filter(meeting=next_meeting)}
    if who in REFUSED:
        assert response.status_code == 404 and rows == {}
        return
    assert response.status_code == 302 and response["Location"] == "/meetings/M1/"
    assert rows == {"police": (True, True), "probation": (True, False), "health": (False, True)}
    event = AuditEvent.objects.get(user=user, operation="alteration")
    assert (event.object_type, sorted(event.detail["changed"])) == ("meetings.attendance",
                                                                    ["health", "police", "probation"])
    page = client.get("/meetings/M1/").content.decode()
    assert 'name="invited_police" class="govuk-checkboxes__input" id="id_invited_police" checked' in page


def test_attendance_can_be_corrected_and_an_unchanged_form_writes_nothing(login: Login, next_meeting: Meeting) -> None:
    user, client = login("own")
    client.post("/meetings/M1/attendance/", {"invited_police": "on", "invited_probation": "on"})
    client.post("/meetings/M1/attendance/", {"invited_police": "on", "attended_police": "on"})
    rows = {a.agency: (a.invited, a.attended) for a in Attendance.objects.filter(meeting=next_meeting)}
    assert rows == {"police": (True, True)}  # probation neither invited nor attending: no row
    changes = AuditEvent.objects.filter(user=user, operation="alteration").order_by("id")
    assert changes.last().detail["changed"] == {"police": [[True, False], [True, True]],
                                                "probation": [[True, False], [False, False]]}
    client.post("/meetings/M1/attendance/", {"invited_police": "on", "attended_police": "on"})
    assert AuditEvent.objects.filter(user=user, operation="alteration").count() == 2


def test_one_probation_service_is_offered_and_a_recorded_crc_is_kept(login: Login, next_meeting: Meeting) -> None:
    """Since June 2021 the NPS and the CRCs are one Probation Service: a meeting offers probation
    and neither the NPS nor a CRC, unless the meeting already records one."""
    _, client = login("own")
    page = client.get("/meetings/M1/").content.decode()
    assert "Probation invited" in page and 'name="invited_probation"' in page
    assert 'name="invited_crc"' not in page and 'name="invited_nps"' not in page
    record_attendance(SYSTEM, next_meeting, {"crc": (True, True)})
    page = client.get("/meetings/M1/").content.decode()
    assert 'name="invited_crc"' in page and "CRC invited" in page and 'name="invited_nps"' not in page


def test_attendance_is_only_posted(login: Login, next_meeting: Meeting) -> None:
    _, client = login("own")
    assert client.get("/meetings/M1/attendance/").status_code == 405


def test_each_checkbox_has_a_label(login: Login, next_meeting: Meeting) -> None:
    _, client = login("own")
    page = client.get("/meetings/M1/").content.decode()
    assert '<label class="govuk-label govuk-checkboxes__label" for="id_attended_drugs_service">' in page
    assert "Drugs service attended" in page


# --- case discussions ----------------------------------------------------------------------------

DISCUSSION = {"nominal_id": "N0001", "note": "Lost his tenancy; sofa surfing.", "visibility": "shared",
              "action": "Refer to the housing options team", "owner_agency": "council", "due_on": "30/06/2016"}


@pytest.mark.parametrize("who", EVERYONE, ids=EVERYONE)
def test_a_discussion_records_a_note_and_an_action(who: str, login: Login, next_meeting: Meeting) -> None:
    user, client = login(who)
    response = client.post("/meetings/M1/discussions/", DISCUSSION)
    if who in REFUSED:
        assert response.status_code == 404
        assert not CaseAction.objects.exists() and not CaseNote.objects.exists()
        return
    assert response.status_code == 302 and response["Location"] == "/meetings/M1/"
    note, done = CaseNote.objects.get(), CaseAction.objects.get()
    assert (note.nominal_id, note.text, note.visibility, note.author, note.agency) == (
        "N0001", "Lost his tenancy; sofa surfing.", "shared", user, user.agency)
    assert (done.nominal_id, done.meeting, done.description, done.owner_agency, done.due_on, done.status) == (
        "N0001", next_meeting, "Refer to the housing options team", "council", date(2016, 6, 30), "open")
    collected = {e.object_type for e in AuditEvent.objects.filter(user=user, operation="collection",
                                                                  nominal_id="N0001")}
    assert collected == {"people.casenote", "meetings.caseaction"}
    page = client.get("/meetings/M1/").content.decode()
    assert "Refer to the housing options team" in page and "Jack Smith (N0001)" in page
    assert AuditEvent.objects.filter(user=user, operation="consultation", nominal_id="N0001").exists()


@pytest.mark.parametrize("change", [{"action": "", "owner_agency": "", "due_on": ""}, {"note": ""}],
                         ids=["note-only", "action-only"])
def test_a_discussion_may_record_only_a_note_or_only_an_action(change: dict[str, str], login: Login,
                                                               next_meeting: Meeting) -> None:
    _, client = login("own")
    assert client.post("/meetings/M1/discussions/", {**DISCUSSION, **change}).status_code == 302
    assert CaseNote.objects.count() == (0 if "note" in change else 1)
    assert CaseAction.objects.count() == (0 if "action" in change else 1)


@pytest.mark.parametrize(("change", "message"), [
    ({"note": "", "action": "", "owner_agency": "", "due_on": ""}, "Enter a case note, an action, or both"),
    ({"nominal_id": "N9999"}, "No one you can see matches"),
    ({"nominal_id": ""}, "Enter the name, PNC id or IOM id of the person discussed"),
    ({"owner_agency": ""}, "Choose the agency that owns the action"),
    ({"due_on": ""}, "Enter the date the action is due"),
    ({"due_on": "19/06/2016"}, "The action cannot be due before the meeting (20/06/2016)"),
    ({"due_on": "31/06/2016"}, "The date the action is due must be a real date"),
    ({"action": ""}, "Describe the action agreed, or clear its agency and due date"),
    ({"visibility": "health"}, "Select a valid choice"),
    ({"note": "x" * 100_000}, "Ensure this value has at most 10000 characters (it has 100000)"),
    ({"action": "x" * 2_001}, "Ensure this value has at most 2000 characters (it has 2001)"),
], ids=["nothing", "unknown-person", "no-person", "no-owner", "no-due-date", "due-before-meeting",
        "not-a-real-date", "owner-without-action", "health-note-without-health-access", "note-too-long",
        "action-too-long"])
def test_invalid_discussions_are_refused_in_plain_english(change: dict[str, str], message: str, login: Login,
                                                          next_meeting: Meeting) -> None:
    _, client = login("own")
    response = client.post("/meetings/M1/discussions/", {**DISCUSSION, **change})
    assert response.status_code == 200 and message in response.content.decode()
    assert not CaseAction.objects.exists() and not CaseNote.objects.exists()


def test_a_health_user_may_write_a_health_note(login: Login, next_meeting: Meeting) -> None:
    _, client = login("health")
    assert 'value="health"' in client.get("/meetings/M1/").content.decode()
    assert client.post("/meetings/M1/discussions/", {**DISCUSSION, "visibility": "health"}).status_code == 302
    assert CaseNote.objects.get().visibility == "health"


def test_the_id_is_matched_whatever_its_case(login: Login, next_meeting: Meeting) -> None:
    _, client = login("own")
    assert client.post("/meetings/M1/discussions/", {**DISCUSSION, "nominal_id": " n0001 "}).status_code == 302
    assert CaseAction.objects.get().nominal_id == "N0001"


# --- actions done --------------------------------------------------------------------------------

COMPLETERS = ["own", "partner-manager"]  # the owning agency (police), and a manager of any partner
NOT_COMPLETERS = ["partner", *REFUSED]  # a probation practitioner may not close the police's action


@pytest.mark.parametrize("who", COMPLETERS + NOT_COMPLETERS, ids=COMPLETERS + NOT_COMPLETERS)
def test_marking_an_action_done(who: str, login: Login, next_meeting: Meeting, nominal: Nominal) -> None:
    todo = action(nominal, "2016-06-30", at=next_meeting)
    user, client = login("partner", role="manager") if who == "partner-manager" else login(who)
    page = client.get("/meetings/M1/").content.decode()
    response = client.post(f"/meetings/actions/{todo.pk}/done/")
    todo.refresh_from_db()
    if who in NOT_COMPLETERS:
        assert "Mark done" not in page
        assert AuditEvent.objects.filter(user=user, operation="refusal").exists()
        assert response.status_code == 404 and todo.status == "open"
        return
    assert "Mark done" in page
    assert response.status_code == 302 and response["Location"] == "/meetings/M1/"
    assert todo.status == "done"
    event = AuditEvent.objects.get(user=user, operation="alteration")
    assert (event.object_type, event.nominal_id, event.detail) == ("meetings.caseaction", "N0001",
                                                                   {"status": ["open", "done"]})
    client.post(f"/meetings/actions/{todo.pk}/done/")  # twice: nothing more to record
    assert AuditEvent.objects.filter(user=user, operation="alteration").count() == 1


@pytest.mark.parametrize(("target", "location"), [("/meetings/briefing/?days=3", "/meetings/briefing/?days=3"),
                                                  ("https://evil.example/", "/meetings/briefing/")],
                         ids=["same-site", "other-site-ignored"])
def test_done_returns_to_the_page_it_came_from(target: str, location: str, login: Login, nominal: Nominal) -> None:
    todo = action(nominal, "2016-06-01")
    _, client = login("own")
    response = client.post(f"/meetings/actions/{todo.pk}/done/", {"next": target})
    assert response["Location"] == location


def test_done_is_only_posted_and_unknown_actions_are_not_found(login: Login, nominal: Nominal) -> None:
    todo = action(nominal, "2016-06-01")
    _, client = login("own")
    assert client.get(f"/meetings/actions/{todo.pk}/done/").status_code == 405
    assert client.post(f"/meetings/actions/{todo.pk + 100}/done/").status_code == 404


# --- briefing and agenda -------------------------------------------------------------------------

@pytest.fixture
def busy(nominal: Nominal) -> Nominal:
    offence(nominal, "2016-06-09", ref="CR-123")
    custody(nominal, "2016-01-01", "2016-06-10")
    action(nominal, "2016-06-01", text="Book a GP appointment")
    return nominal


@pytest.mark.parametrize("who", EVERYONE, ids=EVERYONE)
def test_the_briefing_shows_what_happened_and_is_audited(who: str, login: Login, busy: Nominal) -> None:
    user, client = login(who)
    response = client.get("/meetings/briefing/")
    if who in REFUSED:
        assert response.status_code == 404 and b"CR-123" not in response.content
        return
    page = response.content.decode()
    assert "from 08/06/2016 to 15/06/2016" in page
    assert "CR-123" in page and "Book a GP appointment" in page and "10/06/2016" in page
    assert "Needs reassessments overdue (1)" in page
    event = AuditEvent.objects.get(user=user, operation="consultation")
    assert (event.nominal_id, event.detail) == ("N0001", {"viewed": "daily briefing"})


@pytest.mark.parametrize(("days", "since", "problem"), [
    ("3", "12/06/2016", False), ("30", "16/05/2016", False), ("0", "08/06/2016", True),
    ("many", "08/06/2016", True), ("367", "08/06/2016", True), ("-2", "08/06/2016", True),
], ids=["3", "30", "zero", "words", "too-many", "negative"])
def test_the_number_of_days_is_chosen_and_checked(days: str, since: str, problem: bool, login: Login,
                                                  busy: Nominal) -> None:
    _, client = login("own")
    page = client.get("/meetings/briefing/", {"days": days}).content.decode()
    assert f"from {since} to 15/06/2016" in page
    assert ("The number of days must be a whole number from 1 to 366" in page) is problem
    assert ("CR-123" in page) is (days != "3")


def test_a_quiet_briefing_audits_nobody(login: Login, db: Any) -> None:
    user, client = login("own")
    assert "None." in client.get("/meetings/briefing/").content.decode()
    assert not AuditEvent.objects.filter(user=user).exists()


@pytest.mark.parametrize("who", EVERYONE, ids=EVERYONE)
def test_the_agenda_lists_the_people_to_discuss(who: str, login: Login, next_meeting: Meeting,
                                                nominal: Nominal) -> None:
    meeting("2016-06-01", meeting_id="M0")
    tier(nominal, "2016-05-01", "red")
    user, client = login(who)
    response = client.get("/meetings/agenda/")
    if who in REFUSED:
        assert response.status_code == 404 and b"N0001" not in response.content
        return
    page = response.content.decode()
    assert "20/06/2016" in page and "the last meeting on 01/06/2016" in page
    assert "Jack Smith (N0001)" in page and "Tier red" in page
    assert AuditEvent.objects.get(user=user, operation="consultation").detail == {"viewed": "meeting agenda"}


def test_no_meeting_planned(login: Login, db: Any) -> None:
    _, client = login("own")
    assert "No meeting is planned." in client.get("/meetings/agenda/").content.decode()


def test_the_agenda_of_another_coming_meeting_can_be_chosen(login: Login, next_meeting: Meeting,
                                                            nominal: Nominal) -> None:
    meeting("2016-06-01", meeting_id="PAST")
    later = meeting("2016-07-04", area="SE", meeting_id="M2")
    tier(nominal, "2016-05-01", "red")
    _, client = login("own")
    page = client.get("/meetings/agenda/").content.decode()
    assert '<a class="govuk-link" href="?meeting=M2">' in page
    response = client.get("/meetings/agenda/", {"meeting": "M2"})
    assert response.context["agenda"].meeting == later
    assert response.context["agenda"].items == []  # N0001 is in NW, the meeting in SE
    assert client.get("/meetings/agenda/", {"meeting": "PAST"}).status_code == 404
    assert client.get("/meetings/agenda/", {"meeting": "M9"}).status_code == 404
