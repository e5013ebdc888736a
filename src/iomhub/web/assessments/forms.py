"""The needs assessment form."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from iomhub.domain.codes import PATHWAY_TITLES, PATHWAYS
from iomhub.web.assessments.models import NeedScore
from iomhub.web.forms import UKDateField, not_in_future, uk
from iomhub.web.people.models import Nominal

HEALTH = "health"


def score_field_name(pathway: str) -> str:
    return f"score_{pathway}"


class NeedsAssessmentForm(forms.Form):
    """A date and a 0-10 score, or blank for "not assessed", for each of the seven pathways.

    A user who may not see health information is not offered the health pathway: it is saved
    as not assessed.
    """

    assessed_on = UKDateField(label="Date of the assessment", what="date of the assessment")

    def __init__(self, *args: Any, nominal: Nominal, can_see_health: bool, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.nominal, self.can_see_health, self.today = nominal, can_see_health, today
        for pathway in self.pathways:
            title = PATHWAY_TITLES[pathway]
            self.fields[score_field_name(pathway)] = forms.IntegerField(
                label=title, required=False, min_value=0, max_value=10,
                help_text="0 (no need) to 10, or leave blank if not assessed",
                error_messages={
                    "invalid": f"{title}: enter a whole number from 0 to 10, or leave it blank",
                    "min_value": f"{title}: the score cannot be less than 0",
                    "max_value": f"{title}: the score cannot be more than 10",
                },
                widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-2",
                                              "autocomplete": "off"}))

    @property
    def pathways(self) -> list[str]:
        return [p for p in PATHWAYS if p != HEALTH or self.can_see_health]

    def score_fields(self) -> list[forms.BoundField]:
        return [self[score_field_name(p)] for p in self.pathways]

    def clean_assessed_on(self) -> date:
        day: date = self.cleaned_data["assessed_on"]
        not_in_future(day, self.today, "date of the assessment")
        if NeedScore.objects.filter(nominal=self.nominal, assessed_on=day).exists():
            raise ValidationError(
                f"An assessment dated {uk(day)} is already recorded for {self.nominal.nominal_id}: "
                "only one assessment can be recorded on a date", code="duplicate")
        return day

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors and all(cleaned.get(score_field_name(p)) is None for p in self.pathways):
            raise ValidationError("Enter a score for at least one pathway", code="empty")
        return cleaned

    def scores(self) -> dict[str, int | None]:
        """The score of each of the seven pathways (None = not assessed)."""
        return {p: self.cleaned_data.get(score_field_name(p)) for p in PATHWAYS}
