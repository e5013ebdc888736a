"""The referral queue: the pending referrals of the people a user may see, each with what the
single referral meeting weighs (why, the evidence, the offending, the selection score and the
risk tier), oldest first.

- **offending**: offences dated in the 12 months to today, in all, and the latest (date and
  category), from the ``offences`` table;
- **selection score**: the person's score and rank in the cohort selection (``iomhub select``,
  :mod:`iomhub.metrics.selection`: recency, frequency and gravity over 24 months, 0-100), as at
  today's data; empty when the person has no offence in its window (or is in long custody);
- **risk**: the latest risk tier on or before today (:func:`meetings.briefing.current_tier`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Max, Q

from iomhub.package import PackageError
from iomhub.web.offences.models import Offence
from iomhub.web.referrals.models import Referral

OFFENDING_DAYS = 365
SELECTION_TOP = 1_000_000  # every ranked person


@dataclass(frozen=True)
class Offending:
    last_year: int
    total: int
    latest_on: date | None
    latest_category: str

    @property
    def category_text(self) -> str:
        return self.latest_category.replace("_", " ")


@dataclass(frozen=True)
class QueueItem:
    referral: Referral
    offending: Offending
    score: float | None
    rank: int | None
    ranked: int
    tier: str | None


def pending(people: Any) -> Any:
    """Pending referrals of ``people`` (``Nominal.objects.visible_to(user)``), oldest first."""
    return (Referral.objects.filter(decision="pending", nominal_id__in=people.values("nominal_id"))
            .select_related("nominal", "referred_by", "referred_by__agency").order_by("referred_on", "referral_id"))


def offending(nominal_ids: list[str], today: date) -> dict[str, Offending]:
    since = today - timedelta(days=OFFENDING_DAYS)
    counts: dict[str, Any] = {str(row["nominal_id"]): row for row in Offence.objects.filter(nominal_id__in=nominal_ids)
              .values("nominal_id").annotate(total=Count("pk"),
                                             last_year=Count("pk", filter=Q(offence_date__range=(since, today))),
                                             latest=Max("offence_date"))}
    latest: dict[str, str] = {}
    for nominal_id, category in (Offence.objects.filter(nominal_id__in=nominal_ids, offence_date__lte=today)
                                 .order_by("nominal_id", "-offence_date", "-offence_id")
                                 .values_list("nominal_id", "category")):
        latest.setdefault(str(nominal_id), category or "")
    return {n: Offending(counts[n]["last_year"], counts[n]["total"], counts[n]["latest"], latest.get(n, ""))
            if n in counts else Offending(0, 0, None, "") for n in nominal_ids}


def selection_scores(today: date) -> tuple[dict[str, tuple[float, int]], int]:
    """``{nominal_id: (score, rank)}`` of everyone ranked by the cohort selection today, and how
    many were ranked; kept per data version (the ranking reads every offence)."""
    from iomhub.web.cohort.selection import selection_from_database
    from iomhub.web.performance.cache import cached_list, data_version

    def make() -> tuple[dict[str, tuple[float, int]], int]:
        try:
            result = selection_from_database(top=SELECTION_TOP, as_at=None, today=today)
        except PackageError:  # no offences recorded
            return {}, 0
        return {c.nominal_id: (c.score, c.rank) for c in result.candidates}, result.ranked

    return cached_list(data_version(), f"referral-queue-selection:{today.isoformat()}", make)


def queue(people: Any, today: date) -> list[QueueItem]:
    from iomhub.web.meetings.briefing import current_tier

    referrals = list(pending(people).annotate(tier_today=current_tier(today)))
    if not referrals:
        return []
    found = offending([r.nominal_id for r in referrals], today)
    scores, ranked = selection_scores(today)
    items = []
    for referral in referrals:
        score, rank = scores.get(referral.nominal_id, (None, None))
        items.append(QueueItem(referral, found[referral.nominal_id], score, rank, ranked, referral.tier_today))
    return items
