"""The pure parts of ``benchmarks/web_load.py``: percentiles, the request plan, the budget, goals."""

from __future__ import annotations

import itertools
import math
import random
import urllib.parse

import pytest

from web_load import GOALS_MS, PAGES, Budget, PageStats, RunResult, goal_lines, percentile, plan


@pytest.mark.parametrize(("values", "q", "expected"), [
    ([5.0], 50, 5.0),
    ([5.0], 95, 5.0),
    ([1.0, 2.0, 3.0, 4.0], 50, 2.5),
    ([4.0, 1.0, 3.0, 2.0], 0, 1.0),
    ([4.0, 1.0, 3.0, 2.0], 100, 4.0),
    ([float(n) for n in range(1, 101)], 95, 95.05),  # numpy's default (linear) gives 95.05
    ([float(n) for n in range(1, 21)], 95, 19.05),
    ([10.0, 20.0], 25, 12.5),
], ids=["one value p50", "one value p95", "even count median", "unsorted min", "unsorted max",
        "1..100 p95", "1..20 p95", "interpolated"])
def test_percentile(values: list[float], q: float, expected: float) -> None:
    assert percentile(values, q) == pytest.approx(expected)


def test_percentile_of_nothing_is_nan_and_q_is_checked() -> None:
    assert math.isnan(percentile([], 50))
    with pytest.raises(ValueError, match="between 0 and 100"):
        percentile([1.0], 101)


COHORT = ["N0000017", "N0000020", "N0000041"]


def test_plan_goes_round_the_four_pages_in_order() -> None:
    steps = list(itertools.islice(plan(COHORT, random.Random(0)), 8))
    assert [step.page for step in steps] == [*PAGES, *PAGES]
    assert steps[1].path == "/cohort/"
    assert steps[3].path == "/performance/report/?from=2015-04-01&to=2016-03-31&target_reduction=17"


def test_plan_opens_people_of_the_cohort_and_filters_the_list() -> None:
    steps = list(itertools.islice(plan(COHORT, random.Random(1)), 400))
    people = {step.path for step in steps if step.page == "person page"}
    assert people == {f"/people/{nominal_id}/" for nominal_id in COHORT}  # 100 draws of 3 reach all
    for step in steps:
        if step.page == "cohort list (filtered)":
            path, _, query = step.path.partition("?")
            fields = urllib.parse.parse_qs(query)
            assert path == "/cohort/"
            assert fields["level"][0] in {"priority", "enhanced", "standard"}
            assert fields["sort"][0].lstrip("-") in {"name", "level", "area", "tier", "start"}
            assert 1 <= int(fields["page"][0]) <= 3


def test_plan_start_staggers_users_and_is_reproducible() -> None:
    assert next(plan(COHORT, random.Random(0), start=3)).page == "dashboard"
    assert next(plan(COHORT, random.Random(0), start=6)).page == "cohort list (filtered)"
    first = list(itertools.islice(plan(COHORT, random.Random(7)), 20))
    assert first == list(itertools.islice(plan(COHORT, random.Random(7)), 20))


def test_plan_refuses_an_empty_cohort() -> None:
    with pytest.raises(ValueError, match="cohort is empty"):
        next(plan([], random.Random(0)))


def test_budget_stops_at_the_request_limit_or_the_deadline() -> None:
    budget = Budget(seconds=60, requests=3)
    assert [budget.take() for _ in range(5)] == [True, True, True, False, False]
    assert not Budget(seconds=0, requests=100).take()


def test_page_stats_count_errors_among_requests() -> None:
    stats = PageStats([10.0, 30.0], errors=1)
    assert stats.summary() == {"requests": 3, "errors": 1, "p50_ms": 20.0, "p95_ms": 29.0, "max_ms": 30.0}


def test_goals_are_reported_met_or_not_met() -> None:
    result = RunResult("sqlite", seconds=10.0)
    for page, limit in GOALS_MS.items():
        result.pages[page].latencies_ms = [limit - 1] * 20
    result.pages["dashboard"].latencies_ms = [100.0] * 18 + [600.0, 700.0]
    lines = goal_lines(result)
    assert "goal on SQLite: person page p95 < 150 ms: met (149 ms)" in lines
    assert "goal on SQLite: dashboard p95 < 500 ms: not met (605 ms)" in lines
    assert lines[-1] == "goal on SQLite: no errors: met (0 of 80)"
    result.pages["person page"].errors = 2
    assert goal_lines(result)[-1] == "goal on SQLite: no errors: not met (2 of 82)"
    assert goal_lines(RunResult("postgresql", skipped="no server")) == [
        "goals on PostgreSQL: not measured (no server)"]
