"""Custody periods and statutory supervision."""

from __future__ import annotations

from django.db import models

from iomhub.web import choices
from iomhub.web.audit.models import AuditedModel
from iomhub.web.people.models import nominal_key


class CustodyPeriod(AuditedModel):
    """A period in prison or on remand; a person is "in custody" on the days it covers."""

    nominal = nominal_key("custody_periods")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    expected_release_date = models.DateField(null=True, blank=True)
    custody_type = models.CharField(max_length=20, choices=choices.CUSTODY_TYPES, blank=True)

    class Meta:
        db_table = "custody"
        ordering = ["-start_date"]


class Supervision(AuditedModel):
    """Statutory management by a provider under an order."""

    nominal = nominal_key("supervisions")
    provider = models.CharField(max_length=20, choices=choices.PROVIDERS)
    order_type = models.CharField(max_length=30, choices=choices.ORDER_TYPES, blank=True)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        db_table = "supervision"
        ordering = ["-start_date"]
