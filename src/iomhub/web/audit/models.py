"""The append-only audit log, and the base of every audited record.

Every write to an audited model must happen inside :func:`iomhub.web.audit.context.audited`,
which writes the audit row in the same transaction; a save, ``.update()``, ``.delete()`` or
bulk operation outside it raises :class:`UnauditedWrite`. Audit rows themselves can be
added but never changed or deleted (and on PostgreSQL and SQLite a trigger refuses it too).
"""

from __future__ import annotations

import secrets
from typing import Any, ClassVar, TypeVar

from django.conf import settings
from django.db import models

from iomhub.web.audit.constants import Operation
from iomhub.web.audit.context import require_audit


class UnauditedWrite(RuntimeError):
    """A write was attempted with no audit context open."""


class AppendOnly(RuntimeError):
    """An audit row was to be changed or deleted."""


_M = TypeVar("_M", bound=models.Model)


class AuditedQuerySet(models.QuerySet[_M]):
    """Bulk writes are allowed only inside an audit context."""

    def update(self, **kwargs: Any) -> int:
        require_audit("update")
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        require_audit("delete")
        return super().delete()

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[Any]:
        require_audit("bulk_create")
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs: Any, *args: Any, **kwargs: Any) -> int:
        require_audit("bulk_update")
        return super().bulk_update(objs, *args, **kwargs)

    def update_or_create(self, *args: Any, **kwargs: Any) -> Any:
        require_audit("update_or_create")
        return super().update_or_create(*args, **kwargs)

    def get_or_create(self, *args: Any, **kwargs: Any) -> Any:
        require_audit("get_or_create")
        return super().get_or_create(*args, **kwargs)


AuditedManager = models.Manager.from_queryset(AuditedQuerySet)


class AuditedModel(models.Model):
    """A record about people: every save and delete needs an open audit context."""

    objects: ClassVar[AuditedManager[Any]] = AuditedManager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        require_audit("save")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        require_audit("delete")
        return super().delete(*args, **kwargs)


class AuditQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnly("the audit log cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnly("the audit log cannot be deleted")

    def bulk_update(self, objs: Any, *args: Any, **kwargs: Any) -> int:
        raise AppendOnly("the audit log cannot be changed")


class AuditEvent(models.Model):
    """One act of processing personal data: who (user, agency, role), when, what, which record, why."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    username = models.CharField(max_length=150)
    agency = models.CharField(max_length=40, blank=True)
    role = models.CharField(max_length=20, blank=True)
    operation = models.CharField(max_length=20, choices=Operation.choices)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=100, blank=True)
    nominal_id = models.CharField(max_length=100, blank=True, db_index=True)
    detail = models.JSONField(default=dict, blank=True)
    justification = models.TextField(blank=True)
    recipient = models.CharField(max_length=200, blank=True)
    address = models.GenericIPAddressField(null=True, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        db_table = "audit_log"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["operation", "id"], name="audit_log_operation_id")]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnly("the audit log cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnly("the audit log cannot be deleted")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.operation} {self.object_type} {self.object_id}"


class DataVersion(models.Model):
    """One row whose ``stamp`` changes with every transaction that changes data: the version of
    the data that kept reports and lists are keyed by (``performance/cache.py``).

    :func:`iomhub.web.audit.context.audited` draws a new random stamp in every transaction that
    writes a record or records a change, in that transaction; reading it is one primary-key
    lookup, however long the audit log. A random stamp rather than a counter: a database restored
    from a backup and changed again never meets a stamp it had before the restore.
    """

    id = models.PositiveSmallIntegerField(primary_key=True)
    stamp = models.BigIntegerField()

    class Meta:
        db_table = "data_version"

    ROW = 1
    RECORDS = 2  # a second stamp, of every record but the performance framework's
    # The performance framework and action plan: a change of these alone (a manual RAG, a target)
    # leaves the figures computed from people's records (``RECORDS``) as they were.
    FRAMEWORK_TYPES = frozenset({"performance.indicator", "performance.target", "performance.actual",
                                 "performance.ragoverride", "performance.planaction",
                                 "performance.actionstatuschange"})

    @classmethod
    def current(cls, row: int = ROW) -> int:
        """The stamp now (0 until the first change); of ``RECORDS``, that of people's records."""
        stamp = cls.objects.filter(pk=row).values_list("stamp", flat=True).first()
        return int(stamp or 0)

    @classmethod
    def advance(cls, records: bool = True) -> None:
        """A new stamp, written in the open transaction (one upsert: no read, no race); and a new
        ``RECORDS`` stamp unless only the performance framework changed (``records=False``)."""
        rows = [DataVersion(id=cls.ROW, stamp=secrets.randbits(62) + 1)]
        if records:
            rows.append(DataVersion(id=cls.RECORDS, stamp=secrets.randbits(62) + 1))
        DataVersion.objects.bulk_create(rows, update_conflicts=True, unique_fields=["id"], update_fields=["stamp"])
