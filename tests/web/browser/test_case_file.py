"""The case file in Debian's chromium: find a person by a misspelt name and by PNC id from the
header, refer someone who is already on iomhub and be shown the match, and the new pages pass
axe-core at 1100 and 375 px wide (the menu folded and nothing wider than the screen on a phone)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from iomhub.web.accounts.constants import Role
from iomhub.web.referrals.models import Referral
from tests.web.browser.conftest import axe_violations, screenshot, sign_in
from tests.web.browser.test_pages_accessible import describe, world
from tests.web.conftest import PASSWORD, only_on

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), only_on("sqlite")]


def _signed_in(page: Any, base: str, make_user: Callable[..., Any]) -> date:
    today = timezone.localdate()
    world(today)  # Dale Cooper (N0001, 2009/0123456C, born 14/02/1991) and Laura Palmer (N0002)
    make_user("partner", Role.MANAGER, username="om-khan", sees_health=True)
    sign_in(page, base, "om-khan", PASSWORD)
    page.wait_for_url(f"{base}/cohort/**")
    return today


def _find(page: Any, typed: str) -> None:
    page.get_by_label("Find a person by name, PNC id, date of birth or IOM id").fill(typed)
    with page.expect_navigation():
        page.get_by_role("button", name="Find", exact=True).click()


def test_find_a_person_by_a_misspelt_name_and_by_pnc(page: Any, live_server: Any,
                                                       make_user: Callable[..., Any]) -> None:
    _signed_in(page, live_server.url, make_user)
    _find(page, "coopre dael")  # both names misspelt, in the wrong order
    assert page.title().startswith("Find a person")
    assert page.get_by_role("heading", name="1 person found").count() == 1
    with page.expect_navigation():
        page.get_by_role("link", name="Dale Cooper").click()
    assert page.url.endswith("/people/N0001/")
    _find(page, "09/123456c")  # the short year, no leading zero, lower case
    assert page.get_by_role("link", name="Dale Cooper").count() == 1
    assert page.get_by_role("link", name="Laura Palmer").count() == 0


def test_refer_a_person_already_on_iomhub_is_shown_the_match(page: Any, live_server: Any,
                                                             make_user: Callable[..., Any]) -> None:
    _signed_in(page, live_server.url, make_user)
    page.goto(f"{live_server.url}/referrals/new/")
    page.get_by_label("Given names").fill("Dale")
    page.get_by_label("Family name").fill("Cooper")
    page.get_by_label("Date of birth (optional)").fill("14/02/1991")
    with page.expect_navigation():
        page.get_by_role("button", name="Refer", exact=True).click()
    assert page.get_by_role("table", name="Likely matches").count() == 1
    assert not Referral.objects.filter(nominal__family_name="Cooper").exists()
    with page.expect_navigation():
        page.get_by_role("link", name="This is the same person").click()
    assert "Referring Dale Cooper" in page.locator("#chosen").inner_text()
    with page.expect_navigation():
        page.get_by_role("button", name="Refer", exact=True).click()
    assert page.url.endswith("/people/N0001/")
    assert "referred" in page.locator(".govuk-notification-banner").inner_text()
    assert Referral.objects.filter(nominal_id="N0001").count() == 1


@pytest.mark.parametrize("width", [1100, 375], ids=["desktop", "phone"])
def test_the_new_pages_are_accessible(width: int, page: Any, live_server: Any,
                                      make_user: Callable[..., Any]) -> None:
    base = live_server.url
    _signed_in(page, base, make_user)
    page.set_viewport_size({"width": width, "height": 900})
    pages = {"search": "/people/find/?q=cooper", "person": "/people/N0001/",
             "person-filtered": "/people/N0001/?kind=offence&since=01/01/2000",
             "profile": "/people/N0001/print/", "briefing": "/meetings/briefing/"}
    for name, path in pages.items():
        response = page.goto(base + path)
        assert response is not None and response.status == 200, path
        screenshot(page, f"case-file-{name}-{width}")
        violations = axe_violations(page)
        assert violations == [], f"{path}: {describe(violations)}"
        wide = page.evaluate("() => document.documentElement.scrollWidth")
        assert wide <= width, f"{path} is {wide} px wide at {width} px"
    page.goto(base + "/people/new/")  # the duplicate check's page
    page.get_by_label("Given names").fill("Dale")
    page.get_by_label("Family name").fill("Coper")
    page.get_by_label("Date of birth (optional)").fill("14/02/1991")
    with page.expect_navigation():
        page.get_by_role("button", name="Add person").click()
    assert page.get_by_role("table", name="Likely matches").count() == 1
    violations = axe_violations(page)
    assert violations == [], f"duplicate check: {describe(violations)}"
    menu = page.locator("#navigation")
    if width == 375:
        assert not menu.is_visible()
        page.get_by_text("Menu", exact=True).click()
    assert menu.is_visible()
