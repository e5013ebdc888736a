"""The audit log in the administration site: read-only (no add, change or delete permission),
and every list or row shown is itself recorded as a consultation of the log."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from iomhub.web.accounts.admin import ReadOnlyAdmin, admin_site
from iomhub.web.audit.models import AuditEvent
from iomhub.web.audit.views import record_view


@admin.register(AuditEvent, site=admin_site)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "username", "agency", "role", "operation", "object_type", "object_id", "nominal_id"]
    list_filter = ["operation", "agency", "role"]
    search_fields = ["username", "nominal_id", "object_id"]
    date_hierarchy = "at"
    actions = None

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        if response.status_code == 200:
            record_view(request, "admin list", query=request.GET.urlencode()[:500])
        return response

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "",
                    extra_context: dict[str, Any] | None = None) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        if response.status_code == 200:
            record_view(request, "admin row", row=object_id[:100])
        return response
