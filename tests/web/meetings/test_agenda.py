"""The agenda of the next meeting, on hand-made dates around a fixed today (15/06/2016)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from iomhub.web.accounts.models import User
from iomhub.web.meetings import briefing as b
from iomhub.web.people.models import Nominal
from tests.web.meetings.world import TODAY, action, custody, d, episode, meeting, person, tier


@pytest.fixture
def world(db: Any) -> None:
    """The last NW case management meeting was on 01/06/2016; the next is on 20/06/2016."""
    meeting("2016-06-01")
    meeting("2016-05-18")
    meeting("2016-06-20")
    meeting("2016-06-10", kind="operational")  # another type: not "the last meeting"
    meeting("2016-06-25", area="SE")
    person("NEW", since="2016-06-05")
    person("NEW-ON-DAY", since="2016-06-01")
    person("OLD", since="2016-05-31")  # joined the day before the last meeting
    level_change = person("LEVEL", since="2015-01-01", until="2016-06-02")
    episode(level_change, "2016-06-03", scheme="standard")  # not new: on IOM before the last meeting
    custody(person("RELEASED"), "2016-01-01", "2016-06-10")
    custody(person("RELEASED-BEFORE"), "2016-01-01", "2016-05-31")
    custody(person("RECALLED"), "2016-06-02", kind="recall")
    action(person("ACTION"), "2016-06-14")
    action(person("ACTION-DUE-TODAY"), "2016-06-15")
    tier(person("RED"), "2016-05-01", "red")
    red_then_green = person("GREEN-NOW")
    tier(red_then_green, "2016-01-01", "red")
    tier(red_then_green, "2016-05-01", "green")
    same_day = person("RED-SAME-DAY")
    tier(same_day, "2016-05-01", "green")
    tier(same_day, "2016-05-01", "red")
    tier(person("RED-TOMORROW"), "2016-06-16", "red")
    tier(person("SE-RED", area="SE"), "2016-05-01", "red")
    gone = person("LEFT", until="2016-06-10")
    tier(gone, "2016-05-01", "red")
    both = person("BOTH", since="2016-06-04")
    tier(both, "2016-06-04", "red")


NW_AGENDA = {
    "ACTION": ["Overdue actions"],
    "BOTH": ["New to the cohort", "Tier red"],
    "NEW": ["New to the cohort"],
    "NEW-ON-DAY": ["New to the cohort"],
    "RECALLED": ["Recalled to custody"],
    "RED": ["Tier red"],
    "RED-SAME-DAY": ["Tier red"],
    "RELEASED": ["Released from custody"],
}


def reasons(agenda: b.Agenda | None) -> dict[str, list[str]]:
    assert agenda is not None
    return {item.nominal.nominal_id: item.reasons for item in agenda.items}


def test_the_next_meeting_and_its_people(world: None) -> None:
    agenda = b.agenda(Nominal.objects.all(), TODAY)
    assert agenda is not None
    assert agenda.meeting.held_on == d("2016-06-20")
    assert agenda.previous is not None and agenda.previous.held_on == d("2016-06-01")
    assert agenda.since == d("2016-06-01")
    assert reasons(agenda) == NW_AGENDA
    assert [i.nominal.nominal_id for i in agenda.items] == sorted(NW_AGENDA)  # family name order


def test_a_meeting_for_every_area_lists_every_area(world: None) -> None:
    everywhere = meeting("2016-06-16", area="")
    agenda = b.agenda(Nominal.objects.all(), TODAY)
    assert agenda is not None and agenda.meeting == everywhere
    assert agenda.previous is None and agenda.since == d("2016-05-19")  # 28 days before: no earlier meeting
    found = reasons(agenda)
    assert found["SE-RED"] == ["Tier red"]
    assert found["OLD"] == ["New to the cohort"]  # joined 31/05, inside the 28 days
    assert found["RELEASED-BEFORE"] == ["Released from custody"]


def test_a_meeting_today_is_the_next_meeting(world: None) -> None:
    today = meeting("2016-06-15", meeting_id="TODAY")
    agenda = b.agenda(Nominal.objects.all(), TODAY)
    assert agenda is not None and agenda.meeting == today
    assert agenda.previous is not None and agenda.previous.held_on == d("2016-06-01")


def test_no_meeting_planned_gives_no_agenda(db: Any) -> None:
    meeting("2016-06-14")
    assert b.next_meeting(TODAY) is None
    assert b.agenda(Nominal.objects.all(), TODAY) is None


@pytest.mark.parametrize(("who", "count"), [("own", len(NW_AGENDA)), ("partner", len(NW_AGENDA)), ("unrelated", 0)],
                         ids=["own-agency", "partner-agency", "unrelated-agency"])
def test_the_agenda_lists_only_people_visible_to_the_user(who: str, count: int, world: None,
                                                          make_user: Callable[..., User]) -> None:
    agenda = b.agenda(Nominal.objects.visible_to(make_user(who)), TODAY)
    assert agenda is not None and len(agenda.items) == count
