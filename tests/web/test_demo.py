"""``iomhub demo`` loads its package with demo users, and doing it twice changes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from click.testing import CliRunner

from iomhub.cli import main
from iomhub.synth import SynthOptions, generate
from iomhub.web.accounts.models import User
from iomhub.web.demo import DEMO_PASSWORD, USERS, load_demo
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


def test_demo_without_serving_writes_the_reports(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["demo", "-o", str(tmp_path), "--nominals", "300", "--no-serve"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "iom-performance-report.html").read_text(encoding="utf-8").startswith("<!")
    assert (tmp_path / "iom-performance-report.json").stat().st_size > 1000
