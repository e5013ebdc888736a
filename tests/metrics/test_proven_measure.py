"""One definition of proven reoffending: the MoJ measures and the OGRS3 comparison count alike."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from iomhub.domain.dates import Span
from iomhub.metrics import expected, proven, proven_measure
from iomhub.metrics.custody import custody_spans
from tests.metrics.conftest import by, collect

NOMINALS = "nominal_id,date_of_birth,gender,sanctions,first_sanction_date\nA,1990-01-01,male,3,2008-01-01\n"
END = date(2016, 3, 31)
STARTS = Span(date(2013, 1, 1), date(2013, 12, 31))


def counted(tables: Any, start: str, offences: str, custody: str | None = None) -> tuple[int, int, date]:
    """Reoffences in the first year as proven_reoffending and expected_reoffending count them,
    and the start of the follow-up."""
    csv = {"nominals": NOMINALS, "cohort": f"nominal_id,scheme,start_date\nA,priority,{start}\n",
           "offences": "offence_id,nominal_id,offence_date,detected_date,category\n"
                       "o0,A,2012-06-01,2012-06-02,shoplifting\n" + offences}
    if custody:
        csv["custody"] = "nominal_id,start_date,end_date,expected_release_date\n" + custody
    t = tables(**csv)
    spans = custody_spans(t["custody"], END) if custody else None
    moj = by(collect(proven.proven_people(t["cohort"], t["offences"], STARTS, END, spans)), "nominal_id")["A"]
    ogrs = by(collect(expected.expected_people(t["cohort"], t["nominals"], t["offences"], end=END,
                                                custody_spans=spans)), "nominal_id")["A"]
    return moj["reoffences"], ogrs["reoffences"], moj["follow_from"]


@pytest.mark.parametrize(
    ("offence", "reoffences"),
    [("o1,A,2013-03-01,2013-03-05,shoplifting\n", 1),
     ("o1,A,2013-03-01,,shoplifting\n", 0),
     ("o1,A,2013-02-28,2013-03-05,shoplifting\n", 0),
     ("o1,A,2013-03-01,2014-09-01,shoplifting\n", 0)],
    ids=["on-the-start-day", "no-detected-date", "the-day-before", "detected-after-waiting"],
)
def test_both_measures_count_alike(tables: Any, offence: str, reoffences: int) -> None:
    # Start 2013-03-01: the follow-up includes that day; one year's waiting period ends
    # 2014-08-31 (an offence detected on 2014-09-01 is late for the one-year measure; the
    # two-year measure would take it, so the offence is placed to fail both or neither).
    moj, ogrs, _ = counted(tables, "2013-03-01", offence)
    assert (moj, ogrs) == (reoffences, reoffences if "2014-09-01" not in offence else 1)


def test_in_custody_on_the_start_date_the_follow_up_starts_at_release(tables: Any) -> None:
    # On remand from 2013-02-20, sentence open with release expected 2013-05-31: both
    # measures follow A up from 2013-06-01. o1 (in custody, a data-quality problem) is not a
    # reoffence; o2 on the day of release is.
    moj, ogrs, start = counted(tables, "2013-03-01", "o1,A,2013-04-01,2013-04-02,shoplifting\n"
                                                   "o2,A,2013-06-01,2013-06-02,shoplifting\n",
                               "A,2013-02-20,2013-03-10,\nA,2013-03-10,,2013-05-31\n")
    assert start == date(2013, 6, 1)
    assert (moj, ogrs) == (1, 1)


def test_the_measure_is_labelled_for_what_it_is(tables: Any) -> None:
    t = tables(nominals=NOMINALS, cohort="nominal_id,scheme,start_date\nA,priority,2013-03-01\n",
               offences="offence_id,nominal_id,offence_date,detected_date\no1,A,2013-04-01,2013-04-02\n")
    rows = collect(proven.proven_reoffending(proven.proven_people(t["cohort"], t["offences"], STARTS, END)))
    assert {row["measure"] for row in rows} == {proven_measure.MEASURE} == {"detected reoffending (MoJ timing)"}


def test_the_two_year_follow_up_is_judged_from_the_start_point_not_the_index_date(tables: Any) -> None:
    """To 31/03/2016, two years and six months of waiting end in time for start points up to
    01/10/2013. A and B both start on 01/09/2013 in custody: A is released on 30/09/2013 and is
    followed up; B on 01/12/2013 and is not (the index dates alone would take both). C starts
    on 02/10/2013 and is not, whatever custody says."""
    t = tables(nominals=NOMINALS + "B,1990-01-01,male,3,2008-01-01\nC,1990-01-01,male,3,2008-01-01\n",
               cohort="nominal_id,scheme,start_date\nA,priority,2013-09-01\nB,priority,2013-09-01\n"
                      "C,priority,2013-10-02\n",
               offences="offence_id,nominal_id,offence_date,detected_date,category\n"
                        "o0,A,2012-06-01,2012-06-02,shoplifting\no1,B,2012-06-01,2012-06-02,shoplifting\n"
                        "o2,C,2012-06-01,2012-06-02,shoplifting\n",
               custody="nominal_id,start_date,end_date,expected_release_date\n"
                       "A,2013-08-01,2013-09-29,\nB,2013-08-01,2013-11-30,\n")
    people = by(collect(expected.expected_people(t["cohort"], t["nominals"], t["offences"], end=END,
                                                 custody_spans=custody_spans(t["custody"], END))), "nominal_id")
    assert set(people) == {"A"}
