"""Detected offences linked to nominals; they arrive by import and are read-only in the interface."""

from __future__ import annotations

from django.db import models

from iomhub.web import choices
from iomhub.web.audit.models import AuditedModel
from iomhub.web.people.models import nominal_key


class Offence(AuditedModel):
    offence_id = models.CharField("crime reference", max_length=60, unique=True)
    nominal = nominal_key("offences")
    offence_date = models.DateField()
    detected_date = models.DateField(null=True, blank=True)
    category = models.CharField(max_length=40, choices=choices.OFFENCE_CATEGORIES, blank=True)
    offence_code = models.CharField(max_length=20, blank=True)

    class Meta:
        db_table = "offences"
        ordering = ["-offence_date"]
