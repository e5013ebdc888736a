"""State changes of treatment episodes: one function, one transaction, its audit row inside."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from iomhub.web.audit.constants import Operation
from iomhub.web.audit.context import Actor, audited
from iomhub.web.people.models import Nominal
from iomhub.web.treatment.forms import FIELDS
from iomhub.web.treatment.models import TreatmentEpisode


def new_episode_id() -> str:
    """An episode id for an episode entered on screen (imported ones keep the package's id)."""
    return f"T-{uuid.uuid4().hex[:12]}"


def save_episode(actor: Actor, nominal: Nominal, values: Mapping[str, Any],
                 episode: TreatmentEpisode | None = None) -> TreatmentEpisode:
    """Add an episode of ``nominal`` (``episode`` None) or change ``episode``, recording which
    fields changed (old and new values) in the audit row."""
    if episode is not None and episode.nominal_id != nominal.nominal_id:
        raise ValueError("the episode belongs to another person")
    created = episode is None
    if episode is None:
        episode = TreatmentEpisode(episode_id=new_episode_id(), nominal=nominal)
    before = {name: getattr(episode, name) for name in FIELDS}
    for name in FIELDS:
        value = values.get(name)
        setattr(episode, name, "" if value is None and name in ("substance", "outcome") else value)
    changed = {name: [_text(before[name]), _text(getattr(episode, name))] for name in FIELDS
               if before[name] != getattr(episode, name)}
    with audited(actor) as audit:
        episode.full_clean()
        episode.save()
        audit.record(Operation.COLLECTION if created else Operation.ALTERATION, episode,
                     nominal_id=nominal.nominal_id,
                     detail={"episode_id": episode.episode_id, **({} if created else {"changed": changed})})
    return episode


def _text(value: Any) -> str:
    return "" if value is None else str(value)
