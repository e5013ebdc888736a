"""The data protection duties of a law-enforcement record, each one function and one audited
transaction: review and deletion (DPA 2018 s.39), rectification (s.46), restriction (s.47).
Subject access (s.45) is in ``subject_access.py``."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from iomhub.domain.dates import parse_date
from iomhub.web.audit.constants import Operation
from iomhub.web.audit.context import Actor, audited
from iomhub.web.people.constants import Gender
from iomhub.web.people.models import Nominal
from iomhub.web.people.services import keep_history
from iomhub.web.records.models import Restriction, Review
from iomhub.web.records.rules import RetentionRules
from iomhub.web.records.schedule import schedule, years_later
from iomhub.web.text import REASON


def _reason(reason: str, field: str = "reason") -> str:
    text = (reason or "").strip()
    if not text:
        raise ValidationError({field: "Enter the reason"})
    if len(text) > REASON:
        raise ValidationError({field: f"The reason can be at most {REASON} characters"})
    return text


# --- review and deletion (s.39, MoPI) -----------------------------------------------------------


def review(actor: Actor, nominal: Nominal, decision: str, reason: str, on: date,
           rules: RetentionRules | None = None) -> Review:
    """Record a review of ``nominal``'s record on ``on``: ``retain`` (with why; the next review
    falls the group's years later) or ``delete`` (:func:`erase_person`)."""
    rules = rules or settings.RETENTION
    reason = _reason(reason)
    if decision == Review.Decision.DELETE:
        return erase_person(actor, nominal, reason, on, rules)
    if decision != Review.Decision.RETAIN:
        raise ValidationError({"decision": "Choose to retain or to delete the record"})
    [scheduled] = schedule(on, rules, only=[nominal.nominal_id])
    with audited(actor, justification=reason) as audit:
        done = Review(nominal_id=nominal.nominal_id, reviewed_on=on, decision=decision, reason=reason,
                      group=scheduled.group, next_review=years_later(on, rules.years[scheduled.group]),
                      reviewer=actor.username)
        done.full_clean()
        done.save()
        audit.record(Operation.COLLECTION, done, nominal_id=nominal.nominal_id,
                     detail={"review": "retain", "group": scheduled.group,
                             "next_review": done.next_review.isoformat() if done.next_review else None})
    return done


def erase_person(actor: Actor, nominal: Nominal, reason: str, on: date, rules: RetentionRules | None = None) -> Review:
    """Delete everything held about ``nominal`` (every record of every table that names them, then
    the person), keeping only the review that decided it (which names them by IOM id alone) and
    the audit log, whose rows keep their metadata (who did what, when, and the counts deleted).
    One transaction: all of it goes, or none."""
    rules = rules or settings.RETENTION
    reason = _reason(reason)
    [scheduled] = schedule(on, rules, only=[nominal.nominal_id])
    with audited(actor, justification=reason) as audit:
        deleted: dict[str, int] = {}
        for relation in Nominal._meta.related_objects:
            model: Any = relation.related_model
            rows = model.objects.filter(**{relation.field.name: nominal})
            count = rows.count()
            if count:
                rows.delete()
                deleted[model._meta.label_lower] = count
        person_pk = nominal.pk
        Nominal.objects.filter(pk=person_pk).delete()
        deleted["people.nominal"] = 1
        done = Review(nominal_id=nominal.nominal_id, reviewed_on=on, decision=Review.Decision.DELETE, reason=reason,
                      group=scheduled.group, next_review=None, reviewer=actor.username)
        done.full_clean()
        done.save()
        audit.record(Operation.ERASURE, object_type="people.nominal", object_id=str(person_pk),
                     nominal_id=nominal.nominal_id, detail={"deleted": deleted, "review": done.pk,
                                                            "group": scheduled.group})
    return done


# --- restriction (s.47) --------------------------------------------------------------------------


def restrict(actor: Actor, nominal: Nominal, reason: str) -> Restriction:
    """Restrict processing of ``nominal``'s record: kept, but hidden from all normal use (lists,
    search, person pages, reports, exports) until an administrator lifts it."""
    reason = _reason(reason)
    with audited(actor, justification=reason) as audit:
        current = Nominal.objects.select_for_update().get(pk=nominal.pk)
        if current.restricted:
            raise ValidationError("The record is already restricted")
        row = Restriction(nominal=current, restricted_at=timezone.now(), restricted_by=actor.username, reason=reason)
        row.full_clean()
        row.save()
        Nominal.objects.filter(pk=nominal.pk).update(restricted=True)
        audit.record(Operation.ALTERATION, current, detail={"restricted": [False, True], "restriction": row.pk})
    nominal.restricted = True
    return row


def lift_restriction(actor: Actor, nominal: Nominal, reason: str) -> Restriction:
    """Lift the open restriction of ``nominal``'s record (administrators only, in the views)."""
    reason = _reason(reason)
    with audited(actor, justification=reason) as audit:
        current = Nominal.objects.select_for_update().get(pk=nominal.pk)
        row: Restriction | None = (Restriction.objects.filter(nominal=current, lifted_at__isnull=True)
                                   .order_by("-restricted_at").first())
        if not current.restricted or row is None:
            raise ValidationError("The record is not restricted")
        row.lifted_at, row.lifted_by, row.lift_reason = timezone.now(), actor.username, reason
        row.full_clean()
        row.save()
        Nominal.objects.filter(pk=nominal.pk).update(restricted=False)
        audit.record(Operation.ALTERATION, current, detail={"restricted": [True, False], "restriction": row.pk})
    nominal.restricted = False
    return row


# --- rectification (s.46) ------------------------------------------------------------------------

RECTIFIABLE = {"given_names": "Given names", "family_name": "Family name", "date_of_birth": "Date of birth",
               "gender": "Gender", "pnc_id": "PNC id", "area": "Area"}


def _value(field: str, text: str) -> Any:
    text = text.strip()
    if field == "date_of_birth":
        if not text:
            return None
        try:
            return parse_date(text)
        except ValueError:
            raise ValidationError({"value": "Enter the date of birth as DD/MM/YYYY"}) from None
    if field == "gender" and text and text not in Gender.values:
        raise ValidationError({"value": f"The gender is one of {', '.join(Gender.values)}"})
    return text


def rectify(actor: Actor, nominal: Nominal, field: str, value: str, reason: str) -> Nominal:
    """Correct one of ``nominal``'s details on their request: the new value, and the old kept in the
    record's history (``people.Correction``, marked a rectification, with the reason)."""
    if field not in RECTIFIABLE:
        raise ValidationError({"field": "Choose the detail to correct"})
    reason = _reason(reason)
    new = _value(field, value)
    with audited(actor, justification=reason) as audit:
        current: Nominal = Nominal.objects.select_for_update().get(pk=nominal.pk)
        old = getattr(current, field)
        if old == new:
            raise ValidationError({"value": "That is what the record already holds"})
        setattr(current, field, new)
        current.full_clean()
        current.save()
        keep_history(actor, current, {field: (old, new)}, reason, rectification=True)
        audit.record(Operation.ALTERATION, current, detail={"rectification": {field: [_shown(old), _shown(new)]}})
    return current


def _shown(value: Any) -> str:
    return "" if value is None else value.isoformat() if hasattr(value, "isoformat") else str(value)
