"""Who may do what: every access rule of the application, as predicates on a user.

Which *people* a user may see is decided by ``Nominal.objects.visible_to(user)``, which asks
:func:`works_on_cases` here. Every other rule (pages of figures, the performance framework,
health information, actions, the audit log, the data-protection duties, the second factor) is
one function below, and views, services, templates and the admin site call it instead of
comparing roles themselves (``tests/web/accounts/test_permissions.py`` checks that no module
outside this one compares a role).

The functions take any object with a user's attributes (an anonymous user too) and never read
the database beyond the user's agency.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from iomhub.web.accounts.constants import Role

CASE_ROLES = (Role.PRACTITIONER, Role.MANAGER)
PLAN_EDITORS = (Role.MANAGER, Role.ADMINISTRATOR)
IMPORTERS = (Role.ADMINISTRATOR, Role.ANALYST)


def _role(user: Any) -> str | None:
    return getattr(user, "role", None)


def signed_in(user: Any) -> bool:
    """Signed in, with an account that has not been disabled."""
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def in_partnership(user: Any) -> bool:
    """Signed in, of an agency that is a member of the IOM partnership (any role)."""
    agency = getattr(user, "agency", None)
    return signed_in(user) and agency is not None and bool(agency.partner)


def works_on_cases(user: Any) -> bool:
    """Practitioners and managers of a partner agency: they see the shared record of people."""
    return in_partnership(user) and _role(user) in CASE_ROLES


def sees_health(user: Any) -> bool:
    """Granted health information, or on the staff of a health agency (a drug service)."""
    agency = getattr(user, "agency", None)
    return bool(getattr(user, "sees_health", False) or (agency is not None and agency.health))


def works_on_health(user: Any) -> bool:
    """A case worker who sees health information: drug and alcohol treatment is health
    information; others may learn from the person page that someone is in treatment, no more."""
    return works_on_cases(user) and sees_health(user)


def sees_figures(user: Any) -> bool:
    """Any role of a partner agency: the dashboard, board papers, selection and the framework
    hold aggregate figures (names only to those who also work on cases)."""
    return in_partnership(user)


def edits_plans(user: Any) -> bool:
    """Managers and administrators of a partner agency change the performance framework and
    the action plan."""
    return sees_figures(user) and _role(user) in PLAN_EDITORS


def completes_action(user: Any, owner_agency: str) -> bool:
    """An action is marked done by the agency that owns it (``Agency.kind`` is its
    ``owner_agency``; the NPS, the CRCs and the Probation Service are one since June 2021) or by
    a manager."""
    agency = getattr(user, "agency", None)
    return _role(user) == Role.MANAGER or (agency is not None and _probation(agency.kind) == _probation(owner_agency))


def _probation(kind: str) -> str:
    return "probation" if kind in ("nps", "crc") else kind


def manages(user: Any) -> bool:
    """A manager of a partner agency: sees every worker's caseload, is told of referrals to decide,
    completes any action."""
    return works_on_cases(user) and _role(user) == Role.MANAGER


def decides_referral(user: Any, referred_by_id: int | None) -> bool:
    """A case worker who did not make the referral: the referrer never decides their own."""
    return works_on_cases(user) and (referred_by_id is None or getattr(user, "pk", None) != referred_by_id)


def leads_cases(user: Any) -> bool:
    """Who may be named a person's lead professional: a case worker of a partner agency."""
    return works_on_cases(user)


def landing_page(user: Any) -> str:
    """The view a user starts on (``/``): case workers the cohort, analysts and others of the
    partnership the dashboard, administrators outside it the audit log, anyone else of an agency
    outside the partnership a page that says so."""
    if works_on_cases(user):
        return "cohort:list"
    if sees_figures(user):
        return "performance:dashboard"
    if administers(user):
        return "audit:search"
    return "accounts:outside"


def is_analyst(user: Any) -> bool:
    return _role(user) == Role.ANALYST


def administers(user: Any) -> bool:
    """An administrator (of any agency): accounts, the audit log, review, subject access,
    restriction and rectification."""
    return signed_in(user) and _role(user) == Role.ADMINISTRATOR


def imports_data(user: Any) -> bool:
    """Administrators and analysts of a partner agency upload extracts, map them and import them
    (``/data/``)."""
    return in_partnership(user) and _role(user) in IMPORTERS


def owns_upload(user: Any, agency_id: int | None) -> bool:
    """An upload (its files, mapping page, import jobs) is its agency's alone: only the
    importers of the agency that uploaded it open it; the files are never served to anyone."""
    return imports_data(user) and agency_id is not None and getattr(user, "agency_id", None) == agency_id


def needs_second_factor(user: Any) -> bool:
    """Administrators always; everyone when ``IOMHUB_TOTP_REQUIRED_FOR_ALL`` is set."""
    return bool(settings.TOTP_REQUIRED_FOR_ALL or _role(user) == Role.ADMINISTRATOR)
