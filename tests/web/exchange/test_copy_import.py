"""On PostgreSQL an import writes new records and their audit rows by COPY: the same records, the
same audit rows and the same counts as the ORM's INSERTs, and nothing at all when the database
refuses a value part-way."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.db import DatabaseError, transaction

from iomhub.package import read_package
from iomhub.synth import SynthOptions, generate
from iomhub.web.audit.context import Actor
from iomhub.web.audit.models import AuditEvent
from iomhub.web.exchange import import_package
from iomhub.web.exchange import importing as importing_module
from iomhub.web.exchange.mapping import MAPPINGS
from iomhub.web.people.models import Nominal
from tests.web.conftest import only_on

pytestmark = only_on("postgresql")


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("copy") / "package"
    generate(SynthOptions(nominals=300, seed=5), folder)
    return folder


class RolledBack(Exception):
    """Raised to undo one import inside the test's transaction."""


def stored() -> dict[str, Any]:
    """Every record (its fields but the id) and every audit row (but id and time; the record an
    audit row names by its natural key rather than by the database's id)."""
    tables = {name: sorted(mapping.model.objects.values_list(*mapping.columns), key=repr)
              for name, mapping in MAPPINGS.items()}
    tables["nominals.restricted"] = sorted(Nominal.objects.values_list("nominal_id", "restricted"))
    named = {mapping.model._meta.label_lower: {str(pk): key for pk, *key in
                                               mapping.model.objects.values_list("pk", *mapping.key)}
             for mapping in MAPPINGS.values()}
    fields = ["username", "agency", "role", "operation", "object_type", "object_id", "nominal_id",
              "detail", "justification", "recipient", "address", "user_id"]
    audit = []
    for row in AuditEvent.objects.order_by("id").values(*fields):
        if row["object_id"]:
            row["object_id"] = named[row["object_type"]][row["object_id"]]
        audit.append(row)
    return {"tables": tables, "audit": audit}


def import_twice(package_folder: Path, actor: Actor, by_copy: bool, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A first import, then a second of a changed package (cells changed, a person added)."""
    monkeypatch.setattr(importing_module, "copy_available", lambda: by_copy)
    first = import_package(read_package(package_folder), actor)
    package = read_package(package_folder)
    nominals = package.tables["nominals"]
    package.tables["nominals"] = pl.concat([
        nominals.with_columns(pl.when(pl.col("nominal_id") == nominals["nominal_id"][0])
                              .then(pl.lit("Changed")).otherwise(pl.col("family_name")).alias("family_name")),
        nominals.head(1).with_columns(pl.lit("N9999999").alias("nominal_id"))])
    offences = package.tables["offences"]
    package.tables["offences"] = offences.with_columns(  # a changed category and person: updated by COPY
        pl.when(pl.int_range(pl.len()) < 5).then(pl.lit("robbery")).otherwise(pl.col("category")).alias("category"),
        pl.when(pl.int_range(pl.len()) < 3).then(pl.lit(nominals["nominal_id"][1])).otherwise(pl.col("nominal_id"))
        .alias("nominal_id"))
    package.lines = {}
    second = import_package(package, actor, snapshot=["rag_overrides"])
    return [(r.tables, r.added, r.audit_rows) for r in (first, second)]


def test_copy_writes_the_same_records_audit_and_counts_as_the_orm(
        db: Any, synthetic: Path, system: Actor, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(RolledBack), transaction.atomic():
        by_copy = import_twice(synthetic, system, True, monkeypatch)
        copied = stored()
        raise RolledBack
    assert Nominal.objects.count() == 0 and AuditEvent.objects.count() == 0
    by_orm = import_twice(synthetic, system, False, monkeypatch)
    assert by_copy == by_orm
    assert copied["audit"] and len(copied["tables"]["needs"]) > 300
    assert copied == stored()


def test_a_value_the_database_refuses_part_way_leaves_nothing(
        transactional_db: Any, synthetic: Path, system: Actor) -> None:
    package = read_package(synthetic)
    needs = package.tables["needs"]  # the last large table, after people and offences are copied
    package.tables["needs"] = needs.with_columns(
        pl.when(pl.int_range(pl.len()) == needs.height - 1).then(pl.lit("ete\x00")).otherwise(pl.col("pathway"))
        .alias("pathway"))
    with pytest.raises(DatabaseError):
        import_package(package, system)
    assert {name: m.model.objects.count() for name, m in MAPPINGS.items()} == dict.fromkeys(MAPPINGS, 0)
    assert AuditEvent.objects.count() == 0
