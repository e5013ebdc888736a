"""Referring a person to the single referral meeting, and recording its decision."""

from __future__ import annotations

from typing import Any

from django import forms

from iomhub.web import choices
from iomhub.web.forms import UKDateField
from iomhub.web.referrals.constants import Outcome
from iomhub.web.text import REASON


class ReferralForm(forms.Form):
    nominal_id = forms.CharField(label="A person already on iomhub (optional)", max_length=200, required=False,
                                 help_text="Their name and date of birth, PNC id or IOM id, as in the search. "
                                           "Leave empty to refer a new person, and give their details below")
    referred_on = UKDateField(what="date of the referral", label="Date of the referral", not_future=True)
    referring_agency = forms.ChoiceField(label="Referring agency", choices=choices.offered(choices.AGENCIES),
                                         error_messages={"required": "Choose the referring agency",
                                                         "invalid_choice": "Choose the referring agency"})
    area = forms.ChoiceField(label="Area of the referral (optional)", required=False, choices=[],
                             help_text="One of the unit's areas; leave as it is for the person's own area",
                             error_messages={"invalid_choice": "Choose one of the unit's areas"})
    referral_reason = forms.CharField(label="Why the person is referred", widget=forms.Textarea(attrs={"rows": 4}),
                                      max_length=REASON, required=False,
                                      help_text="What the meeting should know first: the risk, the pattern of "
                                                "offending, what has been tried")
    evidence = forms.CharField(label="Evidence (optional)", widget=forms.Textarea(attrs={"rows": 4}),
                               max_length=REASON, required=False,
                               help_text="Recent offending, intelligence, risk: what the meeting should weigh")

    def __init__(self, *args: Any, areas: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["area"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "The person's own area"), *((a, a) for a in areas or [])]


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label="Decision", choices=Outcome.choices, widget=forms.RadioSelect,
                                error_messages={"required": "Choose the decision",
                                                "invalid_choice": "Choose the decision"})
    scheme = forms.ChoiceField(label="Level, if accepted", choices=[("", "Choose a level"), *choices.SCHEMES],
                               required=False)
    mappa_level = forms.ChoiceField(label="MAPPA level, if referred on to MAPPA", required=False,
                                    choices=[("", "Choose a MAPPA level"), *choices.MAPPA_LEVELS])
    decided_on = UKDateField(what="date of the decision", label="Date of the decision", not_future=True)
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                             required=False, help_text="Needed when the person is not accepted")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None
        outcome = data.get("outcome")
        if outcome == Outcome.ACCEPT and not data.get("scheme"):
            self.add_error("scheme", "Choose the level to accept the person at")
        if outcome == Outcome.REJECT and not (data.get("reason") or "").strip():
            self.add_error("reason", "Enter the reason the person was not accepted")
        if outcome == Outcome.MAPPA and not data.get("mappa_level"):
            self.add_error("mappa_level", "Choose the MAPPA level")
        return data
