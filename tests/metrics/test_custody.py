"""Custody done once: stays as the union of records, release dates, offences dated in custody."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from iomhub.domain.dates import epoch_day
from iomhub.metrics import custody
from tests.metrics.conftest import collect

LAST = date(2016, 3, 31)
NOMINALS = "nominal_id,date_of_birth,gender,area\nA,1990-01-01,male,NW\nB,1990-01-01,male,NW\n"


def day(text: str) -> int:
    return epoch_day(date.fromisoformat(text))


@pytest.mark.parametrize(
    ("records", "stays"),
    [
        ("A,2015-01-01,2015-01-31,\nA,2015-01-01,2015-01-10,\n", [("2015-01-01", "2015-01-31")]),
        ("A,2015-01-01,2015-01-31,\nA,2015-01-20,2015-02-28,\n", [("2015-01-01", "2015-02-28")]),
        ("A,2015-01-01,2015-01-31,\nA,2015-02-01,2015-02-10,\n", [("2015-01-01", "2015-02-10")]),
        ("A,2015-01-01,2015-01-31,\nA,2015-02-02,2015-02-10,\n",
         [("2015-01-01", "2015-01-31"), ("2015-02-02", "2015-02-10")]),
        ("A,2015-01-01,,2015-06-30\n", [("2015-01-01", "2015-06-30")]),
        ("A,2015-01-01,,\n", [("2015-01-01", "2016-03-31")]),
        ("A,2015-01-01,2015-03-31,\nA,2015-01-05,2015-01-20,\nA,2015-03-01,,2015-05-31\n",
         [("2015-01-01", "2015-05-31")]),
    ],
    ids=["remand-then-sentence-inside-it", "overlapping", "touching-next-day", "a-day-apart",
         "open-with-expected-release", "open-without-release-to-the-end", "chain-of-three"],
)
def test_custody_spans_are_the_union_of_records(tables: Any, records: str, stays: list[tuple[str, str]]) -> None:
    t = tables(nominals=NOMINALS, cohort="nominal_id,scheme,start_date\nA,priority,2015-01-01\n",
               custody="nominal_id,start_date,end_date,expected_release_date\n" + records)
    found = sorted((row["c_first"], row["c_last"]) for row in collect(custody.custody_spans(t["custody"], LAST)))
    assert found == [(day(first), day(last)) for first, last in stays]


def test_offences_dated_inside_custody_are_counted_for_a_warning(tables: Any) -> None:
    # A's stay is 2015-01-01..2015-01-31 (two overlapping records): o2 and o3 are inside it;
    # o1 on its first day and o4 on its last are not (arrest and release days); B has no custody.
    t = tables(nominals=NOMINALS, cohort="nominal_id,scheme,start_date\nA,priority,2015-01-01\n",
               custody="nominal_id,start_date,end_date\nA,2015-01-01,2015-01-20\nA,2015-01-10,2015-01-31\n",
               offences="offence_id,nominal_id,offence_date\no1,A,2015-01-01\no2,A,2015-01-02\n"
                        "o3,A,2015-01-25\no4,A,2015-01-31\no5,B,2015-01-15\n")
    spans = custody.custody_spans(t["custody"], LAST)
    assert collect(custody.offences_in_custody(t["offences"], spans)) == [{"offences": 2, "people": 1}]


@pytest.mark.parametrize(
    ("index", "released"),
    [("2015-01-15", "2015-03-01"), ("2015-03-01", "2015-03-01"), ("2014-12-31", "2014-12-31")],
    ids=["in-custody-followed-from-release", "released-that-day-is-at-liberty", "before-custody"],
)
def test_follow_up_starts_at_release(tables: Any, index: str, released: str) -> None:
    # Remand 2015-01-01..2015-01-20 then a sentence open with release expected 2015-02-28.
    t = tables(nominals=NOMINALS, cohort=f"nominal_id,scheme,start_date\nA,priority,{index}\n",
               custody="nominal_id,start_date,end_date,expected_release_date\nA,2015-01-01,2015-01-20,\n"
                       "A,2015-01-20,,2015-02-28\n")
    spans = custody.custody_spans(t["custody"], LAST)
    (row,) = collect(custody.released_on(t["cohort"].select("nominal_id", "start_date"), spans, "start_date"))
    assert row["released"] == date.fromisoformat(released)


def test_the_report_warns_of_offences_dated_in_custody(tables: Any) -> None:
    t = tables(nominals=NOMINALS, cohort="nominal_id,scheme,start_date\nA,priority,2015-01-01\n",
               custody="nominal_id,start_date,end_date\nA,2015-05-01,2015-05-31\n",
               offences="offence_id,nominal_id,offence_date\no1,A,2014-06-01\no2,A,2015-05-15\n")
    notes = [note for note in t.report().notes if note.startswith("Data quality")]
    assert len(notes) == 1 and "1 offence is dated inside a period in custody (1 person)" in notes[0]
