"""Referring a person (new or known) to the single referral meeting, and recording its decision."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from iomhub.web import choices
from iomhub.web.accounts import permissions
from iomhub.web.cohort.leads import known_areas
from iomhub.web.forms import form_page, saved
from iomhub.web.meetings.services import record_consultations
from iomhub.web.people.duplicates import DuplicateCheck, duplicate_check
from iomhub.web.people.forms import NominalForm
from iomhub.web.people.links import person_url
from iomhub.web.people.models import Nominal
from iomhub.web.people.search import resolve
from iomhub.web.referrals.forms import DecisionForm, ReferralForm
from iomhub.web.referrals.models import Referral
from iomhub.web.referrals.queue import queue as queue_items
from iomhub.web.referrals.services import decide as decide_service
from iomhub.web.referrals.services import refer
from iomhub.web.requests import actor
from iomhub.web.visibility import (
    Refused,
    case_worker_required,
    consulted,
    refuse,
    user_of,
    visible_nominal,
    visible_people,
)

AGENCY_CODES = {code for code, _ in choices.AGENCIES}


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    if not permissions.works_on_cases(user):
        return refuse(request, "referrals.referral")
    kind = user.agency.kind if user.agency and user.agency.kind in AGENCY_CODES else ""
    kind = "probation" if kind in choices.RETIRED else kind  # one Probation Service since 2021
    initial = {"referred_on": timezone.localdate(), "referring_agency": kind,
               "nominal_id": request.GET.get("nominal_id", "")}
    form = ReferralForm(request.POST or None, initial=initial, areas=known_areas())
    known = bool(request.POST.get("nominal_id", "").strip())
    person_form = NominalForm(None if known else request.POST or None, prefix="person")
    duplicates = duplicate_check(request, person_form) if not known else DuplicateCheck()
    chosen = None if request.method == "POST" else _chosen(request, request.GET.get("nominal_id", ""))
    if request.method == "POST" and form.is_valid():
        nominal: Nominal | None = None
        if known:  # the person as the search finds them (an IOM id, a name and date of birth, a PNC id)
            nominal, problem = resolve(visible_people(request), form.cleaned_data["nominal_id"], timezone.localdate())
            if nominal is None:
                form.add_error("nominal_id", problem)
        elif person_form.is_valid() and not duplicates.blocks:
            nominal = person_form.instance
        if nominal is not None and (done := saved(
                request, form, lambda data: refer(actor(request), nominal, data["referred_on"],
                                                  data["referring_agency"], data["area"],
                                                  reason=duplicates.reason, referral_reason=data["referral_reason"],
                                                  evidence=data["evidence"]),
                lambda referral, _: (f"{nominal} referred (referral {referral.referral_id}).", person_url(nominal)))):
            return done
    return form_page(request, "referrals/create.html", {"form": form, "person_form": person_form, "chosen": chosen,
                                                         "duplicates": duplicates, "duplicate_form": duplicates.form,
                                                         "for_referral": True},
                     form, duplicates.form)


def _chosen(request: HttpRequest, nominal_id: str) -> Nominal | None:
    """The person chosen from the search (``?nominal_id=``), shown by name on the form."""
    return visible_people(request).filter(nominal_id=nominal_id).first() if nominal_id else None


@login_required
@require_http_methods(["GET", "POST"])
def decide(request: HttpRequest, referral_id: str) -> HttpResponse:
    referral = Referral.objects.filter(referral_id=referral_id).select_related("nominal").first()
    if referral is None:
        raise Refused("referrals.referral", referral_id[:100])
    nominal = visible_nominal(request, referral.nominal_id)
    back = _back(request)
    form = DecisionForm(request.POST or None, initial={"decided_on": timezone.localdate()})
    if (done := saved(request, form,
                      lambda data: decide_service(actor(request), referral, data["outcome"], data["decided_on"],
                                                  scheme=data["scheme"], reason=data["reason"],
                                                  mappa_level=data["mappa_level"]),
                      lambda *_: (f"Decision on {nominal} recorded.", back or person_url(nominal)))):
        return done
    consulted(request, nominal, "referral decision")
    return render(request, "referrals/decide.html", {
        "form": form, "referral": referral, "person": nominal, "back": back,
        "own_referral": not permissions.decides_referral(request.user, referral.referred_by_id),
        "item": next(iter(queue_items(Nominal.objects.filter(pk=nominal.pk), timezone.localdate())), None)},
        status=400 if form.is_bound else 200)


def _back(request: HttpRequest) -> str:
    """Where to go after the decision: the queue or the agenda it was opened from (a path of
    this site), else the person's page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                                  require_https=request.is_secure()):
        return target
    return ""


@case_worker_required
def queue(request: HttpRequest) -> HttpResponse:
    """The pending referrals, oldest first, with what the meeting weighs, to decide from here."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    items = queue_items(visible_people(request), timezone.localdate())
    record_consultations(actor(request), [item.referral.nominal for item in items], "referral queue")
    return render(request, "referrals/queue.html", {"items": items})
