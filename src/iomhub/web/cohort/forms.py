"""The cohort list's filters (GET), and the level change and exit forms."""

from __future__ import annotations

from typing import Any

from django import forms

from iomhub.web import choices
from iomhub.web.forms import UKDateField

ANY = [("", "Any")]
SORTS = ("name", "level", "area", "tier", "start")
LEADS = [("police", "Police"), *choices.PROVIDERS]


class CohortFilterForm(forms.Form):
    on = UKDateField(what="date", label="On IOM on", required=False,
                     help_text="DD/MM/YYYY; empty for today")
    level = forms.ChoiceField(label="Level", choices=ANY + choices.SCHEMES, required=False)
    area = forms.ChoiceField(label="Area", choices=ANY, required=False)
    tier = forms.ChoiceField(label="Risk tier", choices=[*ANY, *choices.TIERS, ("none", "Not assessed")],
                             required=False)
    status = forms.ChoiceField(label="Custody or community", required=False,
                               choices=[*ANY, ("custody", "In custody"), ("community", "In the community")])
    lead = forms.ChoiceField(label="Lead agency", choices=ANY + LEADS, required=False)

    def __init__(self, *args: Any, areas: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        area = self.fields["area"]
        assert isinstance(area, forms.ChoiceField)
        area.choices = ANY + [(code, code) for code in areas or []]
        for name in ("level", "area", "tier", "status", "lead"):
            label = str(self.fields[name].label).lower()
            self.fields[name].error_messages["invalid_choice"] = f"Choose a {label} from the list"


class ChangeLevelForm(forms.Form):
    scheme = forms.ChoiceField(label="New level", choices=choices.SCHEMES, widget=forms.RadioSelect,
                               error_messages={"required": "Choose the new level"})
    on = UKDateField(what="date the new level starts", label="New level from")
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                             error_messages={"required": "Enter the reason for the change"})


class ExitForm(forms.Form):
    end = UKDateField(what="last day on IOM", label="Last day on IOM")
    exit_reason = forms.CharField(label="Reason for leaving IOM", max_length=200,
                                  help_text="For example: completed, moved out of area, long custodial sentence",
                                  error_messages={"required": "Enter the reason for leaving IOM"})


DEFAULT_TOP = 50
MOST_SHOWN = 500


class SelectionForm(forms.Form):
    """How many people the Selection page lists, and the date they are ranked on (GET)."""

    top = forms.IntegerField(label="How many people", required=False, min_value=1, max_value=MOST_SHOWN,
                             help_text=f"1 to {MOST_SHOWN}; empty for {DEFAULT_TOP}",
                             error_messages={"invalid": "Enter how many people to list as a whole number, "
                                                        "for example 50",
                                             "min_value": "List at least 1 person",
                                             "max_value": f"List at most {MOST_SHOWN} people"})
    as_at = UKDateField(what="date to rank on", label="Ranked as at", required=False, not_future=True,
                        help_text="DD/MM/YYYY; empty for today (or the latest offence of older data)")


class LeadForm(forms.Form):
    """Name a worker to one of the person's lead roles."""

    kind = forms.ChoiceField(label="Role", widget=forms.RadioSelect, choices=[],
                             error_messages={"required": "Choose the role", "invalid_choice": "Choose the role"})
    worker = forms.ChoiceField(label="Worker", choices=[],
                               help_text="An offender manager is of the Probation Service, a police officer of "
                                         "the police; a key worker of any partner agency",
                               error_messages={"required": "Choose the worker",
                                               "invalid_choice": "Choose a worker from the list"})
    on = UKDateField(what="date the worker takes the case", label="From", not_future=True)

    def __init__(self, *args: Any, workers: list[Any], **kwargs: Any) -> None:
        from iomhub.web.cohort.models import LeadRole

        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = LeadRole.choices
        worker = self.fields["worker"]
        assert isinstance(worker, forms.ChoiceField)
        worker.choices = [("", "Choose a worker"),
                          *((str(w.pk), f"{w.get_full_name() or w.username} ({w.agency})") for w in workers)]
        self.workers = {str(w.pk): w for w in workers}


class TransferForm(forms.Form):
    area = forms.ChoiceField(label="New area", choices=[],
                             error_messages={"required": "Choose the new area",
                                             "invalid_choice": "Choose one of the unit's areas"})
    reason = forms.CharField(label="Reason for the transfer", max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "Enter the reason for the transfer"})

    def __init__(self, *args: Any, areas: list[str], current: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        area = self.fields["area"]
        assert isinstance(area, forms.ChoiceField)
        area.choices = [("", "Choose an area"), *((a, a) for a in areas if a != current)]
