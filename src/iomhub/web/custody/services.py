"""Custody periods and supervision: record and change them, each in one audited transaction."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from iomhub.web.audit.constants import Operation
from iomhub.web.audit.context import Actor, audited
from iomhub.web.custody.models import CustodyPeriod, Supervision

CUSTODY_FIELDS = ("start_date", "end_date", "expected_release_date", "custody_type")
SUPERVISION_FIELDS = ("provider", "order_type", "start_date", "end_date")


def _shown(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _save(actor: Actor, record: CustodyPeriod | Supervision, fields: tuple[str, ...], reason: str) -> None:
    created = record.pk is None
    with audited(actor, justification=reason) as audit:
        before: dict[str, Any] = {}
        if not created:
            old = type(record).objects.select_for_update().get(pk=record.pk)
            before = {name: getattr(old, name) for name in fields}
        record.full_clean()
        _refuse_overlap(record)
        record.save()
        after = {name: getattr(record, name) for name in fields}
        if created:
            detail = {k: _shown(v) for k, v in after.items()}
        else:
            detail = {"changed": {k: {"old": _shown(before[k]), "new": _shown(v)}
                                  for k, v in after.items() if before[k] != v}}
        audit.record(Operation.COLLECTION if created else Operation.ALTERATION, record,
                     nominal_id=record.nominal_id, detail=detail)


def _refuse_overlap(record: CustodyPeriod | Supervision) -> None:
    if record.end_date is not None and record.end_date < record.start_date:
        raise ValidationError("The end date cannot be before the start date.", code="end_before_start")
    if not isinstance(record, CustodyPeriod):
        return
    if record.expected_release_date is not None and record.expected_release_date < record.start_date:
        raise ValidationError("The expected release date cannot be before the start of custody.",
                              code="release_before_start")
    clash = CustodyPeriod.objects.filter(nominal_id=record.nominal_id).exclude(end_date__lt=record.start_date)
    if record.end_date is not None:
        clash = clash.filter(start_date__lte=record.end_date)
    if record.pk is not None:
        clash = clash.exclude(pk=record.pk)
    other = clash.first()
    if other is not None:
        until = other.end_date.strftime("%d/%m/%Y") if other.end_date else "no end date"
        raise ValidationError(f"This overlaps the custody period from {other.start_date:%d/%m/%Y} to {until}: "
                              "a person is in custody once at a time.", code="overlap")


def save_custody_period(actor: Actor, period: CustodyPeriod, reason: str = "") -> CustodyPeriod:
    """Record or change a custody period (a release is the end date being set)."""
    _save(actor, period, CUSTODY_FIELDS, reason)
    return period


def save_supervision(actor: Actor, supervision: Supervision, reason: str = "") -> Supervision:
    """Record or change a period of statutory supervision."""
    _save(actor, supervision, SUPERVISION_FIELDS, reason)
    return supervision
