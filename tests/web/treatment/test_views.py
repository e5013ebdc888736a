"""Treatment episodes: the list, adding and changing, validation, for every kind of user.

Treatment is health information: only case workers who see it (a health agency's staff, or a
user granted health) open these pages; to everyone else they are refused, and the person page
says "In treatment" at most."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client

from iomhub.web.accounts.models import User
from iomhub.web.audit.constants import Operation
from iomhub.web.audit.context import Actor, audited
from iomhub.web.audit.models import AuditEvent
from iomhub.web.people.models import Nominal
from iomhub.web.treatment import views
from iomhub.web.treatment.models import TreatmentEpisode
from iomhub.web.treatment.services import save_episode
from tests.web.assessments.roles import EVERYONE, refusals

TODAY = date(2016, 6, 15)
Login = Callable[..., tuple[User, Client]]
ALLOWED = ["health", "granted"]  # a health agency's practitioner; a police practitioner granted health
REFUSED = [who for who in EVERYONE if who not in ALLOWED]  # police and probation practitioners among them
WHO = [*ALLOWED, *REFUSED]
GOOD = {"substance": "opiate", "start_date": "01/02/2016", "end_date": "30/04/2016",
        "outcome": "successful_completion", "re_presented_on": ""}


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(views, "today", lambda: TODAY)


@pytest.fixture
def login(login: Login) -> Login:
    """As the case tests' ``login``, and ``granted``: a police practitioner granted health."""
    def sign_in(who: str, **extra: Any) -> tuple[User, Client]:
        if who == "granted":
            return login("own", sees_health=True, username="granted", **extra)
        return login(who, **extra)
    return sign_in


@pytest.fixture
def episode(nominal: Nominal, system: Actor) -> TreatmentEpisode:
    return save_episode(system, nominal, {"substance": "alcohol", "start_date": date(2015, 9, 1),
                                          "outcome": "ongoing"})


@pytest.mark.parametrize("who", WHO, ids=WHO)
@pytest.mark.parametrize("url", ["/treatment/N0001/", "/treatment/N0001/new/", "/treatment/N0001/{id}/edit/"],
                         ids=["list", "new", "edit"])
def test_pages_open_to_the_partnership_only(who: str, url: str, login: Login, episode: TreatmentEpisode,
                                            caplog: pytest.LogCaptureFixture) -> None:
    user, client = login(who)
    response = client.get(url.format(id=episode.episode_id))
    if who in ALLOWED:
        assert response.status_code == 200
        assert b"Jack Smith (N0001)" in response.content
        assert AuditEvent.objects.filter(user=user, operation="consultation", nominal_id="N0001").count() == 1
    else:
        assert response.status_code == 404
        assert b"Smith" not in response.content
        assert refusals(caplog)
        refusal = AuditEvent.objects.get(user=user, operation="refusal")
        assert refusal.detail["path"] == response.request["PATH_INFO"]


def test_the_list_shows_the_episodes(login: Login, episode: TreatmentEpisode) -> None:
    _, client = login("health")
    page = client.get("/treatment/N0001/").content.decode()
    assert "Alcohol" in page and "01/09/2015" in page and "Still in treatment" in page and "Ongoing" in page


@pytest.mark.parametrize("who", WHO, ids=WHO)
def test_adding_an_episode(who: str, login: Login, nominal: Nominal) -> None:
    user, client = login(who)
    response = client.post("/treatment/N0001/new/", {**GOOD, "re_presented_on": "2016-06-01"})
    if who in REFUSED:
        assert response.status_code == 404
        assert not TreatmentEpisode.objects.exists()
        return
    assert response.status_code == 302 and response["Location"] == "/treatment/N0001/"
    saved = TreatmentEpisode.objects.get()
    assert (saved.nominal_id, saved.substance, saved.start_date, saved.end_date, saved.outcome,
            saved.re_presented_on) == ("N0001", "opiate", date(2016, 2, 1), date(2016, 4, 30),
                                       "successful_completion", date(2016, 6, 1))
    event = AuditEvent.objects.get(user=user, operation="collection")
    assert (event.object_type, event.nominal_id, event.detail["episode_id"]) == (
        "treatment.treatmentepisode", "N0001", saved.episode_id)


@pytest.mark.parametrize("who", WHO, ids=WHO)
def test_changing_an_episode_records_what_changed(who: str, login: Login, episode: TreatmentEpisode) -> None:
    user, client = login(who)
    response = client.post(f"/treatment/N0001/{episode.episode_id}/edit/",
                           {"substance": "alcohol", "start_date": "01/09/2015", "end_date": "31/03/2016",
                            "outcome": "dropped_out"})
    episode.refresh_from_db()
    if who in REFUSED:
        assert response.status_code == 404
        assert episode.end_date is None
        return
    assert response.status_code == 302
    assert (episode.end_date, episode.outcome) == (date(2016, 3, 31), "dropped_out")
    event = AuditEvent.objects.get(user=user, operation="alteration")
    assert event.detail["changed"] == {"end_date": ["", "2016-03-31"], "outcome": ["ongoing", "dropped_out"]}


def test_the_edit_form_shows_the_dates_the_uk_way(login: Login, episode: TreatmentEpisode) -> None:
    _, client = login("health")
    page = client.get(f"/treatment/N0001/{episode.episode_id}/edit/").content.decode()
    assert 'value="01/09/2015"' in page
    assert '<label class="govuk-label" for="id_start_date">Start date</label>' in page


def test_an_episode_of_another_person_cannot_be_edited_through_this_person(
        login: Login, episode: TreatmentEpisode, system: Actor) -> None:
    with audited(system) as audit:
        other = Nominal.objects.create(nominal_id="N0002", family_name="Jones")
        audit.record(Operation.COLLECTION, other)
    _, client = login("health")
    assert client.get(f"/treatment/N0002/{episode.episode_id}/edit/").status_code == 404
    assert client.post(f"/treatment/N0002/{episode.episode_id}/edit/", GOOD).status_code == 404
    assert client.get("/treatment/N0001/T-nonexistent/edit/").status_code == 404
    with pytest.raises(ValueError, match="another person"):
        save_episode(system, other, GOOD, episode)


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"end_date": "31/01/2016"}, "end_date", "The end date must be on or after the start date (01/02/2016)"),
    ({"re_presented_on": "30/04/2016"}, "re_presented_on",
     "The date of re-presentation must be after the end date (30/04/2016)"),
    ({"re_presented_on": "01/03/2016"}, "re_presented_on",
     "The date of re-presentation must be after the end date (30/04/2016)"),
    ({"end_date": "", "outcome": "ongoing", "re_presented_on": "01/05/2016"}, "re_presented_on",
     "A person can re-present only after the episode has ended: enter the end date first"),
    ({"outcome": "ongoing"}, "outcome", "An episode with an end date is not ongoing: choose how it ended"),
    ({"end_date": ""}, "end_date", "Enter the date the episode ended, or choose &#x27;Ongoing&#x27; as the outcome"),
    ({"start_date": "16/06/2016", "end_date": "", "outcome": ""}, "start_date",
     "The start date must be today or in the past"),
    ({"end_date": "30/06/2016"}, "end_date", "The end date must be today or in the past"),
    ({"start_date": "30/02/2016"}, "start_date", "The date treatment started must be a real date"),
    ({"start_date": "02-01-2016"}, "start_date",
     "Enter the date treatment started as DD/MM/YYYY"),
    ({"start_date": ""}, "start_date", "Enter the date treatment started"),
    ({"substance": ""}, "substance", "Choose the substance treated"),
], ids=["end-before-start", "re-presented-on-end-date", "re-presented-before-end", "re-presented-while-open",
        "ongoing-but-ended", "ended-without-end-date", "future-start", "future-end", "not-a-real-date",
        "us-style-date", "no-start", "no-substance"])
def test_invalid_episodes_are_refused_in_plain_english(change: dict[str, str], field: str, message: str,
                                                       login: Login, nominal: Nominal) -> None:
    _, client = login("health")
    response = client.post("/treatment/N0001/new/", {**GOOD, **change})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["form"].has_error(field)
    assert not TreatmentEpisode.objects.exists()


@pytest.mark.parametrize("change", [{"end_date": "01/02/2016"}, {"end_date": "", "outcome": ""},
                                    {"end_date": "", "outcome": "ongoing"}, {"re_presented_on": "01/05/2016"}],
                         ids=["ends-the-day-it-starts", "open-outcome-unknown", "open-ongoing",
                              "re-presented-the-day-after"])
def test_valid_edge_cases_are_accepted(change: dict[str, Any], login: Login, nominal: Nominal) -> None:
    _, client = login("health")
    assert client.post("/treatment/N0001/new/", {**GOOD, **change}).status_code == 302
    assert TreatmentEpisode.objects.count() == 1


@pytest.mark.parametrize("who", ["health", "granted", "own", "partner"], ids=["health", "granted", "police",
                                                                              "probation"])
def test_the_person_page_says_in_treatment_at_most(who: str, login: Login, episode: TreatmentEpisode) -> None:
    """Health staff see the episodes' link; the others learn only that the person is in treatment
    (no substance, no dates, no outcome, no link)."""
    _, client = login(who)
    page = client.get("/people/N0001/").content.decode()
    assert "In treatment" in page
    if who in ALLOWED:
        assert "/treatment/N0001/" in page
    else:
        assert "/treatment/N0001/" not in page and "Alcohol" not in page and "01/09/2015" not in page


def test_no_treatment_row_for_others_when_not_in_treatment(login: Login, nominal: Nominal, system: Actor) -> None:
    save_episode(system, nominal, {"substance": "alcohol", "start_date": date(2015, 9, 1),
                                   "end_date": date(2015, 12, 1), "outcome": "successful_completion"})
    _, client = login("own")
    assert "Drug and alcohol treatment" not in client.get("/people/N0001/").content.decode()
