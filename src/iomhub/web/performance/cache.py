"""The last reports computed, kept until the data change.

Reading every table and computing the report takes a good part of a second on a few thousand
people; the figures change only when records do. Every change to a record writes an audit row
of a changing kind (collection, alteration, erasure) in the same transaction, so the largest id
of those rows is a version of the data: a report computed at that version is still right.
Reads (consultations, refusals, disclosures) do not change it. Each process keeps its own
small cache.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

from django.db.models import Count, Max

from iomhub.reports.model import Report
from iomhub.reports.params import ReportParams
from iomhub.web.audit.constants import Operation
from iomhub.web.audit.models import AuditEvent

CHANGES = (Operation.COLLECTION, Operation.ALTERATION, Operation.ERASURE)
SIZE = 16

_reports: OrderedDict[tuple[tuple[int, int], str], Report] = OrderedDict()
_lock = threading.Lock()


def data_version() -> tuple[int, int]:
    """The id of the latest audit row that recorded a change of data, and how many there are
    (a database restored from a backup starts again below ids already seen)."""
    found = AuditEvent.objects.filter(operation__in=CHANGES).aggregate(latest=Max("id"), rows=Count("id"))
    return int(found["latest"] or 0), int(found["rows"])


def cached_report(params: ReportParams, compute: Callable[[], Report]) -> Report:
    """The report for ``params`` at the current data version, computed only when not kept."""
    key = (data_version(), repr(params))
    with _lock:
        found = _reports.get(key)
        if found is not None:
            _reports.move_to_end(key)
            return found
    report = compute()
    with _lock:
        _reports[key] = report
        while len(_reports) > SIZE:
            _reports.popitem(last=False)
    return report


def clear() -> None:
    with _lock:
        _reports.clear()
