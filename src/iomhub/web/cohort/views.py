"""The cohort list: who is on IOM today."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from iomhub.web.people.models import Nominal


@login_required
def cohort_list(request: HttpRequest) -> HttpResponse:
    people = Nominal.objects.visible_to(request.user).order_by("family_name", "given_names")[:50]
    return render(request, "cohort/list.html", {"people": people})
