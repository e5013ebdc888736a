"""A practitioner signs in with a real browser and sees the cohort; the pages pass axe-core."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.web.browser.conftest import axe_violations, screenshot, sign_in
from tests.web.conftest import PASSWORD, only_on

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), only_on("sqlite")]


def test_sign_in_and_see_the_cohort(page: Any, live_server: Any, make_user: Callable[..., Any],
                                    nominal: Any) -> None:
    make_user("own")
    sign_in(page, live_server.url, "own-practitioner", PASSWORD)
    page.wait_for_url(f"{live_server.url}/cohort/**")
    assert page.get_by_role("heading", level=1).inner_text() == "Cohort"
    assert "N0001" in page.content()
    screenshot(page, "cohort-list")
    assert axe_violations(page) == []


def test_the_sign_in_page_is_accessible(page: Any, live_server: Any) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    screenshot(page, "sign-in")
    assert axe_violations(page) == []
