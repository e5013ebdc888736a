"""Notifications: an offence imported of someone on IOM (raised by the import), a release due,
an action due; read and unread; each worker sees only their own, about people they may see."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from iomhub.package import read_package
from iomhub.web.accounts.constants import Role
from iomhub.web.audit.context import Actor
from iomhub.web.cohort.leads import assign_lead
from iomhub.web.custody.models import CustodyPeriod
from iomhub.web.exchange import import_package
from iomhub.web.meetings.models import CaseAction
from iomhub.web.notifications.models import Notification
from iomhub.web.notifications.services import due_notices, refresh_due
from iomhub.web.people.models import Nominal
from tests.cli_runner import run_cli
from tests.web.people.records import save

NOMINALS = "nominal_id,pnc_id,family_name,given_names,date_of_birth,gender,area\n" \
           "N0001,,Smith,Jack,1990-05-01,male,NW\nN0002,,Jones,Ann,1991-02-14,female,NW\n"
COHORT = "nominal_id,scheme,start_date,end_date,exit_reason\nN0001,priority,2015-04-01,,\n"


def package(folder: Path, offences: str) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "nominals.csv").write_text(NOMINALS)
    (folder / "cohort.csv").write_text(COHORT)
    (folder / "offences.csv").write_text("offence_id,nominal_id,offence_date,detected_date,category\n" + offences)
    return folder


def test_an_imported_offence_of_someone_on_iom_tells_their_lead(tmp_path: Path, nominal: Nominal, system: Actor,
                                                               make_user: Callable[..., Any],
                                                               client_for: Callable[..., Client]) -> None:
    officer = make_user("own", Role.PRACTITIONER, username="pc-jones")
    assign_lead(system, nominal, "police_officer", officer, date(2016, 1, 1))
    other = make_user("partner", Role.PRACTITIONER, username="om-other")
    today = timezone.localdate()
    rows = f"CR-9,N0001,{today - timedelta(days=1)},{today},burglary_residential\nCR-10,N0002,{today},,other_theft\n"
    import_package(read_package(package(tmp_path / "p", rows)), Actor.system("import"))
    [notice] = Notification.objects.all()  # N0002 is not on IOM: no notice
    assert (notice.recipient, notice.kind, notice.key, notice.nominal_id) == (officer, "offence", "offence:CR-9",
                                                                              "N0001")
    import_package(read_package(package(tmp_path / "p", rows)), Actor.system("import"))  # again: nothing new
    assert Notification.objects.count() == 1
    client = client_for(officer)
    page = client.get("/cohort/").content.decode()
    assert 'href="/notifications/">Notifications <span class="app-count">1</span>' in page
    assert "Offence recorded for Jack Smith" in client.get("/notifications/").content.decode()
    assert "Offence recorded" not in client_for(other).get("/notifications/").content.decode()
    assert client_for(other).post(f"/notifications/{notice.pk}/").status_code == 404
    opened = client.post(f"/notifications/{notice.pk}/")
    assert opened.status_code == 302 and opened["Location"] == "/people/N0001/"
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert '<span class="app-count">' not in client.get("/cohort/").content.decode()


def test_without_a_lead_the_managers_are_told(tmp_path: Path, nominal: Nominal, make_user: Callable[..., Any]) -> None:
    make_user("partner", Role.MANAGER, username="chair")
    rows = f"CR-9,N0001,{timezone.localdate()},,other_theft\n"
    import_package(read_package(package(tmp_path / "p", rows)), Actor.system("import"))
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["chair"]


def test_releases_and_actions_falling_due(nominal: Nominal, system: Actor, make_user: Callable[..., Any],
                                          client_for: Callable[..., Client]) -> None:
    today = timezone.localdate()
    officer = make_user("own", Role.PRACTITIONER, username="pc-jones")
    save(CustodyPeriod(nominal=nominal, start_date=today - timedelta(days=60), custody_type="sentenced",
                       expected_release_date=today + timedelta(days=14)),
         CaseAction(nominal=nominal, description="Police: visit", owner_agency="police",
                    due_on=today + timedelta(days=3)),
         CaseAction(nominal=nominal, description="Probation: meet", owner_agency="nps", due_on=today),
         CaseAction(nominal=nominal, description="Police: later", owner_agency="police",
                    due_on=today + timedelta(days=8)))
    assert due_notices(officer, today) == []  # leads no one
    assign_lead(system, nominal, "police_officer", officer, date(2016, 1, 1))
    assert sorted(n.kind for n in due_notices(officer, today)) == ["action", "release"]
    assert due_notices(officer, today - timedelta(days=1))[0].kind == "action"  # release 15 days away: not yet
    client_for(officer).get("/cohort/")  # the first page of the day raises them
    assert sorted(Notification.objects.values_list("kind", flat=True)) == ["action", "release"]
    assert refresh_due(Actor.of(officer), officer, today) == 0  # never twice


def test_mark_all_read(nominal: Nominal, users: dict[str, Any], client_for: Callable[..., Client]) -> None:
    save(Notification(recipient=users["own"], kind="release", key="k1", nominal=nominal, text="A",
                      created_at=timezone.now()),
         Notification(recipient=users["own"], kind="release", key="k2", nominal=nominal, text="B",
                      created_at=timezone.now()))
    response = client_for(users["own"]).post("/notifications/read/")
    assert response.status_code == 302
    assert not Notification.objects.filter(read_at__isnull=True).exists()


@pytest.mark.parametrize(("agency", "allowed"), [("own", True), ("partner", True), ("unrelated", False)],
                         ids=["own-agency", "partner-agency", "unrelated-agency"])
def test_the_list_is_for_case_workers(agency: str, allowed: bool, users: dict[str, Any], db: Any,
                                      client_for: Callable[..., Client]) -> None:
    response = client_for(users[agency]).get("/notifications/")
    assert response.status_code == (200 if allowed else 404)


def test_the_daily_command_raises_due_notices_for_every_worker_who_leads_someone(
        nominal: Nominal, system: Actor, make_user: Callable[..., Any]) -> None:
    today = date(2026, 12, 7)
    officer = make_user("own", Role.PRACTITIONER, username="pc-jones")
    manager = make_user("partner", Role.MANAGER, username="om-lead")
    idle = make_user("own", Role.PRACTITIONER, username="pc-idle")  # leads no one
    save(CustodyPeriod(nominal=nominal, start_date=today - timedelta(days=60), custody_type="sentenced",
                       expected_release_date=today + timedelta(days=10)),
         CaseAction(nominal=nominal, description="Police: visit", owner_agency="police", due_on=today))
    assign_lead(system, nominal, "police_officer", officer, date(2026, 1, 1))
    assign_lead(system, nominal, "offender_manager", manager, date(2026, 1, 1))
    result = run_cli("notify", "--today", "2026-12-07")
    assert result.exit_code == 0, result.output
    # the officer: the release and their agency's action; the offender manager (of another
    # agency): the release only; the idle worker: nothing
    assert sorted(Notification.objects.values_list("recipient__username", "kind")) == [
        ("om-lead", "release"), ("pc-jones", "action"), ("pc-jones", "release")]
    assert "pc-jones: 2 new notices" in result.output and "3 notices raised for 2 workers." in result.output
    assert not Notification.objects.filter(recipient=idle).exists()
    again = run_cli("notify", "--today", "2026-12-07")  # each event once
    assert "0 notices raised for 0 workers." in again.output and Notification.objects.count() == 3
    assert run_cli("notify", "--today", "07/12/2026x").exit_code == 2
