"""Flags over time: adding a flag, ending it, plain-English messages, audit rows, the person page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client

from iomhub.web.people.models import Flag, Nominal
from tests.web.people.records import ACCESS, ACCESS_IDS, events_after, last_event_id, save, user_for

ADD = "/people/N0001/flags/new/"


def end_url(flag: Flag) -> str:
    return f"/people/N0001/flags/{flag.pk}/end/"


@pytest.fixture
def ppo(nominal: Nominal) -> Flag:
    """An open PPO flag since 01/04/2015."""
    flag = Flag(nominal=nominal, flag="ppo", start_date=date(2015, 4, 1))
    save(flag)
    return flag


@pytest.mark.parametrize(("agency", "role", "allowed"), ACCESS, ids=ACCESS_IDS)
def test_adding_a_flag(agency: str, role: str, allowed: bool, make_user: Any, nominal: Nominal,
                       client_for: Callable[..., Client]) -> None:
    user = user_for(make_user, agency, role)
    client = client_for(user)
    before = last_event_id()
    get = client.get(ADD)
    response = client.post(ADD, {"flag": "dip", "start_date": "14/02/2016", "end_date": ""})
    if allowed:
        assert get.status_code == 200 and b'<label class="govuk-label" for="id_start_date">' in get.content
        assert response.status_code == 302 and response["Location"] == "/people/N0001/"
        flag = Flag.objects.get()
        assert (flag.nominal_id, flag.flag, flag.start_date, flag.end_date) == ("N0001", "dip", date(2016, 2, 14),
                                                                                None)
        [event] = events_after(before, operation="collection")
        assert (event.object_type, event.object_id, event.nominal_id) == ("people.flag", str(flag.pk), "N0001")
        assert event.username == user.username
        assert event.detail == {"flag": "dip", "start_date": "2016-02-14", "end_date": ""}
    else:
        assert (get.status_code, response.status_code) == (404, 404)
        assert not Flag.objects.exists()
        assert not events_after(before, operation="collection")
        assert [e.operation for e in events_after(before)] == ["refusal", "refusal"]


@pytest.mark.parametrize(("agency", "role", "allowed"), ACCESS, ids=ACCESS_IDS)
def test_ending_a_flag_records_the_old_and_new_end_date(agency: str, role: str, allowed: bool, make_user: Any,
                                                        ppo: Flag, client_for: Callable[..., Client]) -> None:
    user = user_for(make_user, agency, role)
    client = client_for(user)
    before = last_event_id()
    get = client.get(end_url(ppo))
    response = client.post(end_url(ppo), {"end_date": "31/03/2017"})
    ppo.refresh_from_db()
    if allowed:
        assert get.status_code == 200 and b"Prolific and priority offender" in get.content
        assert response.status_code == 302 and response["Location"] == "/people/N0001/"
        assert ppo.end_date == date(2017, 3, 31)
        [event] = events_after(before, operation="alteration")
        assert (event.object_type, event.object_id, event.nominal_id) == ("people.flag", str(ppo.pk), "N0001")
        assert event.username == user.username
        assert event.detail == {"changed": {"end_date": {"old": "", "new": "2017-03-31"}}}
    else:
        assert (get.status_code, response.status_code) == (404, 404)
        assert ppo.end_date is None
        assert [e.operation for e in events_after(before)] == ["refusal", "refusal"]


def test_a_flag_of_another_person_cannot_be_ended_through_this_one(users: dict[str, Any], ppo: Flag,
                                                                  client_for: Callable[..., Client]) -> None:
    other = Nominal(nominal_id="N0002", family_name="Jones")
    save(other)
    response = client_for(users["own"]).post(f"/people/N0002/flags/{ppo.pk}/end/", {"end_date": "31/03/2017"})
    assert response.status_code == 404
    ppo.refresh_from_db()
    assert ppo.end_date is None
    assert client_for(users["own"]).get("/people/N0001/flags/999999/end/").status_code == 404


@pytest.mark.parametrize(("data", "message"), [
    ({"flag": ""}, "Choose a flag"),
    ({"flag": "astronaut"}, "Choose a flag from the list"),
    ({"start_date": ""}, "Enter the start date"),
    ({"start_date": "14th Feb 2016"}, "Enter the start date as DD/MM/YYYY"),
    ({"start_date": "31/02/2016"}, "The start date must be a real date"),
    ({"end_date": "13/02/2016"}, "The end date cannot be before the start date"),
    ({"flag": "ppo", "start_date": "01/01/2014", "end_date": "01/04/2015"},
     "This person already has the flag Prolific and priority offender from 01/04/2015, with no end date"),
    ({"flag": "ppo", "start_date": "01/01/2020"}, "the same flag cannot be recorded twice for the same days"),
], ids=["no-flag", "unknown-flag", "no-start", "start-words", "start-not-real", "end-before-start",
        "overlap-by-one-day", "overlap-open"])
def test_a_flag_that_is_not_valid_is_refused_with_a_message(data: dict[str, str], message: str,
                                                             users: dict[str, Any], ppo: Flag,
                                                             client_for: Callable[..., Client]) -> None:
    before = last_event_id()
    response = client_for(users["own"]).post(ADD, {"flag": "dip", "start_date": "14/02/2016", **data})
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "There is a problem" in page
    assert Flag.objects.count() == 1
    assert not events_after(before, operation="collection")


def test_the_same_flag_may_follow_itself_and_other_flags_may_run_alongside(users: dict[str, Any], ppo: Flag,
                                                                           client_for: Callable[..., Client]) -> None:
    client = client_for(users["own"])
    assert client.post(end_url(ppo), {"end_date": "31/03/2017"}).status_code == 302
    assert client.post(ADD, {"flag": "ppo", "start_date": "01/04/2017"}).status_code == 302  # the day after
    assert client.post(ADD, {"flag": "dip", "start_date": "01/01/2016"}).status_code == 302  # another flag
    response = client.post(ADD, {"flag": "ppo", "start_date": "01/01/2017", "end_date": "31/03/2017"})
    assert response.status_code == 400
    assert "from 01/04/2015 to 31/03/2017" in response.content.decode()
    assert Flag.objects.count() == 3


@pytest.mark.parametrize(("end", "message"), [
    ("", "Enter the end date"),
    ("31/03/2015", "The end date cannot be before the flag&#x27;s start date, 01/04/2015"),
    ("32/01/2017", "The end date must be a real date"),
], ids=["no-date", "before-start", "not-real"])
def test_an_end_date_that_is_not_valid_is_refused_with_a_message(end: str, message: str, users: dict[str, Any],
                                                                  ppo: Flag, client_for: Callable[..., Client]) -> None:
    before = last_event_id()
    response = client_for(users["own"]).post(end_url(ppo), {"end_date": end})
    assert response.status_code == 400
    assert message in response.content.decode()
    ppo.refresh_from_db()
    assert ppo.end_date is None
    assert not events_after(before, operation="alteration")


def test_a_flag_that_has_ended_cannot_be_ended_again(users: dict[str, Any], ppo: Flag,
                                                     client_for: Callable[..., Client]) -> None:
    client = client_for(users["own"])
    assert client.post(end_url(ppo), {"end_date": "31/03/2017"}).status_code == 302
    before = last_event_id()
    response = client.post(end_url(ppo), {"end_date": "30/04/2017"})
    assert response.status_code == 400
    assert "This flag already ended on 31/03/2017" in response.content.decode()
    ppo.refresh_from_db()
    assert ppo.end_date == date(2017, 3, 31)
    assert not events_after(before, operation="alteration")


def test_open_flags_show_on_the_person_page_with_their_start_and_a_link_to_end_them(
        users: dict[str, Any], nominal: Nominal, client_for: Callable[..., Client]) -> None:
    client = client_for(users["own"])
    page = client.get("/people/N0001/").content.decode()
    assert f'href="{ADD}"' in page
    assert client.post(ADD, {"flag": "gangs", "start_date": "01/06/2016"}).status_code == 302
    assert client.post(ADD, {"flag": "dip", "start_date": "01/01/2016", "end_date": "01/02/2016"}).status_code == 302
    gangs = Flag.objects.get(flag="gangs")
    page = client.get("/people/N0001/").content.decode()
    assert "Gangs since 01/06/2016" in page
    assert f'href="{end_url(gangs)}"' in page
    assert "Drug interventions programme since" not in page  # ended: no longer a current flag
    assert client.post(end_url(gangs), {"end_date": "01/07/2016"}).status_code == 302
    page = client.get("/people/N0001/").content.decode()
    assert "Gangs since" not in page and end_url(gangs) not in page
