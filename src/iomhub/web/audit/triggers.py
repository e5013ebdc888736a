"""The database itself refuses every way of rewriting the audit log (PostgreSQL and SQLite).

- PostgreSQL: a trigger refuses any UPDATE or DELETE of a row (``INSERT ... ON CONFLICT DO
  UPDATE`` is an update, and refused) and any TRUNCATE; the application runs as a role that is
  not the table's owner, so it cannot drop the triggers, and holds no UPDATE, DELETE or TRUNCATE
  privilege on the table (:func:`application_grants`).
- SQLite: triggers refuse UPDATE and DELETE, and an INSERT whose id is already taken: ``INSERT OR
  REPLACE`` deletes the old row without firing delete triggers unless ``recursive_triggers`` is
  on (it is, in ``settings.py``), and the insert trigger refuses it either way. SQLite has no
  roles: whoever can write the database file can drop a trigger, so its file permissions are the
  last line (see docs/security.md).

Installed by migrations ``0002_append_only`` and ``0006_no_replace``. ``remove`` exists for one
purpose: letting a test database be emptied between tests; nothing in the application calls it.
"""

from __future__ import annotations

from typing import Any

REFUSAL = "the audit log is append-only"

POSTGRES_INSTALL = [
    f"""CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION '{REFUSAL}'; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()""",
    """CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()""",
]
POSTGRES_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_log_no_update ON audit_log",
    "DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log",
]
POSTGRES_TRIGGERS = ("audit_log_no_update", "audit_log_no_truncate")

SQLITE_INSTALL = [
    f"""CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS audit_log_no_replace BEFORE INSERT ON audit_log
    WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id)
    BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END""",
]
SQLITE_TRIGGERS = ("audit_log_no_update", "audit_log_no_delete", "audit_log_no_replace")
SQLITE_REMOVE = [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS]


def installed(connection: Any) -> bool:
    """Every trigger of the connection's database is in place."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT count(DISTINCT tgname) FROM pg_trigger WHERE tgname = ANY(%s)",
                           [list(POSTGRES_TRIGGERS)])
            return bool(cursor.fetchone()[0] == len(POSTGRES_TRIGGERS))
        if connection.vendor == "sqlite":
            names = ", ".join(f"'{name}'" for name in SQLITE_TRIGGERS)
            cursor.execute(f"SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN ({names})")
            return bool(cursor.fetchone()[0] == len(SQLITE_TRIGGERS))
        return False


def install(connection: Any) -> None:
    if connection.vendor == "postgresql":
        remove(connection)  # CREATE TRIGGER has no IF NOT EXISTS on PostgreSQL 15
    statements = {"postgresql": POSTGRES_INSTALL, "sqlite": SQLITE_INSTALL}.get(connection.vendor, [])
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def remove(connection: Any) -> None:
    statements = {"postgresql": POSTGRES_REMOVE, "sqlite": SQLITE_REMOVE}.get(connection.vendor, [])
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def application_grants(role: str) -> list[str]:
    """What the application's PostgreSQL role is granted, run by the owner after ``migrate``:
    it reads and writes every table, adds to the audit log, and can neither change nor empty
    the log (nor drop its triggers: only the owner can)."""
    return [
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM {role}",
    ]
