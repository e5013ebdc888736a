"""Level changes (no overlap: the old episode ends the day before) and exits with a reason."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client

from iomhub.web.audit.context import Actor
from iomhub.web.cohort.models import CohortEpisode
from iomhub.web.cohort.services import EpisodeOverlap, exit_episode, open_episode
from iomhub.web.people.models import Nominal
from tests.web.people.records import ACCESS, ACCESS_IDS, events_after, last_event_id, user_for


@pytest.mark.parametrize(("agency", "role", "allowed"), ACCESS, ids=ACCESS_IDS)
def test_changing_the_level(agency: str, role: str, allowed: bool, make_user: Any, nominal: Nominal,
                            client_for: Callable[..., Client]) -> None:
    client = client_for(user_for(make_user, agency, role))
    before = last_event_id()
    get = client.get("/cohort/N0001/level/")
    response = client.post("/cohort/N0001/level/", {"scheme": "enhanced", "on": "01/06/2016", "reason": "Settled"})
    episodes = list(CohortEpisode.objects.order_by("start_date").values_list("scheme", "start_date", "end_date"))
    if allowed:
        assert get.status_code == 200 and response.status_code == 302
        assert episodes == [("priority", date(2015, 4, 1), date(2016, 5, 31)), ("enhanced", date(2016, 6, 1), None)]
        events = events_after(before, nominal_id="N0001")
        assert [e.operation for e in events] == ["consultation", "alteration", "collection"]
        assert events[1].detail["changed"]["end_date"] == {"old": None, "new": "2016-05-31"}
        assert events[2].justification == "Settled"
    else:
        assert (get.status_code, response.status_code) == (404, 404)
        assert episodes == [("priority", date(2015, 4, 1), None)]


@pytest.mark.parametrize(("data", "message"), [
    ({"scheme": "priority", "on": "01/06/2016", "reason": "x"}, "is already at priority level"),
    ({"scheme": "enhanced", "on": "01/04/2015", "reason": "x"}, "The new level must start after 01/04/2015"),
    ({"scheme": "enhanced", "on": "2016-6-1x", "reason": "x"}, "Enter the date the new level starts as DD/MM/YYYY"),
    ({"scheme": "", "on": "01/06/2016", "reason": "x"}, "Choose the new level"),
    ({"scheme": "enhanced", "on": "01/06/2016", "reason": ""}, "Enter the reason for the change"),
], ids=["same-level", "not-after-start", "bad-date", "no-level", "no-reason"])
def test_a_level_change_that_is_not_valid_is_refused(data: dict[str, str], message: str, users: dict[str, Any],
                                                     nominal: Nominal, client_for: Callable[..., Client]) -> None:
    response = client_for(users["own"]).post("/cohort/N0001/level/", data)
    assert response.status_code == 400 and message in response.content.decode()
    assert CohortEpisode.objects.count() == 1 and CohortEpisode.objects.get().end_date is None


@pytest.mark.parametrize(("agency", "role", "allowed"), ACCESS, ids=ACCESS_IDS)
def test_ending_management(agency: str, role: str, allowed: bool, make_user: Any, nominal: Nominal,
                           client_for: Callable[..., Client]) -> None:
    client = client_for(user_for(make_user, agency, role))
    before = last_event_id()
    get = client.get("/cohort/N0001/exit/")
    response = client.post("/cohort/N0001/exit/", {"end": "30/09/2016", "exit_reason": "Completed"})
    episode = CohortEpisode.objects.get()
    if allowed:
        assert get.status_code == 200 and response.status_code == 302
        assert (episode.end_date, episode.exit_reason) == (date(2016, 9, 30), "Completed")
        [event] = events_after(before, operation="alteration")
        assert event.nominal_id == "N0001" and event.justification == "Completed"
    else:
        assert (get.status_code, response.status_code) == (404, 404)
        assert episode.end_date is None


@pytest.mark.parametrize(("data", "message"), [
    ({"end": "30/09/2016", "exit_reason": ""}, "Enter the reason for leaving IOM"),
    ({"end": "", "exit_reason": "Completed"}, "Enter the last day on IOM"),
    ({"end": "31/03/2015", "exit_reason": "Completed"}, "cannot be before 01/04/2015"),
], ids=["no-reason", "no-date", "before-start"])
def test_an_exit_that_is_not_valid_is_refused(data: dict[str, str], message: str, users: dict[str, Any],
                                              nominal: Nominal, client_for: Callable[..., Client]) -> None:
    response = client_for(users["own"]).post("/cohort/N0001/exit/", data)
    assert response.status_code == 400 and message in response.content.decode()
    assert CohortEpisode.objects.get().end_date is None


def test_no_one_can_leave_twice(users: dict[str, Any], nominal: Nominal, client_for: Callable[..., Client],
                                system: Actor) -> None:
    exit_episode(system, nominal, date(2016, 1, 1), "Completed")
    response = client_for(users["own"]).post("/cohort/N0001/exit/", {"end": "30/09/2016", "exit_reason": "Again"})
    assert response.status_code == 400 and "is not on IOM" in response.content.decode()


@pytest.mark.parametrize(("ended", "start"), [(None, date(2016, 1, 1)), (date(2016, 1, 31), date(2016, 1, 31)),
                                              (date(2016, 1, 31), date(2015, 1, 1))],
                         ids=["open-episode", "same-day-as-the-end", "earlier-start-running-into-it"])
def test_episodes_never_overlap(ended: date | None, start: date, nominal: Nominal, system: Actor) -> None:
    if ended:
        exit_episode(system, nominal, ended, "Completed")
    with pytest.raises(EpisodeOverlap, match="already on IOM at priority level from 01/04/2015"):
        open_episode(system, nominal, "standard", start)
    assert CohortEpisode.objects.count() == 1


def test_a_new_episode_may_start_the_day_after_the_last_ended(nominal: Nominal, system: Actor) -> None:
    exit_episode(system, nominal, date(2016, 1, 31), "Completed")
    open_episode(system, nominal, "standard", date(2016, 2, 1))
    assert CohortEpisode.objects.count() == 2
