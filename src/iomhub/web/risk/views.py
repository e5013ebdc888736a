"""Changing a person's risk tier."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from iomhub.web.forms import add_errors
from iomhub.web.people.services import record_consultation
from iomhub.web.requests import actor
from iomhub.web.risk.forms import TierForm
from iomhub.web.risk.services import change_tier, current_tier
from iomhub.web.visibility import visible_nominal


@login_required
@require_http_methods(["GET", "POST"])
def change(request: HttpRequest, nominal_id: str) -> HttpResponse:
    nominal = visible_nominal(request, nominal_id)
    form = TierForm(request.POST or None, initial={"assessed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            change_tier(actor(request), nominal, data["tier"], data["assessed_on"], data["rationale"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Risk tier recorded.")
            return HttpResponseRedirect(reverse("people:detail", args=[nominal.nominal_id]) + "#timeline")
    record_consultation(actor(request), nominal, "risk tier form")
    return render(request, "risk/change.html", {"form": form, "person": nominal,
                                                "current": current_tier(nominal, timezone.localdate())},
                  status=400 if form.is_bound else 200)
