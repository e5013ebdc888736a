"""Nothing lost: an import killed with SIGKILL part-way leaves the database untouched or whole.

A real ``iomhub import`` of a 5,000-person package runs in its own process against its own
database (a SQLite file in a temporary IOMHUB_DATA_DIR, or a fresh PostgreSQL database when
DATABASE_URL names a server) and is killed three times at random moments; after each kill
the database holds either nothing at all or every record with its audit rows.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from iomhub.package import read_package
from iomhub.package.schema import TABLES
from iomhub.synth import SynthOptions, generate

NOMINALS = 5_000
COMMAND = [sys.executable, "-m", "iomhub.cli"]
Query = Callable[[str], list[tuple[Any, ...]]]


@pytest.fixture
def database(tmp_path: Path) -> Iterator[tuple[dict[str, str], Query, Path | None]]:
    """The environment of a process using a database of its own, a query function, the SQLite file."""
    env = {**os.environ, "IOMHUB_DATA_DIR": str(tmp_path / "data")}
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        env.pop("DATABASE_URL", None)
        file = tmp_path / "data" / "iomhub.sqlite3"

        def query_sqlite(sql: str) -> list[tuple[Any, ...]]:
            connection = sqlite3.connect(file)
            try:
                return connection.execute(sql).fetchall()
            finally:
                connection.close()

        yield env, query_sqlite, file
        return
    import psycopg

    name = f"iomhub_killed_{uuid.uuid4().hex[:12]}"
    own = urlsplit(url)._replace(path=f"/{name}").geturl()
    with psycopg.connect(urlsplit(url)._replace(path="/postgres").geturl(), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = own

    def query_postgres(sql: str) -> list[tuple[Any, ...]]:
        with psycopg.connect(own) as connection:
            return connection.execute(sql).fetchall()

    try:
        yield env, query_postgres, None
    finally:
        with psycopg.connect(urlsplit(url)._replace(path="/postgres").geturl(), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def settled(query: Query, limit: float = 30.0) -> None:
    """Until no other session works on the database. A killed client may have sent COMMIT just
    before it died; PostgreSQL then finishes (or aborts) its transaction on its own time, and a
    test reading meanwhile saw the database before, then after, the commit (nominals 0, needs
    whole). SQLite has no server: a killed process's transaction is over when it dies."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            others = query("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                           "AND pid <> pg_backend_pid() AND backend_type = 'client backend'")[0][0]
        except sqlite3.OperationalError:
            return
        if not others:
            return
        time.sleep(0.05)
    raise AssertionError("another session still works on the database")


def table_counts(query: Query) -> dict[str, int]:
    """Every table's rows, in one statement: one snapshot of the database."""
    found = query("SELECT " + ", ".join(f"(SELECT count(*) FROM {name})" for name in TABLES))[0]
    return dict(zip(TABLES, found, strict=True))


def state(query: Query, expected: dict[str, int]) -> str:
    """"untouched" or "whole"; anything in between fails the test."""
    settled(query)
    counts = table_counts(query)
    audit = query("SELECT count(*) FROM audit_log")[0][0]
    if not any(counts.values()) and audit == 0:
        return "untouched"
    assert counts == expected, f"a partial import: {counts}"
    tables = query("SELECT count(*) FROM audit_log WHERE operation = 'collection' AND object_id = ''")[0][0]
    assert tables == len(expected), "one collection row per table"
    unaudited = query("SELECT count(*) FROM nominals n WHERE NOT EXISTS (SELECT 1 FROM audit_log a "
                      "WHERE a.nominal_id = n.nominal_id AND a.operation = 'collection')")[0][0]
    assert unaudited == 0, f"{unaudited} people without their collection row"
    return "whole"


def wait_for_writes(wal: Path, process: subprocess.Popen[bytes], limit: float = 30.0) -> None:
    """Until the import's transaction is spilling into SQLite's write-ahead log."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and process.poll() is None:
        if wal.exists() and wal.stat().st_size > 1_000_000:
            return
        time.sleep(0.02)


def test_an_import_killed_part_way_leaves_the_database_untouched_or_whole(
        tmp_path: Path, database: tuple[dict[str, str], Query, Path | None]) -> None:
    env, query, sqlite_file = database
    package = tmp_path / "package"
    generate(SynthOptions(nominals=NOMINALS, seed=11), package)
    expected = {name: frame.height for name, frame in read_package(package).tables.items()}
    subprocess.run([*COMMAND, "django", "migrate", "--verbosity", "0"], env=env, check=True, timeout=120)
    assert state(query, expected) == "untouched"
    seed = random.randrange(1_000_000)
    rng = random.Random(seed)
    seen = []
    for attempt in range(3):
        process = subprocess.Popen([*COMMAND, "import", str(package)], env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if attempt == 0 and sqlite_file is not None:
            wait_for_writes(sqlite_file.with_name(sqlite_file.name + "-wal"), process)
        else:
            time.sleep(rng.uniform(0.5, 3.0))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        seen.append(state(query, expected))
    finished = subprocess.run([*COMMAND, "import", str(package)], env=env, capture_output=True, text=True,
                              timeout=300)
    assert finished.returncode == 0, finished.stderr
    assert state(query, expected) == "whole", f"random seed {seed}, states after the kills {seen}"
    created = "nothing changed" if "whole" in seen else f"{sum(expected.values()):,} created, 0 updated"
    assert created in finished.stdout
