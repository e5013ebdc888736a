"""The relation lists against the truth: every relation the protector declares to hold always
(``reports/tables.py``) and every relation the attacker assumes (``attacker.py``) holds exactly
on unsuppressed reports of synthetic units; a relation that need not hold is taken only when
it does."""

from __future__ import annotations

from collections import Counter

import polars as pl
import pytest

from iomhub.reports.disclosure.cells import Index
from iomhub.reports.disclosure.relations import declared, relations
from iomhub.reports.suppression import limits
from iomhub.reports.tables import TABLES
from tests.reports.disclosure.attacker import Document, derived_relations, spec_relations
from tests.reports.disclosure.conftest import DEMO, document, unit
from tests.reports.test_suppression_people import providers, status

# the units the other tests build too (each worker builds a unit once)
UNITS = [pytest.param((300, 7), id="300 people"), pytest.param((100, 134), id="100 people"),
         pytest.param(DEMO, id="demo")]


@pytest.mark.parametrize("size", UNITS)
def test_every_relation_declared_to_hold_holds(size: tuple[int, int]) -> None:
    report = unit(*size)
    index = Index(report.tables)
    kinds: Counter[str] = Counter()
    for name, spec in TABLES.items():
        for line in spec.lines:
            if getattr(line, "checked", False) or name not in report.tables:
                continue
            for relation in declared(index, name, line, limits(report)):
                assert relation.holds(index), (name, line, relation)
                kinds[relation.kind] += 1
    # every kind of relation is there, and they are many
    assert len(kinds) == 10 and sum(kinds.values()) > 350, kinds


@pytest.mark.parametrize("size", UNITS)
def test_every_relation_the_attacker_assumes_holds(size: tuple[int, int]) -> None:
    doc = Document(document(unit(*size)))
    checked = 0
    for constraint in spec_relations(doc) + derived_relations(doc):
        values = [doc.value(cell) for cell, _ in constraint.terms]
        if any(value is None for value in values):  # a figure that cannot be computed
            continue
        total = sum(value * k for value, (_, k) in zip(values, constraint.terms, strict=True))
        slack = 1e-6 * (1 + sum(abs(value * k) for value, (_, k) in zip(values, constraint.terms, strict=True)))
        assert {"=": abs(total - constraint.rhs) <= slack, "<=": total <= constraint.rhs + slack,
                ">=": total >= constraint.rhs - slack}[constraint.sense], constraint
        checked += 1
    assert checked > 500


def test_a_relation_that_need_not_hold_is_taken_only_when_it_does() -> None:
    # NPS 3 + CRC 8: the community's statutory count is 11 (they add up) or 10 (someone has both
    # providers: no equation, only "at least").
    for statutory, senses in ((11, {"=", ">=", "<="}), (10, {">=", "<="})):
        tables: dict[str, pl.DataFrame] = {"statutory_by_provider": providers(3, 8),
                                           "caseload_status": status(statutory)}
        found = {r.sense for r in relations(Index(tables)) if r.table == "statutory_by_provider"}
        assert found == senses, statutory
