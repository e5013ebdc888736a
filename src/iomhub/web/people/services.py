"""State changes of people records: each one function, one transaction, its audit row inside."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from iomhub.web.audit.constants import Operation
from iomhub.web.audit.context import Actor, audited
from iomhub.web.people.models import CaseNote, Correction, Flag, Nominal

AUDITED_FIELDS = ("nominal_id", "pnc_id", "family_name", "given_names", "aliases", "date_of_birth", "gender",
                  "area")


def record_consultation(actor: Actor, nominal: Nominal, what: str = "person page", purpose: str = "") -> None:
    """A read of a person's record (DPA 2018 s.62 "consultation"), written before it is shown,
    with its purpose (the row's justification) when the user stated one."""
    with audited(actor, justification=purpose) as audit:
        audit.record(Operation.CONSULTATION, nominal, detail={"viewed": what})


def record_search(actor: Actor, people: list[Nominal], what: str = "search results") -> None:
    """A search is a consultation of each person it shows: one row per person shown."""
    if not people:
        return
    with audited(actor) as audit:
        for person in people:
            audit.record(Operation.CONSULTATION, person, detail={"viewed": what})


def next_nominal_id() -> str:
    """The next free id of the form ``N0042`` (one more than the highest such id)."""
    numbers = [int(value[1:]) for value in Nominal.objects.filter(nominal_id__regex=r"^N[0-9]+$")
               .values_list("nominal_id", flat=True)]
    return f"N{max(numbers, default=0) + 1:04d}"


def _values(nominal: Nominal) -> dict[str, Any]:
    return {name: getattr(nominal, name) for name in AUDITED_FIELDS}


def _shown(value: Any) -> str:
    return "" if value is None else value.isoformat() if hasattr(value, "isoformat") else str(value)


def save_nominal(actor: Actor, nominal: Nominal, reason: str = "") -> Nominal:
    """Create or change a person, recording in the audit row the old and new value of each
    changed field (a creation records the fields given). An empty IOM id is given the next
    ``N`` number. Raises ``ValidationError`` (nothing written) when the record is not valid."""
    created = nominal.pk is None
    with audited(actor, justification=reason) as audit:
        before: dict[str, Any] = {}
        if not created:
            before = _values(Nominal.objects.select_for_update().get(pk=nominal.pk))
        if created and not nominal.nominal_id:
            nominal.nominal_id = next_nominal_id()
        nominal.full_clean()
        nominal.save()
        after = _values(nominal)
        if created:
            detail: dict[str, Any] = {"fields": sorted(k for k, v in after.items() if v not in (None, ""))}
        else:
            detail = {"changed": {k: {"old": _shown(before[k]), "new": _shown(v)}
                                  for k, v in after.items() if before[k] != v}}
            keep_history(actor, nominal, {k: (before[k], v) for k, v in after.items() if before[k] != v}, reason)
        audit.record(Operation.COLLECTION if created else Operation.ALTERATION, nominal, detail=detail)
    return nominal


def keep_history(actor: Actor, nominal: Nominal, changed: dict[str, tuple[Any, Any]], reason: str,
                 rectification: bool = False) -> list[Correction]:
    """A :class:`Correction` row for each changed field (old and new value), in the open
    transaction: what a person's details were is never lost (DPA 2018 s.46)."""
    now = timezone.now()
    rows = [Correction(nominal=nominal, field=name, old=_shown(old)[:200], new=_shown(new)[:200], reason=reason,
                       rectification=rectification, made_by=actor.username, made_at=now)
            for name, (old, new) in changed.items()]
    for row in rows:
        row.save()
    return rows


def add_note(actor: Actor, nominal: Nominal, text: str, visibility: str) -> CaseNote:
    user = actor.user
    assert user is not None and user.agency is not None
    with audited(actor) as audit:
        note = CaseNote(nominal=nominal, author=user, agency=user.agency, visibility=visibility, text=text)
        note.full_clean()
        note.save()
        audit.record(Operation.COLLECTION, note, nominal_id=nominal.nominal_id,
                     detail={"visibility": visibility})
    return note


def _uk(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _refuse_flag_overlap(flag: Flag) -> None:
    """The same flag may not overlap itself for one person (other flags may run alongside)."""
    clash = Flag.objects.filter(nominal_id=flag.nominal_id, flag=flag.flag).exclude(end_date__lt=flag.start_date)
    if flag.end_date is not None:
        clash = clash.filter(start_date__lte=flag.end_date)
    if flag.pk is not None:
        clash = clash.exclude(pk=flag.pk)
    other = clash.order_by("start_date").first()
    if other is not None:
        span = (f"from {_uk(other.start_date)} to {_uk(other.end_date)}" if other.end_date
                else f"from {_uk(other.start_date)}, with no end date")
        raise ValidationError(
            f"This person already has the flag {other.get_flag_display()} {span}: "
            "the same flag cannot be recorded twice for the same days.", code="overlap")


def add_flag(actor: Actor, nominal: Nominal, code: str, start_date: date, end_date: date | None = None) -> Flag:
    """Record a flag of ``nominal`` from ``start_date`` (to ``end_date``, when known), with its
    collection audit row. Raises ``ValidationError`` (nothing written) when the end is before the
    start or the same flag already covers some of those days."""
    with audited(actor, justification="flag added") as audit:
        Nominal.objects.select_for_update().filter(pk=nominal.pk).first()  # one flag change at a time per person
        flag = Flag(nominal=nominal, flag=code, start_date=start_date, end_date=end_date)
        if end_date is not None and end_date < start_date:
            raise ValidationError({"end_date": "The end date cannot be before the start date"})
        flag.full_clean()
        _refuse_flag_overlap(flag)
        flag.save()
        audit.record(Operation.COLLECTION, flag, nominal_id=nominal.nominal_id,
                     detail={"flag": code, "start_date": _shown(start_date), "end_date": _shown(end_date)})
    return flag


def end_flag(actor: Actor, flag: Flag, end_date: date) -> Flag:
    """End an open flag on ``end_date``, recording the old and new end date in an alteration row.
    Raises ``ValidationError`` (nothing written) when the flag has already ended or the date is
    before its start."""
    with audited(actor, justification="flag ended") as audit:
        current: Flag = Flag.objects.select_for_update().get(pk=flag.pk)
        if current.end_date is not None:
            raise ValidationError(f"This flag already ended on {_uk(current.end_date)}")
        if end_date < current.start_date:
            raise ValidationError({"end_date": "The end date cannot be before the flag's start date, "
                                               f"{_uk(current.start_date)}"})
        current.end_date = end_date
        current.full_clean()
        current.save()
        audit.record(Operation.ALTERATION, current, nominal_id=current.nominal_id,
                     detail={"changed": {"end_date": {"old": "", "new": _shown(end_date)}}})
    flag.end_date = end_date
    return current


def is_valid_id(value: str) -> bool:
    return re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_\-.]*", value) is not None
