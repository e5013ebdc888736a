"""Review and retention (DPA 2018 s.39, MoPI): every person has a next review date from the
rules; administrators review the queue; a review retains with a reason or deletes everything
held about the person, keeping the audit log's metadata; twenty simulated years leave no review
overdue."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from iomhub.web.accounts.models import User
from iomhub.web.assessments.models import NeedScore
from iomhub.web.audit.models import AuditEvent
from iomhub.web.cohort.models import CohortEpisode
from iomhub.web.meetings.models import CaseAction
from iomhub.web.offences.models import Offence
from iomhub.web.people.models import CaseNote, Flag, Nominal
from iomhub.web.records import rules as retention
from iomhub.web.records.models import Review
from iomhub.web.records.schedule import due, schedule, years_later
from iomhub.web.records.services import review
from iomhub.web.referrals.models import Referral
from tests.web.records.conftest import SYSTEM, add, person

TODAY = date(2016, 6, 15)


def offence(nominal: Nominal, on: date, category: str) -> Offence:
    return add(Offence, offence_id=f"CR-{nominal.nominal_id}-{on}-{category}", nominal=nominal, offence_date=on,
               category=category)


@pytest.fixture
def groups(db: Any) -> dict[str, Nominal]:
    """One person of each group, with hand-set last events."""
    sexual, mappa, robbery, burglary, referred = (person(f"N{i}") for i in range(1, 6))
    offence(sexual, date(2010, 1, 1), "sexual")
    offence(mappa, date(2011, 3, 1), "shoplifting")
    add(Flag, nominal=mappa, flag="mappa_2", start_date=date(2011, 4, 1))
    offence(robbery, date(2009, 2, 1), "robbery")
    offence(burglary, date(2012, 5, 10), "burglary_residential")
    add(CohortEpisode, nominal=burglary, scheme="priority", start_date=date(2011, 1, 1), end_date=date(2012, 1, 1))
    add(Referral, referral_id="R1", nominal=referred, referred_on=date(2015, 3, 1), referring_agency="police")
    return {"sexual": sexual, "mappa": mappa, "robbery": robbery, "burglary": burglary, "referred": referred}


def test_every_person_has_a_next_review_by_their_group(groups: dict[str, Nominal]) -> None:
    """Group 1 (sexual offence; MAPPA flag) and 2 (robbery) 10 years, group 3 6 years, no
    offence 3 years, after the last event (the MAPPA flag's start is N2's last event)."""
    found = {row.nominal_id: (row.group, row.last_event, row.next_review) for row in schedule(TODAY)}
    assert found == {
        "N1": ("group 1", date(2010, 1, 1), date(2020, 1, 1)),
        "N2": ("group 1", date(2011, 4, 1), date(2021, 4, 1)),
        "N3": ("group 2", date(2009, 2, 1), date(2019, 2, 1)),
        "N4": ("group 3", date(2012, 5, 10), date(2018, 5, 10)),
        "N5": ("no offence", date(2015, 3, 1), date(2018, 3, 1)),
    }


def test_a_person_with_no_dated_event_counts_from_when_they_were_recorded(db: Any) -> None:
    person("N9")
    [row] = schedule(TODAY)
    assert row.last_event is None and row.next_review.year == timezone.localdate().year + 3


def test_the_rules_come_from_a_retention_table(groups: dict[str, Nominal], tmp_path: Path, settings: Any) -> None:
    toml = tmp_path / "package.toml"
    toml.write_text('title = "Unit"\n[retention]\ngroup_3_years = 4\ngroup_2_categories = ["burglary_residential"]\n')
    settings.RETENTION = retention.load(str(toml))
    found = {row.nominal_id: (row.group, row.next_review) for row in schedule(TODAY)}
    assert found["N4"] == ("group 2", date(2022, 5, 10))
    assert found["N3"] == ("group 3", date(2013, 2, 1))  # robbery is no longer group 2 here


@pytest.mark.parametrize(("text", "message"), [
    ("[retention]\ngroup_3_years = 0\n", "group_3_years must be a whole number of years from 1 to 100, not 0"),
    ("[retention]\ngroup_1_categories = ['arson']\n", "group_1_categories: unknown codes ['arson']"),
    ("[retention]\ngroup_four_years = 2\n", "unknown keys ['group_four_years']"),
], ids=["zero-years", "unknown-category", "unknown-key"])
def test_a_bad_retention_table_is_named(text: str, message: str, tmp_path: Path) -> None:
    toml = tmp_path / "retention.toml"
    toml.write_text(text)
    with pytest.raises(retention.RulesError, match=message.replace("[", r"\[").replace("]", r"\]")):
        retention.load(str(toml))


def test_the_queue_lists_the_records_due(groups: dict[str, Nominal], admin: tuple[User, Client]) -> None:
    user, client = admin
    page = client.get("/records/")
    assert page.status_code == 200
    listed = [row.nominal_id for row in page.context["due"]]
    assert listed == [row.nominal_id for row in due(timezone.localdate())] and "N4" in listed
    assert AuditEvent.objects.filter(user=user, object_type="review queue").exists()


def test_retaining_needs_a_reason_and_sets_the_next_review(groups: dict[str, Nominal],
                                                           admin: tuple[User, Client]) -> None:
    user, client = admin
    assert client.post("/records/N4/review/", {"decision": "retain", "reason": ""}).status_code == 400
    response = client.post("/records/N4/review/", {"decision": "retain", "reason": "On IOM again from July"})
    assert response.status_code == 302
    done = Review.objects.get(nominal_id="N4")
    today = timezone.localdate()
    assert (done.decision, done.reviewer, done.next_review) == ("retain", user.username, years_later(today, 6))
    assert [row for row in due(today) if row.nominal_id == "N4"] == []
    assert AuditEvent.objects.filter(user=user, nominal_id="N4", justification="On IOM again from July").exists()


def test_deleting_removes_every_record_and_keeps_the_audit_metadata(groups: dict[str, Nominal],
                                                                  admin: tuple[User, Client]) -> None:
    user, client = admin
    burglary = groups["burglary"]
    add(CaseNote, nominal=burglary, author=user, agency=user.agency, text="A note", visibility="health")
    add(NeedScore, nominal=burglary, assessed_on=date(2012, 6, 1), pathway="health", score=4)
    add(CaseAction, nominal=burglary, description="Call", owner_agency="police", due_on=date(2012, 7, 1))
    refused = client.post("/records/N4/review/", {"decision": "delete", "reason": "No offending for 6 years"})
    assert refused.status_code == 400 and "Type N4 to confirm the deletion" in refused.content.decode()
    before = AuditEvent.objects.filter(nominal_id="N4").count()
    response = client.post("/records/N4/review/", {"decision": "delete", "reason": "No offending for 6 years",
                                                   "confirm": "N4"})
    assert response.status_code == 302
    left = {model._meta.label_lower: model.objects.filter(nominal_id="N4").count() for model in apps.get_models()
            if any(f.attname == "nominal_id" for f in model._meta.concrete_fields)}
    assert {label: count for label, count in left.items() if count} == {"audit.auditevent": before + 1,
                                                                         "records.review": 1}
    erasure = AuditEvent.objects.get(nominal_id="N4", operation="erasure")
    assert erasure.detail["deleted"] == {"cohort.cohortepisode": 1, "offences.offence": 1, "people.casenote": 1,
                                         "assessments.needscore": 1, "meetings.caseaction": 1, "people.nominal": 1}
    assert erasure.justification == "No offending for 6 years"
    assert "A note" not in str(list(AuditEvent.objects.filter(nominal_id="N4").values_list("detail", flat=True)))
    assert Nominal.objects.count() == 4  # the others untouched


def test_a_review_needs_a_decision(groups: dict[str, Nominal]) -> None:
    with pytest.raises(ValidationError):
        review(SYSTEM, groups["burglary"], "archive", "a reason", TODAY)


def test_twenty_years_of_reviews_leave_none_overdue(db: Any) -> None:
    """Ten people, offending at random (some stop, some go on), their due reviews done every quarter
    for twenty years by a policy that deletes records with no event for five years (group 1
    always retained) and retains the rest. After every round nobody is overdue and every person
    still held has a next review; records were both kept and deleted."""
    rng = random.Random(12)
    categories = ["sexual", "robbery", "shoplifting", "burglary_residential", "criminal_damage", "other_theft"]
    start = date(2000, 1, 1)
    people = [person(f"N{i:02}") for i in range(10)]
    for index, nominal in enumerate(people):
        offence(nominal, start - timedelta(days=30 * index), categories[index % len(categories)])
    deleted = retained = 0
    for quarter in range(4 * 20):
        today = date(start.year + quarter // 4, 3 * (quarter % 4) + 1, 1)
        for nominal in Nominal.objects.all():  # some go on offending
            if rng.random() < 0.06:
                offence(nominal, today - timedelta(days=rng.randint(0, 20)), rng.choice(categories))
        for row in due(today, within_days=0):
            nominal = Nominal.objects.get(nominal_id=row.nominal_id)
            stale = row.last_event is None or row.last_event.toordinal() + 365 * 5 < today.toordinal()
            decision = "delete" if stale and row.group != "group 1" else "retain"
            review(SYSTEM, nominal, decision, f"simulated review of {today}", today)
            deleted += decision == "delete"
            retained += decision == "retain"
        held = schedule(today)
        assert len(held) == Nominal.objects.count()
        overdue = [row.nominal_id for row in held if row.next_review < today]
        assert overdue == [], f"{today}: overdue {overdue}"
    assert deleted and retained, (deleted, retained)
    assert Review.objects.count() == deleted + retained
