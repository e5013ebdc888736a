"""The cohort list (who is on IOM on a date), and changing a person's level or ending their episode."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET, require_http_methods

from iomhub.domain.harm import DERIVATION, SOURCE
from iomhub.package.problems import PackageError
from iomhub.reports.selection import summary, weights_text
from iomhub.web.accounts import permissions
from iomhub.web.audit.constants import Operation
from iomhub.web.audit.context import audited
from iomhub.web.cohort import leads, listing
from iomhub.web.cohort.forms import (
    DEFAULT_TOP,
    SORTS,
    ChangeLevelForm,
    CohortFilterForm,
    ExitForm,
    LeadForm,
    SelectionForm,
    TransferForm,
)
from iomhub.web.cohort.models import CohortEpisode, LeadProfessional, LeadRole
from iomhub.web.cohort.selection import OBJECT_TYPE, audit_selection, rows_for, selection_from_database
from iomhub.web.cohort.services import change_level as change_level_service
from iomhub.web.cohort.services import current_episode, exit_episode
from iomhub.web.forms import saved
from iomhub.web.meetings.services import record_consultations
from iomhub.web.pages import page
from iomhub.web.people.links import person_url
from iomhub.web.people.models import Nominal
from iomhub.web.performance.cache import cached_list, data_version
from iomhub.web.performance.views import may_see_reports
from iomhub.web.requests import actor
from iomhub.web.snapshots import snapshot
from iomhub.web.visibility import (
    case_worker_required,
    consulted,
    refuse,
    user_of,
    visible_nominal,
    visible_people,
)

PAGE_SIZE = 50
COLUMNS = [("name", "Name"), ("level", "Level"), ("area", "Area"), ("tier", "Risk tier"), ("start", "On IOM since")]


@login_required
@require_GET
@transaction.non_atomic_requests
def cohort_list(request: HttpRequest) -> HttpResponse:
    """Everyone on IOM on a date (today unless chosen), filtered, sorted and 50 to a page. Read in
    a snapshot (``iomhub.web.snapshots``), then the consultation of the people shown is committed,
    then the page is drawn."""
    with snapshot():
        form = CohortFilterForm(request.GET or None, areas=listing.areas(request.user))
        filters: dict[str, Any] = {}
        if form.is_bound:
            form.is_valid()
            filters = {name: value for name, value in form.cleaned_data.items() if value}
        on = filters.pop("on", None) or timezone.localdate()
        sort = request.GET.get("sort", "name")
        if sort.lstrip("-") not in SORTS:
            sort = "name"
        visibility = Nominal.objects.visibility_key(request.user)
        query = urlencode(sorted(request.GET.lists()), doseq=True)
        listed = cached_list(data_version(), repr((visibility, on.isoformat(), query)),
                             lambda: _listed(request, on, filters, sort))
    with audited(actor(request)) as audit:  # a list of people is a consultation of each person on it
        audit.record(Operation.CONSULTATION, object_type="cohort list",
                     detail={"viewed": "cohort list", "on": on.isoformat(), "filters": {k: str(v) for k, v in
                                                                                       filters.items()},
                             "nominal_ids": listed.shown})
    return page(request, "cohort/list.html", {"form": form, "on": on, "count": listed.count,
                                              "table": listed.table, "today": on == timezone.localdate()})


@dataclass(frozen=True)
class Listed:
    """One page of the cohort list as drawn: the table and its page links, how many people the
    list holds, and who is shown (for the audit row)."""

    table: SafeString
    count: int
    shown: list[str]


def _listed(request: HttpRequest, on: date, filters: dict[str, Any], sort: str) -> Listed:
    """The page of the list the request asks for. It shows the same to every user who sees the
    same people (the key of ``cached_list``), and nothing about the user who asked first. It is
    drawn here, in the view's snapshot, only when not kept; a kept page is not drawn again."""
    rows = listing.ordered(listing.filtered(listing.cohort_on(request.user, on), **filters), sort, on)
    shown_page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    shown_page.object_list = list(shown_page.object_list)

    kept = request.GET.copy()
    kept.pop("page", None)
    kept.pop("sort", None)
    columns = []
    for key, label in COLUMNS:
        current = sort.lstrip("-") == key
        descending = sort.startswith("-")
        query = kept.copy()
        query["sort"] = f"-{key}" if current and not descending else key
        columns.append({"key": key, "label": label, "url": "?" + query.urlencode(),
                        "aria_sort": ("descending" if descending else "ascending") if current else "none"})
    paged = kept.copy()
    paged["sort"] = sort
    table = render_to_string("cohort/_table.html", {"page": shown_page, "columns": columns,
                                                     "query": paged.urlencode()})
    return Listed(SafeString(table), shown_page.paginator.count,
                  [row.nominal_id for row in shown_page.object_list])


@login_required
def selection(request: HttpRequest) -> HttpResponse:
    """Everyone in the offence data who is not on IOM nor in long custody, ranked by recency,
    frequency and gravity, with each score broken down (see ``cohort/selection.py`` for who sees
    names). The access check comes before the method's, so no answer tells an outsider the route
    exists."""
    if not may_see_reports(request.user):
        return refuse(request, OBJECT_TYPE)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    form = SelectionForm(request.GET or None)
    context: dict[str, Any] = {"form": form, "source": SOURCE,
                               "gravity": [(c.replace("_", " "), days, how) for c, (days, how) in DERIVATION.items()]}
    if form.is_bound and not form.is_valid():
        return render(request, "cohort/selection.html", context)
    data = form.cleaned_data if form.is_bound else {}
    try:
        result = selection_from_database(top=data.get("top") or DEFAULT_TOP, as_at=data.get("as_at"),
                                         today=timezone.localdate())
    except PackageError:  # no offences recorded: nobody to rank, nobody shown
        context["no_offences"] = True
        return render(request, "cohort/selection.html", context)
    visible = set(visible_people(request).filter(nominal_id__in=result.nominal_ids)
                  .values_list("nominal_id", flat=True))
    rows = rows_for(result, visible)
    audit_selection(actor(request), result, where="selection page", named=bool(visible))
    context.update(result=result, rows=rows, summary=summary(result), weights=weights_text(result.settings),
                   pseudonymised=any(not row.named for row in rows))
    return render(request, "cohort/selection.html", context)


def _person_form(request: HttpRequest, nominal_id: str, form_class: Any, template: str,
                 apply: Any, message: str) -> HttpResponse:
    nominal = visible_nominal(request, nominal_id)
    episode = current_episode(nominal)
    form = form_class(request.POST or None)
    if done := saved(request, form, lambda data: apply(nominal, data), lambda *_: (message, person_url(nominal))):
        return done
    consulted(request, nominal, template)
    return render(request, f"cohort/{template}.html", {"form": form, "person": nominal, "episode": episode},
                  status=400 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def change_level(request: HttpRequest, nominal_id: str) -> HttpResponse:
    def apply(nominal: Any, data: dict[str, Any]) -> None:
        change_level_service(actor(request), nominal, data["scheme"], data["on"], data["reason"])
    return _person_form(request, nominal_id, ChangeLevelForm, "change_level", apply, "Level changed.")


@login_required
@require_http_methods(["GET", "POST"])
def end_episode(request: HttpRequest, nominal_id: str) -> HttpResponse:
    def apply(nominal: Any, data: dict[str, Any]) -> None:
        exit_episode(actor(request), nominal, data["end"], data["exit_reason"])
    return _person_form(request, nominal_id, ExitForm, "exit", apply, "IOM management ended.")


@case_worker_required
def my_cohort(request: HttpRequest) -> HttpResponse:
    """The people the signed-in worker leads today, with their level and roles held."""
    user = user_of(request)
    people = list(leads.my_cohort(user))
    roles: dict[str, list[str]] = {}
    for lead in LeadProfessional.objects.filter(worker=user, ended_on__isnull=True,
                                                nominal_id__in=[p.nominal_id for p in people]):
        roles.setdefault(lead.nominal_id, []).append(lead.get_kind_display())
    day = timezone.localdate()
    levels = {e.nominal_id: e for e in CohortEpisode.objects.filter(nominal_id__in=[p.nominal_id for p in people],
                                                                    start_date__lte=day)
              .exclude(end_date__lt=day)}
    record_consultations(actor(request), people, "my cohort")
    rows = [(p, roles.get(p.nominal_id, []), levels.get(p.nominal_id)) for p in people]
    return render(request, "cohort/mine.html", {"rows": rows})


@case_worker_required
def caseloads(request: HttpRequest) -> HttpResponse:
    """Managers: how many people each worker leads, per role."""
    if not permissions.manages(request.user):
        return refuse(request, "cohort.caseloads")
    return render(request, "cohort/caseloads.html", {"rows": leads.caseloads(), "kinds": LeadRole.choices})


@case_worker_required
@require_http_methods(["GET", "POST"])
def lead_professionals(request: HttpRequest, nominal_id: str) -> HttpResponse:
    """A person's lead professionals now and before, and naming a new one."""
    nominal = visible_nominal(request, nominal_id)
    workers = leads.candidates()
    form = LeadForm(request.POST or None, workers=workers, initial={"on": timezone.localdate()})

    def change(data: dict[str, Any]) -> Any:
        return leads.assign_lead(actor(request), nominal, data["kind"], form.workers[data["worker"]], data["on"])

    if done := saved(request, form, change,
                     lambda lead, _: (f"{lead.worker.get_full_name() or lead.worker.username} is now the "
                                      f"{lead.get_kind_display().lower()} of {nominal}.",
                                      reverse("cohort:leads", args=[nominal.nominal_id]))):
        return done
    consulted(request, nominal, "lead professionals")
    return render(request, "cohort/leads.html", {"person": nominal, "form": form,
                                                 "current": leads.current_leads(nominal),
                                                 "history": leads.lead_history(nominal)},
                  status=400 if form.is_bound else 200)


@case_worker_required
@require_http_methods(["GET", "POST"])
def transfer(request: HttpRequest, nominal_id: str) -> HttpResponse:
    """Move a person to another of the unit's areas."""
    nominal = visible_nominal(request, nominal_id)
    form = TransferForm(request.POST or None, areas=leads.known_areas(), current=nominal.area)
    if done := saved(request, form, lambda data: leads.transfer_area(actor(request), nominal, data["area"],
                                                                     data["reason"]),
                     lambda moved, _: (f"{moved} transferred to {moved.area}.", person_url(moved))):
        return done
    consulted(request, nominal, "area transfer")
    return render(request, "cohort/transfer.html", {"person": nominal, "form": form},
                  status=400 if form.is_bound else 200)
