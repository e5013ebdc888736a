"""Finding a person (``people.search``): names in any order, partial, accents and one typo
forgiven, aliases, PNC ids with or without leading zeros, dates of birth as typed, IOM ids; only
the people the user may see; every person shown an audited consultation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from itertools import pairwise
from typing import Any

import pytest
from django.test import Client

from iomhub.web.people.models import Nominal
from iomhub.web.people.search import (
    likely_duplicates,
    normalise,
    pnc_key,
    read_date,
    variants_pattern,
    within_one_edit,
    word_score,
)
from tests.web.people.records import ACCESS, ACCESS_IDS, events_after, last_event_id, save, user_for

TODAY = date(2026, 12, 7)


@pytest.mark.parametrize(("a", "b", "close"), [
    ("daniel", "daniel", True), ("dnaiel", "daniel", True), ("danial", "daniel", True),
    ("danel", "daniel", True), ("danniel", "daniel", True), ("dnaeil", "daniel", False),
    ("davies", "davis", True), ("smith", "smyth", True), ("smith", "smithers", False), ("ab", "ba", True),
], ids=["same", "swap", "changed", "missing", "extra", "two-swaps", "dropped-e", "vowel", "longer", "short-swap"])
def test_within_one_edit(a: str, b: str, close: bool) -> None:
    assert within_one_edit(a, b) is close
    assert within_one_edit(b, a) is close


@pytest.mark.parametrize(("typed", "word", "score"), [
    ("smith", "smith", 3), ("smi", "smith", 2), ("j", "jack", 2), ("smiht", "smith", 1), ("smt", "smith", 0),
    ("jak", "jack", 0), ("jones", "smith", 0),
], ids=["exact", "prefix", "initial", "typo", "short-not-prefix", "short-typo-not-forgiven", "other"])
def test_word_score(typed: str, word: str, score: int) -> None:
    assert word_score(typed, word) == score


@pytest.mark.parametrize(("typed", "expected"), [
    ("Zoë O'Brien-Smith", "zoe obrien smith"), ("  ÉLODIE  ", "elodie"), ("Søren Łukasz", "soren lukasz"),
], ids=["accent-apostrophe-hyphen", "capitals", "undecomposed-letters"])
def test_normalise(typed: str, expected: str) -> None:
    assert normalise(typed) == expected


@pytest.mark.parametrize(("typed", "expected"), [
    ("29/11/1987", date(1987, 11, 29)), ("29-11-87", date(1987, 11, 29)), ("1987-11-29", date(1987, 11, 29)),
    ("1.2.05", date(2005, 2, 1)), ("31/02/1987", None), ("29/11", None),
], ids=["uk", "two-digit-year", "iso", "this-century", "not-a-date", "no-year"])
def test_read_date(typed: str, expected: date | None) -> None:
    assert read_date(typed, TODAY) == expected


def test_pnc_key_ignores_leading_zeros_and_century() -> None:
    assert pnc_key("2009/0123456X") == pnc_key("09/123456x") == pnc_key("2009/123456X") == (9, 123456, "X")
    assert pnc_key("2009/0123457X") != pnc_key("2009/0123456X")
    assert pnc_key("Smith") is None


def test_the_database_pattern_finds_every_variant_the_score_accepts() -> None:
    import re

    pattern = re.compile(variants_pattern("daniel"))
    for word in ("daniel", "dnaiel", "danial", "danel", "danniel", "xdanielx"):
        assert pattern.search(f"jack {word} smith"), word
    assert not pattern.search("david smith")


@pytest.fixture
def people(nominal: Nominal) -> dict[str, Nominal]:
    """Jack Smith (N0001, 01/05/1990, 2009/0123456X) and four more, one restricted."""
    others = {
        "daniel": Nominal(nominal_id="N0002", family_name="Davies", given_names="Daniel",
                          date_of_birth=date(1987, 11, 29), pnc_id="2005/0004321F", aliases="Danny Boy"),
        "zoe": Nominal(nominal_id="N0003", family_name="O'Brien", given_names="Zoë", date_of_birth=date(1995, 3, 2)),
        "twin": Nominal(nominal_id="N0004", family_name="Davis", given_names="David", date_of_birth=date(1987, 11, 29)),
        "hidden": Nominal(nominal_id="N0005", family_name="Davies", given_names="Daniel", restricted=True,
                          date_of_birth=date(1987, 11, 29)),
    }
    save(*others.values())
    return {"jack": nominal, **others}


SEARCHES = [
    ("daniel davies", ["N0002"]), ("Davies Daniel", ["N0002"]), ("Dnaiel Daveis", ["N0002"]),
    ("dan dav", ["N0002"]), ("da davi", ["N0002", "N0004"]), ("zoe obrien", ["N0003"]), ("ZOË O’BRIEN", ["N0003"]),
    ("danny", ["N0002"]), ("2009/123456X", ["N0001"]), ("09/0123456x", ["N0001"]),
    ("29/11/1987", ["N0002", "N0004"]), ("29-11-87 davies", ["N0002", "N0004"]), ("1987-11-29 dvid", ["N0004"]),
    ("n0003", ["N0003"]), ("N0005", []), ("Daniel Davies 01/01/1990", []), ("j", []), ("xyzzy", []),
]


@pytest.mark.parametrize(("typed", "found"), SEARCHES, ids=[typed for typed, _ in SEARCHES])
def test_search_finds(typed: str, found: list[str], people: dict[str, Nominal], users: Any,
                      client_for: Callable[..., Client]) -> None:
    response = client_for(users["own"]).get("/people/find/", {"q": typed})
    assert response.status_code == 200
    shown = [row[0].person.nominal_id for row in response.context["rows"]]
    assert sorted(shown) == sorted(found)
    if found:
        assert shown[0] == found[0]  # the closest first


@pytest.mark.parametrize(("agency", "role", "allowed"), ACCESS, ids=ACCESS_IDS)
def test_search_is_for_case_workers_and_audits_each_person_shown(
        agency: str, role: str, allowed: bool, make_user: Any, people: dict[str, Nominal],
        client_for: Callable[..., Client]) -> None:
    user = user_for(make_user, agency, role)
    before = last_event_id()
    response = client_for(user).get("/people/find/", {"q": "daniel davies"})
    if allowed:
        assert response.status_code == 200
        assert b"Daniel Davies" in response.content and b"N0005" not in response.content
        rows = events_after(before, operation="consultation")
        assert [(row.nominal_id, row.username, row.detail) for row in rows] == [
            ("N0002", user.username, {"viewed": "search results"})]
    else:
        assert response.status_code == 404
        assert b"Davies" not in response.content
        assert [row.operation for row in events_after(before)] == ["refusal"]


def test_header_search_box_only_for_case_workers(people: Any, make_user: Any,
                                                 client_for: Callable[..., Client]) -> None:
    from iomhub.web.accounts.constants import Role

    practitioner = client_for(user_for(make_user, "own", Role.PRACTITIONER)).get("/cohort/")
    analyst = client_for(user_for(make_user, "own", Role.ANALYST)).get("/performance/")
    assert b'id="header-search"' in practitioner.content
    assert b'id="header-search"' not in analyst.content


def test_search_results_lead_to_the_referral_form_when_asked(people: Any, users: Any,
                                                              client_for: Callable[..., Client]) -> None:
    response = client_for(users["own"]).get("/people/find/", {"q": "davies 29/11/1987", "for": "refer"})
    assert b'href="/referrals/new/?nominal_id=N0002"' in response.content


def test_likely_duplicates(people: dict[str, Nominal]) -> None:
    visible = Nominal.objects.filter(restricted=False)
    same_pnc = likely_duplicates(visible, pnc_id="09/123456X", given_names="John", family_name="Other",
                                 date_of_birth=None)
    assert [item.person.nominal_id for item in same_pnc] == ["N0001"]
    similar = likely_duplicates(visible, pnc_id="", given_names="Dan", family_name="Daveis",
                                date_of_birth=date(1987, 11, 29))
    assert [item.person.nominal_id for item in similar] == ["N0002", "N0004"]
    assert not likely_duplicates(visible, pnc_id="", given_names="Ann", family_name="Jones",
                                 date_of_birth=date(1987, 11, 29))
    assert not likely_duplicates(visible, pnc_id="", given_names="Daniel", family_name="Davies",
                                 date_of_birth=date(1987, 11, 30))


@pytest.mark.parametrize(("count", "shown"), [
    (1, [0]), (4, [0, 1, 2, 3]), (30, [0, 4, 8, 12, 16, 20, 24, 29]),
], ids=["one", "room-for-all", "every-fourth-and-the-last"])
def test_chart_dates_never_overprint(count: int, shown: list[int]) -> None:
    from iomhub.reports.charts import _spaced_labels

    labels = [f"{day:02d}/01/2016" for day in range(1, count + 1)]
    assert _spaced_labels(labels, 740.0) == shown
    width = 10 * 12 * 0.6 + 10
    gaps = [(b - a) * 740.0 / max(count - 1, 1) for a, b in pairwise(shown)]
    assert all(gap >= width for gap in gaps)


@pytest.mark.parametrize(("status", "late", "shown"), [
    ("green", True, "Overdue"), ("amber_green", True, "Overdue"), ("", True, "Overdue"),
    ("red", True, "Red"), ("complete", True, "Complete"), ("green", False, "Green"),
], ids=["green-late", "amber-green-late", "unset-late", "red-late", "complete-late", "green-on-time"])
def test_a_milestone_is_never_green_and_overdue(status: str, late: bool, shown: str) -> None:
    from iomhub.web.performance.plans import shown_status

    assert shown_status(status, late)[0] == shown
