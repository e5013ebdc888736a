"""Test helper: a data package's canonical tables written into the database as model rows.

The import command (``iomhub import``) is written elsewhere; the dashboard's tests need only
rows, created in bulk inside one audit context (one collection row per table).
"""

from __future__ import annotations

from typing import Any

from django.db import models

from iomhub.package.load import Package
from iomhub.web.audit.constants import Operation
from iomhub.web.audit.context import Actor, audited
from iomhub.web.exchange.mapping import MAPPINGS


def _value(field: models.Field[Any, Any], value: Any) -> Any:
    """A canonical value as the model stores it: null text as an empty string."""
    if value is None and not field.null:
        return ""
    return value


def load_package(package: Package, actor: Actor | None = None) -> dict[str, int]:
    """Create a row of the table's model for every row of every table; return the counts."""
    counts: dict[str, int] = {}
    with audited(actor or Actor.system("test")) as audit:
        for name, frame in package.tables.items():  # nominals and meetings come before their references
            model = MAPPINGS[name].model
            fields = {column: model._meta.get_field(column) for column in frame.columns}  # attname too
            objects = [model(**{column: _value(fields[column], value) for column, value in row.items()})
                       for row in frame.iter_rows(named=True)]
            model.objects.bulk_create(objects, batch_size=500)
            counts[name] = len(objects)
            audit.record(Operation.COLLECTION, object_type=model._meta.label_lower,
                         detail={"rows": len(objects), "table": name})
    return counts
