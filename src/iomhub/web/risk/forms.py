"""A change of risk tier, with its rationale."""

from __future__ import annotations

from django import forms

from iomhub.web import choices
from iomhub.web.forms import UKDateField


class TierForm(forms.Form):
    tier = forms.ChoiceField(label="Risk tier", choices=choices.TIERS, widget=forms.RadioSelect,
                             error_messages={"required": "Choose the risk tier",
                                             "invalid_choice": "Choose the risk tier"})
    assessed_on = UKDateField(what="date of the assessment", label="Assessed on", not_future=True)
    rationale = forms.CharField(label="Rationale", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000,
                                help_text="Why this tier: what has changed",
                                error_messages={"required": "Enter the rationale for the tier"})
