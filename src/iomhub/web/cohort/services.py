"""Cohort episodes: opening one, changing a person's level, ending one. Each is one function,
one transaction, with its audit rows inside; views, the referral decision and imports call them.

Episodes of one person never overlap (``docs/spec/data-package.md``; intervals are inclusive),
so a level change closes the open episode the day before the new level starts.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError

from iomhub.web.audit.constants import Operation
from iomhub.web.audit.context import Actor, AuditSession, audited
from iomhub.web.cohort.models import CohortEpisode
from iomhub.web.people.models import Nominal

LEVEL_CHANGE_REASON = "level changed to {scheme}"


class EpisodeOverlap(ValidationError):
    """A new episode would overlap one the person already has."""


def uk(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def open_episode_on(nominal: Nominal, on: date) -> CohortEpisode | None:
    """The person's episode covering ``on`` (there is at most one)."""
    episode: CohortEpisode | None = (CohortEpisode.objects.filter(nominal=nominal, start_date__lte=on)
                                     .exclude(end_date__lt=on).order_by("-start_date").first())
    return episode


def current_episode(nominal: Nominal) -> CohortEpisode | None:
    """The person's open-ended episode (no end date), if any."""
    episode: CohortEpisode | None = (CohortEpisode.objects.filter(nominal=nominal, end_date__isnull=True)
                                     .order_by("-start_date").first())
    return episode


def _lock(nominal: Nominal) -> None:
    """Serialise changes to one person's episodes (PostgreSQL row lock; SQLite has one writer)."""
    list(Nominal.objects.select_for_update().filter(pk=nominal.pk).values_list("pk", flat=True))


def _refuse_overlap(nominal: Nominal, start: date, end: date | None) -> None:
    clash = CohortEpisode.objects.filter(nominal=nominal).exclude(end_date__lt=start)
    if end is not None:
        clash = clash.filter(start_date__lte=end)
    other = clash.order_by("start_date").first()
    if other is not None:
        until = f"until {uk(other.end_date)}" if other.end_date else "with no end date"
        raise EpisodeOverlap(
            f"{nominal} is already on IOM at {other.get_scheme_display().lower()} level from "
            f"{uk(other.start_date)} {until}. Episodes cannot overlap: change the level or end that "
            "episode instead.", code="overlap")


def _open(audit: AuditSession, nominal: Nominal, scheme: str, start: date, **detail: str) -> CohortEpisode:
    _refuse_overlap(nominal, start, None)
    episode = CohortEpisode(nominal=nominal, scheme=scheme, start_date=start)
    episode.full_clean()
    episode.save()
    audit.record(Operation.COLLECTION, episode, nominal_id=nominal.nominal_id,
                 detail={"scheme": scheme, "start_date": start.isoformat(), **detail})
    return episode


def open_episode(actor: Actor, nominal: Nominal, scheme: str, start: date, reason: str = "") -> CohortEpisode:
    """Take a person onto IOM at ``scheme`` from ``start``. Raises :class:`EpisodeOverlap` when
    they already have an episode on or after that date."""
    with audited(actor, justification=reason) as audit:
        _lock(nominal)
        return _open(audit, nominal, scheme, start)


def change_level(actor: Actor, nominal: Nominal, scheme: str, on: date, reason: str = "") -> CohortEpisode:
    """Move a person to another level from ``on``: the open episode ends the day before and a
    new one starts on ``on``, so the two never overlap."""
    with audited(actor, justification=reason) as audit:
        _lock(nominal)
        episode = current_episode(nominal)
        if episode is None:
            raise ValidationError(f"{nominal} is not on IOM: refer them to the single referral meeting first.",
                                  code="not_open")
        if episode.scheme == scheme:
            raise ValidationError(f"{nominal} is already at {episode.get_scheme_display().lower()} level.",
                                  code="same_level")
        if on <= episode.start_date:
            raise ValidationError(f"The new level must start after {uk(episode.start_date)}, when the current "
                                  "level started.", code="too_early")
        old = {"end_date": None, "exit_reason": episode.exit_reason}
        episode.end_date = on - timedelta(days=1)
        episode.exit_reason = LEVEL_CHANGE_REASON.format(scheme=scheme)
        episode.full_clean()
        episode.save()
        audit.record(Operation.ALTERATION, episode, nominal_id=nominal.nominal_id,
                     detail={"changed": {"end_date": {"old": old["end_date"], "new": episode.end_date.isoformat()},
                                         "exit_reason": {"old": old["exit_reason"], "new": episode.exit_reason}}})
        return _open(audit, nominal, scheme, on, previous_scheme=episode.scheme)


def exit_episode(actor: Actor, nominal: Nominal, end: date, exit_reason: str) -> CohortEpisode:
    """End a person's open episode on ``end`` (the last day on IOM) for ``exit_reason``."""
    if not exit_reason.strip():
        raise ValidationError("Enter the reason for leaving IOM.", code="no_reason")
    with audited(actor, justification=exit_reason) as audit:
        _lock(nominal)
        episode = current_episode(nominal)
        if episode is None:
            raise ValidationError(f"{nominal} is not on IOM.", code="not_open")
        if end < episode.start_date:
            raise ValidationError(f"The last day on IOM cannot be before {uk(episode.start_date)}, when the "
                                  "episode started.", code="too_early")
        episode.end_date = end
        episode.exit_reason = exit_reason.strip()
        episode.full_clean()
        episode.save()
        audit.record(Operation.ALTERATION, episode, nominal_id=nominal.nominal_id,
                     detail={"changed": {"end_date": {"old": None, "new": end.isoformat()},
                                         "exit_reason": {"old": "", "new": episode.exit_reason}}})
    return episode
