"""Helpers for the case-management view tests: saving fixtures through the audit context,
the users of a view's access matrix, and reading the audit rows a request wrote."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from iomhub.web.accounts.constants import Role
from iomhub.web.accounts.models import User
from iomhub.web.audit.constants import Operation
from iomhub.web.audit.context import Actor, audited
from iomhub.web.audit.models import AuditEvent

# who asks → may they see a person of the cohort?
ACCESS = [("own", Role.PRACTITIONER, True), ("partner", Role.PRACTITIONER, True),
          ("unrelated", Role.PRACTITIONER, False), ("own", Role.ANALYST, False),
          ("own", Role.ADMINISTRATOR, False)]
ACCESS_IDS = ["own-agency", "partner-agency", "unrelated-agency", "analyst", "administrator"]


def save(*objects: Any) -> None:
    """Save fixture records inside one audited transaction, as the import does."""
    with audited(Actor.system("test-fixture")) as audit:
        for obj in objects:
            obj.save()
        audit.record(Operation.COLLECTION, object_type="fixture")


def user_for(make_user: Callable[..., User], agency: str, role: str) -> User:
    return make_user(agency, role, username=f"{agency}-{role}")


def events_after(last_id: int, **match: Any) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(id__gt=last_id, **match).order_by("id"))


def last_event_id() -> int:
    event = AuditEvent.objects.order_by("-id").first()
    return event.id if event else 0
