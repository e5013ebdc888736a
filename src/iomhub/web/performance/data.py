"""The database as a data package (``package_from_database``), for ``build_report`` and the rest
of the library: the canonical frames of ``iomhub.web.exchange.frames``, the one read path from
the database, with the package's settings."""

from __future__ import annotations

from iomhub.package.load import Package, package_from_frames
from iomhub.package.settings import PackageSettings
from iomhub.web.exchange.frames import database_frames

SOURCE = "iomhub database"


def package_from_database(settings: PackageSettings | None = None, using: str = "default") -> Package:
    """The database as a :class:`Package`, for ``build_report`` and the rest of the library."""
    return package_from_frames(database_frames(using), settings, source=SOURCE)
