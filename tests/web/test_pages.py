"""The busy pages are drawn after their transaction has ended, and drawing them reads nothing.

On SQLite a writing transaction holds the write lock (see ``iomhub/web/pages.py``): a page
drawn inside it keeps every other request waiting. Each page below is requested while every SQL
statement and the start of every template's drawing are noted in order: when drawing begins,
every transaction and savepoint the request opened must have ended, and no statement may follow
(a query while drawing would run outside the audited transaction).

Nor do they read while writing: their reads run in a read-only snapshot (``iomhub.web.snapshots``)
and the transaction that writes their consultation row writes only that.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.signals import template_rendered
from django.test.utils import CaptureQueriesContext

from iomhub.web.audit.constants import Operation
from iomhub.web.audit.context import Actor, audited
from iomhub.web.audit.models import AuditEvent
from iomhub.web.custody.models import CustodyPeriod, Supervision
from iomhub.web.people.models import Nominal
from iomhub.web.risk.models import RiskAssessment

PAGES = {
    "person page": "/people/N0001/",
    "cohort list": "/cohort/?sort=-tier",
    "dashboard": "/performance/report/?from=2015-04-01&to=2016-03-31",
    "headline dashboard": "/performance/",
}
OPENING = ("BEGIN", "SAVEPOINT")
CLOSING = ("COMMIT", "RELEASE SAVEPOINT", "ROLLBACK")


@pytest.fixture
def record(nominal: Nominal, system: Actor) -> Nominal:
    """The fixture's person with a custody period, a supervision and a risk tier, so that every
    part of the person page and the cohort list's columns have something to draw."""
    with audited(system) as audit:
        rows = [CustodyPeriod.objects.create(nominal=nominal, start_date=date(2016, 1, 4),
                                             expected_release_date=date(2026, 1, 4)),
                Supervision.objects.create(nominal=nominal, provider="nps", start_date=date(2015, 4, 1)),
                RiskAssessment.objects.create(nominal=nominal, assessed_on=date(2015, 4, 1), tier="red",
                                              rationale="Violence.")]
        for row in rows:
            audit.record(Operation.COLLECTION, row)
    return nominal


def events_of(get: Callable[[], Any]) -> tuple[Any, list[tuple[str, str]]]:
    """The response of ``get()`` and, in order, ("sql", statement) and ("draw", template name)."""
    events: list[tuple[str, str]] = []

    def note_sql(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        events.append(("sql", sql))
        return execute(sql, params, many, context)

    def note_draw(sender: Any, template: Any, **_: Any) -> None:
        events.append(("draw", str(template.name)))

    template_rendered.connect(note_draw)
    try:
        with connection.execute_wrapper(note_sql):
            response = get()
    finally:
        template_rendered.disconnect(note_draw)
    return response, events


@pytest.mark.parametrize("url", PAGES.values(), ids=PAGES.keys())
def test_the_page_is_drawn_after_its_transaction_without_a_query(
        url: str, record: Nominal, users: dict[str, Any], client_for: Callable[..., Any]) -> None:
    client = client_for(users["own"])
    client.get(url)  # the dashboard computes its report once; its cache is not what is tested
    audited_before = AuditEvent.objects.filter(operation=Operation.CONSULTATION).count()

    response, events = events_of(lambda: client.get(url))

    assert response.status_code == 200
    assert AuditEvent.objects.filter(operation=Operation.CONSULTATION).count() == audited_before + 1
    first_draw = next(index for index, (kind, _) in enumerate(events) if kind == "draw")
    statements = [sql.upper() for kind, sql in events[:first_draw] if kind == "sql"]
    depth = sum(1 if sql.startswith(OPENING) else -1 if sql.startswith(CLOSING) else 0 for sql in statements)
    assert depth == 0, f"drawing began inside {depth} open transaction(s) or savepoint(s)"
    assert any(sql.startswith("INSERT INTO \"AUDIT_LOG\"") for sql in statements), "audited before drawing"
    after = [sql for kind, sql in events[first_draw:] if kind == "sql"]
    assert after == [], f"queries while drawing: {after}"


def transactions_of(statements: list[str]) -> list[list[str]]:
    """``statements`` (as Django logs them, BEGIN and COMMIT included) cut into transactions."""
    cut: list[list[str]] = []
    current: list[str] | None = None
    for sql in statements:
        if sql.startswith("BEGIN"):
            current = [sql]
            cut.append(current)
        elif current is not None:
            current.append(sql)
            if sql.startswith(("COMMIT", "ROLLBACK")):
                current = None
    return cut


READ_ONLY = {"sqlite": "PRAGMA QUERY_ONLY = ON",
             "postgresql": "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("url", PAGES.values(), ids=PAGES.keys())
def test_the_page_reads_in_a_snapshot_and_its_audit_row_is_written_alone(
        url: str, record: Nominal, users: dict[str, Any], client_for: Callable[..., Any]) -> None:
    from iomhub.web.performance import cache

    client = client_for(users["own"])
    client.get(url)
    cache.clear()  # the page is made again, reading everything it shows
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    transactions = transactions_of([query["sql"].upper() for query in captured.captured_queries])
    writing = [t for t in transactions if any(sql.startswith('INSERT INTO "AUDIT_LOG"') for sql in t)]
    assert len(writing) == 1, transactions
    assert [sql for sql in writing[0][1:-1] if not sql.startswith('INSERT INTO "AUDIT_LOG"')] == [], \
        "the audit row's transaction did more than write it"
    reading = [t for t in transactions if any(sql.startswith("SELECT") and '"NOMINALS"' in sql for sql in t)]
    assert reading, "the page read no one"
    assert all(t[1] == READ_ONLY[connection.vendor] for t in reading), "read outside a read-only snapshot"
