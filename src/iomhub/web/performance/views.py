"""The dashboard: the Foundation report computed live from the database, and its downloads.

Aggregate figures only (no names), for every role of a partner agency; users of an agency
outside the partnership get a 404 (logged, and audited as a refusal). Showing the report is a
consultation; a download is a disclosure, with the justification and recipient asked for
first. The audit row is written in the request's transaction (``ATOMIC_REQUESTS``), except on the
dashboard (see ``dashboard``).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from iomhub.reports.formatting import EM_DASH, SMALL_NUMBERS_TEXT
from iomhub.reports.html_renderer import render_html, shown_sections
from iomhub.reports.json_renderer import render_json
from iomhub.reports.model import Report, build_report
from iomhub.reports.sections import build_view
from iomhub.web.accounts import permissions
from iomhub.web.audit.constants import Operation
from iomhub.web.audit.context import audited
from iomhub.web.pages import page
from iomhub.web.performance import headline
from iomhub.web.performance.cache import Version, cached_fragment, cached_report, data_version
from iomhub.web.performance.data import package_at
from iomhub.web.performance.forms import DisclosureForm, ReportForm, period_form
from iomhub.web.requests import actor
from iomhub.web.snapshots import snapshot
from iomhub.web.visibility import refuse

OBJECT_TYPE = "performance.report"
FORMATS = {"json": "application/json", "html": "text/html"}


def may_see_reports(user: Any) -> bool:
    """Any role of an agency in the IOM partnership: the report holds aggregate figures only."""
    return permissions.sees_figures(user)


def _detail(form: ReportForm, **extra: Any) -> dict[str, Any]:
    return {**form.query(), **extra}


def _report(form: ReportForm, version: Version | None = None) -> Report:
    params = form.params()
    at = data_version() if version is None else version
    return cached_report(params, lambda: build_report(package_at(at), params), at)


def _report_html(form: ReportForm) -> str:
    """The report part of the dashboard, rendered once per data version, period and download
    links (it shows nothing about the user), then kept (``performance/cache.py``)."""
    version = data_version()
    query = urlencode(form.query())

    def render_report() -> str:
        shown = build_view(_report(form, version))
        sections = shown_sections(shown.sections, inline_style=False)
        return render_to_string("performance/_report.html", {
            "em_dash": EM_DASH, "small_numbers_text": SMALL_NUMBERS_TEXT, "sections": sections,
            "opening": sections[:shown.before_notes], "rest": sections[shown.before_notes:], "notes": shown.notes,
            "facts": shown.facts,
            "downloads": [(f"{reverse('performance:download', args=[kind])}?{query}", label)
                          for kind, label in (("json", "JSON (for other tools)"),
                                              ("html", "HTML (the board report)"))]})
    return cached_fragment(version, f"{form.params()!r} {query}", render_report)


@transaction.non_atomic_requests
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The headline tiles of the current quarter and the trends of the last eight, each leading
    to its detail (``performance/headline.py``). Read in a snapshot and audited in its own
    transaction afterwards, as the report page is (see ``report``)."""
    if not may_see_reports(request.user):
        return refuse(request, OBJECT_TYPE)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    today = timezone.localdate()
    with snapshot():
        shown = headline.dashboard(request.user, data_version(), today)
    with audited(actor(request)) as audit:
        audit.record(Operation.CONSULTATION, object_type=OBJECT_TYPE, object_id="headline",
                     detail={"quarter": shown.quarter.code, "today": today.isoformat()})
    return page(request, "performance/headline.html", {"dashboard": shown})


@transaction.non_atomic_requests
@login_required
def report(request: HttpRequest) -> HttpResponse:
    """The report for the chosen period, with links to download it. The access check comes before
    the method's, so no answer tells an outsider that a route exists.

    Not in a request-long transaction: computing a report reads every table for up to a second,
    and on SQLite a writing transaction holds the write lock, so every other page would wait for
    it. The figures (aggregates, nothing about a person) are read first, in a snapshot that takes
    no lock (``iomhub.web.snapshots``), together with the data version they are kept under; the
    consultation's audit row is then committed in its own transaction before the page is drawn.
    """
    if not may_see_reports(request.user):
        return refuse(request, OBJECT_TYPE)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    form = period_form(request.GET)
    context: dict[str, Any] = {"form": form}
    if form.is_valid():
        with snapshot():
            context["report_html"] = _report_html(form)
        with audited(actor(request)) as audit:
            audit.record(Operation.CONSULTATION, object_type=OBJECT_TYPE, object_id="dashboard",
                         detail=_detail(form))
    return page(request, "performance/report.html", context)


@login_required
def download(request: HttpRequest, kind: str) -> HttpResponse:
    """The report as a file, once the justification and recipient of the disclosure are given."""
    if not may_see_reports(request.user) or kind not in FORMATS:
        return refuse(request, OBJECT_TYPE, f"report.{kind}"[:100])
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    data = request.POST if request.method == "POST" else request.GET
    form = period_form(data)
    disclosure = DisclosureForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and disclosure.is_valid():
        report = _report(form)
        body = render_json(report) if kind == "json" else render_html(report)
        justification = disclosure.cleaned_data["justification"]
        recipient = disclosure.cleaned_data["recipient"]
        with audited(actor(request), justification=justification, recipient=recipient) as audit:
            audit.record(Operation.DISCLOSURE, object_type=OBJECT_TYPE, object_id=f"report.{kind}",
                         detail=_detail(form, format=kind))
        response = HttpResponse(body, content_type=f"{FORMATS[kind]}; charset=utf-8")
        period = form.params().period
        response["Content-Disposition"] = (
            f'attachment; filename="iom-performance-{period.start:%Y%m%d}-{period.end:%Y%m%d}.{kind}"')
        return response
    form.is_valid()
    return render(request, "performance/download.html",
                  {"form": form, "disclosure": disclosure, "kind": kind, "label": kind.upper()},
                  status=400 if request.method == "POST" else 200)

