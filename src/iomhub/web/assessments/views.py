"""Needs assessments: the form, and each person's progress over the seven pathways."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe

from iomhub.domain.codes import PATHWAY_TITLES, PATHWAYS
from iomhub.reports.charts import line_chart, without_inline_style
from iomhub.web.assessments.forms import HEALTH, NeedsAssessmentForm
from iomhub.web.assessments.models import NeedScore
from iomhub.web.assessments.services import DuplicateAssessment, record_assessment
from iomhub.web.forms import saved, today, uk
from iomhub.web.people.models import Nominal
from iomhub.web.requests import actor
from iomhub.web.visibility import case_worker_required, consulted, visible_nominal


@dataclass(frozen=True)
class Cell:
    pathway: str
    score: int | None
    restricted: bool


@dataclass(frozen=True)
class Assessment:
    assessed_on: date
    cells: list[Cell]


def assessments_of(nominal: Nominal, can_see_health: bool) -> list[Assessment]:
    """The person's assessments, oldest first; health scores withheld unless ``can_see_health``."""
    by_date: dict[date, dict[str, int | None]] = {}
    for row in NeedScore.objects.filter(nominal=nominal).order_by("assessed_on", "pathway"):
        by_date.setdefault(row.assessed_on, {})[row.pathway] = row.score
    return [Assessment(day, [Cell(p, None if p == HEALTH and not can_see_health else scores.get(p),
                                  p == HEALTH and not can_see_health) for p in PATHWAYS])
            for day, scores in by_date.items()]


def progress_chart(nominal: Nominal, assessments: list[Assessment], can_see_health: bool) -> str:
    """One line per pathway over the assessment dates (the health line only for those who may see it)."""
    labels = [uk(a.assessed_on) for a in assessments]
    series = [(PATHWAY_TITLES[p], [float(c.score) if c.score is not None else None
                                   for a in assessments for c in a.cells if c.pathway == p])
              for p in PATHWAYS if p != HEALTH or can_see_health]
    svg = line_chart(f"needs-{nominal.pk}", f"Needs scores of {nominal.nominal_id} by pathway (0 = no need, "
                     "10 = highest need)", labels if assessments else [], series)
    return without_inline_style(svg)  # the strict CSP refuses inline styles; app.css sets the font


@case_worker_required
def progress(request: HttpRequest, nominal_id: str) -> HttpResponse:
    nominal = visible_nominal(request, nominal_id)
    consulted(request, nominal, "needs assessments")
    can_see_health = bool(getattr(request.user, "can_see_health", False))
    assessments = assessments_of(nominal, can_see_health)
    return render(request, "assessments/progress.html", {
        "nominal": nominal, "assessments": list(reversed(assessments)), "can_see_health": can_see_health,
        "pathways": [(p, PATHWAY_TITLES[p]) for p in PATHWAYS],
        "chart": mark_safe(progress_chart(nominal, assessments, can_see_health)),  # the chart escapes every label
    })


@case_worker_required
def new(request: HttpRequest, nominal_id: str) -> HttpResponse:
    nominal = visible_nominal(request, nominal_id)
    can_see_health = bool(getattr(request.user, "can_see_health", False))
    form = NeedsAssessmentForm(request.POST if request.method == "POST" else None, nominal=nominal,
                               can_see_health=can_see_health, today=today())

    def change(data: dict[str, Any]) -> list[NeedScore]:
        try:
            return record_assessment(actor(request), nominal, data["assessed_on"], form.scores())
        except DuplicateAssessment:
            raise ValidationError({"assessed_on": f"An assessment dated {uk(data['assessed_on'])} is already "
                                                  f"recorded for {nominal.nominal_id}: only one assessment can "
                                                  "be recorded on a date"}) from None

    if (done := saved(request, form, change,
                      lambda _, data: (f"Needs assessment of {uk(data['assessed_on'])} saved.",
                                       reverse("assessments:progress", args=[nominal.nominal_id])))):
        return done
    if request.method == "GET":
        consulted(request, nominal, "needs assessment form")
    return render(request, "assessments/new.html", {"nominal": nominal, "form": form,
                                                    "can_see_health": can_see_health})
