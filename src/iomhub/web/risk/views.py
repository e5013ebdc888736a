"""Changing a person's risk tier."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from iomhub.web.forms import saved
from iomhub.web.people.links import person_url
from iomhub.web.requests import actor
from iomhub.web.risk.forms import TierForm
from iomhub.web.risk.services import change_tier, current_tier
from iomhub.web.visibility import consulted, visible_nominal


@login_required
@require_http_methods(["GET", "POST"])
def change(request: HttpRequest, nominal_id: str) -> HttpResponse:
    nominal = visible_nominal(request, nominal_id)
    form = TierForm(request.POST or None, initial={"assessed_on": timezone.localdate()})
    if (done := saved(request, form,
                      lambda data: change_tier(actor(request), nominal, data["tier"], data["assessed_on"],
                                               data["rationale"]),
                      lambda *_: ("Risk tier recorded.", person_url(nominal, "timeline")))):
        return done
    consulted(request, nominal, "risk tier form")
    return render(request, "risk/change.html", {"form": form, "person": nominal,
                                                "current": current_tier(nominal, timezone.localdate())},
                  status=400 if form.is_bound else 200)
