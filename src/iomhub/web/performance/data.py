"""The database as a data package (``package_from_database``), for ``build_report`` and the rest
of the library: the canonical frames of ``iomhub.web.exchange.frames``, the one read path from
the database, with the package's settings."""

from __future__ import annotations

from datetime import date

from django.db.models import Max

from iomhub.package.load import Package, package_from_frames
from iomhub.package.settings import PackageSettings
from iomhub.reports.params import ACTIVITY_DATES
from iomhub.web.exchange.frames import database_frames
from iomhub.web.exchange.mapping import MAPPINGS

SOURCE = "iomhub database"


def package_from_database(settings: PackageSettings | None = None, using: str = "default") -> Package:
    """The database as a :class:`Package`, for ``build_report`` and the rest of the library."""
    return package_from_frames(database_frames(using), settings, source=SOURCE)


def package_at(version: int) -> Package:
    """``package_from_database()`` at data ``version`` (read in the same snapshot), read once and
    kept (``performance/cache.py``)."""
    from iomhub.web.performance.cache import cached_package

    return cached_package(version, package_from_database)


def latest_activity_in_database(using: str = "default") -> date | None:
    """``reports.params.latest_activity`` of the database: one aggregate query per table."""
    days: list[date] = []
    for table, columns in ACTIVITY_DATES.items():
        mapping = MAPPINGS[table]
        found = mapping.model.objects.using(using).aggregate(
            **{column: Max(mapping.field_name(column)) for column in columns})
        days += [day for day in found.values() if isinstance(day, date)]
    return max(days) if days else None
