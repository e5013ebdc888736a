"""Searching the audit log: administrators only, read-only. Anyone else gets the generic 404,
and the refusal is itself logged; every search is recorded too (a consultation of the log)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.utils import timezone

from iomhub.web.accounts import permissions
from iomhub.web.audit.constants import Operation
from iomhub.web.audit.context import audited
from iomhub.web.audit.forms import AuditSearchForm
from iomhub.web.audit.models import AuditEvent
from iomhub.web.requests import actor
from iomhub.web.visibility import refuse

PAGE_SIZE = 50
OBJECT_TYPE = "audit.auditevent"


def record_view(request: HttpRequest, where: str, **detail: Any) -> None:
    """A view of the audit log is itself a consultation, recorded in the log (who looked at whom)."""
    with audited(actor(request)) as audit:
        audit.record(Operation.CONSULTATION, object_type=OBJECT_TYPE, detail={"viewed": where, **detail})


def _day_start(day: Any) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def search(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not permissions.administers(user):
        if not user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        return refuse(request, "audit.auditevent")
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    form = AuditSearchForm(request.GET or None)
    events = AuditEvent.objects.all()
    if form.is_valid():
        data = form.cleaned_data
        if data["username"]:
            events = events.filter(username__iexact=data["username"].strip())
        if data["agency"]:
            events = events.filter(agency__iexact=data["agency"].strip())
        if data["nominal_id"]:
            events = events.filter(nominal_id=data["nominal_id"].strip())
        if data["operation"]:
            events = events.filter(operation=data["operation"])
        if data["date_from"]:
            events = events.filter(at__gte=_day_start(data["date_from"]))
        if data["date_to"]:
            events = events.filter(at__lt=_day_start(data["date_to"] + timedelta(days=1)))
    elif form.is_bound:
        events = events.none()
    page = Paginator(events.order_by("-at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    record_view(request, "audit search", filters={k: str(v) for k, v in (form.cleaned_data.items() if form.is_bound
                                                                         and form.is_valid() else []) if v},
                page=page.number, rows=[event.pk for event in page.object_list])
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/search.html", {"form": form, "page": page, "query": query.urlencode()})
