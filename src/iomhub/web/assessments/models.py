"""Needs across the seven pathways: the rows of one nominal on one date form one assessment."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from iomhub.web import choices
from iomhub.web.audit.models import AuditedModel
from iomhub.web.people.models import nominal_key


class NeedScore(AuditedModel):
    nominal = nominal_key("needs")
    assessed_on = models.DateField()
    pathway = models.CharField(max_length=30, choices=choices.PATHWAYS)
    score = models.PositiveSmallIntegerField(null=True, blank=True,
                                             validators=[MinValueValidator(0), MaxValueValidator(10)])

    class Meta:
        db_table = "needs"
        ordering = ["-assessed_on", "pathway"]
        constraints = [models.UniqueConstraint(fields=["nominal", "assessed_on", "pathway"],
                                               name="needs_one_score_per_pathway")]
