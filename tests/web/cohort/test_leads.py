"""Named lead professionals: assigned with history, shown on the person page, "My cohort",
caseloads for managers, transfers between areas."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from iomhub.web.accounts.constants import Role
from iomhub.web.audit.context import Actor
from iomhub.web.cohort.leads import assign_lead, caseloads, current_leads, lead_history, transfer_area
from iomhub.web.cohort.models import LeadProfessional
from iomhub.web.people.models import Correction, Nominal
from tests.web.people.records import ACCESS, ACCESS_IDS, events_after, last_event_id, save, user_for


@pytest.mark.parametrize(("agency", "role", "allowed"), ACCESS, ids=ACCESS_IDS)
def test_naming_a_lead_and_seeing_them_in_my_cohort(agency: str, role: str, allowed: bool, make_user: Any,
                                                    nominal: Nominal, client_for: Callable[..., Client]) -> None:
    om = make_user("partner", Role.PRACTITIONER, username="om-khan")
    client = client_for(user_for(make_user, agency, role))
    response = client.post("/cohort/N0001/leads/", {"kind": "offender_manager", "worker": str(om.pk),
                                                    "on": "01/03/2016"})
    if not allowed:
        assert response.status_code == 404 and not LeadProfessional.objects.exists()
        assert client.get("/cohort/mine/").status_code == 404
        return
    assert response.status_code == 302 and response["Location"] == "/cohort/N0001/leads/"
    [lead] = current_leads(nominal)
    assert (lead.kind, lead.worker, lead.started_on, lead.ended_on) == ("offender_manager", om, date(2016, 3, 1), None)
    mine = client_for(om).get("/cohort/mine/").content.decode()
    assert "Jack Smith (N0001)" in mine and "Offender manager" in mine
    assert "Offender manager: Om-Khan" in client.get("/people/N0001/").content.decode()


def test_a_new_lead_ends_the_previous_one_and_keeps_the_history(nominal: Nominal, make_user: Any) -> None:
    first, second = (make_user("own", Role.PRACTITIONER, username=name) for name in ("pc-one", "pc-two"))
    actor = Actor.of(make_user("own", Role.MANAGER))
    before = last_event_id()
    assign_lead(actor, nominal, "police_officer", first, date(2016, 1, 1))
    assign_lead(actor, nominal, "police_officer", first, date(2016, 2, 1))  # the same holder: nothing changes
    assign_lead(actor, nominal, "police_officer", second, date(2016, 3, 1))
    assert [(h.worker.username, h.started_on, h.ended_on) for h in lead_history(nominal)] == [
        ("pc-two", date(2016, 3, 1), None), ("pc-one", date(2016, 1, 1), date(2016, 3, 1))]
    assert [(e.operation, e.object_type) for e in events_after(before)] == [
        ("collection", "cohort.leadprofessional"), ("alteration", "cohort.leadprofessional"),
        ("collection", "cohort.leadprofessional")]


@pytest.mark.parametrize(("kind", "agency", "fits"), [
    ("offender_manager", "partner", True), ("offender_manager", "own", False),
    ("police_officer", "own", True), ("police_officer", "partner", False),
    ("key_worker", "partner", True), ("key_worker", "unrelated", False),
], ids=["om-probation", "om-police", "officer-police", "officer-probation", "key-worker-partner",
        "key-worker-outside-partnership"])
def test_only_a_fitting_case_worker_holds_a_role(kind: str, agency: str, fits: bool, nominal: Nominal,
                                                 make_user: Any, system: Actor) -> None:
    worker = make_user(agency, Role.PRACTITIONER)
    if fits:
        assert assign_lead(system, nominal, kind, worker, date(2016, 1, 1)).worker == worker
    else:
        with pytest.raises(ValidationError):
            assign_lead(system, nominal, kind, worker, date(2016, 1, 1))
        assert not LeadProfessional.objects.exists()


@pytest.mark.parametrize(("agency", "role", "allowed"), [
    ("own", Role.MANAGER, True), ("partner", Role.MANAGER, True), ("own", Role.PRACTITIONER, False),
    ("unrelated", Role.MANAGER, False)], ids=["own-manager", "partner-manager", "practitioner", "unrelated-manager"])
def test_managers_see_caseloads(agency: str, role: str, allowed: bool, nominal: Nominal, make_user: Any,
                                system: Actor, client_for: Callable[..., Client]) -> None:
    om = make_user("partner", Role.PRACTITIONER, username="om-khan")
    assign_lead(system, nominal, "offender_manager", om, date(2016, 1, 1))
    assign_lead(system, nominal, "key_worker", om, date(2016, 1, 1))
    response = client_for(user_for(make_user, agency, role)).get("/cohort/caseloads/")
    if not allowed:
        assert response.status_code == 404
        return
    assert response.status_code == 200 and "Om-Khan" in response.content.decode()
    [row] = caseloads()
    assert (row.worker, row.total, row.by_kind) == (om, 1, {"offender_manager": 1, "police_officer": 0,
                                                            "key_worker": 1})


@pytest.mark.parametrize(("agency", "allowed"), [("own", True), ("partner", True), ("unrelated", False)],
                         ids=["own-agency", "partner-agency", "unrelated-agency"])
def test_transferring_to_another_area(agency: str, allowed: bool, nominal: Nominal, users: dict[str, Any],
                                      system: Actor, client_for: Callable[..., Client]) -> None:
    save(Nominal(nominal_id="N0002", family_name="Jones", area="SE"))  # N0001 lives in NW; SE is the unit's too
    client = client_for(users[agency])
    refused = client.post("/cohort/N0001/transfer/", {"area": "Northside", "reason": "Moved"})
    response = client.post("/cohort/N0001/transfer/", {"area": "SE", "reason": "Moved to his sister's"})
    nominal.refresh_from_db()
    if not allowed:
        assert (refused.status_code, response.status_code, nominal.area) == (404, 404, "NW")
        return
    assert refused.status_code == 400 and "Choose one of the unit&#x27;s areas" in refused.content.decode()
    assert response.status_code == 302 and nominal.area == "SE"
    change = Correction.objects.get(nominal=nominal, field="area")
    assert (change.old, change.new) == ("NW", "SE") and "Moved to his sister's" in change.reason
    with pytest.raises(ValidationError):
        transfer_area(system, nominal, "SE", "again")
