"""No write escapes the audit log, and the log itself cannot be changed."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from iomhub.web.audit import triggers
from iomhub.web.audit.constants import Operation
from iomhub.web.audit.context import Actor, audited
from iomhub.web.audit.models import AppendOnly, AuditEvent, UnauditedWrite
from iomhub.web.people.models import Nominal
from tests.web.conftest import only_on


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


# --- every way of rewriting a row, in SQL -----------------------------------------------------------

COLUMNS = ("id", "at", "user_id", "username", "agency", "role", "operation", "object_type", "object_id",
           "nominal_id", "detail", "justification", "recipient", "address")


def _copy_of(event_id: int, verb: str, tail: str = "") -> str:
    """An INSERT of a copy of row ``event_id`` with the username forged, keeping its id."""
    chosen = ", ".join("'forged'" if column == "username" else column for column in COLUMNS)
    return (f"{verb} INTO audit_log ({', '.join(COLUMNS)}) SELECT {chosen} FROM audit_log WHERE id = {event_id}"
            f"{tail}")


REWRITES = {
    "update": lambda pk: f"UPDATE audit_log SET username = 'forged' WHERE id = {pk}",
    "delete": lambda pk: f"DELETE FROM audit_log WHERE id = {pk}",
    "upsert": lambda pk: _copy_of(pk, "INSERT", " ON CONFLICT (id) DO UPDATE SET username = 'forged'"),
    "insert-or-replace": lambda pk: _copy_of(pk, "INSERT OR REPLACE"),
    "replace": lambda pk: _copy_of(pk, "REPLACE"),
    "update-or-replace": lambda pk: f"UPDATE OR REPLACE audit_log SET username = 'forged' WHERE id = {pk}",
    "truncate": lambda pk: "TRUNCATE audit_log",
}
VENDOR = {"insert-or-replace": "sqlite", "replace": "sqlite", "update-or-replace": "sqlite", "truncate": "postgresql"}


@pytest.mark.parametrize("way", [pytest.param(way, marks=[only_on(VENDOR[way])] if way in VENDOR else [])
                                 for way in REWRITES])
def test_no_sql_rewrites_a_row(nominal: Nominal, way: str) -> None:
    """UPDATE, DELETE, upsert, REPLACE (which deletes without firing delete triggers unless
    recursive_triggers is on), TRUNCATE: each refused by the database, the row as it was (each
    in the run of the database whose SQL it is)."""
    event = AuditEvent.objects.latest("id")
    if way == "truncate":  # the test's transaction has deferred foreign-key checks queued, which TRUNCATE minds
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(REWRITES[way](event.pk))
    assert AuditEvent.objects.get(pk=event.pk).username == "test-fixture"


@only_on("sqlite")
@pytest.mark.parametrize("defence", ["insert trigger", "recursive triggers"])
def test_each_sqlite_defence_against_replace_holds_alone(nominal: Nominal, defence: str) -> None:
    """With only one of the two defences, REPLACE is still refused (either alone suffices)."""
    event = AuditEvent.objects.latest("id")
    with connection.cursor() as cursor:
        try:
            if defence == "insert trigger":
                cursor.execute("PRAGMA recursive_triggers = OFF")
            else:
                cursor.execute("DROP TRIGGER audit_log_no_replace")
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
                cursor.execute(_copy_of(event.pk, "INSERT OR REPLACE"))
        finally:
            cursor.execute("PRAGMA recursive_triggers = ON")
            triggers.install(connection)
    assert AuditEvent.objects.get(pk=event.pk).username == "test-fixture"


@only_on("sqlite")
def test_sqlite_connections_have_recursive_triggers_on(db: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA recursive_triggers")
        assert cursor.fetchone()[0] == 1


@pytest.fixture
def application_role(nominal: Nominal) -> Iterator[str]:
    """A role granted what the deployment instructions grant the application (not the owner)."""
    role = f"iomhub_app_test_{os.getpid()}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolcreaterole FROM pg_roles WHERE rolname = current_user")
        if not cursor.fetchone()[0]:
            pytest.fail("the test role needs CREATEROLE to try the application role: run scripts/postgres-test-url")
        cursor.execute(f"DROP ROLE IF EXISTS {role}")
        cursor.execute(f"CREATE ROLE {role} NOLOGIN")
        cursor.execute(f"GRANT {role} TO current_user")
        for statement in triggers.application_grants(role):
            cursor.execute(statement)
    try:
        yield role
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
            cursor.execute(f"DROP OWNED BY {role}")
        _roles_to_drop.append(role)  # dropped after the module: the test's transaction holds its grants


_roles_to_drop: list[str] = []


@pytest.fixture(autouse=True, scope="module")
def _drop_test_roles(django_db_blocker: Any) -> Iterator[None]:
    yield
    if _roles_to_drop:
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            for role in _roles_to_drop:
                cursor.execute(f"DROP ROLE IF EXISTS {role}")


@only_on("postgresql")
@pytest.mark.parametrize("sql", [
    "UPDATE audit_log SET username = 'forged'",
    "DELETE FROM audit_log",
    "TRUNCATE audit_log",
    _copy_of(0, "INSERT", " ON CONFLICT (id) DO UPDATE SET username = 'forged'").replace("id = 0", "true"),
    "DROP TRIGGER audit_log_no_update ON audit_log",
    "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update",
    "DROP FUNCTION audit_log_append_only() CASCADE",
], ids=["update", "delete", "truncate", "upsert", "drop-trigger", "disable-trigger", "drop-function"])
def test_the_application_role_cannot_rewrite_the_log(application_role: str, sql: str) -> None:
    """Run as the application's role (not the owner): refused by privilege or trigger."""
    with connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {application_role}")
        with pytest.raises(DatabaseError), transaction.atomic():
            cursor.execute(sql)
        cursor.execute("RESET ROLE")
    assert triggers.installed(connection)
    assert AuditEvent.objects.filter(username="test-fixture").exists()


@only_on("postgresql")
def test_the_application_role_adds_to_the_log(application_role: str, system: Actor) -> None:
    """The grants are not so tight that the application cannot work: it records as usual."""
    with connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {application_role}")
        with audited(system) as audit:
            audit.record(Operation.CONSULTATION, object_type="test")
        cursor.execute("RESET ROLE")
    assert AuditEvent.objects.filter(object_type="test").count() == 1
