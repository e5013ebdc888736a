"""Who is on IOM on a date, with their tier, custody status and lead agency: the cohort list's query.

One row per person with an episode covering the date (episodes do not overlap); the tier is the
latest assessment on or before the date; "in custody" means a custody period covers the date;
the lead agency is the provider of supervision covering the date, else the police.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from iomhub.domain.codes import SCHEMES, TIER_SEVERITY
from iomhub.web.cohort.models import CohortEpisode
from iomhub.web.custody.models import CustodyPeriod, Supervision
from iomhub.web.people.models import Nominal
from iomhub.web.risk.models import RiskAssessment
from iomhub.web.risk.queries import latest_first

ORDERINGS: dict[str, list[str]] = {
    "name": ["nominal__family_name", "nominal__given_names", "nominal_id"],
    "level": ["level_rank", "nominal__family_name", "nominal_id"],
    "area": ["nominal__area", "nominal__family_name", "nominal_id"],
    "tier": ["tier_rank", "nominal__family_name", "nominal_id"],
    "start": ["start_date", "nominal__family_name", "nominal_id"],
}


def _covering(on: date) -> Q:
    return Q(start_date__lte=on) & (Q(end_date__isnull=True) | Q(end_date__gte=on))


def cohort_on(user: Any, on: date) -> Any:
    """Episodes covering ``on`` of the people ``user`` may see, annotated ``tier``, ``tier_rank``,
    ``in_custody``, ``lead_agency`` and ``level_rank``."""
    visible = Nominal.objects.visible_to(user).values("nominal_id")
    tier = latest_first(RiskAssessment.objects.filter(nominal_id=OuterRef("nominal_id"), assessed_on__lte=on))
    supervision = (Supervision.objects.filter(_covering(on), nominal_id=OuterRef("nominal_id"))
                   .order_by("-start_date", "-id"))
    ranks = {scheme: rank for rank, scheme in enumerate(SCHEMES, start=1)}  # priority first
    tier_ranks = {tier: rank for rank, tier in enumerate(sorted(TIER_SEVERITY, key=TIER_SEVERITY.__getitem__,
                                                                reverse=True), start=1)}  # red first
    return (CohortEpisode.objects.filter(_covering(on), nominal_id__in=visible).select_related("nominal")
            .annotate(tier=Subquery(tier.values("tier")[:1]),
                      in_custody=Exists(CustodyPeriod.objects.filter(_covering(on), nominal_id=OuterRef("nominal_id"))),
                      lead_agency=Coalesce(Subquery(supervision.values("provider")[:1]), Value("police")),
                      level_rank=Case(*(When(scheme=s, then=Value(r)) for s, r in ranks.items()),
                                      default=Value(0), output_field=IntegerField()))
            .annotate(tier_rank=Case(*(When(tier=t, then=Value(r)) for t, r in tier_ranks.items()),
                                     default=Value(len(tier_ranks) + 1), output_field=IntegerField())))


def filtered(rows: Any, *, level: str = "", area: str = "", tier: str = "", status: str = "", lead: str = "") -> Any:
    if level:
        rows = rows.filter(scheme=level)
    if area:
        rows = rows.filter(nominal__area=area)
    if tier == "none":
        rows = rows.filter(tier__isnull=True)
    elif tier:
        rows = rows.filter(tier=tier)
    if status:
        rows = rows.filter(in_custody=status == "custody")
    if lead:
        rows = rows.filter(lead_agency=lead)
    return rows


def ordered(rows: Any, sort: str) -> Any:
    """``sort`` is a column of :data:`ORDERINGS`, ``-`` first for descending; unknown → by name."""
    descending = sort.startswith("-")
    fields = ORDERINGS.get(sort.lstrip("-"), ORDERINGS["name"])
    if descending:
        fields = [f"-{fields[0]}", *fields[1:]]
    return rows.order_by(*fields)


def areas(user: Any) -> list[str]:
    return list(Nominal.objects.visible_to(user).exclude(area="").order_by("area")
                .values_list("area", flat=True).distinct())
