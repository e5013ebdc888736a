"""``/data/``: upload extracts, build or choose their mapping, see every problem and what the
import would change, import in the background, follow its progress, and the history of imports.

For administrators and analysts of a partner agency (``permissions.imports_data``); an upload and
its jobs are opened only by the importers of the agency that uploaded them
(``permissions.owns_upload``); anyone else gets the one refusal. The uploaded files are never
served. The pages read the files and the database outside any writing transaction (reading a
large extract must not hold SQLite's write lock); each change is a service of ``services`` in its
own audited transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from iomhub.package import PackageError
from iomhub.package.mapping import Mapping
from iomhub.web.accounts import permissions
from iomhub.web.exchange import snapshot_tables
from iomhub.web.ingest import jobs, services, storage, workspace
from iomhub.web.ingest.forms import ImportForm, MappingForm, UploadForm
from iomhub.web.ingest.models import ImportJob, SavedMapping, Upload
from iomhub.web.requests import actor
from iomhub.web.snapshots import snapshot
from iomhub.web.visibility import Refused, refuse, user_of

OBJECT_TYPE = "ingest"
HISTORY = 100  # imports shown
View = Callable[..., HttpResponse]


def importer_required(view: View) -> View:
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not permissions.imports_data(request.user):
            return refuse(request, OBJECT_TYPE, str(next(iter(kwargs.values()), ""))[:100])
        return view(request, *args, **kwargs)
    return wrapped


def _upload(request: HttpRequest, upload_id: int) -> Upload:
    upload: Upload | None = Upload.objects.filter(pk=upload_id).select_related("based_on__mapping").first()
    if upload is None or not permissions.owns_upload(request.user, upload.agency_id):
        raise Refused("ingest.upload", str(upload_id))
    return upload


def _job(request: HttpRequest, job_id: int) -> ImportJob:
    job: ImportJob | None = ImportJob.objects.filter(pk=job_id).select_related("upload", "requested_by").first()
    if job is None or not permissions.owns_upload(request.user, job.agency_id):
        raise Refused("ingest.importjob", str(job_id))
    return job


def _history(request: HttpRequest, limit: int) -> list[ImportJob]:
    user = user_of(request)
    return list(ImportJob.objects.filter(agency_id=user.agency_id or 0).select_related("upload", "requested_by")
                .order_by("-requested_at", "-id")[:limit])


@transaction.non_atomic_requests
@importer_required
@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    """Upload extracts; the saved mappings and the latest imports of the user's agency."""
    user = user_of(request)
    posted = request.method == "POST"
    form = UploadForm(request.POST if posted else None, request.FILES if posted else None,
                      agency_id=user.agency_id or 0)
    if form.is_bound and form.is_valid():
        try:
            upload = services.receive_upload(actor(request), user, form.cleaned_data["extracts"],
                                             form.cleaned_data["source"])
        except storage.UploadRefused as error:
            form.add_error("extracts", str(error))
        else:
            return HttpResponseRedirect(reverse("ingest:upload", args=[upload.pk]))
    with snapshot():
        mappings = list(SavedMapping.objects.filter(agency_id=user.agency_id or 0).prefetch_related("versions"))
        history = [(job, _rows(job)) for job in _history(request, 10)]
    return render(request, "ingest/index.html", {"form": form, "mappings": mappings, "history": history},
                  status=400 if form.is_bound else 200)


@transaction.non_atomic_requests
@importer_required
def upload_view(request: HttpRequest, upload_id: int) -> HttpResponse:
    """The mapping page: the files, a select of headers for each column, each code spelling with
    its count and a select of codes, the date forms; then every problem, or what the import
    would change, and the import."""
    upload = _upload(request, upload_id)
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    path = storage.package_path(upload.folder, upload.kind, upload.files)
    try:
        files = workspace.files_of(path)
    except PackageError as error:
        return render(request, "ingest/unreadable.html", {"upload": upload, "error": error}, status=400)
    mapping = Mapping.from_toml(upload.mapping_text, workspace.LABEL)
    codes = workspace.code_columns(path, mapping)
    workbook = upload.kind == Upload.Kind.WORKBOOK
    form = MappingForm(request.POST if request.method == "POST" else None, files=files, mapping=mapping,
                       codes=codes, workbook=workbook)
    if form.is_bound and form.is_valid():
        built = form.mapping()
        try:
            services.keep_mapping(actor(request), upload, built)
            name = form.cleaned_data["name"].strip()
            if name:
                version = services.save_mapping(actor(request), user_of(request), name, built)
                messages.success(request, f"Saved as {version}.")
        except ValidationError as error:  # a mapping longer than the database keeps
            form.add_error(None, "; ".join(error.messages))
        else:
            return HttpResponseRedirect(reverse("ingest:upload", args=[upload.pk]) + "#preview")
    with snapshot():
        seen = workspace.preview(path, mapping)
    tables = [t for t in snapshot_tables() if t in seen.counts]
    return render(request, "ingest/upload.html", {
        "upload": upload, "form": form, "preview": seen, "import_form": ImportForm(tables=tables),
        "workbook": workbook, "unreadable": [f for f in files if f.problem]},
        status=400 if form.is_bound else 200)


@transaction.non_atomic_requests
@importer_required
def start(request: HttpRequest, upload_id: int) -> HttpResponse:
    """Queue the import of the upload with its mapping as it stands; refused while it has problems."""
    upload = _upload(request, upload_id)  # a refusal first, whatever the method
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    path = storage.package_path(upload.folder, upload.kind, upload.files)
    with snapshot():
        seen = workspace.preview(path, Mapping.from_toml(upload.mapping_text, workspace.LABEL))
    form = ImportForm(request.POST, tables=[t for t in snapshot_tables() if t in seen.counts])
    if seen.problems:
        messages.error(request, f"Not imported: the files have {seen.total:,} problem{'s' if seen.total != 1 else ''}"
                                " (listed below).")
        return HttpResponseRedirect(reverse("ingest:upload", args=[upload.pk]) + "#preview")
    if not form.is_valid():
        messages.error(request, "Not imported: say for each table whether the extract is the whole table.")
        return HttpResponseRedirect(reverse("ingest:upload", args=[upload.pk]) + "#preview")
    job = services.queue_import(actor(request), user_of(request), upload, form.snapshot())
    return HttpResponseRedirect(reverse("ingest:job", args=[job.pk]))


@transaction.non_atomic_requests
@importer_required
def job_view(request: HttpRequest, job_id: int) -> HttpResponse:
    """A job's state: a progress bar while it runs (the page refreshes itself), its counts when done."""
    job = _job(request, job_id)  # a refusal first, whatever the method
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    job = jobs.settle(job)
    progress = storage.read_progress(job.upload.folder, job.pk) if job.status == ImportJob.Status.RUNNING else None
    percent = 0
    if progress and progress.get("total"):
        percent = min(100, int(100 * int(progress["done"]) / max(1, int(progress["total"]))))
    return render(request, "ingest/job.html", {"job": job, "progress": progress, "percent": percent,
                                               "rows": _rows(job)})


@transaction.non_atomic_requests
@importer_required
@require_GET
def history(request: HttpRequest) -> HttpResponse:
    """Every import of the agency's uploads: who, when, the files' SHA-256, rows per table."""
    with snapshot():
        done = _history(request, HISTORY)
    return render(request, "ingest/history.html", {"history": [(job, _rows(job)) for job in done]})


def _rows(job: ImportJob) -> list[dict[str, Any]]:
    return [{"table": table, **counts} for table, counts in (job.counts or {}).items()]
