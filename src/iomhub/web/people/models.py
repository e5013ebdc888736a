"""People (nominals), their flags over time, and case notes.

Table and column names are those of the data package (``nominals``, ``flags``).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models

from iomhub.web.audit.models import AuditedModel
from iomhub.web.people.constants import Flag as FlagCode
from iomhub.web.people.constants import Gender, NoteVisibility
from iomhub.web.people.querysets import CaseNoteManager, NominalManager
from iomhub.web.text import NOTE, REASON, long_text

PNC_VALIDATOR = RegexValidator(r"^\d{2}(\d{2})?/\d{1,7}[A-Z]$",
                               "A PNC id is written YYYY/NNNNNNNL, for example 2009/0123456X.")


class Nominal(AuditedModel):
    """A person managed, or considered for management, by the IOM unit."""

    nominal_id = models.CharField("IOM id", max_length=40, unique=True)
    pnc_id = models.CharField("PNC id", max_length=14, blank=True, validators=[PNC_VALIDATOR])
    family_name = models.CharField(max_length=100, blank=True)
    given_names = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    gender = models.CharField(max_length=10, choices=Gender.choices, blank=True)
    area = models.CharField(max_length=40, blank=True)
    # Criminal history at joining IOM, for OGRS3 (``iomhub.domain.ogrs3``): sanctions (convictions
    # and cautions, the latest included) and the date of the first.
    sanctions = models.PositiveIntegerField(null=True, blank=True)
    first_sanction_date = models.DateField(null=True, blank=True)
    # DPA 2018 s.47: a restricted record is kept but hidden from all normal use (visible_to, reports,
    # exports) until an administrator lifts it (iomhub.web.records).
    restricted = models.BooleanField(default=False)

    objects: ClassVar[NominalManager[Nominal]] = NominalManager()

    class Meta:
        db_table = "nominals"
        ordering = ["family_name", "given_names", "nominal_id"]
        indexes = [models.Index(fields=["area"], name="nominals_area")]  # the cohort list's area choices

    def __str__(self) -> str:
        name = " ".join(part for part in (self.given_names, self.family_name) if part)
        return f"{name} ({self.nominal_id})" if name else self.nominal_id


def nominal_key(related_name: str) -> models.ForeignKey[Nominal, Nominal]:
    """The link of a record to its person: column ``nominal_id`` holding the IOM id."""
    return models.ForeignKey(Nominal, on_delete=models.PROTECT, to_field="nominal_id",
                             db_column="nominal_id", related_name=related_name)


class Flag(AuditedModel):
    """Membership of another programme, or a characteristic, over a span of time."""

    nominal = nominal_key("flags")
    flag = models.CharField(max_length=40, choices=FlagCode.choices)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        db_table = "flags"
        ordering = ["start_date"]


class CaseNote(AuditedModel):
    """A practitioner's note on a person, seen by the partnership, the own agency or health only."""

    nominal = nominal_key("notes")
    written_at = models.DateTimeField(auto_now_add=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    visibility = models.CharField(max_length=20, choices=NoteVisibility.choices, default=NoteVisibility.SHARED)
    text = long_text(NOTE)

    objects: ClassVar[CaseNoteManager[CaseNote]] = CaseNoteManager()

    class Meta:
        db_table = "case_notes"
        ordering = ["-written_at"]


class Correction(AuditedModel):
    """One change of a person's details, kept as history (DPA 2018 s.46: rectification keeps
    what was there before): the field, the old and the new value, why, who and when. Written by
    every change of the details (``people.services.save_nominal``); ``rectification`` marks a
    correction made on the person's own request (``records.services.rectify``). Never changed;
    deleted only with the person's whole record (``records.services.erase_person``)."""

    nominal = nominal_key("corrections")
    field = models.CharField(max_length=40)
    old = models.CharField(max_length=200, blank=True)
    new = models.CharField(max_length=200, blank=True)
    reason = long_text(REASON, blank=True)
    rectification = models.BooleanField(default=False)
    made_by = models.CharField(max_length=150)
    made_at = models.DateTimeField()

    class Meta:
        db_table = "corrections"
        ordering = ["-made_at", "-id"]

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        from iomhub.web.audit.models import AppendOnly

        raise AppendOnly("a correction is history: it goes only with the whole record")
