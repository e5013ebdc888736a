"""The dashboard's headline figures (issue 17): each the report's own figure for the same quarter,
the quarters counted right, and the tiles' words and sparklines worked out by hand."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from iomhub.domain.dates import Span
from iomhub.package import read_package
from iomhub.package.load import Package
from iomhub.reports.headline import Quarter, framework_figures, quarter_figures, quarter_of, quarters_to
from iomhub.reports.headline_view import Point, QuarterFigures, sparkline, tiles
from iomhub.reports.json_renderer import render_json
from iomhub.reports.model import build_report, figures
from iomhub.reports.params import ReportParams
from iomhub.synth import SynthOptions, generate

Q4 = Quarter(2015, 4, Span(date(2016, 1, 1), date(2016, 3, 31)))


@pytest.mark.parametrize(("day", "code", "label"), [
    pytest.param(date(2016, 3, 31), "2015-Q4", "Q4 2015/16", id="march-is-q4-of-the-year-before"),
    pytest.param(date(2016, 4, 1), "2016-Q1", "Q1 2016/17", id="april-starts-q1"),
    pytest.param(date(2026, 12, 7), "2026-Q3", "Q3 2026/27", id="december-is-q3"),
])
def test_the_quarter_of_a_day(day: date, code: str, label: str) -> None:
    assert (quarter_of(day).code, quarter_of(day).label) == (code, label)


def test_eight_quarters_end_with_the_current_one() -> None:
    quarters = quarters_to(quarter_of(date(2016, 3, 31)))
    assert [q.code for q in quarters] == ["2014-Q1", "2014-Q2", "2014-Q3", "2014-Q4",
                                          "2015-Q1", "2015-Q2", "2015-Q3", "2015-Q4"]
    assert quarters[0].span == Span(date(2014, 4, 1), date(2014, 6, 30))


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Package:
    folder: Path = tmp_path_factory.mktemp("headline") / "package"
    generate(SynthOptions(nominals=600, seed=21), folder)
    return read_package(folder)


@pytest.fixture(scope="module")
def report(package: Package) -> dict[str, Any]:
    """The report whose period is the quarter, as its JSON has it."""
    loaded: dict[str, Any] = json.loads(render_json(build_report(package, ReportParams(Q4.span))))
    return loaded


def test_each_headline_figure_is_the_reports_for_the_same_quarter(package: Package, report: dict[str, Any]) -> None:
    shown = quarter_figures(package.tables, Q4)
    tables = report["tables"]
    caseload = {(r["scheme"], r["area"]): r["count"] for r in tables["caseload"] if r["date"] == "2016-03-31"}
    assert shown.on_iom == {scheme: caseload[(scheme, "all")] for scheme in ("all", "priority", "enhanced", "standard")
                            if (scheme, "all") in caseload}
    assert shown.on_iom_by_area == {area: n for (scheme, area), n in caseload.items()
                                    if scheme == "all" and area != "all"}
    assert shown.in_custody == sum(r["count"] for r in tables["caseload_status"]
                                   if r["date"] == "2016-03-31" and r["status"] == "custody")
    [liberty] = [r for r in tables["time_at_risk"] if r["basis"] == "fixed_period" and r["scheme"] == "all"]
    assert shown.rate_at_liberty == pytest.approx(liberty["rate_after"], rel=1e-12)
    [referrals] = [r for r in tables["referrals_by_agency"] if r["agency"] == "all"]
    assert (shown.referrals, shown.accepted) == (referrals["referrals"], referrals["accepted"])
    assert shown.acceptance_pct == pytest.approx(referrals["acceptance_pct"])
    attended = sum(r["attended"] for r in tables["attendance_by_agency"])
    invited = sum(r["invited"] for r in tables["attendance_by_agency"])
    assert shown.attendance_pct == pytest.approx(100 * attended / invited)
    rags = [r["rag"] for r in tables["kpis"]]
    assert shown.rag == {colour: rags.count(colour) for colour in ("green", "amber", "red")}
    assert sum(shown.rag.values()) > 0 and shown.on_iom["all"] > 0 and shown.in_custody is not None


def test_the_frameworks_figures_are_the_reports(package: Package) -> None:
    span = Span(date(2015, 4, 1), date(2016, 3, 31))
    full = build_report(package, ReportParams(span))
    assert framework_figures(package.tables, span) == figures(full.tables, span.end)


def test_attendance_and_acceptance_worked_by_hand() -> None:
    """Two people on IOM; two meetings in the quarter (3 of 4 invitations attended) and one before
    it; four referrals made in it: two accepted, one rejected, one pending (2 of the 3 decided)."""
    day = date(2016, 2, 1)
    tables = {
        "nominals": pl.DataFrame({"nominal_id": ["A", "B"], "area": ["NW", "SE"]}),
        "cohort": pl.DataFrame({"nominal_id": ["A", "B"], "scheme": ["priority", "standard"],
                                "start_date": [date(2015, 1, 1), date(2015, 6, 1)], "end_date": [None, None]},
                               schema_overrides={"end_date": pl.Date}),
        "meetings": pl.DataFrame({"meeting_id": ["M1", "M2", "M0"], "held_on": [day, day, date(2015, 12, 1)],
                                  "meeting_type": ["case_management"] * 3, "area": ["NW"] * 3}),
        "attendance": pl.DataFrame({"meeting_id": ["M1", "M1", "M2", "M2", "M0"],
                                    "agency": ["police", "nps", "police", "nps", "police"],
                                    "invited": [True] * 5, "attended": [True, True, True, False, False]}),
        "referrals": pl.DataFrame({
            "referral_id": ["R1", "R2", "R3", "R4"], "nominal_id": ["A", "B", "A", "B"],
            "referred_on": [day] * 4, "referring_agency": ["police"] * 4, "area": ["NW"] * 4,
            "decision": ["accepted", "accepted", "rejected", "pending"],
            "decided_on": [day, day, day, None], "scheme": ["priority", "standard", None, None],
            "mappa_level": [None] * 4}, schema_overrides={"decided_on": pl.Date, "scheme": pl.String,
                                                          "mappa_level": pl.String}),
    }
    shown = quarter_figures(tables, Q4)
    assert (shown.attended, shown.invited, shown.attendance_pct) == (3, 4, 75.0)
    assert (shown.referrals, shown.accepted) == (4, 2)
    assert shown.acceptance_pct == pytest.approx(200 / 3)
    assert shown.on_iom == {"all": 2, "priority": 1, "standard": 1}
    assert shown.on_iom_by_area == {"NW": 1, "SE": 1}


def _quarter(n: int, on_iom: int, acceptance: float | None) -> QuarterFigures:
    return QuarterFigures(Quarter(2015, n, Span(date(2015, 3 * n + 1, 1), date(2015, 3 * n + 1, 28))),
                          on_iom={"all": on_iom}, acceptance_pct=acceptance, rag={"green": 2, "amber": 1, "red": 0})


def test_the_tiles_say_the_change_on_the_previous_quarter() -> None:
    shown = {tile.key: tile for tile in tiles([_quarter(1, 120, 60.0), _quarter(2, 117, 64.25)])}
    assert (shown["on_iom"].value, shown["on_iom"].change) == ("117", "−3 on the previous quarter")
    assert (shown["acceptance"].value, shown["acceptance"].change) == ("64.3%", "+4.3 points on the previous quarter")
    assert shown["in_custody"].value == "—"
    assert shown["in_custody"].change == "No figure for the previous quarter to compare with"
    assert shown["rag"].value == "2 green · 1 amber · 0 red"


def test_a_sparkline_names_every_value_and_breaks_at_a_gap() -> None:
    svg = sparkline("People on IOM", [Point("Q1", 10.0, "10"), Point("Q2", None, "—"), Point("Q3", 20.0, "20"),
                                      Point("Q4", 30.0, "30")])
    assert 'aria-label="People on IOM: Q1: 10; Q2: —; Q3: 20; Q4: 30"' in svg
    assert svg.count("<polyline") == 1, "the gap leaves Q1 on its own; Q3 to Q4 is one line"
    assert svg.count("<circle") == 4, "a marker on each value and a ring on the last"
