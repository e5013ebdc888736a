"""A snapshot reads one consistent state without holding up writers, and cannot write.

The scenario runs on a database file for SQLite (in a fresh process: the test database is in
memory, where SQLite locks whole tables instead of keeping a write-ahead log) and in this process
on PostgreSQL. While a snapshot is open and has read, another thread records a new person: the
writer must finish while the snapshot is still open (an IMMEDIATE transaction, or any that held
the write lock, would keep it waiting until the snapshot ended), and the snapshot must go on
seeing the state it began with.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from iomhub.web.audit.constants import Operation
from iomhub.web.audit.context import Actor, audited
from iomhub.web.audit.models import AuditEvent
from iomhub.web.people.models import Nominal
from iomhub.web.snapshots import snapshot

ROOT = Path(__file__).resolve().parents[2]
WRITER_LIMIT = 5.0


def _add_person(nominal_id: str) -> None:
    with audited(Actor.system("snapshot test")) as audit:
        person = Nominal.objects.create(nominal_id=nominal_id, given_names="Sam", family_name="Writer",
                                        date_of_birth=date(1990, 1, 1), area="North")
        audit.record(Operation.COLLECTION, person)


def scenario() -> dict[str, Any]:
    """What a snapshot saw and let happen, on the database Django is set up with."""
    from django.db import connections

    writer: dict[str, Any] = {}

    def write() -> None:
        try:
            _add_person("N9001")
            writer["finished"] = time.monotonic()
        except Exception as error:  # reported, the test says what went wrong
            writer["error"] = repr(error)
        finally:
            connections.close_all()

    with snapshot():
        before = Nominal.objects.count()
        thread = threading.Thread(target=write)
        thread.start()
        thread.join(WRITER_LIMIT)
        during = Nominal.objects.count()
        snapshot_ended = time.monotonic()
    thread.join(60)
    after = Nominal.objects.count()

    audit_rows = AuditEvent.objects.count()
    try:
        with snapshot():
            _add_person("N9002")
        write_in_snapshot = "written"
    except DatabaseError as error:
        write_in_snapshot = type(error).__name__
    _add_person("N9003")  # the connection writes again once the snapshot has ended
    return {"before": before, "during": during, "after": after,
            "writer_error": writer.get("error"),
            "writer_done_while_open": "finished" in writer and writer["finished"] < snapshot_ended,
            "write_in_snapshot": write_in_snapshot,
            "refused_write_left": Nominal.objects.filter(nominal_id="N9002").count()
            + AuditEvent.objects.count() - audit_rows - 1,
            "wrote_afterwards": Nominal.objects.filter(nominal_id="N9003").count()}


def run_on_sqlite_file(tmp_path: Path) -> dict[str, Any]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("IOMHUB_", "DJANGO_", "DATABASE_"))}
    environment |= {"DJANGO_SETTINGS_MODULE": "iomhub.web.settings", "IOMHUB_DATA_DIR": str(tmp_path),
                    "PYTHONPATH": str(ROOT)}
    script = ("import json, django; django.setup(); from django.core.management import call_command; "
              "call_command('migrate', verbosity=0); from tests.web.test_snapshots import scenario; "
              "print(json.dumps(scenario()))")
    result = subprocess.run([sys.executable, "-c", script], env=environment, capture_output=True, text=True,
                            timeout=300, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-3000:]
    seen: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return seen


@pytest.mark.django_db(transaction=True)
def test_a_snapshot_sees_one_state_lets_writers_on_and_cannot_write(tmp_path: Path) -> None:
    seen = run_on_sqlite_file(tmp_path) if connection.vendor == "sqlite" else scenario()
    assert seen["writer_error"] is None
    assert seen["writer_done_while_open"], "the writer waited for the snapshot to end"
    assert seen["during"] == seen["before"], "the snapshot saw a change committed after it began"
    assert seen["after"] == seen["before"] + 1
    assert seen["write_in_snapshot"] != "written", "a write inside a snapshot was allowed"
    assert seen["refused_write_left"] == 0, "the refused write left a person or an audit row"
    assert seen["wrote_afterwards"] == 1


@pytest.mark.django_db
def test_inside_a_transaction_a_snapshot_is_a_savepoint_that_reads_it(nominal: Nominal) -> None:
    with transaction.atomic():
        with snapshot():
            assert Nominal.objects.filter(pk=nominal.pk).exists()
        _add_person("N9004")  # the surrounding transaction writes again afterwards
    assert Nominal.objects.filter(nominal_id="N9004").exists()
