"""State changes of people records: each one function, one transaction, its audit row inside."""

from __future__ import annotations

from typing import Any

from iomhub.web.audit.constants import Operation
from iomhub.web.audit.context import Actor, audited
from iomhub.web.people.models import CaseNote, Nominal


def record_consultation(actor: Actor, nominal: Nominal, what: str = "person page") -> None:
    """A read of a person's record (DPA 2018 s.62 "consultation"), written before it is shown."""
    with audited(actor) as audit:
        audit.record(Operation.CONSULTATION, nominal, detail={"viewed": what})


def save_nominal(actor: Actor, nominal: Nominal, reason: str = "") -> Nominal:
    """Create or change a person, recording which fields changed."""
    created = nominal.pk is None
    before: dict[str, Any] = {}
    if not created:
        old = Nominal.objects.get(pk=nominal.pk)
        before = {f.name: getattr(old, f.name) for f in Nominal._meta.concrete_fields}
    with audited(actor, justification=reason) as audit:
        nominal.full_clean()
        nominal.save()
        after = {f.name: getattr(nominal, f.name) for f in Nominal._meta.concrete_fields}
        changed = {k: [str(before.get(k)), str(v)] for k, v in after.items() if not created and before.get(k) != v}
        audit.record(Operation.COLLECTION if created else Operation.ALTERATION, nominal,
                     detail={"changed": changed} if changed else {})
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
