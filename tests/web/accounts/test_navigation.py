"""Navigation by role: each user sees only the tabs they can open (none answers 404), and `/`
sends each role to its own start page."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from iomhub.web.accounts.constants import Role

TABS = re.compile(r'class="govuk-service-navigation__link" href="([^"]+)"[^>]*>(?:<strong[^>]*>)?\s*([^<]+?)\s*<')
CASE = ["My cohort", "Cohort", "Referrals", "Briefing", "Meetings", "Actions"]
FIGURES = ["Selection", "Performance", "Board papers"]


@pytest.mark.parametrize(("agency", "role", "start", "tabs"), [
    ("own", Role.PRACTITIONER, "/cohort/", CASE + FIGURES),
    ("partner", Role.MANAGER, "/cohort/", [*CASE, "Caseloads", *FIGURES]),
    ("own", Role.ANALYST, "/performance/", [*FIGURES, "Data"]),
    ("partner", Role.ADMINISTRATOR, "/performance/", [*FIGURES, "Data", "Audit", "Records"]),
    ("unrelated", Role.PRACTITIONER, "/accounts/outside/", []),
    ("unrelated", Role.ADMINISTRATOR, "/audit/", ["Audit", "Records"]),
], ids=["practitioner", "manager", "analyst", "administrator", "outside-the-partnership", "outside-administrator"])
def test_each_role_sees_what_it_can_open(agency: str, role: str, start: str, tabs: list[str], make_user: Any,
                                         client_for: Callable[..., Client]) -> None:
    client = client_for(make_user(agency, role))
    home = client.get("/")
    assert (home.status_code, home["Location"]) == (302, start)
    page = client.get(start)
    assert page.status_code == 200
    found = TABS.findall(page.content.decode())
    assert [text for _, text in found] == tabs
    for href, text in found:
        assert client.get(href).status_code == 200, f"the {text} tab ({href}) does not open"


def test_outside_the_partnership_the_start_page_says_so(users: dict[str, Any],
                                                        client_for: Callable[..., Client]) -> None:
    body = client_for(users["unrelated"]).get("/accounts/outside/").content.decode()
    assert "Your agency is not in the IOM partnership" in body


def test_signing_in_lands_on_the_start_page(make_user: Any) -> None:
    from tests.web.conftest import PASSWORD

    make_user("own", Role.ANALYST, username="analyst")
    response = Client().post("/accounts/login/", {"username": "analyst", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/performance/"
