"""Cohort selection: the recency–frequency–gravity score, hand-checked, and who is left out.

As at 31/03/2016 with the default 24 months, the window is 01/04/2014–31/03/2016: 731 days
(2016 is a leap year).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import narwhals as nw
import pytest

from iomhub.domain.harm import DEFAULT_GRAVITY
from iomhub.domain.selection import SelectionSettings
from iomhub.metrics import selection
from iomhub.metrics.common import day_number
from tests.metrics.conftest import by, collect

AS_AT = date(2016, 3, 31)
NOMINALS = """\
nominal_id,date_of_birth,gender,area
A,1990-01-01,male,NW
B,1990-01-01,male,NE
C,1990-01-01,female,
D,1990-01-01,male,NW
E,1990-01-01,male,NW
N9,1990-01-01,male,NW
N10,1990-01-01,male,NW
"""
NO_COHORT = "nominal_id,scheme,start_date,end_date\n"
CUSTODY_HEAD = "nominal_id,start_date,end_date,expected_release_date,custody_type\n"

# A: 3 offences (2 shoplifting at 1 day each, 1 without a category, weighing as other: 10), the
#    last on the as-at date. B: 1 violence with injury (365) on the window's first day, and one
#    the day before the window (not counted). C: robbery (365) and residential burglary (273.5),
#    the last on 01/01/2016, 90 days before the as-at date (30 + 29 + 31). An offence after the
#    as-at date (E) is not counted.
OFFENCES = """\
offence_id,nominal_id,offence_date,category
a1,A,2016-03-31,shoplifting
a2,A,2016-03-01,Shoplifting
a3,A,2015-06-01,
b1,B,2014-04-01,violence_with_injury
b0,B,2014-03-31,violence_with_injury
c1,C,2016-01-01,robbery
c2,C,2015-12-31,burglary_residential
e1,E,2016-04-01,robbery
"""


def run(tables: Any, offences: str = OFFENCES, cohort: str = NO_COHORT, custody: str | None = None,
        as_at: date = AS_AT, settings: SelectionSettings | None = None) -> selection.Selection:
    csv = {"nominals": NOMINALS, "cohort": cohort, "offences": offences}
    if custody is not None:
        csv["custody"] = custody
    t = tables(**csv)
    return selection.select_candidates(t["offences"], t["cohort"], t.get("custody"), t["nominals"], as_at=as_at,
                                       settings=settings or SelectionSettings())


def ranked(result: selection.Selection) -> dict[str, dict[str, Any]]:
    return by(collect(result.ranked), "nominal_id")


def left_out(result: selection.Selection) -> dict[str, int]:
    return {row["reason"]: row["people"] for row in collect(result.left_out)}


def test_window_is_the_24_months_to_the_as_at_date() -> None:
    window = selection.look_back(AS_AT, 24)
    assert (window.start, window.end, window.days) == (date(2014, 4, 1), AS_AT, 731)
    assert selection.look_back(date(2016, 2, 29), 12).start == date(2015, 3, 1)  # 28/02/2015 + 1 day


def test_hand_checked_scores(tables: Any) -> None:
    """Most offences: A's 3; most harm: C's 365 + 273.5 = 638.5.

    A: recency 100 (offended on the as-at date); frequency 100 x 3/3 = 100; harm 1 + 1 + 10 = 12,
       gravity 100 x 12/638.5 = 1.879405; score (100 + 100 + 1.879405)/3 = 67.293135.
    B: recency 100 x (731 - 730)/731 = 0.136799; frequency 100 x 1/3 = 33.333333; gravity
       100 x 365/638.5 = 57.165231; score (0.136799 + 33.333333 + 57.165231)/3 = 30.211788.
    C: recency 100 x (731 - 90)/731 = 87.688098; frequency 100 x 2/3 = 66.666667; gravity 100;
       score (87.688098 + 66.666667 + 100)/3 = 84.784922.
    """
    rows = ranked(run(tables))
    assert set(rows) == {"A", "B", "C"}
    expected = {
        "A": (2, 67.293135, 100.0, 100.0, 1.879405, 3, date(2016, 3, 31), 0, 12.0, "NW"),
        "B": (3, 30.211788, 0.136799, 33.333333, 57.165231, 1, date(2014, 4, 1), 730, 365.0, "NE"),
        "C": (1, 84.784922, 87.688098, 66.666667, 100.0, 2, date(2016, 1, 1), 90, 638.5, None),
    }
    for person, (rank, score, recency, frequency, gravity, offences, last, days, harm, area) in expected.items():
        row = rows[person]
        assert row["rank"] == rank, person
        assert row["score"] == pytest.approx(score, abs=1e-6), person
        assert row["recency_points"] == pytest.approx(recency, abs=1e-6), person
        assert row["frequency_points"] == pytest.approx(frequency, abs=1e-6), person
        assert row["gravity_points"] == pytest.approx(gravity, abs=1e-6), person
        assert (row["offences"], row["last_offence_date"], row["days_since_last_offence"], row["harm"],
                row["area"]) == (offences, last, days, harm, area), person


def test_ranked_rows_come_in_rank_order_with_the_documented_columns(tables: Any) -> None:
    rows = collect(run(tables).ranked)
    assert list(rows[0]) == selection.RANKED_COLUMNS
    assert [row["nominal_id"] for row in rows] == ["C", "A", "B"]
    assert [row["nominal_id"] for row in collect(selection.top(run(tables).ranked, 2))] == ["C", "A"]


def test_offences_by_category_explain_the_harm(tables: Any) -> None:
    rows = by(collect(run(tables).by_category), "nominal_id", "category")
    assert {key: (row["offences"], row["harm"]) for key, row in rows.items()} == {
        ("A", "shoplifting"): (2, 2.0),
        ("A", "unknown"): (1, 10.0),  # no category: weighs as other
        ("B", "violence_with_injury"): (1, 365.0),  # the offence before the window is not here
        ("C", "robbery"): (1, 365.0),
        ("C", "burglary_residential"): (1, 273.5),
    }


def test_equal_scores_are_ranked_by_nominal_id(tables: Any) -> None:
    """N9 and N10 have the same offence on the same day: equal scores; 'N10' < 'N9' as text."""
    offences = ("offence_id,nominal_id,offence_date,category\n"
                "x,N9,2016-01-01,robbery\ny,N10,2016-01-01,robbery\nz,A,2015-01-01,shoplifting\n")
    rows = collect(run(tables, offences).ranked)
    assert [(row["rank"], row["nominal_id"]) for row in rows] == [(1, "N10"), (2, "N9"), (3, "A")]
    assert rows[0]["score"] == rows[1]["score"]


@pytest.mark.parametrize(
    ("weights", "order", "c_score"),
    [
        ({"recency": 0, "frequency": 0, "gravity": 1}, ["C", "B", "A"], 100.0),
        ({"recency": 0, "frequency": 1, "gravity": 0}, ["A", "C", "B"], 66.666667),
        # (2 x 87.688098 + 66.666667 + 100)/4 = 342.042863/4 = 85.510716
        ({"recency": 2, "frequency": 1, "gravity": 1}, ["C", "A", "B"], 85.510716),
    ],
    ids=["gravity-only", "frequency-only", "recency-doubled"],
)
def test_component_weights(tables: Any, weights: dict[str, float], order: list[str], c_score: float) -> None:
    rows = collect(run(tables, settings=SelectionSettings(weights=weights)).ranked)
    assert [row["nominal_id"] for row in rows] == order
    assert by(rows, "nominal_id")["C"]["score"] == pytest.approx(c_score, abs=1e-6)


def test_gravity_overrides_change_the_harm(tables: Any) -> None:
    """Shoplifting at 300 days: A's harm 300 + 300 + 10 = 610, still below C's 638.5."""
    rows = ranked(run(tables, settings=SelectionSettings(gravity={"shoplifting": 300})))
    assert rows["A"]["harm"] == 610.0
    assert rows["A"]["gravity_points"] == pytest.approx(100 * 610 / 638.5, abs=1e-6)  # 95.536413


def test_no_harm_anywhere_gives_zero_gravity_points(tables: Any) -> None:
    settings = SelectionSettings(gravity=dict.fromkeys(DEFAULT_GRAVITY, 0.0))
    assert {row["gravity_points"] for row in collect(run(tables, settings=settings).ranked)} == {0.0}


def test_shorter_look_back(tables: Any) -> None:
    """12 months to 31/03/2016: 01/04/2015–31/03/2016 (366 days); B's offences are all older."""
    result = run(tables, settings=SelectionSettings(look_back_months=12))
    rows = ranked(result)
    assert set(rows) == {"A", "C"}
    assert rows["A"]["offences"] == 3
    assert rows["C"]["recency_points"] == pytest.approx(100 * (366 - 90) / 366, abs=1e-6)  # 75.409836


def test_an_earlier_as_at_date_ignores_later_offences(tables: Any) -> None:
    """As at 31/12/2015: C's robbery of 01/01/2016 and A's 2016 offences are after it."""
    rows = ranked(run(tables, as_at=date(2015, 12, 31)))
    assert (rows["C"]["offences"], rows["C"]["days_since_last_offence"]) == (1, 0)
    assert (rows["A"]["offences"], rows["A"]["last_offence_date"]) == (1, date(2015, 6, 1))


@pytest.mark.parametrize(
    ("episode", "left"),
    [
        ("2016-03-31,", True),
        ("2014-01-01,2016-03-31", True),
        ("2014-01-01,2016-03-30", False),
        ("2016-04-01,", False),
    ],
    ids=["starts-on-as-at", "ends-on-as-at", "ended-day-before", "starts-day-after"],
)
def test_current_cohort_members_are_left_out_and_counted(tables: Any, episode: str, left: bool) -> None:
    result = run(tables, cohort=f"{NO_COHORT}C,priority,{episode}\n")
    assert ("C" not in ranked(result)) is left
    assert left_out(result) == ({"cohort": 1} if left else {})


# as at 31/03/2016, 180 days later is 27/09/2016 (30 + 31 + 30 + 31 + 31 + 27 = 180)
@pytest.mark.parametrize(
    ("period", "left"),
    [
        ("2016-01-01,2016-09-27,,sentenced", False),
        ("2016-01-01,2016-09-28,,sentenced", True),
        ("2016-01-01,,,remand", True),
        ("2016-01-01,,2016-09-27,sentenced", False),
        ("2016-01-01,,2016-09-28,sentenced", True),
        ("2016-01-01,2016-09-27,2017-01-01,sentenced", False),
        ("2015-01-01,2016-03-30,,sentenced", False),
        ("2016-04-01,,,remand", False),
    ],
    ids=["ends-180-days-later", "ends-181-days-later", "open-release-unknown", "expected-180-days-later",
         "expected-181-days-later", "end-date-wins-over-expected", "released-day-before", "starts-day-after"],
)
def test_people_in_long_custody_are_left_out_and_counted(tables: Any, period: str, left: bool) -> None:
    result = run(tables, custody=f"{CUSTODY_HEAD}C,{period}\n")
    assert ("C" not in ranked(result)) is left
    assert left_out(result) == ({"long_custody": 1} if left else {})


def test_long_custody_days_is_a_setting(tables: Any) -> None:
    """With 0 days, any custody beyond the as-at date leaves a person out."""
    custody = f"{CUSTODY_HEAD}C,2016-03-01,2016-04-01,,remand\n"
    assert "C" in ranked(run(tables, custody=custody))
    assert "C" not in ranked(run(tables, custody=custody, settings=SelectionSettings(long_custody_days=0)))


def test_someone_both_in_the_cohort_and_in_custody_counts_once_as_a_member(tables: Any) -> None:
    result = run(tables, cohort=f"{NO_COHORT}C,priority,2015-01-01,\nA,standard,2015-01-01,\n",
                 custody=f"{CUSTODY_HEAD}C,2016-01-01,,,remand\nB,2016-01-01,,,remand\n")
    assert set(ranked(result)) == set()
    assert left_out(result) == {"cohort": 2, "long_custody": 1}


def test_excluded_people_do_not_scale_the_others(tables: Any) -> None:
    """With C (638.5) in the cohort, B's 365 is the most harm: B's gravity is 100."""
    rows = ranked(run(tables, cohort=f"{NO_COHORT}C,priority,2015-01-01,\n"))
    assert rows["B"]["gravity_points"] == 100.0
    assert rows["A"]["gravity_points"] == pytest.approx(100 * 12 / 365, abs=1e-6)  # 3.287671


def test_nobody_to_rank(tables: Any) -> None:
    result = run(tables, offences="offence_id,nominal_id,offence_date,category\nx,A,2010-01-01,robbery\n")
    assert collect(result.ranked) == []
    assert left_out(result) == {}


@pytest.mark.parametrize("day", [date(1970, 1, 1), date(2000, 2, 29), date(2016, 3, 1), date(1900, 3, 1),
                                 date(2099, 12, 31), date(1969, 12, 31)],
                         ids=lambda d: d.isoformat())
def test_day_number_matches_python(tables: Any, day: date) -> None:
    t = tables(offences=f"offence_id,nominal_id,offence_date\nx,N1,{day.isoformat()}\n")
    rows = collect(t["offences"].select(day_number(nw.col("offence_date")).alias("n")))
    assert rows[0]["n"] == (day - date(1970, 1, 1)).days
