"""Restriction (DPA 2018 s.47): a restricted record is kept but hidden from normal use (lists,
person pages, searches by id, meetings, reports, exports) until an administrator lifts it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from iomhub.package import read_package
from iomhub.web.accounts.constants import Role
from iomhub.web.accounts.models import User
from iomhub.web.audit.context import Actor
from iomhub.web.cohort.models import CohortEpisode
from iomhub.web.exchange import export_package
from iomhub.web.offences.models import Offence
from iomhub.web.people.models import Nominal
from iomhub.web.performance.data import package_from_database
from iomhub.web.records.models import Restriction
from tests.web.records.conftest import add, person


@pytest.fixture
def two(db: Any) -> tuple[Nominal, Nominal]:
    kept, hidden = person("N1", family_name="Keptname"), person("N2", family_name="Hiddenname")
    for nominal in (kept, hidden):
        add(CohortEpisode, nominal=nominal, scheme="priority", start_date=date(2015, 4, 1))
        add(Offence, offence_id=f"CR-{nominal.nominal_id}", nominal=nominal, offence_date=date(2015, 6, 1),
            category="robbery")
    return kept, hidden


def restrict(client: Client, nominal_id: str, reason: str = "Accuracy contested by the person") -> Any:
    return client.post(f"/records/{nominal_id}/restriction/", {"reason": reason})


def test_a_restricted_record_is_hidden_from_normal_use(two: tuple[Nominal, Nominal], admin: tuple[User, Client],
                                                       make_user: Callable[..., User],
                                                       client_for: Callable[..., Client], tmp_path: Path) -> None:
    _, client = admin
    assert restrict(client, "N2").status_code == 302
    worker = client_for(make_user("own", Role.MANAGER))
    listed = worker.get("/cohort/").content.decode()
    assert "Keptname" in listed and "Hiddenname" not in listed
    assert worker.get("/people/N2/").status_code == 404 and worker.get("/people/N1/").status_code == 200
    assert worker.get("/risk/N2/tier/").status_code == 404
    package = package_from_database()
    assert package.tables["nominals"]["nominal_id"].to_list() == ["N1"]
    assert package.tables["offences"]["nominal_id"].to_list() == ["N1"]
    export_package(tmp_path / "out", Actor.system("export"), "transfer", "warehouse")
    assert read_package(tmp_path / "out").tables["nominals"]["nominal_id"].to_list() == ["N1"]
    assert Nominal.objects.filter(nominal_id="N2").exists(), "kept"


def test_only_an_administrator_lifts_it_and_the_history_is_kept(two: tuple[Nominal, Nominal],
                                                                admin: tuple[User, Client],
                                                                make_user: Callable[..., User],
                                                                client_for: Callable[..., Client]) -> None:
    user, client = admin
    restrict(client, "N2")
    manager = client_for(make_user("partner", Role.MANAGER))
    assert manager.post("/records/N2/restriction/", {"reason": "I need it"}).status_code == 404
    assert Nominal.objects.get(nominal_id="N2").restricted
    assert restrict(client, "N2", "Accuracy confirmed").status_code == 302  # the same form lifts it
    assert not Nominal.objects.get(nominal_id="N2").restricted
    [row] = Restriction.objects.filter(nominal_id="N2")
    assert (row.reason, row.restricted_by, row.lift_reason, row.lifted_by) == (
        "Accuracy contested by the person", user.username, "Accuracy confirmed", user.username)
    assert manager.get("/people/N2/").status_code == 200


def test_a_restriction_needs_a_reason(two: tuple[Nominal, Nominal], admin: tuple[User, Client]) -> None:
    _, client = admin
    assert restrict(client, "N2", "").status_code == 400
    assert not Nominal.objects.get(nominal_id="N2").restricted
