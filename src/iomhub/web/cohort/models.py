"""Episodes of IOM management (``cohort``): a person at a level from a start date to an end date."""

from __future__ import annotations

from django.db import models

from iomhub.web import choices
from iomhub.web.audit.models import AuditedModel
from iomhub.web.people.models import nominal_key


class CohortEpisode(AuditedModel):
    """One episode; episodes of one person do not overlap; an empty end date means still open."""

    nominal = nominal_key("episodes")
    scheme = models.CharField(max_length=40, choices=choices.SCHEMES)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    exit_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        db_table = "cohort"
        ordering = ["nominal_id", "start_date"]
        constraints = [models.CheckConstraint(
            condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
            name="cohort_end_not_before_start")]
