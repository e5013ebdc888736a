"""Episodes of IOM management (``cohort``): a person at a level from a start date to an end date."""

from __future__ import annotations

from django.conf import settings
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


class LeadRole(models.TextChoices):
    """The named people who hold a person's case, one of each at a time (``LeadProfessional.kind``;
    not to be confused with a user's ``role``)."""

    OFFENDER_MANAGER = "offender_manager", "Offender manager"
    POLICE_OFFICER = "police_officer", "Police officer"
    KEY_WORKER = "key_worker", "Key worker"


class LeadProfessional(AuditedModel):
    """A named worker holding one of a person's lead roles from ``started_on`` until ``ended_on``
    (empty while current). A new assignment ends the previous one the same day, so the rows of a
    person and role are the history of who held the case (``cohort.services.assign_lead``)."""

    nominal = nominal_key("leads")
    kind = models.CharField("role", max_length=20, choices=LeadRole.choices)
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="leads")
    agency = models.CharField(max_length=40, help_text="The worker's agency (code) when assigned.")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    assigned_by = models.CharField(max_length=150)

    class Meta:
        db_table = "lead_professionals"
        ordering = ["nominal_id", "kind", "-started_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["nominal", "kind"], condition=models.Q(ended_on__isnull=True),
                                    name="lead_one_current_per_role"),
            models.CheckConstraint(condition=models.Q(ended_on__isnull=True)
                                   | models.Q(ended_on__gte=models.F("started_on")),
                                   name="lead_end_not_before_start")]
