"""Reading a page's data in one snapshot that takes no write lock.

Every write runs in ``audit.context.audited()``; on SQLite its transaction begins IMMEDIATE,
taking the database's one write lock at once. The busy pages that only read (the person page,
the cohort list, the dashboard) used to read in the request's transaction, after their audit
row, and so held that lock while reading: under load every request of every worker queued
behind them (``make bench-web`` on SQLite: waits of 180 to 250 ms at the 95th percentile, more
than the pages themselves cost), polling for the lock with SQLite's growing sleeps.

Those pages read in :func:`snapshot` instead, then commit the consultation's audit row in a
short audited transaction of its own, and are drawn last (``pages.page``): nothing is shown
unless its audit row is committed, as before, and if that row cannot be written nothing is shown.

A snapshot is one consistent view of the database: on SQLite (WAL) a deferred transaction, whose
reads neither wait for the writer nor hold it up; on PostgreSQL a REPEATABLE READ transaction
(under READ COMMITTED, the default, each statement could see a different state, and a report
could be kept under a data version older than its figures). It is read-only in the database too
(SQLite's ``query_only``, PostgreSQL's READ ONLY): a write in it fails instead of taking the lock.

Opened inside a transaction already running (a test's, or a view's ``ATOMIC_REQUESTS``), it is
a savepoint of that transaction and reads what it reads; on SQLite it is still read-only.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper


@contextmanager
def snapshot() -> Iterator[None]:
    """One consistent, read-only view of the database for the block's queries."""
    connection = transaction.get_connection()
    connection.ensure_connection()
    outermost = not connection.in_atomic_block
    with ExitStack() as stack:
        if outermost and connection.vendor == "sqlite":
            mode, connection.transaction_mode = connection.transaction_mode, "DEFERRED"
            try:
                stack.enter_context(transaction.atomic())
            finally:
                connection.transaction_mode = mode
        else:
            stack.enter_context(transaction.atomic())
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA query_only = ON")
                stack.callback(_writable, connection)
            elif outermost and connection.vendor == "postgresql":
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _writable(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA query_only = OFF")
