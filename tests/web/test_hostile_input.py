"""No 500 from any input, by construction: every route of the application (the admin site
included), every parameter it reads and every field of every form it shows, sent hostile values.

Generated, like the access matrix, from the URL resolver: for each route, a user allowed to use
it (``POLICY`` of the access matrix; an administrator for the admin site; nobody for the sign-in
pages) opens it, and the test then sends

- each **URL argument** replaced by each hostile value that can stand in a path;
- each **query parameter** the page's forms (method GET) name or its view's module reads
  (``request.GET.get("...")``), one at a time with each of the sharpest values (huge, NUL, an
  integer overflow, a date in year 9999) and all at once with each of the others;
- each **form** the page shows (method POST, to its own action, so forms embedded in other pages
  are reached too): each field alone (the
  others left as the page filled them, or a plausible value, so that the value reaches the service
  behind the form) with the sharpest values, and every field at once with the others.

Each request runs in a savepoint that is rolled back (one shared world per test process, as in
the access matrix), and any answer of 500, or exception, is collected; a route's test fails
listing them all. The values are few and chosen to break things: out of range, malformed, huge,
NUL, Unicode controls and format directives.
"""

from __future__ import annotations

import copy
import html.parser
import inspect
import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RegexPattern

from iomhub.web.accounts.constants import Role
from tests.web.test_access_matrix import HEALTH, KWARGS, POLICY, World, build_world

pytestmark = pytest.mark.hostile

HUGE = "x" * 100_001
# The SHARP values are tried field by field (the others left as the page filled them, so that the
# value reaches the service behind a valid form), the others in every field at once.
VALUES: dict[str, str] = {
    "negative": "-1",
    "float-max": "1e308",
    "overflow": "99999999999999999999999",
    "nul": "a\x00b",
    "huge": HUGE,
    "format": "%o %s %(x)s {0} {x!r}",
    "far-date": "31/12/9999",
    "far-iso-date": "9999-12-31",
    "zero-date": "0000-00-00",
    "controls": "\u202e\u200b\ufeff\u0085\u2028\x1b[31m",
}
SHARP = ("overflow", "nul", "huge", "far-date")
ALL_AT_ONCE = {label: value for label, value in VALUES.items() if label not in SHARP}
# In a path: what the URL converters can carry (a str argument takes anything but "/").
PATH_VALUES = {"overflow": "99999999999999999999999", "nul": "%00", "not-utf-8": "%FF%FE", "huge": "x" * 5000}

# --- the routes --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str
    pattern: str
    kwargs: tuple[str, ...]
    regex: bool


def walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for entry in patterns:
        text = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else (
                entry.namespace or namespace)
            yield from walk(entry.url_patterns, text, inner)
        elif isinstance(entry, URLPattern):
            name = (f"{namespace}:{entry.name}" if namespace else entry.name) if entry.name else f"(unnamed) {text}"
            yield Route(name, text, tuple(entry.pattern.regex.groupindex), isinstance(entry.pattern, RegexPattern))


ROUTES = [route for route in walk(get_resolver().url_patterns) if not route.pattern.startswith("static/")]
SIGN_IN = {"accounts:login", "accounts:verify", "accounts:enrol", "accounts:enrol_link", "accounts:logout"}

# URL arguments of the admin site and the sign-in pages (the others are the access matrix's).
EXTRA_KWARGS: dict[str, Callable[[World], Any]] = {
    "object_id": lambda w: w.users[("own", str(Role.PRACTITIONER))].pk,
    "id": lambda w: w.users[("own", str(Role.PRACTITIONER))].pk,
    "content_type_id": lambda w: 1,
    "app_label": lambda w: "accounts",
    "url": lambda w: "nowhere/",
    "token": lambda w: "no-such-link",
}


def fill(route: Route, kwarg: str, world: World) -> str:
    filler = KWARGS.get((route.name, kwarg)) or KWARGS.get(kwarg) or EXTRA_KWARGS.get(kwarg)
    if filler is None:
        pytest.fail(f"{route.name} ({route.pattern}) has the URL argument {kwarg!r} that this test cannot fill")
    return str(filler(world))


def url_of(route: Route, values: dict[str, str]) -> str:
    """The route's URL with ``values`` (already safe for a path) for its arguments."""
    if route.regex:
        text = route.pattern.replace("^", "").replace("$", "")
        for name, value in values.items():
            text = re.sub(rf"\(\?P<{name}>[^)]*\)", value, text)
        return "/" + text
    text = route.pattern
    for name, value in values.items():
        text = re.sub(rf"<(?:\w+:)?{name}>", value, text)
    return "/" + text


def who_for(route: Route) -> tuple[str, str] | None:
    """An allowed user of the route (None: an anonymous visitor)."""
    if route.name in SIGN_IN:
        return None
    if route.pattern.startswith("admin/"):
        return ("own", str(Role.ADMINISTRATOR))
    rule = POLICY.get(route.name)
    if rule is None:  # the redirect of the start page, and any route the matrix has not met yet
        return ("own", str(Role.MANAGER))
    for candidate in (("own", str(Role.MANAGER)), HEALTH, ("own", str(Role.ADMINISTRATOR))):
        if rule.allowed(*candidate):
            return candidate
    pytest.fail(f"no one may use {route.name}")


# --- what a page asks for -----------------------------------------------------------------------


@dataclass
class Form:
    method: str
    action: str
    fields: dict[str, str] = field(default_factory=dict)  # name -> the value the page would send
    choices: set[str] = field(default_factory=set)  # checkboxes, radios, selects: tried all at once only

    def key(self) -> tuple[str, str, tuple[str, ...]]:
        return (self.method, urlsplit(self.action).path, tuple(sorted(self.fields)))


class FormParser(html.parser.HTMLParser):
    """The forms of a page: their method, action, and each named control with its value."""

    def __init__(self, page_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_url, self.forms, self.current = page_url, [], None
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.current = Form(a.get("method", "get").lower(), a.get("action") or self.page_url)
            self.forms.append(self.current)
        elif self.current is None or not a.get("name"):
            return
        elif tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a or a["name"] not in self.current.fields:
                    self.current.fields[a["name"]] = a.get("value", "on")
                self.current.choices.add(a["name"])
            elif kind not in ("submit", "button", "image", "file"):
                self.current.fields[a["name"]] = a.get("value", "")
        elif tag == "button" and a.get("value"):
            self.current.fields.setdefault(a["name"], a["value"])
        elif tag == "select":
            self.select = a["name"]
            self.current.fields.setdefault(a["name"], "")
            self.current.choices.add(a["name"])
        elif tag == "option" and self.select and self.current is not None:
            if "selected" in a or not self.current.fields.get(self.select):
                self.current.fields[self.select] = a.get("value", "")
        elif tag == "textarea":
            self.textarea = a["name"]
            self.current.fields[a["name"]] = ""

    def handle_data(self, data: str) -> None:
        if self.textarea and self.current is not None:
            self.current.fields[self.textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None


PLAUSIBLE = [(re.compile(r"date|_on$|^on$|^from$|^to$|^end$|born"), "01/04/2016"), (re.compile(r"nominal_id"), "N0001"),
             (re.compile(r"period"), "2015-Q1"), (re.compile(r"^due$"), "2016-Q2"),
             (re.compile(r"value|score|actual|low|high|baseline|target|days|top|sanctions"), "1")]


def plausible(name: str, value: str) -> str:
    """The value a page gave a field, or one a person might type when it gave none."""
    if value or name == "csrfmiddlewaretoken":
        return value
    return next((text for pattern, text in PLAUSIBLE if pattern.search(name)), "Some words")


GET_READ = re.compile(r"""(?:GET\.get\(\s*|GET\[\s*|data\.get\(\s*|in request\.GET)["'](\w+)["']""")


def view_reads(url: str) -> set[str]:
    """The query parameters the module of the view behind ``url`` reads by name."""
    try:
        view = resolve(urlsplit(url).path).func
    except Exception:  # a hostile path that resolves nowhere: nothing more to read
        return set()
    view = inspect.unwrap(getattr(view, "view_class", view))
    module = inspect.getmodule(view)
    try:
        source = inspect.getsource(module) if module else ""
    except (OSError, TypeError):
        return set()
    return set(GET_READ.findall(source)) | set(re.findall(r"""in request\.GET\b.*?["'](\w+)["']""", source))


# --- sending -----------------------------------------------------------------------------------


@dataclass
class Attempts:
    sent: int = 0
    failures: list[str] = field(default_factory=list)

    def send(self, client: Client, method: str, url: str, data: dict[str, str] | None, what: str) -> Any:
        """One request in a savepoint rolled back afterwards; a 500 or an exception is a failure."""
        self.sent += 1
        response = None
        cookies = copy.deepcopy(client.cookies)  # the database is rolled back: so is the client's session
        try:
            with transaction.atomic():
                if method == "get":
                    query = urlencode(data or {})
                    response = client.get(url + (("&" if "?" in url else "?") + query if query else ""))
                else:
                    response = client.post(url, data or {})
                transaction.set_rollback(True)
        except Exception as error:  # the test client re-raises the view's exception
            self.failures.append(f"{what}: {type(error).__name__}: {str(error)[:200]}")
            return None
        finally:
            client.cookies = cookies
        if response.status_code >= 500:
            self.failures.append(f"{what}: answered {response.status_code}")
        return response


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    with django_db_blocker.unblock(), transaction.atomic():
        built = build_world()
        yield built
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _fast_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def client_of(world: World, who: tuple[str, str] | None) -> Client:
    client = Client(raise_request_exception=True)
    if who is not None:
        client.force_login(world.users[who])
    return client


@pytest.mark.parametrize("route", ROUTES, ids=[route.name for route in ROUTES])
def test_no_input_gives_a_server_error(route: Route, world: World, db: Any) -> None:  # noqa: C901
    who = who_for(route)
    client = client_of(world, who)
    attempts = Attempts()
    normal = {kwarg: fill(route, kwarg, world) for kwarg in route.kwargs}
    url = url_of(route, normal)

    # URL arguments
    for kwarg in route.kwargs:
        for label, value in PATH_VALUES.items():
            attempts.send(client, "get", url_of(route, {**normal, kwarg: value}), None, f"GET {kwarg}={label}")
        for label in ("nul",):  # a POST finds its record the same way
            attempts.send(client, "post", url_of(route, {**normal, kwarg: PATH_VALUES[label]}), {},
                          f"POST {kwarg}={label}")

    # the page, its forms, and the query parameters its view reads
    page = attempts.send(client, "get", url, None, "GET the page")
    forms: list[Form] = []
    if page is not None and page.status_code == 200 and "html" in page.get("Content-Type", ""):
        parser = FormParser(url)
        parser.feed(page.content.decode(errors="replace"))
        forms = parser.forms
    params = view_reads(url) | {name for form in forms if form.method == "get" for name in form.fields}
    for label, value in ALL_AT_ONCE.items():
        if params:
            attempts.send(client, "get", url, dict.fromkeys(params, value), f"GET every parameter={label}")
    for name in sorted(params):
        for label in SHARP:
            attempts.send(client, "get", url, {name: VALUES[label]}, f"GET {name}={label}")

    seen: set[tuple[str, str, tuple[str, ...]]] = set()
    for form in forms:
        if form.method != "post" or form.key() in seen or (urlsplit(form.action).path == "/accounts/logout/"
                                                          and route.name != "accounts:logout"):
            continue  # (signing out, on every page, is tried on its own route)
        seen.add(form.key())
        action = form.action if form.action.startswith("/") else url
        base = {name: plausible(name, value) for name, value in form.fields.items()}
        hostile = [name for name in base if name != "csrfmiddlewaretoken"]
        for label, value in ALL_AT_ONCE.items() if hostile else ():
            attempts.send(client, "post", action, {**base, **dict.fromkeys(hostile, value)},
                          f"POST {action} every field={label}")
        for name in hostile:
            # a choice refuses any value it does not list the same way: its hostile values go all at once
            for label in SHARP if name not in form.choices else ():
                attempts.send(client, "post", action, {**base, name: VALUES[label]}, f"POST {action} {name}={label}")
    if not route.kwargs and not params and not forms:  # a route that reads nothing: tried with noise
        attempts.send(client, "post", url, {"anything": HUGE}, "POST noise")

    if os.environ.get("IOMHUB_HOSTILE_REPORT"):  # what was covered, one JSON line per route
        with open(os.environ["IOMHUB_HOSTILE_REPORT"], "a", encoding="utf-8") as report:
            report.write(json.dumps({"route": route.name, "requests": attempts.sent,
                                     "url_arguments": list(route.kwargs),
                                     "query_parameters": sorted(params),
                                     "form_fields": sorted({f"{urlsplit(form.action).path} {name}"
                                                            for form in forms if form.method == "post"
                                                            for name in form.fields})}) + "\n")
    assert attempts.failures == [], (f"{route.name} as {who}: {len(attempts.failures)} of {attempts.sent} "
                                     "requests failed:\n" + "\n".join(attempts.failures[:40]))


def test_every_route_is_tried() -> None:
    names = {route.name for route in ROUTES}
    assert set(POLICY) <= names and names >= SIGN_IN
    assert any(route.pattern.startswith("admin/") for route in ROUTES)
    assert len(ROUTES) >= 80
