"""The drafted narrative: hand-checked sentences from a small report.

The package ``SMALL`` (period 2015/16, baseline 2014/15, cohort date 1 April 2015):
- P01-P10: priority, born 1994 (18-24), male, area NW; 2 offences each in 2014/15 (20), one
  each for P01-P05 in 2015/16 (5): -75.0%.
- E01-E12: enhanced, born 1980 (25 and over), female, area NE; 1 offence each in 2014/15 (12);
  in 2015/16 E01 4 and E02-E12 1 each (15): +25.0%.
- S1, S2: standard, born 1980, male, NW; 1 offence each in 2014/15, none after: -100.0% but
  only 2 people (small numbers).
So: all 24 people 34 -> 20 (-41.18%); 18-24 = priority (20 -> 5, -75.0%); 25 and over 14 -> 15
(+7.14%); male 12 people 22 -> 5 (-77.27%); female 12 -> 15 (+25.0%); NW = male, NE = female.
P01 is in custody from 1 March to 1 May 2015, so on the cohort date.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from iomhub.domain.dates import Span
from iomhub.package import read_package
from iomhub.reports.documents.narrative import draft_narrative
from iomhub.reports.model import Report, build_report
from iomhub.reports.params import ReportParams
from iomhub.reports.sections import build_view
from tests.conftest import PackageMaker

FY2015 = Span(date(2015, 4, 1), date(2016, 3, 31))
LATE = datetime(2016, 9, 1, 9, 0, tzinfo=UTC)  # well after the detection lag

P = [f"P{i:02d}" for i in range(1, 11)]
E = [f"E{i:02d}" for i in range(1, 13)]
S = ["S1", "S2"]
SMALL: dict[str, str] = {
    "nominals": "nominal_id,date_of_birth,gender,area\n"
                + "".join(f"{n},1994-01-01,male,NW\n" for n in P)
                + "".join(f"{n},1980-01-01,female,NE\n" for n in E)
                + "".join(f"{n},1980-01-01,male,NW\n" for n in S),
    "cohort": "nominal_id,scheme,start_date,end_date\n"
              + "".join(f"{n},priority,2015-01-01,\n" for n in P)
              + "".join(f"{n},enhanced,2015-01-01,\n" for n in E)
              + "".join(f"{n},standard,2015-01-01,\n" for n in S),
    "offences": "offence_id,nominal_id,offence_date,category\n"
                + "".join(f"b1{n},{n},2014-06-01,other\nb2{n},{n},2014-07-01,other\n" for n in P)
                + "".join(f"a{n},{n},2015-06-01,other\n" for n in P[:5])
                + "".join(f"b{n},{n},2014-06-01,other\n" for n in E)
                + "".join(f"a{i}E01,E01,2015-0{5 + i}-01,other\n" for i in range(4))
                + "".join(f"a{n},{n},2015-06-01,other\n" for n in E[1:])
                + "".join(f"b{n},{n},2014-06-01,other\n" for n in S),
    "custody": "nominal_id,start_date,end_date,expected_release_date,custody_type\n"
               "P01,2015-03-01,2015-05-01,,sentenced\n",
}


def small_report(make_package: PackageMaker, generated: datetime = LATE, **params: Any) -> Report:
    tables = {**SMALL, **params.pop("tables", {})}
    folder: Path = make_package(**tables)
    params.setdefault("period", FY2015)
    return build_report(read_package(folder), ReportParams(**params), generated_at=generated)


def test_overview_reoffending_sentence(make_package: PackageMaker) -> None:
    report = small_report(make_package)
    # (20 - 34) / 34 = -41.18%: in the report's opening, labelled, and not again in the narrative
    opening = build_view(report).opening[0]
    assert opening.paragraphs[-1].startswith(
        "Before and after: not the effect of IOM. Reoffending in the performance cohort (the 24 people in a scheme "
        "on 1 April 2015 who offended in 2014/15) fell by 41.2%: 34 offences in 2014/15, 20 in 2015/16.")
    assert not any(line.startswith("Reoffending in the performance cohort") for line in
                   draft_narrative(report).overview)


def test_improvers_ranked_by_size_and_small_groups_never_headline(make_package: PackageMaker) -> None:
    narrative = draft_narrative(small_report(make_package))
    assert narrative.improvers == [
        # male: (5 - 22) / 22 = -77.27%; NW is the same people (ties keep the table order)
        "Reoffending among male offenders fell by 77.3%: 22 offences in 2014/15, 5 in 2015/16, 12 people.",
        "Reoffending in NW fell by 77.3%: 22 offences in 2014/15, 5 in 2015/16, 12 people.",
        # priority: (5 - 20) / 20 = -75.0%; the 18-24 band is the same people
        "Reoffending in the priority cohort fell by 75.0%: 20 offences in 2014/15, 5 in 2015/16, 10 people.",
        "Reoffending in the 18–24 age band fell by 75.0%: 20 offences in 2014/15, 5 in 2015/16, 10 people.",
    ]
    assert not any("standard" in line.lower() for line in narrative.improvers + narrative.challenges)


def test_challenges_ranked_by_size(make_package: PackageMaker) -> None:
    narrative = draft_narrative(small_report(make_package))
    assert narrative.challenges == [
        # enhanced = female = NE: (15 - 12) / 12 = +25.0%
        "Reoffending in the enhanced cohort rose by 25.0%: 12 offences in 2014/15, 15 in 2015/16, 12 people.",
        "Reoffending among female offenders rose by 25.0%: 12 offences in 2014/15, 15 in 2015/16, 12 people.",
        "Reoffending in NE rose by 25.0%: 12 offences in 2014/15, 15 in 2015/16, 12 people.",
        # 25 and over: E and S, (15 - 14) / 14 = +7.14%
        "Reoffending in the 25 and over age band rose by 7.1%: 14 offences in 2014/15, 15 in 2015/16, 14 people.",
    ]


def test_small_numbers_go_to_caveats(make_package: PackageMaker) -> None:
    narrative = draft_narrative(small_report(make_package))
    assert ("Small numbers, interpret with caution: reoffending by scheme has groups of fewer than 10 people, "
            "left out of the improvers and challenges: Standard (2 people, fell by 100.0%).") in narrative.caveats


def test_custody_caveat_when_the_cohort_includes_people_in_custody(make_package: PackageMaker) -> None:
    narrative = draft_narrative(small_report(make_package))
    assert ("People in custody: 1 person on IOM was in custody on 1 April 2015; those who offended in 2014/15 "
            "are in the performance cohort, and time in prison lowers their offending in 2015/16.") in narrative.caveats


def test_custody_caveat_with_an_exclusion_date(make_package: PackageMaker) -> None:
    narrative = draft_narrative(small_report(make_package, exclude_custody_beyond=date(2015, 6, 30)))
    assert ("People in custody: 1 person on IOM was in custody on 1 April 2015; those held beyond 30 June 2015 "
            "(or with no known release) are left out of the performance cohort, those released earlier are in it."
            ) in narrative.caveats


def test_no_custody_caveat_when_nobody_was_in_custody(make_package: PackageMaker) -> None:
    custody = "nominal_id,start_date,end_date,expected_release_date,custody_type\nP01,2015-05-01,2015-06-01,,remand\n"
    narrative = draft_narrative(small_report(make_package, tables={"custody": custody}))
    assert not any(line.startswith("People in custody") for line in narrative.caveats)


@pytest.mark.parametrize(("generated", "expected"), [
    (datetime(2016, 5, 20, tzinfo=UTC), True),
    (datetime(2016, 6, 29, tzinfo=UTC), True),  # the last day less than 3 months after 31 March
    (datetime(2016, 6, 30, tzinfo=UTC), False),  # exactly 3 months after
    (LATE, False),
], ids=["may", "29-june", "30-june", "september"])
def test_detection_lag_caveat(make_package: PackageMaker, generated: datetime, expected: bool) -> None:
    narrative = draft_narrative(small_report(make_package, generated))
    lag = [line for line in narrative.caveats if line.startswith("Detection lag")]
    assert bool(lag) is expected
    if expected:
        assert lag[0].startswith(f"Detection lag: the period ended on 31 March 2016, less than 3 months before "
                                 f"this report ({generated.day} {generated:%B %Y}).")


def test_a_period_that_is_not_a_financial_year_is_written_as_dates(make_package: PackageMaker) -> None:
    offences = ("offence_id,nominal_id,offence_date,category\n"
                "o1,N1,2014-11-01,other\no2,N1,2014-12-01,other\no3,N1,2015-05-01,other\n")
    folder = make_package(offences=offences)  # N1: priority from 1 January 2015 (the minimal package)
    report = build_report(read_package(folder), ReportParams(period=Span(date(2015, 4, 1), date(2015, 9, 30))),
                          generated_at=LATE)
    narrative = draft_narrative(report)
    # baseline: the 6 months before, 1 October 2014 to 31 March 2015; (1 - 2) / 2 = -50.0%
    assert build_view(report).opening[0].paragraphs[-1].startswith(
        "Before and after: not the effect of IOM. Reoffending in the performance cohort (the 1 person in a scheme "
        "on 1 April 2015 who offended from 1 October 2014 to 31 March 2015) fell by 50.0%: 2 offences from "
        "1 October 2014 to 31 March 2015, 1 from 1 April 2015 to 30 September 2015.")
    assert narrative.improvers == []  # the one group is a small one
    assert any(line.startswith("Small numbers") and "Priority (1 person, fell by 50.0%)" in line
               for line in narrative.caveats)


def test_caseload_sentence(make_package: PackageMaker) -> None:
    narrative = draft_narrative(small_report(make_package))
    # everyone's episode is open from 1 January 2015: 24 on 1 April 2015 and on 31 March 2016
    assert "The caseload was 24 on 1 April 2015 and 24 on 31 March 2016." in narrative.overview
    # on 31 March 2016 nobody is in custody
    assert "On 31 March 2016, 0 of the 24 people on IOM (0.0%) were in custody and 24 in the community." \
        in narrative.overview
