"""Referrals to the single referral meeting and their decisions."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from iomhub.web import choices
from iomhub.web.audit.models import AuditedModel
from iomhub.web.people.models import nominal_key
from iomhub.web.text import REASON, long_text


class Referral(AuditedModel):
    referral_id = models.CharField(max_length=60, unique=True)
    nominal = nominal_key("referrals")
    referred_on = models.DateField()
    referring_agency = models.CharField(max_length=20, choices=choices.AGENCIES)
    area = models.CharField(max_length=40, blank=True)
    decision = models.CharField(max_length=20, choices=choices.DECISIONS, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    scheme = models.CharField(max_length=40, choices=choices.SCHEMES, blank=True)
    mappa_level = models.CharField(max_length=1, choices=choices.MAPPA_LEVELS, blank=True)
    reason = long_text(REASON, blank=True, help_text="Why it was rejected or referred on.")
    # Why the referrer asks for IOM management, and what supports it (not in the data package).
    referral_reason = long_text(REASON, blank=True, help_text="Why the person is referred.")
    evidence = long_text(REASON, blank=True, help_text="Intelligence and offending that support the referral.")
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", help_text="Who made the referral (empty for imports).")

    class Meta:
        db_table = "referrals"
        ordering = ["-referred_on"]
