"""The case file's working day in a real browser: a referral decided from the queue at the
meeting, a lead named and seen in "My cohort", one's own agency's action completed and another's
refused, a notification after an offence of someone on IOM is imported; and axe-core on every
page of these flows at 1100 and 375 pixels wide."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from iomhub.package import read_package
from iomhub.web.accounts.constants import Role
from iomhub.web.audit.context import Actor
from iomhub.web.cohort.leads import assign_lead
from iomhub.web.cohort.models import CohortEpisode
from iomhub.web.exchange import import_package
from iomhub.web.meetings.models import CaseAction, Meeting
from iomhub.web.notifications.models import Notification
from iomhub.web.offences.models import Offence
from iomhub.web.people.models import Nominal
from iomhub.web.referrals.models import Referral
from iomhub.web.referrals.services import refer
from iomhub.web.risk.models import RiskAssessment
from tests.web.browser.conftest import axe_violations, screenshot, sign_in
from tests.web.browser.pages import SYSTEM, add
from tests.web.browser.test_pages_accessible import describe
from tests.web.conftest import PASSWORD, only_on

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), only_on("sqlite")]


def world(today: date, make_user: Callable[..., Any]) -> dict[str, Any]:
    """Dale Cooper on priority (police and probation actions), Laura Palmer referred by a police
    officer with her offending and risk, and today's single referral meeting."""
    chair = make_user("partner", Role.MANAGER, username="om-khan")
    officer = make_user("own", Role.PRACTITIONER, username="pc-jones")
    person = add(Nominal, nominal_id="N0001", family_name="Cooper", given_names="Dale", area="NW",
                 date_of_birth=date(1991, 2, 14))
    add(CohortEpisode, nominal=person, scheme="priority", start_date=today - timedelta(days=200))
    add(Nominal, nominal_id="N0003", family_name="Horne", given_names="Ben", area="SE")
    referred = add(Nominal, nominal_id="N0002", family_name="Palmer", given_names="Laura", area="NW")
    for n, days in enumerate((20, 60, 400)):
        add(Offence, offence_id=f"CR-{n}", nominal=referred, offence_date=today - timedelta(days=days),
            category="robbery")
    add(RiskAssessment, nominal=referred, assessed_on=today - timedelta(days=5), tier="red", rationale="Escalating")
    refer(Actor.of(officer), referred, today - timedelta(days=2), "police",
          referral_reason="Two street robberies in two months, the second with a knife",
          evidence="Identified on CCTV; intelligence links her to a group dealing in the town centre")
    add(Meeting, meeting_id="SRM-1", held_on=today, meeting_type="single_referral", area="NW")
    own = add(CaseAction, nominal=person, description="Check the bail address", owner_agency="police",
              due_on=today + timedelta(days=3))
    other = add(CaseAction, nominal=person, description="Book the licence appointment", owner_agency="nps",
                due_on=today - timedelta(days=1))
    return {"chair": chair, "officer": officer, "own_action": own, "other_action": other}


def submit(page: Any, button: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()


def test_a_referral_decided_from_the_queue_at_the_meeting(page: Any, live_server: Any,
                                                          make_user: Callable[..., Any]) -> None:
    base, today = live_server.url, timezone.localdate()
    world(today, make_user)
    sign_in(page, base, "om-khan", PASSWORD)
    page.wait_for_url(f"{base}/cohort/**")
    page.get_by_role("link", name="Referrals", exact=True).click()
    assert "Two street robberies" in page.content() and "Red" in page.content()
    page.goto(f"{base}/meetings/agenda/")
    assert page.get_by_role("heading", name="Referrals to decide (1)").count() == 1
    with page.expect_navigation():
        page.get_by_role("link", name="Decide on the referral of Laura Palmer (N0002)").click()
    page.get_by_label("Accept onto IOM").check()
    page.get_by_label("Level, if accepted").select_option("priority")
    submit(page, "Record the decision")
    assert page.url.startswith(f"{base}/meetings/agenda/")
    assert "Decision on Laura Palmer (N0002) recorded." in page.content()
    assert page.get_by_role("heading", name="Referrals to decide (0)").count() == 1
    assert Referral.objects.get().decision == "accepted"
    assert CohortEpisode.objects.filter(nominal_id="N0002", scheme="priority", end_date=None).exists()
    screenshot(page, "caseflow-agenda-after-decision")


def test_the_referrer_is_not_offered_the_decision(page: Any, live_server: Any,
                                                  make_user: Callable[..., Any]) -> None:
    base = live_server.url
    world(timezone.localdate(), make_user)
    sign_in(page, base, "pc-jones", PASSWORD)
    page.wait_for_url(f"{base}/cohort/**")
    page.goto(f"{base}/referrals/")
    assert "You made this referral" in page.content()
    assert page.get_by_role("link", name="Decide on the referral of Laura Palmer (N0002)").count() == 0


def test_a_lead_named_and_seen_in_my_cohort(page: Any, live_server: Any, make_user: Callable[..., Any]) -> None:
    base = live_server.url
    people = world(timezone.localdate(), make_user)
    sign_in(page, base, "pc-jones", PASSWORD)
    page.wait_for_url(f"{base}/cohort/**")
    page.goto(f"{base}/people/N0001/")
    with page.expect_navigation():
        page.get_by_role("link", name="Name or change the lead professionals").click()
    page.get_by_label("Police officer").check()
    page.get_by_label("Worker", exact=True).select_option(str(people["officer"].pk))
    submit(page, "Name the lead")
    assert "is now the police officer of Dale Cooper (N0001)" in page.content()
    page.get_by_role("link", name="My cohort").click()
    page.wait_for_url(f"{base}/cohort/mine/")
    assert page.get_by_role("link", name="Dale Cooper (N0001)").count() == 1
    page.goto(f"{base}/people/N0001/")
    assert "Police officer: Pc-Jones (Police)" in page.locator("#leads").inner_text()


def test_own_agencys_action_completed_and_anothers_refused(page: Any, live_server: Any,
                                                           make_user: Callable[..., Any]) -> None:
    base = live_server.url
    people = world(timezone.localdate(), make_user)
    sign_in(page, base, "pc-jones", PASSWORD)
    page.wait_for_url(f"{base}/cohort/**")
    page.goto(f"{base}/meetings/actions/agency/")
    assert "Book the licence appointment" not in page.content()  # probation's, not on the police's list
    with page.expect_navigation():
        page.get_by_role("button", name="Check the bail address").click()
    assert "Action marked done." in page.content()
    own, other = people["own_action"], people["other_action"]
    own.refresh_from_db()
    assert own.status == "done"
    # The probation action, posted to all the same (a form written by hand): refused, unchanged.
    with page.expect_navigation():
        page.evaluate("""([url, token]) => {
            const form = document.createElement('form'); form.method = 'post'; form.action = url;
            const input = document.createElement('input'); input.name = 'csrfmiddlewaretoken'; input.value = token;
            form.appendChild(input); document.body.appendChild(form); form.submit(); }""",
                      [f"/meetings/actions/{other.pk}/done/",
                       page.locator("input[name=csrfmiddlewaretoken]").first.get_attribute("value")])
    assert "Page not found" in page.content()
    other.refresh_from_db()
    assert other.status == "open"


def test_a_notification_after_an_offence_of_someone_on_iom_is_imported(page: Any, live_server: Any, tmp_path: Path,
                                                                       make_user: Callable[..., Any]) -> None:
    base, today = live_server.url, timezone.localdate()
    people = world(today, make_user)
    assign_lead(SYSTEM, Nominal.objects.get(nominal_id="N0001"), "police_officer", people["officer"], today)
    sign_in(page, base, "pc-jones", PASSWORD)
    page.wait_for_url(f"{base}/cohort/**")
    # Signing in raised the notice of the police action due in 3 days (the first page of the day).
    assert page.locator(".app-count").inner_text() == "1"
    folder = tmp_path / "package"
    folder.mkdir()
    (folder / "nominals.csv").write_text("nominal_id,family_name,given_names,area\nN0001,Cooper,Dale,NW\n")
    (folder / "cohort.csv").write_text(f"nominal_id,scheme,start_date\nN0001,priority,{today - timedelta(days=200)}\n")
    (folder / "offences.csv").write_text(f"offence_id,nominal_id,offence_date,detected_date,category\n"
                                         f"CR-NEW,N0001,{today - timedelta(days=1)},{today},burglary_residential\n")
    import_package(read_package(folder), Actor.system("iomhub import"))
    page.reload()
    assert page.locator(".app-count").inner_text() == "2"
    page.get_by_role("link", name="Notifications").click()
    page.wait_for_url(f"{base}/notifications/")
    with page.expect_navigation():
        page.get_by_role("button", name=f"Offence recorded for Dale Cooper (N0001), on IOM ({today:%d/%m/%Y})").click()
    assert page.url == f"{base}/people/N0001/"
    assert Notification.objects.get(kind="offence").read_at is not None
    assert page.locator(".app-count").inner_text() == "1"


PAGES = {
    "queue": "/referrals/", "decide-from-queue": "/referrals/{referral}/decide/?next=/referrals/",
    "agenda": "/meetings/agenda/", "my-cohort": "/cohort/mine/", "caseloads": "/cohort/caseloads/",
    "leads": "/cohort/N0001/leads/", "transfer": "/cohort/N0001/transfer/", "schedule": "/meetings/schedule/",
    "meeting": "/meetings/SRM-1/", "my-actions": "/meetings/actions/mine/",
    "agency-actions": "/meetings/actions/agency/", "notifications": "/notifications/",
}


@pytest.mark.parametrize("width", [1100, 375], ids=["1100px", "375px"])
def test_every_new_page_is_accessible(width: int, page: Any, live_server: Any,
                                      make_user: Callable[..., Any]) -> None:
    base, today = live_server.url, timezone.localdate()
    people = world(today, make_user)
    assign_lead(SYSTEM, Nominal.objects.get(nominal_id="N0001"), "offender_manager", people["chair"], today)
    add(Notification, recipient=people["chair"], kind="release", key="k", nominal_id="N0001",
        text="Dale Cooper (N0001) is due for release", link="/people/N0001/", created_at=timezone.now())
    make_user("unrelated", Role.PRACTITIONER, username="housing")
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, base, "om-khan", PASSWORD)
    page.wait_for_url(f"{base}/cohort/**")
    referral = Referral.objects.get().referral_id
    failures = {}
    for name, path in PAGES.items():
        response = page.goto(base + path.format(referral=referral))
        assert response is not None and response.status == 200, name
        if width == 1100:
            screenshot(page, f"caseflow-{name}")
        if violations := axe_violations(page):
            failures[name] = describe(violations)
    page.context.clear_cookies()
    sign_in(page, base, "housing", PASSWORD)
    page.wait_for_url(f"{base}/accounts/outside/")
    if violations := axe_violations(page):
        failures["outside"] = describe(violations)
    assert failures == {}
