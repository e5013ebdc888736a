"""The demonstration: a synthetic package loaded into the database, and users in three agencies.

Used by ``iomhub demo``; never by a real deployment (the demo password is printed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from iomhub.package import read_package
from iomhub.web.accounts.constants import AgencyCode, Role
from iomhub.web.accounts.models import Agency, User
from iomhub.web.audit.constants import Operation
from iomhub.web.audit.context import Actor, audited
from iomhub.web.cohort.leads import assign_lead
from iomhub.web.cohort.models import LeadProfessional, LeadRole
from iomhub.web.exchange import import_package
from iomhub.web.meetings.briefing import on_iom
from iomhub.web.meetings.models import CaseAction, Meeting
from iomhub.web.meetings.services import record_discussion
from iomhub.web.people.models import Nominal

DEMO_PASSWORD = "iomhub-demo-only-password"
AGENCIES = (
    ("police", "Police", AgencyCode.POLICE, True, False),
    ("nps", "National Probation Service", AgencyCode.NPS, True, False),
    ("drugs", "Drug and alcohol service", AgencyCode.DRUGS_SERVICE, True, True),
    ("housing", "Riverside Housing (not in the partnership)", AgencyCode.OTHER, False, False),
)
USERS = (
    ("police.officer", "police", Role.PRACTITIONER),
    ("probation.manager", "nps", Role.MANAGER),
    ("drugs.worker", "drugs", Role.PRACTITIONER),
    ("analyst", "police", Role.ANALYST),
    ("housing.officer", "housing", Role.PRACTITIONER),
    ("admin", "police", Role.ADMINISTRATOR),
)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    agency: str
    role: str


def load_demo(package: Path, today: date | None = None) -> tuple[int, list[DemoLogin]]:
    """Import ``package`` (nothing changes if it is already loaded) and create the demo users;
    with ``today`` (the day the demo's data end), the actions agreed at recent case management
    meetings (``demo_actions``) and the demo workers' own caseloads (``demo_leads``) too.

    Returns the number of records created and the logins (all with ``DEMO_PASSWORD``).
    """
    actor = Actor.system("demo")
    result = import_package(read_package(package), actor, justification="demonstration data")
    logins: list[DemoLogin] = []
    with audited(actor, justification="demonstration users") as audit:
        for code, name, kind, partner, health in AGENCIES:
            if not Agency.objects.filter(code=code).exists():
                agency = Agency.objects.create(code=code, name=name, kind=kind, partner=partner, health=health)
                audit.record(Operation.COLLECTION, agency)
        for username, code, role in USERS:
            agency = Agency.objects.get(code=code)
            if not User.objects.filter(username=username).exists():
                user = User.objects.create_user(username=username, password=DEMO_PASSWORD, agency=agency,
                                                role=role, first_name=username.split(".")[0].title())
                audit.record(Operation.COLLECTION, user, detail={"agency": code, "role": role})
            logins.append(DemoLogin(username, agency.name, Role(role).label))
    created = result.created + (demo_actions(actor, today) + demo_leads(actor, today) if today is not None else 0)
    return created, logins


ACTION_EVERY = 12  # one person on IOM in so many has an open action
ACTIONS = (("Arrange a housing assessment appointment", "council"),
           ("Check attendance at the drug treatment review", "drugs_service"),
           ("Home visit to confirm the address", "police"),
           ("Review the licence conditions with the offender manager", "probation"),
           ("Refer to the employment and training adviser", "probation"))


def demo_actions(actor: Actor, today: date) -> int:
    """Open actions agreed at the last case management meeting of each person's area before
    ``today``, for one person on IOM in ``ACTION_EVERY``: due from three weeks ago to three
    weeks ahead, so that some are overdue (the briefing, the agenda) and some due soon. Nothing
    is added when the database holds actions already. Returns the number added."""
    if CaseAction.objects.exists():
        return 0
    people = list(on_iom(Nominal.objects.all(), today).order_by("nominal_id")[::ACTION_EVERY])
    added = 0
    for number, person in enumerate(people):
        meeting = (Meeting.objects.filter(meeting_type="case_management", area=person.area, held_on__lt=today)
                   .order_by("-held_on").first())
        if meeting is None:
            continue
        action, agency = ACTIONS[number % len(ACTIONS)]
        due = today + timedelta(days=number * 17 % 43 - 21)  # spread over the six weeks
        record_discussion(actor, meeting, person, action=action, owner_agency=agency, due_on=due)
        added += 1
    return added


# Each demo case worker's caseload: the role they hold and one person on IOM in ``LEAD_EVERY``
# from their own offset, up to ``LEAD_CASELOAD`` people (an IOM worker holds a few dozen).
LEAD_EVERY, LEAD_CASELOAD = 10, 20
DEMO_LEADS = (("police.officer", LeadRole.POLICE_OFFICER, 0),
              ("probation.manager", LeadRole.OFFENDER_MANAGER, 3),
              ("drugs.worker", LeadRole.KEY_WORKER, 6))


def demo_leads(actor: Actor, today: date) -> int:
    """Name the demo's case workers as lead professionals of some people on IOM, so that "My
    cohort" and the caseloads have content from the first sign-in; each assignment started
    between two weeks and a year before ``today``. Nothing is added when the database holds
    leads already. Returns the number of assignments added."""
    if LeadProfessional.objects.exists():
        return 0
    people = list(on_iom(Nominal.objects.all(), today).order_by("nominal_id"))
    added = 0
    for username, kind, offset in DEMO_LEADS:
        worker = User.objects.filter(username=username).first()
        if worker is None:
            continue
        for number, person in enumerate(people[offset::LEAD_EVERY][:LEAD_CASELOAD]):
            started = today - timedelta(days=14 + number * 53 % 350)
            assign_lead(actor, person, kind, worker, started, reason="demonstration caseload")
            added += 1
    return added
