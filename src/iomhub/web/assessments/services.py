"""State changes of needs assessments: one function, one transaction, its audit rows inside."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from django.db import IntegrityError

from iomhub.domain.codes import PATHWAYS
from iomhub.web.assessments.models import NeedScore
from iomhub.web.audit.constants import Operation
from iomhub.web.audit.context import Actor, audited
from iomhub.web.people.models import Nominal


class DuplicateAssessment(ValueError):
    """The person already has an assessment on that date."""


def record_assessment(actor: Actor, nominal: Nominal, assessed_on: date,
                      scores: Mapping[str, int | None]) -> list[NeedScore]:
    """Save one assessment as seven rows (one per pathway; None = not assessed).

    Refuses (``DuplicateAssessment``) a second assessment of the person on the same date, even
    when two are saved at once (the unique constraint decides). The audit rows name the pathways
    scored but never the scores: the audit log is read by administrators, who do not see health
    information.
    """
    unknown = set(scores) - set(PATHWAYS)
    if unknown:
        raise ValueError(f"unknown pathway(s): {sorted(unknown)}")
    duplicate = DuplicateAssessment(
        f"an assessment of {nominal.nominal_id} dated {assessed_on:%d/%m/%Y} is already recorded")
    if NeedScore.objects.filter(nominal=nominal, assessed_on=assessed_on).exists():
        raise duplicate
    try:
        with audited(actor) as audit:
            rows = []
            for pathway in PATHWAYS:
                row = NeedScore(nominal=nominal, assessed_on=assessed_on, pathway=pathway,
                                score=scores.get(pathway))
                row.full_clean(validate_unique=False, validate_constraints=False)
                row.save()
                audit.record(Operation.COLLECTION, row, nominal_id=nominal.nominal_id,
                             detail={"assessed_on": assessed_on.isoformat(), "pathway": pathway,
                                     "assessed": row.score is not None})
                rows.append(row)
    except IntegrityError:
        raise duplicate from None
    return rows
