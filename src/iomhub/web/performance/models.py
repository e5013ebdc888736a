"""The partnership's performance framework (indicators, targets, actuals) and action plan."""

from __future__ import annotations

from typing import Any

from django.db import models

from iomhub.web import choices
from iomhub.web.audit.models import AppendOnly, AuditedModel
from iomhub.web.text import REASON, SHORT, long_text


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
    comment = long_text(REASON, blank=True)

    class Meta:
        db_table = "actuals"
        constraints = [models.UniqueConstraint(fields=["indicator", "period"], name="actuals_one_per_period")]


class PlanAction(AuditedModel):
    """A milestone of the delivery action plan (``actions``)."""

    action_id = models.CharField(max_length=60, unique=True)
    outcome = long_text(SHORT, blank=True)
    action = long_text(SHORT, blank=True)
    milestone = long_text(SHORT, blank=True)
    due = models.CharField(max_length=20, blank=True)
    lead = models.CharField(max_length=200, blank=True)
    strategic_links = long_text(SHORT, blank=True)
    status = models.CharField(max_length=20, choices=choices.ACTION_STATUSES, blank=True)
    comment = long_text(REASON, blank=True)
    updated_on = models.DateField(null=True, blank=True)

    class Meta:
        db_table = "actions"
        ordering = ["action_id"]


class History(AuditedModel):
    """A row of a history: written once, never deleted (a later row supersedes it)."""

    class Meta:
        abstract = True

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnly(f"{type(self).__name__} rows are history: they are never deleted")


class RagOverride(History):
    """A manager's manual RAG for one indicator and period, with why (``rag_overrides``).

    The row in force is the last of its indicator and period (by ``decided_on``, then
    ``override_id``); an empty ``rag`` withdraws the override, and the computed RAG stands again.
    ``rag_from`` is the RAG shown before this row (null: none).
    """

    override_id = models.CharField(max_length=80, unique=True)
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, to_field="indicator_id",
                                  db_column="indicator_id", related_name="rag_overrides")
    period = models.CharField(max_length=10)
    rag = models.CharField(max_length=10, choices=choices.RAG_STATUSES, blank=True)
    rag_from = models.CharField(max_length=10, choices=choices.RAG_STATUSES, blank=True)
    reason = long_text(REASON)
    decided_on = models.DateField()
    decided_by = models.CharField(max_length=150, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)  # when made in the application

    class Meta:
        db_table = "rag_overrides"
        ordering = ["decided_on", "override_id"]

    @property
    def withdrawn(self) -> bool:
        return not self.rag


class ActionStatusChange(History):
    """One change of a milestone's status, with the comment that explains it."""

    plan_action = models.ForeignKey(PlanAction, on_delete=models.PROTECT, related_name="status_changes")
    status_from = models.CharField(max_length=20, choices=choices.ACTION_STATUSES, blank=True)
    status_to = models.CharField(max_length=20, choices=choices.ACTION_STATUSES)
    comment = long_text(REASON)
    changed_by = models.CharField(max_length=150)
    changed_at = models.DateTimeField()

    class Meta:
        db_table = "action_status_changes"
        ordering = ["changed_at", "id"]
