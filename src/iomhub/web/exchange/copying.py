"""New records and their audit rows written by PostgreSQL's COPY, in the import's own transaction.

``import_package`` creates rows with ``bulk_create`` (one INSERT per 2,000 rows) on SQLite; on
PostgreSQL it streams them with psycopg 3's ``cursor.copy`` (``COPY ... FROM STDIN``) on the
connection Django opened, inside the transaction ``audited()`` holds: the records and their
audit rows still commit together or not at all. The values written are those ``bulk_create``
would write: the package's columns, each other field's default, and for the audit log the same
columns of the same ``AuditEvent`` rows (``at`` is the time they are written, as ``auto_now_add``
gives). The ids of new people, which their audit rows name, are drawn from the table's sequence
before the COPY, in order, as an INSERT would draw them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone
from psycopg import sql

from iomhub.web.audit.context import require_audit

Tick = Callable[[int], None]  # called with the number of rows written since the last call
TICK_EVERY = 2000


def copy_available() -> bool:
    """COPY is used on PostgreSQL only (SQLite keeps ``bulk_create``)."""
    return connection.vendor == "postgresql"


def _copy(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], tick: Tick | None = None) -> None:
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(sql.Identifier(c) for c in columns))
    connection.ensure_connection()
    raw = connection.connection
    assert raw is not None
    written = 0
    # psycopg's errors reach the caller as Django's (IntegrityError, DataError), as from the ORM
    with connection.wrap_database_errors, raw.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)
            written += 1
            if tick is not None and written == TICK_EVERY:
                tick(written)
                written = 0
    if tick is not None and written:
        tick(written)


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return str(field.column)


def copy_updates(model: type[models.Model], columns: Sequence[str], key: Sequence[str],
                 changes: Sequence[tuple[Any, tuple[Any, ...]]]) -> None:
    """Give records (``(pk, row)``) the package's values of every column but the natural key, as
    ``bulk_update`` does: the rows are copied into a temporary table, then one UPDATE joins it."""
    require_audit("copy update")
    meta = model._meta
    at = [i for i, column in enumerate(columns) if column not in key]
    if not at or not changes:
        return
    names = [_column(model, columns[i]) for i in at]
    pk = sql.Identifier(str(meta.pk.column))
    table, temp = sql.Identifier(meta.db_table), sql.Identifier(f"import_{meta.db_table}")
    listed = sql.SQL(", ").join(sql.Identifier(name) for name in names)
    raw = connection.connection
    assert raw is not None
    with connection.wrap_database_errors, raw.cursor() as cursor:
        cursor.execute(sql.SQL("CREATE TEMPORARY TABLE {} ON COMMIT DROP AS SELECT {}, {} FROM {} WITH NO DATA")
                       .format(temp, pk, listed, table))
    _copy(f"import_{meta.db_table}", [str(meta.pk.column), *names],
          ((key_value, *(row[i] for i in at)) for key_value, row in changes))
    with connection.wrap_database_errors, raw.cursor() as cursor:
        cursor.execute(sql.SQL("UPDATE {} AS t SET {} FROM {} AS u WHERE t.{} = u.{}").format(
            table, sql.SQL(", ").join(sql.SQL("{0} = u.{0}").format(sql.Identifier(name)) for name in names),
            temp, pk, pk))
        cursor.execute(sql.SQL("DROP TABLE {}").format(temp))


def new_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` ids drawn from the sequence of the model's primary key, in increasing order."""
    meta = model._meta
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                       [meta.db_table, meta.pk.column, count])
        return sorted(int(value) for (value,) in cursor.fetchall())


def copy_records(model: type[models.Model], columns: Sequence[str], rows: Sequence[tuple[Any, ...]],
                 tick: Tick | None = None, ids: Sequence[int] | None = None) -> None:
    """Write package rows (values in the order of ``columns``) as new records of ``model``.

    Fields the package does not carry get their default, as ``_builder`` gives them to
    ``bulk_create``; the primary key is the database's unless ``ids`` gives it."""
    require_audit("copy")
    position = {column: i for i, column in enumerate(columns)}
    fields = [f for f in model._meta.concrete_fields if ids is not None or not f.primary_key]
    names = [str(f.column) for f in fields]
    plan: list[tuple[int | None, Any]] = []
    for f in fields:
        if f.primary_key:
            plan.append((len(columns), None))  # the id, appended to each row below
        elif f.attname in position:
            plan.append((position[f.attname], None))
        else:
            plan.append((None, f.get_db_prep_save(f.get_default(), connection)))
    numbered: Iterable[tuple[Any, ...]] = rows if ids is None else (
        (*row, pk) for row, pk in zip(rows, ids, strict=True))
    _copy(model._meta.db_table, names,
          ([default if i is None else row[i] for i, default in plan] for row in numbered), tick)


AUDIT_FIELDS = ("user_id", "username", "agency", "role", "operation", "object_type", "object_id",
                "nominal_id", "detail", "justification", "recipient", "address")


def copy_audit(events: Sequence[Any]) -> None:
    """Write ``AuditEvent`` instances (unsaved) to the audit log, ``at`` now, as ``bulk_create``."""
    from iomhub.web.audit.models import AuditEvent

    at = timezone.now()
    _copy(AuditEvent._meta.db_table, ["at", *AUDIT_FIELDS],  # the fields' names are their columns
          ([at, *(json.dumps(e.detail) if name == "detail" else getattr(e, name) for name in AUDIT_FIELDS)]
           for e in events))
