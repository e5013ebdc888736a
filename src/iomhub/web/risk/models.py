"""Risk tier history: the tier on a date is the latest assessment on or before it."""

from __future__ import annotations

from django.db import models

from iomhub.web import choices
from iomhub.web.audit.models import AuditedModel
from iomhub.web.people.models import nominal_key
from iomhub.web.text import REASON, long_text


class RiskAssessment(AuditedModel):
    nominal = nominal_key("risk_assessments")
    assessed_on = models.DateField()
    tier = models.CharField(max_length=10, choices=choices.TIERS)
    rationale = long_text(REASON, blank=True)

    class Meta:
        db_table = "risk"
        ordering = ["-assessed_on"]
