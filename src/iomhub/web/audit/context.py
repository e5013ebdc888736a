"""The audit context: a transaction in which every write is accompanied by its audit row.

    with audited(actor, reason="Accepted at the single referral meeting") as audit:
        episode.save()
        audit.record(Operation.COLLECTION, episode, nominal_id=episode.nominal_id)

The audit rows and the changes are written in one transaction: if the audit row cannot be
written, nothing is changed. Reads are recorded the same way (``Operation.CONSULTATION``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction

from iomhub.web.audit.constants import CHANGES

if TYPE_CHECKING:
    from iomhub.web.accounts.models import User


@dataclass
class Actor:
    """Who is processing: a signed-in user, or the system (imports from the command line)."""

    username: str
    user: User | None = None
    agency: str = ""
    role: str = ""
    address: str | None = None

    @classmethod
    def of(cls, user: User, address: str | None = None) -> Actor:
        return cls(username=user.get_username(), user=user,
                   agency=user.agency.code if user.agency else "", role=user.role, address=address)

    @classmethod
    def system(cls, name: str) -> Actor:
        return cls(username=name, agency="system", role="system")


@dataclass
class AuditSession:
    actor: Actor
    justification: str = ""
    recipient: str = ""
    written: int = field(default=0)
    writes: int = field(default=0)
    changes: int = field(default=0)
    changed_types: set[str] = field(default_factory=set)  # the object types of the changes recorded

    def record(self, operation: str, obj: Any = None, *, object_type: str | None = None,
               object_id: str | None = None, nominal_id: str | None = None,
               detail: dict[str, Any] | None = None, justification: str | None = None,
               recipient: str | None = None) -> None:
        """Write one audit row now, inside the open transaction."""
        from iomhub.web.audit.models import AuditEvent

        if obj is not None:
            object_type = object_type or obj._meta.label_lower
            object_id = object_id or str(obj.pk)
            if nominal_id is None:
                nominal_id = getattr(obj, "nominal_id", None)
        AuditEvent.objects.create(
            user=self.actor.user, username=self.actor.username, agency=self.actor.agency,
            role=self.actor.role, operation=operation, object_type=object_type or "",
            object_id=object_id or "", nominal_id=nominal_id or "", detail=detail or {},
            justification=justification if justification is not None else self.justification,
            recipient=recipient if recipient is not None else self.recipient,
            address=self.actor.address)
        self.written += 1
        if operation in CHANGES:
            self.changes += 1
            self.changed_types.add(object_type or "")


_current: ContextVar[AuditSession | None] = ContextVar("iomhub_audit", default=None)


@contextmanager
def audited(actor: Actor, justification: str = "", recipient: str = "") -> Iterator[AuditSession]:
    """Open a transaction in which audited models may be written; yield the session to record in."""
    session = AuditSession(actor, justification, recipient)
    with transaction.atomic():
        token = _current.set(session)
        try:
            yield session
            if session.writes and not session.written:
                from iomhub.web.audit.models import UnauditedWrite

                raise UnauditedWrite(f"{session.writes} write(s) but no audit row: call audit.record()")
            if session.writes or session.changes:
                from iomhub.web.audit.models import DataVersion

                DataVersion.advance(records=not session.changed_types <= DataVersion.FRAMEWORK_TYPES)
        finally:
            _current.reset(token)


def current() -> AuditSession | None:
    return _current.get()


def require_audit(what: str) -> None:
    """Refuse a write made outside an audit context; count it inside one."""
    session = _current.get()
    if session is None:
        from iomhub.web.audit.models import UnauditedWrite

        raise UnauditedWrite(f"{what} outside an audit context: wrap it in audit.context.audited()")
    session.writes += 1
