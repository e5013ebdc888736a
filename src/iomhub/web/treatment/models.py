"""Structured drug and alcohol treatment episodes."""

from __future__ import annotations

from django.db import models

from iomhub.web import choices
from iomhub.web.audit.models import AuditedModel
from iomhub.web.people.models import nominal_key


class TreatmentEpisode(AuditedModel):
    episode_id = models.CharField(max_length=60, unique=True)
    nominal = nominal_key("treatment_episodes")
    substance = models.CharField(max_length=20, choices=choices.SUBSTANCES, blank=True)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=30, choices=choices.TREATMENT_OUTCOMES, blank=True)
    re_presented_on = models.DateField(null=True, blank=True)

    class Meta:
        db_table = "treatment"
        ordering = ["-start_date"]
