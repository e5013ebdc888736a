"""The treatment episode form: substance, start, end, outcome, re-presentation."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from iomhub.web import choices
from iomhub.web.forms import UKDateField, not_in_future, uk

FIELDS = ("substance", "start_date", "end_date", "outcome", "re_presented_on")


class TreatmentEpisodeForm(forms.Form):
    substance = forms.ChoiceField(label="Substance", choices=[("", "Choose a substance"), *choices.SUBSTANCES],
                                  error_messages={"required": "Choose the substance treated"})
    start_date = UKDateField(label="Start date", what="date treatment started")
    end_date = UKDateField(label="End date", what="date treatment ended", required=False,
                           help_text="Leave blank if treatment is still going on. For example, 14/02/2016")
    outcome = forms.ChoiceField(label="Outcome", required=False,
                                choices=[("", "Not known yet"), *choices.TREATMENT_OUTCOMES])
    re_presented_on = UKDateField(label="Date of re-presentation to treatment", what="date of re-presentation",
                                  required=False,
                                  help_text="Only if the person came back to treatment after this episode "
                                            "ended. For example, 14/02/2016")

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        outcome, again = cleaned.get("outcome"), cleaned.get("re_presented_on")
        for name, what in (("start_date", "start date"), ("end_date", "end date"),
                           ("re_presented_on", "date of re-presentation")):
            try:
                not_in_future(cleaned.get(name), self.today, what)
            except ValidationError as error:
                self.add_error(name, error)
        if start and end and end < start:
            self.add_error("end_date", f"The end date must be on or after the start date ({uk(start)})")
        if end and outcome == "ongoing":
            self.add_error("outcome", "An episode with an end date is not ongoing: choose how it ended")
        if not end and outcome and outcome != "ongoing":
            self.add_error("end_date", "Enter the date the episode ended, or choose 'Ongoing' as the outcome")
        if again and not end:
            self.add_error("re_presented_on", "A person can re-present only after the episode has ended: "
                                              "enter the end date first")
        elif again and end and again <= end:
            self.add_error("re_presented_on", f"The date of re-presentation must be after the end date ({uk(end)})")
        return cleaned
