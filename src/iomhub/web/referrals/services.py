"""Referrals to the single referral meeting and their decisions: one function per change,
each in one audited transaction.

The meeting has three outcomes. The data package's decision codes are ``accepted``,
``rejected``, ``pending`` and ``withdrawn`` and nothing else (``docs/spec/data-package.md``),
so they are stored as:

- accept at a level: ``decision='accepted'``, ``scheme`` = the level, and the cohort episode
  is opened from the decision date in the same transaction (``cohort.services.open_episode``);
- reject: ``decision='rejected'`` with the reason;
- refer on to MAPPA: ``decision='rejected'`` (the person is not taken onto IOM; ``withdrawn``
  means the referrer withdrew the referral, which is not what happened), ``mappa_level`` set
  to the MAPPA level and ``reason`` starting "Referred on to MAPPA". A referral referred on is
  therefore one with a ``mappa_level``; it counts as not accepted in the acceptance rate,
  as it does in the reports this product replaces.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError

from iomhub.web.accounts import permissions
from iomhub.web.audit.constants import Operation
from iomhub.web.audit.context import Actor, audited
from iomhub.web.cohort.services import open_episode
from iomhub.web.people.models import Nominal
from iomhub.web.people.services import save_nominal
from iomhub.web.referrals.constants import MAPPA_REASON, Outcome
from iomhub.web.referrals.models import Referral


def next_referral_id() -> str:
    numbers = [int(value[1:]) for value in Referral.objects.filter(referral_id__regex=r"^R[0-9]+$")
               .values_list("referral_id", flat=True)]
    return f"R{max(numbers, default=0) + 1:05d}"


def refer(actor: Actor, nominal: Nominal, referred_on: date, referring_agency: str, area: str = "",
          reason: str = "", *, referral_reason: str = "", evidence: str = "") -> Referral:
    """Refer a person (saved here first when new) to the single referral meeting: a pending referral,
    made by the actor's user (who may not decide it), with why and on what evidence. The managers
    are told (``notifications.services.referral_made``) in the same transaction."""
    from iomhub.web.notifications.services import referral_made

    with audited(actor, justification=reason) as audit:
        if nominal.pk is None:
            save_nominal(actor, nominal, reason="referred to the single referral meeting")
        if Referral.objects.filter(nominal=nominal, decision="pending").exists():
            raise ValidationError(f"{nominal} already has a referral waiting for a decision.", code="pending")
        referral = Referral(referral_id=next_referral_id(), nominal=nominal, referred_on=referred_on,
                            referring_agency=referring_agency, area=area or nominal.area, decision="pending",
                            referral_reason=referral_reason.strip(), evidence=evidence.strip(), referred_by=actor.user)
        referral.full_clean()
        referral.save()
        audit.record(Operation.COLLECTION, referral, nominal_id=nominal.nominal_id,
                     detail={"referring_agency": referring_agency, "referred_on": referred_on.isoformat()})
        referral_made(audit, referral, actor.user)
    return referral


class OwnReferral(ValidationError):
    """The referrer cannot decide their own referral."""


def _changes(outcome: str, scheme: str, reason: str, mappa_level: str) -> dict[str, str]:
    """The fields the decision sets (see the module's docstring); refuses what is missing."""
    if outcome == Outcome.ACCEPT:
        if not scheme:
            raise ValidationError("Choose the level to accept the person at.", code="no_scheme")
        changes = {"decision": "accepted", "scheme": scheme, "reason": reason.strip()}
    elif outcome == Outcome.REJECT:
        if not reason.strip():
            raise ValidationError("Enter the reason the person was not accepted.", code="no_reason")
        changes = {"decision": "rejected", "reason": reason.strip()}
    elif outcome == Outcome.MAPPA:
        if not mappa_level:
            raise ValidationError("Choose the MAPPA level.", code="no_mappa_level")
        text = f"{MAPPA_REASON} (level {mappa_level})"
        changes = {"decision": "rejected", "mappa_level": mappa_level,
                   "reason": f"{text}: {reason.strip()}" if reason.strip() else text}
    else:
        raise ValidationError("Choose the decision.", code="no_outcome")
    return changes


def decide(actor: Actor, referral: Referral, outcome: str, decided_on: date, *, scheme: str = "",
           reason: str = "", mappa_level: str = "") -> Referral:
    """Record the meeting's decision on a pending referral (see the module's docstring for how
    each outcome is stored). Accepting opens the cohort episode in the same transaction, so a
    referral is never accepted without its episode, nor an episode opened without its decision."""
    if referral.decision not in ("", "pending"):
        raise ValidationError("This referral has already been decided.", code="decided")
    if actor.user is not None and not permissions.decides_referral(actor.user, referral.referred_by_id):
        raise OwnReferral("You made this referral: another member of the meeting records its decision.",
                          code="own_referral")
    if decided_on < referral.referred_on:
        raise ValidationError("The decision cannot be dated before the referral.", code="too_early")
    changes = _changes(outcome, scheme, reason, mappa_level)
    with audited(actor, justification=reason) as audit:
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if locked.decision not in ("", "pending"):
            raise ValidationError("This referral has already been decided.", code="decided")
        for name, value in {**changes, "decided_on": decided_on}.items():
            setattr(referral, name, value)
        referral.full_clean()
        referral.save()
        audit.record(Operation.ALTERATION, referral, nominal_id=referral.nominal_id,
                     detail={"outcome": outcome, "decision": referral.decision,
                             "decided_on": decided_on.isoformat(), "scheme": referral.scheme,
                             "mappa_level": referral.mappa_level})
        if outcome == Outcome.ACCEPT:
            open_episode(actor, referral.nominal, scheme, decided_on,
                         reason=f"accepted at the single referral meeting (referral {referral.referral_id})")
    return referral
