"""No write escapes the audit log, and the log itself cannot be changed."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from iomhub.web.audit.constants import Operation
from iomhub.web.audit.context import Actor, audited
from iomhub.web.audit.models import AppendOnly, AuditEvent, UnauditedWrite
from iomhub.web.people.models import Nominal


@pytest.mark.parametrize("write", [
    lambda: Nominal(nominal_id="N9").save(),
    lambda: Nominal.objects.create(nominal_id="N9"),
    lambda: Nominal.objects.bulk_create([Nominal(nominal_id="N9")]),
    lambda: Nominal.objects.filter(nominal_id="N0001").update(area="SE"),
    lambda: Nominal.objects.filter(nominal_id="N0001").delete(),
    lambda: Nominal.objects.get_or_create(nominal_id="N9"),
], ids=["save", "create", "bulk_create", "update", "delete", "get_or_create"])
def test_every_kind_of_write_needs_an_audit_context(nominal: Nominal, write: Any) -> None:
    with pytest.raises(UnauditedWrite):
        write()
    assert Nominal.objects.count() == 1
    assert Nominal.objects.get().area == "NW"


def test_a_write_in_a_context_that_records_nothing_is_rolled_back(nominal: Nominal, system: Actor) -> None:
    with pytest.raises(UnauditedWrite), audited(system):
        Nominal.objects.filter(pk=nominal.pk).update(area="SE")
    assert Nominal.objects.get().area == "NW"


def test_an_audited_update_is_kept_with_its_row(nominal: Nominal, system: Actor) -> None:
    before = AuditEvent.objects.count()
    with audited(system, justification="area corrected") as audit:
        Nominal.objects.filter(pk=nominal.pk).update(area="SE")
        audit.record(Operation.ALTERATION, nominal, detail={"area": ["NW", "SE"]})
    assert Nominal.objects.get().area == "SE"
    event = AuditEvent.objects.latest("id")
    assert AuditEvent.objects.count() == before + 1
    assert (event.operation, event.nominal_id, event.justification) == ("alteration", "N0001", "area corrected")


def test_if_the_audit_row_fails_nothing_changes(nominal: Nominal, system: Actor) -> None:
    with pytest.raises(DatabaseError), audited(system) as audit:
        Nominal.objects.filter(pk=nominal.pk).update(area="SE")
        audit.record(Operation.ALTERATION, nominal, object_id="x" * 500)  # too long for the column on PostgreSQL
        if connection.vendor == "sqlite":  # SQLite does not enforce lengths: fail the insert another way
            raise DatabaseError("simulated failure of the audit insert")
    assert Nominal.objects.get().area == "NW"


@pytest.mark.parametrize("change", [
    lambda e: AuditEvent.objects.filter(pk=e.pk).update(username="someone else"),
    lambda e: AuditEvent.objects.filter(pk=e.pk).delete(),
    lambda e: e.save(),
    lambda e: e.delete(),
], ids=["update", "queryset-delete", "save", "delete"])
def test_the_application_cannot_change_the_log(nominal: Nominal, change: Any) -> None:
    event = AuditEvent.objects.latest("id")
    with pytest.raises(AppendOnly):
        change(event)
    assert AuditEvent.objects.get(pk=event.pk).username == "test-fixture"


@pytest.mark.parametrize("sql", ["UPDATE audit_log SET username = 'x'", "DELETE FROM audit_log"],
                         ids=["update", "delete"])
def test_the_database_refuses_raw_changes_to_the_log(nominal: Nominal, sql: str) -> None:
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert AuditEvent.objects.filter(username="test-fixture").exists()
