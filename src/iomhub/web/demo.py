"""The demonstration: a synthetic package loaded into the database, and users in three agencies.

Used by ``iomhub demo``; never by a real deployment (the demo password is printed).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from iomhub.package import read_package
from iomhub.web.accounts.constants import AgencyCode, Role
from iomhub.web.accounts.models import Agency, User
from iomhub.web.audit.constants import Operation
from iomhub.web.audit.context import Actor, audited
from iomhub.web.exchange import import_package

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


def load_demo(package: Path) -> tuple[int, list[DemoLogin]]:
    """Import ``package`` (nothing changes if it is already loaded) and create the demo users.

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
    return result.created, logins
