"""Account changes made on purpose: each audited, each in one transaction with its audit row."""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.utils import timezone

from iomhub.web.audit.constants import Operation
from iomhub.web.audit.context import Actor, audited

if TYPE_CHECKING:
    from iomhub.web.accounts.models import EnrolmentLink, User

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


def enrol_totp(actor: Actor, user: User, secret: str, step: int, link: EnrolmentLink | None = None) -> None:
    """Give ``user`` the second factor ``secret``, the code of ``step`` having been shown to work;
    ``link``, the enrolment link it was set up through, is used up in the same transaction (and
    must still be usable then, or nothing is changed)."""
    from iomhub.web.accounts.models import EnrolmentLink

    with audited(actor) as audit:
        detail: dict[str, Any] = {"totp": "enrolled"}
        if link is not None:
            used = EnrolmentLink.objects.filter(pk=link.pk, user=user, used_at__isnull=True,
                                                expires_at__gt=timezone.now()).update(used_at=timezone.now())
            if not used:
                raise LinkUnusable("the enrolment link has expired or has been used")
            detail["enrolment_link"] = link.pk
        user.totp_secret = secret
        user.totp_last_step = step
        user.save(update_fields=["totp_secret", "totp_last_step"])
        audit.record(Operation.ALTERATION, user, detail=detail)
    log.info("second factor enrolled: username=%r", user.get_username())


class LinkUnusable(ValueError):
    """An enrolment link that has expired, been used, or been replaced by a newer one."""


def issue_enrolment_link(actor: Actor, user: User, hours: int | None = None) -> str:
    """A new one-time enrolment link token for ``user`` (valid ``hours``, by default
    ``ENROLMENT_LINK_HOURS``); any earlier unused link of theirs stops working. The token is
    returned once and never stored (only its hash). Audited as an alteration of the account."""
    from iomhub.web.accounts.models import EnrolmentLink

    token = secrets.token_urlsafe(32)
    now = timezone.now()
    expires = now + timedelta(hours=hours or settings.ENROLMENT_LINK_HOURS)
    with audited(actor) as audit:
        ended = EnrolmentLink.objects.filter(user=user, used_at__isnull=True, expires_at__gt=now).update(
            expires_at=now)
        link = EnrolmentLink(user=user, token_hash=EnrolmentLink.hash(token), issued_by=actor.username,
                             issued_at=now, expires_at=expires)
        link.save()
        audit.record(Operation.ALTERATION, user, detail={"enrolment_link": "issued", "expires": expires.isoformat(),
                                                         "earlier_links_ended": ended})
    log.info("enrolment link issued: username=%r by=%r expires=%s", user.get_username(), actor.username,
             expires.isoformat())
    return token


def enrolment_path(token: str) -> str:
    from django.urls import reverse

    return reverse("accounts:enrol_link", args=[token])
