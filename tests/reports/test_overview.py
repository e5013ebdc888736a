"""The opening of the report (``reports/sections/overview.py``), word for word, in each state of the
matched estimate: reliable with a clear effect, no clear effect, not reliable (with the reasons its
checks give), without an interval (too few people), not computed at all, and withheld for
publication. The before-and-after figure follows in every state, labelled."""

from __future__ import annotations

import dataclasses
from typing import Any

import polars as pl
import pytest

from iomhub.package import read_package
from iomhub.reports.estimates import EFFECT_SCHEMA
from iomhub.reports.model import Report, build_report
from iomhub.reports.params import ReportParams
from iomhub.reports.sections import build_view
from iomhub.reports.view import Section
from tests.conftest import write_package
from tests.reports.documents.test_narrative import FY2015, LATE, SMALL

BEFORE_AFTER = ("Before and after: not the effect of IOM. Reoffending in the performance cohort (the 24 people in a "
                "scheme on 1 April 2015 who offended in 2014/15) fell by 41.2%: 34 offences in 2014/15, 20 in "
                "2015/16.")
UNRELIABLE = ("Do not rely on this figure: only 77% of the 1,480 members could be paired with similar people not on "
              "IOM, so the figure describes only part of the cohort.")
CHECKS = [{"check": "people", "value": 1140.0, "threshold": 60.0, "passed": True},
          {"check": "placebo_pre_trend", "value": None, "threshold": 10.0, "passed": None}]


def matched(**values: Any) -> dict[str, Any]:
    row = {"method": "matched_did", "estimate_pct": -27.04, "ci_low_pct": -35.1, "ci_high_pct": -18.0,
           "offenders": 1140, "comparison_offenders": 3000, "offences_before": 5000, "offences_after": 3000,
           "verdict": "The comparison passed its checks: ...", "reliable": True, "checks": CHECKS,
           "e_value": 2.1, "e_value_ci": 1.74}
    return {**row, **values}


def opening(report: Report, row: dict[str, Any] | None, windows: int = 1500) -> Section:
    tables = dict(report.tables)
    tables.pop("effect_estimate", None)
    if row is not None:
        tables["effect_estimate"] = pl.DataFrame([row], schema=EFFECT_SCHEMA)
    tables["join_windows"] = pl.DataFrame({"status": ["eligible"], "people": [windows]})
    section = build_view(dataclasses.replace(report, tables=tables)).sections[0]
    assert section.key == "overview"
    return section


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    folder = write_package(tmp_path_factory.mktemp("overview") / "package", SMALL)
    return build_report(read_package(folder), ReportParams(period=FY2015), generated_at=LATE)


@pytest.mark.parametrize(
    ("row", "paragraphs"),
    [
        (matched(),
         ["The effect of IOM: in the year after joining, IOM members offended 27.0% less per day out of custody "
          "than similar people not on IOM (95% interval: 35.1% less to 18.0% less). Reliable: yes. The comparison "
          "group passed its checks of how alike it was to IOM members. Not run: the test on the two years before "
          "joining (the data do not reach back far enough).",
          "To explain this effect away, something the data do not show would have to make people both more likely "
          "to join IOM and to offend by a factor of 1.7 each."]),
        (matched(estimate_pct=-8.0, ci_low_pct=-20.0, ci_high_pct=4.04, e_value_ci=1.0, checks=CHECKS[:1]),
         ["The effect of IOM: in the year after joining, IOM members offended 8.0% less per day out of custody "
          "than similar people not on IOM (95% interval: 20.0% less to 4.0% more). The interval includes no "
          "change, so no clear effect can be claimed. Reliable: yes. The comparison group passed its checks of how "
          "alike it was to IOM members."]),
        (matched(reliable=False, verdict=UNRELIABLE),
         ["The effect of IOM: in the year after joining, IOM members offended 27.0% less per day out of custody "
          "than similar people not on IOM (95% interval: 35.1% less to 18.0% less). Reliable: no. Only 77% of the "
          "1,480 members could be paired with similar people not on IOM, so the figure describes only part of "
          "the cohort."]),
        (matched(ci_low_pct=None, ci_high_pct=None, offenders=8, reliable=False),
         ["The effect of IOM: in the year after joining, IOM members offended 27.0% less per day out of custody "
          "than similar people not on IOM, but only 8 members could be compared: too few for a 95% interval. "
          "Reliable: no."]),
        (matched(estimate_pct=None, ci_low_pct=None, ci_high_pct=None, offenders=0, reliable=False),
         ["The effect of IOM cannot be estimated from these data: no IOM member could be paired with a similar "
          "person not on IOM. Reliable: no. The before-and-after figure below is not a substitute: it does not say "
          "what IOM changed."]),
        (None,
         ["The effect of IOM cannot be estimated from these data: the data hold no offences to compare. Reliable: "
          "no. The before-and-after figure below is not a substitute: it does not say what IOM changed."]),
        (matched(estimate_pct=float("nan"), ci_low_pct=float("nan"), ci_high_pct=float("nan")),
         ["The effect of IOM, by the matched comparison, is withheld from this published version: it rests on too "
          "few people."]),
    ],
    ids=["reliable", "no-clear-effect", "not-reliable", "no-interval", "nobody-matched", "no-effect-table",
         "withheld"],
)
def test_the_opening_says_what_the_estimate_is_and_whether_to_rely_on_it(
        report: Report, row: dict[str, Any] | None, paragraphs: list[str]) -> None:
    section = opening(report, row)
    assert section.paragraphs[:-1] == paragraphs
    assert section.paragraphs[-1].startswith(BEFORE_AFTER)


def test_nobody_with_both_windows(report: Report) -> None:
    row = matched(estimate_pct=None, ci_low_pct=None, ci_high_pct=None, offenders=0, reliable=False)
    assert opening(report, row, windows=0).paragraphs[0].startswith(
        "The effect of IOM cannot be estimated from these data: nobody joined IOM early enough, and long enough "
        "before the data end, to have a full year of records before and after joining.")


def test_the_headline_table_puts_the_two_figures_side_by_side(report: Report) -> None:
    (table,) = opening(report, matched(reliable=False, verdict=UNRELIABLE)).tables
    assert [[cell.value for cell in row.cells] for row in table.rows] == [
        ["Against similar people not on IOM (matched comparison)", 1140, -27.04, (-35.1, -18.0), "No"],
        ["Before and after: not the effect of IOM", 24, pytest.approx(-41.176, abs=1e-3),
         table.rows[1].cells[3].value, "No: people join when their offending is high, and it eases anyway"]]

