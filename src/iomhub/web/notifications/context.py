"""The header's count of unread notifications, counted by ``DueNoticesMiddleware`` before the
view runs (a page is drawn after its transaction and reads nothing while drawing)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def unread(request: HttpRequest) -> dict[str, Any]:
    count = getattr(request, "unread_notifications", None)
    return {"notifications_shown": count is not None, "unread_notifications": count or 0}
