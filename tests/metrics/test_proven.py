"""Proven reoffending (the Ministry of Justice's measures): hand-checked edges of every definition."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from iomhub.domain.dates import Span
from iomhub.metrics import proven
from iomhub.metrics.uncertainty import Resampling
from iomhub.reports.intervals import with_intervals
from tests.metrics.conftest import FY2015, by, collect

NOMINALS = """\
nominal_id,date_of_birth,gender,area
A,1990-01-01,male,NW
B,1990-01-01,male,NW
C,1990-01-01,male,NW
D,1990-01-01,male,NW
E,1990-01-01,male,NW
F,1990-01-01,male,NW
"""
STARTS_2015 = Span(date(2015, 1, 1), date(2015, 12, 31))
MEASURED = date(2016, 6, 30)  # 1 Jan 2015 + 18 months - 1 day: A's last waiting day


def people(tables, cohort: str, offences: str, starts: Span = STARTS_2015,
           end: date = MEASURED) -> dict[str, dict]:
    t = tables(nominals=NOMINALS, cohort=cohort, offences=offences)
    return by(collect(proven.proven_people(t["cohort"], t["offences"], starts, end)), "nominal_id")


A_FROM_2015 = "nominal_id,scheme,start_date,end_date\nA,priority,2015-01-01,\n"


@pytest.mark.parametrize(
    ("offence_date", "detected_date", "counted"),
    [
        ("2015-01-01", "2015-01-02", True),
        ("2014-12-31", "2015-01-02", False),
        ("2015-12-31", "2016-01-05", True),
        ("2016-01-01", "2016-01-05", False),
        ("2015-06-01", "2016-06-30", True),
        ("2015-06-01", "2016-07-01", False),
        ("2015-06-01", "", False),
    ],
    ids=["on-the-start-date", "day-before-start", "day-365-last-of-follow-up", "day-366-after-follow-up",
         "detected-on-last-waiting-day", "detected-day-after-waiting", "never-detected"],
)
def test_follow_up_and_waiting_period(tables, offence_date: str, detected_date: str, counted: bool) -> None:
    # start 1 Jan 2015: follow-up 1 Jan 2015 (day 1) to 31 Dec 2015 (day 365); waiting period to
    # 30 Jun 2016 (1 Jan 2015 + 18 months - 1 day)
    offences = f"offence_id,nominal_id,offence_date,detected_date\no1,A,{offence_date},{detected_date}\n"
    assert people(tables, A_FROM_2015, offences)["A"]["reoffences"] == (1 if counted else 0)


@pytest.mark.parametrize(
    ("end", "followed_up"),
    [(date(2016, 6, 30), True), (date(2016, 6, 29), False)],
    ids=["waiting-period-over-on-end-date", "one-day-short"],
)
def test_full_follow_up_needed(tables, end: date, followed_up: bool) -> None:
    offences = "offence_id,nominal_id,offence_date,detected_date\no1,A,2015-03-01,2015-03-02\n"
    cohort, offence_frame = _frames(tables, A_FROM_2015, offences)
    found = proven.proven_people(cohort, offence_frame, STARTS_2015, end)
    assert by(collect(found), "nominal_id")["A"]["followed_up"] is followed_up
    table = by(collect(proven.proven_reoffending(found)), "scheme")
    # not followed up: left out of the measures (0 offenders) and counted as awaiting
    assert table["all"]["offenders"] == (1 if followed_up else 0)
    assert table["all"]["awaiting_follow_up"] == (0 if followed_up else 1)
    assert table["all"]["reoffenders"] == (1 if followed_up else 0)


def _frames(tables, cohort: str, offences: str) -> tuple:
    t = tables(nominals=NOMINALS, cohort=cohort, offences=offences)
    return t["cohort"], t["offences"]


def test_first_episode_decides_start_and_scheme(tables) -> None:
    # A first joined in 2014 (outside the 2015 window): not a 2015 starter even though a later
    # episode starts in 2015. B's first episode (enhanced, 2015) decides B's scheme.
    cohort = """\
    nominal_id,scheme,start_date,end_date
    A,standard,2014-06-01,2014-12-31
    A,priority,2015-02-01,
    B,enhanced,2015-03-01,2015-05-31
    B,priority,2015-06-01,
    """
    offences = "offence_id,nominal_id,offence_date,detected_date\no1,B,2015-04-01,2015-04-02\n"
    found = people(tables, cohort, offences)
    assert set(found) == {"B"}
    assert found["B"]["scheme"] == "enhanced"
    assert found["B"]["start_date"] == date(2015, 3, 1)


MEASURES_COHORT = """\
nominal_id,scheme,start_date,end_date
A,priority,2015-01-01,
B,priority,2015-01-01,
C,enhanced,2015-01-01,
D,enhanced,2015-01-01,
E,enhanced,2015-01-01,
F,standard,2015-12-31,
"""
MEASURES_OFFENCES = """\
offence_id,nominal_id,offence_date,detected_date
a1,A,2015-02-01,2015-02-02
a2,A,2015-03-01,2015-03-02
c1,C,2015-02-01,2015-02-02
c2,C,2015-03-01,2015-03-02
c3,C,2015-04-01,
c4,C,2015-05-01,2015-05-02
d1,D,2015-06-01,2015-06-02
f1,F,2016-01-01,2016-01-02
"""


def test_binary_rate_frequency_and_per_reoffender(tables) -> None:
    # priority: A 2 proven, B 0 -> 2 offenders, 1 reoffender: 50%, 2 reoffences: 100 per 100, 2 per reoffender
    # enhanced: C 3 proven (c3 never detected), D 1, E 0 -> 3 offenders, 2 reoffenders: 66.67%,
    #           4 reoffences: 133.33 per 100, 2 per reoffender
    # standard: F started 31 Dec 2015, waiting period to 29 Jun 2017 > 30 Jun 2016: awaiting, no measures
    # all: 5 offenders, 3 reoffenders: 60%, 6 reoffences: 120 per 100, 2 per reoffender; 1 awaiting
    cohort, offences = _frames(tables, MEASURES_COHORT, MEASURES_OFFENCES)
    rows = by(collect(proven.proven_reoffending(proven.proven_people(cohort, offences, STARTS_2015, MEASURED))),
              "scheme")
    assert rows["priority"] == {"scheme": "priority", "offenders": 2, "reoffenders": 1, "binary_rate_pct": 50.0,
                                "reoffences": 2, "frequency_per_100": 100.0, "reoffences_per_reoffender": 2.0,
                                "awaiting_follow_up": 0, "measure": "detected reoffending (MoJ timing)"}
    assert rows["enhanced"]["binary_rate_pct"] == pytest.approx(200 / 3)
    assert rows["enhanced"]["frequency_per_100"] == pytest.approx(400 / 3)
    assert rows["enhanced"]["reoffences_per_reoffender"] == 2.0
    assert (rows["standard"]["offenders"], rows["standard"]["awaiting_follow_up"]) == (0, 1)
    assert rows["standard"]["binary_rate_pct"] is None
    assert rows["standard"]["reoffences_per_reoffender"] is None
    assert (rows["all"]["offenders"], rows["all"]["reoffenders"], rows["all"]["reoffences"]) == (5, 3, 6)
    assert rows["all"]["binary_rate_pct"] == 60.0
    assert rows["all"]["frequency_per_100"] == 120.0
    assert rows["all"]["awaiting_follow_up"] == 1


@pytest.mark.parametrize(
    ("end", "window"),
    [
        (date(2016, 3, 31), Span(date(2013, 10, 1), date(2014, 9, 30))),
        (date(2016, 3, 29), Span(date(2013, 10, 1), date(2014, 9, 30))),
        (date(2016, 3, 28), Span(date(2013, 9, 1), date(2014, 8, 31))),
        (date(2015, 11, 20), Span(date(2013, 5, 1), date(2014, 4, 30))),
    ],
    ids=["fy-end", "last-day-that-still-takes-september", "one-day-earlier", "mid-month-end"],
)
def test_default_window_of_starts(end: date, window: Span) -> None:
    # 30 Sep 2014 + 18 months = 30 Mar 2016, less a day: 29 Mar 2016 (September is in by then)
    # 20 Nov 2015: 30 Apr 2014 -> 29 Oct 2015 is in; 31 May 2014 -> 30 Nov 2015 is not
    assert proven.default_starts(end) == window
    assert proven.measured_by(window.end) <= end


def _intervals(rows: list[tuple[str, bool, int]]) -> dict[str, dict]:
    people_frame = pl.DataFrame(rows, schema={"scheme": pl.String, "followed_up": pl.Boolean,
                                              "reoffences": pl.Int64}, orient="row")
    summary = pl.DataFrame({"scheme": ["priority", "enhanced", "all"], "binary_rate_pct": [0.0, 0.0, 0.0],
                            "frequency_per_100": [0.0] * 3, "reoffences_per_reoffender": [0.0] * 3})
    out = with_intervals("proven_reoffending", summary, people_frame, Resampling(replicates=200))
    return by(list(out.iter_rows(named=True)), "scheme")


def test_intervals_resample_within_schemes() -> None:
    # priority: 10 people with 2 reoffences each -> every resample: 100%, 200 per 100, 2 per reoffender
    # enhanced: 10 people with none -> every resample 0%; per reoffender undefined (no reoffender)
    # all: resampled within schemes, so always 10 of 20 reoffend: 50%, 20 reoffences: 100 per 100
    rows = _intervals([("priority", True, 2)] * 10 + [("enhanced", True, 0)] * 10)
    assert (rows["priority"]["binary_rate_pct_ci_low"], rows["priority"]["binary_rate_pct_ci_high"]) == (100.0, 100.0)
    assert rows["priority"]["frequency_per_100_ci_low"] == rows["priority"]["frequency_per_100_ci_high"] == 200.0
    assert rows["priority"]["reoffences_per_reoffender_ci_low"] == 2.0
    assert (rows["enhanced"]["binary_rate_pct_ci_low"], rows["enhanced"]["binary_rate_pct_ci_high"]) == (0.0, 0.0)
    assert rows["enhanced"]["reoffences_per_reoffender_ci_low"] is None
    assert (rows["all"]["binary_rate_pct_ci_low"], rows["all"]["binary_rate_pct_ci_high"]) == (50.0, 50.0)
    assert rows["all"]["frequency_per_100_ci_low"] == rows["all"]["frequency_per_100_ci_high"] == 100.0


def test_intervals_widen_with_variation_and_leave_out_those_awaiting() -> None:
    # priority: 5 of 10 reoffend (50%): resamples range from fewer to more, so the interval is
    # wider than a point and holds 50%; the person awaiting follow-up (with 9 reoffences) is
    # not resampled, or 100% and 9-reoffence resamples would appear in frequency
    rows = _intervals([("priority", True, 1)] * 5 + [("priority", True, 0)] * 5 + [("priority", False, 9)])
    low, high = rows["priority"]["binary_rate_pct_ci_low"], rows["priority"]["binary_rate_pct_ci_high"]
    assert low < 50.0 < high
    assert low >= 0.0 and high <= 100.0
    assert rows["priority"]["frequency_per_100_ci_high"] <= 100.0
    assert rows["enhanced"]["binary_rate_pct_ci_low"] is None  # nobody in the scheme
    few = _intervals([("priority", True, 1)] * 5 + [("priority", True, 0)] * 4)
    assert few["priority"]["binary_rate_pct_ci_low"] is None  # nine people: too few to estimate


def test_report_uses_the_default_window(tables) -> None:
    # FY2015 report: default starts 1 Oct 2013 to 30 Sep 2014; A starts 30 Sep 2014 (in), B
    # 1 Oct 2014 (out); A's offence of 29 Sep 2015 (day 365) is proven by 29 Mar 2016
    cohort = """\
    nominal_id,scheme,start_date,end_date
    A,priority,2014-09-30,
    B,priority,2014-10-01,
    """
    offences = """\
    offence_id,nominal_id,offence_date,detected_date
    a1,A,2015-09-29,2016-03-29
    b1,B,2015-01-01,2015-01-02
    """
    report = tables(nominals=NOMINALS, cohort=cohort, offences=offences).report()
    row = report.row("proven_reoffending", scheme="all")
    assert row is not None
    assert (row["offenders"], row["reoffenders"], row["reoffences"]) == (1, 1, 1)
    assert report.settings["proven_starts"] == {"from": date(2013, 10, 1), "to": date(2014, 9, 30)}
    assert row["small_numbers"] is True
    assert FY2015.end == date(2016, 3, 31)


def test_the_same_people_in_another_order_give_the_same_interval() -> None:
    # the per-person frame's row order depends on the backend's joins; the interval must not
    rows = [(f"N{i}", "priority", True, i % 3) for i in range(12)]
    schema = {"nominal_id": pl.String, "scheme": pl.String, "followed_up": pl.Boolean, "reoffences": pl.Int64}
    summary = pl.DataFrame({"scheme": ["priority", "all"], "binary_rate_pct": [0.0] * 2,
                            "frequency_per_100": [0.0] * 2, "reoffences_per_reoffender": [0.0] * 2})
    forward = with_intervals("proven_reoffending", summary, pl.DataFrame(rows, schema=schema, orient="row"))
    backward = with_intervals("proven_reoffending", summary, pl.DataFrame(rows[::-1], schema=schema, orient="row"))
    assert forward.equals(backward)
    assert forward["binary_rate_pct_ci_low"][0] < forward["binary_rate_pct_ci_high"][0]


def test_the_same_people_with_the_starters_materialised(tables) -> None:
    """``materialise`` (a backend computing the starters and their start points once) changes nothing."""
    cohort = A_FROM_2015 + "B,enhanced,2015-06-01,\n"
    offences = ("offence_id,nominal_id,offence_date,detected_date\nO1,A,2015-03-01,2015-04-01\n"
                "O2,B,2016-01-01,\n")
    t = tables(nominals=NOMINALS, cohort=cohort, offences=offences)
    seen: list[list[str]] = []

    def materialise(frame):
        seen.append(frame.columns)
        return frame.collect().lazy()

    found = proven.proven_people(t["cohort"], t["offences"], STARTS_2015, MEASURED, None, materialise)
    assert by(collect(found), "nominal_id") == people(tables, cohort, offences)
    assert len(seen) == 1 and "followed_up" in seen[0]
