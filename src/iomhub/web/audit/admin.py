"""The audit log in the administration site: read-only (no add, change or delete permission)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from iomhub.web.accounts.admin import admin_site, is_administrator
from iomhub.web.audit.models import AuditEvent


@admin.register(AuditEvent, site=admin_site)
class AuditEventAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["at", "username", "agency", "role", "operation", "object_type", "object_id", "nominal_id"]
    list_filter = ["operation", "agency", "role"]
    search_fields = ["username", "nominal_id", "object_id"]
    date_hierarchy = "at"
    actions = None

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_administrator(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_administrator(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
