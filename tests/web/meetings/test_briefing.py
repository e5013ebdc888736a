"""The daily briefing's queries, on hand-made dates around a fixed today (15/06/2016).

With the default 7 days the window is 08/06/2016 to 15/06/2016, both included.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from iomhub.web.accounts.models import User
from iomhub.web.meetings import briefing as b
from iomhub.web.people.models import Nominal
from tests.web.meetings.world import TODAY, action, assessed, custody, d, episode, offence, person


@pytest.fixture
def everyone(db: Any) -> Any:
    return Nominal.objects.all()


def test_the_window_is_the_last_n_days_and_today() -> None:
    assert b.window_start(TODAY, 7) == date(2016, 6, 8)
    assert b.window_start(TODAY, 1) == date(2016, 6, 14)


@pytest.mark.parametrize(("committed", "detected", "shown"), [
    ("2016-06-08", None, True),
    ("2016-06-07", None, False),
    ("2016-06-15", None, True),
    ("2016-06-16", None, False),
    ("2016-05-01", "2016-06-10", True),
    ("2016-05-01", "2016-06-07", False),
    ("2016-06-07", "2016-06-08", True),
], ids=["committed-first-day", "committed-day-before", "committed-today", "committed-tomorrow",
        "old-offence-detected-in-window", "detected-before-window", "detected-first-day"])
def test_offences_by_offence_or_detected_date(committed: str, detected: str | None, shown: bool,
                                              everyone: Any) -> None:
    offence(person("N1"), committed, detected)
    assert [o.nominal_id for o in b.recent_offences(everyone, TODAY, 7)] == (["N1"] if shown else [])


def test_the_number_of_days_widens_the_window(everyone: Any) -> None:
    offence(person("N1"), "2016-05-20")
    assert not b.recent_offences(everyone, TODAY, 7).exists()
    assert b.recent_offences(everyone, TODAY, 30).count() == 1


@pytest.mark.parametrize(("end", "shown"), [("2016-06-08", True), ("2016-06-15", True), ("2016-06-07", False),
                                            ("2016-06-16", False), (None, False)],
                         ids=["first-day", "today", "day-before", "tomorrow", "still-in"])
def test_releases_by_custody_end_date(end: str | None, shown: bool, everyone: Any) -> None:
    custody(person("N1"), "2016-01-01", end)
    assert [c.nominal_id for c in b.releases(everyone, TODAY, 7)] == (["N1"] if shown else [])


@pytest.mark.parametrize(("start", "kind", "shown"), [("2016-06-10", "recall", True), ("2016-06-08", "recall", True),
                                                      ("2016-06-07", "recall", False),
                                                      ("2016-06-10", "sentenced", False),
                                                      ("2016-06-10", "remand", False)],
                         ids=["recall-in-window", "recall-first-day", "recall-day-before", "sentenced", "remand"])
def test_recalls_by_start_date(start: str, kind: str, shown: bool, everyone: Any) -> None:
    custody(person("N1"), start, kind=kind)
    assert [c.nominal_id for c in b.recalls(everyone, TODAY, 7)] == (["N1"] if shown else [])


@pytest.mark.parametrize(("end", "expected", "shown"), [
    (None, "2016-06-15", True),
    (None, "2016-07-13", True),
    (None, "2016-07-14", False),
    (None, "2016-06-14", False),
    (None, None, False),
    ("2016-06-10", "2016-06-20", False),
    ("2016-06-30", "2016-06-30", True),
], ids=["today", "in-28-days", "in-29-days", "yesterday", "no-expected-date", "already-released",
        "end-date-set-in-future"])
def test_releases_due_in_the_next_28_days(end: str | None, expected: str | None, shown: bool,
                                          everyone: Any) -> None:
    custody(person("N1"), "2016-01-01", end, expected)
    assert [c.nominal_id for c in b.releases_due(everyone, TODAY)] == (["N1"] if shown else [])


@pytest.mark.parametrize(("since", "until", "last", "due"), [
    ("2015-01-01", None, "2016-03-16", None),
    ("2015-01-01", None, "2016-03-15", "2016-06-14"),
    ("2015-01-01", None, None, "2015-01-29"),
    ("2016-05-18", None, None, None),
    ("2016-05-17", None, None, "2016-06-14"),
    ("2015-01-01", "2016-06-01", "2015-02-01", None),
    ("2015-01-01", "2016-06-15", "2015-02-01", "2015-05-03"),
], ids=["assessed-91-days-ago", "assessed-92-days-ago", "never-assessed-long-on-iom", "new-28-days-no-assessment",
        "new-29-days-no-assessment", "left-iom", "leaves-today"])
def test_reassessments_overdue(since: str, until: str | None, last: str | None, due: str | None,
                               everyone: Any) -> None:
    nominal = person("N1", since=since, until=until)
    if last:
        assessed(nominal, last)
    found = b.reassessments_overdue(everyone, TODAY)
    assert [(r.nominal.nominal_id, r.due_on) for r in found] == ([("N1", d(due))] if due else [])
    if due:
        assert found[0].days_overdue == (TODAY - d(due)).days
        assert found[0].last_assessed_on == (d(last) if last else None)


def test_the_latest_assessment_counts_and_the_current_episode_starts_the_clock(everyone: Any) -> None:
    old_hand = person("N1", since="2014-01-01")
    assessed(old_hand, "2015-01-01")
    assessed(old_hand, "2016-05-01")
    returner = person("N2", since="2014-01-01", until="2014-12-31")
    episode(returner, "2016-06-01")
    assert b.reassessments_overdue(everyone, TODAY) == []


@pytest.mark.parametrize(("due", "status", "shown"), [("2016-06-14", "open", True), ("2016-06-15", "open", False),
                                                      ("2016-06-01", "done", False),
                                                      ("2016-06-01", "cancelled", False)],
                         ids=["due-yesterday", "due-today", "done", "cancelled"])
def test_overdue_actions(due: str, status: str, shown: bool, everyone: Any) -> None:
    action(person("N1"), due, status)
    assert [a.nominal_id for a in b.overdue_actions(everyone, TODAY)] == (["N1"] if shown else [])


@pytest.fixture
def busy(db: Any) -> Nominal:
    """One person with something in every section of the briefing."""
    nominal = person("N1", since="2015-01-01")
    offence(nominal, "2016-06-09")
    custody(nominal, "2016-01-01", "2016-06-10")
    custody(nominal, "2016-06-12", None, "2016-07-01", kind="recall")
    action(nominal, "2016-06-01")
    return nominal


def test_the_briefing_gathers_every_section(busy: Nominal, everyone: Any) -> None:
    found = b.briefing(everyone, TODAY)
    counts = [len(found.offences), len(found.releases), len(found.recalls), len(found.releases_due),
              len(found.reassessments), len(found.actions)]
    assert counts == [1, 1, 1, 1, 1, 1]
    assert (found.days, found.since) == (7, date(2016, 6, 8))
    assert [p.nominal_id for p in found.people()] == ["N1"]


@pytest.mark.parametrize(("who", "sees"), [("own", True), ("partner", True), ("unrelated", False)],
                         ids=["own-agency", "partner-agency", "unrelated-agency"])
def test_only_people_visible_to_the_user_are_in_the_briefing(who: str, sees: bool, busy: Nominal,
                                                             make_user: Callable[..., User]) -> None:
    found = b.briefing(Nominal.objects.visible_to(make_user(who)), TODAY)
    assert bool(found.people()) is sees
    assert bool(found.offences) is sees and bool(found.actions) is sees and bool(found.reassessments) is sees


def test_people_outside_the_given_set_are_left_out(busy: Nominal) -> None:
    person("N2")
    found = b.briefing(Nominal.objects.filter(nominal_id="N2"), TODAY)
    assert [p.nominal_id for p in found.people()] == ["N2"]  # N2 is only overdue for assessment
    assert found.offences == [] and found.releases == [] and found.actions == []
