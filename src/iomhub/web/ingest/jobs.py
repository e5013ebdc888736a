"""Imports in the background: a table of jobs in the database, run by a worker thread the
application starts when a job is queued (``IOMHUB_IMPORT_WORKER=thread``, the default) or by
``iomhub worker`` (a service of its own, ``IOMHUB_IMPORT_WORKER=external``). No request waits for
an import and nothing else needs installing; it works on SQLite and PostgreSQL alike.

A job is claimed by one worker (a conditional update: two workers never run the same job), then
runs ``exchange.import_package``, the same state change ``iomhub import`` makes, in one
transaction in which the job's final state is written too: if the process dies, the transaction
is lost whole, and the job, left "running" under a worker that no longer exists, is found
interrupted (``settle``): nothing was imported, and it can be run again from its upload.

The progress of a running job is written to a small file beside its upload
(``storage.write_progress``), not to the database: the import's transaction holds SQLite's write
lock until it commits, and its rows are not visible to anyone before then anyway.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

from iomhub.package import PackageError, read_package
from iomhub.package.mapping import Mapping
from iomhub.web.audit.context import Actor
from iomhub.web.exchange import import_package
from iomhub.web.ingest import storage, workspace
from iomhub.web.ingest.models import ImportJob

log = logging.getLogger("iomhub.imports")
STALE_SECONDS = 15 * 60  # a job running on another machine with no progress for this long has stopped
PROGRESS_EVERY = 0.25  # seconds between two writes of the progress file
Status = ImportJob.Status


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def claim(worker: str | None = None) -> ImportJob | None:
    """The oldest waiting job, now running under ``worker``; None when none waits."""
    worker = worker or worker_name()
    while True:
        waiting = ImportJob.objects.filter(status=Status.QUEUED).order_by("id").values_list("pk", flat=True).first()
        if waiting is None:
            return None
        with transaction.atomic():
            taken = ImportJob.objects.filter(pk=waiting, status=Status.QUEUED).update(
                status=Status.RUNNING, worker=worker[:200], started_at=timezone.now())
        if taken:
            return ImportJob.objects.select_related("upload", "requested_by").get(pk=waiting)


def run(job: ImportJob) -> ImportJob:
    """Import the job's upload with its mapping; its final state is committed with the import."""
    upload = job.upload
    last = 0.0

    def say(message: str, done: int, total: int) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= PROGRESS_EVERY or (total and done >= total):
            last = now
            storage.write_progress(upload.folder, job.pk, message, done, total)

    say("Reading and checking the files...", 0, 0)
    try:
        path = storage.package_path(upload.folder, upload.kind, upload.files)
        package = read_package(path, Mapping.from_toml(job.mapping_text, workspace.LABEL))
        package.source = upload.label  # the audit rows name the files as they were uploaded
        actor = Actor.of(job.requested_by)
        with transaction.atomic():
            result = import_package(package, actor, say, snapshot=job.snapshot,
                                    justification=f"import {job.pk} of {upload.label}, uploaded through /data/")
            counts = {name: vars(table) for name, table in result.tables.items()}
            finish(job, Status.DONE, counts=counts,
                   message=f"{result.created:,} rows added, {result.updated:,} changed "
                           f"({result.audit_rows:,} audit rows, {result.seconds:.1f} s)")
    except PackageError as error:
        finish(job, Status.FAILED, message=error.summary())
    except Exception:
        log.exception("import job %s failed", job.pk)
        finish(job, Status.FAILED, message="The import stopped on an unexpected error; nothing was imported. "
                                           "The error is in the server's log.")
    say("Finished", 1, 1)
    job.refresh_from_db()
    return job


def finish(job: ImportJob, status: str, *, message: str, counts: dict[str, Any] | None = None) -> None:
    ImportJob.objects.filter(pk=job.pk).update(status=status, finished_at=timezone.now(), message=message[:20_000],
                                               counts=counts or {})


def run_next(worker: str | None = None) -> ImportJob | None:
    job = claim(worker)
    return run(job) if job is not None else None


def alive(job: ImportJob, now: float | None = None) -> bool:
    """Whether the process running ``job`` still is: on this machine, by its process id; on
    another, by the age of its progress."""
    if job.status != Status.RUNNING:
        return False
    host, _, pid = job.worker.rpartition(":")
    if host == socket.gethostname() and pid.isdigit():
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    progress = storage.read_progress(job.upload.folder, job.pk)
    started = job.started_at.timestamp() if job.started_at else 0.0
    seen = float(progress["at"]) if progress else started
    return (now or time.time()) - seen < STALE_SECONDS


def settle(job: ImportJob) -> ImportJob:
    """Mark a running job whose process has died as interrupted (its transaction was lost whole)."""
    if job.status == Status.RUNNING and not alive(job):
        ImportJob.objects.filter(pk=job.pk, status=Status.RUNNING).update(
            status=Status.INTERRUPTED, finished_at=timezone.now(),
            message="The process importing it stopped before the end; nothing was imported. Import it again.")
        job.refresh_from_db()
    return job


def settle_all() -> int:
    stopped = 0
    for job in ImportJob.objects.filter(status=Status.RUNNING).select_related("upload"):
        stopped += settle(job).status == Status.INTERRUPTED
    return stopped


# -- the worker thread of the application ------------------------------------------------------

_lock = threading.Lock()
_thread: threading.Thread | None = None
_again = False


def start_thread() -> None:
    """Run the waiting jobs in a thread of this process (one at a time), unless an external
    worker runs them (``IOMHUB_IMPORT_WORKER=external``)."""
    global _thread, _again
    if settings.IMPORT_WORKER != "thread":
        return
    with _lock:
        if _thread is not None and _thread.is_alive():
            _again = True
            return
        _again = False
        _thread = threading.Thread(target=_drain, name="iomhub-imports", daemon=True)
        _thread.start()


def _drain() -> None:
    global _thread, _again
    try:
        while True:
            if run_next() is None:
                with _lock:
                    if not _again:
                        _thread = None
                        return
                    _again = False
    except Exception:
        log.exception("the import worker thread stopped")
        with _lock:
            _thread = None
    finally:
        connections.close_all()


def work(once: bool = False, poll_seconds: float = 2.0) -> int:
    """``iomhub worker``: settle jobs of dead workers, then run waiting jobs as they come (or
    those waiting now, ``once``); the number of jobs run."""
    ran = 0
    settle_all()
    while True:
        job = run_next()
        if job is not None:
            ran += 1
            continue
        if once:
            return ran
        connections.close_all()
        time.sleep(poll_seconds)
