"""Every person's next review date (``rules``), read from the database in a few grouped queries.

By construction every person has one: the later of their last dated event and their last review,
plus the years of their MoPI group; a person with no dated event at all counts from when the
record was first collected (its first audit row), or from today.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db.models import Max, Min
from django.utils import timezone

from iomhub.domain.dates import add_months
from iomhub.web.records.rules import GROUP_TITLES, RetentionRules

DUE_SOON_DAYS = 30


@dataclass(frozen=True)
class Scheduled:
    nominal_id: str
    name: str
    group: str
    last_event: date | None
    last_review: date | None
    next_review: date
    restricted: bool

    @property
    def group_title(self) -> str:
        return GROUP_TITLES[self.group]

    def overdue(self, today: date) -> bool:
        return self.next_review < today


def _day(value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, str):  # SQLite may give an aggregate of dates back as text
        return date.fromisoformat(value[:10])
    assert isinstance(value, date)
    return value


def _latest(into: dict[str, date], rows: Iterable[tuple[str, Any]]) -> None:
    for nominal_id, value in rows:
        day = _day(value)
        if day is not None and (nominal_id not in into or day > into[nominal_id]):
            into[nominal_id] = day


def last_events() -> dict[str, date]:
    """Each person's latest dated event, over every table of their record."""
    from iomhub.web.assessments.models import NeedScore
    from iomhub.web.cohort.models import CohortEpisode
    from iomhub.web.custody.models import CustodyPeriod, Supervision
    from iomhub.web.offences.models import Offence
    from iomhub.web.people.models import CaseNote, Flag
    from iomhub.web.referrals.models import Referral
    from iomhub.web.risk.models import RiskAssessment
    from iomhub.web.treatment.models import TreatmentEpisode

    latest: dict[str, date] = {}
    sources: list[tuple[Any, tuple[str, ...]]] = [
        (Offence, ("offence_date", "detected_date")), (CohortEpisode, ("start_date", "end_date")),
        (CustodyPeriod, ("start_date", "end_date")), (Supervision, ("start_date", "end_date")),
        (Referral, ("referred_on", "decided_on")), (RiskAssessment, ("assessed_on",)),
        (NeedScore, ("assessed_on",)), (TreatmentEpisode, ("start_date", "end_date")),
        (Flag, ("start_date", "end_date")), (CaseNote, ("written_at",))]
    for model, columns in sources:
        for column in columns:
            _latest(latest, model.objects.values("nominal_id").annotate(last=Max(column)).order_by()
                    .values_list("nominal_id", "last"))
    return latest


def groups(rules: RetentionRules) -> dict[str, str]:
    """Each person's MoPI group (people with nothing of note are left out: no offence)."""
    from iomhub.web.offences.models import Offence
    from iomhub.web.people.models import Flag

    categories: dict[str, set[str]] = defaultdict(set)
    flags: dict[str, set[str]] = defaultdict(set)
    for nominal_id, category in Offence.objects.values_list("nominal_id", "category").distinct().order_by():
        categories[str(nominal_id)].add(category or "other")
    for nominal_id, flag in Flag.objects.values_list("nominal_id", "flag").distinct().order_by():
        flags[str(nominal_id)].add(flag)
    return {nominal_id: rules.group(categories.get(nominal_id, set()), flags.get(nominal_id, set()))
            for nominal_id in {*categories, *flags}}


def years_later(day: date, years: int) -> date:
    return add_months(day, 12 * years)


def schedule(today: date, rules: RetentionRules | None = None, only: Iterable[str] | None = None) -> list[Scheduled]:
    """Every person (or those of ``only``) with their next review date, soonest first."""
    from iomhub.web.audit.models import AuditEvent
    from iomhub.web.people.models import Nominal
    from iomhub.web.records.models import Review

    rules = rules or settings.RETENTION
    people = Nominal.objects.order_by().values_list("nominal_id", "given_names", "family_name", "restricted")
    if only is not None:
        people = people.filter(nominal_id__in=list(only))
    events, group_of = last_events(), groups(rules)
    reviews = dict(Review.objects.filter(decision=Review.Decision.RETAIN).values("nominal_id")
                   .annotate(last=Max("reviewed_on")).order_by().values_list("nominal_id", "last"))
    found = []
    nothing = []
    for nominal_id, given, family, restricted in people:
        group = group_of.get(nominal_id, rules.group(set(), set()))
        last_event, last_review = events.get(nominal_id), _day(reviews.get(nominal_id))
        anchors = [day for day in (last_event, last_review) if day is not None]
        name = " ".join(part for part in (given, family) if part)
        if anchors:
            found.append(Scheduled(nominal_id, name, group, last_event, last_review,
                                   years_later(max(anchors), rules.years[group]), restricted))
        else:
            nothing.append((nominal_id, name, group, restricted))
    if nothing:  # no dated event and never reviewed: from when the record was first collected
        first = dict(AuditEvent.objects.filter(nominal_id__in=[row[0] for row in nothing])
                     .values("nominal_id").annotate(first=Min("at")).order_by().values_list("nominal_id", "first"))
        for nominal_id, name, group, restricted in nothing:
            start = _day(first.get(nominal_id)) or today
            found.append(Scheduled(nominal_id, name, group, None, None, years_later(start, rules.years[group]),
                                   restricted))
    return sorted(found, key=lambda row: (row.next_review, row.nominal_id))


def due(today: date, within_days: int = DUE_SOON_DAYS, rules: RetentionRules | None = None) -> list[Scheduled]:
    """The review queue: everyone whose review is overdue or due within ``within_days``."""
    horizon = date.fromordinal(today.toordinal() + within_days)
    return [row for row in schedule(today, rules) if row.next_review <= horizon]
