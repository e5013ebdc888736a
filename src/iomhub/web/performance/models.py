"""The partnership's performance framework (indicators, targets, actuals) and action plan."""

from __future__ import annotations

from django.db import models

from iomhub.web import choices
from iomhub.web.audit.models import AuditedModel


class Indicator(AuditedModel):
    indicator_id = models.CharField(max_length=60, unique=True)
    title = models.CharField(max_length=300)
    owner = models.CharField(max_length=200, blank=True)
    unit = models.CharField(max_length=10, choices=choices.UNITS, blank=True)
    direction = models.CharField(max_length=10, choices=choices.DIRECTIONS, blank=True)
    baseline = models.FloatField(null=True, blank=True)
    metric = models.CharField(max_length=80, blank=True)

    class Meta:
        db_table = "indicators"
        ordering = ["indicator_id"]


class Target(AuditedModel):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, to_field="indicator_id",
                                  db_column="indicator_id", related_name="targets")
    period = models.CharField(max_length=10)
    kind = models.CharField(max_length=10, choices=choices.TARGET_KINDS)
    value = models.FloatField(null=True, blank=True)
    low = models.FloatField(null=True, blank=True)
    high = models.FloatField(null=True, blank=True)

    class Meta:
        db_table = "targets"
        constraints = [models.UniqueConstraint(fields=["indicator", "period"], name="targets_one_per_period")]


class Actual(AuditedModel):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, to_field="indicator_id",
                                  db_column="indicator_id", related_name="actuals")
    period = models.CharField(max_length=10)
    actual = models.FloatField(null=True, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        db_table = "actuals"
        constraints = [models.UniqueConstraint(fields=["indicator", "period"], name="actuals_one_per_period")]


class PlanAction(AuditedModel):
    """A milestone of the delivery action plan (``actions``)."""

    action_id = models.CharField(max_length=60, unique=True)
    outcome = models.TextField(blank=True)
    action = models.TextField(blank=True)
    milestone = models.TextField(blank=True)
    due = models.CharField(max_length=20, blank=True)
    lead = models.CharField(max_length=200, blank=True)
    strategic_links = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=choices.ACTION_STATUSES, blank=True)
    comment = models.TextField(blank=True)
    updated_on = models.DateField(null=True, blank=True)

    class Meta:
        db_table = "actions"
        ordering = ["action_id"]
