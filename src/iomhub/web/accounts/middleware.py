"""Session limits and security headers on every response."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")

Handler = Callable[[HttpRequest], HttpResponse]


class SessionLimitsMiddleware:
    """End a session idle for ``SESSION_IDLE_SECONDS`` or older than ``SESSION_ABSOLUTE_SECONDS``,
    and any session of a user who has been disabled."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            started = request.session.get("iomhub_started", now)
            seen = request.session.get("iomhub_seen", now)
            if (now - seen > settings.SESSION_IDLE_SECONDS
                    or now - started > settings.SESSION_ABSOLUTE_SECONDS or not user.is_active):
                logout(request)
            else:
                request.session["iomhub_started"] = started
                request.session["iomhub_seen"] = now
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
