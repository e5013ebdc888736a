"""Every main page passes axe-core with no serious or critical violation, and is kept as a screenshot.

The records are written straight to the database (the journey test writes them through the forms);
a probation manager granted health information (who sees every part of every page) opens each page
in Debian's chromium.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from iomhub.web.accounts.constants import Role
from iomhub.web.assessments.models import NeedScore
from iomhub.web.cohort.models import CohortEpisode
from iomhub.web.custody.models import CustodyPeriod
from iomhub.web.meetings.models import Attendance, CaseAction, Meeting
from iomhub.web.offences.models import Offence
from iomhub.web.people.models import Nominal
from iomhub.web.referrals.models import Referral
from iomhub.web.risk.models import RiskAssessment
from iomhub.web.treatment.models import TreatmentEpisode
from tests.web.browser.conftest import axe_violations, screenshot, sign_in
from tests.web.browser.pages import add
from tests.web.conftest import PASSWORD, only_on

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), only_on("sqlite")]


def world(today: date) -> None:
    """A person on priority with a record of every kind, a person referred and awaiting the
    decision, and today's meeting with attendance and an action."""
    person = add(Nominal, nominal_id="N0001", pnc_id="2009/0123456C", family_name="Cooper", given_names="Dale",
                 date_of_birth=date(1991, 2, 14), gender="male", area="NW")
    add(CohortEpisode, nominal=person, scheme="priority", start_date=today - timedelta(days=200))
    add(RiskAssessment, nominal=person, assessed_on=today - timedelta(days=100), tier="amber", rationale="Stable")
    for days, base in ((90, 6), (1, 3)):
        for offset, pathway in enumerate(("accommodation", "ete", "health", "drugs_alcohol", "finance",
                                          "children_families", "attitudes")):
            add(NeedScore, nominal=person, assessed_on=today - timedelta(days=days), pathway=pathway,
                score=min(10, base + offset % 3))
    add(Offence, offence_id="CR-A11Y-1", nominal=person, offence_date=today - timedelta(days=3),
        detected_date=today - timedelta(days=2), category="burglary_residential")
    add(CustodyPeriod, nominal=person, start_date=today - timedelta(days=40), end_date=today - timedelta(days=5),
        custody_type="remand")
    add(TreatmentEpisode, episode_id="T-A11Y-1", nominal=person, substance="opiate",
        start_date=today - timedelta(days=30))
    meeting = add(Meeting, meeting_id="M-A11Y-1", held_on=today, meeting_type="case_management", area="NW")
    for agency, attended in (("police", True), ("nps", True), ("council", False)):
        add(Attendance, meeting=meeting, agency=agency, invited=True, attended=attended)
    add(CaseAction, nominal=person, meeting=meeting, description="Find a hostel place", owner_agency="nps",
        due_on=today + timedelta(days=7))
    add(CaseAction, nominal=person, description="Book a GP appointment", owner_agency="health",
        due_on=today - timedelta(days=2))  # overdue, for the briefing
    referred = add(Nominal, nominal_id="N0002", family_name="Palmer", given_names="Laura", area="NW")
    add(Referral, referral_id="R-A11Y-1", nominal=referred, referred_on=today - timedelta(days=1),
        referring_agency="police", area="NW")


def dashboard(today: date) -> str:
    return f"/performance/report/?from={today - timedelta(days=60):%Y-%m-%d}&to={today:%Y-%m-%d}"


PAGES: dict[str, Callable[[date], str]] = {
    "cohort-list": lambda today: "/cohort/",
    "person": lambda today: "/people/N0001/",
    "referral-form": lambda today: "/referrals/new/",
    "referral-decision": lambda today: "/referrals/R-A11Y-1/decide/",
    "needs-form": lambda today: "/assessments/N0001/new/",
    "needs-progress": lambda today: "/assessments/N0001/",
    "treatment": lambda today: "/treatment/N0001/",
    "meetings": lambda today: "/meetings/",
    "meeting": lambda today: "/meetings/M-A11Y-1/",
    "briefing": lambda today: "/meetings/briefing/",
    "agenda": lambda today: "/meetings/agenda/",
    "dashboard": dashboard,
    "selection": lambda today: "/cohort/selection/",
}

def describe(violations: list[dict[str, Any]]) -> str:
    """One line per violation: its rule, impact, and the first few elements it was found on."""
    return "; ".join(f"{v['id']} ({v['impact']}, {len(v['nodes'])} element(s): "
                     f"{', '.join(' '.join(node['target']) for node in v['nodes'][:3])}): {v['help']}"
                     for v in violations)


@pytest.mark.parametrize("name", list(PAGES))
def test_the_page_is_accessible(name: str, page: Any, live_server: Any, make_user: Callable[..., Any]) -> None:
    today = timezone.localdate()
    world(today)
    make_user("partner", Role.MANAGER, username="om-khan", sees_health=True)
    sign_in(page, live_server.url, "om-khan", PASSWORD)
    page.wait_for_url(f"{live_server.url}/cohort/**")
    response = page.goto(live_server.url + PAGES[name](today))
    assert response is not None and response.status == 200
    screenshot(page, f"page-{name}")
    violations = axe_violations(page)
    assert violations == [], describe(violations)


def send_an_empty_referral(page: Any, base: str, make_user: Callable[..., Any]) -> None:
    make_user("own", Role.PRACTITIONER, username="pc-jones")
    sign_in(page, base, "pc-jones", PASSWORD)
    page.wait_for_url(f"{base}/cohort/**")
    page.goto(f"{base}/referrals/new/")
    page.get_by_label("Date of the referral").fill("")
    with page.expect_navigation():
        page.get_by_role("button", name="Refer", exact=True).click()


def test_a_form_with_errors_is_accessible(page: Any, live_server: Any, make_user: Callable[..., Any]) -> None:
    """The error summary and the fields' error messages (an empty referral sent)."""
    send_an_empty_referral(page, live_server.url, make_user)
    assert page.get_by_role("link", name="Enter the date of the referral").count() == 1
    screenshot(page, "page-referral-form-errors")
    violations = axe_violations(page)
    assert violations == [], describe(violations)


def test_the_referral_form_has_one_error_summary(page: Any, live_server: Any,
                                                  make_user: Callable[..., Any]) -> None:
    send_an_empty_referral(page, live_server.url, make_user)
    assert page.locator("#error-summary-title").count() == 1
    summary = page.locator(".govuk-error-summary").first.inner_text()
    assert "Enter the date of the referral" in summary and "Enter the person's name or PNC id" in summary
