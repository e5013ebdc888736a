"""Custody periods (with the expected release) and supervision: forms, validation, audit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client

from iomhub.web.custody.models import CustodyPeriod, Supervision
from iomhub.web.people.models import Nominal
from tests.web.people.records import ACCESS, ACCESS_IDS, events_after, last_event_id, save, user_for

CUSTODY = {"start_date": "01/02/2016", "custody_type": "remand", "expected_release_date": "01/05/2016"}
SUPERVISION = {"provider": "nps", "order_type": "licence", "start_date": "01/05/2016"}


@pytest.mark.parametrize(("kind", "model", "data"), [("custody", CustodyPeriod, CUSTODY),
                                                     ("supervision", Supervision, SUPERVISION)],
                         ids=["custody", "supervision"])
@pytest.mark.parametrize(("agency", "role", "allowed"), ACCESS, ids=ACCESS_IDS)
def test_recording(kind: str, model: Any, data: dict[str, str], agency: str, role: str, allowed: bool,
                   make_user: Any, nominal: Nominal, client_for: Callable[..., Client]) -> None:
    client = client_for(user_for(make_user, agency, role))
    before = last_event_id()
    url = f"/custody/N0001/{kind}/new/"
    get = client.get(url)
    response = client.post(url, data)
    if allowed:
        assert get.status_code == 200 and response.status_code == 302
        record = model.objects.get()
        assert record.start_date == date(2016, 2, 1) if kind == "custody" else date(2016, 5, 1)
        [event] = events_after(before, operation="collection")
        assert event.nominal_id == "N0001" and event.object_type == f"custody.{model.__name__.lower()}"
    else:
        assert (get.status_code, response.status_code) == (404, 404)
        assert model.objects.count() == 0


def test_recording_a_release_is_audited_with_old_and_new(users: dict[str, Any], nominal: Nominal,
                                                         client_for: Callable[..., Client]) -> None:
    period = CustodyPeriod(nominal=nominal, start_date=date(2016, 2, 1), custody_type="remand")
    save(period)
    before = last_event_id()
    url = f"/custody/N0001/custody/{period.pk}/"
    client = client_for(users["partner"])
    assert b'value="01/02/2016"' in client.get(url).content
    response = client.post(url, {**CUSTODY, "end_date": "20/04/2016"})
    assert response.status_code == 302
    period.refresh_from_db()
    assert period.end_date == date(2016, 4, 20)
    [event] = events_after(before, operation="alteration")
    assert event.detail["changed"]["end_date"] == {"old": None, "new": "2016-04-20"}
    assert event.nominal_id == "N0001"


def test_a_record_of_another_person_is_a_404(users: dict[str, Any], nominal: Nominal,
                                             client_for: Callable[..., Client]) -> None:
    other = Nominal(nominal_id="N0002", family_name="Other")
    save(other)
    period = CustodyPeriod(nominal=other, start_date=date(2016, 2, 1))
    save(period)
    client = client_for(users["own"])
    assert client.get(f"/custody/N0001/custody/{period.pk}/").status_code == 404
    assert client.post(f"/custody/N0001/custody/{period.pk}/", {**CUSTODY, "end_date": "01/03/2016"}).status_code == 404
    period.refresh_from_db()
    assert period.end_date is None


@pytest.mark.parametrize(("url", "data", "message"), [
    ("custody", {**CUSTODY, "start_date": ""}, "Enter the date custody started"),
    ("custody", {**CUSTODY, "start_date": "2016/02/01"}, "Enter the date custody started as DD/MM/YYYY"),
    ("custody", {**CUSTODY, "end_date": "01/01/2016"}, "The end date must be on or after the start date"),
    ("custody", {**CUSTODY, "expected_release_date": "01/01/2016"},
     "The expected release date must be on or after the start date"),
    ("custody", {**CUSTODY, "start_date": "01/03/2016"}, "overlaps the custody period from 01/02/2016"),
    ("supervision", {**SUPERVISION, "provider": ""}, "Choose the provider"),
    ("supervision", {**SUPERVISION, "start_date": "30/02/2016"},
     "The start date of the supervision must be a real date"),
], ids=["no-start", "bad-date", "end-before-start", "release-before-start", "overlapping-custody", "no-provider",
        "no-such-day"])
def test_a_record_that_is_not_valid_is_refused(url: str, data: dict[str, str], message: str, users: dict[str, Any],
                                               nominal: Nominal, client_for: Callable[..., Client]) -> None:
    save(CustodyPeriod(nominal=nominal, start_date=date(2016, 2, 1)))
    response = client_for(users["own"]).post(f"/custody/N0001/{url}/new/", data)
    assert response.status_code == 400 and message in response.content.decode()
    assert CustodyPeriod.objects.count() == 1 and Supervision.objects.count() == 0
