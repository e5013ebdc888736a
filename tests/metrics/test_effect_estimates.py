"""The effect estimates from collected tables: the figures, their intervals, the checks and the verdicts."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from iomhub.metrics import effect_estimates as estimates
from iomhub.metrics.uncertainty import Resampling
from tests.metrics.conftest import by


def sums(*values: float) -> np.ndarray:
    return np.array(values, dtype=np.float64)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        # Member 4 -> 2 offences in 365 days each; comparison 4 -> 3: r = 0.5 / 0.75, -33.3%.
        (sums(4, 365, 2, 365, 4, 365, 3, 365, 0), -100.0 / 3),
        # Member halves at liberty (4 in 365 -> 1 in 182.5); comparison steady: -50%.
        (sums(4, 365, 1, 182.5, 4, 365, 4, 365, 0), -50.0),
        # Member ratio 0.5; the comparison 4 -> 3.6, 1.2 of them on its own IOM days:
        # K = 0.5 x 4 / 365 x 365 = 2, theta = (2 - 1.2) / (3.6 - 1.2) - 1 = -2/3. Check: the
        # comparison without IOM would have had 2.4 + 1.2 / (1/3) = 6, the members 4 x 6/4 = 6
        # against their 2: -2/3.
        (sums(4, 365, 2, 365, 4, 365, 3.6, 365, 1.2), -200.0 / 3),
        # Nobody offended before: undefined.
        (sums(0, 365, 2, 365, 4, 365, 3, 365, 0), None),
    ],
    ids=["counts", "time-at-risk", "comparison-partly-on-iom", "no-offences-before"],
)
def test_difference_in_differences(values: np.ndarray, expected: float | None) -> None:
    got = float(estimates.did_pct(values))
    if expected is None:
        assert np.isnan(got)
    else:
        assert got == pytest.approx(expected)


def member(name: str, before: int, after: int, risk_before: int = 365, risk_after: int = 365,
           scheme: str = "priority", early: int = 2, late: int = 2, weeks: int = 1) -> dict[str, Any]:
    lags = {f"q{lag}": (late if lag <= 4 else early) / 4 for lag in range(1, 9)}
    return {"nominal_id": name, "scheme": scheme, "offences_before": before, "offences_after": after,
            "risk_days_before": risk_before, "risk_days_after": risk_after, **lags, "offences_joining_month": weeks}


def pair(member_id: str, person: str, before: float, after: float, early: int = 2, late: int = 2,
         weeks: int = 1) -> dict[str, Any]:
    lags = {f"q{lag}": (late if lag <= 4 else early) / 4 for lag in range(1, 9)}
    return {"member_id": member_id, "nominal_id": person, "offences_before": before, "risk_days_before": 365,
            "offences_after": after, "risk_days_after": 365, "iom_offences_after": 0, **lags,
            "offences_joining_month": weeks}


GOOD = [{"variable": name, "smd_before": 0.5, "smd_after": 0.02}
        for name in ("prior", "recent", "months_since_last", "age", "female")]


def unit(size: int = 70, matched: int | None = None, noise: int = 0, comparison_weeks: int = 1,
         **member_lags: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Members 4 -> 2 offences (plus and minus ``noise`` alternately), each matched to one
    comparison person 4 -> 4 (with the same shift): the matched estimate is -50%. One offence
    of the year before each (``weeks`` and ``comparison_weeks`` to change it) is in the weeks
    just before joining."""
    people, pairs = [], []
    for i in range(size):
        shift = noise if i % 2 else -noise
        people.append(member(f"P{i:03d}", 4 + shift, 2 + shift, **member_lags))
        if i < (size if matched is None else matched):
            pairs.append(pair(f"P{i:03d}", f"C{i:03d}", 4 + shift, 4 + shift, weeks=comparison_weeks))
    return people, pairs


def matched_row(people: list[dict[str, Any]], pairs: list[dict[str, Any]],
                balance: list[dict[str, Any]] = GOOD) -> dict[str, Any]:
    comparisons = len({row["nominal_id"] for row in pairs})
    return by(estimates.estimates(people, pairs, comparisons, balance, Resampling()), "method")["matched_did"]


def failed(row: dict[str, Any]) -> set[str]:
    return {check["check"] for check in row["checks"] if check["passed"] is False}


def test_a_sound_comparison_is_reliable_and_says_so_plainly() -> None:
    row = matched_row(*unit(noise=1))
    assert row["estimate_pct"] == pytest.approx(-50.0)
    assert row["reliable"] is True and failed(row) == set()
    assert [check["check"] for check in row["checks"]] == list(estimates.CHECKS)
    assert row["ci_low_pct"] < -50.0 < row["ci_high_pct"] < 0
    assert row["verdict"].startswith("The comparison passed its checks: in the year after joining, IOM members "
                                     "offended 50% less (per day out of custody) than similar people not on IOM")
    assert row["e_value"] == pytest.approx(2.0 + (2.0 * 1.0) ** 0.5)


@pytest.mark.parametrize(
    ("change", "check", "words"),
    [
        ({"matched": 70, "size": 100}, "matched_share", "only 70% of the 100 members could be paired"),
        ({"matched": 40, "size": 40}, "people", "only 40 IOM members could be compared"),
        ({"balance": [{"variable": "age", "smd_before": 0.5, "smd_after": 0.3}]}, "balance_matched",
         "still differs from IOM members in age"),
        ({"balance": [{"variable": "prior", "smd_before": 0.02, "smd_after": 0.09}]}, "balance_no_worse",
         "less alike in offences in the two years before joining"),
        ({"balance": [*GOOD, {"variable": "q1", "smd_before": None, "smd_after": 0.8}]}, "balance_lagged",
         "followed a different path"),
        ({"early": 1, "late": 3}, "placebo_pre_trend", "when IOM cannot have had any effect"),
        # Members: 2 of their 4 +- 1 offences before in the weeks (140 of 280), their comparison
        # people 1 (70 of 280): (140 / 140) / (70 / 210) - 1 = +200%.
        ({"weeks": 2}, "weeks_before_joining", "in the weeks just before joining, which the pairing did not look "
         "at, IOM members already offended more than the comparison group (200% more, against their year "
         "before): they were probably chosen on something the records did not show, such as intelligence that "
         "their offending was rising"),
        # Members 1 (70 / 210), comparison 2 (140 / 140): 1/3 - 1 = -67%.
        ({"comparison_weeks": 2}, "weeks_before_joining", "already offended less than the comparison group "
         "(67% less"),
    ],
    ids=["under-80-percent-matched", "under-60-people", "poor-balance", "balance-made-worse",
         "lagged-offending-differs", "placebo-before-joining", "escalation-before-joining",
         "spell-ending-before-joining"],
)
def test_each_failed_check_makes_the_estimate_unreliable(change: dict[str, Any], check: str, words: str) -> None:
    lags = {key: change[key] for key in ("early", "late", "weeks") if key in change}
    people, pairs = unit(change.get("size", 70), change.get("matched"), noise=1,
                         comparison_weeks=change.get("comparison_weeks", 1), **lags)
    row = matched_row(people, pairs, change.get("balance", GOOD))
    assert row["reliable"] is False
    assert failed(row) == {check}
    assert row["verdict"].startswith("Do not rely on this figure: ") and words in row["verdict"]


@pytest.mark.parametrize(("members", "passed"), [(700, False), (70, True), (4, True)],
                         ids=["every-member-has-it", "a-tenth-have-it", "four-have-it"])
def test_earlier_offending_is_judged_on_the_members_the_data_reach(members: int, passed: bool) -> None:
    # A standardised difference of 0.3 in offending two to four years before joining, in a unit
    # of 700 members each matched to one person. When all 700 have it (the data reach back far
    # enough), three standard errors are 3 x sqrt(1/700 + 1/700) = 0.16: 0.3 is beyond chance.
    # When only 70 do, they are 3 x sqrt(2/70) = 0.51, and for 4, 2.1: chance.
    earlier = {"variable": estimates.EARLIER, "smd_before": None, "smd_after": 0.3, "members": members}
    row = matched_row(*unit(size=700, noise=1), [*GOOD, earlier])
    assert failed(row) == (set() if passed else {"balance_lagged"})
    lagged = next(check for check in row["checks"] if check["check"] == "balance_lagged")
    assert lagged["value"] == 0.3
    assert lagged["threshold"] == pytest.approx(3 * (2 / members) ** 0.5, abs=1e-4)
    if not passed:
        assert "two to four years before joining differed from the comparison group's" in row["verdict"]
        assert "longer criminal record" in row["verdict"]


@pytest.mark.parametrize(("size", "has_interval"), [(9, False), (10, True)], ids=["9-people", "10-people"])
def test_no_interval_under_ten_people(size: int, has_interval: bool) -> None:
    people, pairs = unit(size, noise=1)
    rows = by(estimates.estimates(people, pairs, size, GOOD, Resampling()), "method")
    for method in ("naive", "time_at_risk", "matched_did"):
        assert (rows[method]["ci_low_pct"] is not None) is has_interval, method
        assert (rows[method]["ci_high_pct"] is not None) is has_interval, method
    if not has_interval:
        assert "too few to estimate" in rows["naive"]["verdict"]


def test_reused_comparison_people_widen_the_interval() -> None:
    # The same figures, but in one unit the 70 members share 7 comparison people (each used 10
    # times) whose offending varies: their noise moves ten sets at once, so the interval is wider.
    people, pairs = unit(noise=0)
    rng = np.random.default_rng(5)
    afters = rng.poisson(4.0, 70).astype(float)
    distinct = [{**row, "offences_after": after} for row, after in zip(pairs, afters, strict=True)]
    shared = [{**row, "nominal_id": f"C{i % 7}", "offences_after": afters[i % 7]} for i, row in enumerate(pairs)]
    shared_distinct = [{**row, "nominal_id": f"D{i}"} for i, row in enumerate(shared)]
    width = {}
    for name, rows in (("reused", shared), ("same values, distinct people", shared_distinct),
                       ("distinct", distinct)):
        found = matched_row(people, rows)
        width[name] = found["ci_high_pct"] - found["ci_low_pct"]
    assert width["reused"] > 1.5 * width["same values, distinct people"]


def test_naive_and_time_at_risk_estimates() -> None:
    # 10 -> 5 offences: naive -50%. At liberty: 10 in 730 days -> 5 in 365: rate 5.0 -> 5.0, 0%.
    people = [member("A", 6, 3, 365, 182), member("B", 4, 2, 365, 183)]
    rows = by(estimates.estimates(people, [], 0, [], Resampling()), "method")
    assert rows["naive"]["estimate_pct"] == pytest.approx(-50.0)
    assert rows["time_at_risk"]["estimate_pct"] == pytest.approx(0.0)
    assert rows["naive"]["offenders"] == 2 and rows["naive"]["comparison_offenders"] is None
    assert "too few" in rows["naive"]["verdict"]
    assert rows["naive"]["reliable"] is False and rows["naive"]["checks"] == []
    assert rows["matched_did"]["estimate_pct"] is None and rows["matched_did"]["offenders"] == 0
    assert rows["matched_did"]["reliable"] is False


def test_time_at_risk_rows_pool_and_per_person() -> None:
    # Pooled before: 10 / 730 x 365 = 5.0; after 5 / 365 x 365 = 5.0. Per person after:
    # A 3 / 182 x 365 = 6.016, B 2 / 183 x 365 = 3.989, mean 5.003.
    people = [member("A", 6, 3, 365, 182), member("B", 4, 2, 365, 183, scheme="enhanced")]
    rows = by(estimates.time_at_risk_rows(people, Resampling()), "scheme")
    assert set(rows) == {"priority", "enhanced", "all"}
    everyone = rows["all"]
    assert everyone["rate_before"] == pytest.approx(5.0) and everyone["rate_after"] == pytest.approx(5.0)
    assert everyone["change_pct"] == pytest.approx(-50.0) and everyone["rate_change_pct"] == pytest.approx(0.0)
    assert everyone["person_rate_after"] == pytest.approx((3 / 182 + 2 / 183) / 2 * 365)


def test_balance_rows_standardised_differences() -> None:
    # Members: mean 4, variance 1; matched: mean 3, variance 1: SMD (4 - 3) / 1 = 1.0.
    # Pool: mean 2, variance 4: SMD (4 - 2) / sqrt((1 + 4) / 2) = 1.265.
    # Two matched sets: one of a single person (2), one of two people (4 and 4), each set
    # weighing 1: mean (2 + 4) / 2 = 3, mean of squares (4 + 16) / 2 = 10, variance 1.
    sums_ = [{"group": "members", "variable": "prior", "member_id": None, "count": 2, "total": 8.0,
              "squares": 34.0},
             {"group": "matched", "variable": "prior", "member_id": "A", "count": 1, "total": 2.0, "squares": 4.0},
             {"group": "matched", "variable": "prior", "member_id": "B", "count": 2, "total": 8.0, "squares": 32.0},
             {"group": "pool", "variable": "prior", "member_id": None, "count": 2, "total": 4.0, "squares": 16.0}]
    (row,) = estimates.balance_rows(sums_)
    assert row["members"] == 2  # members with a value of the variable (for the lagged check's chance)
    assert row["smd_after"] == pytest.approx(1.0)
    assert row["smd_before"] == pytest.approx(2 / (2.5 ** 0.5))


@pytest.mark.parametrize(("ratio", "expected"), [(0.5, 2 + 2**0.5), (2.0, 2 + 2**0.5), (1.0, 1.0), (None, None)],
                         ids=["a-halving", "a-doubling", "no-change", "no-estimate"])
def test_e_value(ratio: float | None, expected: float | None) -> None:
    assert estimates.e_value(ratio) == (None if expected is None else pytest.approx(expected))


def weeks_unit(size: int, extra: int, mirrored: bool, level: int = 1,
               ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Members with 0 to 3 of their 6 offences of the year before in the weeks before joining,
    ``extra`` in 40 of them one more (and one fewer earlier); each member's comparison person
    has 3 less the member's number (``mirrored``: a noisy unit), or the same (a quiet one).
    Members offend ``level`` times as much as that in every period."""
    people, pairs = [], []
    for i in range(size):
        weeks = i % 4
        more = 1 if i % 40 < extra else 0
        people.append(member(f"P{i:04d}", 6 * level, 3, weeks=(weeks + more) * level))
        pairs.append(pair(f"P{i:04d}", f"C{i:04d}", 6, 6, weeks=3 - weeks if mirrored else weeks))
    return people, pairs


@pytest.mark.parametrize(
    ("size", "extra", "mirrored", "level", "passed"),
    [(80, 0, True, 1, True), (80, 12, True, 1, True), (800, 12, True, 1, False), (400, 3, False, 1, True),
     (800, 0, False, 2, True)],
    ids=["no-difference", "a-difference-within-chance", "the-same-beyond-chance", "beyond-chance-immaterial",
         "a-level-the-year-before-shares"],
)
def test_the_weeks_before_joining_fail_only_beyond_chance_and_material(size: int, extra: int, mirrored: bool,
                                                                       level: int, passed: bool) -> None:
    # Members' weeks: 1.5 + extra / 40 of 6 (the comparison's 1.5 of 6). 12 extra in 40:
    # (1.8 / 4.2) / (1.5 / 4.5) - 1 = +28.6%: z = 1.2 with 80 members, 3.7 with 800. 3 extra in
    # 40: (1.575 / 4.425) / (1.5 / 4.5) - 1 = +6.8%, z = 5.6 in a quiet unit of 400, but under 10%.
    # Members offending twice as much in the weeks and in the rest of the year: 0%, passed (the
    # estimate allows for a difference of level the year before shares).
    row = matched_row(*weeks_unit(size, extra, mirrored, level))
    weeks = next(check for check in row["checks"] if check["check"] == "weeks_before_joining")
    expected = ((1.5 + extra / 40) / (4.5 - extra / 40)) / (1.5 / 4.5) * 100.0 - 100.0
    assert weeks == {"check": "weeks_before_joining", "value": pytest.approx(expected, abs=1e-3),
                     "threshold": estimates.PLACEBO_MATERIAL, "passed": passed}
