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
    """Episodes covering ``on`` of the people ``user`` may see, annotated ``tier``, ``in_custody``
    and ``lead_agency`` (:func:`ordered` adds the ranks a sort needs)."""
    visible = Nominal.objects.visible_to(user).values("nominal_id")
    supervision = (Supervision.objects.filter(_covering(on), nominal_id=OuterRef("nominal_id"))
                   .order_by("-start_date", "-id"))
    return (CohortEpisode.objects.filter(_covering(on), nominal_id__in=visible).select_related("nominal")
            .annotate(tier=Subquery(_tier_on(on).values("tier")[:1]),
                      in_custody=Exists(CustodyPeriod.objects.filter(_covering(on), nominal_id=OuterRef("nominal_id"))),
                      lead_agency=Coalesce(Subquery(supervision.values("provider")[:1]), Value("police"))))


def _tier_on(on: date) -> Any:
    """The assessment in force on ``on`` of the outer row's person, first."""
    return latest_first(RiskAssessment.objects.filter(nominal_id=OuterRef("nominal_id"), assessed_on__lte=on))


def _ranked(rows: Any, on: date, key: str) -> Any:
    """``rows`` with the rank that sorting by ``key`` (level, tier) needs: priority and red first."""
    if key == "level":
        ranks = {scheme: rank for rank, scheme in enumerate(SCHEMES, start=1)}
        return rows.annotate(level_rank=Case(*(When(scheme=s, then=Value(r)) for s, r in ranks.items()),
                                             default=Value(0), output_field=IntegerField()))
    if key == "tier":
        by_severity = sorted(TIER_SEVERITY, key=TIER_SEVERITY.__getitem__, reverse=True)
        rank = Case(*(When(tier=t, then=Value(r)) for r, t in enumerate(by_severity, start=1)),
                    default=Value(len(by_severity) + 1), output_field=IntegerField())
        # ranked inside one subquery: a rank written over the ``tier`` annotation would repeat
        # its subquery once per tier
        return rows.annotate(tier_rank=Coalesce(Subquery(_tier_on(on).annotate(rank=rank).values("rank")[:1]),
                                                Value(len(by_severity) + 1)))
    return rows


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


def ordered(rows: Any, sort: str, on: date) -> Any:
    """``sort`` is a column of :data:`ORDERINGS`, ``-`` first for descending; unknown → by name."""
    descending = sort.startswith("-")
    key = sort.lstrip("-") if sort.lstrip("-") in ORDERINGS else "name"
    fields = ORDERINGS[key]
    if descending:
        fields = [f"-{fields[0]}", *fields[1:]]
    return _ranked(rows, on, key).order_by(*fields)


def areas(user: Any) -> list[str]:
    return list(Nominal.objects.visible_to(user).exclude(area="").order_by("area")
                .values_list("area", flat=True).distinct())
