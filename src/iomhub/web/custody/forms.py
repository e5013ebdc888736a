"""Custody periods (with the expected release) and statutory supervision."""

from __future__ import annotations

from typing import Any

from django import forms

from iomhub.web import choices
from iomhub.web.custody.models import CustodyPeriod, Supervision
from iomhub.web.forms import UKDateField


class _Dates(forms.ModelForm):  # type: ignore[type-arg]
    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The end date must be on or after the start date")
        return data

    def _post_clean(self) -> None:  # the model is validated in the service's audited transaction
        from django.forms.models import construct_instance
        self.instance = construct_instance(self, self.instance, self._meta.fields, self._meta.exclude)


class CustodyForm(_Dates):
    start_date = UKDateField(what="date custody started", label="Into custody on")
    custody_type = forms.ChoiceField(label="Type of custody", required=False,
                                     choices=[("", "Not known"), *choices.CUSTODY_TYPES])
    expected_release_date = UKDateField(what="expected release date", label="Expected release (optional)",
                                        required=False)
    end_date = UKDateField(what="release date", label="Released on (optional)", required=False,
                           help_text="Leave empty while the person is in custody")

    class Meta:
        model = CustodyPeriod
        fields = ["start_date", "custody_type", "expected_release_date", "end_date"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, expected = data.get("start_date"), data.get("expected_release_date")
        if start and expected and expected < start:
            self.add_error("expected_release_date", "The expected release date must be on or after the start date")
        return data


class SupervisionForm(_Dates):
    provider = forms.ChoiceField(label="Provider", choices=choices.PROVIDERS,
                                 error_messages={"required": "Choose the provider",
                                                 "invalid_choice": "Choose the provider"})
    order_type = forms.ChoiceField(label="Order type", required=False,
                                   choices=[("", "Not known"), *choices.ORDER_TYPES])
    start_date = UKDateField(what="start date of the supervision", label="Start date")
    end_date = UKDateField(what="end date of the supervision", label="End date (optional)", required=False)

    class Meta:
        model = Supervision
        fields = ["provider", "order_type", "start_date", "end_date"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        provider = self.fields["provider"]
        assert isinstance(provider, forms.ChoiceField)
        # probation is recorded with the package's code nps, offered as the Probation Service
        provider.choices = choices.offered(choices.PROVIDERS, self.instance.provider or "",
                                           titles=choices.NEW_SUPERVISION_TITLES, keep=frozenset({"nps"}))
