"""The data protection duties' own records: reviews (kept after the record they decided on is
deleted) and restrictions (with their history)."""

from __future__ import annotations

from typing import Any

from django.db import models

from iomhub.web.audit.models import AppendOnly, AuditedModel
from iomhub.web.people.models import nominal_key
from iomhub.web.text import REASON, long_text


class Review(AuditedModel):
    """One review of a person's record (DPA 2018 s.39, MoPI): retained, with why and until when
    it is next reviewed, or deleted. It names the person by IOM id only (no foreign key), so that
    the decision to delete outlives what it deleted; it holds no other personal data."""

    class Decision(models.TextChoices):
        RETAIN = "retain", "Retain"
        DELETE = "delete", "Delete"

    nominal_id = models.CharField("IOM id", max_length=40, db_index=True)
    reviewed_on = models.DateField()
    decision = models.CharField(max_length=10, choices=Decision.choices)
    reason = long_text(REASON)
    group = models.CharField(max_length=20)
    next_review = models.DateField(null=True, blank=True)
    reviewer = models.CharField(max_length=150)

    class Meta:
        db_table = "record_reviews"
        ordering = ["-reviewed_on", "-id"]

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnly("a review is history: it is never deleted")


class Restriction(AuditedModel):
    """A restriction of processing (DPA 2018 s.47) and, once lifted, when, by whom and why.
    While one is open, ``Nominal.restricted`` is true."""

    nominal = nominal_key("restrictions")
    restricted_at = models.DateTimeField()
    restricted_by = models.CharField(max_length=150)
    reason = long_text(REASON)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.CharField(max_length=150, blank=True)
    lift_reason = long_text(REASON, blank=True)

    class Meta:
        db_table = "record_restrictions"
        ordering = ["-restricted_at", "-id"]
