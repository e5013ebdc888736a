"""Account changes made on purpose: each audited, each in one transaction with its audit row."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.utils import timezone

from iomhub.web.audit.constants import Operation
from iomhub.web.audit.context import Actor, audited

if TYPE_CHECKING:
    from iomhub.web.accounts.models import User

log = logging.getLogger("iomhub.security")


def end_sessions(user: User) -> int:
    """Delete every session signed in as ``user``; the number deleted."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get(SESSION_KEY)) == str(user.pk):
            session.delete()
            ended += 1
    return ended


def disable_user(actor: Actor, user: User, reason: str) -> int:
    """Disable ``user`` and end all their sessions at once; audited with ``reason``. The number of
    sessions ended."""
    if not reason.strip():
        raise ValueError("a reason is needed to disable an account")
    with audited(actor, justification=reason) as audit:
        user.is_active = False
        user.save(update_fields=["is_active"])
        ended = end_sessions(user)
        audit.record(Operation.ALTERATION, user, detail={"is_active": [True, False], "sessions_ended": ended})
    log.warning("account disabled: username=%r by=%r sessions_ended=%d reason=%r",
                user.get_username(), actor.username, ended, reason)
    return ended


def enrol_totp(actor: Actor, user: User, secret: str, step: int) -> None:
    """Give ``user`` the second factor ``secret``, the code of ``step`` having been shown to work."""
    with audited(actor) as audit:
        user.totp_secret = secret
        user.totp_last_step = step
        user.save(update_fields=["totp_secret", "totp_last_step"])
        audit.record(Operation.ALTERATION, user, detail={"totp": "enrolled"})
    log.info("second factor enrolled: username=%r", user.get_username())
