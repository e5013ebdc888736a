"""``iomhub demo`` loads its package with demo users, and doing it twice changes nothing; its data
end on the day it runs (here a fixed "today"), so the briefing and the agenda have content."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from iomhub.cli import DEMO_SEED, main
from iomhub.synth import SynthOptions, generate
from iomhub.synth.live import live_options
from iomhub.web.accounts.models import User
from iomhub.web.cohort.leads import current_leads, my_cohort
from iomhub.web.cohort.models import LeadProfessional
from iomhub.web.demo import DEMO_PASSWORD, USERS, load_demo
from iomhub.web.meetings.briefing import agenda, briefing, on_iom
from iomhub.web.meetings.models import CaseAction
from iomhub.web.people.forms import pnc_problem
from iomhub.web.people.models import Nominal


def test_the_demo_loads_people_and_users_once(db: Any, tmp_path: Path) -> None:
    generate(SynthOptions(nominals=200, seed=9), tmp_path / "package")
    created, logins = load_demo(tmp_path / "package")
    assert created > 200 and Nominal.objects.count() == 200
    assert [login.username for login in logins] == [username for username, _, _ in USERS]
    assert User.objects.get(username="police.officer").check_password(DEMO_PASSWORD)
    assert User.objects.get(username="housing.officer").agency.partner is False
    again, _ = load_demo(tmp_path / "package")
    assert again == 0 and User.objects.count() == len(USERS)


TODAY = date(2026, 12, 7)


def test_demo_without_serving_writes_the_reports_and_loads_the_database(db: Any, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["demo", "-o", str(tmp_path), "--nominals", "300", "--today",
                                       TODAY.isoformat(), "--no-serve"])
    assert result.exit_code == 0, result.output
    assert "Report period: 01 April 2025 to 31 March 2026" in result.output
    report = json.loads((tmp_path / "iom-performance-report.json").read_text(encoding="utf-8"))
    assert report["period"] == {"from": "2025-04-01", "to": "2026-03-31"}
    assert (tmp_path / "iom-performance-report.html").read_text(encoding="utf-8").startswith("<!")
    assert Nominal.objects.count() == 300 and User.objects.filter(username="analyst").exists()
    assert CaseAction.objects.exists()


@pytest.fixture
def live_demo(db: Any, tmp_path: Path) -> None:
    generate(live_options(TODAY, 400, DEMO_SEED), tmp_path / "package")
    load_demo(tmp_path / "package", today=TODAY)


def test_the_live_demo_has_a_working_day_today(live_demo: None) -> None:
    people = Nominal.objects.all()
    today = briefing(people, TODAY)
    assert today.releases_due, "someone is due out of custody in the next four weeks"
    assert today.actions and len(today.actions) < CaseAction.objects.count(), "some actions overdue, not all"
    assert all((TODAY - action.due_on).days <= 21 for action in today.actions)
    assert today.reassessments and max(r.days_overdue for r in today.reassessments) < 366
    assert len(today.reassessments) < on_iom(people, TODAY).count() / 5
    meeting = agenda(people, TODAY)
    assert meeting is not None and TODAY <= meeting.meeting.held_on <= TODAY + timedelta(days=14)
    assert meeting.items


def test_the_demo_workers_start_with_a_caseload_of_people_on_iom(live_demo: None) -> None:
    # One person on IOM in ten each, from their own offset (0, 3, 6), up to twenty.
    on = on_iom(Nominal.objects.all(), TODAY).count()
    assert on >= 20
    for username, kind, offset in (("police.officer", "police_officer", 0),
                                   ("probation.manager", "offender_manager", 3), ("drugs.worker", "key_worker", 6)):
        worker = User.objects.get(username=username)
        led = list(my_cohort(worker))
        assert len(led) == min(len(range(offset, on, 10)), 20) > 0, (username, len(led))
        assert set(on_iom(Nominal.objects.filter(pk__in=[p.pk for p in led]), TODAY)) == set(led)
        assert {lead.kind for person in led for lead in current_leads(person) if lead.worker_id == worker.pk} == {kind}
    assert User.objects.get(username="housing.officer").pk not in {
        lead.worker_id for lead in LeadProfessional.objects.all()}
    again = load_demo_again()
    assert again == 0


def load_demo_again() -> int:
    from iomhub.web.audit.context import Actor
    from iomhub.web.demo import demo_leads
    return demo_leads(Actor.system("demo"), TODAY)


def test_the_demo_pnc_ids_pass_the_applications_own_check(live_demo: None) -> None:
    ids = list(Nominal.objects.values_list("pnc_id", flat=True))
    assert ids and all(pnc_problem(pnc) is None for pnc in ids), [p for p in ids if pnc_problem(p)][:5]
