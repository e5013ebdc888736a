"""Meetings (list, new, meeting page with attendance and case discussions), actions done, the daily
briefing and the agenda of the next meeting."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from iomhub.web.cohort.leads import candidates, known_areas, my_cohort
from iomhub.web.forms import saved, today
from iomhub.web.meetings import briefing as queries
from iomhub.web.meetings.forms import (
    AttendanceForm,
    DiscussionForm,
    MeetingForm,
    MinutesForm,
    PeopleForm,
    ScheduleForm,
)
from iomhub.web.meetings.models import CaseAction, Meeting, PersonInvitation
from iomhub.web.meetings.services import (
    complete_action,
    create_meeting,
    may_complete,
    open_actions,
    record_attendance,
    record_consultations,
    record_discussion,
    record_people,
    save_minutes,
    schedule_fortnightly,
)
from iomhub.web.people.models import Nominal
from iomhub.web.referrals.queue import queue
from iomhub.web.requests import actor
from iomhub.web.visibility import Refused, case_worker_required, user_of, visible_people

SOON_DAYS = 14


def _meeting(request: HttpRequest, meeting_id: str) -> Meeting:
    meeting: Meeting | None = Meeting.objects.filter(meeting_id=meeting_id).first()
    if meeting is None:
        raise Refused("meetings.meeting", meeting_id[:100])
    return meeting


def _page(meeting: Meeting) -> str:
    return reverse("meetings:detail", args=[meeting.meeting_id])


def _can_see_health(request: HttpRequest) -> bool:
    return bool(getattr(request.user, "can_see_health", False))


@case_worker_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    day = today()
    upcoming = Meeting.objects.filter(held_on__gte=day).order_by("held_on", "meeting_id")
    page = Paginator(Meeting.objects.filter(held_on__lt=day).order_by("-held_on", "-meeting_id"), 50).get_page(
        request.GET.get("page"))
    return render(request, "meetings/list.html", {"upcoming": upcoming, "page": page})


@case_worker_required
def meeting_new(request: HttpRequest) -> HttpResponse:
    form = MeetingForm(request.POST if request.method == "POST" else None, areas=known_areas())
    if (done := saved(request, form,
                      lambda data: create_meeting(actor(request), data["held_on"], data["meeting_type"], data["area"]),
                      lambda meeting, _: (f"Meeting of {meeting.held_on:%d/%m/%Y} created.", _page(meeting)))):
        return done
    return render(request, "meetings/new.html", {"form": form})


@case_worker_required
def schedule(request: HttpRequest) -> HttpResponse:
    """Plan a fortnightly series of meetings."""
    form = ScheduleForm(request.POST if request.method == "POST" else None, areas=known_areas())

    def done(made: list[Meeting], _: dict[str, Any]) -> tuple[str, str]:
        plural = "" if len(made) == 1 else "s"
        return f"{len(made)} meeting{plural} planned, every fortnight.", reverse("meetings:list")

    if made := saved(request, form, lambda data: schedule_fortnightly(actor(request), data["held_on"], data["count"],
                                                                      data["meeting_type"], data["area"]), done):
        return made
    return render(request, "meetings/schedule.html", {"form": form})


def _people_form(meeting: Meeting, data: Any = None) -> PeopleForm:
    rows = list(PersonInvitation.objects.filter(meeting=meeting))
    return PeopleForm(data, workers=candidates(), initial={
        "invited": [r.worker_id for r in rows], "attended": [r.worker_id for r in rows if r.attended]})


def _detail(request: HttpRequest, meeting: Meeting, *, attendance: AttendanceForm | None = None,
            discussion: DiscussionForm | None = None, status: int = 200) -> HttpResponse:
    people = visible_people(request)
    actions = list(CaseAction.objects.filter(meeting=meeting, nominal_id__in=people.values("nominal_id"))
                   .select_related("nominal").order_by("due_on", "id"))
    record_consultations(actor(request), [a.nominal for a in actions], f"meeting {meeting.meeting_id}")
    return render(request, "meetings/detail.html", {
        "meeting": meeting, "actions": actions, "today": today(),
        "attendance_form": attendance or AttendanceForm(meeting=meeting),
        "people_form": _people_form(meeting),
        "invitations": PersonInvitation.objects.filter(meeting=meeting).select_related("worker", "worker__agency"),
        "minutes_form": MinutesForm(initial={"minutes": meeting.minutes}),
        "discussion_form": discussion or DiscussionForm(meeting=meeting, people=people,
                                                        can_see_health=_can_see_health(request)),
    }, status=status)


@case_worker_required
def meeting_detail(request: HttpRequest, meeting_id: str) -> HttpResponse:
    return _detail(request, _meeting(request, meeting_id))


@case_worker_required
@require_POST
def attendance(request: HttpRequest, meeting_id: str) -> HttpResponse:
    meeting = _meeting(request, meeting_id)
    form = AttendanceForm(request.POST, meeting=meeting)
    if done := saved(request, form, lambda _: record_attendance(actor(request), meeting, form.marks()),
                     lambda *_: ("Attendance saved.", _page(meeting))):
        return done
    return _detail(request, meeting, attendance=form, status=400)  # pragma: no cover - checkboxes cannot be invalid


@case_worker_required
@require_POST
def people(request: HttpRequest, meeting_id: str) -> HttpResponse:
    """Named workers invited to the meeting, and who attended."""
    meeting = _meeting(request, meeting_id)
    form = _people_form(meeting, request.POST)
    if done := saved(request, form, lambda data: record_people(actor(request), meeting, data["invited"],
                                                               data["attended"]),
                     lambda *_: ("Invitations and attendance saved.", _page(meeting) + "#people")):
        return done
    return _detail(request, meeting, status=400)  # pragma: no cover - a choice not offered is all that fails


@case_worker_required
@require_POST
def minutes(request: HttpRequest, meeting_id: str) -> HttpResponse:
    meeting = _meeting(request, meeting_id)
    form = MinutesForm(request.POST)
    if done := saved(request, form, lambda data: save_minutes(actor(request), meeting, data["minutes"]),
                     lambda *_: ("Minutes saved.", _page(meeting) + "#minutes")):
        return done
    return _detail(request, meeting, status=400)


@case_worker_required
@require_POST
def discussion(request: HttpRequest, meeting_id: str) -> HttpResponse:
    meeting = _meeting(request, meeting_id)
    form = DiscussionForm(request.POST, meeting=meeting, people=visible_people(request),
                          can_see_health=_can_see_health(request))

    def change(data: dict[str, Any]) -> Nominal:
        assert form.nominal is not None
        record_discussion(actor(request), meeting, form.nominal, note=data["note"], visibility=data["visibility"],
                          action=data["action"], owner_agency=data["owner_agency"], due_on=data["due_on"])
        return form.nominal

    if done := saved(request, form, change,
                     lambda nominal, _: (f"Case discussion of {nominal.nominal_id} recorded.", _page(meeting))):
        return done
    return _detail(request, meeting, discussion=form)


@case_worker_required
def action_done(request: HttpRequest, action_id: int) -> HttpResponse:
    """Mark an action done: its owning agency or a manager (refused to anyone else, whatever the
    method, so that the answer says nothing of the action)."""
    action: CaseAction | None = (CaseAction.objects.filter(pk=action_id,
                                                           nominal_id__in=visible_people(request).values("nominal_id"))
                                 .first())
    if action is None or not may_complete(request.user, action):
        raise Refused("meetings.caseaction", str(action_id), action.nominal_id if action else "")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    complete_action(actor(request), action)
    messages.success(request, "Action marked done.")
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                                  require_https=request.is_secure()):
        return HttpResponseRedirect(target)  # a path of this site (redirect() would take "-1" for a view's name)
    if action.meeting is not None:
        return redirect("meetings:detail", meeting_id=action.meeting.meeting_id)
    return redirect("meetings:briefing")


def _days(request: HttpRequest) -> tuple[int, str]:
    raw = request.GET.get("days", "").strip()
    if not raw:
        return queries.DEFAULT_DAYS, ""
    if raw.isdigit() and 1 <= int(raw) <= queries.MAX_DAYS:
        return int(raw), ""
    return queries.DEFAULT_DAYS, (f"The number of days must be a whole number from 1 to {queries.MAX_DAYS}: "
                                  f"showing the last {queries.DEFAULT_DAYS} days")


@case_worker_required
def briefing(request: HttpRequest) -> HttpResponse:
    days, problem = _days(request)
    day = today()
    found = queries.briefing(visible_people(request), day, days)
    record_consultations(actor(request), found.people(), "daily briefing")
    context: dict[str, Any] = {"b": found, "problem": problem, "raw_days": request.GET.get("days", days)}
    return render(request, "meetings/briefing.html", context)


@case_worker_required
def agenda(request: HttpRequest) -> HttpResponse:
    """The agenda of the next meeting, or of the coming meeting chosen by ``?meeting=<id>``."""
    day = today()
    chosen = None
    if request.GET.get("meeting"):
        chosen = Meeting.objects.filter(meeting_id=request.GET["meeting"], held_on__gte=day).first()
        if chosen is None:
            raise Refused("meetings.meeting", request.GET["meeting"][:100])
    found = queries.agenda(visible_people(request), day, chosen)
    referrals = []
    if found is not None:
        referrals = [item for item in queue(visible_people(request), day)
                     if item.referral.referred_on <= found.meeting.held_on
                     and (not found.meeting.area or item.referral.area in ("", found.meeting.area))]
        record_consultations(actor(request), [item.nominal for item in found.items]
                             + [item.referral.nominal for item in referrals], "meeting agenda")
    coming = Meeting.objects.filter(held_on__gte=day).order_by("held_on", "meeting_id")[:20]
    return render(request, "meetings/agenda.html", {"agenda": found, "coming": coming, "referrals": referrals})


def _actions(request: HttpRequest, title: str, rows: Any, mine: bool) -> HttpResponse:
    day = today()
    horizon = day + timedelta(days=SOON_DAYS)
    listed = list(rows.select_related("nominal", "meeting").order_by("due_on", "id")[:500])
    record_consultations(actor(request), [a.nominal for a in listed], title)
    groups = [("Overdue", "overdue", [a for a in listed if a.due_on < day]),
              (f"Due in the next {SOON_DAYS} days", "soon", [a for a in listed if day <= a.due_on <= horizon]),
              ("Due later", "later", [a for a in listed if a.due_on > horizon])]
    return render(request, "meetings/actions.html", {"title": title, "groups": groups, "mine": mine,
                                                     "today": day, "shown": len(listed)})


@case_worker_required
def my_actions(request: HttpRequest) -> HttpResponse:
    """Open actions of the user's agency on the people the user leads."""
    user = user_of(request)
    rows = open_actions(visible_people(request), user.agency.kind if user.agency else "")
    return _actions(request, "My actions", rows.filter(nominal_id__in=my_cohort(user).values("nominal_id")), mine=True)


@case_worker_required
def agency_actions(request: HttpRequest) -> HttpResponse:
    """Open actions owned by the user's agency."""
    user = user_of(request)
    return _actions(request, "My agency's actions",
                    open_actions(visible_people(request), user.agency.kind if user.agency else ""), mine=False)
