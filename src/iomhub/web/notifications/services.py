"""Raising and reading notifications. Raising happens inside the transaction of the change that
causes it (a referral made, an import), or in :func:`refresh_due` for what falls due with time;
each writes its audit row in that transaction.

Who is told:

- a referral to decide: the managers of the partnership's agencies (they chair and sit in the
  single referral meeting), except the referrer;
- an offence imported of someone on IOM (an episode covering the offence date or today): the
  person's lead professionals, or the managers when nobody leads the case;
- a release due within :data:`RELEASE_DAYS` days and an open action due within
  :data:`ACTION_DAYS` days (or overdue): the person's lead professionals (for an action, those
  of the agency that owns it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from iomhub.web.accounts import permissions
from iomhub.web.accounts.models import User
from iomhub.web.audit.constants import Operation
from iomhub.web.audit.context import Actor, AuditSession, audited
from iomhub.web.cohort.models import CohortEpisode, LeadProfessional
from iomhub.web.custody.models import CustodyPeriod
from iomhub.web.meetings.models import CaseAction
from iomhub.web.notifications.models import Kind, Notification
from iomhub.web.people.models import Nominal

RELEASE_DAYS = 14
ACTION_DAYS = 7


@dataclass(frozen=True)
class Notice:
    recipient: User
    kind: str
    key: str
    nominal_id: str | None
    text: str
    link: str


def _person(nominal_id: str) -> str:
    return reverse("people:detail", args=[nominal_id])


def _uk(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def managers(exclude: int | None = None) -> list[User]:
    return [u for u in User.objects.filter(is_active=True).select_related("agency")
            if permissions.manages(u) and u.pk != exclude]


def leads_of(nominal_ids: Iterable[str]) -> dict[str, list[User]]:
    """Each person's current lead professionals."""
    found: dict[str, list[User]] = {}
    for lead in (LeadProfessional.objects.filter(nominal_id__in=list(nominal_ids), ended_on__isnull=True)
                 .select_related("worker", "worker__agency")):
        found.setdefault(str(lead.nominal_id), []).append(lead.worker)
    return found


def raise_notices(audit: AuditSession, notices: Iterable[Notice]) -> int:
    """Write the notices not already given (same worker, same key), in the open transaction, with
    one audit row naming how many and of what."""
    wanted = {(n.recipient.pk, n.key): n for n in notices if permissions.works_on_cases(n.recipient)}
    if not wanted:
        return 0
    given = set(Notification.objects.filter(recipient_id__in={pk for pk, _ in wanted},
                                            key__in={key for _, key in wanted})
                .values_list("recipient_id", "key"))
    now = timezone.now()
    new = [Notification(recipient=n.recipient, kind=n.kind, key=n.key[:120], nominal_id=n.nominal_id,
                        text=n.text[:300], link=n.link[:300], created_at=now)
           for pair, n in wanted.items() if pair not in given]
    if new:
        Notification.objects.bulk_create(new)
        audit.record(Operation.COLLECTION, object_type="notifications.notification",
                     detail={"created": len(new), "kinds": sorted({n.kind for n in new}),
                             "recipients": sorted({n.recipient.username for n in new})})
    return len(new)


def referral_made(audit: AuditSession, referral: Any, referrer: User | None) -> int:
    """Tell the managers (not the referrer) that a referral waits for the meeting's decision."""
    text = f"Referral {referral.referral_id} of {referral.nominal} waits for a decision"
    link = reverse("referrals:queue")
    return raise_notices(audit, [Notice(m, Kind.REFERRAL, f"referral:{referral.referral_id}", referral.nominal_id,
                                        text, link) for m in managers(exclude=referrer.pk if referrer else None)])


def offences_imported(audit: AuditSession, offences: Iterable[tuple[str, str, date | None, date | None]],
                      today: date | None = None) -> int:
    """Notices of offences just imported, ``(offence_id, nominal_id, offence_date, detected_date)``,
    of people on IOM on the offence date or today."""
    rows = list(offences)
    if not rows:
        return 0
    today = today or timezone.localdate()
    people = {nominal_id for _, nominal_id, _, _ in rows}
    episodes: dict[str, list[tuple[date, date | None]]] = {}
    for holder, start, end in CohortEpisode.objects.filter(nominal_id__in=people).values_list(
            "nominal_id", "start_date", "end_date"):
        episodes.setdefault(str(holder), []).append((start, end))

    def on_iom(nominal_id: str, day: date | None) -> bool:
        return day is not None and any(start <= day and (end is None or end >= day)
                                       for start, end in episodes.get(nominal_id, []))

    relevant = [row for row in rows if on_iom(row[1], row[2]) or on_iom(row[1], today)]
    if not relevant:
        return 0
    names: dict[str, str] = {str(n.nominal_id): str(n)
                             for n in Nominal.objects.filter(nominal_id__in={r[1] for r in relevant})}
    leads = leads_of(names)
    fallback = managers()
    notices = []
    for offence_id, person_id, offence_date, detected_date in relevant:
        who = str(person_id)
        day = detected_date or offence_date
        text = f"Offence recorded for {names.get(who, who)}, on IOM" + (f" ({_uk(day)})" if day else "")
        for worker in leads.get(who) or fallback:
            notices.append(Notice(worker, Kind.OFFENCE, f"offence:{offence_id}", who, text,
                                  _person(who)))
    return raise_notices(audit, notices)


def due_notices(user: User, today: date) -> list[Notice]:
    """Releases due within 14 days and open actions due within 7 days or overdue, of the people
    ``user`` leads (actions: those owned by the user's agency)."""
    led = list(LeadProfessional.objects.filter(worker=user, ended_on__isnull=True).values_list("nominal_id", flat=True))
    if not led:
        return []
    people = {n.nominal_id: n for n in Nominal.objects.visible_to(user).filter(nominal_id__in=led)}
    notices = []
    due = (today, today + timedelta(days=RELEASE_DAYS))
    for period in (CustodyPeriod.objects.filter(nominal_id__in=people, start_date__lte=today,
                                                expected_release_date__range=due)
                   .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))):
        release = period.expected_release_date
        assert release is not None
        notices.append(Notice(user, Kind.RELEASE, f"release:{period.pk}:{release.isoformat()}", period.nominal_id,
                              f"{people[period.nominal_id]} is due for release on {_uk(release)}",
                              _person(period.nominal_id)))
    kind = user.agency.kind if user.agency else ""
    for action in CaseAction.objects.filter(nominal_id__in=people, status=CaseAction.Status.OPEN, owner_agency=kind,
                                            due_on__lte=today + timedelta(days=ACTION_DAYS)):
        late = "overdue since" if action.due_on < today else "due on"
        notices.append(Notice(user, Kind.ACTION, f"action:{action.pk}", action.nominal_id,
                              f"Action for {people[action.nominal_id]} {late} {_uk(action.due_on)}: "
                              f"{action.description[:120]}", reverse("meetings:my_actions")))
    return notices


def refresh_due(actor: Actor, user: User, today: date) -> int:
    """Raise the notices that have fallen due for ``user`` (at most once per event)."""
    notices = due_notices(user, today)
    if not notices:
        return 0
    with audited(actor) as audit:
        return raise_notices(audit, notices)


def refresh_all_due(actor: Actor, today: date) -> dict[str, int]:
    """Raise the notices that have fallen due for every active case worker who leads someone
    (what each one's first page of the day does for them, for a daily scheduled run, so that a
    worker who has not signed in finds them waiting and an email digest could be sent).
    Returns the number raised per username (only those with new notices)."""
    raised = {}
    workers = (User.objects.filter(is_active=True, leads__ended_on__isnull=True).distinct()
               .select_related("agency").order_by("username"))
    for user in workers:
        if permissions.works_on_cases(user) and (count := refresh_due(actor, user, today)):
            raised[user.username] = count
    return raised


def notifications_of(user: Any) -> Any:
    """The user's notifications about people they may still see (or about no one), latest first."""
    return (Notification.objects.filter(recipient_id=user.pk)
            .filter(Q(nominal__isnull=True) | Q(nominal_id__in=Nominal.objects.visible_to(user).values("nominal_id")))
            .order_by("-created_at", "-id"))


def unread_count(user: Any) -> int:
    return int(notifications_of(user).filter(read_at__isnull=True).count())


def mark_read(actor: Actor, notifications: Iterable[Notification]) -> int:
    """Mark notifications read (those already read are left as they are)."""
    ids = [n.pk for n in notifications if n.read_at is None]
    if not ids:
        return 0
    with audited(actor) as audit:
        changed = int(Notification.objects.filter(pk__in=ids, read_at__isnull=True).update(read_at=timezone.now()))
        audit.record(Operation.ALTERATION, object_type="notifications.notification",
                     object_id=",".join(str(i) for i in ids)[:100], detail={"read": changed})
    return changed
