"""Forms of the performance framework (indicators, targets, actuals, RAG overrides) and of the
action plan (milestones and their status), with messages in plain English."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import RegexValidator

from iomhub.domain.dates import PERIOD_PATTERN, PERIOD_YEARS, format_period
from iomhub.reports.documents.actions import due_end
from iomhub.reports.formatting import STATUS_LABELS
from iomhub.reports.model import figures
from iomhub.web import choices
from iomhub.web.forms import today

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.\-]*\Z"
NUMBER_ERRORS = {"invalid": "Enter a number, for example 42 or 12.5"}
METRICS = sorted(figures({}, None))  # the names of the figures the report computes
METRIC_CHOICES = [("", "None: actuals are typed in"),
                  *((name, name.replace("_", " ").capitalize()) for name in METRICS)]
RAG_CHOICES = [("green", "Green: the target is met"), ("amber", "Amber: close to the target"),
               ("red", "Red: the target is missed")]
STATUS_CHOICES = list(STATUS_LABELS.items())


def _number(label: str, help_text: str = "", required: bool = False) -> forms.FloatField:
    return forms.FloatField(label=label, required=required, help_text=help_text,
                            error_messages={**NUMBER_ERRORS, "required": f"Enter the {label.lower()}"})


class PeriodField(forms.CharField):
    """A quarter of a financial year (``2015-Q1``) or a financial year (``2015``, i.e. 2015/16)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", "Period")
        kwargs.setdefault("help_text", "A quarter such as 2015-Q1 (April to June 2015), or a financial year "
                                       "such as 2015 (2015/16).")
        kwargs.setdefault("error_messages", {"required": "Enter the period, for example 2015-Q1 or 2015"})
        super().__init__(max_length=10, **kwargs)

    def clean(self, value: Any) -> str:
        text = str(super().clean(value) or "").strip()
        match = PERIOD_PATTERN.match(text)
        if not match:
            raise forms.ValidationError("Enter the period as a quarter such as 2015-Q1 or a financial year "
                                        "such as 2015")
        if int(match.group(1)) not in PERIOD_YEARS:
            raise forms.ValidationError(f"Enter a period from {PERIOD_YEARS.start} to {PERIOD_YEARS.stop - 1}")
        return format_period(text)


def _code_field(label: str, help_text: str, required: str) -> forms.CharField:
    """An id that becomes part of web addresses: letters, digits, full stops, hyphens, underscores."""
    return forms.CharField(label=label, max_length=60, help_text=help_text, error_messages={"required": required},
                           validators=[RegexValidator(ID_PATTERN, f"The {label.lower()} may hold only letters, "
                                                                 "digits, full stops, hyphens and underscores")])


class IndicatorForm(forms.Form):
    indicator_id = _code_field("Indicator id", "A short code, for example IOM1. It cannot be changed later.",
                               "Enter an indicator id")
    title = forms.CharField(label="Description", max_length=300,
                            error_messages={"required": "Enter the indicator's description"})
    owner = forms.CharField(label="Owner", max_length=200, required=False,
                            help_text="The person or agency accountable for it.")
    unit = forms.ChoiceField(label="Unit", choices=[("", "Not stated"), *choices.UNITS], required=False)
    direction = forms.ChoiceField(
        label="Better is", choices=[("", "Not stated"), ("up", "Higher (up)"), ("down", "Lower (down)"),
                                    ("range", "Within a range")], required=False)
    baseline = _number("Baseline", "The figure the targets are measured from (optional).")
    metric = forms.ChoiceField(
        label="Actuals filled from", choices=METRIC_CHOICES, required=False,
        help_text="A figure iomhub computes; it is the actual of any period whose actual is not typed in.",
        error_messages={"invalid_choice": "Choose one of the figures listed"})

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["indicator_id"]


class TargetForm(forms.Form):
    period = PeriodField()
    kind = forms.ChoiceField(
        label="Kind of target", widget=forms.RadioSelect,
        choices=[("value", "A value to reach"), ("range", "A range, for example 9 to 15%"),
                 ("change", "A change on the baseline, for example -0.40 for a 40% fall"),
                 ("na", "Not applicable (N/A)"), ("tbc", "To be confirmed (TBC)")],
        error_messages={"required": "Choose the kind of target", "invalid_choice": "Choose the kind of target"})
    value = _number("Value", "For a value, the figure; for a change, the fraction of the baseline (-0.40).")
    low = _number("Lowest value of the range")
    high = _number("Highest value of the range")


class ActualForm(forms.Form):
    period = PeriodField()
    actual = _number("Actual", "Leave empty when there is no figure yet.")
    comment = forms.CharField(label="Comment", required=False, max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 3}))
    fill = forms.BooleanField(
        label="Fill the actual from the indicator's figure, computed now for this period", required=False)


class OverrideForm(forms.Form):
    period = PeriodField()
    rag = forms.ChoiceField(label="RAG to show", choices=RAG_CHOICES, widget=forms.RadioSelect,
                            error_messages={"required": "Choose the RAG to show",
                                            "invalid_choice": "Choose green, amber or red"})
    reason = forms.CharField(label="Reason", max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
                             help_text="Why the computed RAG does not tell the board the truth. It is kept, "
                                       "with your name and the date, and printed with the table.",
                             error_messages={"required": "Enter why the RAG is set by hand"})


class WithdrawForm(forms.Form):
    period = PeriodField()
    reason = forms.CharField(label="Reason for withdrawing it", max_length=5000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "Enter why the override is withdrawn"})


class StatusForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=STATUS_CHOICES, widget=forms.RadioSelect,
                               error_messages={"required": "Choose the status",
                                               "invalid_choice": "Choose one of the statuses listed"})
    comment = forms.CharField(label="Comment", max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
                              help_text="What has happened: it is kept in the milestone's history.",
                              error_messages={"required": "Enter a comment explaining the status"})


class PlanActionForm(forms.Form):
    action_id = _code_field("Milestone id", "A short code, for example A12.", "Enter an id for the milestone")
    outcome = forms.CharField(label="Outcome", max_length=2000, required=False,
                              help_text="Milestones with the same outcome are shown together.")
    action = forms.CharField(label="Action", max_length=2000, required=False)
    milestone = forms.CharField(label="Milestone", max_length=2000,
                                error_messages={"required": "Enter the milestone"})
    due = forms.CharField(label="Due", max_length=20,
                          help_text="A quarter such as 2016-Q2 (July to September 2016), or a date.",
                          error_messages={"required": "Enter when the milestone is due"})
    lead = forms.CharField(label="Lead", max_length=200, required=False)
    strategic_links = forms.CharField(label="Strategic links", max_length=2000, required=False)
    status = forms.ChoiceField(label="Status", choices=STATUS_CHOICES, widget=forms.RadioSelect,
                               error_messages={"required": "Choose the milestone's status",
                                               "invalid_choice": "Choose one of the statuses listed"})

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["action_id"]
            del self.fields["status"]

    def clean_due(self) -> str:
        due = str(self.cleaned_data.get("due") or "").strip()
        if due_end(due, today()) is None:
            raise forms.ValidationError("Enter the due date as a quarter such as 2016-Q2, a month such as "
                                        "June 2016, or a date such as 30/06/2016")
        return due
