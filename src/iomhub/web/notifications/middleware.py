"""Raises the notices that fall due with time (releases, actions) for a case worker, at their
first page of the day (kept in the session), and counts their unread notifications for the
header, before the view runs."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from iomhub.web.accounts import permissions
from iomhub.web.notifications.services import refresh_due, unread_count
from iomhub.web.requests import actor

SESSION_KEY = "iomhub_notices_on"


class DueNoticesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if request.method == "GET" and permissions.works_on_cases(user):
            today = timezone.localdate()
            if request.session.get(SESSION_KEY) != today.isoformat():
                refresh_due(actor(request), user, today)  # type: ignore[arg-type]
                request.session[SESSION_KEY] = today.isoformat()
        if permissions.works_on_cases(user):
            request.unread_notifications = unread_count(user)  # type: ignore[attr-defined]
        return self.get_response(request)
