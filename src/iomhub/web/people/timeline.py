"""A person's summary and their one timeline, newest first, as the person page shows them.

Only what ``user`` may see is read: case notes through ``CaseNote.objects.visible_to(user)``,
and the health pathway of needs assessments only for users who see health information.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from iomhub.web import choices
from iomhub.web.cohort.models import CohortEpisode
from iomhub.web.people.models import CaseNote, Nominal

TITLES: dict[str, str] = dict(choices.AGENCIES + choices.PROVIDERS + choices.ORDER_TYPES + choices.CUSTODY_TYPES
                              + choices.OFFENCE_CATEGORIES + choices.SCHEMES + choices.TIERS + choices.PATHWAYS)


def title(code: str) -> str:
    return TITLES.get(code, code.replace("_", " ").capitalize()) if code else ""


def uk(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


@dataclass
class Entry:
    """One event on the timeline (MoJ Frontend's timeline item)."""

    on: date
    kind: str
    title: str
    text: str = ""
    byline: str = ""
    tag: str = ""
    anchor: str = ""
    at: datetime | None = None
    links: list[tuple[str, str]] = field(default_factory=list)
    agency: str = ""  # the agency the event is of (an agency code), where there is one

    @property
    def sort_key(self) -> tuple[date, float]:
        return (self.on, self.at.timestamp() if self.at else 0.0)


def age_on(born: date | None, on: date) -> int | None:
    if born is None:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


@dataclass
class Record:
    """A person's rows that both the summary and the timeline show, each table read once."""

    episodes: list[CohortEpisode]
    custody: list[Any]
    supervisions: list[Any]
    assessments: list[Any]
    treatment: list[tuple[date, date | None]]  # the spans of treatment episodes, nothing else of them

    @classmethod
    def of(cls, nominal: Nominal) -> Record:
        from iomhub.web.risk.queries import latest_first

        return cls(episodes=list(CohortEpisode.objects.filter(nominal=nominal).order_by("start_date", "id")),
                   custody=list(nominal.custody_periods.order_by("-start_date", "-id")),
                   supervisions=list(nominal.supervisions.order_by("-start_date", "-id")),
                   assessments=list(latest_first(nominal.risk_assessments.all())),
                   treatment=list(nominal.treatment_episodes.values_list("start_date", "end_date")))


def _covers(row: Any, on: date) -> bool:
    return bool(row.start_date <= on and (row.end_date is None or row.end_date >= on))


def summary(nominal: Nominal, on: date, record: Record) -> dict[str, Any]:
    """Age, current level (the episode covering ``on``), tier (the latest assessment on or before
    ``on``, the more severe of two on one day), custody or community and lead agency (the latest
    custody period and supervision covering ``on``), current flags, and whether a treatment
    episode covers ``on`` (the most the page says of treatment to anyone; health staff follow the
    link to the episodes)."""
    episode = next((row for row in reversed(record.episodes) if _covers(row, on)), None)
    tier = next((row for row in record.assessments if row.assessed_on <= on), None)
    custody = next((row for row in record.custody if _covers(row, on)), None)
    supervision = next((row for row in record.supervisions if _covers(row, on)), None)
    # the flags that apply on ``on``, and every open flag (one starting later too), so it can be ended
    flags = nominal.flags.filter(Q(start_date__lte=on) | Q(end_date__isnull=True)).exclude(end_date__lt=on)
    name = " ".join(part for part in (nominal.given_names, nominal.family_name) if part) or nominal.nominal_id
    in_treatment = any(start <= on and (end is None or end >= on) for start, end in record.treatment)
    return {"name": name, "age": age_on(nominal.date_of_birth, on), "episode": episode, "tier": tier,
            "custody": custody, "supervision": supervision,
            "lead_agency": supervision.provider if supervision else "police", "flags": list(flags),
            "in_treatment": in_treatment}


def _episodes(episodes: list[CohortEpisode]) -> list[Entry]:
    entries = []
    for index, episode in enumerate(episodes):
        before = episodes[index - 1] if index else None
        after = episodes[index + 1] if index + 1 < len(episodes) else None
        level = title(episode.scheme).lower()
        if before is not None and before.end_date == episode.start_date - timedelta(days=1):
            entries.append(Entry(episode.start_date, "cohort", f"Level changed to {level}",
                                 f"From {title(before.scheme).lower()}.", tag=episode.scheme,
                                 anchor=f"episode-{episode.pk}"))
        else:
            entries.append(Entry(episode.start_date, "cohort", f"Taken onto IOM at {level} level",
                                 tag=episode.scheme, anchor=f"episode-{episode.pk}"))
        continued = after is not None and episode.end_date is not None \
            and after.start_date == episode.end_date + timedelta(days=1)
        if episode.end_date is not None and not continued:
            entries.append(Entry(episode.end_date, "cohort", "Left IOM",
                                 f"Reason: {episode.exit_reason}." if episode.exit_reason else "No reason recorded."))
    return entries


def _custody(nominal: Nominal, record: Record) -> list[Entry]:
    entries = []
    for period in record.custody:
        kind = f" ({title(period.custody_type).lower()})" if period.custody_type else ""
        expected = f"Expected release {uk(period.expected_release_date)}." if period.expected_release_date else ""
        entries.append(Entry(period.start_date, "custody", f"Into custody{kind}", expected,
                             anchor=f"custody-{period.pk}", links=[("Change, or record the release",
                                    reverse("custody:edit_custody", args=[nominal.nominal_id, period.pk]))]))
        if period.end_date is not None:
            entries.append(Entry(period.end_date, "custody", "Released from custody"))
    for supervision in record.supervisions:
        order = f", {title(supervision.order_type).lower()}" if supervision.order_type else ""
        entries.append(Entry(supervision.start_date, "supervision",
                             f"Supervision started: {title(supervision.provider)}{order}",
                             anchor=f"supervision-{supervision.pk}", agency=supervision.provider,
                             links=[("Change", reverse("custody:edit_supervision",
                                                       args=[nominal.nominal_id, supervision.pk]))]))
        if supervision.end_date is not None:
            entries.append(Entry(supervision.end_date, "supervision",
                                 f"Supervision ended: {title(supervision.provider)}{order}",
                                 agency=supervision.provider))
    return entries


def _offences(nominal: Nominal) -> list[Entry]:
    entries = []
    for offence in nominal.offences.all():
        parts = [f"Crime reference {offence.offence_id}."]
        if offence.detected_date:
            parts.append(f"Detected {uk(offence.detected_date)}.")
        if offence.offence_code:
            parts.append(f"Home Office code {offence.offence_code}.")
        entries.append(Entry(offence.offence_date, "offence",
                             f"Offence: {title(offence.category) or 'category not recorded'}", " ".join(parts),
                             agency="police"))
    return entries


def _risk(assessments: list[Any]) -> list[Entry]:
    entries = []
    previous = None
    for assessment in sorted(assessments, key=lambda row: (row.assessed_on, row.id)):
        change = f" (was {title(previous).lower()})" if previous and previous != assessment.tier else ""
        entries.append(Entry(assessment.assessed_on, "risk", f"Risk tier {title(assessment.tier).lower()}{change}",
                             assessment.rationale, tag=assessment.tier, anchor=f"risk-{assessment.pk}"))
        previous = assessment.tier
    return entries


def _needs(nominal: Nominal, sees_health: bool) -> list[Entry]:
    from iomhub.web.assessments.models import NeedScore

    scores = NeedScore.objects.filter(nominal=nominal)
    if not sees_health:
        scores = scores.exclude(pathway="health")
    by_date: dict[date, list[Any]] = defaultdict(list)
    for score in scores:
        by_date[score.assessed_on].append(score)
    entries = []
    shown = 7 if sees_health else 6
    for day, rows in by_date.items():
        needing = sum(1 for row in rows if row.score)
        note = "" if sees_health else " (the health pathway is not shown to you)"
        entries.append(Entry(day, "needs", "Needs assessment",
                             f"Need in {needing} of {shown} pathways{note}.",
                             anchor=f"assessment-{day.isoformat()}"))
    return entries


def _referrals(nominal: Nominal) -> list[Entry]:
    entries = []
    for referral in nominal.referrals.all():
        entries.append(Entry(referral.referred_on, "referral", "Referred to the single referral meeting",
                             f"By {title(referral.referring_agency)}. Referral {referral.referral_id}.",
                             anchor=f"referral-{referral.pk}", agency=referral.referring_agency,
                             links=[("Record the decision", reverse("referrals:decide", args=[referral.referral_id]))]
                             if referral.decision in ("", "pending") else []))
        if referral.decided_on and referral.decision not in ("", "pending"):
            if referral.decision == "accepted":
                heading = f"Referral accepted at {title(referral.scheme).lower()} level"
            elif referral.mappa_level:
                heading = f"Referred on to MAPPA (level {referral.mappa_level})"
            else:
                heading = f"Referral {referral.get_decision_display().lower()}"
            entries.append(Entry(referral.decided_on, "referral", heading, referral.reason))
    return entries


def _actions(nominal: Nominal) -> list[Entry]:
    entries = []
    for action in nominal.case_actions.select_related("meeting"):
        on = action.meeting.held_on if action.meeting else action.due_on
        entries.append(Entry(on, "action", f"Action for {title(action.owner_agency)}",
                             f"{action.description} Due {uk(action.due_on)}.",
                             tag=action.get_status_display(), anchor=f"action-{action.pk}",
                             agency=action.owner_agency))
    return entries


def _notes(nominal: Nominal, user: Any) -> list[Entry]:
    entries = []
    for note in CaseNote.objects.visible_to(user).filter(nominal=nominal).select_related("author", "agency"):
        at = timezone.localtime(note.written_at)
        author = note.author.get_full_name() or "a colleague"
        entries.append(Entry(at.date(), "note", "Case note", note.text, byline=f"{author}, {note.agency}",
                             tag=note.get_visibility_display(), at=at, anchor=f"note-{note.pk}",
                             agency=note.agency.kind))
    return entries


def timeline(nominal: Nominal, user: Any, record: Record) -> list[Entry]:
    """Every event of the person that ``user`` may see, newest first."""
    entries = [*_episodes(record.episodes), *_custody(nominal, record), *_offences(nominal),
               *_risk(record.assessments),
               *_needs(nominal, bool(user.can_see_health)), *_referrals(nominal), *_actions(nominal),
               *_notes(nominal, user)]
    return sorted(entries, key=lambda entry: entry.sort_key, reverse=True)


# The kinds of event, as the timeline's filter offers them.
KINDS = [("note", "Case notes"), ("action", "Actions"), ("referral", "Referrals"), ("cohort", "IOM level"),
         ("risk", "Risk tier"), ("needs", "Needs assessments"), ("custody", "Custody"),
         ("supervision", "Supervision"), ("offence", "Offences")]


def filtered(entries: list[Entry], *, kind: str = "", agency: str = "", since: date | None = None,
             until: date | None = None) -> list[Entry]:
    """The entries of one kind, of one agency, and between two dates (each when given)."""
    return [entry for entry in entries
            if (not kind or entry.kind == kind) and (not agency or entry.agency == agency)
            and (since is None or entry.on >= since) and (until is None or entry.on <= until)]
