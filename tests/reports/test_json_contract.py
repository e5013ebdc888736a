"""The JSON report keeps the contract of ``docs/spec/report-json.md``: its tables, their
columns and the top-level keys, from a package that has every table."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from iomhub.domain.dates import Span
from iomhub.package import read_package
from iomhub.reports.json_renderer import render_json
from iomhub.reports.model import build_report
from iomhub.reports.params import ReportParams
from iomhub.synth import SynthOptions, generate

SPEC = Path(__file__).resolve().parents[2] / "docs" / "spec" / "report-json.md"

# The contract, as the spec states it (a test below checks this copy against the spec itself).
CONTRACT = {
    "reoffending_by_scheme": "scheme, offenders, offences_before, offences_after, change_pct",
    "reoffending_by_age": "age_band, offenders, offences_before, offences_after, change_pct",
    "reoffending_by_gender": "gender, offenders, offences_before, offences_after, change_pct",
    "reoffending_by_area": "area, offenders, offences_before, offences_after, change_pct",
    "reoffending_by_flag": "flag, offenders, offences_before, offences_after, change_pct",
    "target_attainment": "scheme, offenders, met_target, met_target_pct",
    "caseload": "scheme, area, date, count",
    "caseload_status": "scheme, date, status, count, statutory",
    "statutory_by_provider": "scheme, date, provider, count",
    "risk_tiers": "date, tier, count",
    "referrals_by_agency": "agency, referrals, accepted, rejected, acceptance_pct",
    "attendance_by_agency": "agency, meetings, invited, attended, attendance_pct",
    "needs_first_assessment": "pathway, assessments, identified, cumulative_avg, avg_when_scored, identified_pct",
    "treatment_completions": "substance, in_treatment, successful, successful_pct",
    "kpis": "indicator_id, period, target, actual, rag",
}
TOP_LEVEL = {"report", "generated_at", "period", "baseline", "cohort_date", "settings", "notes", "tables"}


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    folder = tmp_path_factory.mktemp("contract") / "package"
    generate(SynthOptions(nominals=1500, seed=21), folder)
    report = build_report(read_package(folder), ReportParams(
        period=Span(date(2015, 4, 1), date(2016, 3, 31)), target_reduction=17.0))
    parsed: dict[str, object] = json.loads(render_json(report))
    return parsed


def test_top_level_keys(document: dict[str, object]) -> None:
    assert set(document) >= TOP_LEVEL
    assert document["report"] == "iom-performance"
    assert document["period"] == {"from": "2015-04-01", "to": "2016-03-31"}
    assert document["baseline"] == {"from": "2014-04-01", "to": "2015-03-31"}
    assert document["cohort_date"] == "2015-04-01"


@pytest.mark.parametrize("table", sorted(CONTRACT), ids=sorted(CONTRACT))
def test_every_contracted_table_has_its_columns(document: dict[str, object], table: str) -> None:
    tables = document["tables"]
    assert isinstance(tables, dict)
    rows = tables[table]
    assert rows, f"{table} is empty"
    wanted = [c.strip() for c in CONTRACT[table].split(",")]
    for row in rows:
        assert set(wanted) <= set(row), f"{table} lacks {set(wanted) - set(row)}"


def test_the_copy_of_the_contract_matches_the_spec() -> None:
    text = SPEC.read_text(encoding="utf-8")
    found = dict(re.findall(r"^\| `(\w+)` \| [^|]+ \| ([^|]+) \|$", text, flags=re.MULTILINE))
    assert {k: v.strip() for k, v in found.items()} == CONTRACT
