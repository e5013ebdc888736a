"""From referral to the dashboard in a real browser, with two users of two agencies at once.

A police practitioner refers a new person to the single referral meeting; a probation manager,
in a second browser context (her own cookies), accepts the referral at priority, records a needs
assessment over the seven pathways, creates a meeting, records attendance by agency and a case
discussion, and sees the dashboard's priority caseload for today rise from 0 to 1. Only plain
HTML forms are used (no JavaScript). Every main page is kept as a screenshot
(``test-artefacts/screenshots/journey-*.png``); ``test_pages_accessible.py`` checks them with axe-core.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from iomhub.domain.codes import PATHWAY_TITLES
from iomhub.web.accounts.constants import Role
from iomhub.web.assessments.models import NeedScore
from iomhub.web.cohort.models import CohortEpisode
from iomhub.web.forms import uk
from iomhub.web.meetings.models import Attendance, CaseAction, Meeting
from iomhub.web.people.models import Nominal
from iomhub.web.referrals.models import Referral
from tests.web.browser.conftest import screenshot, sign_in
from tests.web.browser.pages import add, caseload_figure
from tests.web.conftest import PASSWORD, only_on

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), only_on("sqlite")]

SCORES = {"accommodation": 6, "ete": 5, "health": 4, "drugs_alcohol": 8, "finance": 3, "children_families": 2,
          "attitudes": 7}


@pytest.fixture
def second_page(browser: Any) -> Iterator[Any]:
    """A second browser context: a second user with her own cookies, signed in at the same time."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB", bypass_csp=True)
    opened = context.new_page()
    yield opened
    context.close()


def submit(page: Any, button: str) -> None:
    """Press a form's button and wait for the page it leads to (forms post and redirect)."""
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()


def test_from_referral_to_the_dashboard(page: Any, second_page: Any, live_server: Any,
                                        make_user: Callable[..., Any]) -> None:
    base = live_server.url
    today = timezone.localdate()
    make_user("own", Role.PRACTITIONER, username="pc-jones")
    make_user("partner", Role.MANAGER, username="om-khan", sees_health=True)  # offered all seven pathways
    # Someone was on priority earlier in the period and left yesterday: the dashboard has a
    # priority row, which reads 0 for today.
    earlier = add(Nominal, nominal_id="N0900", family_name="Earlier", area="NW")
    add(CohortEpisode, nominal=earlier, scheme="priority", start_date=today - timedelta(days=90),
        end_date=today - timedelta(days=1), exit_reason="moved_away")
    # The period ends today, so today is one of its snapshot dates (each quarter's first day, and the last day).
    dashboard = f"{base}/performance/report/?from={today - timedelta(days=60):%Y-%m-%d}&to={today:%Y-%m-%d}"

    # The probation manager looks at the dashboard first: nobody on priority today.
    manager = second_page
    sign_in(manager, base, "om-khan", PASSWORD)
    manager.wait_for_url(f"{base}/cohort/**")
    manager.goto(dashboard)
    assert caseload_figure(manager, "Priority", today) == 0
    screenshot(manager, "journey-01-dashboard-before")

    # The police practitioner refers a new person to the single referral meeting.
    practitioner = page
    sign_in(practitioner, base, "pc-jones", PASSWORD)
    practitioner.wait_for_url(f"{base}/cohort/**")
    practitioner.goto(f"{base}/referrals/new/")
    assert practitioner.get_by_label("Date of the referral").input_value() == uk(today)
    assert practitioner.get_by_label("Referring agency").input_value() == "police"
    practitioner.get_by_label("Given names").fill("Dale")
    practitioner.get_by_label("Family name").fill("Cooper")
    practitioner.get_by_label("Date of birth (optional)").fill("14/02/1991")
    practitioner.get_by_label("Gender").select_option("male")
    practitioner.get_by_label("Area", exact=True).fill("NW")
    practitioner.get_by_label("PNC id (optional)").fill("2009/0123456C")
    screenshot(practitioner, "journey-02-referral-form")
    submit(practitioner, "Refer")
    assert "/people/" in practitioner.url, practitioner.content()
    nominal_id = practitioner.url.split("/people/")[1].split("/")[0]
    person = Nominal.objects.get(nominal_id=nominal_id)
    assert (person.given_names, person.family_name, person.pnc_id) == ("Dale", "Cooper", "2009/0123456C")
    referral = Referral.objects.get(nominal=person)
    assert referral.referring_agency == "police" and referral.decision in ("", "pending")
    assert "Referred to the single referral meeting" in practitioner.content()

    # The probation manager opens the person and records the meeting's decision: priority.
    manager.goto(f"{base}/people/{nominal_id}/")
    with manager.expect_navigation():
        manager.get_by_role("link", name="Record the decision").click()
    assert manager.url == f"{base}/referrals/{referral.referral_id}/decide/"
    manager.get_by_label("Accept onto IOM").check()
    manager.get_by_label("Level, if accepted").select_option("priority")
    screenshot(manager, "journey-03-referral-decision")
    submit(manager, "Record the decision")
    assert manager.url.startswith(f"{base}/people/{nominal_id}/")
    episode = CohortEpisode.objects.get(nominal=person)
    assert (episode.scheme, episode.start_date, episode.end_date) == ("priority", today, None)
    assert "Taken onto IOM at priority level" in manager.content()
    screenshot(manager, "journey-04-person-page")

    # ... records a needs assessment over the seven pathways ...
    with manager.expect_navigation():
        manager.get_by_role("link", name="Record a needs assessment").click()
    manager.get_by_label("Date of the assessment").fill(uk(today))
    for pathway, score in SCORES.items():
        manager.get_by_label(PATHWAY_TITLES[pathway], exact=True).fill(str(score))
    screenshot(manager, "journey-05-needs-form")
    submit(manager, "Save assessment")
    assert manager.url == f"{base}/assessments/{nominal_id}/"
    saved = {row.pathway: row.score for row in NeedScore.objects.filter(nominal=person, assessed_on=today)}
    assert saved == SCORES
    assert manager.locator("svg").count() >= 1  # the progress chart
    screenshot(manager, "journey-06-needs-progress")

    # ... creates today's case management meeting, with attendance by agency and a case discussion ...
    manager.goto(f"{base}/meetings/new/")
    manager.get_by_label("Type of meeting").select_option("case_management")
    manager.get_by_label("Date of the meeting").fill(uk(today))
    manager.get_by_label("Area", exact=True).select_option("NW")  # one of the unit's areas
    submit(manager, "Save meeting")
    meeting = Meeting.objects.get(held_on=today)
    assert manager.url == f"{base}/meetings/{meeting.meeting_id}/"
    for box in ("Police invited", "Police attended", "Probation invited", "Probation attended", "Council invited"):
        manager.get_by_label(box, exact=True).check()
    submit(manager, "Save attendance")
    marks = {row.agency: (row.invited, row.attended) for row in Attendance.objects.filter(meeting=meeting)
             if row.invited or row.attended}
    assert marks == {"police": (True, True), "probation": (True, True), "council": (True, False)}
    assert manager.get_by_label("Council attended", exact=True).is_checked() is False
    assert manager.get_by_label("Probation attended", exact=True).is_checked() is True
    manager.get_by_label("The person discussed").fill(nominal_id)
    manager.get_by_label("Case note").fill("Agreed a hostel referral.")
    manager.get_by_label("Action agreed").fill("Find a hostel place")
    manager.get_by_label("Agency that owns the action").select_option("probation")
    manager.get_by_label("Action due by").fill(uk(today + timedelta(days=7)))
    submit(manager, "Record discussion")
    action = CaseAction.objects.get(nominal=person)
    assert (action.meeting, action.owner_agency, action.status) == (meeting, "probation", "open")
    assert "Find a hostel place" in manager.content()
    screenshot(manager, "journey-07-meeting")

    # The working views of the morning show the person.
    manager.goto(f"{base}/meetings/agenda/")
    assert nominal_id in manager.content()
    screenshot(manager, "journey-08-agenda")
    manager.goto(f"{base}/meetings/briefing/")
    screenshot(manager, "journey-09-briefing")
    practitioner.goto(f"{base}/cohort/")
    row = practitioner.locator("tr", has_text=nominal_id)
    assert row.count() == 1 and "priority" in row.inner_text().lower()
    screenshot(practitioner, "journey-10-cohort-list")

    # The dashboard's priority caseload for today has gone from 0 to 1.
    manager.goto(dashboard)
    assert caseload_figure(manager, "Priority", today) == 1
    screenshot(manager, "journey-11-dashboard-after")
