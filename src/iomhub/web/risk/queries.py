"""Reading tiers: the tier on a date is the latest assessment on or before it; two on one day
resolve to the more severe (as the report does)."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, IntegerField, Value, When

from iomhub.domain.codes import TIER_SEVERITY


def severity() -> Case:
    return Case(*(When(tier=tier, then=Value(rank)) for tier, rank in TIER_SEVERITY.items()),
                default=Value(0), output_field=IntegerField())


def latest_first(assessments: Any) -> Any:
    return assessments.annotate(severity=severity()).order_by("-assessed_on", "-severity", "-id")
