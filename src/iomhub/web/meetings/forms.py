"""Meeting forms: a new meeting, attendance by agency, a case discussion."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from iomhub.domain.codes import AGENCIES
from iomhub.web import choices
from iomhub.web.forms import UKDateField, uk
from iomhub.web.meetings.models import Attendance, Meeting
from iomhub.web.people.constants import NoteVisibility
from iomhub.web.people.models import Nominal
from iomhub.web.people.search import resolve
from iomhub.web.text import NOTE, SHORT

AGENCY_TITLES = dict(choices.AGENCIES)


class MeetingForm(forms.Form):
    meeting_type = forms.ChoiceField(label="Type of meeting",
                                     choices=[("", "Choose a type"), *choices.MEETING_TYPES],
                                     error_messages={"required": "Choose the type of meeting"})
    held_on = UKDateField(label="Date of the meeting", what="date of the meeting")
    area = forms.ChoiceField(label="Area", required=False, choices=[],
                             help_text="One of the unit's areas, or every area",
                             error_messages={"invalid_choice": "Choose one of the unit's areas"})

    def __init__(self, *args: Any, areas: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["area"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Every area"), *((a, a) for a in areas or [])]


class ScheduleForm(MeetingForm):
    """A fortnightly series: the first meeting's date and how many."""

    count = forms.IntegerField(label="How many meetings", min_value=1, max_value=26, initial=6,
                               help_text="One every 14 days from the first, at most 26 (a year)",
                               widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
                               error_messages={"required": "Enter how many meetings to plan",
                                               "invalid": "Enter a whole number of meetings",
                                               "min_value": "Plan at least 1 meeting",
                                               "max_value": "Plan at most 26 meetings at a time"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["held_on"].label = "Date of the first meeting"


class MinutesForm(forms.Form):
    minutes = forms.CharField(label="Minutes", required=False, max_length=NOTE,
                              widget=forms.Textarea(attrs={"rows": 8}),
                              help_text="Decisions, actions and who reported what. Saving replaces the minutes.")


class WorkerChoices(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_full_name() or obj.username} ({obj.agency})"


class PeopleForm(forms.Form):
    """The named workers invited to a meeting and those who attended."""

    invited = WorkerChoices(label="Invited", required=False, queryset=None, widget=forms.CheckboxSelectMultiple)
    attended = WorkerChoices(label="Attended", required=False, queryset=None, widget=forms.CheckboxSelectMultiple,
                             help_text="Someone who attended counts as invited")

    def __init__(self, *args: Any, workers: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from iomhub.web.accounts.models import User

        queryset = User.objects.filter(pk__in=[w.pk for w in workers]).select_related("agency").order_by(
            "last_name", "first_name", "username")
        for name in ("invited", "attended"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelMultipleChoiceField)
            field.queryset = queryset


class AttendanceForm(forms.Form):
    """An "invited" and an "attended" checkbox for each agency code."""

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        rows = {row.agency: row for row in Attendance.objects.filter(meeting=meeting)}
        # One Probation Service since June 2021: the NPS and the CRCs are offered only where a
        # meeting already records them.
        self.agencies = [a for a in AGENCIES if a not in choices.RETIRED or a in rows]
        self.titles = AGENCY_TITLES
        initial: dict[str, Any] = dict(kwargs.pop("initial", None) or {})
        for agency in self.agencies:
            row = rows.get(agency)
            initial.setdefault(f"invited_{agency}", bool(row and row.invited))
            initial.setdefault(f"attended_{agency}", bool(row and row.attended))
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        for agency in self.agencies:
            title = self.titles[agency]
            self.fields[f"invited_{agency}"] = forms.BooleanField(label=f"{title} invited", required=False)
            self.fields[f"attended_{agency}"] = forms.BooleanField(label=f"{title} attended", required=False)

    def rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [(self.titles[a], self[f"invited_{a}"], self[f"attended_{a}"]) for a in self.agencies]

    def marks(self) -> dict[str, tuple[bool, bool]]:
        return {a: (bool(self.cleaned_data.get(f"invited_{a}")), bool(self.cleaned_data.get(f"attended_{a}")))
                for a in AGENCIES}


class DiscussionForm(forms.Form):
    """A case discussion: the person, a case note, and an action with its owner and due date."""

    nominal_id = forms.CharField(label="The person discussed", max_length=200,
                                 help_text="Their name and date of birth, PNC id or IOM id, as in the search",
                                 error_messages={"required": "Enter the name, PNC id or IOM id of the person "
                                                             "discussed"})
    note = forms.CharField(label="Case note", required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=NOTE,
                           help_text="What was discussed. Leave blank to record only an action.")
    visibility = forms.ChoiceField(label="Who can read the note", choices=NoteVisibility.choices,
                                   initial=NoteVisibility.SHARED)
    action = forms.CharField(label="Action agreed", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                             max_length=SHORT,
                             help_text="Leave blank if no action was agreed.")
    owner_agency = forms.ChoiceField(label="Agency that owns the action", required=False,
                                     choices=[("", "Choose an agency"), *choices.offered(choices.AGENCIES)])
    due_on = UKDateField(label="Action due by", what="date the action is due", required=False)

    def __init__(self, *args: Any, meeting: Meeting, people: Any, can_see_health: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.meeting, self.people = meeting, people
        field = self.fields["visibility"]
        assert isinstance(field, forms.ChoiceField)
        if not can_see_health:
            field.choices = [c for c in NoteVisibility.choices if c[0] != NoteVisibility.HEALTH]
        self.nominal: Nominal | None = None

    def clean_nominal_id(self) -> str:
        self.nominal, problem = resolve(self.people, str(self.cleaned_data["nominal_id"]), self.meeting.held_on)
        if self.nominal is None:
            raise ValidationError(problem, code="unknown")
        return str(self.nominal.nominal_id)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        note, action = cleaned.get("note", "").strip(), cleaned.get("action", "").strip()
        if not note and not action and not self.has_error("note") and not self.has_error("action"):
            raise ValidationError("Enter a case note, an action, or both", code="empty")
        due: date | None = cleaned.get("due_on")
        if action:
            if not cleaned.get("owner_agency"):
                self.add_error("owner_agency", "Choose the agency that owns the action")
            if due is None and not self.has_error("due_on"):
                self.add_error("due_on", "Enter the date the action is due")
            elif due is not None and due < self.meeting.held_on:
                self.add_error("due_on", "The action cannot be due before the meeting "
                                         f"({uk(self.meeting.held_on)})")
        elif cleaned.get("owner_agency") or due is not None:
            self.add_error("action", "Describe the action agreed, or clear its agency and due date")
        return cleaned
