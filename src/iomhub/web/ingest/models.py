"""Saved mappings (versioned), uploads and their import jobs."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from iomhub.web.accounts.models import Agency
from iomhub.web.audit.models import AppendOnly, AuditedModel
from iomhub.web.text import long_text

MAPPING_TEXT = 200_000  # a mapping as package.toml text: thousands of code spellings at most
MESSAGE = 20_000  # an import's problems, as shown


class SavedMapping(AuditedModel):
    """A mapping kept for a source of extracts ("Police Niche monthly"), by the agency that made
    it; its text is in its versions, the newest first."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=100)

    class Meta:
        db_table = "ingest_mappings"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="one_mapping_name_per_agency")]

    def __str__(self) -> str:
        return self.name

    @property
    def latest(self) -> MappingVersion | None:
        return self.versions.order_by("-number").first()


class MappingVersion(AuditedModel):
    """One version of a saved mapping: never changed, never deleted (a new save is a new version)."""

    mapping = models.ForeignKey(SavedMapping, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    text = long_text(MAPPING_TEXT)
    saved_by = models.CharField(max_length=150)
    saved_at = models.DateTimeField()

    class Meta:
        db_table = "ingest_mapping_versions"
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["mapping", "number"], name="one_version_number")]

    def __str__(self) -> str:
        return f"{self.mapping.name}, version {self.number}"

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnly("a version of a mapping is history: it is never deleted")


class Upload(AuditedModel):
    """Files an importer uploaded (a zip, a workbook, or several CSV files), stored in ``folder``
    under ``IOMHUB_DATA_DIR/uploads/``, and the mapping being built for them on the page."""

    class Kind(models.TextChoices):
        FILES = "files", "CSV files"
        ZIP = "zip", "Zip"
        WORKBOOK = "workbook", "Excel workbook"

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()
    folder = models.CharField(max_length=32, unique=True)  # a random hex name, never a user's text
    kind = models.CharField(max_length=10, choices=Kind.choices)
    files = models.JSONField(default=list)  # [{"name", "bytes", "sha256"}], as stored
    mapping_text = long_text(MAPPING_TEXT, blank=True)
    based_on = models.ForeignKey(MappingVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        db_table = "ingest_uploads"
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The files' names, as uploaded (made safe)."""
        names = [entry["name"] for entry in self.files]
        return names[0] if len(names) == 1 else f"{names[0]} and {len(names) - 1} more"


class ImportJob(models.Model):
    """One import of an upload with a mapping, run in the background (``ingest.jobs``).

    Bookkeeping, not a record about people: the import it runs is audited row by row by the
    import service. Its final state is written in the import's own transaction, so a job marked
    done has imported everything and a job whose process died has imported nothing."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting"
        RUNNING = "running", "Importing"
        DONE = "done", "Imported"
        FAILED = "failed", "Refused"
        INTERRUPTED = "interrupted", "Stopped: nothing imported"

    upload = models.ForeignKey(Upload, on_delete=models.PROTECT, related_name="jobs")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED, db_index=True)
    mapping_text = long_text(MAPPING_TEXT, blank=True)
    snapshot = models.JSONField(default=list)  # the tables imported as full snapshots
    worker = models.CharField(max_length=200, blank=True)  # host:pid of the process running it
    counts = models.JSONField(default=dict)  # table -> {created, updated, unchanged, not_in_package, removed}
    message = long_text(MESSAGE, blank=True)

    class Meta:
        db_table = "ingest_jobs"
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"import {self.pk} of {self.upload}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED, self.Status.INTERRUPTED)
