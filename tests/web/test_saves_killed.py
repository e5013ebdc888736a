"""Nothing lost: a process saving needs assessments (the service the form calls), killed with
SIGKILL at random moments, never leaves a partial assessment or a row without its audit row."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.web.exchange.test_nothing_lost import Query, database  # noqa: F401  (fixture)

WRITER = textwrap.dedent("""
    import datetime, sys
    from iomhub.web import setup
    setup()
    from django.core.management import call_command
    call_command("migrate", interactive=False, verbosity=0)
    from iomhub.web.assessments.services import record_assessment
    from iomhub.web.audit.constants import Operation
    from iomhub.web.audit.context import Actor, audited
    from iomhub.web.people.models import Nominal
    actor = Actor.system("kill-test")
    if not Nominal.objects.filter(nominal_id="N1").exists():
        with audited(actor) as audit:
            audit.record(Operation.COLLECTION, Nominal.objects.create(nominal_id="N1"))
    done = Nominal.objects.get(nominal_id="N1")
    day = datetime.date(2000, 1, 1)
    from iomhub.web.assessments.models import NeedScore
    latest = NeedScore.objects.filter(nominal=done).order_by("-assessed_on").first()
    if latest:
        day = latest.assessed_on + datetime.timedelta(days=1)
    print("ready", flush=True)
    while True:
        record_assessment(actor, done, day, {"accommodation": 3, "ete": 0, "health": None})
        day += datetime.timedelta(days=1)
""")


@pytest.fixture
def writer(tmp_path: Path) -> Path:
    script = tmp_path / "writer.py"
    script.write_text(WRITER, encoding="utf-8")
    return script


def check(query: Query) -> int:
    """Every assessment has its seven rows and every row its audit row; the number of assessments."""
    groups = query("SELECT assessed_on, count(*) FROM needs GROUP BY assessed_on")
    assert all(count == 7 for _, count in groups), f"a partial assessment: {groups}"
    rows = query("SELECT count(*) FROM needs")[0][0]
    audited = query("SELECT count(*) FROM audit_log WHERE object_type = 'assessments.needscore'")[0][0]
    assert audited == rows, f"{rows} score rows but {audited} audit rows"
    return len(groups)


def test_killed_saves_leave_whole_assessments_with_their_audit_rows(
        database: tuple[dict[str, str], Query, Path | None], writer: Path) -> None:  # noqa: F811
    env, query, _ = database
    rng = random.Random(7)
    saved = 0
    for _round in range(4):
        process: subprocess.Popen[str] = subprocess.Popen(
            [sys.executable, str(writer)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.strip() == "ready", process.stderr.read() if process.stderr else line
        time.sleep(rng.uniform(0.2, 1.2))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        now = check(query)
        assert now > saved, "the writer saved nothing before it was killed"
        saved = now


