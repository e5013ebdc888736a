"""Data packages into and out of the database: exact round trip, idempotence, audit, refusals."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from iomhub.package import PackageError, read_package
from iomhub.synth import SynthOptions, generate
from iomhub.web.audit.context import Actor
from iomhub.web.audit.models import AuditEvent
from iomhub.web.exchange import ExportRefused, export_package, import_package
from iomhub.web.exchange import importing as importing_module
from iomhub.web.people.models import Nominal
from iomhub.web.risk.models import RiskAssessment
from tests.cli_runner import run_cli as cli

NOMINALS = "nominal_id,pnc_id,family_name,date_of_birth,gender,area\n" \
           "N1,2009/0123456X,Smith,1990-01-01,male,NW\nN2,,,14/02/1991,Female,SE\n"
COHORT = "nominal_id,scheme,start_date,end_date\nN1,priority,2015-01-01,\nN2,Enhanced,2015-02-01,2015-12-31\n"
RISK = "nominal_id,assessed_on,tier\nN1,2015-01-01,red\nN1,2015-01-01,amber\nN2,2015-03-01,green\n"


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("synthetic") / "package"
    generate(SynthOptions(nominals=300, seed=3), folder)
    return folder


def canonical(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.sort(frame.columns, nulls_last=True)


def alterations() -> int:
    return AuditEvent.objects.filter(operation="alteration").count()



def test_import_export_import_round_trips_exactly(db: Any, synthetic: Path, tmp_path: Path,
                                                  system: Actor) -> None:
    original = read_package(synthetic)
    first = import_package(original, system)
    assert first.created == sum(frame.height for frame in original.tables.values())
    export_package(tmp_path / "export", system, "round-trip test", "the test suite")
    exported = read_package(tmp_path / "export")
    assert set(exported.tables) == set(original.tables)
    for name, frame in original.tables.items():
        assert exported.tables[name].schema == frame.schema, name
        assert canonical(exported.tables[name]).equals(canonical(frame)), name
    audit_rows = AuditEvent.objects.count()
    again = import_package(exported, system)
    assert (again.created, again.updated, again.audit_rows) == (0, 0, 0)
    assert sum(t.unchanged for t in again.tables.values()) == first.created
    assert AuditEvent.objects.count() == audit_rows


def test_importing_the_same_package_twice_changes_nothing(db: Any, synthetic: Path, system: Actor) -> None:
    package = read_package(synthetic)
    first = import_package(package, system)
    assert first.created > 0 and first.updated == 0
    collections = AuditEvent.objects.filter(operation="collection")
    people = collections.filter(object_type="people.nominal").exclude(object_id="")
    assert people.count() == package.tables["nominals"].height
    for name, counts in first.tables.items():  # one collection row per table, with its count
        row = collections.filter(detail__table=name).get()
        assert row.detail["created"] == counts.created == package.tables[name].height, name
    before = AuditEvent.objects.count()
    second = import_package(package, system)
    assert (second.created, second.updated) == (0, 0)
    assert all(t.unchanged == package.tables[n].height for n, t in second.tables.items())
    assert AuditEvent.objects.count() == before and alterations() == 0


def test_a_changed_cell_updates_its_record_and_audits_old_and_new(
        db: Any, make_package: Callable[..., Path], system: Actor) -> None:
    import_package(read_package(make_package(nominals=NOMINALS, cohort=COHORT, risk=RISK)), system)
    changed = make_package(nominals=NOMINALS.replace("male,NW", "male,NE"), cohort=COHORT,
                           risk=RISK.replace("amber", "green"))
    result = import_package(read_package(changed), system, justification="corrected extract")
    assert (result.tables["nominals"].updated, result.tables["nominals"].unchanged) == (1, 1)
    assert (result.tables["risk"].updated, result.tables["risk"].unchanged) == (1, 2)
    assert result.created == 0 and result.updated == 2
    person = Nominal.objects.get(nominal_id="N1")
    assert person.area == "NE"
    assert sorted(RiskAssessment.objects.filter(nominal_id="N1").values_list("tier", flat=True)) == ["green", "red"]
    event = AuditEvent.objects.get(operation="alteration", object_type="people.nominal")
    assert (event.object_id, event.nominal_id, event.detail) == (str(person.pk), "N1", {"area": ["NW", "NE"]})
    assert event.justification == "corrected extract" and event.username == "test-fixture"
    risk = AuditEvent.objects.get(operation="alteration", object_type="risk.riskassessment")
    assert risk.detail == {"tier": ["amber", "green"]} and risk.nominal_id == "N1"
    assert alterations() == 2


def test_records_absent_from_the_package_are_left_alone(
        db: Any, make_package: Callable[..., Path], system: Actor) -> None:
    import_package(read_package(make_package(nominals=NOMINALS, cohort=COHORT)), system)
    only_n1 = make_package(nominals=NOMINALS.splitlines()[0] + "\n" + NOMINALS.splitlines()[1] + "\n",
                           cohort=COHORT.splitlines()[0] + "\n" + COHORT.splitlines()[1] + "\n")
    result = import_package(read_package(only_n1), system)
    assert result.tables["nominals"].not_in_package == 1 and result.tables["cohort"].not_in_package == 1
    assert Nominal.objects.filter(nominal_id="N2").exists() and not result.changed


def test_a_broken_package_is_refused_through_the_cli_and_changes_nothing(
        db: Any, make_package: Callable[..., Path], nominal: Nominal) -> None:
    before = (Nominal.objects.count(), AuditEvent.objects.count())
    broken = make_package(offences="offence_id,nominal_id,offence_date\nC1,N1,2015-03-01\nC2,N9,2015-03-02\n")
    result = cli("import", str(broken))
    assert result.exit_code == 2
    assert "offences.csv:3: nominal_id: 'N9' is not in nominals.csv" in result.stderr
    assert "Refused: 1 problem; nothing was written." in result.stderr
    assert (Nominal.objects.count(), AuditEvent.objects.count()) == before


def test_values_the_database_cannot_hold_are_refused_before_it_is_touched(
        db: Any, make_package: Callable[..., Path], system: Actor) -> None:
    package = read_package(make_package(
        nominals="nominal_id,area\nN1," + "A" * 41 + "\n",
        needs="nominal_id,assessed_on,pathway,score\nN1,2015-01-01,ete,2.5\nN1,2015-01-01,health,3\n"))
    with pytest.raises(PackageError) as refused:
        import_package(package, system)
    assert [str(p) for p in refused.value.problems] == [
        "needs.csv:2: score: score must be a whole number in the database",
        "nominals.csv:2: area: is longer than the 40 characters the database holds"]
    assert Nominal.objects.count() == 0 and AuditEvent.objects.count() == 0


def test_a_failure_part_way_leaves_nothing_behind(
        db: Any, synthetic: Path, system: Actor, monkeypatch: pytest.MonkeyPatch) -> None:
    real = importing_module._import_table

    def failing(mapping: Any, *args: Any) -> Any:
        if mapping.table == "offences":
            raise RuntimeError("disk full")
        return real(mapping, *args)

    monkeypatch.setattr(importing_module, "_import_table", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        import_package(read_package(synthetic), system)
    assert Nominal.objects.count() == 0 and AuditEvent.objects.count() == 0


def test_the_cli_imports_as_a_user_and_prints_the_counts(
        db: Any, make_package: Callable[..., Path], users: dict[str, Any]) -> None:
    folder = make_package(nominals=NOMINALS, cohort=COHORT, risk=RISK)
    result = cli("import", str(folder), "--as", "own-practitioner", "--reason", "monthly extract")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["table", "created", "updated", "unchanged", "not", "in", "package"]
    assert lines[1].split() == ["nominals", "2", "0", "0", "0"]
    assert lines[3].split() == ["risk", "3", "0", "0", "0"]
    assert "7 created, 0 updated" in lines[-1]
    event = AuditEvent.objects.filter(object_type="people.nominal").first()
    assert event is not None
    assert (event.username, event.agency, event.justification) == ("own-practitioner", "police", "monthly extract")
    again = cli("import", str(folder))
    assert again.exit_code == 0 and "nothing changed" in again.stdout
    assert cli("import", str(folder), "--as", "nobody").exit_code == 2


def test_export_needs_a_justification_and_a_recipient(db: Any, nominal: Nominal, system: Actor,
                                                      tmp_path: Path) -> None:
    before = AuditEvent.objects.count()
    for justification, recipient in [("", "Home Office"), ("  ", "Home Office"), ("evaluation", "")]:
        with pytest.raises(ExportRefused):
            export_package(tmp_path / "out", system, justification, recipient)
    assert cli("export", str(tmp_path / "out"), "--recipient", "Home Office").exit_code == 2
    assert cli("export", str(tmp_path / "out"), "--justification", " ", "--recipient", "X").exit_code == 2
    assert not (tmp_path / "out").exists() and list(tmp_path.iterdir()) == []
    assert AuditEvent.objects.count() == before


def test_export_is_one_disclosure_with_justification_and_recipient(
        db: Any, make_package: Callable[..., Path], system: Actor, tmp_path: Path) -> None:
    import_package(read_package(make_package(nominals=NOMINALS, cohort=COHORT, risk=RISK)), system)
    before = AuditEvent.objects.count()
    out = tmp_path / "exports" / "out"
    result = cli("export", str(out), "--justification", "evaluation of the scheme",
                 "--recipient", "University of Leicester")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["cohort.csv", "nominals.csv", "risk.csv"]
    assert [p.name for p in out.parent.iterdir()] == ["out"]  # no scratch folder left behind
    assert (out / "nominals.csv").read_text().splitlines() == [
        "nominal_id,pnc_id,family_name,given_names,date_of_birth,gender,area,sanctions,first_sanction_date",
        "N1,2009/0123456X,Smith,,1990-01-01,male,NW,,", "N2,,,,1991-02-14,female,SE,,"]
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("id")
    assert (event.operation, event.justification, event.recipient) == (
        "disclosure", "evaluation of the scheme", "University of Leicester")
    assert event.detail["tables"] == {"nominals": 2, "cohort": 2, "risk": 3}
    assert cli("export", str(out), "--justification", "j", "--recipient", "r").exit_code == 2


def test_schemes_declared_by_a_package_survive_the_round_trip(
        db: Any, make_package: Callable[..., Path], system: Actor, tmp_path: Path) -> None:
    folder = make_package(cohort="nominal_id,scheme,start_date\nN1,Pilot Scheme,2015-01-01\n",
                          **{"package.toml": '[schemes]\npilot_scheme = "The pilot"\n'})
    import_package(read_package(folder), system)
    export_package(tmp_path / "out", system, "test", "test")
    assert read_package(tmp_path / "out").tables["cohort"]["scheme"].to_list() == ["pilot_scheme"]


def test_criminal_history_for_ogrs3_round_trips(db: Any, make_package: Callable[..., Path], system: Actor,
                                                 tmp_path: Path) -> None:
    original = read_package(make_package(
        nominals="nominal_id,date_of_birth,gender,sanctions,first_sanction_date\n"
                 "N1,1990-01-01,male,14,03/05/2004\nN2,1991-02-14,female,,\n"))
    import_package(original, system)
    assert Nominal.objects.values_list("nominal_id", "sanctions", "first_sanction_date").order_by(
        "nominal_id")[0] == ("N1", 14, date(2004, 5, 3))
    export_package(tmp_path / "export", system, "round-trip test", "the test suite")
    written = (tmp_path / "export" / "nominals.csv").read_text(encoding="utf-8-sig").splitlines()
    assert written[0].endswith(",sanctions,first_sanction_date")
    assert written[1].endswith(",14,2004-05-03") and written[2].endswith(",,")
    exported = read_package(tmp_path / "export")
    assert canonical(exported.tables["nominals"]).equals(canonical(original.tables["nominals"]))
    again = import_package(exported, system)
    assert (again.created, again.updated) == (0, 0)
