"""The access matrix: every route x every user x GET and POST, generated from the URL resolver.

Three agencies (own = police, partner = probation, unrelated = a housing association outside the
IOM partnership) x four roles (practitioner, manager, analyst, administrator), plus a practitioner
of a drug and alcohol service (who sees health information) and an anonymous visitor, try every
route of the application (the admin site has its own tests; signing in and out are not object
routes) with GET and with an empty POST. The world holds one person, N0001 (Jack Smith), with a
record of every kind, so that every URL argument is filled with a real id.

The expected outcome of each (user, route) comes from :data:`POLICY`, written out below. A route
the resolver knows and the policy does not (a new route) fails, and so does a URL argument the
world cannot fill: nothing is skipped silently.

A refusal must be a 404 that says nothing (anonymous visitors are sent to sign in instead), must
change no table (every row of every model is compared, except the refusal's own audit row), must
be logged (one audit ``refusal`` row, and a warning on ``iomhub.security``) and must not contain
anything that identifies the person. Pages that hold no one's record (the dashboard, the account
page, the cohort list for someone who sees no one) must not identify the person either.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from iomhub.web.accounts.constants import AgencyCode, Role
from iomhub.web.accounts.models import Agency, User
from iomhub.web.assessments.models import NeedScore
from iomhub.web.audit.constants import Operation
from iomhub.web.audit.context import Actor, audited
from iomhub.web.audit.models import AuditEvent
from iomhub.web.cohort.models import CohortEpisode
from iomhub.web.custody.models import CustodyPeriod, Supervision
from iomhub.web.ingest.models import ImportJob, Upload
from iomhub.web.meetings.models import Attendance, CaseAction, Meeting
from iomhub.web.notifications.models import Notification
from iomhub.web.offences.models import Offence
from iomhub.web.people.constants import NoteVisibility
from iomhub.web.people.models import CaseNote, Flag, Nominal
from iomhub.web.performance.models import Indicator, PlanAction, RagOverride, Target
from iomhub.web.referrals.models import Referral
from iomhub.web.risk.models import RiskAssessment
from iomhub.web.treatment.models import TreatmentEpisode

# --- who -------------------------------------------------------------------------------------

AGENCIES = ("own", "partner", "unrelated")
ROLES = (Role.PRACTITIONER, Role.MANAGER, Role.ANALYST, Role.ADMINISTRATOR)
ANONYMOUS = ("anonymous", "")
HEALTH = ("health", str(Role.PRACTITIONER))  # a drug service's practitioner: sees health information
WHO: list[tuple[str, str]] = [(agency, str(role)) for agency in AGENCIES for role in ROLES] + [HEALTH, ANONYMOUS]
METHODS = ("GET", "POST")


def case_worker(agency: str, role: str) -> bool:
    """Practitioners and managers of a partner agency open people's records."""
    return agency in ("own", "partner", "health") and role in (Role.PRACTITIONER, Role.MANAGER)


def health_case_worker(agency: str, role: str) -> bool:
    """Case workers who see health information (drug and alcohol treatment is health information)."""
    return case_worker(agency, role) and agency == "health"


def action_owner_or_manager(agency: str, role: str) -> bool:
    """The world's action is owned by the police (the own agency); managers complete any action."""
    return case_worker(agency, role) and (agency == "own" or role == Role.MANAGER)


def partner_any_role(agency: str, role: str) -> bool:
    return agency in ("own", "partner", "health")


def administrator(agency: str, role: str) -> bool:
    """Administrators of any agency (as ``tests/web/audit/test_search.py`` decides)."""
    return role == Role.ADMINISTRATOR


def plan_editor(agency: str, role: str) -> bool:
    """Managers and administrators of a partner agency change the performance framework and action plan."""
    return agency in ("own", "partner", "health") and role in (Role.MANAGER, Role.ADMINISTRATOR)


def importer(agency: str, role: str) -> bool:
    """Administrators and analysts of a partner agency bring extracts in (/data/)."""
    return agency in ("own", "partner", "health") and role in (Role.ANALYST, Role.ADMINISTRATOR)


def importer_of_the_upload(agency: str, role: str) -> bool:
    """The world's upload is the own agency's: only its importers open it and its import jobs."""
    return agency == "own" and importer(agency, role)


def signed_in(agency: str, role: str) -> bool:
    return agency != "anonymous"


def manager(agency: str, role: str) -> bool:
    """Managers of a partner agency see every worker's caseload."""
    return case_worker(agency, role) and role == Role.MANAGER


def recipient(agency: str, role: str) -> bool:
    """The world's notification is the own agency's manager's: no one else opens it."""
    return (agency, role) == ("own", Role.MANAGER)


def landing(agency: str, role: str) -> str:
    """Where ``/`` sends each user: case workers to the cohort, others of the partnership to the
    dashboard, administrators outside it to the audit log, anyone else to the page saying so."""
    if agency == "anonymous":
        return "/accounts/login/"
    if case_worker(agency, role):
        return "/cohort/"
    if partner_any_role(agency, role):
        return "/performance/"
    if role == Role.ADMINISTRATOR:
        return "/audit/"
    return "/accounts/outside/"


# --- the policy ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Rule:
    """Who may use a route and which methods it answers (any other method: 405, to those allowed).

    Whoever is allowed, a user who is not a case worker must never see the person on the page
    (the audit search apart, whose rows name people by id for administrators)."""

    allowed: Callable[[str, str], bool]
    methods: frozenset[str] = frozenset(METHODS)
    redirect_to: Callable[[str, str], str] | None = None  # a route that only redirects (to this path)


GET = frozenset({"GET"})
POST = frozenset({"POST"})
BOTH = frozenset(METHODS)

POLICY: dict[str, Rule] = {
    # Everyone: the start page sends each role to its own start page (anonymous visitors sign in).
    "home": Rule(signed_in, BOTH, redirect_to=landing),
    "accounts:account": Rule(signed_in, BOTH),
    "accounts:outside": Rule(signed_in, BOTH),
    # Named people, the queue, tasks and notifications: case workers (caseloads: their managers).
    "cohort:mine": Rule(case_worker, BOTH),
    "cohort:caseloads": Rule(manager, BOTH),
    "cohort:leads": Rule(case_worker, BOTH),
    "cohort:transfer": Rule(case_worker, BOTH),
    "referrals:queue": Rule(case_worker, GET),
    "meetings:schedule": Rule(case_worker, BOTH),
    "meetings:my_actions": Rule(case_worker, BOTH),
    "meetings:agency_actions": Rule(case_worker, BOTH),
    "meetings:people": Rule(case_worker, POST),
    "meetings:minutes": Rule(case_worker, POST),
    "notifications:list": Rule(case_worker, BOTH),
    "notifications:read_all": Rule(case_worker, POST),
    "notifications:open": Rule(recipient, POST),
    # The cohort list: every signed-in user gets the page; only case workers see anyone on it.
    "cohort:list": Rule(signed_in, GET),
    # A person's record and everything hanging from it: case workers of partner agencies only.
    "people:create": Rule(case_worker, BOTH),
    "people:search": Rule(case_worker, GET),
    "people:detail": Rule(case_worker, GET),
    "people:profile": Rule(case_worker, GET),
    "people:edit": Rule(case_worker, BOTH),
    "people:purpose": Rule(case_worker, BOTH),
    "people:note": Rule(case_worker, POST),
    "people:add_flag": Rule(case_worker, BOTH),
    "people:end_flag": Rule(case_worker, BOTH),
    "cohort:change_level": Rule(case_worker, BOTH),
    "cohort:exit": Rule(case_worker, BOTH),
    "referrals:create": Rule(case_worker, BOTH),
    "referrals:decide": Rule(case_worker, BOTH),
    "custody:add_custody": Rule(case_worker, BOTH),
    "custody:edit_custody": Rule(case_worker, BOTH),
    "custody:add_supervision": Rule(case_worker, BOTH),
    "custody:edit_supervision": Rule(case_worker, BOTH),
    "risk:change": Rule(case_worker, BOTH),
    "assessments:progress": Rule(case_worker, BOTH),
    "assessments:new": Rule(case_worker, BOTH),
    "treatment:episodes": Rule(health_case_worker, BOTH),
    "treatment:new": Rule(health_case_worker, BOTH),
    "treatment:edit": Rule(health_case_worker, BOTH),
    # (These read-only pages answer a POST as a GET; harmless, and written down here.)
    "meetings:list": Rule(case_worker, BOTH),
    "meetings:new": Rule(case_worker, BOTH),
    "meetings:briefing": Rule(case_worker, BOTH),
    "meetings:agenda": Rule(case_worker, BOTH),
    "meetings:detail": Rule(case_worker, BOTH),
    "meetings:attendance": Rule(case_worker, POST),
    "meetings:discussion": Rule(case_worker, POST),
    "meetings:action_done": Rule(action_owner_or_manager, POST),
    # Aggregate figures: any role of a partner agency; no one outside the partnership.
    "performance:dashboard": Rule(partner_any_role, GET),
    "performance:report": Rule(partner_any_role, GET),
    "performance:download": Rule(partner_any_role, BOTH),
    "performance:documents": Rule(partner_any_role, BOTH),
    # Cohort selection: any role of a partner agency; names only to those who see the people
    # (practitioners and managers), pseudonymised rows to the others.
    "cohort:selection": Rule(partner_any_role, GET),
    # The performance framework and the action plan: read by any role of a partner agency,
    # changed by its managers and administrators.
    "performance:framework": Rule(partner_any_role, GET),
    "performance:indicator": Rule(partner_any_role, GET),
    "performance:action_plan": Rule(partner_any_role, GET),
    "performance:new_indicator": Rule(plan_editor, BOTH),
    "performance:edit_indicator": Rule(plan_editor, BOTH),
    "performance:set_target": Rule(plan_editor, BOTH),
    "performance:set_actual": Rule(plan_editor, BOTH),
    "performance:override_rag": Rule(plan_editor, BOTH),
    "performance:withdraw_override": Rule(plan_editor, BOTH),
    "performance:new_action": Rule(plan_editor, BOTH),
    "performance:edit_action": Rule(plan_editor, BOTH),
    "performance:action_status": Rule(plan_editor, BOTH),
    # The audit log: administrators only.
    "audit:search": Rule(administrator, GET),
    # The data protection duties (review, subject access, restriction, rectification): administrators.
    "records:queue": Rule(administrator, BOTH),
    "records:person": Rule(administrator, BOTH),
    "records:review": Rule(administrator, BOTH),
    "records:subject_access": Rule(administrator, BOTH),
    "records:restriction": Rule(administrator, BOTH),
    "records:rectify": Rule(administrator, BOTH),
    # Bringing extracts in: importers of partner agencies; an upload and its jobs, its agency's only.
    "ingest:index": Rule(importer, BOTH),
    "ingest:history": Rule(importer, GET),
    "ingest:upload": Rule(importer_of_the_upload, BOTH),
    "ingest:start": Rule(importer_of_the_upload, POST),
    "ingest:job": Rule(importer_of_the_upload, GET),
}

# Administrators see people there: the audit log names them by id, the data protection pages show
# what each duty needs (every view a consultation of the person).
NAMES_PEOPLE_TO_ADMINISTRATORS = {"audit:search", "records:queue", "records:person", "records:review",
                                  "records:subject_access", "records:restriction", "records:rectify"}

# Routes that are not object routes of the application: the admin site (tested in
# tests/web/accounts/test_admin.py), static files, and signing in and out.
SKIPPED_PREFIXES = ("admin/", django_settings.STATIC_URL.lstrip("/"))
SKIPPED_NAMES = {"accounts:login", "accounts:verify", "accounts:enrol", "accounts:enrol_link", "accounts:logout"}

# --- the routes, from the resolver -----------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str
    pattern: str
    kwargs: tuple[str, ...] = field(default=())


def walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[Route]:
    """Every named route under ``patterns``, with its full pattern and URL arguments."""
    for entry in patterns:
        text = prefix + str(entry.pattern)
        if any(text.startswith(skipped) for skipped in SKIPPED_PREFIXES):
            continue
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else (
                entry.namespace or namespace)
            yield from walk(entry.url_patterns, text, inner)
        elif isinstance(entry, URLPattern):
            if not entry.name:
                raise AssertionError(f"route {text!r} has no name: the matrix cannot reverse it")
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            if name in SKIPPED_NAMES:
                continue
            yield Route(name, text, tuple(entry.pattern.regex.groupindex))
        else:  # pragma: no cover - Django has no other kind
            raise AssertionError(f"unexpected URL entry {entry!r}")


ROUTES = list(walk(get_resolver().url_patterns))

# --- the world -------------------------------------------------------------------------------

SYSTEM = Actor.system("access-matrix")
NAME, GIVEN, NOMINAL_ID, PNC = "Smith", "Jolyon", "N0001", "2009/0123456X"
NOTE = "Seen at the hostel on Mill Lane"
MARKERS = (NAME, GIVEN, NOMINAL_ID, PNC, NOTE)  # none of these may reach a refused user


@dataclass
class World:
    users: dict[tuple[str, str], User]
    nominal: Nominal
    referral: Referral
    meeting: Meeting
    action: CaseAction
    custody: CustodyPeriod
    supervision: Supervision
    treatment: TreatmentEpisode
    flag: Flag
    indicator: Indicator
    milestone: PlanAction
    notification: Notification
    upload: Upload
    job: ImportJob
    sessions: dict[tuple[str, str], str] = field(default_factory=dict)


def build_world() -> World:
    """The three agencies, a user of each role in each, and N0001 with a record of every kind."""
    agencies = {
        "own": Agency.objects.create(code="police", name="Police", kind=AgencyCode.POLICE),
        "partner": Agency.objects.create(code="nps", name="Probation", kind=AgencyCode.NPS),
        "unrelated": Agency.objects.create(code="housing", name="Riverside Housing", kind=AgencyCode.OTHER,
                                           partner=False),
        "health": Agency.objects.create(code="drugs", name="Drug and alcohol service", kind=AgencyCode.DRUGS_SERVICE,
                                        health=True),
    }
    users = {(agency, role): User.objects.create_user(username=f"{agency}-{role}", password=None,
                                                      agency=agencies[agency], role=role)
             for agency, role in WHO if agency != "anonymous"}
    author = users[("own", Role.PRACTITIONER)]
    today = timezone.localdate()
    with audited(SYSTEM) as audit:
        def add(model: type[Any], **values: Any) -> Any:
            row = model.objects.create(**values)
            audit.record(Operation.COLLECTION, row)
            return row

        person = add(Nominal, nominal_id=NOMINAL_ID, pnc_id=PNC, family_name=NAME, given_names=GIVEN,
                     date_of_birth=date(1990, 5, 1), gender="male", area="NW")
        add(CohortEpisode, nominal=person, scheme="priority", start_date=date(2015, 4, 1))
        flag = add(Flag, nominal=person, flag="ppo", start_date=date(2015, 4, 1))
        add(Offence, offence_id="CR-MATRIX-1", nominal=person, offence_date=date(2016, 1, 2),
            category="burglary_residential")
        add(RiskAssessment, nominal=person, assessed_on=date(2016, 1, 3), tier="amber", rationale="Stable")
        add(NeedScore, nominal=person, assessed_on=date(2016, 1, 4), pathway="accommodation", score=5)
        custody = add(CustodyPeriod, nominal=person, start_date=date(2016, 2, 1), end_date=date(2016, 2, 20),
                      custody_type="remand")
        supervision = add(Supervision, nominal=person, provider="nps", order_type="licence",
                          start_date=date(2016, 2, 20))
        referral = add(Referral, referral_id="R-MATRIX-1", nominal=person, referred_on=today - timedelta(days=3),
                       referring_agency="police", area="NW")
        meeting = add(Meeting, meeting_id="M-MATRIX-1", held_on=today + timedelta(days=7),
                      meeting_type="case_management", area="NW")
        add(Attendance, meeting=meeting, agency="police", invited=True, attended=None)
        action = add(CaseAction, nominal=person, meeting=meeting, description="Find a hostel place",
                     owner_agency="police", due_on=today + timedelta(days=14))
        treatment = add(TreatmentEpisode, episode_id="T-MATRIX-1", nominal=person, substance="opiates",
                        start_date=date(2016, 3, 1))
        add(CaseNote, nominal=person, author=author, agency=author.agency, visibility=NoteVisibility.SHARED,
            text=NOTE)
        indicator = add(Indicator, indicator_id="IOM1", title="Reduce reoffending", unit="percent",
                        direction="down", baseline=46.0)
        add(Target, indicator=indicator, period="2015", kind="value", value=40.0)
        add(RagOverride, override_id="RAG-1", indicator=indicator, period="2015", rag="green",
            reason="Validated figure", decided_on=date(2016, 4, 20), decided_by="own-manager")
        milestone = add(PlanAction, action_id="A01", outcome="Reduce reoffending", action="Report quarterly",
                        milestone="First report", due="2015-Q2", lead="Police", status="amber")
        notification = add(Notification, recipient=users[("own", Role.MANAGER)], kind="offence",
                           key="offence:CR-MATRIX-1", nominal=person,
                           text=f"Offence recorded for {GIVEN} {NAME}", link="/people/N0001/",
                           created_at=timezone.now())
        importer = users[("own", Role.ANALYST)]
        upload = add(Upload, agency=agencies["own"], uploaded_by=importer, uploaded_at=timezone.now(),
                     folder="0" * 32, kind=Upload.Kind.FILES, files=[{"name": "extract.csv", "bytes": 1,
                                                                      "sha256": "0" * 64}])
    job = ImportJob.objects.create(upload=upload, agency=agencies["own"], requested_by=importer,
                                   requested_at=timezone.now())
    return World(users, person, referral, meeting, action, custody, supervision, treatment, flag, indicator,
                 milestone, notification, upload, job)


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    """Built once per module (per xdist worker) in a transaction that is rolled back at the end;
    each test runs in a savepoint inside it, so what one test does is undone before the next."""
    with django_db_blocker.unblock(), transaction.atomic():
        built = build_world()
        built.sessions = sessions_of(built.users)
        yield built
        transaction.set_rollback(True)


def sessions_of(users: dict[tuple[str, str], User]) -> dict[tuple[str, str], str]:
    """A signed-in session for each user, made once with the world (a sign-in writes a session,
    the user's last login and rotates the CSRF token: about 11 ms a case on PostgreSQL). Each case
    presents its user's session cookie; what a request does to the session is undone with the rest."""
    sessions = {}
    for who, user in users.items():
        client = Client()
        client.force_login(user)
        sessions[who] = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    return sessions


# Each URL argument, filled from the world; ``(route, argument)`` where the name alone is ambiguous.
KWARGS: dict[str | tuple[str, str], Callable[[World], Any]] = {
    "nominal_id": lambda w: w.nominal.nominal_id,
    "referral_id": lambda w: w.referral.referral_id,
    "meeting_id": lambda w: w.meeting.meeting_id,
    "action_id": lambda w: w.action.pk,
    "episode_id": lambda w: w.treatment.episode_id,
    "kind": lambda w: "json",
    "flag_id": lambda w: w.flag.pk,
    "indicator_id": lambda w: w.indicator.indicator_id,
    "notification_id": lambda w: w.notification.pk,
    ("performance:edit_action", "action_id"): lambda w: w.milestone.action_id,
    ("performance:action_status", "action_id"): lambda w: w.milestone.action_id,
    ("custody:edit_custody", "pk"): lambda w: w.custody.pk,
    ("custody:edit_supervision", "pk"): lambda w: w.supervision.pk,
    "upload_id": lambda w: w.upload.pk,
    "job_id": lambda w: w.job.pk,
}


def filler(route: Route, kwarg: str) -> Callable[[World], Any] | None:
    return KWARGS.get((route.name, kwarg)) or KWARGS.get(kwarg)


def url_of(route: Route, world: World) -> str:
    values = {}
    for kwarg in route.kwargs:
        fill = filler(route, kwarg)
        if fill is None:
            pytest.fail(f"route {route.name} ({route.pattern}) has the URL argument {kwarg!r}, which the access "
                        "matrix cannot fill: add it to KWARGS (and the object to the world)")
        values[kwarg] = fill(world)
    return reverse(route.name, kwargs=values)


# --- what changed ----------------------------------------------------------------------------

UNCOMPARED = {"sessions.session", "audit.auditevent"}  # the session is touched by every request


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (the audit log apart: its new rows are checked one by one).

    On PostgreSQL the tables are read in one round trip (the statements sent together, each
    result read in turn): the matrix takes about 4,000 snapshots of some 60 tables."""
    quote = connection.ops.quote_name
    labels: list[str] = []
    statements: list[str] = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.label_lower in UNCOMPARED or not model._meta.managed:
            continue
        key = model._meta.pk.column
        assert key is not None
        labels.append(model._meta.label_lower)
        statements.append(f"SELECT * FROM {quote(model._meta.db_table)} ORDER BY {quote(key)}")
    tables = {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(";\n".join(statements))
            for label in labels:
                tables[label] = cursor.fetchall()
                cursor.nextset()
        else:
            for label, statement in zip(labels, statements, strict=True):
                cursor.execute(statement)
                tables[label] = cursor.fetchall()
    return tables


def changed_tables(before: dict[str, list[tuple[Any, ...]]], after: dict[str, list[tuple[Any, ...]]]) -> list[str]:
    return [label for label in before if before[label] != after[label]]


# --- the matrix ------------------------------------------------------------------------------


def case_id(who: tuple[str, str], method: str, route: Route) -> str:
    agency, role = who
    return f"{agency}-{role}-{method}-{route.name}" if role else f"{agency}-{method}-{route.name}"


def cases() -> Iterator[Any]:
    for route in ROUTES:
        for who in WHO:
            for method in METHODS:
                yield pytest.param(who, method, route, id=case_id(who, method, route))


def found_markers(body: str) -> list[str]:
    return [marker for marker in MARKERS if marker in body]


def security_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "iomhub.security" and r.levelno >= logging.WARNING]


@pytest.mark.parametrize(("who", "method", "route"), list(cases()))
def test_access(who: tuple[str, str], method: str, route: Route, world: World, db: Any,
                caplog: pytest.LogCaptureFixture) -> None:
    rule = POLICY.get(route.name)
    if rule is None:
        pytest.fail(f"route {route.name} ({route.pattern}) is not in the access policy: add it to POLICY")
    agency, role = who
    client = Client()
    if who != ANONYMOUS:
        client.cookies[django_settings.SESSION_COOKIE_NAME] = world.sessions[who]
    url = url_of(route, world)
    # Every row of every table is compared where a change is forbidden: an anonymous or refused request.
    compared = rule.redirect_to is None and (who == ANONYMOUS or not rule.allowed(agency, role))
    before = snapshot() if compared else {}
    last_audit = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    caplog.set_level(logging.WARNING, logger="iomhub.security")

    response = client.generic(method, url)

    body = response.content.decode(errors="replace")
    new_audit = list(AuditEvent.objects.filter(id__gt=last_audit).values_list("operation", flat=True))
    changed = changed_tables(before, snapshot()) if compared else []
    where = f"{method} {url} as {case_id(who, method, route)}"

    if rule.redirect_to is not None:  # a plain redirect, for everyone
        assert (response.status_code, response.get("Location")) == (302, rule.redirect_to(agency, role)), where
        assert not found_markers(body), where
        return

    if who == ANONYMOUS:
        assert response.status_code == 302, where
        assert response["Location"].startswith(reverse(django_settings.LOGIN_URL) + "?next="), where
        assert not found_markers(body), f"LEAK: {where} shows {found_markers(body)}"
        assert not changed, f"{where} changed {changed}"
        assert not new_audit, where
        return

    if not rule.allowed(agency, role):
        assert response.status_code == 404, f"LEAK: {where} answered {response.status_code}, not 404"
        assert not found_markers(body), f"LEAK: {where} shows {found_markers(body)}"
        assert not changed, f"LEAK: {where} by a refused user changed {changed}"
        assert new_audit == [Operation.REFUSAL], f"{where}: audit rows {new_audit}, not one refusal"
        assert security_lines(caplog), f"{where}: the refusal was not logged on iomhub.security"
        return

    if method in rule.methods:
        assert response.status_code in (200, 302, 400), f"{where} answered {response.status_code}"
        if response.status_code == 302:
            assert not response["Location"].startswith(reverse(django_settings.LOGIN_URL)), where
    else:
        assert response.status_code == 405, f"{where} answered {response.status_code}, not 405"
    if not case_worker(agency, role) and route.name not in NAMES_PEOPLE_TO_ADMINISTRATORS:
        assert not found_markers(body), f"LEAK: {where} shows {found_markers(body)} to a user who sees no one"


def test_the_policy_covers_every_route_and_no_more() -> None:
    names = {route.name for route in ROUTES}
    assert names - POLICY.keys() == set(), "routes with no access policy"
    assert POLICY.keys() - names == set(), "policy for routes that no longer exist"
    unfilled = [(route.name, kwarg) for route in ROUTES for kwarg in route.kwargs if filler(route, kwarg) is None]
    assert unfilled == [], "URL arguments the matrix cannot fill"


def test_the_matrix_is_three_agencies_by_four_roles_a_health_practitioner_and_anonymous() -> None:
    assert len(WHO) == 14 and len(ROUTES) >= 30
    assert {"people:detail", "referrals:decide", "meetings:detail", "treatment:edit", "meetings:action_done",
            "performance:dashboard", "audit:search", "cohort:list"} <= {route.name for route in ROUTES}


def test_the_comparison_sees_a_changed_row(world: World, db: Any) -> None:
    """The "nothing changed" check can fail: changing one field of one row is seen."""
    before = snapshot()
    with audited(SYSTEM) as audit:
        world.action.status = CaseAction.Status.DONE
        world.action.save()
        audit.record(Operation.ALTERATION, world.action)
    assert sorted(changed_tables(before, snapshot())) == ["audit.dataversion", "meetings.caseaction"]
