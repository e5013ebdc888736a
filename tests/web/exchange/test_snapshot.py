"""A monthly refresh: what an extract would change, counted before anything is written
(``preview_import``), and a table imported whole (a full snapshot) losing the records absent from
the new extract, each with its erasure audit row; people and the tables others refer to never."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from iomhub.cli import main
from iomhub.package import read_package
from iomhub.web.audit.constants import Operation
from iomhub.web.audit.context import Actor
from iomhub.web.audit.models import AuditEvent
from iomhub.web.cohort.models import CohortEpisode
from iomhub.web.exchange import TableCounts, import_package, preview_import, snapshot_tables
from iomhub.web.people.models import Flag, Nominal
from tests.conftest import write_package

MARCH = {
    "nominals": "nominal_id,date_of_birth,gender,area\nN1,1990-01-01,male,NW\nN2,1991-01-01,female,NE\n"
                "N3,1992-01-01,male,NW\n",
    "cohort": "nominal_id,scheme,start_date,end_date\nN1,priority,2015-01-01,\nN2,standard,2015-02-01,\n"
              "N3,enhanced,2015-03-01,\n",
    "flags": "nominal_id,flag,start_date\nN1,ppo,2015-01-01\nN3,ppo,2015-03-01\n",
}
# April: N1 gone from both tables, N2 moved to priority, N4 new; flags hold N3 only.
APRIL = {
    "nominals": "nominal_id,date_of_birth,gender,area\nN2,1991-01-01,female,NE\nN3,1992-01-01,male,NW\n"
                "N4,1993-01-01,female,SE\n",
    "cohort": "nominal_id,scheme,start_date,end_date\nN2,priority,2015-02-01,\nN3,enhanced,2015-03-01,\n"
              "N4,standard,2015-04-01,\n",
    "flags": "nominal_id,flag,start_date\nN3,ppo,2015-03-01\n",
}
ACTOR = Actor.system("snapshot-test")


def counts(created: int, updated: int, unchanged: int, absent: int, removed: int = 0) -> TableCounts:
    return TableCounts(created, updated, unchanged, absent, removed)


def test_the_preview_counts_what_the_import_then_does(db: Any, tmp_path: Path) -> None:
    import_package(read_package(write_package(tmp_path / "march", MARCH, minimal=False)), ACTOR)
    april = read_package(write_package(tmp_path / "april", APRIL, minimal=False))
    before = AuditEvent.objects.count()
    expected = {"nominals": counts(1, 0, 2, 1), "cohort": counts(1, 1, 1, 1), "flags": counts(0, 0, 1, 1)}
    assert preview_import(april) == expected
    assert AuditEvent.objects.count() == before and Nominal.objects.count() == 3, "the preview wrote nothing"
    result = import_package(april, ACTOR, snapshot=["cohort"])
    assert result.tables == {**expected, "cohort": counts(1, 1, 1, 1, removed=1)}
    assert result.added == {"nominals": [("N4",)], "cohort": [("N4", date(2015, 4, 1))],
                            "flags": []}
    assert sorted(CohortEpisode.objects.values_list("nominal_id", "scheme")) == [
        ("N2", "priority"), ("N3", "enhanced"), ("N4", "standard")]
    assert Flag.objects.filter(nominal_id="N1").exists(), "flags were additions only: N1's flag is kept"
    assert Nominal.objects.filter(nominal_id="N1").exists(), "people are never removed by an import"
    [erased] = AuditEvent.objects.filter(operation=Operation.ERASURE)
    assert (erased.object_type, erased.nominal_id, erased.username) == ("cohort.cohortepisode", "N1", "snapshot-test")
    assert erased.detail["removed"] == {"nominal_id": "N1", "scheme": "priority", "start_date": "2015-01-01",
                                        "end_date": None, "exit_reason": ""}
    again = import_package(april, ACTOR, snapshot=["cohort", "flags"])
    assert again.tables["cohort"] == counts(0, 0, 3, 0) and again.tables["flags"] == counts(0, 0, 1, 1, removed=1)


@pytest.mark.parametrize("table", ["nominals", "meetings", "indicators", "actions"])
def test_tables_others_refer_to_are_never_replaced_whole(db: Any, tmp_path: Path, table: str) -> None:
    assert table not in snapshot_tables()
    package = read_package(write_package(tmp_path / "april", APRIL, minimal=False))
    with pytest.raises(ValueError, match="other records refer to them"):
        import_package(package, ACTOR, snapshot=[table])
    assert not Nominal.objects.exists()


def test_the_command_takes_whole_tables(db: Any, tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["import", str(write_package(tmp_path / "march", MARCH, minimal=False))]).exit_code == 0
    result = runner.invoke(main, ["import", str(write_package(tmp_path / "april", APRIL, minimal=False)),
                                  "--whole", "cohort"])
    assert result.exit_code == 0, result.output
    assert "cohort               1         1         1               1         1" in result.stdout
    refused = runner.invoke(main, ["import", str(tmp_path / "april"), "--whole", "nominals"])
    assert refused.exit_code == 2 and "a table that may be replaced whole is one of cohort" in refused.output
