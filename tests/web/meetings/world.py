"""Hand-made records for the briefing and agenda tests, written through an audit context."""

from __future__ import annotations

from datetime import date
from typing import Any

from iomhub.web.assessments.models import NeedScore
from iomhub.web.audit.constants import Operation
from iomhub.web.audit.context import Actor, audited
from iomhub.web.cohort.models import CohortEpisode
from iomhub.web.custody.models import CustodyPeriod
from iomhub.web.meetings.models import CaseAction, Meeting
from iomhub.web.offences.models import Offence
from iomhub.web.people.models import Nominal
from iomhub.web.risk.models import RiskAssessment

SYSTEM = Actor.system("test-world")
TODAY = date(2016, 6, 15)


def d(text: str) -> date:
    return date.fromisoformat(text)


def add(model: type[Any], **values: Any) -> Any:
    with audited(SYSTEM) as audit:
        row = model.objects.create(**values)
        audit.record(Operation.COLLECTION, row)
    return row


def person(nominal_id: str, area: str = "NW", *, since: str | None = "2015-01-01", until: str | None = None,
           family_name: str = "") -> Nominal:
    nominal = add(Nominal, nominal_id=nominal_id, area=area, family_name=family_name or nominal_id)
    if since:
        episode(nominal, since, until)
    return nominal


def episode(nominal: Nominal, start: str, end: str | None = None, scheme: str = "priority") -> CohortEpisode:
    return add(CohortEpisode, nominal=nominal, scheme=scheme, start_date=d(start), end_date=end and d(end))


def offence(nominal: Nominal, committed: str, detected: str | None = None, ref: str = "") -> Offence:
    return add(Offence, offence_id=ref or f"CR-{nominal.nominal_id}-{committed}-{detected}", nominal=nominal,
               offence_date=d(committed), detected_date=detected and d(detected), category="burglary_residential")


def custody(nominal: Nominal, start: str, end: str | None = None, expected: str | None = None,
            kind: str = "sentenced") -> CustodyPeriod:
    return add(CustodyPeriod, nominal=nominal, start_date=d(start), end_date=end and d(end),
               expected_release_date=expected and d(expected), custody_type=kind)


def assessed(nominal: Nominal, on: str) -> None:
    add(NeedScore, nominal=nominal, assessed_on=d(on), pathway="accommodation", score=3)


def tier(nominal: Nominal, on: str, level: str) -> RiskAssessment:
    return add(RiskAssessment, nominal=nominal, assessed_on=d(on), tier=level)


def meeting(held_on: str, area: str = "NW", kind: str = "case_management", meeting_id: str = "") -> Meeting:
    return add(Meeting, meeting_id=meeting_id or f"M-{held_on}-{area}-{kind}", held_on=d(held_on),
               meeting_type=kind, area=area)


def action(nominal: Nominal, due: str, status: str = "open", at: Meeting | None = None,
           text: str = "Find a hostel place") -> CaseAction:
    return add(CaseAction, nominal=nominal, meeting=at, description=text, owner_agency="police",
               due_on=d(due), status=status)
