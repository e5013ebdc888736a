"""Treatment episodes of a person: the list, adding and editing, for case workers who see health
information only (``health_case_worker_required``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from iomhub.web.forms import saved, today
from iomhub.web.requests import actor
from iomhub.web.treatment.forms import FIELDS, TreatmentEpisodeForm
from iomhub.web.treatment.models import TreatmentEpisode
from iomhub.web.treatment.services import save_episode
from iomhub.web.visibility import Refused, consulted, health_case_worker_required, visible_nominal


@health_case_worker_required
def episodes(request: HttpRequest, nominal_id: str) -> HttpResponse:
    nominal = visible_nominal(request, nominal_id)
    consulted(request, nominal, "treatment episodes")
    return render(request, "treatment/episodes.html", {
        "nominal": nominal, "episodes": TreatmentEpisode.objects.filter(nominal=nominal).order_by("-start_date")})


@health_case_worker_required
def edit(request: HttpRequest, nominal_id: str, episode_id: str | None = None) -> HttpResponse:
    nominal = visible_nominal(request, nominal_id)
    episode = None
    if episode_id is not None:
        episode = TreatmentEpisode.objects.filter(nominal=nominal, episode_id=episode_id).first()
        if episode is None:
            raise Refused("treatment.treatmentepisode", episode_id[:100], nominal.nominal_id)
    initial = {name: getattr(episode, name) for name in FIELDS} if episode else {}
    form = TreatmentEpisodeForm(request.POST if request.method == "POST" else None, initial=initial,
                                today=today())
    if (done := saved(request, form, lambda data: save_episode(actor(request), nominal, data, episode),
                      lambda *_: ("Treatment episode saved." if episode is None else "Treatment episode changed.",
                                  reverse("treatment:episodes", args=[nominal.nominal_id])))):
        return done
    if request.method == "GET":
        consulted(request, nominal, "treatment episode form")
    return render(request, "treatment/edit.html", {"nominal": nominal, "form": form, "episode": episode})
