"""Signing in and the cohort list, for the three kinds of user."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.web.conftest import PASSWORD


def test_signing_in_leads_to_the_cohort_list(users: dict[str, Any], client_for: Callable[..., Any]) -> None:
    client = client_for(None)
    response = client.post("/accounts/login/", {"username": "own-practitioner", "password": PASSWORD}, follow=True)
    assert response.status_code == 200
    assert b'<h1 class="govuk-heading-l">Cohort</h1>' in response.content


def test_anonymous_users_are_sent_to_sign_in(db: Any, client_for: Callable[..., Any]) -> None:
    response = client_for(None).get("/cohort/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(("who", "sees"), [("own", True), ("partner", True), ("unrelated", False)],
                         ids=["own-agency", "partner-agency", "unrelated-agency"])
def test_the_cohort_list_shows_people_only_to_the_partnership(
        who: str, sees: bool, users: dict[str, Any], nominal: Any, client_for: Callable[..., Any]) -> None:
    response = client_for(users[who]).get("/cohort/")
    assert response.status_code == 200
    assert (b"N0001" in response.content) is sees
    assert response["Cache-Control"] == "no-store"
    assert "default-src 'self'" in response["Content-Security-Policy"]
