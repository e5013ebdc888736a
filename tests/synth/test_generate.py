"""The synthetic package: valid, complete, reproducible, and with the behaviour it promises."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from iomhub.domain.dates import Span
from iomhub.package import read_package
from iomhub.package.load import Package
from iomhub.package.schema import TABLES
from iomhub.reports.model import build_report
from iomhub.reports.params import ReportParams
from iomhub.synth import SynthOptions, generate


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "package"
    generate(SynthOptions(nominals=3000, seed=11), out)
    return out


@pytest.fixture(scope="module")
def package(folder: Path) -> Package:
    return read_package(folder)


def test_every_table_is_written_and_valid(package: Package) -> None:
    assert set(package.tables) == set(TABLES)
    for name, frame in package.tables.items():
        assert frame.height > 0, name


def test_files_arrive_the_way_spreadsheets_do(folder: Path) -> None:
    cohort = (folder / "cohort.csv").read_text(encoding="utf-8")
    assert any(line.count("/") >= 2 for line in cohort.splitlines()), "some UK dates"
    codes = pl.read_csv(folder / "offences.csv", infer_schema=False)["category"]
    assert (codes != codes.str.to_lowercase().str.strip_chars()).any(), "some codes in mixed case"
    assert (folder / "nominals.csv").read_bytes().startswith(b"\xef\xbb\xbf"), "a BOM, as Excel writes"


def test_same_seed_same_package(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate(SynthOptions(nominals=300, seed=5), a)
    generate(SynthOptions(nominals=300, seed=5), b)
    generate(SynthOptions(nominals=300, seed=6), c)
    files = sorted(p.name for p in a.iterdir())
    assert all((a / f).read_bytes() == (b / f).read_bytes() for f in files)
    assert (a / "offences.csv").read_bytes() != (c / "offences.csv").read_bytes()


def test_cohort_episodes_of_one_person_do_not_overlap(package: Package) -> None:
    cohort = package.tables["cohort"].sort("nominal_id", "start_date")
    checked = cohort.with_columns(
        pl.col("end_date").shift(1).over("nominal_id").alias("previous_end")
    ).filter(pl.col("previous_end").is_not_null())
    assert checked.height > 0, "some people change level"
    assert (checked["start_date"] > checked["previous_end"]).all()


def test_nobody_offends_in_custody(package: Package) -> None:
    custody = package.tables["custody"].with_columns(pl.col("end_date").fill_null(date(2100, 1, 1)))
    offences = package.tables["offences"]
    inside = offences.join(custody, on="nominal_id").filter(
        pl.col("offence_date").is_between(pl.col("start_date"), pl.col("end_date")))
    assert custody.height > 0 and inside.height == 0


def test_people_join_after_high_recent_offending(package: Package) -> None:
    """Selection on recent offending: joiners offended far more in the year before joining."""
    first = package.tables["cohort"].group_by("nominal_id").agg(pl.col("start_date").min())
    offences = package.tables["offences"].join(first, on="nominal_id")
    year_before = offences.filter(
        (pl.col("offence_date") < pl.col("start_date"))
        & (pl.col("offence_date") >= pl.col("start_date").dt.offset_by("-1y")))
    joiners_rate = year_before.height / first.height
    everyone_rate = package.tables["offences"].height / package.tables["nominals"].height / 3
    assert joiners_rate > 3 * everyone_rate


@pytest.mark.parametrize(("effect", "lowest", "highest"), [(0.0, -55.0, -20.0), (-0.5, -70.0, -45.0)],
                         ids=["no-effect-still-falls", "strong-effect-falls-more"])
def test_before_after_falls_even_without_an_effect(tmp_path: Path, effect: float, lowest: float,
                                                    highest: float) -> None:
    """Regression to the mean: a cohort picked on high offending offends less afterwards anyway."""
    generate(SynthOptions(nominals=8000, seed=3, true_effect=effect), tmp_path / "p")
    report = build_report(read_package(tmp_path / "p"),
                          ReportParams(period=Span(date(2015, 4, 1), date(2016, 3, 31))))
    change = report.row("reoffending_by_scheme", scheme="all")["change_pct"]
    assert lowest < change < highest


def test_the_report_has_every_section(package: Package) -> None:
    report = build_report(package, ReportParams(period=Span(date(2015, 4, 1), date(2016, 3, 31)),
                                                target_reduction=17.0))
    for name in ("reoffending_by_scheme", "caseload", "caseload_status", "statutory_by_provider",
                 "risk_tiers", "referrals_by_agency", "attendance_by_agency", "needs_first_assessment",
                 "treatment_completions", "kpis", "target_attainment"):
        assert report.tables[name].height > 0, name
    assert not [note for note in report.notes if "left out" in note]


@pytest.mark.parametrize("options", [
    {"nominals": 0}, {"start": date(2015, 1, 1), "end": date(2015, 6, 1)}, {"true_effect": -2.0},
], ids=["no-people", "under-a-year", "impossible-effect"])
def test_impossible_options_are_refused(options: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        SynthOptions(**options)  # type: ignore[arg-type]


def test_an_unrelated_folder_is_never_overwritten(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(FileExistsError):
        generate(SynthOptions(nominals=50), tmp_path)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"
