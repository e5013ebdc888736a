"""The daily briefing and the agenda of the next meeting, as plain queries.

Every function takes ``people``, the people the reader may see (``Nominal.objects.visible_to(user)``),
and ``today``, so that tests can fix the day. "The last N days" is the span from ``today - N days``
to ``today``, both included (``window_start``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, Subquery, Value, When

from iomhub.web.assessments.models import NeedScore
from iomhub.web.cohort.models import CohortEpisode
from iomhub.web.custody.models import CustodyPeriod
from iomhub.web.meetings.models import CaseAction, Meeting
from iomhub.web.offences.models import Offence
from iomhub.web.people.models import Nominal
from iomhub.web.risk.models import RiskAssessment

DEFAULT_DAYS = 7
MAX_DAYS = 366
RELEASE_HORIZON_DAYS = 28
REASSESSMENT_INTERVAL_DAYS = 91
FIRST_ASSESSMENT_DAYS = 28
AGENDA_LOOKBACK_DAYS = 28  # "since the last meeting" when there was no earlier meeting


def window_start(today: date, days: int) -> date:
    """The first day of "the last ``days`` days" (the window ends today, inclusive)."""
    return today - timedelta(days=days)


def _ids(people: Any) -> Any:
    return people.values("nominal_id")


def _episode_on(day: date) -> Any:
    """The cohort episodes (of the outer person) covering ``day``."""
    return CohortEpisode.objects.filter(nominal_id=OuterRef("nominal_id"), start_date__lte=day).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=day))


def on_iom(people: Any, day: date) -> Any:
    """The people with a cohort episode covering ``day``."""
    return people.filter(Exists(_episode_on(day)))


def recent_offences(people: Any, today: date, days: int = DEFAULT_DAYS) -> Any:
    """Offences committed or detected (arrests and charges) in the last ``days`` days."""
    since = window_start(today, days)
    return (Offence.objects.filter(nominal_id__in=_ids(people))
            .filter(Q(offence_date__range=(since, today)) | Q(detected_date__range=(since, today)))
            .select_related("nominal").order_by(F("detected_date").desc(nulls_last=True), "-offence_date",
                                                "offence_id"))


def releases(people: Any, today: date, days: int = DEFAULT_DAYS) -> Any:
    """Custody periods that ended (a release) in the last ``days`` days."""
    return (CustodyPeriod.objects.filter(nominal_id__in=_ids(people),
                                         end_date__range=(window_start(today, days), today))
            .select_related("nominal").order_by("-end_date", "nominal_id"))


def recalls(people: Any, today: date, days: int = DEFAULT_DAYS) -> Any:
    """Recalls to custody that started in the last ``days`` days."""
    return (CustodyPeriod.objects.filter(nominal_id__in=_ids(people), custody_type="recall",
                                         start_date__range=(window_start(today, days), today))
            .select_related("nominal").order_by("-start_date", "nominal_id"))


def releases_due(people: Any, today: date, horizon: int = RELEASE_HORIZON_DAYS) -> Any:
    """Custody still open today whose expected release falls in the next ``horizon`` days (today included)."""
    return (CustodyPeriod.objects.filter(nominal_id__in=_ids(people), start_date__lte=today,
                                         expected_release_date__range=(today, today + timedelta(days=horizon)))
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
            .select_related("nominal").order_by("expected_release_date", "nominal_id"))


@dataclass(frozen=True)
class Reassessment:
    nominal: Nominal
    on_iom_since: date
    last_assessed_on: date | None
    due_on: date
    days_overdue: int


def reassessments_overdue(people: Any, today: date) -> list[Reassessment]:
    """People on IOM today whose latest needs assessment is more than 91 days old, or who have
    none more than 28 days after the start of their current episode; most overdue first."""
    latest = (NeedScore.objects.filter(nominal_id=OuterRef("nominal_id"), assessed_on__lte=today)
              .order_by("-assessed_on").values("assessed_on")[:1])
    since = _episode_on(today).order_by("-start_date").values("start_date")[:1]
    rows = (on_iom(people, today).annotate(last_assessed_on=Subquery(latest), on_iom_since=Subquery(since))
            .filter(Q(last_assessed_on__isnull=True, on_iom_since__lt=today - timedelta(days=FIRST_ASSESSMENT_DAYS))
                    | Q(last_assessed_on__lt=today - timedelta(days=REASSESSMENT_INTERVAL_DAYS))))
    found = []
    for person in rows:
        last, start = person.last_assessed_on, person.on_iom_since
        due = (last + timedelta(days=REASSESSMENT_INTERVAL_DAYS) if last is not None
               else start + timedelta(days=FIRST_ASSESSMENT_DAYS))
        found.append(Reassessment(person, start, last, due, (today - due).days))
    return sorted(found, key=lambda r: (r.due_on, r.nominal.nominal_id))


def overdue_actions(people: Any, today: date) -> Any:
    """Open case actions due before today, oldest first."""
    return (CaseAction.objects.filter(nominal_id__in=_ids(people), status=CaseAction.Status.OPEN,
                                      due_on__lt=today)
            .select_related("nominal", "meeting").order_by("due_on", "id"))


@dataclass
class Briefing:
    today: date
    days: int
    since: date
    offences: list[Offence]
    releases: list[CustodyPeriod]
    recalls: list[CustodyPeriod]
    releases_due: list[CustodyPeriod]
    reassessments: list[Reassessment]
    actions: list[CaseAction]

    def people(self) -> list[Nominal]:
        """Everyone the briefing shows (for the audit log), once each."""
        seen: dict[str, Nominal] = {}
        rows: list[Any] = [*self.offences, *self.releases, *self.recalls, *self.releases_due, *self.actions]
        for row in rows:
            seen.setdefault(row.nominal.nominal_id, row.nominal)
        for item in self.reassessments:
            seen.setdefault(item.nominal.nominal_id, item.nominal)
        return list(seen.values())


def briefing(people: Any, today: date, days: int = DEFAULT_DAYS) -> Briefing:
    return Briefing(today, days, window_start(today, days), list(recent_offences(people, today, days)),
                    list(releases(people, today, days)), list(recalls(people, today, days)),
                    list(releases_due(people, today)), reassessments_overdue(people, today),
                    list(overdue_actions(people, today)))


# --- The agenda of the next meeting -------------------------------------------------------------

NEW = "New to the cohort"
RELEASED = "Released from custody"
RECALLED = "Recalled to custody"
OVERDUE = "Overdue actions"
RED = "Tier red"
REASONS = (NEW, RELEASED, RECALLED, OVERDUE, RED)


def next_meeting(today: date) -> Meeting | None:
    """The first meeting on or after today."""
    meeting: Meeting | None = Meeting.objects.filter(held_on__gte=today).order_by("held_on", "meeting_id").first()
    return meeting


def previous_meeting(meeting: Meeting) -> Meeting | None:
    """The last meeting of the same type and area before ``meeting``."""
    previous: Meeting | None = (Meeting.objects.filter(held_on__lt=meeting.held_on, meeting_type=meeting.meeting_type,
                                                       area=meeting.area)
                                .order_by("-held_on", "-meeting_id").first())
    return previous


def current_tier(today: date) -> Subquery:
    """The tier on ``today`` of the outer person: the latest assessment on or before it (the more
    severe of two on one day)."""
    severity = Case(When(tier="red", then=Value(3)), When(tier="amber", then=Value(2)), default=Value(1),
                    output_field=IntegerField())
    return Subquery(RiskAssessment.objects.filter(nominal_id=OuterRef("nominal_id"), assessed_on__lte=today)
                    .annotate(severity=severity).order_by("-assessed_on", "-severity").values("tier")[:1])


@dataclass
class AgendaItem:
    nominal: Nominal
    reasons: list[str] = field(default_factory=list)


@dataclass
class Agenda:
    meeting: Meeting
    previous: Meeting | None
    since: date
    items: list[AgendaItem]


def agenda(people: Any, today: date, meeting: Meeting | None = None) -> Agenda | None:
    """The people to discuss at ``meeting`` (by default the next one; None when none is planned).

    Among the people on IOM today, of the meeting's area (every area when the meeting has none):
    those new to the cohort since the last meeting of the same type and area (not on IOM the day
    before it), released or recalled since then, with open actions overdue today, and at tier red
    today. "Since the last meeting" includes its day; with no earlier meeting, the 28 days before.
    """
    meeting = meeting or next_meeting(today)
    if meeting is None:
        return None
    previous = previous_meeting(meeting)
    since = previous.held_on if previous else meeting.held_on - timedelta(days=AGENDA_LOOKBACK_DAYS)
    if meeting.area:
        people = people.filter(area=meeting.area)
    cohort = on_iom(people, today)
    window = (since, today)
    found: dict[str, set[str]] = {}

    def add(reason: str, ids: Any) -> None:
        for nominal_id in ids:
            found.setdefault(nominal_id, set()).add(reason)

    add(NEW, cohort.exclude(Exists(_episode_on(since - timedelta(days=1))))
        .filter(episodes__start_date__range=window).values_list("nominal_id", flat=True))
    add(RELEASED, CustodyPeriod.objects.filter(nominal_id__in=_ids(cohort), end_date__range=window)
        .values_list("nominal_id", flat=True))
    add(RECALLED, CustodyPeriod.objects.filter(nominal_id__in=_ids(cohort), custody_type="recall",
                                               start_date__range=window).values_list("nominal_id", flat=True))
    add(OVERDUE, overdue_actions(cohort, today).values_list("nominal_id", flat=True))
    add(RED, cohort.annotate(tier_today=current_tier(today)).filter(tier_today="red")
        .values_list("nominal_id", flat=True))
    nominals = Nominal.objects.filter(nominal_id__in=found).order_by("family_name", "given_names", "nominal_id")
    items = [AgendaItem(n, [r for r in REASONS if r in found[n.nominal_id]]) for n in nominals]
    return Agenda(meeting, previous, since, items)
