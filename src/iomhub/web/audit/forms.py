"""The audit search form (administrators only)."""

from __future__ import annotations

from typing import Any

from django import forms

from iomhub.web.audit.constants import Operation


class AuditSearchForm(forms.Form):
    username = forms.CharField(required=False, max_length=150)
    agency = forms.CharField(required=False, max_length=40, help_text="Agency code, for example police.")
    nominal_id = forms.CharField(label="IOM id", required=False, max_length=100)
    operation = forms.ChoiceField(required=False, choices=[("", "Any"), *Operation.choices])
    date_from = forms.DateField(label="From", required=False, input_formats=["%Y-%m-%d", "%d/%m/%Y"],
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="To", required=False, input_formats=["%Y-%m-%d", "%d/%m/%Y"],
                              widget=forms.DateInput(attrs={"type": "date"}))

    def _year_in_range(self, name: str) -> Any:
        day = self.cleaned_data.get(name)
        if day is not None and not 1900 <= day.year <= 2200:
            raise forms.ValidationError("Enter a date from 1900 to 2200")
        return day

    def clean_date_from(self) -> Any:
        return self._year_in_range("date_from")

    def clean_date_to(self) -> Any:
        return self._year_in_range("date_to")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date must be the same as or after the start date.")
        return data
