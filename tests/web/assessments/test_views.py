"""Needs assessments: the form and the progress page, for every kind of user."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client

from iomhub.domain.codes import PATHWAYS
from iomhub.web.accounts.models import User
from iomhub.web.assessments import views
from iomhub.web.assessments.models import NeedScore
from iomhub.web.assessments.services import DuplicateAssessment, record_assessment
from iomhub.web.audit.context import Actor
from iomhub.web.audit.models import AuditEvent
from iomhub.web.people.models import Nominal
from tests.web.assessments.roles import ALLOWED, EVERYONE, REFUSED, refusals

TODAY = date(2016, 6, 15)
Login = Callable[..., tuple[User, Client]]
FULL = {"accommodation": 3, "ete": 5, "health": 9, "drugs_alcohol": 7, "finance": 2,
        "children_families": 0, "attitudes": 4}


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(views, "today", lambda: TODAY)


def post_data(assessed_on: str = "01/06/2016", **scores: Any) -> dict[str, str]:
    values = {**FULL, **scores}
    return {"assessed_on": assessed_on, **{f"score_{p}": str(values[p]) for p in PATHWAYS}}


def seed(nominal: Nominal, system: Actor, day: date, scores: dict[str, int | None]) -> None:
    record_assessment(system, nominal, day, scores)


@pytest.mark.parametrize("who", EVERYONE, ids=EVERYONE)
@pytest.mark.parametrize("url", ["/assessments/N0001/", "/assessments/N0001/new/"], ids=["progress", "form"])
def test_pages_open_to_the_partnership_only(who: str, url: str, login: Login, nominal: Nominal,
                                            caplog: pytest.LogCaptureFixture) -> None:
    user, client = login(who)
    response = client.get(url)
    consultations = AuditEvent.objects.filter(user=user, operation="consultation", nominal_id="N0001")
    if who in ALLOWED:
        assert response.status_code == 200
        assert b"Jack Smith (N0001)" in response.content
        assert consultations.count() == 1
        assert response["Cache-Control"] == "no-store"
    else:
        assert response.status_code == 404
        assert b"Smith" not in response.content
        assert not consultations.exists()
        assert any(url in message for message in refusals(caplog))
        refusal = AuditEvent.objects.get(user=user, operation="refusal")
        assert refusal.detail["path"] == response.request["PATH_INFO"]


@pytest.mark.parametrize("url", ["/assessments/N0001/", "/assessments/N0001/new/"], ids=["progress", "form"])
def test_anonymous_users_are_sent_to_sign_in(url: str, nominal: Nominal, client_for: Callable[..., Client]) -> None:
    response = client_for(None).get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_an_unknown_person_is_not_found(login: Login, nominal: Nominal) -> None:
    _, client = login("own")
    assert client.get("/assessments/N9999/").status_code == 404
    assert client.post("/assessments/N9999/new/", post_data()).status_code == 404


@pytest.mark.parametrize("who", EVERYONE, ids=EVERYONE)
def test_saving_an_assessment_writes_seven_rows_and_their_audit(who: str, login: Login, nominal: Nominal) -> None:
    user, client = login(who, sees_health=True)
    response = client.post("/assessments/N0001/new/", post_data(ete=""))
    rows = NeedScore.objects.filter(nominal=nominal)
    if who in REFUSED:
        assert response.status_code == 404
        assert not rows.exists()
        return
    assert response.status_code == 302 and response["Location"] == "/assessments/N0001/"
    assert {r.pathway: r.score for r in rows} == {**FULL, "ete": None}
    assert {r.assessed_on for r in rows} == {date(2016, 6, 1)}
    events = AuditEvent.objects.filter(user=user, operation="collection", object_type="assessments.needscore")
    assert sorted(e.detail["pathway"] for e in events) == sorted(PATHWAYS)
    assert {e.nominal_id for e in events} == {"N0001"}
    assert all("score" not in e.detail for e in events)  # the audit log never holds the scores
    assert "saved" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("typed", ["01/06/2016", "1/6/2016", "2016-06-01"], ids=["uk", "uk-short", "iso"])
def test_uk_and_iso_dates_are_accepted(typed: str, login: Login, nominal: Nominal) -> None:
    _, client = login("own")
    assert client.post("/assessments/N0001/new/", post_data(typed)).status_code == 302
    assert set(NeedScore.objects.values_list("assessed_on", flat=True)) == {date(2016, 6, 1)}


@pytest.mark.parametrize(("data", "message"), [
    (post_data(accommodation=11), "Accommodation: the score cannot be more than 10"),
    (post_data(finance=-1), "Finance, benefit and debt: the score cannot be less than 0"),
    (post_data(attitudes="high"), "Attitudes, thinking and behaviour: enter a whole number from 0 to 10"),
    (post_data(ete="2.5"), "Education, training &amp; employment: enter a whole number from 0 to 10"),
    (post_data(""), "Enter the date of the assessment"),
    (post_data("31/02/2016"), "The date of the assessment must be a real date"),
    (post_data("06/01/16"), "Enter the date of the assessment as DD/MM/YYYY"),
    (post_data("16/06/2016"), "The date of the assessment must be today or in the past"),
    (post_data(**dict.fromkeys(PATHWAYS, "")), "Enter a score for at least one pathway"),
], ids=["above-10", "below-0", "words", "decimal", "no-date", "not-a-real-date", "two-digit-year", "future",
        "nothing-scored"])
def test_invalid_assessments_are_refused_in_plain_english(data: dict[str, str], message: str, login: Login,
                                                          nominal: Nominal) -> None:
    _, client = login("own", sees_health=True)
    response = client.post("/assessments/N0001/new/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert b"There is a problem" in response.content
    assert not NeedScore.objects.exists()


def test_a_second_assessment_on_the_same_date_is_refused(login: Login, nominal: Nominal, system: Actor) -> None:
    seed(nominal, system, date(2016, 6, 1), {"accommodation": 1})
    _, client = login("partner")
    response = client.post("/assessments/N0001/new/", post_data("01/06/2016"))
    assert response.status_code == 200
    assert ("An assessment dated 01/06/2016 is already recorded for N0001: only one assessment can be "
            "recorded on a date") in response.content.decode()
    assert NeedScore.objects.get(pathway="accommodation").score == 1
    assert NeedScore.objects.count() == 7


def test_the_service_refuses_a_duplicate_too(nominal: Nominal, system: Actor) -> None:
    seed(nominal, system, date(2016, 6, 1), {"accommodation": 1})
    before = AuditEvent.objects.count()
    with pytest.raises(DuplicateAssessment, match="already recorded"):
        record_assessment(system, nominal, date(2016, 6, 1), {"accommodation": 2})
    assert AuditEvent.objects.count() == before


def test_the_service_refuses_an_unknown_pathway(nominal: Nominal, system: Actor) -> None:
    with pytest.raises(ValueError, match="unknown pathway"):
        record_assessment(system, nominal, date(2016, 6, 1), {"housing": 2})
    assert not NeedScore.objects.exists()


@pytest.mark.parametrize(("extra", "sees"), [({}, False), ({"sees_health": True}, True)],
                         ids=["not-granted-health", "granted-health"])
def test_the_health_score_is_shown_only_to_those_who_may_see_it(extra: dict[str, Any], sees: bool, login: Login,
                                                                nominal: Nominal, system: Actor) -> None:
    seed(nominal, system, date(2016, 1, 10), {**FULL, "health": 8})
    seed(nominal, system, date(2016, 4, 20), {**FULL, "health": 6, "accommodation": 1})
    _, client = login("own", **extra)
    response = client.get("/assessments/N0001/")
    page = response.content.decode()
    cells = {c.pathway: c for c in response.context["assessments"][0].cells}
    assert [a.assessed_on for a in response.context["assessments"]] == [date(2016, 4, 20), date(2016, 1, 10)]
    assert cells["accommodation"].score == 1
    assert (cells["health"].score, cells["health"].restricted) == ((6, False) if sees else (None, True))
    assert ("Health: 8 on 10/01/2016, 6 on 20/04/2016." in page) is sees
    assert ("restricted" in page) is not sees
    assert "Accommodation: 3 on 10/01/2016, 1 on 20/04/2016." in page  # the chart's text alternative
    assert "<svg" in page and "<polyline" in page and "<script" not in page


def test_a_health_agency_sees_the_health_score(login: Login, nominal: Nominal, system: Actor) -> None:
    seed(nominal, system, date(2016, 1, 10), {"health": 8})
    _, client = login("health")
    cells = {c.pathway: c for c in client.get("/assessments/N0001/").context["assessments"][0].cells}
    assert cells["health"].score == 8


@pytest.mark.parametrize(("extra", "offered"), [({}, False), ({"sees_health": True}, True)],
                         ids=["not-granted-health", "granted-health"])
def test_the_health_pathway_is_offered_only_to_those_who_may_see_it(extra: dict[str, Any], offered: bool,
                                                                    login: Login, nominal: Nominal) -> None:
    _, client = login("own", **extra)
    page = client.get("/assessments/N0001/new/").content.decode()
    assert ('name="score_health"' in page) is offered
    assert ('<label class="govuk-label" for="id_score_accommodation">Accommodation</label>' in page)
    client.post("/assessments/N0001/new/", post_data(health=9))
    assert NeedScore.objects.get(pathway="health").score == (9 if offered else None)


def test_a_person_with_no_assessment_has_an_empty_page(login: Login, nominal: Nominal) -> None:
    _, client = login("own")
    page = client.get("/assessments/N0001/").content.decode()
    assert "No needs assessment is recorded yet." in page


def test_an_unknown_person_is_refused_in_the_audit_log(login: Login, nominal: Nominal) -> None:
    user, client = login("own")
    client.get("/assessments/N9999/")
    refusal = AuditEvent.objects.get(user=user, operation="refusal")
    assert (refusal.object_type, refusal.object_id, refusal.nominal_id) == ("people.nominal", "N9999", "N9999")
    assert not AuditEvent.objects.filter(user=user, operation="consultation").exists()


def test_the_chart_has_no_inline_style_for_the_csp_to_refuse(login: Login, nominal: Nominal, system: Actor) -> None:
    seed(nominal, system, date(2016, 1, 10), {"accommodation": 4})
    _, client = login("own")
    page = client.get("/assessments/N0001/").content.decode()
    assert 'role="img"' in page and "style=" not in page


def test_each_error_is_tied_to_its_input(login: Login, nominal: Nominal) -> None:
    _, client = login("own")
    page = client.post("/assessments/N0001/new/", post_data(ete=12)).content.decode()
    assert 'aria-describedby="id_score_ete_helptext id_score_ete_error"' in page
    assert 'id="id_score_ete_error"' in page
    assert '<a href="#id_score_ete">' in page  # the error summary links to the input


def test_two_saves_at_once_still_give_one_assessment(nominal: Nominal, system: Actor,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """When the check before saving misses a concurrent save, the unique constraint refuses it."""
    from iomhub.web.audit.models import AuditedQuerySet

    seed(nominal, system, date(2016, 6, 1), {"accommodation": 1})
    before = AuditEvent.objects.count()
    monkeypatch.setattr(AuditedQuerySet, "exists", lambda self: False)
    with pytest.raises(DuplicateAssessment):
        record_assessment(system, nominal, date(2016, 6, 1), {"accommodation": 2})
    assert NeedScore.objects.get(pathway="accommodation").score == 1
    assert AuditEvent.objects.count() == before
