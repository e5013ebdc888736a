"""Data packages into and out of the database: ``iomhub import`` and ``iomhub export``.

A plain package (not a Django app): it uses the models of the business-area apps, and needs
Django set up (``iomhub.web.setup()``) before it is imported.
"""

from iomhub.web.exchange.exporting import ExportRefused, export_package
from iomhub.web.exchange.importing import ImportResult, TableCounts, import_package, preview_import, snapshot_tables

__all__ = ["ExportRefused", "ImportResult", "TableCounts", "export_package", "import_package", "preview_import",
           "snapshot_tables"]
