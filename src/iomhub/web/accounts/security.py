"""Sign-in security: lockout after repeated failures, and the record of every attempt.

A username is locked after ``LOCKOUT_FAILURES`` failed attempts (wrong password or wrong
second-factor code) within ``LOCKOUT_SECONDS`` since its last successful sign-in; a client
address is locked after as many failures within the window, whichever usernames were tried.
The address is :func:`iomhub.web.requests.client_address`, so a forged X-Forwarded-For
neither resets nor dodges the lockout. While locked, the password is not even checked.

Every sign-in, failure and lockout goes to the ``iomhub.security`` logger and to the audit log
(object type ``accounts.session``), in the transaction of the request.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone

from iomhub.web.accounts.models import LoginAttempt
from iomhub.web.audit.constants import Operation
from iomhub.web.audit.context import Actor, audited
from iomhub.web.requests import client_address

if TYPE_CHECKING:
    from iomhub.web.accounts.models import User

log = logging.getLogger("iomhub.security")
SESSION_OBJECT = "accounts.session"


def normalise_username(username: str) -> str:
    """The key a username is counted under: case and surrounding spaces do not make a new name."""
    return username.strip().lower()[:150]


def _window_start() -> Any:
    return timezone.now() - timedelta(seconds=settings.LOCKOUT_SECONDS)


def failures_for_username(username: str) -> int:
    key = normalise_username(username)
    since = _window_start()
    last_success = LoginAttempt.objects.filter(
        username=key, outcome=LoginAttempt.Outcome.SUCCEEDED).aggregate(at=Max("at"))["at"]
    if last_success is not None and last_success > since:
        since = last_success
    return int(LoginAttempt.objects.filter(username=key, outcome=LoginAttempt.Outcome.FAILED,
                                           at__gt=since).count())


def failures_for_address(address: str | None) -> int:
    if not address:
        return 0
    return int(LoginAttempt.objects.filter(address=address, outcome=LoginAttempt.Outcome.FAILED,
                                           at__gt=_window_start()).count())


def is_locked(username: str, address: str | None) -> bool:
    limit = settings.LOCKOUT_FAILURES
    return failures_for_username(username) >= limit or failures_for_address(address) >= limit


def _actor(request: HttpRequest, username: str, user: User | None) -> Actor:
    address = client_address(request)
    if user is not None:
        return Actor.of(user, address)
    return Actor(username=username[:150], address=address)


def _audit(request: HttpRequest, operation: str, username: str, user: User | None, **detail: Any) -> None:
    with audited(_actor(request, username, user)) as audit:
        audit.record(operation, object_type=SESSION_OBJECT,
                     object_id=str(user.pk) if user is not None else "", detail=detail)


def _attempt(username: str, address: str | None, outcome: str, stage: str) -> None:
    LoginAttempt.objects.create(at=timezone.now(), username=normalise_username(username), address=address,
                                outcome=outcome, stage=stage)


def record_refused_while_locked(request: HttpRequest, username: str) -> None:
    """An attempt made while the username or address is locked: the password was not checked."""
    address = client_address(request)
    _attempt(username, address, LoginAttempt.Outcome.LOCKED, "password")
    log.warning("sign-in refused: locked out username=%r address=%s", username, address)
    _audit(request, Operation.LOCKOUT, username, None, event="refused_while_locked")


def record_failure(request: HttpRequest, username: str, stage: str, user: User | None = None) -> None:
    """A wrong password or code; logs the lockout too when this failure reaches the limit."""
    address = client_address(request)
    was_locked = is_locked(username, address)
    _attempt(username, address, LoginAttempt.Outcome.FAILED, stage)
    log.warning("sign-in failed: stage=%s username=%r address=%s", stage, username, address)
    _audit(request, Operation.SIGN_IN_FAILED, username, user, stage=stage)
    if not was_locked and is_locked(username, address):
        log.warning("locked out: username=%r address=%s after %d failures within %d s", username, address,
                    settings.LOCKOUT_FAILURES, settings.LOCKOUT_SECONDS)
        _audit(request, Operation.LOCKOUT, username, user, event="locked_out",
               failures=settings.LOCKOUT_FAILURES, seconds=settings.LOCKOUT_SECONDS)


def record_success(request: HttpRequest, user: User, second_factor: bool) -> None:
    address = client_address(request)
    _attempt(user.get_username(), address, LoginAttempt.Outcome.SUCCEEDED, "totp" if second_factor else "password")
    log.info("signed in: username=%r address=%s second_factor=%s", user.get_username(), address, second_factor)
    _audit(request, Operation.SIGN_IN, user.get_username(), user, second_factor=second_factor)


def record_needs_link(request: HttpRequest, user: User) -> None:
    """A right password from someone who must set up a second factor and has no link open: not
    signed in (the password alone never sets up a second factor)."""
    address = client_address(request)
    log.warning("sign-in refused: no second factor and no enrolment link: username=%r address=%s",
                user.get_username(), address)
    _audit(request, Operation.SIGN_IN_FAILED, user.get_username(), user, stage="enrolment link needed")


def record_sign_out(request: HttpRequest, user: User, reason: str) -> None:
    address = client_address(request)
    log.info("signed out: username=%r address=%s reason=%s", user.get_username(), address, reason)
    _audit(request, Operation.SIGN_OUT, user.get_username(), user, reason=reason)
