"""My actions and my agency's actions (overdue, due soon, later); completed by the owning agency or
a manager only; the fortnightly schedule, invitations and attendance by person, and minutes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from iomhub.web.accounts.constants import Role
from iomhub.web.audit.context import Actor
from iomhub.web.cohort.leads import assign_lead
from iomhub.web.meetings.models import CaseAction, Meeting, PersonInvitation
from iomhub.web.meetings.services import schedule_fortnightly
from iomhub.web.people.models import Nominal
from tests.web.people.records import events_after, last_event_id, save


@pytest.fixture
def actions(nominal: Nominal) -> dict[str, CaseAction]:
    """Police actions overdue, due in a week and in a month; a probation action due in a week."""
    today = timezone.localdate()
    rows = {"overdue": CaseAction(nominal=nominal, description="Police: overdue visit", owner_agency="police",
                                  due_on=today - timedelta(days=2)),
            "soon": CaseAction(nominal=nominal, description="Police: check the address", owner_agency="police",
                               due_on=today + timedelta(days=7)),
            "later": CaseAction(nominal=nominal, description="Police: review in a month", owner_agency="police",
                                due_on=today + timedelta(days=30)),
            "probation": CaseAction(nominal=nominal, description="Probation: book the appointment",
                                    owner_agency="nps", due_on=today + timedelta(days=7))}
    save(*rows.values())
    return rows


@pytest.mark.parametrize(("agency", "allowed"), [("own", True), ("partner", True), ("unrelated", False)],
                         ids=["own-agency", "partner-agency", "unrelated-agency"])
def test_my_agencys_actions_by_when_due(agency: str, allowed: bool, users: dict[str, Any],
                                        actions: dict[str, CaseAction], client_for: Callable[..., Client]) -> None:
    response = client_for(users[agency]).get("/meetings/actions/agency/")
    body = response.content.decode()
    if not allowed:
        assert response.status_code == 404 and "Police:" not in body
        return
    if agency == "own":  # the police see their three actions, each under its heading
        assert "Overdue (1)" in body and "Due in the next 14 days (1)" in body and "Due later (1)" in body
        assert body.index("overdue visit") < body.index("check the address") < body.index("review in a month")
        assert "Probation:" not in body
    else:
        assert "Probation: book the appointment" in body and "Police:" not in body


def test_my_actions_are_those_of_the_people_i_lead(users: dict[str, Any], actions: dict[str, CaseAction],
                                                   nominal: Nominal, system: Actor,
                                                   client_for: Callable[..., Client]) -> None:
    client = client_for(users["own"])
    assert "overdue visit" not in client.get("/meetings/actions/mine/").content.decode()
    assign_lead(system, nominal, "police_officer", users["own"], date(2016, 1, 1))
    body = client.get("/meetings/actions/mine/").content.decode()
    assert "overdue visit" in body and "Probation:" not in body


@pytest.mark.parametrize(("agency", "role", "allowed"), [
    ("own", Role.PRACTITIONER, True), ("partner", Role.PRACTITIONER, False), ("partner", Role.MANAGER, True),
    ("unrelated", Role.MANAGER, False)], ids=["owning-agency", "partner-agency", "partner-manager", "unrelated"])
def test_only_the_owning_agency_or_a_manager_completes(agency: str, role: str, allowed: bool, make_user: Any,
                                                       actions: dict[str, CaseAction],
                                                       client_for: Callable[..., Client]) -> None:
    action = actions["soon"]
    response = client_for(make_user(agency, role)).post(f"/meetings/actions/{action.pk}/done/",
                                                        {"next": "/meetings/actions/agency/"})
    action.refresh_from_db()
    if allowed:
        assert response.status_code == 302 and action.status == "done"
    else:
        assert response.status_code == 404 and action.status == "open"


def test_a_fortnightly_schedule(users: dict[str, Any], nominal: Nominal, client_for: Callable[..., Client]) -> None:
    before = last_event_id()
    response = client_for(users["own"]).post("/meetings/schedule/", {
        "meeting_type": "single_referral", "held_on": "04/01/2027", "area": "NW", "count": "3"})
    assert response.status_code == 302
    assert list(Meeting.objects.order_by("held_on").values_list("held_on", "meeting_type", "area")) == [
        (date(2027, 1, 4), "single_referral", "NW"), (date(2027, 1, 18), "single_referral", "NW"),
        (date(2027, 2, 1), "single_referral", "NW")]
    assert [e.operation for e in events_after(before)] == ["collection"]
    made = schedule_fortnightly(Actor.system("t"), date(2027, 1, 18), 3, "single_referral", "NW")
    assert [m.held_on for m in made] == [date(2027, 2, 15)]  # 18/01 and 01/02 are taken: only 15/02 is new


@pytest.mark.parametrize("count", ["0", "27", "two"], ids=["none", "more-than-a-year", "words"])
def test_a_schedule_of_a_wrong_size_is_refused(count: str, users: dict[str, Any], db: Any,
                                               client_for: Callable[..., Client]) -> None:
    response = client_for(users["own"]).post("/meetings/schedule/", {
        "meeting_type": "single_referral", "held_on": "04/01/2027", "count": count})
    assert response.status_code == 200 and "govuk-error-summary" in response.content.decode()
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(("agency", "allowed"), [("own", True), ("partner", True), ("unrelated", False)],
                         ids=["own-agency", "partner-agency", "unrelated-agency"])
def test_invitations_attendance_and_minutes(agency: str, allowed: bool, users: dict[str, Any], make_user: Any,
                                            client_for: Callable[..., Client]) -> None:
    save(Meeting(meeting_id="M1", held_on=date(2027, 1, 4), meeting_type="case_management"))
    om = make_user("partner", Role.PRACTITIONER, username="om-khan")
    officer = make_user("own", Role.PRACTITIONER, username="pc-jones")
    client = client_for(users[agency])
    people = client.post("/meetings/M1/people/", {"invited": [str(om.pk), str(officer.pk)],
                                                  "attended": [str(om.pk)]})
    minutes = client.post("/meetings/M1/minutes/", {"minutes": "Agreed: joint home visit."})
    meeting = Meeting.objects.get()
    if not allowed:
        assert (people.status_code, minutes.status_code) == (404, 404)
        assert not PersonInvitation.objects.exists() and meeting.minutes == ""
        return
    assert (people.status_code, minutes.status_code) == (302, 302)
    assert sorted(PersonInvitation.objects.values_list("worker__username", "attended")) == [
        ("om-khan", True), ("pc-jones", False)]
    assert meeting.minutes == "Agreed: joint home visit."
    page = client.get("/meetings/M1/").content.decode()
    assert "Om-Khan (Probation): attended" in page and "Agreed: joint home visit." in page
