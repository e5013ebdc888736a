"""State changes of people records: each one function, one transaction, its audit row inside."""

from __future__ import annotations

import re
from typing import Any

from iomhub.web.audit.constants import Operation
from iomhub.web.audit.context import Actor, audited
from iomhub.web.people.models import CaseNote, Nominal

AUDITED_FIELDS = ("nominal_id", "pnc_id", "family_name", "given_names", "date_of_birth", "gender", "area")


def record_consultation(actor: Actor, nominal: Nominal, what: str = "person page") -> None:
    """A read of a person's record (DPA 2018 s.62 "consultation"), written before it is shown."""
    with audited(actor) as audit:
        audit.record(Operation.CONSULTATION, nominal, detail={"viewed": what})


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
        audit.record(Operation.COLLECTION if created else Operation.ALTERATION, nominal, detail=detail)
    return nominal


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


def is_valid_id(value: str) -> bool:
    return re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_\-.]*", value) is not None
