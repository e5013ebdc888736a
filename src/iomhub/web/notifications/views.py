"""The worker's notifications: listed (unread first), opened (marked read, then the page it is
about), all marked read."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from iomhub.web.notifications.models import Notification
from iomhub.web.notifications.services import mark_read, notifications_of
from iomhub.web.requests import actor
from iomhub.web.visibility import Refused, case_worker_required


@case_worker_required
def notification_list(request: HttpRequest) -> HttpResponse:
    rows = notifications_of(request.user).select_related("nominal").order_by(
        F("read_at").asc(nulls_first=True), "-created_at", "-id")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page,
                                                       "unread": sum(1 for n in page if n.read_at is None)})


@case_worker_required
def open_notification(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark one's own notification read and go to what it is about (refused to anyone else,
    whatever the method, so that the answer says nothing of it)."""
    notification: Notification | None = notifications_of(request.user).filter(pk=notification_id).first()
    if notification is None:
        raise Refused("notifications.notification", str(notification_id))
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    mark_read(actor(request), [notification])
    return redirect(notification.link or "notifications:list")


@case_worker_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    count = mark_read(actor(request), list(notifications_of(request.user).filter(read_at__isnull=True)))
    messages.success(request, f"{count} notification{'' if count == 1 else 's'} marked read.")
    return redirect("notifications:list")
