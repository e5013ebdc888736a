"""The header's count of unread notifications (case workers only)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from iomhub.web.accounts import permissions
from iomhub.web.notifications.services import unread_count


def unread(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if not permissions.works_on_cases(user):
        return {}
    return {"unread_notifications": lambda: unread_count(user)}
