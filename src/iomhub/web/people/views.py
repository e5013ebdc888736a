"""The person page (one timeline), adding a note, the person create and edit forms, and flags.

Every view finds its person through ``visibility.visible_nominal`` (a logged, audited 404 when the
user may not see them) and commits a consultation audit row before it shows anything about them.
The person page reads in a snapshot that takes no write lock (``iomhub.web.snapshots``).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from iomhub.web.accounts import permissions
from iomhub.web.cohort.leads import current_leads
from iomhub.web.forms import saved
from iomhub.web.pages import page
from iomhub.web.people import timeline as people_timeline
from iomhub.web.people.forms import EndFlagForm, FlagForm, NominalForm, NoteForm
from iomhub.web.people.links import person_url
from iomhub.web.people.models import Flag, Nominal
from iomhub.web.people.purpose import PurposeForm, safe_next, state
from iomhub.web.people.services import add_flag, add_note, end_flag, save_nominal
from iomhub.web.requests import actor
from iomhub.web.snapshots import snapshot
from iomhub.web.visibility import Refused, consulted, refuse, user_of, visible_nominal


def _person_context(request: HttpRequest, nominal: Nominal, note_form: NoteForm) -> dict[str, Any]:
    """Everything the person page shows, read now (the page is drawn after its audit row)."""
    today = timezone.localdate()
    record = people_timeline.Record.of(nominal)
    return {"person": nominal, "today": today, **people_timeline.summary(nominal, today, record),
            "timeline": people_timeline.timeline(nominal, request.user, record), "note_form": note_form,
            "corrections": list(nominal.corrections.all()[:50]), "leads": current_leads(nominal)}


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
def note(request: HttpRequest, nominal_id: str) -> HttpResponse:
    nominal = visible_nominal(request, nominal_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = NoteForm(request.POST, can_see_health=user_of(request).can_see_health)
    if (done := saved(request, form, lambda data: add_note(actor(request), nominal, data["text"], data["visibility"]),
                      lambda *_: ("Note added.", person_url(nominal, "notes")))):
        return done
    return _person_page(request, _person_context(request, nominal, form), status=400)


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    if not permissions.works_on_cases(request.user):  # who may see people may add them; no one else
        return refuse(request, "people.nominal")
    form = NominalForm(request.POST or None)
    if (done := saved(request, form, lambda _: save_nominal(actor(request), form.instance, reason="person added"),
                      lambda added, _: (f"{added} added.", person_url(added)))):
        return done
    return render(request, "people/form.html", {"form": form, "person": None},
                  status=400 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, nominal_id: str) -> HttpResponse:
    nominal = visible_nominal(request, nominal_id)
    form = NominalForm(request.POST or None, instance=nominal)
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
