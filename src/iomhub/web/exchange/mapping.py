"""Which model holds each table of the data package, and by which natural key a row is known.

Column names are the package's (``iomhub.package.schema.TABLES``): a model's field, or for a
link the field's column (``nominal_id``, ``meeting_id``, ``indicator_id``), carries the same name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

import polars as pl
from django.apps import apps
from django.db import models

from iomhub.package.schema import TABLES, Kind
from iomhub.web.audit.models import AuditedModel


@dataclass(frozen=True)
class TableModel:
    """One table of the package and the model that holds it in the database."""

    table: str
    model_label: str
    key: tuple[str, ...]  # the natural key: the id column, or the columns that name a row

    @property
    def model(self) -> type[AuditedModel]:
        return cast(type[AuditedModel], apps.get_model(self.model_label))

    @property
    def columns(self) -> list[str]:
        return TABLES[self.table].names

    @property
    def filename(self) -> str:
        return TABLES[self.table].filename

    def db_field(self, column: str) -> models.Field[Any, Any]:
        """The field holding the column's value (the target field for a link)."""
        field = self.model._meta.get_field(column)
        if field.is_relation:
            target = field.target_field  # type: ignore[union-attr]
            assert isinstance(target, models.Field)
            return target
        assert isinstance(field, models.Field)
        return field

    def field_name(self, column: str) -> str:
        """The model's field name for a column (``nominal`` for ``nominal_id``)."""
        return self.model._meta.get_field(column).name

    def is_text(self, column: str) -> bool:
        return isinstance(self.db_field(column), models.CharField | models.TextField)

    def is_integer(self, column: str) -> bool:
        return isinstance(self.db_field(column), models.IntegerField)

    def dtype(self, column: str) -> pl.DataType | type[pl.DataType]:
        """The Polars type of the column as the database holds it."""
        kind = TABLES[self.table].column(column).kind
        if kind in (Kind.SCORE, Kind.NUMBER):
            return pl.Int64 if self.is_integer(column) else pl.Float64
        if kind is Kind.DATE:
            return pl.Date
        if kind is Kind.BOOL:
            return pl.Boolean
        return pl.String


def _mappings(*items: tuple[str, str, tuple[str, ...]]) -> dict[str, TableModel]:
    return {table: TableModel(table, label, key) for table, label, key in items}


# In the order of TABLES, which puts every table after the tables it refers to.
MAPPINGS: dict[str, TableModel] = _mappings(
    ("nominals", "people.Nominal", ("nominal_id",)),
    ("cohort", "cohort.CohortEpisode", ("nominal_id", "start_date")),
    ("flags", "people.Flag", ("nominal_id", "flag", "start_date")),
    ("offences", "offences.Offence", ("offence_id",)),
    ("custody", "custody.CustodyPeriod", ("nominal_id", "start_date")),
    ("supervision", "custody.Supervision", ("nominal_id", "start_date")),
    ("risk", "risk.RiskAssessment", ("nominal_id", "assessed_on")),
    ("referrals", "referrals.Referral", ("referral_id",)),
    ("meetings", "meetings.Meeting", ("meeting_id",)),
    ("attendance", "meetings.Attendance", ("meeting_id", "agency")),
    ("needs", "assessments.NeedScore", ("nominal_id", "assessed_on", "pathway")),
    ("treatment", "treatment.TreatmentEpisode", ("episode_id",)),
    ("indicators", "performance.Indicator", ("indicator_id",)),
    ("targets", "performance.Target", ("indicator_id", "period")),
    ("actuals", "performance.Actual", ("indicator_id", "period")),
    ("actions", "performance.PlanAction", ("action_id",)),
    ("rag_overrides", "performance.RagOverride", ("override_id",)),
)
assert list(MAPPINGS) == list(TABLES), "every table of the package has its model, in the same order"
