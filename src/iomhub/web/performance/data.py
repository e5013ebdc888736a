"""The database as a data package: every table read into the canonical Polars frames that
``read_package`` gives, so that the report is computed by the very same metrics code.

Each table is one SELECT of exactly the columns of ``iomhub.package.schema.TABLES`` (ordered by
primary key, so the frames are the same from one call to the next), read through a raw cursor
and built column by column: no model instances, no per-row conversion in Python. Then, as
``docs/development.md`` defines canonical tables: dates ``pl.Date``, booleans ``pl.Boolean``, scores
and numbers ``pl.Float64``, codes and text ``pl.String`` with an empty string as null. A table
with no rows is left out, as an absent file would be, except ``nominals`` and ``cohort``,
which every package has.

This reads every person's records for an aggregate report, leaving out restricted records
(``unrestricted``); it does not write an audit row itself. The view that shows the report records
the consultation (or the disclosure).
"""

from __future__ import annotations

from typing import Any

import polars as pl
from django.db import connections, models

from iomhub.package.load import Package, package_from_frames
from iomhub.package.schema import TABLES, Kind
from iomhub.package.settings import PackageSettings
from iomhub.web.assessments.models import NeedScore
from iomhub.web.cohort.models import CohortEpisode
from iomhub.web.custody.models import CustodyPeriod, Supervision
from iomhub.web.meetings.models import Attendance, Meeting
from iomhub.web.offences.models import Offence
from iomhub.web.people.models import Flag, Nominal
from iomhub.web.performance.models import Actual, Indicator, PlanAction, RagOverride, Target
from iomhub.web.referrals.models import Referral
from iomhub.web.risk.models import RiskAssessment
from iomhub.web.treatment.models import TreatmentEpisode

SOURCE = "iomhub database"

# The model behind each table of the data package (the models use the package's names).
MODELS: dict[str, type[models.Model]] = {
    "nominals": Nominal,
    "cohort": CohortEpisode,
    "flags": Flag,
    "offences": Offence,
    "custody": CustodyPeriod,
    "supervision": Supervision,
    "risk": RiskAssessment,
    "referrals": Referral,
    "meetings": Meeting,
    "attendance": Attendance,
    "needs": NeedScore,
    "treatment": TreatmentEpisode,
    "indicators": Indicator,
    "targets": Target,
    "actuals": Actual,
    "actions": PlanAction,
    "rag_overrides": RagOverride,
}

ALWAYS_PRESENT = ("nominals", "cohort")

_STRING_KINDS = frozenset({Kind.TEXT, Kind.CODE, Kind.PNC, Kind.PERIOD})


def _canonical(name: str, kind: Kind, values: tuple[Any, ...] | list[Any]) -> pl.Series:
    """One column as its canonical dtype, whatever the database driver returned (SQLite gives
    dates as ISO text and booleans as 0/1; PostgreSQL gives ``date`` and ``bool``)."""
    series = pl.Series(name, values, strict=False)
    if kind is Kind.DATE:
        if series.dtype == pl.String:
            return series.str.to_date("%Y-%m-%d")
        return series.cast(pl.Date)
    if kind is Kind.BOOL:
        return series.cast(pl.Boolean)
    if kind in (Kind.SCORE, Kind.NUMBER):
        return series.cast(pl.Float64)
    assert kind in _STRING_KINDS, kind
    series = series.cast(pl.String)
    return pl.select(pl.when(series != "").then(series)).to_series().alias(name)


def unrestricted(rows: Any) -> Any:
    """``rows`` without those of restricted people (DPA 2018 s.47: kept, but out of every report and
    export), for a table of people or of their records; other tables as they are."""
    model = rows.model
    if model is Nominal:
        return rows.filter(restricted=False)
    if any(f.name == "nominal" for f in model._meta.concrete_fields):
        return rows.filter(nominal__restricted=False)
    return rows


def table_frame(name: str, using: str = "default") -> pl.DataFrame:
    """Table ``name`` of the database as its canonical frame (empty with the right dtypes when
    it has no rows)."""
    table = TABLES[name]
    query = unrestricted(MODELS[name]._base_manager.using(using)).order_by("pk").values_list(*table.names)
    sql, params = query.query.get_compiler(using=using).as_sql()
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    columns: list[tuple[Any, ...] | list[Any]] = (
        list(zip(*rows, strict=True)) if rows else [[] for _ in table.columns])
    return pl.DataFrame([_canonical(column.name, column.kind, values)
                         for column, values in zip(table.columns, columns, strict=True)])


def database_frames(using: str = "default") -> dict[str, pl.DataFrame]:
    """Every table with rows (and always ``nominals`` and ``cohort``), as canonical frames."""
    frames: dict[str, pl.DataFrame] = {}
    for name in TABLES:
        frame = table_frame(name, using)
        if frame.height or name in ALWAYS_PRESENT:
            frames[name] = frame
    return frames


def package_from_database(settings: PackageSettings | None = None, using: str = "default") -> Package:
    """The database as a :class:`Package`, for ``build_report`` and the rest of the library."""
    return package_from_frames(database_frames(using), settings, source=SOURCE)
