"""The cohort list: who is on IOM on a date, filtered, sorted, 50 to a page, and audited."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from iomhub.web.accounts.constants import Role
from iomhub.web.audit.context import Actor
from iomhub.web.cohort.models import CohortEpisode
from iomhub.web.cohort.services import change_level
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


# --- pages kept per data version and per set of people a user may see ----------------------------
# The cohort list's pages are kept per data version and per set of people a user may see.
#
# Drawing fifty rows and ranking them costs most of the page; the same page is the same for every
# user who sees the same people until a record changes (``performance/cache.py``). What must
# hold: a kept page is the page that would be drawn, a change shows at once, a user who may see
# no one never gets a page kept for one who may, and every view is still audited with the
# people it showed.

SHOWN = ["N0002", "N0003", "N0001"]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def page_text(response: Any) -> str:
    """The page without its CSRF token (a new one is masked into every response)."""
    return CSRF.sub("", response.content.decode())


def listed(response: Any) -> str:
    """The part of the page about the people listed: the count, the table, the page links."""
    text = response.content.decode()
    return re.search(r"Everyone on IOM[^<]*", text).group(0) + text[text.index('<div class="app-table-scroll"'):
                                                                   text.index("</main>")]


@pytest.mark.parametrize("query", ["", "sort=-tier&level=enhanced", "area=NW&page=2", "sort=bogus"],
                         ids=["plain", "sorted-filtered", "past-the-last-page", "unknown-sort"])
def test_a_kept_page_is_the_page_drawn_and_costs_fewer_queries(
        query: str, users: dict[str, Any], cohort: None, client_for: Callable[..., Client]) -> None:
    client = client_for(users["own"])
    drawn, kept = [], []
    with connection.execute_wrapper(lambda run, sql, *rest: drawn.append(sql) or run(sql, *rest)):
        made = client.get(f"/cohort/?{query}")
    with connection.execute_wrapper(lambda run, sql, *rest: kept.append(sql) or run(sql, *rest)):
        again = client.get(f"/cohort/?{query}")
    partner = client_for(users["partner"]).get(f"/cohort/?{query}")
    assert made.status_code == again.status_code == partner.status_code == 200
    assert page_text(again) == page_text(made)
    assert listed(partner) == listed(made), "another agency's case worker sees the same people"
    assert len(kept) < len(drawn) - 1, (kept, drawn)  # neither the count nor the rows read again


def test_a_change_of_record_shows_at_once(users: dict[str, Any], cohort: None,
                                          client_for: Callable[..., Client]) -> None:
    client = client_for(users["own"])
    assert "Enhanced" in client.get("/cohort/?level=enhanced").content.decode()
    change_level(Actor.system("test"), Nominal.objects.get(nominal_id="N0002"), "priority", timezone.localdate(),
                 reason="escalated")
    assert ids_on(client.get("/cohort/?level=enhanced")) == []
    assert ids_on(client.get("/cohort/?level=priority")) == ["N0002", "N0001"]


@pytest.mark.parametrize(("agency", "role", "sees"), [a for a in ACCESS if not a[2]],
                         ids=[i for i, a in zip(ACCESS_IDS, ACCESS, strict=True) if not a[2]])
def test_who_may_see_no_one_never_gets_a_page_kept_for_who_may(
        agency: str, role: str, sees: bool, make_user: Any, cohort: None,
        client_for: Callable[..., Client]) -> None:
    case_worker = make_user("own", Role.PRACTITIONER, username="case-worker")
    assert ids_on(client_for(case_worker).get("/cohort/")) == SHOWN  # kept now
    outsider = user_for(make_user, agency, role)
    before = last_event_id()
    response = client_for(outsider).get("/cohort/")
    assert ids_on(response) == [] and "Smith" not in response.content.decode()
    [event] = events_after(before, operation="consultation")
    assert event.username == outsider.username and event.detail["nominal_ids"] == []


def test_every_view_of_a_kept_page_is_audited_with_who_it_showed(
        users: dict[str, Any], cohort: None, client_for: Callable[..., Client]) -> None:
    before = last_event_id()
    for user in (users["own"], users["partner"], users["own"]):
        assert ids_on(client_for(user).get("/cohort/")) == SHOWN
    events = events_after(before, operation="consultation")
    assert [event.username for event in events] == [users["own"].username, users["partner"].username,
                                                     users["own"].username]
    assert all(event.detail["nominal_ids"] == SHOWN for event in events)


def test_users_with_the_same_visibility_key_see_the_same_people(
        make_user: Any, nominal: Nominal, agencies: dict[str, Any]) -> None:
    """Every agency x role, and a disabled user: equal keys mean equal sets of people, and the
    partnership's case workers and everyone else have different keys."""
    save(Nominal(nominal_id="N0009", family_name="Other"))
    people = [make_user(agency, role, username=f"{agency}-{role}")
              for agency, role in itertools.product(agencies, Role.values)]
    people.append(make_user("own", Role.PRACTITIONER, username="disabled", is_active=False))
    seen = {user.username: set(Nominal.objects.visible_to(user).values_list("nominal_id", flat=True))
            for user in people}
    keys = {user.username: Nominal.objects.visibility_key(user) for user in people}
    for one, other in itertools.combinations(people, 2):
        if keys[one.username] == keys[other.username]:
            assert seen[one.username] == seen[other.username], (one.username, other.username)
    assert len(set(keys.values())) == 2, "case workers and everyone else"
    assert seen["own-practitioner"] == {"N0001", "N0009"} and seen["own-analyst"] == set()
