"""Web fixtures: three agencies (own, partner, unrelated), users of every role, a person.

Every web test runs against the database of ``DATABASE_URL`` (SQLite when unset; CI runs the
suite again on PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client

from iomhub.web.accounts.constants import AgencyCode, Role
from iomhub.web.accounts.models import Agency, User
from iomhub.web.audit.constants import Operation
from iomhub.web.audit.context import Actor, audited
from iomhub.web.cohort.models import CohortEpisode
from iomhub.web.people.models import Nominal

PASSWORD = "correct horse battery staple"
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fast_password_hashing(request: pytest.FixtureRequest, settings: Any) -> None:
    """Argon2 costs 0.4 to 1.1 s a hash on this machine, on purpose; a test that is not about
    passwords hashes them with MD5 instead (hashes made with Argon2 still check). Tests about
    the production hashing are marked ``argon2`` and keep it."""
    if request.node.get_closest_marker("argon2") is None:
        settings.PASSWORD_HASHERS = [*FAST_HASHERS, *settings.PASSWORD_HASHERS]


@pytest.fixture(autouse=True, scope="session")
def _static_files_listed_once() -> Iterator[None]:
    """WhiteNoise's table of static files made once per set of settings, as a server makes it once.

    A server builds its middleware once per process; the test client builds it for every
    client, and WhiteNoise's table (each of the ~160 static files found, stat'ed, typed and given
    its headers) cost 0.08 s of CPU each time: about 40% of a simple page test. The table is still
    WhiteNoise's own, made by its code from the same files and settings; later clients get it."""
    from whitenoise.middleware import WhiteNoiseMiddleware

    made: dict[tuple[Any, ...], dict[str, Any]] = {}
    original = WhiteNoiseMiddleware.add_files_from_finders

    def add_files_from_finders(self: WhiteNoiseMiddleware) -> None:
        key = (self.static_prefix, self.max_age, self.allow_all_origins, self.charset, self.index_file,
               self.add_headers_function, repr(django_settings.STATICFILES_DIRS),
               tuple(django_settings.INSTALLED_APPS), tuple(django_settings.STATICFILES_FINDERS),
               repr(django_settings.STORAGES), getattr(django_settings, "WHITENOISE_IMMUTABLE_FILE_TEST", None))
        if key not in made:
            others, self.files = self.files, {}
            original(self)
            made[key], self.files = self.files, others
        self.files.update(made[key])

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(WhiteNoiseMiddleware, "add_files_from_finders", add_files_from_finders)
        yield


@pytest.fixture(autouse=True)
def _fresh_report_cache() -> Any:
    """Each test starts with no cached dashboard report (ids repeat between rolled-back tests)."""
    from iomhub.web.performance import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _audit_triggers(request: pytest.FixtureRequest) -> Any:
    """Keep the audit log's triggers in place for every test; let a transactional test's
    database be emptied afterwards (Django flushes it, which the triggers would refuse)."""
    names = set(request.fixturenames)
    marker = request.node.get_closest_marker("django_db")
    transactional = bool({"transactional_db", "live_server"} & names) or bool(
        marker and marker.kwargs.get("transaction"))
    if not (transactional or {"db", "django_db_setup"} & names or marker):
        yield
        return
    from django.db import connection

    from iomhub.web.audit import triggers

    request.getfixturevalue("transactional_db" if transactional else "db")
    if not triggers.installed(connection):
        triggers.install(connection)
    yield
    if transactional:
        triggers.remove(connection)


@pytest.fixture
def agencies(db: Any) -> dict[str, Agency]:
    """``own`` (police), ``partner`` (probation), ``unrelated`` (not in the partnership), ``health``."""
    return {
        "own": Agency.objects.create(code="police", name="Police", kind=AgencyCode.POLICE),
        "partner": Agency.objects.create(code="nps", name="Probation", kind=AgencyCode.NPS),
        "unrelated": Agency.objects.create(code="housing", name="Riverside Housing",
                                           kind=AgencyCode.OTHER, partner=False),
        "health": Agency.objects.create(code="health", name="Health", kind=AgencyCode.HEALTH, health=True),
    }


@pytest.fixture
def make_user(agencies: dict[str, Agency]) -> Callable[..., User]:
    def make(agency: str = "own", role: str = Role.PRACTITIONER, username: str | None = None,
             **extra: Any) -> User:
        name = username or f"{agency}-{role}"
        return User.objects.create_user(username=name, password=PASSWORD, agency=agencies[agency],
                                        role=role, first_name=name.title(), **extra)
    return make


@pytest.fixture
def users(make_user: Callable[..., User]) -> dict[str, User]:
    """Practitioners of the own, partner and unrelated agency."""
    return {key: make_user(key) for key in ("own", "partner", "unrelated")}


@pytest.fixture
def system() -> Actor:
    return Actor.system("test-fixture")


@pytest.fixture
def nominal(db: Any, system: Actor) -> Nominal:
    """A person on the priority scheme since 2015-04-01."""
    with audited(system) as audit:
        person = Nominal.objects.create(nominal_id="N0001", pnc_id="2009/0123456X", family_name="Smith",
                                        given_names="Jack", date_of_birth=date(1990, 5, 1), gender="male",
                                        area="NW")
        CohortEpisode.objects.create(nominal=person, scheme="priority", start_date=date(2015, 4, 1))
        audit.record(Operation.COLLECTION, person)
    return person


@pytest.fixture
def client_for() -> Callable[[User | None], Client]:
    """A test client signed in as ``user`` (anonymous for None)."""
    def make(user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client
    return make


def only_on(vendor: str) -> pytest.MarkDecorator:
    """A test of one database's own SQL or behaviour: collected in that database's run of the
    suite only (``make test`` runs tests/web on SQLite and on PostgreSQL), never skipped."""
    return pytest.mark.only_on(vendor)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    from django.db import connection

    kept, dropped = [], []
    for item in items:
        marker = item.get_closest_marker("only_on")
        (dropped if marker is not None and marker.args[0] != connection.vendor else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
