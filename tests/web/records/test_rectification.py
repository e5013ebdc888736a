"""Rectification (DPA 2018 s.46): a correction keeps what was there before, with why and by whom;
so does every change of a person's details."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client

from iomhub.web.accounts.constants import Role
from iomhub.web.accounts.models import User
from iomhub.web.audit.models import AuditEvent
from iomhub.web.people.models import Correction, Nominal
from tests.web.records.conftest import person


@pytest.fixture
def subject(db: Any) -> Nominal:
    return person("N1", family_name="Smyth")


def test_a_rectification_keeps_the_old_value(subject: Nominal, admin: tuple[User, Client],
                                             make_user: Callable[..., User],
                                             client_for: Callable[..., Client]) -> None:
    user, client = admin
    response = client.post("/records/N1/rectify/", {"field": "date_of_birth", "value": "02/01/1980",
                                                    "reason": "Birth certificate seen"})
    assert response.status_code == 302
    assert Nominal.objects.get(nominal_id="N1").date_of_birth == date(1980, 1, 2)
    [row] = Correction.objects.filter(nominal_id="N1")
    assert (row.field, row.old, row.new, row.reason, row.rectification, row.made_by) == (
        "date_of_birth", "1980-01-01", "1980-01-02", "Birth certificate seen", True, user.username)
    event = AuditEvent.objects.get(user=user, operation="alteration", nominal_id="N1")
    assert event.detail == {"rectification": {"date_of_birth": ["1980-01-01", "1980-01-02"]}}
    page = client_for(make_user("own", Role.PRACTITIONER)).get("/people/N1/").content.decode()
    assert "1980-01-01" in page and "rectification at the person's request" in page


def test_a_practitioners_change_keeps_the_history_too(subject: Nominal, make_user: Callable[..., User],
                                                      client_for: Callable[..., Client]) -> None:
    client = client_for(make_user("own", Role.PRACTITIONER))
    form = {"nominal_id": "N1", "family_name": "Smith", "given_names": "Jo", "date_of_birth": "01/01/1980",
            "gender": "", "area": "", "pnc_id": ""}
    assert client.post("/people/N1/edit/", form).status_code == 302
    [row] = Correction.objects.filter(nominal_id="N1")
    assert (row.field, row.old, row.new, row.rectification) == ("family_name", "Smyth", "Smith", False)


@pytest.mark.parametrize(("form", "message"), [
    ({"field": "date_of_birth", "value": "31/02/1980", "reason": "x"}, "Enter the date of birth as DD/MM/YYYY"),
    ({"field": "family_name", "value": "Smyth", "reason": "x"}, "That is what the record already holds"),
    ({"field": "family_name", "value": "Smith", "reason": ""}, "Enter the reason"),
    ({"field": "nominal_id", "value": "N9", "reason": "x"}, "Choose the detail to correct"),
], ids=["not-a-date", "unchanged", "no-reason", "not-rectifiable"])
def test_a_bad_rectification_is_refused(form: dict[str, str], message: str, subject: Nominal,
                                        admin: tuple[User, Client]) -> None:
    _, client = admin
    response = client.post("/records/N1/rectify/", form)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Correction.objects.exists()
