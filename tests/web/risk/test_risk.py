"""Risk tier changes with their rationale."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client

from iomhub.web.people.models import Nominal
from iomhub.web.risk.models import RiskAssessment
from tests.web.people.records import ACCESS, ACCESS_IDS, events_after, last_event_id, save, user_for

VALID = {"tier": "red", "assessed_on": "01/03/2016", "rationale": "Arrested for robbery"}


@pytest.mark.parametrize(("agency", "role", "allowed"), ACCESS, ids=ACCESS_IDS)
def test_changing_the_tier(agency: str, role: str, allowed: bool, make_user: Any, nominal: Nominal,
                           client_for: Callable[..., Client]) -> None:
    save(RiskAssessment(nominal=nominal, assessed_on=date(2016, 1, 1), tier="amber"))
    client = client_for(user_for(make_user, agency, role))
    before = last_event_id()
    get = client.get("/risk/N0001/tier/")
    response = client.post("/risk/N0001/tier/", VALID)
    if allowed:
        assert get.status_code == 200 and b"Amber" in get.content
        assert response.status_code == 302
        latest = RiskAssessment.objects.order_by("-assessed_on").first()
        assert (latest.tier, latest.rationale, latest.assessed_on) == ("red", "Arrested for robbery", date(2016, 3, 1))
        [event] = events_after(before, operation="collection")
        assert event.nominal_id == "N0001" and event.detail["tier"] == {"old": "amber", "new": "red"}
        assert event.justification == "Arrested for robbery"
        assert "Arrested for robbery" in client.get("/people/N0001/").content.decode()
    else:
        assert (get.status_code, response.status_code) == (404, 404)
        assert RiskAssessment.objects.count() == 1


@pytest.mark.parametrize(("data", "message"), [
    ({**VALID, "rationale": ""}, "Enter the rationale for the tier"),
    ({**VALID, "tier": "purple"}, "Choose the risk tier"),
    ({**VALID, "assessed_on": "March 2016"}, "Enter the date of the assessment as DD/MM/YYYY"),
    ({**VALID, "assessed_on": "01/01/2999"}, "The date of the assessment must be today or in the past"),
], ids=["no-rationale", "unknown-tier", "bad-date", "future"])
def test_a_tier_that_is_not_valid_is_refused(data: dict[str, str], message: str, users: dict[str, Any],
                                             nominal: Nominal, client_for: Callable[..., Client]) -> None:
    response = client_for(users["own"]).post("/risk/N0001/tier/", data)
    assert response.status_code == 400 and message in response.content.decode()
    assert RiskAssessment.objects.count() == 0
