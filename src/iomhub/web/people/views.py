"""The person page (one timeline), adding a note, the person create and edit forms, and flags.

Every view finds its person through ``visibility.visible_nominal`` (a logged, audited 404 when the
user may not see them) and commits a consultation audit row before it shows anything about them.
The person page reads in a snapshot that takes no write lock (``iomhub.web.snapshots``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from iomhub.web.accounts import permissions
from iomhub.web.accounts.names import display_names
from iomhub.web.cohort.leads import current_leads, known_areas
from iomhub.web.forms import form_page, saved
from iomhub.web.pages import page
from iomhub.web.people import timeline as people_timeline
from iomhub.web.people.duplicates import duplicate_check
from iomhub.web.people.forms import EndFlagForm, FlagForm, NominalForm, NoteForm, TimelineFilterForm
from iomhub.web.people.links import person_url
from iomhub.web.people.models import Flag, Nominal
from iomhub.web.people.position import position
from iomhub.web.people.purpose import PurposeForm, safe_next, state
from iomhub.web.people.search import Query, find
from iomhub.web.people.services import add_flag, add_note, end_flag, record_search, save_nominal
from iomhub.web.requests import actor
from iomhub.web.snapshots import snapshot
from iomhub.web.visibility import (
    Refused,
    case_worker_required,
    consulted,
    refuse,
    user_of,
    visible_nominal,
    visible_people,
)

# Where a search result leads, by the page that asked for it (``?for=``): the person page by default.
PICKERS = {"refer": "referrals:create"}
FILTERS = {"kind", "agency", "since", "until"}


TIMELINE_PAGE = 20


def _person_context(request: HttpRequest, nominal: Nominal, note_form: NoteForm) -> dict[str, Any]:
    """Everything the person page shows, read now (the page is drawn after its audit row): the
    current position, then the timeline as filtered (``?kind=&agency=&since=&until=``) and paged."""
    today = timezone.localdate()
    record = people_timeline.Record.of(nominal)
    summary = people_timeline.summary(nominal, today, record)
    entries = people_timeline.timeline(nominal, request.user, record)
    filters = TimelineFilterForm(request.GET if set(request.GET) & FILTERS else None)
    if filters.is_bound and filters.is_valid():
        entries = people_timeline.filtered(entries, **{name: filters.cleaned_data[name] for name in FILTERS})
    timeline_page = Paginator(entries, TIMELINE_PAGE).get_page(request.GET.get("page"))
    corrections = list(nominal.corrections.all()[:50])
    query = urlencode([(name, request.GET[name]) for name in sorted(FILTERS) if request.GET.get(name)])
    return {"person": nominal, "today": today, **summary, **position(nominal, request.user, today, summary["episode"]),
            "timeline": list(timeline_page.object_list), "timeline_page": timeline_page, "timeline_query": query,
            "timeline_total": len(entries), "filters": filters, "filtered": filters.is_bound,
            "note_form": note_form, "corrections": corrections,
            "names": display_names(change.made_by for change in corrections), "leads": current_leads(nominal)}


def _person_page(request: HttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    consulted(request, context["person"], "person page")  # committed before it is shown
    return page(request, "people/detail.html", context, status=status)


@login_required
@transaction.non_atomic_requests
def detail(request: HttpRequest, nominal_id: str) -> HttpResponse:
    """The person page: read in a snapshot, then its consultation committed, then drawn."""
    with snapshot():
        nominal = visible_nominal(request, nominal_id)  # access first: a refused user never learns the methods
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET"])
        context = _person_context(request, nominal, NoteForm(can_see_health=user_of(request).can_see_health))
    return _person_page(request, context)


@login_required
@transaction.non_atomic_requests
def profile(request: HttpRequest, nominal_id: str) -> HttpResponse:
    """The one-page printable profile: who the person is, their current position, open actions,
    flags and the latest notes (no forms, no navigation when printed)."""
    with snapshot():
        nominal = visible_nominal(request, nominal_id)
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET"])
        today = timezone.localdate()
        record = people_timeline.Record.of(nominal)
        summary = people_timeline.summary(nominal, today, record)
        notes = [entry for entry in people_timeline.timeline(nominal, request.user, record) if entry.kind == "note"]
        context = {"person": nominal, "today": today, **summary,
                   **position(nominal, request.user, today, summary["episode"]), "notes": notes[:3]}
    consulted(request, nominal, "printable profile")
    return page(request, "people/profile.html", context)


@login_required
def note(request: HttpRequest, nominal_id: str) -> HttpResponse:
    nominal = visible_nominal(request, nominal_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = NoteForm(request.POST, can_see_health=user_of(request).can_see_health)
    if (done := saved(request, form, lambda data: add_note(actor(request), nominal, data["text"], data["visibility"]),
                      lambda *_: ("Note added.", person_url(nominal)))):  # the banner, then the note as the latest
        return done
    return _person_page(request, _person_context(request, nominal, form), status=400)


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    if not permissions.works_on_cases(request.user):  # who may see people may add them; no one else
        return refuse(request, "people.nominal")
    form = NominalForm(request.POST or None, areas=known_areas())
    duplicates = duplicate_check(request, form)
    if not duplicates.blocks and (done := saved(
            request, form, lambda _: save_nominal(actor(request), form.instance,
                                                  reason=" ".join(("person added", duplicates.reason)).strip()),
            lambda added, _: (f"{added} added.", person_url(added)))):
        return done
    return form_page(request, "people/form.html", {"form": form, "person": None, "duplicates": duplicates,
                                                   "duplicate_form": duplicates.form},
                     form, duplicates.form)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, nominal_id: str) -> HttpResponse:
    nominal = visible_nominal(request, nominal_id)
    form = NominalForm(request.POST or None, instance=nominal, areas=known_areas())
    if (done := saved(request, form,
                      lambda _: save_nominal(actor(request), form.instance, reason="person's details changed"),
                      lambda *_: ("Details saved.", person_url(nominal)))):
        return done
    consulted(request, nominal, "edit form")
    return render(request, "people/form.html", {"form": form, "person": nominal},
                  status=400 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def add_flag_view(request: HttpRequest, nominal_id: str) -> HttpResponse:
    """Record a flag of the person (``people.constants.Flag``) from a start date."""
    nominal = visible_nominal(request, nominal_id)
    form = FlagForm(request.POST or None)
    if (done := saved(request, form,
                      lambda data: add_flag(actor(request), nominal, data["flag"], data["start_date"],
                                            data["end_date"]),
                      lambda added, _: (f"Flag added: {added.get_flag_display()}.", person_url(nominal)))):
        return done
    consulted(request, nominal, "flag form")
    return render(request, "people/flag_form.html", {"form": form, "person": nominal, "flag": None},
                  status=400 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def end_flag_view(request: HttpRequest, nominal_id: str, flag_id: int) -> HttpResponse:
    """End an open flag of the person on a date."""
    nominal = visible_nominal(request, nominal_id)
    flag = Flag.objects.filter(nominal=nominal, pk=flag_id).first()
    if flag is None:
        raise Refused("people.flag", str(flag_id), nominal.nominal_id)
    form = EndFlagForm(request.POST or None)
    if (done := saved(request, form, lambda data: end_flag(actor(request), flag, data["end_date"]),
                      lambda *_: (f"Flag ended: {flag.get_flag_display()}.", person_url(nominal)))):
        return done
    consulted(request, nominal, "end flag form")
    return render(request, "people/flag_form.html", {"form": form, "person": nominal, "flag": flag},
                  status=400 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def purpose(request: HttpRequest, nominal_id: str) -> HttpResponse:
    """Why the user is opening this person's record (``people.purpose``): asked before the record
    is shown, where the partnership requires it. The page shows the IOM id only."""
    nominal = visible_nominal(request, nominal_id, purpose=False)
    form = PurposeForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        state(request, nominal.nominal_id, form.statement())
        return HttpResponseRedirect(safe_next(request, nominal.nominal_id))
    return render(request, "people/purpose.html", {"form": form, "nominal_id": nominal.nominal_id,
                                                   "next": safe_next(request, nominal.nominal_id)},
                  status=400 if form.is_bound else 200)


@case_worker_required
@require_http_methods(["GET"])
def search(request: HttpRequest) -> HttpResponse:
    """Find anyone the user may see (``people.search``); each person shown is an audited consultation."""
    text = request.GET.get("q", "")[:200]
    query = Query.read(text, timezone.localdate())
    results = find(visible_people(request), query)
    record_search(actor(request), [item.person for item in results])
    picker = request.GET.get("for", "")
    target = reverse(PICKERS[picker]) if picker in PICKERS else ""
    rows = [(item, f"{target}?nominal_id={quote(item.person.nominal_id)}" if target else person_url(item.person))
            for item in results]
    return render(request, "people/search.html", {"query": query, "rows": rows, "picker": picker if target else "",
                                                  "searched": bool(text.strip())})
