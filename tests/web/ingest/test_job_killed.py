"""An import job killed mid-way leaves nothing partial: a real ``iomhub worker`` process, importing
an upload of a synthetic unit into its own database (a SQLite file, or a fresh PostgreSQL
database when DATABASE_URL names a server), is killed with SIGKILL once its progress file shows
rows going in; the database then holds none of the package's rows, the next worker marks the
job interrupted, and the same upload imported again goes in whole."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from iomhub.package import read_package
from iomhub.package.schema import TABLES
from iomhub.synth import SynthOptions, generate
from tests.web.exchange.test_nothing_lost import Query, database, settled, table_counts  # noqa: F401

# The progress file is written at most every 0.25 s, so the import must last a few of those for
# the test to see it part-way: on PostgreSQL (COPY) 1,500 people went in so fast that a run
# under load saw no partial progress before the worker ended.
NOMINALS = {"sqlite": 1500, "postgresql": 5000}
COMMAND = [sys.executable, "-m", "iomhub.cli"]
QUEUE = textwrap.dedent("""
    import sys
    from pathlib import Path
    from iomhub.web import setup
    setup()
    from django.core.management import call_command
    call_command("migrate", interactive=False, verbosity=0)
    from django.core.files.uploadedfile import SimpleUploadedFile
    from iomhub.package.mapping import Mapping
    from iomhub.web.accounts.models import Agency, User
    from iomhub.web.audit.context import Actor
    from iomhub.web.ingest import services
    from iomhub.web.ingest.models import Upload
    user = User.objects.filter(username="analyst").first()
    if user is None:
        agency = Agency.objects.create(code="police", name="Police", kind="police")
        user = User.objects.create_user(username="analyst", password=None, agency=agency, role="analyst")
    upload = Upload.objects.first()
    if upload is None:
        files = [SimpleUploadedFile(p.name, p.read_bytes()) for p in sorted(Path(sys.argv[1]).glob("*.csv"))]
        upload = services.receive_upload(Actor.of(user), user, files)
        upload = services.keep_mapping(Actor.of(user), upload, Mapping())  # the files' own names
    job = services.queue_import(Actor.of(user), user, upload, [])
    print(upload.folder, job.pk)
""")


def rows(query: Query) -> dict[str, int]:
    settled(query)
    return table_counts(query)


def test_a_job_killed_mid_way_imports_nothing_then_imports_whole(
        tmp_path: Path, database: tuple[dict[str, str], Query, Path | None]) -> None:  # noqa: F811
    env, query, sqlite_file = database
    env = {**env, "IOMHUB_IMPORT_WORKER": "external"}
    package = tmp_path / "package"
    generate(SynthOptions(nominals=NOMINALS["sqlite" if sqlite_file else "postgresql"], seed=5), package)
    expected = {name: frame.height for name, frame in read_package(package).tables.items()}
    script = tmp_path / "ask_for_import.py"
    script.write_text(QUEUE, encoding="utf-8")

    def queue() -> tuple[Path, int]:
        done = subprocess.run([sys.executable, str(script), str(package)], env=env, capture_output=True, text=True,
                              timeout=300, check=False)
        assert done.returncode == 0, done.stderr
        folder, job = done.stdout.split()
        return Path(env["IOMHUB_DATA_DIR"]) / "uploads" / folder / "progress.json", int(job)

    def job_status(job: int) -> str:
        return str(query(f"SELECT status FROM ingest_jobs WHERE id = {job}")[0][0])

    progress, first = queue()
    worker = subprocess.Popen([*COMMAND, "worker", "--once"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    seen: dict[str, object] = {}
    while time.monotonic() < deadline and worker.poll() is None:
        try:
            seen = json.loads(progress.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            seen = {}
        if seen.get("job") == first and 0 < int(str(seen.get("done", 0))) < int(str(seen.get("total", 0))):
            break
        time.sleep(0.02)
    assert worker.poll() is None, f"the worker ended before it could be killed: {seen}"
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)
    assert rows(query) == dict.fromkeys(TABLES, 0), "a partial import"
    assert job_status(first) == "running"

    settled = subprocess.run([*COMMAND, "worker", "--once"], env=env, capture_output=True, text=True, timeout=120)
    assert settled.returncode == 0 and "Ran 0 imports." in settled.stderr, settled.stderr
    assert job_status(first) == "interrupted" and rows(query) == dict.fromkeys(TABLES, 0)

    _, second = queue()
    finished = subprocess.run([*COMMAND, "worker", "--once"], env=env, capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0 and "Ran 1 import." in finished.stderr, finished.stderr
    assert job_status(second) == "done"
    assert rows(query) == {name: expected.get(name, 0) for name in TABLES}
