"""Multi-agency meetings, attendance by agency, and the actions case discussions produce."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from iomhub.web import choices
from iomhub.web.audit.models import AuditedModel
from iomhub.web.people.models import nominal_key
from iomhub.web.text import NOTE, SHORT, long_text


class Meeting(AuditedModel):
    meeting_id = models.CharField(max_length=60, unique=True)
    held_on = models.DateField()
    meeting_type = models.CharField(max_length=20, choices=choices.MEETING_TYPES, blank=True)
    area = models.CharField(max_length=40, blank=True)
    minutes = long_text(NOTE, blank=True, help_text="What the meeting decided and agreed (not in the data package).")

    class Meta:
        db_table = "meetings"
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.get_meeting_type_display()} {self.held_on:%d/%m/%Y}"


class Attendance(AuditedModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, to_field="meeting_id",
                                db_column="meeting_id", related_name="attendance")
    agency = models.CharField(max_length=20, choices=choices.AGENCIES)
    invited = models.BooleanField(null=True)
    attended = models.BooleanField(null=True)

    class Meta:
        db_table = "attendance"
        constraints = [models.UniqueConstraint(fields=["meeting", "agency"], name="attendance_one_row_per_agency")]


class PersonInvitation(AuditedModel):
    """A named worker invited to a meeting, and whether they came (attendance by person; the
    agencies' attendance is :class:`Attendance`)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="people_invited")
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="invitations")
    attended = models.BooleanField(null=True)

    class Meta:
        db_table = "meeting_people"
        ordering = ["meeting", "worker__last_name", "worker__username"]
        constraints = [models.UniqueConstraint(fields=["meeting", "worker"], name="invitation_one_per_person")]


class CaseAction(AuditedModel):
    """An action agreed in a case discussion: an owner agency, a due date, a status."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    nominal = nominal_key("case_actions")
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="case_actions")
    description = long_text(SHORT)
    owner_agency = models.CharField(max_length=20, choices=choices.AGENCIES)
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)

    class Meta:
        db_table = "case_actions"
        ordering = ["due_on"]
