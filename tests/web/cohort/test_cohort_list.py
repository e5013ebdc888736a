"""The cohort list: who is on IOM on a date, filtered, sorted, 50 to a page, and audited."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from iomhub.web.cohort.models import CohortEpisode
from iomhub.web.custody.models import CustodyPeriod, Supervision
from iomhub.web.people.models import Nominal
from iomhub.web.risk.models import RiskAssessment
from tests.web.people.records import ACCESS, ACCESS_IDS, events_after, last_event_id, save, user_for

TODAY = timezone.localdate()
AGO = TODAY - timedelta(days=100)


@pytest.fixture
def cohort(nominal: Nominal) -> None:
    """N0001 Smith priority NW (no tier); N0002 Adams enhanced SE red, in custody; N0003 Brown standard NW
    green, supervised by NPS; N0004 Clark ended yesterday; N0005 Doyle not on IOM."""
    people = [Nominal(nominal_id=f"N000{i}", family_name=name, given_names="A", area=area)
              for i, name, area in [(2, "Adams", "SE"), (3, "Brown", "NW"), (4, "Clark", "NW"), (5, "Doyle", "NW")]]
    save(*people)
    n2, n3, n4, _ = people
    save(CohortEpisode(nominal=n2, scheme="enhanced", start_date=AGO),
         CohortEpisode(nominal=n3, scheme="standard", start_date=AGO + timedelta(days=1)),
         CohortEpisode(nominal=n4, scheme="priority", start_date=AGO, end_date=TODAY - timedelta(days=1)),
         RiskAssessment(nominal=n2, assessed_on=AGO, tier="green"),
         RiskAssessment(nominal=n2, assessed_on=AGO + timedelta(days=5), tier="red"),
         RiskAssessment(nominal=n3, assessed_on=AGO, tier="green"),
         RiskAssessment(nominal=n3, assessed_on=TODAY + timedelta(days=1), tier="red"),  # not yet
         CustodyPeriod(nominal=n2, start_date=TODAY - timedelta(days=3)),
         CustodyPeriod(nominal=n3, start_date=AGO, end_date=AGO + timedelta(days=2)),
         Supervision(nominal=n3, provider="nps", order_type="licence", start_date=AGO))


def ids_on(response: Any) -> list[str]:
    return re.findall(r'href="/people/(N\d+)/"', response.content.decode())


@pytest.mark.parametrize(("query", "expected"), [
    ("", ["N0002", "N0003", "N0001"]),
    ("level=enhanced", ["N0002"]),
    ("area=NW", ["N0003", "N0001"]),
    ("tier=red", ["N0002"]),
    ("tier=green", ["N0003"]),
    ("tier=none", ["N0001"]),
    ("status=custody", ["N0002"]),
    ("status=community", ["N0003", "N0001"]),
    ("lead=nps", ["N0003"]),
    ("lead=police", ["N0002", "N0001"]),
    ("area=NW&lead=police", ["N0001"]),
    (f"on={(TODAY - timedelta(days=1)):%d/%m/%Y}", ["N0002", "N0003", "N0004", "N0001"]),
    (f"on={AGO:%d/%m/%Y}&level=priority", ["N0004", "N0001"]),
], ids=["today", "level", "area", "tier-red", "tier-latest-on-or-before", "tier-none", "custody", "community",
        "lead-nps", "lead-police-by-default", "two-filters", "a-date-uk", "a-date-and-level"])
def test_filters(query: str, expected: list[str], users: dict[str, Any], cohort: None,
                 client_for: Callable[..., Client]) -> None:
    response = client_for(users["own"]).get(f"/cohort/?{query}")
    assert response.status_code == 200
    assert ids_on(response) == expected


@pytest.mark.parametrize(("sort", "expected"), [
    ("name", ["N0002", "N0003", "N0001"]), ("-name", ["N0001", "N0003", "N0002"]),
    ("level", ["N0001", "N0002", "N0003"]), ("-level", ["N0003", "N0002", "N0001"]),
    ("area", ["N0003", "N0001", "N0002"]), ("tier", ["N0002", "N0003", "N0001"]),
    ("start", ["N0001", "N0002", "N0003"]), ("-start", ["N0003", "N0002", "N0001"]),
    ("nonsense", ["N0002", "N0003", "N0001"]),
], ids=["name", "name-desc", "level-priority-first", "level-desc", "area", "tier-red-first", "start", "start-desc",
        "unknown-is-name"])
def test_sorting(sort: str, expected: list[str], users: dict[str, Any], cohort: None,
                 client_for: Callable[..., Client]) -> None:
    assert ids_on(client_for(users["own"]).get(f"/cohort/?sort={sort}")) == expected


def test_the_sort_links_keep_the_filters(users: dict[str, Any], cohort: None,
                                         client_for: Callable[..., Client]) -> None:
    page = client_for(users["own"]).get("/cohort/?area=NW&sort=name").content.decode()
    assert 'href="?area=NW&amp;sort=-name"' in page and 'aria-sort="ascending"' in page
    assert 'href="?area=NW&amp;sort=tier"' in page


def test_pages_of_50_keep_the_filters(users: dict[str, Any], nominal: Nominal,
                                      client_for: Callable[..., Client]) -> None:
    people = [Nominal(nominal_id=f"M{i:03d}", family_name=f"Person{i:03d}", area="SE") for i in range(60)]
    save(*people)
    save(*[CohortEpisode(nominal=p, scheme="standard", start_date=AGO) for p in people])
    client = client_for(users["own"])
    first = client.get("/cohort/?area=SE")
    assert first.content.decode().count('href="/people/M') == 50
    assert 'href="?area=SE&amp;sort=name&amp;page=2"' in first.content.decode()
    second = client.get("/cohort/?area=SE&sort=name&page=2").content.decode()
    assert second.count('href="/people/M') == 10 and "Page 2 of 2" in second


def test_an_invalid_filter_is_explained_and_the_list_still_shown(users: dict[str, Any], cohort: None,
                                                                 client_for: Callable[..., Client]) -> None:
    response = client_for(users["own"]).get("/cohort/?on=31/02/2016&level=gold")
    page = response.content.decode()
    assert response.status_code == 200
    assert "The date must be a real date" in page and "Choose a level from the list" in page
    assert ids_on(response) == ["N0002", "N0003", "N0001"]


@pytest.mark.parametrize(("agency", "role", "sees"), ACCESS, ids=ACCESS_IDS)
def test_the_list_is_audited_and_shows_people_only_to_the_partnership(
        agency: str, role: str, sees: bool, make_user: Any, cohort: None, client_for: Callable[..., Client]) -> None:
    user = user_for(make_user, agency, role)
    before = last_event_id()
    response = client_for(user).get("/cohort/")
    assert response.status_code == 200
    assert ids_on(response) == (["N0002", "N0003", "N0001"] if sees else [])
    [event] = events_after(before, operation="consultation")
    assert event.object_type == "cohort list" and event.username == user.username
    assert event.detail["nominal_ids"] == (["N0002", "N0003", "N0001"] if sees else [])


def test_the_list_is_get_only(users: dict[str, Any], db: Any, client_for: Callable[..., Client]) -> None:
    assert client_for(users["own"]).post("/cohort/").status_code == 405


def test_dates_are_taken_in_either_order(users: dict[str, Any], cohort: None,
                                         client_for: Callable[..., Client]) -> None:
    day = TODAY - timedelta(days=1)
    client = client_for(users["own"])
    assert ids_on(client.get(f"/cohort/?on={day.isoformat()}")) == ids_on(client.get(f"/cohort/?on={day:%d/%m/%Y}"))
