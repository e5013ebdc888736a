"""State changes of meetings: each one function, one transaction, its audit row(s) inside."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from iomhub.domain.codes import AGENCIES
from iomhub.web.accounts import permissions
from iomhub.web.audit.constants import Operation
from iomhub.web.audit.context import Actor, audited
from iomhub.web.meetings.models import Attendance, CaseAction, Meeting, PersonInvitation
from iomhub.web.people.models import CaseNote, Nominal
from iomhub.web.people.services import add_note


def new_meeting_id() -> str:
    """A meeting id for a meeting entered on screen (imported ones keep the package's id)."""
    return f"M-{uuid.uuid4().hex[:12]}"


def create_meeting(actor: Actor, held_on: date, meeting_type: str, area: str = "") -> Meeting:
    with audited(actor) as audit:
        meeting = Meeting(meeting_id=new_meeting_id(), held_on=held_on, meeting_type=meeting_type, area=area)
        meeting.full_clean()
        meeting.save()
        audit.record(Operation.COLLECTION, meeting, detail={"held_on": held_on.isoformat(),
                                                            "meeting_type": meeting_type, "area": area})
    return meeting


def record_attendance(actor: Actor, meeting: Meeting, marks: Mapping[str, tuple[bool, bool]]) -> None:
    """Set which agencies were invited and which attended: ``{agency: (invited, attended)}``.

    An agency neither invited nor attending has no row (as in ``attendance.csv``); agencies not
    named in ``marks`` are treated so. One audit row names what changed.
    """
    unknown = set(marks) - set(AGENCIES)
    if unknown:
        raise ValueError(f"unknown agency code(s): {sorted(unknown)}")
    with audited(actor) as audit:
        existing = {row.agency: row for row in Attendance.objects.filter(meeting=meeting)}
        changed: dict[str, list[list[bool | None]]] = {}
        for agency in AGENCIES:
            invited, attended = marks.get(agency, (False, False))
            row = existing.get(agency)
            before: list[bool | None] = [row.invited, row.attended] if row else [False, False]
            if [invited, attended] == [bool(v) for v in before]:
                continue
            changed[agency] = [before, [invited, attended]]
            if not (invited or attended):
                if row is not None:
                    row.delete()
                continue
            row = row or Attendance(meeting=meeting, agency=agency)
            row.invited, row.attended = invited, attended
            row.save()
        if changed:
            audit.record(Operation.ALTERATION, meeting, object_type="meetings.attendance",
                         detail={"changed": changed})


def record_discussion(actor: Actor, meeting: Meeting, nominal: Nominal, *, note: str = "",
                      visibility: str = "shared", action: str = "", owner_agency: str = "",
                      due_on: date | None = None) -> tuple[CaseNote | None, CaseAction | None]:
    """A case discussion at ``meeting``: a case note, an action (owner agency, due date), or both,
    in one transaction."""
    if not note.strip() and not action.strip():
        raise ValueError("a discussion records a note, an action or both")
    with audited(actor) as audit:
        written = None
        if note.strip():
            written = add_note(actor, nominal, note.strip(), visibility)
        case_action = None
        if action.strip():
            assert due_on is not None and owner_agency
            case_action = CaseAction(nominal=nominal, meeting=meeting, description=action.strip(),
                                     owner_agency=owner_agency, due_on=due_on)
            case_action.full_clean()
            case_action.save()
            audit.record(Operation.COLLECTION, case_action, nominal_id=nominal.nominal_id,
                         detail={"meeting_id": meeting.meeting_id, "owner_agency": owner_agency,
                                 "due_on": due_on.isoformat()})
    return written, case_action


def open_actions(people: Any, owner_agency: str) -> Any:
    """Open actions owned by ``owner_agency`` on ``people`` (the people the reader may see)."""
    return CaseAction.objects.filter(nominal_id__in=people.values("nominal_id"), owner_agency=owner_agency,
                                     status=CaseAction.Status.OPEN)


class NotTheOwner(PermissionError):
    """Only the agency that owns an action, or a manager, marks it done."""


def may_complete(user: Any, action: CaseAction) -> bool:
    """The owning agency's staff (``Agency.kind`` is the action's ``owner_agency``) and managers."""
    return permissions.completes_action(user, action.owner_agency)


def complete_action(actor: Actor, action: CaseAction) -> CaseAction:
    """Mark an open action done (an action already done or cancelled is left as it is). Raises
    :class:`NotTheOwner` unless ``actor`` may (:func:`may_complete`)."""
    if not may_complete(actor.user, action):
        raise NotTheOwner(f"an action of {action.owner_agency} is marked done by that agency or a manager")
    with audited(actor) as audit:
        action = CaseAction.objects.select_for_update().get(pk=action.pk)
        if action.status == CaseAction.Status.OPEN:
            action.status = CaseAction.Status.DONE
            action.save(update_fields=["status"])
            audit.record(Operation.ALTERATION, action, detail={"status": ["open", "done"]})
    return action


def record_consultations(actor: Actor, people: Iterable[Nominal], what: str) -> int:
    """One consultation row per person a page shows (a page listing people is a read of each)."""
    shown = {person.nominal_id: person for person in people}
    if not shown:
        return 0
    with audited(actor) as audit:
        for nominal_id in sorted(shown):
            audit.record(Operation.CONSULTATION, shown[nominal_id], detail={"viewed": what})
    return len(shown)


FORTNIGHT = 14
MAX_SCHEDULED = 26  # a year of fortnightly meetings at most in one go


def schedule_fortnightly(actor: Actor, first_on: date, count: int, meeting_type: str, area: str = "") -> list[Meeting]:
    """``count`` meetings every fortnight from ``first_on`` (a day that already has a meeting of
    the same type and area is skipped), in one transaction."""
    if not 1 <= count <= MAX_SCHEDULED:
        raise ValueError(f"between 1 and {MAX_SCHEDULED} meetings at a time")
    days = [first_on + timedelta(days=FORTNIGHT * i) for i in range(count)]
    with audited(actor) as audit:
        taken = set(Meeting.objects.filter(held_on__in=days, meeting_type=meeting_type, area=area)
                    .values_list("held_on", flat=True))
        made = []
        for day in days:
            if day in taken:
                continue
            meeting = Meeting(meeting_id=new_meeting_id(), held_on=day, meeting_type=meeting_type, area=area)
            meeting.full_clean()
            meeting.save()
            made.append(meeting)
        audit.record(Operation.COLLECTION, object_type="meetings.meeting", object_id="fortnightly",
                     detail={"first_on": first_on.isoformat(), "count": count, "meeting_type": meeting_type,
                             "area": area, "created": [m.meeting_id for m in made]})
    return made


def save_minutes(actor: Actor, meeting: Meeting, minutes: str) -> Meeting:
    """Write (or rewrite) the meeting's minutes; the audit row keeps the length before and after."""
    with audited(actor) as audit:
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        before = meeting.minutes
        meeting.minutes = minutes.strip()
        meeting.full_clean()
        meeting.save(update_fields=["minutes"])
        audit.record(Operation.ALTERATION, meeting, object_type="meetings.minutes",
                     detail={"characters": [len(before), len(meeting.minutes)]})
    return meeting


def record_people(actor: Actor, meeting: Meeting, invited: Iterable[Any], attended: Iterable[Any]) -> None:
    """Set the named workers invited to ``meeting`` and who of them attended (someone who
    attended counts as invited); workers no longer named are removed. One audit row."""
    invited_ids = {u.pk for u in invited} | {u.pk for u in attended}
    came = {u.pk for u in attended}
    with audited(actor) as audit:
        existing = {row.worker_id: row for row in PersonInvitation.objects.filter(meeting=meeting)}
        changed: dict[str, Any] = {}
        for worker_id, row in existing.items():
            if worker_id not in invited_ids:
                row.delete()
                changed[str(worker_id)] = "removed"
        for worker_id in sorted(invited_ids):
            attended_now = worker_id in came
            held = existing.get(worker_id)
            if held is None:
                PersonInvitation(meeting=meeting, worker_id=worker_id, attended=attended_now).save()
                changed[str(worker_id)] = "invited" + (", attended" if attended_now else "")
            elif bool(held.attended) != attended_now:
                held.attended = attended_now
                held.save(update_fields=["attended"])
                changed[str(worker_id)] = "attended" if attended_now else "did not attend"
        if changed:
            audit.record(Operation.ALTERATION, meeting, object_type="meetings.people", detail={"changed": changed})
