"""``make bench``'s goal lines: issue 15's wall seconds and memory at 100,000 and 1,000,000 nominals."""

from __future__ import annotations

import pytest

from run import Measurement, Result, goal_lines


def _result(size: int, seconds: float | None, peak_mb: float = 500.0, pandas: float = 20.0) -> Result:
    iomhub = None if seconds is None else Measurement(seconds, peak_mb, 0, "")
    return Result(size, iomhub, Measurement(pandas, 300.0, 0, ""), [])


@pytest.mark.parametrize(("size", "seconds", "peak_mb", "expected"), [
    (100_000, 1.5, 400.0, ["goal: 100,000-nominal report in at most 1.5 s: met (1.50 s)"]),
    (100_000, 2.21, 400.0, ["goal: 100,000-nominal report in at most 1.5 s: not met (2.21 s)"]),
    (1_000_000, 8.7, 2007.0, ["goal: 1,000,000-nominal report in at most 10 s: met (8.70 s)",
                              "goal: 1,000,000-nominal report in at most 4 GB: met (2,007 MB)"]),
    (1_000_000, 10.3, 4200.0, ["goal: 1,000,000-nominal report in at most 10 s: not met (10.30 s)",
                               "goal: 1,000,000-nominal report in at most 4 GB: not met (4,200 MB)"]),
    (1_000_000, None, 0.0, ["goal: 1,000,000-nominal report in at most 10 s: not met (failed)",
                            "goal: 1,000,000-nominal report in at most 4 GB: not met (failed)"]),
    (5_000, 0.9, 100.0, []),
], ids=["100k-at-the-goal", "100k-over", "1M-within-both", "1M-over-both", "1M-failed", "size-without-goal"])
def test_issue_goals(size: int, seconds: float | None, peak_mb: float, expected: list[str]) -> None:
    lines = goal_lines([_result(size, seconds, peak_mb)])
    assert [line for line in lines if "pandas/iomhub" not in line] == expected


def test_the_ratio_goal_at_every_size() -> None:
    lines = goal_lines([_result(100_000, 2.0, pandas=3.0), _result(1_000_000, 1.0, pandas=10.0),
                        _result(5_000, None)])
    assert [line for line in lines if "pandas/iomhub" in line] == [
        "goal: pandas/iomhub >= 10x at 100,000 nominals: not met (1.5x)",
        "goal: pandas/iomhub >= 10x at 1,000,000 nominals: met (10.0x)",
        "goal: pandas/iomhub >= 10x at 5,000 nominals: not met (a report failed)",
    ]
