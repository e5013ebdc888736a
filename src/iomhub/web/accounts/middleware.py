"""Session limits and security headers on every response."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpRequest, HttpResponse

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")

Handler = Callable[[HttpRequest], HttpResponse]

# The last activity is written to the session at most once a minute: writing it at every request
# cost a second transaction (and, on SQLite, a second synced write) per page. A session is
# then ended up to this much *earlier* than the idle limit, never later.
SEEN_RESOLUTION_SECONDS = 60


class SessionLimitsMiddleware:
    """End a session idle for ``SESSION_IDLE_SECONDS`` or older than ``SESSION_ABSOLUTE_SECONDS``,
    and any session of a user who has been disabled. The session is saved only when its last
    activity moves on by ``SEEN_RESOLUTION_SECONDS`` or more."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from iomhub.web.accounts.security import record_sign_out

        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            started = request.session.get("iomhub_started", now)
            seen = request.session.get("iomhub_seen", now)
            reason = ("idle" if now - seen > settings.SESSION_IDLE_SECONDS
                      else "absolute limit" if now - started > settings.SESSION_ABSOLUTE_SECONDS
                      else "disabled" if not user.is_active else None)
            if reason:
                record_sign_out(request, user, f"session ended: {reason}")
                logout(request)
            elif ("iomhub_started" not in request.session or "iomhub_seen" not in request.session
                  or now - seen >= SEEN_RESOLUTION_SECONDS):
                request.session["iomhub_started"] = started
                request.session["iomhub_seen"] = now
        elif SESSION_KEY in getattr(request, "session", {}):
            # Signed in as a user who can no longer sign in (disabled, or left their agency): end it.
            request.session.flush()
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """A strict Content-Security-Policy everywhere; pages are never cached (they are about people)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        if not request.path.startswith(settings.STATIC_URL):
            response.headers["Cache-Control"] = "no-store"
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response
