"""Risk tier changes, each with its rationale, in one audited transaction."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError

from iomhub.web.audit.constants import Operation
from iomhub.web.audit.context import Actor, audited
from iomhub.web.people.models import Nominal
from iomhub.web.risk.models import RiskAssessment


def current_tier(nominal: Nominal, on: date) -> RiskAssessment | None:
    """The assessment in force on ``on``: the latest on or before it (the more severe of two on one day)."""
    from iomhub.web.risk.queries import latest_first

    assessment: RiskAssessment | None = latest_first(
        RiskAssessment.objects.filter(nominal=nominal, assessed_on__lte=on)).first()
    return assessment


def change_tier(actor: Actor, nominal: Nominal, tier: str, assessed_on: date, rationale: str) -> RiskAssessment:
    """Record a new risk tier for a person from ``assessed_on``, with why."""
    if not rationale.strip():
        raise ValidationError("Enter the rationale for the tier.", code="no_rationale")
    with audited(actor, justification=rationale.strip()) as audit:
        previous = current_tier(nominal, assessed_on)
        assessment = RiskAssessment(nominal=nominal, tier=tier, assessed_on=assessed_on, rationale=rationale.strip())
        assessment.full_clean()
        assessment.save()
        audit.record(Operation.COLLECTION, assessment, nominal_id=nominal.nominal_id,
                     detail={"tier": {"old": previous.tier if previous else None, "new": tier},
                             "assessed_on": assessed_on.isoformat()})
    return assessment
