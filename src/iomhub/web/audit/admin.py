"""The audit log in the administration site: read-only (no add, change or delete permission)."""

from __future__ import annotations

from django.contrib import admin

from iomhub.web.accounts.admin import ReadOnlyAdmin, admin_site
from iomhub.web.audit.models import AuditEvent


@admin.register(AuditEvent, site=admin_site)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "username", "agency", "role", "operation", "object_type", "object_id", "nominal_id"]
    list_filter = ["operation", "agency", "role"]
    search_fields = ["username", "nominal_id", "object_id"]
    date_hierarchy = "at"
    actions = None
