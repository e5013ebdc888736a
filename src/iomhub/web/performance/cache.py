"""The last reports computed, kept until the data change.

Reading every table and computing the report takes a good part of a second on a few thousand
people; the figures change only when records do. Every transaction that changes a record draws a
new stamp of the data (``audit.models.DataVersion``, written by ``audited()`` in that
transaction): a report computed at a stamp is right for as long as the stamp stays. Reads
(consultations, refusals, disclosures) do not change it. The stamp and the data it keys must be
read in one snapshot (``iomhub.web.snapshots``), or a change committed between the two would be
kept under the older stamp. Each process keeps its own small cache.

The cohort list keeps its pages the same way (``cached_list``), keyed also by who may see whom.

The dashboard also keeps the report's HTML (its tables and charts, the same for every user
who may see the report): rendering its thousand-odd table cells costs more than every query
of the page together.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from iomhub.reports.model import Report
from iomhub.reports.params import ReportParams
from iomhub.web.audit.models import DataVersion

SIZE = 16

T = TypeVar("T")
Version = int


class _Kept(Generic[T]):
    """The ``size`` values last asked for, by key (least recently used dropped first); thread-safe.

    A value is made once even when many threads ask for it at the same time: the first makes it
    and the others wait for it (a dozen users opening the dashboard together would otherwise
    compute the same report a dozen times over, starving the process's other requests).
    """

    def __init__(self, size: int = SIZE) -> None:
        self.size = size
        self.values: OrderedDict[tuple[Version, str], T] = OrderedDict()
        self.lock = threading.Lock()
        self.making: dict[tuple[Version, str], threading.Lock] = {}

    def get_or_make(self, key: tuple[Version, str], make: Callable[[], T]) -> T:
        while True:
            with self.lock:
                if key in self.values:
                    self.values.move_to_end(key)
                    return self.values[key]
                maker = self.making.get(key)
                if maker is None:
                    maker = self.making[key] = threading.Lock()
                    maker.acquire()
                    break
            with maker:  # another thread is making it: wait, then look again
                pass
        try:
            value = make()
            with self.lock:
                self.values[key] = value
                while len(self.values) > self.size:
                    self.values.popitem(last=False)
            return value
        finally:
            with self.lock:
                del self.making[key]
            maker.release()

    def clear(self) -> None:
        with self.lock:
            self.values.clear()


_reports: _Kept[Report] = _Kept()
_fragments: _Kept[str] = _Kept()
_lists: _Kept[Any] = _Kept(size=256)  # a list's pages, filters and sorts
_figures: _Kept[Any] = _Kept(size=64)  # the dashboard's quarterly figures, the framework's, the selection
_packages: _Kept[Any] = _Kept(size=2)  # the database read as a package: the latest, and the one before


def data_version() -> Version:
    """The stamp of the data now (``audit.models.DataVersion``): one primary-key lookup."""
    return DataVersion.current()


def records_version() -> Version:
    """The stamp of people's records (every table but the performance framework's): what the
    report's figures are computed from, unchanged by a manual RAG or a new target."""
    return DataVersion.current(DataVersion.RECORDS)


def cached_report(params: ReportParams, compute: Callable[[], Report], version: Version | None = None) -> Report:
    """The report for ``params`` at the current data version (or ``version``, when just read),
    computed only when not kept."""
    return _reports.get_or_make((data_version() if version is None else version, repr(params)), compute)


def cached_fragment(version: Version, key: str, render: Callable[[], str]) -> str:
    """HTML made by ``render`` from the data at ``version`` and what ``key`` says (the report's
    parameters and anything else the HTML shows), made only when not kept. Only for HTML that
    is the same for every user allowed to see it."""
    return _fragments.get_or_make((version, key), render)


def cached_list(version: Version, key: str, make: Callable[[], T]) -> T:
    """A page of a list of people made by ``make`` from the data at ``version``, made only when
    not kept. ``key`` must name everything the page shows: the request's query and who may see
    whom (``Nominal.objects.visibility_key``)."""
    value: T = _lists.get_or_make((version, key), make)
    return value


def kept_report(params: ReportParams, version: Version) -> Report | None:
    """The report for ``params`` at ``version`` if it is kept, else None (nothing is computed)."""
    with _reports.lock:
        return _reports.values.get((version, repr(params)))


def cached_figures(version: Version, key: str, make: Callable[[], T]) -> T:
    """Figures made by ``make`` from the data at ``version`` (``key`` names what else they depend
    on: the day, the quarters), made only when not kept."""
    value: T = _figures.get_or_make((version, key), make)
    return value


def cached_package(version: Version, make: Callable[[], T]) -> T:
    """The database as a package at ``version`` (``performance.data.package_at``), read only
    when not kept: reading every table costs more than most figures computed from them."""
    value: T = _packages.get_or_make((version, "package"), make)
    return value


def clear() -> None:
    _packages.clear()
    _figures.clear()
    _reports.clear()
    _fragments.clear()
    _lists.clear()
