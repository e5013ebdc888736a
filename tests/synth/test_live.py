"""The live demo's dates (``iomhub demo``): data that end on the day the demo runs, with a fixed
"today" here, and nothing else of a seed's package disturbed."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest

from iomhub.domain.dates import Span
from iomhub.reports.params import default_period, latest_activity
from iomhub.synth import SynthOptions, frames
from iomhub.synth.live import UPCOMING_DAYS, live_options, report_period

TODAY = date(2026, 12, 7)


@pytest.mark.parametrize(("today", "start", "period"), [
    pytest.param(TODAY, date(2021, 4, 1), Span(date(2025, 4, 1), date(2026, 3, 31)), id="december"),
    pytest.param(date(2016, 3, 31), date(2011, 4, 1), Span(date(2015, 4, 1), date(2016, 3, 31)),
                 id="last-day-of-the-year"),
    pytest.param(date(2016, 3, 30), date(2010, 4, 1), Span(date(2014, 4, 1), date(2015, 3, 31)),
                 id="a-day-before-it-ends"),
])
def test_the_data_end_today_and_the_report_is_of_the_last_year_ended(today: date, start: date,
                                                                      period: Span) -> None:
    options = live_options(today, 100, 1)
    assert (options.start, options.end) == (start, today)
    assert report_period(today) == period


@pytest.fixture(scope="module")
def live() -> dict[str, pl.DataFrame]:
    return frames(live_options(TODAY, 600, 3))


def test_nothing_happened_after_today_but_meetings_are_planned(live: dict[str, pl.DataFrame]) -> None:
    assert latest_activity(live) == TODAY or latest_activity(live) > TODAY - timedelta(days=7)
    assert latest_activity(live) <= TODAY
    meetings = live["meetings"]
    planned = meetings.filter(pl.col("held_on") > TODAY)
    assert planned.height > 0 and planned["held_on"].max() <= TODAY + timedelta(days=UPCOMING_DAYS)
    assert set(planned["meeting_type"]) >= {"case_management"}
    held = set(meetings.filter(pl.col("held_on") <= TODAY)["meeting_id"])
    assert set(live["attendance"]["meeting_id"]) == held, "no attendance at a meeting not yet held"


def test_some_people_on_iom_are_overdue_a_reassessment(live: dict[str, pl.DataFrame]) -> None:
    on_iom = live["cohort"].filter(pl.col("end_date").is_null())["nominal_id"].unique()
    latest = (live["needs"].filter(pl.col("nominal_id").is_in(on_iom.implode()))
              .group_by("nominal_id").agg(pl.max("assessed_on"))["assessed_on"])
    overdue = latest.filter(latest < TODAY - timedelta(days=91))
    assert 0 < overdue.len() < 0.2 * on_iom.len()
    assert overdue.min() >= TODAY - timedelta(days=240 + 91), "months overdue, not ten years"


def test_the_report_defaults_to_the_last_year_ended_that_has_data(live: dict[str, pl.DataFrame]) -> None:
    assert default_period(TODAY, latest_activity(live)) == report_period(TODAY)
    # data that ended on 31 March 2016, read ten years later: 2015/16, not 2025/26
    assert default_period(TODAY, date(2016, 3, 31)) == Span(date(2015, 4, 1), date(2016, 3, 31))


def test_the_live_extras_leave_the_rest_of_a_seeds_package_as_it_was() -> None:
    fixed = frames(SynthOptions(nominals=300, seed=7, start=date(2011, 4, 1)))
    live = frames(live_options(date(2016, 3, 31), 300, 7))
    for table in fixed:
        if table in ("meetings", "risk", "needs"):
            continue
        assert live[table].equals(fixed[table]), table
    assert live["meetings"].head(fixed["meetings"].height).equals(fixed["meetings"])
    for table in ("risk", "needs"):
        assert live[table].join(fixed[table], on=live[table].columns, how="anti", nulls_equal=True).height == 0, table
        assert 0 < fixed[table].height - live[table].height < 0.2 * fixed[table].height
