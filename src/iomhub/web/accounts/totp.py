"""The second factor: time-based one-time codes (RFC 6238, 30-second steps, 6 digits).

A code is accepted for the current step or one step either side (clocks drift), and each step
is usable once: ``User.totp_last_step`` holds the last step used, and it is moved forward by a
conditional UPDATE, so two requests racing with the same code cannot both succeed.
"""

from __future__ import annotations

import hmac
import time
from typing import TYPE_CHECKING

import pyotp

from iomhub.web.accounts import permissions

if TYPE_CHECKING:
    from iomhub.web.accounts.models import User

ISSUER = "iomhub"
DRIFT_STEPS = 1


def now() -> float:
    return time.time()


def required_for(user: User) -> bool:
    """Administrators always; everyone when ``TOTP_REQUIRED_FOR_ALL`` is set."""
    return permissions.needs_second_factor(user)


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, username: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def matching_step(secret: str, code: str, after_step: int = 0) -> int | None:
    """The time step ``code`` is valid for (now, or one step either side), if later than ``after_step``."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now())
    found = None
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code) and step > after_step:
            found = step
    return found


def consume(user: User, code: str) -> bool:
    """Check ``code`` for ``user`` and use it up; False if wrong, stale or already used."""
    from iomhub.web.accounts.models import User

    if not user.totp_secret:
        return False
    step = matching_step(user.totp_secret, code, user.totp_last_step)
    if step is None:
        return False
    used = User.objects.filter(pk=user.pk, totp_last_step__lt=step).update(totp_last_step=step)
    if used:
        user.totp_last_step = step
    return bool(used)
