"""The Selection page: the ranking with its breakdown, names for case workers, pseudonyms for the
others, refusals outside the partnership, and one audit row naming everyone shown.

The offences are those of the hand-checked case in ``tests/metrics/test_selection.py``: as at
31/03/2016, Adams (C there) scores 84.784922, Brown (A) 67.293135 and Evans (B) 30.211788.
Smith (N0001) is on IOM and Clark (N0004) in custody with no release date: both left out.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client

from iomhub.web.accounts.constants import Role
from iomhub.web.cohort.selection import pseudonym
from iomhub.web.custody.models import CustodyPeriod
from iomhub.web.offences.models import Offence
from iomhub.web.people.models import Nominal
from tests.web.people.records import events_after, last_event_id, save, user_for

AS_AT = {"as_at": "31/03/2016"}
ORDER = ["N0002", "N0003", "N0006"]
NAMES = ("Adams", "Brown", "Evans", "Clark", "Smith")


@pytest.fixture
def offenders(nominal: Nominal) -> None:
    people = {i: Nominal(nominal_id=f"N000{i}", family_name=name, given_names="Al", area=area)
              for i, name, area in [(2, "Adams", "SE"), (3, "Brown", "NW"), (4, "Clark", "NW"), (6, "Evans", "NE")]}
    save(*people.values())
    rows = [("a1", 3, date(2016, 3, 31), "shoplifting"), ("a2", 3, date(2016, 3, 1), "shoplifting"),
            ("a3", 3, date(2015, 6, 1), ""), ("b1", 6, date(2014, 4, 1), "violence_with_injury"),
            ("b0", 6, date(2014, 3, 31), "violence_with_injury"), ("c1", 2, date(2016, 1, 1), "robbery"),
            ("c2", 2, date(2015, 12, 31), "burglary_residential"), ("d1", 4, date(2016, 1, 15), "robbery")]
    save(*(Offence(offence_id=oid, nominal=people[who], offence_date=day, category=category)
           for oid, who, day, category in rows),
         Offence(offence_id="s1", nominal=nominal, offence_date=date(2016, 2, 1), category="robbery"),
         CustodyPeriod(nominal=people[4], start_date=date(2016, 1, 20), custody_type="remand"))


def shown_ids(content: str) -> list[str]:
    return re.findall(r'href="/people/(N\d+)/"', content)


@pytest.mark.parametrize(("agency", "role"), [("own", Role.PRACTITIONER), ("partner", Role.PRACTITIONER),
                                              ("own", Role.MANAGER)], ids=["own-agency", "partner-agency", "manager"])
def test_case_workers_see_names_in_rank_order_with_the_breakdown(
        agency: str, role: str, make_user: Callable[..., Any], offenders: None,
        client_for: Callable[..., Client]) -> None:
    user = user_for(make_user, agency, role)
    before = last_event_id()
    response = client_for(user).get("/cohort/selection/", AS_AT)
    assert response.status_code == 200
    content = response.content.decode()
    assert shown_ids(content) == ORDER
    assert "Adams, Al" in content and "Smith" not in content and "Clark" not in content
    for figure in ("84.8", "87.7", "66.7", "100.0", "67.3", "30.2", "0.1", "33.3", "57.2"):
        assert f">{figure}<" in content or f"<strong>{figure}</strong>" in content, figure
    assert "robbery 1 (365 days); burglary residential 1 (273.5 days)" in content
    assert "unknown 1 (10 days); shoplifting 2 (2 days)" in content
    assert "1 current cohort member and 1 person in long custody" in content
    assert "Cambridge Crime Harm Index" in content
    [event] = events_after(before)
    assert (event.operation, event.object_type, event.user) == ("consultation", "cohort selection", user)
    assert event.detail["nominal_ids"] == ORDER
    assert (event.detail["as_at"], event.detail["top"], event.detail["shown_by_name"]) == ("2016-03-31", 50, True)


@pytest.mark.parametrize(("agency", "role"), [("own", Role.ANALYST), ("partner", Role.ANALYST),
                                              ("own", Role.ADMINISTRATOR)],
                         ids=["own-analyst", "partner-analyst", "administrator"])
def test_others_of_the_partnership_see_pseudonymised_rows(
        agency: str, role: str, make_user: Callable[..., Any], offenders: None,
        client_for: Callable[..., Client]) -> None:
    user = user_for(make_user, agency, role)
    before = last_event_id()
    content = client_for(user).get("/cohort/selection/", AS_AT).content.decode()
    assert not [name for name in NAMES if name in content]
    assert not re.search(r"N000\d", content)
    assert "01/01/2016" not in content and ">SE<" not in content  # no dates, no area
    pseudonyms = [pseudonym(nominal_id) for nominal_id in ORDER]
    positions = [content.index(p) for p in pseudonyms]
    assert positions == sorted(positions)  # in rank order
    assert len(set(pseudonyms)) == 3 and all(re.fullmatch(r"P-[0-9a-f]{10}", p) for p in pseudonyms)
    assert "<strong>84.8</strong>" in content and "90 days ago" in content
    assert "Names are not shown to your role" in content
    [event] = events_after(before)
    assert event.operation == "consultation"
    assert event.detail["nominal_ids"] == ORDER and event.detail["shown_by_name"] is False


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.ANALYST])
@pytest.mark.parametrize("method", ["get", "post"])
def test_an_unrelated_agency_is_refused_and_the_refusal_recorded(
        role: str, method: str, make_user: Callable[..., Any], offenders: None,
        client_for: Callable[..., Client]) -> None:
    before = last_event_id()
    response = getattr(client_for(user_for(make_user, "unrelated", role)), method)("/cohort/selection/", AS_AT)
    assert response.status_code == 404
    assert not [name for name in NAMES if name in response.content.decode()]
    assert [e.operation for e in events_after(before)] == ["refusal"]


def test_the_page_answers_get_only(users: dict[str, Any], offenders: None, client_for: Callable[..., Client]) -> None:
    before = last_event_id()
    assert client_for(users["own"]).post("/cohort/selection/", AS_AT).status_code == 405
    assert events_after(before) == []


def test_how_many_is_chosen(users: dict[str, Any], offenders: None, client_for: Callable[..., Client]) -> None:
    before = last_event_id()
    content = client_for(users["partner"]).get("/cohort/selection/", {**AS_AT, "top": "2"}).content.decode()
    assert shown_ids(content) == ORDER[:2]
    assert "the first 2 are listed" in content
    [event] = events_after(before)
    assert event.detail["nominal_ids"] == ORDER[:2] and event.detail["top"] == 2


@pytest.mark.parametrize(("query", "message"), [
    ({"top": "0"}, "List at least 1 person"), ({"top": "501"}, "List at most 500 people"),
    ({"top": "many"}, "Enter how many people to list as a whole number"),
    ({"as_at": "31/02/2016"}, "must be a real date"), ({"as_at": "01/01/2999"}, "must be today or in the past"),
], ids=["zero", "too-many", "not-a-number", "not-a-date", "future"])
def test_bad_choices_are_explained_and_nothing_is_shown(
        query: dict[str, str], message: str, users: dict[str, Any], offenders: None,
        client_for: Callable[..., Client]) -> None:
    before = last_event_id()
    response = client_for(users["own"]).get("/cohort/selection/", query)
    assert response.status_code == 200
    content = response.content.decode()
    assert message in content
    assert shown_ids(content) == [] and events_after(before) == []


def test_old_data_are_ranked_as_at_their_latest_offence(users: dict[str, Any], offenders: None,
                                                        client_for: Callable[..., Client]) -> None:
    content = client_for(users["own"]).get("/cohort/selection/").content.decode()
    assert "As at 31/03/2016 (the date of the latest offence in the data)" in content
    assert shown_ids(content) == ORDER


def test_no_offences_no_one_to_rank(users: dict[str, Any], nominal: Nominal,
                                    client_for: Callable[..., Client]) -> None:
    before = last_event_id()
    content = client_for(users["own"]).get("/cohort/selection/").content.decode()
    assert "No offences are recorded yet" in content
    assert events_after(before) == []


def test_the_navigation_links_to_the_page(users: dict[str, Any], client_for: Callable[..., Client]) -> None:
    assert 'href="/cohort/selection/">Selection</a>' in client_for(users["own"]).get("/cohort/").content.decode()


def test_the_page_and_the_command_rank_alike(users: dict[str, Any], offenders: None) -> None:
    """The CLI's --database reads the same database through the same metric, and audits the read."""
    from click.testing import CliRunner

    from iomhub.cli import main

    before = last_event_id()
    result = CliRunner().invoke(main, ["select", "--database", "--as", "own-practitioner", "--as-at", "31/03/2016",
                                       "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert [line.split(",")[1] for line in result.stdout.splitlines()[1:]] == ORDER
    [event] = events_after(before)
    assert (event.operation, event.username, event.detail["nominal_ids"]) == ("consultation", "own-practitioner",
                                                                               ORDER)
    assert event.detail["where"] == "terminal"
