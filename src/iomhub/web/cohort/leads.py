"""Named people: each person's lead professionals (offender manager, police officer, key worker)
with their history, "my cohort", caseloads per worker, and moving a person to another area.

Every change is one function, one audited transaction; views and the command line call them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q

from iomhub.web.accounts import permissions
from iomhub.web.accounts.constants import AgencyCode
from iomhub.web.accounts.models import User
from iomhub.web.audit.constants import Operation
from iomhub.web.audit.context import Actor, audited
from iomhub.web.cohort.models import LeadProfessional, LeadRole
from iomhub.web.meetings.models import Meeting
from iomhub.web.people.models import Nominal
from iomhub.web.people.services import save_nominal
from iomhub.web.referrals.models import Referral

# The agencies whose staff may hold each role (a key worker may be of any partner agency).
ROLE_AGENCIES: dict[str, frozenset[str]] = {
    LeadRole.OFFENDER_MANAGER: frozenset({AgencyCode.PROBATION, AgencyCode.NPS, AgencyCode.CRC, AgencyCode.YOS}),
    LeadRole.POLICE_OFFICER: frozenset({AgencyCode.POLICE}),
}


def current_leads(nominal: Nominal | str) -> list[LeadProfessional]:
    """The person's lead professionals today, one per role held, in the order of :class:`LeadRole`."""
    nominal_id = nominal if isinstance(nominal, str) else nominal.nominal_id
    rows = {lead.kind: lead for lead in LeadProfessional.objects.filter(nominal_id=nominal_id, ended_on__isnull=True)
            .select_related("worker", "worker__agency")}
    return [rows[kind] for kind in LeadRole.values if kind in rows]


def lead_history(nominal: Nominal) -> list[LeadProfessional]:
    """Every assignment of the person, latest first."""
    return list(LeadProfessional.objects.filter(nominal=nominal).select_related("worker", "worker__agency")
                .order_by("-started_on", "-id"))


def candidates(kind: str = "") -> Any:
    """The workers who may be named to ``kind`` (every case worker when empty), by name."""
    workers = [user for user in User.objects.filter(is_active=True).select_related("agency")
               .order_by("last_name", "first_name", "username") if permissions.leads_cases(user)]
    allowed = ROLE_AGENCIES.get(kind)
    return [w for w in workers if allowed is None or (w.agency is not None and w.agency.kind in allowed)]


def may_hold(worker: User, kind: str) -> bool:
    return any(candidate.pk == worker.pk for candidate in candidates(kind))


def assign_lead(actor: Actor, nominal: Nominal, kind: str, worker: User, on: date,
                reason: str = "") -> LeadProfessional:
    """Name ``worker`` the person's ``kind`` from ``on``; the previous holder's assignment ends
    that day. Naming the current holder again changes nothing."""
    if kind not in LeadRole.values:
        raise ValidationError("Choose the role.", code="kind")
    if not may_hold(worker, kind):
        raise ValidationError(f"{worker.get_full_name() or worker.username} cannot be the "
                              f"{LeadRole(kind).label.lower()}: choose a case worker of a fitting agency.",
                              code="worker")
    with audited(actor, justification=reason) as audit:
        list(Nominal.objects.select_for_update().filter(pk=nominal.pk).values_list("pk", flat=True))
        current = LeadProfessional.objects.filter(nominal=nominal, kind=kind, ended_on__isnull=True).first()
        if current is not None:
            if current.worker_id == worker.pk:
                kept: LeadProfessional = current
                return kept
            if on < current.started_on:
                raise ValidationError("The new lead cannot start before the current one "
                                      f"({current.started_on:%d/%m/%Y}).", code="too_early")
            current.ended_on = on
            current.save(update_fields=["ended_on"])
            audit.record(Operation.ALTERATION, current, detail={"ended_on": on.isoformat(), "kind": kind})
        lead = LeadProfessional(nominal=nominal, kind=kind, worker=worker,
                                agency=worker.agency.code if worker.agency else "", started_on=on,
                                assigned_by=actor.username)
        lead.full_clean()
        lead.save()
        audit.record(Operation.COLLECTION, lead, detail={"kind": kind, "worker": worker.username,
                                                         "started_on": on.isoformat()})
    return lead


def end_lead(actor: Actor, lead: LeadProfessional, on: date, reason: str = "") -> LeadProfessional:
    """End an assignment (the role is left empty until someone is named)."""
    if on < lead.started_on:
        raise ValidationError("The assignment cannot end before it started.", code="too_early")
    with audited(actor, justification=reason) as audit:
        lead = LeadProfessional.objects.select_for_update().get(pk=lead.pk)
        if lead.ended_on is None:
            lead.ended_on = on
            lead.save(update_fields=["ended_on"])
            audit.record(Operation.ALTERATION, lead, detail={"ended_on": on.isoformat()})
    return lead


def my_cohort(user: Any) -> Any:
    """The people ``user`` leads today (in any role) among those they may see, by name."""
    return (Nominal.objects.visible_to(user)
            .filter(leads__worker_id=user.pk, leads__ended_on__isnull=True).distinct()
            .order_by("family_name", "given_names", "nominal_id"))


@dataclass(frozen=True)
class Caseload:
    worker: User
    total: int
    by_kind: dict[str, int]


def caseloads() -> list[Caseload]:
    """Each worker holding a case today: how many people they lead, in all and per role (a
    person led in two roles by one worker counts once in the total); the largest first."""
    counts = {kind: Count("leads", filter=Q(leads__ended_on__isnull=True, leads__kind=kind))
              for kind in LeadRole.values}
    rows = (User.objects.annotate(total=Count("leads__nominal", filter=Q(leads__ended_on__isnull=True), distinct=True),
                                  **{f"n_{kind}": count for kind, count in counts.items()})
            .filter(total__gt=0).select_related("agency").order_by("-total", "last_name", "username"))
    return [Caseload(row, row.total, {kind: getattr(row, f"n_{kind}") for kind in LeadRole.values}) for row in rows]


def known_areas() -> list[str]:
    """The areas of the unit: every area code its records use (people, referrals, meetings)."""
    found: set[str] = set()
    for model in (Nominal, Referral, Meeting):
        found.update(model.objects.exclude(area="").values_list("area", flat=True).distinct())
    return sorted(found)


def transfer_area(actor: Actor, nominal: Nominal, area: str, reason: str) -> Nominal:
    """Move a person to another area. The old and new area are kept (the person's corrections,
    ``people.Correction``) with the reason, and one audit row names the transfer."""
    if area not in known_areas():
        raise ValidationError("Choose one of the unit's areas.", code="area")
    if not reason.strip():
        raise ValidationError("Enter the reason for the transfer.", code="reason")
    if area == nominal.area:
        raise ValidationError(f"{nominal} is already in {area}.", code="same")
    with audited(actor, justification=reason) as audit:
        before = nominal.area
        nominal.area = area
        save_nominal(actor, nominal, reason=f"transferred from {before or 'no area'} to {area}: {reason.strip()}")
        audit.record(Operation.ALTERATION, nominal, object_type="people.transfer",
                     detail={"area": [before, area]})
    return nominal
