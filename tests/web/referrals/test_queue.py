"""The referral queue: pending referrals with what the meeting weighs, decided from the queue,
never by their referrer; the agenda lists them too."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from iomhub.web.accounts.constants import Role
from iomhub.web.audit.context import Actor
from iomhub.web.cohort.services import exit_episode
from iomhub.web.meetings.models import Meeting
from iomhub.web.notifications.models import Notification
from iomhub.web.offences.models import Offence
from iomhub.web.people.models import Nominal
from iomhub.web.referrals.models import Referral
from iomhub.web.referrals.queue import offending
from iomhub.web.referrals.services import OwnReferral, decide, refer
from iomhub.web.risk.models import RiskAssessment
from tests.web.people.records import ACCESS, ACCESS_IDS, events_after, last_event_id, save, user_for


@pytest.fixture
def referred(nominal: Nominal, system: Actor, make_user: Callable[..., Any]) -> Referral:
    """N0001 (off IOM since 31/12/2015) referred today by the police practitioner ``pc-referrer``,
    with two offences (one in the last year) and an amber tier."""
    today = timezone.localdate()
    exit_episode(system, nominal, date(2015, 12, 31), "Completed")
    save(Offence(offence_id="CR-1", nominal=nominal, offence_date=today - timedelta(days=30), category="robbery"),
         Offence(offence_id="CR-2", nominal=nominal, offence_date=today - timedelta(days=800), category="shoplifting"),
         RiskAssessment(nominal=nominal, assessed_on=today - timedelta(days=10), tier="amber", rationale="Escalating"))
    referrer = make_user("own", Role.PRACTITIONER, username="pc-referrer")
    return refer(Actor.of(referrer), nominal, today, "police", referral_reason="Three robberies since June",
                 evidence="Intelligence: street robbery group")


@pytest.mark.parametrize(("agency", "role", "allowed"), ACCESS, ids=ACCESS_IDS)
def test_the_queue_shows_what_the_meeting_weighs(agency: str, role: str, allowed: bool, make_user: Any,
                                                 referred: Referral, client_for: Callable[..., Client]) -> None:
    before = last_event_id()
    response = client_for(user_for(make_user, agency, role)).get("/referrals/")
    body = response.content.decode()
    if not allowed:
        assert response.status_code == 404 and "Three robberies" not in body
        assert [e.operation for e in events_after(before)] == ["refusal"]
        return
    assert response.status_code == 200
    for shown in ("Jack Smith (N0001)", "Three robberies since June", "Intelligence: street robbery group",
                  "1 offence in the last 12 months, 2 recorded in all", "(robbery)", "Amber",
                  f"/referrals/{referred.referral_id}/decide/?next=/referrals/"):
        assert shown in body, shown
    assert [(e.operation, e.nominal_id) for e in events_after(before)] == [("consultation", "N0001")]


def test_the_offending_summary_counts_the_last_twelve_months(referred: Referral) -> None:
    today = timezone.localdate()
    summary = offending(["N0001", "N0404"], today)
    assert (summary["N0001"].last_year, summary["N0001"].total, summary["N0001"].latest_on,
            summary["N0001"].category_text) == (1, 2, today - timedelta(days=30), "robbery")
    assert summary["N0404"].total == 0


def test_the_referrer_cannot_decide_their_own_referral(referred: Referral, client_for: Callable[..., Client]) -> None:
    referrer = referred.referred_by
    assert referrer is not None
    client = client_for(referrer)
    assert "You made this referral" in client.get("/referrals/").content.decode()
    page = client.get(f"/referrals/{referred.referral_id}/decide/")
    assert page.status_code == 200 and "another member of the meeting records its decision" in page.content.decode()
    response = client.post(f"/referrals/{referred.referral_id}/decide/", {
        "outcome": "reject", "decided_on": timezone.localdate().strftime("%d/%m/%Y"), "reason": "Mine"})
    assert response.status_code == 400
    referred.refresh_from_db()
    assert referred.decision == "pending"
    with pytest.raises(OwnReferral):
        decide(Actor.of(referrer), referred, "reject", timezone.localdate(), reason="Mine")


def test_a_decision_taken_from_the_queue_returns_to_it(referred: Referral, users: dict[str, Any],
                                                       client_for: Callable[..., Client]) -> None:
    response = client_for(users["partner"]).post(f"/referrals/{referred.referral_id}/decide/", {
        "outcome": "accept", "scheme": "priority", "decided_on": timezone.localdate().strftime("%d/%m/%Y"),
        "next": "/referrals/"})
    assert response.status_code == 302 and response["Location"] == "/referrals/"
    referred.refresh_from_db()
    assert referred.decision == "accepted"
    assert "No referral is waiting" in client_for(users["partner"]).get("/referrals/").content.decode()


def test_a_foreign_next_is_not_followed(referred: Referral, users: dict[str, Any],
                                        client_for: Callable[..., Client]) -> None:
    response = client_for(users["partner"]).post(f"/referrals/{referred.referral_id}/decide/", {
        "outcome": "accept", "scheme": "priority", "decided_on": timezone.localdate().strftime("%d/%m/%Y"),
        "next": "https://evil.example/"})
    assert response["Location"] == "/people/N0001/"


def test_the_managers_are_told_of_a_referral_but_not_the_referrer(nominal: Nominal, system: Actor,
                                                                  make_user: Callable[..., Any]) -> None:
    exit_episode(system, nominal, date(2015, 12, 31), "Completed")
    chair = make_user("partner", Role.MANAGER, username="chair")
    referring_manager = make_user("own", Role.MANAGER, username="referring-manager")
    make_user("unrelated", Role.MANAGER, username="outsider")
    refer(Actor.of(referring_manager), nominal, timezone.localdate(), "police")
    assert list(Notification.objects.values_list("recipient__username", "kind")) == [("chair", "referral")]
    assert chair.pk  # (the chair is told; the referrer and the manager outside the partnership are not)


def test_the_agenda_lists_the_referrals_to_decide(referred: Referral, users: dict[str, Any], system: Actor,
                                                  client_for: Callable[..., Client]) -> None:
    save(Meeting(meeting_id="SRM-1", held_on=timezone.localdate() + timedelta(days=3),
                 meeting_type="single_referral", area="NW"))
    body = client_for(users["partner"]).get("/meetings/agenda/").content.decode()
    assert "Referrals to decide (1)" in body and "Three robberies since June" in body
    assert f"/referrals/{referred.referral_id}/decide/?next=/meetings/agenda/" in body


def test_an_area_outside_the_units_list_is_refused(nominal: Nominal, users: dict[str, Any],
                                                   client_for: Callable[..., Client]) -> None:
    response = client_for(users["own"]).post("/referrals/new/", {
        "nominal_id": "N0001", "referred_on": "01/02/2016", "referring_agency": "police", "area": "Northside"})
    assert response.status_code == 400 and "Choose one of the unit&#x27;s areas" in response.content.decode()
    assert not Referral.objects.exists()


def test_the_service_refuses_the_referrer_too(referred: Referral) -> None:
    """OwnReferral is a ValidationError: the form shows it when a view lets it through."""
    assert issubclass(OwnReferral, ValidationError)
