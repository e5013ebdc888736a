"""Recording and changing custody periods and supervision of a person."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from iomhub.web.custody.forms import CustodyForm, SupervisionForm
from iomhub.web.custody.models import CustodyPeriod, Supervision
from iomhub.web.custody.services import save_custody_period, save_supervision
from iomhub.web.forms import saved
from iomhub.web.people.links import person_url
from iomhub.web.requests import actor
from iomhub.web.visibility import Refused, consulted, visible_nominal

KINDS: dict[str, tuple[Any, Any, Any, str]] = {
    "custody": (CustodyPeriod, CustodyForm, save_custody_period, "custody period"),
    "supervision": (Supervision, SupervisionForm, save_supervision, "supervision"),
}


def _form(request: HttpRequest, nominal_id: str, kind: str, pk: int | None = None) -> HttpResponse:
    model, form_class, save, what = KINDS[kind]
    nominal = visible_nominal(request, nominal_id)
    record = model(nominal=nominal)
    if pk is not None:
        record = model.objects.filter(nominal=nominal, pk=pk).first()
        if record is None:
            raise Refused(model._meta.label_lower, str(pk), nominal.nominal_id)
    form = form_class(request.POST or None, instance=record)
    if (done := saved(request, form,
                      lambda _: save(actor(request), form.instance, reason=f"{what} {'changed' if pk else 'recorded'}"),
                      lambda *_: (f"{what.capitalize()} saved.", person_url(nominal, "timeline")))):
        return done
    consulted(request, nominal, f"{what} form")
    return render(request, "custody/form.html", {"form": form, "person": nominal, "what": what, "editing": pk},
                  status=400 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def add_custody(request: HttpRequest, nominal_id: str) -> HttpResponse:
    return _form(request, nominal_id, "custody")


@login_required
@require_http_methods(["GET", "POST"])
def edit_custody(request: HttpRequest, nominal_id: str, pk: int) -> HttpResponse:
    return _form(request, nominal_id, "custody", pk)


@login_required
@require_http_methods(["GET", "POST"])
def add_supervision(request: HttpRequest, nominal_id: str) -> HttpResponse:
    return _form(request, nominal_id, "supervision")


@login_required
@require_http_methods(["GET", "POST"])
def edit_supervision(request: HttpRequest, nominal_id: str, pk: int) -> HttpResponse:
    return _form(request, nominal_id, "supervision", pk)
