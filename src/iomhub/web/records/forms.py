"""The forms of the data protection pages (administrators only)."""

from __future__ import annotations

from typing import Any

from django import forms

from iomhub.web.records.models import Review
from iomhub.web.records.services import RECTIFIABLE
from iomhub.web.text import REASON


def _reason(label: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(label=label, max_length=REASON, help_text=help_text,
                           widget=forms.Textarea(attrs={"rows": 3}), error_messages={"required": "Enter the reason"})


class FindForm(forms.Form):
    nominal_id = forms.CharField(label="IOM id", max_length=40, required=False)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label="Decision", choices=Review.Decision.choices, widget=forms.RadioSelect,
                                 error_messages={"required": "Choose to retain or to delete the record",
                                                 "invalid_choice": "Choose to retain or to delete the record"})
    reason = _reason("Why", "Why the record is still necessary (for example: on IOM at priority level; "
                            "current MAPPA management), or why it is not.")
    confirm = forms.CharField(label="To delete, type the IOM id again", max_length=40, required=False,
                              help_text="Deleting removes every record of this person; it cannot be undone.")

    def __init__(self, *args: Any, nominal_id: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.nominal_id = nominal_id

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("decision") == Review.Decision.DELETE and cleaned.get("confirm", "").strip() != self.nominal_id:
            self.add_error("confirm", f"Type {self.nominal_id} to confirm the deletion")
        return cleaned


class SubjectAccessForm(forms.Form):
    format = forms.ChoiceField(label="Format", widget=forms.RadioSelect, initial="pdf",
                               choices=[("pdf", "PDF (to read)"), ("zip", "ZIP of CSV files (every value)")],
                               error_messages={"required": "Choose a format", "invalid_choice": "Choose a format"})
    justification = forms.CharField(label="The request", max_length=2000,
                                    help_text="Its reference and date, for example: SAR 2016/041 received 02/05/2016.",
                                    error_messages={"required": "Enter the request's reference"})
    recipient = forms.CharField(label="Sent to", max_length=200,
                                help_text="The person, or who acts for them.",
                                error_messages={"required": "Enter who it is sent to"})


class RestrictionForm(forms.Form):
    reason = _reason("Why", "For example: the person contests the accuracy of the record (s.47(2)), or the "
                            "record must be kept as evidence (s.47(3)).")


class RectifyForm(forms.Form):
    field = forms.ChoiceField(label="Detail to correct", choices=[("", "Choose a detail"), *RECTIFIABLE.items()],
                              error_messages={"required": "Choose the detail to correct",
                                              "invalid_choice": "Choose the detail to correct"})
    value = forms.CharField(label="Correct value", max_length=100, required=False,
                            help_text="Dates as DD/MM/YYYY; gender as male, female, other or unknown. Leave empty "
                                      "to clear it.")
    reason = _reason("Why", "For example: birth certificate seen, request of 02/05/2016.")
