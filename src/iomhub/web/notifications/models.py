"""In-application notifications: something a worker should act on, read or unread."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from iomhub.web.audit.models import AuditedModel
from iomhub.web.people.models import Nominal


class Kind(models.TextChoices):
    REFERRAL = "referral", "Referral to decide"
    RELEASE = "release", "Release due"
    OFFENCE = "offence", "Offence recorded"
    ACTION = "action", "Action due"


class Notification(AuditedModel):
    """One notice to one worker. ``key`` names what it is about (``release:<custody id>:<date>``),
    so that the same event never notifies the same worker twice."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    key = models.CharField(max_length=120)
    nominal = models.ForeignKey(Nominal, on_delete=models.PROTECT, to_field="nominal_id", db_column="nominal_id",
                                related_name="notifications", null=True, blank=True)
    text = models.CharField(max_length=300)
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "notifications"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_event")]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notifications_unread")]

    def __str__(self) -> str:
        return self.text
