"""The person page as a working record: the current-position panel, the timeline filtered and
paged, the note form first, errors in sight (title "Error:", the summary first), and the
one-page printable profile (three users each)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from iomhub.web.meetings.models import CaseAction, Meeting
from iomhub.web.offences.models import Offence
from iomhub.web.people.constants import NoteVisibility
from iomhub.web.people.models import CaseNote, Nominal
from tests.web.people.records import ACCESS, ACCESS_IDS, events_after, last_event_id, save

URL = "/people/N0001/"


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def busy(nominal: Nominal, users: dict[str, Any]) -> Nominal:
    """Forty-five offences, an overdue and a later open action, a done one, a meeting next week,
    and two notes (the newer shared, by the partner agency)."""
    today = timezone.localdate()
    save(*[Offence(offence_id=f"CR{i:03d}", nominal=nominal, offence_date=date(2010, 1, 1) + timedelta(days=30 * i),
                   category="theft_shoplifting") for i in range(45)],
         CaseAction(nominal=nominal, description="Book a GP appointment.", owner_agency="health",
                    due_on=today - timedelta(days=3)),
         CaseAction(nominal=nominal, description="Find a hostel place.", owner_agency="council",
                    due_on=today + timedelta(days=10)),
         CaseAction(nominal=nominal, description="Old action.", owner_agency="police", due_on=date(2016, 1, 1),
                    status=CaseAction.Status.DONE),
         Meeting(meeting_id="M9", held_on=today + timedelta(days=7), meeting_type="case_management", area="NW"),
         Meeting(meeting_id="M8", held_on=today + timedelta(days=9), meeting_type="case_management", area="SE"))
    save(CaseNote(nominal=nominal, author=users["own"], agency=users["own"].agency, text="First contact made."))
    save(CaseNote(nominal=nominal, author=users["partner"], agency=users["partner"].agency,
                  text="Attended the appointment.", visibility=NoteVisibility.SHARED))
    return nominal


def test_the_current_position_comes_first(busy: Nominal, users: dict[str, Any],
                                          client_for: Callable[..., Client]) -> None:
    page = client_for(users["own"]).get(URL).content.decode()
    today = timezone.localdate()
    position = _text(page[page.index('id="position"'):page.index('id="notes"')])
    assert "Open actions 2 open, 1 overdue" in position
    assert "Book a GP appointment." in position and "Old action." not in position
    assert f"Next meeting Case management, {today + timedelta(days=7):%A %-d %B %Y}" in position  # not SE's
    assert "Latest note Attended the appointment. (Partner-Practitioner, Probation" in position
    assert "Needs reassessment due Overdue since 29/04/2015 (first assessment)" in position  # 1 April + 28 days
    assert "Lead professionals" in position
    assert page.index('id="position"') < page.index('id="notes"') < page.index('id="actions"') \
        < page.index('id="timeline"')


def test_the_timeline_is_paged_and_filtered(busy: Nominal, users: dict[str, Any],
                                            client_for: Callable[..., Client]) -> None:
    client = client_for(users["own"])
    first = client.get(URL).content.decode()
    assert "Entries 1 to 20 of 51" in first  # 45 offences, 2 notes, 3 actions, taken onto IOM
    assert first.count('class="moj-timeline__item ') == 20
    third = client.get(URL, {"page": 3}).content.decode()
    assert third.count('class="moj-timeline__item ') == 11
    notes = client.get(URL, {"kind": "note"}).content.decode()
    assert notes.count('class="moj-timeline__item ') == 2 and "matching the filter" in notes
    probation = client.get(URL, {"agency": "nps"}).content.decode()
    assert probation.count('class="moj-timeline__item ') == 1 and "Attended the appointment." in probation
    dated = client.get(URL, {"kind": "offence", "since": "01/01/2011", "until": "31/12/2011"}).content.decode()
    assert dated.count('class="moj-timeline__item ') == 12
    assert "govuk-pagination" not in dated  # one page
    wrong = client.get(URL, {"since": "01/01/2012", "until": "01/01/2011"})
    assert wrong.content.decode().count('class="moj-timeline__item ') == 20  # the filter is not applied
    assert "<title>Error: " in wrong.content.decode() and "The to date cannot be before the from date" in \
        wrong.content.decode()


def test_a_failed_note_shows_its_error_first_and_a_saved_note_lands_on_the_banner(
        nominal: Nominal, users: dict[str, Any], client_for: Callable[..., Client]) -> None:
    client = client_for(users["own"])
    failed = client.post(URL + "notes/", {"text": "", "visibility": "shared"})
    page = failed.content.decode()
    assert failed.status_code == 400
    assert re.search(r"<title>Error: Jack Smith \(N0001\)", page)
    assert page.index("govuk-error-summary") < page.index("<h1")
    assert page.count("govuk-error-summary__title") == 1
    assert 'href="#id_text"' in page
    saved = client.post(URL + "notes/", {"text": "Seen at home.", "visibility": "shared"}, follow=True)
    page = saved.content.decode()
    assert saved.redirect_chain == [(URL, 302)]
    assert page.index("Note added.") < page.index('id="latest-note"') < page.index("Seen at home.") \
        < page.index('id="notes"')
    assert "<title>Error" not in page


FORMS = [("/people/new/", {"given_names": "", "family_name": "", "pnc_id": ""}),
         ("/people/N0001/flags/new/", {"flag": ""}), ("/risk/N0001/tier/", {"tier": ""}),
         ("/custody/N0001/custody/new/", {"start_date": ""}),
         ("/referrals/new/", {"nominal_id": "N0001"}), ("/cohort/N0001/level/", {"scheme": ""})]


@pytest.mark.parametrize(("url", "data"), FORMS, ids=[url for url, _ in FORMS])
def test_every_form_shows_its_errors_first_with_error_in_the_title(
        url: str, data: dict[str, str], nominal: Nominal, users: dict[str, Any],
        client_for: Callable[..., Client]) -> None:
    page = client_for(users["own"]).post(url, data).content.decode()
    assert page.startswith("<!doctype html>") and "<title>Error: " in page, url
    assert page.count('class="govuk-error-summary"') == 1
    assert page.index('class="govuk-error-summary"') < page.index("<h1")


@pytest.mark.parametrize(("agency", "role", "allowed"), ACCESS, ids=ACCESS_IDS)
def test_the_printable_profile(agency: str, role: str, allowed: bool, make_user: Any, busy: Nominal,
                               client_for: Callable[..., Client]) -> None:
    user = make_user(agency, role, username=f"printing-{agency}-{role}")
    before = last_event_id()
    response = client_for(user).get(URL + "print/")
    if allowed:
        page = response.content.decode()
        assert response.status_code == 200
        assert "Jack Smith" in page and "Attended the appointment." in page and "2 open, 1 overdue" in _text(page)
        assert "CR001" not in page  # a profile, not the timeline
        assert [(e.nominal_id, e.detail) for e in events_after(before, operation="consultation")] == [
            ("N0001", {"viewed": "printable profile"})]
    else:
        assert response.status_code == 404 and b"Smith" not in response.content
        assert [e.operation for e in events_after(before)] == ["refusal"]


def test_nps_and_crc_are_not_offered_for_new_records_but_old_ones_stay_readable(
        nominal: Nominal, users: dict[str, Any], client_for: Callable[..., Client]) -> None:
    from iomhub.web.custody.models import Supervision

    client = client_for(users["own"])
    referral = client.get("/referrals/new/").content.decode()
    assert 'value="probation"' in referral and 'value="nps"' not in referral and 'value="crc"' not in referral
    new = client.get("/custody/N0001/supervision/new/").content.decode()
    assert re.search(r'value="nps"[^>]*>Probation Service<', new) and 'value="crc"' not in new
    old = Supervision(nominal=nominal, provider="crc", start_date=date(2016, 1, 1))
    save(old)
    edit = client.get(f"/custody/N0001/supervision/{old.pk}/").content.decode()
    assert re.search(r'value="crc"[^>]*selected', edit)
    assert "Supervision started: CRC" in client.get(URL).content.decode()


def test_no_usernames_on_the_person_page(nominal: Nominal, users: dict[str, Any],
                                         client_for: Callable[..., Client]) -> None:
    client = client_for(users["own"])
    client.post(URL + "edit/", {"given_names": "Jack", "family_name": "Smyth", "pnc_id": "", "gender": "male",
                                "area": "NW"})
    page = client.get(URL).content.decode()
    assert "Own-Practitioner" in page and "own-practitioner" not in page
