"""A person's current position, the panel at the top of the person page: what a worker needs to
know before anything else (the level, tier, custody and flags come from ``timeline.summary``).

- open actions: the person's case actions still open, soonest due first, those overdue marked;
- next meeting: the first meeting from today for the person's area or for every area;
- latest note: the newest case note the user may read (``CaseNote.objects.visible_to``);
- reassessment due: for someone on IOM, 91 days after their latest needs assessment, or 28 days
  after the start of their episode when they have none (the briefing's rule,
  ``meetings.briefing.reassessments_overdue``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Q

from iomhub.web.people.models import CaseNote, Nominal


@dataclass(frozen=True)
class Due:
    on: date
    overdue: bool
    first: bool  # no needs assessment yet: the first one is due


def reassessment_due(nominal: Nominal, episode: Any, today: date) -> Due | None:
    """When the person's next needs assessment is due (None when they are not on IOM)."""
    from iomhub.web.assessments.models import NeedScore
    from iomhub.web.meetings.briefing import FIRST_ASSESSMENT_DAYS, REASSESSMENT_INTERVAL_DAYS

    if episode is None:
        return None
    last = (NeedScore.objects.filter(nominal=nominal, assessed_on__lte=today).order_by("-assessed_on")
            .values_list("assessed_on", flat=True).first())
    due = (last + timedelta(days=REASSESSMENT_INTERVAL_DAYS) if last is not None
           else episode.start_date + timedelta(days=FIRST_ASSESSMENT_DAYS))
    return Due(due, due < today, last is None)


def position(nominal: Nominal, user: Any, today: date, episode: Any) -> dict[str, Any]:
    """The open actions, next meeting, latest note and reassessment due of ``nominal``, read now."""
    from iomhub.web.meetings.models import CaseAction, Meeting

    actions = list(CaseAction.objects.filter(nominal=nominal, status=CaseAction.Status.OPEN)
                   .order_by("due_on", "id"))
    meeting = (Meeting.objects.filter(held_on__gte=today).filter(Q(area="") | Q(area=nominal.area))
               .order_by("held_on", "id").first())
    note = (CaseNote.objects.visible_to(user).filter(nominal=nominal).select_related("author", "agency")
            .order_by("-written_at", "-id").first())
    return {"open_actions": actions, "overdue_actions": sum(1 for action in actions if action.due_on < today),
            "next_meeting": meeting, "latest_note": note,
            "latest_note_by": (note.author.get_full_name() or "a colleague") if note else "",
            "reassessment": reassessment_due(nominal, episode, today)}
