"""Forms about people: their details and notes (the shared pieces are in ``iomhub.web.forms``).

Messages are plain English and name the field; every form works without JavaScript.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from iomhub.web.forms import UKDateField
from iomhub.web.people.constants import Flag as FlagCode
from iomhub.web.people.constants import Gender, NoteVisibility
from iomhub.web.people.models import Nominal
from iomhub.web.text import NOTE

PNC_PATTERN = re.compile(r"^(\d{2}|\d{4})/(\d{1,7})([A-Z])$")
PNC_CHECK_LETTERS = "ZABCDEFGHJKLMNPQRTUVWXY"


def pnc_check_letter(year: str, serial: str) -> str:
    """The PNC id's check character: (two-digit year followed by the 7-digit serial) mod 23."""
    return PNC_CHECK_LETTERS[int(year[-2:] + serial.zfill(7)) % 23]


def normalise_pnc(raw: str) -> str:
    """``09/123456c`` → ``2009/0123456C`` is not attempted (the century is not known): only
    spaces are removed and the letter upper-cased; the serial is zero-padded to 7 digits."""
    value = re.sub(r"\s+", "", raw).upper()
    match = PNC_PATTERN.match(value)
    if not match:
        return value
    year, serial, letter = match.groups()
    return f"{year}/{serial.zfill(7)}{letter}"


def pnc_problem(value: str) -> str | None:
    """Why a PNC id as typed is wrong, in plain English, or None when it is right."""
    match = PNC_PATTERN.match(value)
    if not match:
        return "Enter the PNC id as YYYY/NNNNNNNL, for example 2009/0123456C"
    year, serial, letter = match.groups()
    expected = pnc_check_letter(year, serial)
    if letter != expected:
        return f"The PNC id's check letter is wrong: check the id (for {year}/{serial.zfill(7)} it would be {expected})"
    return None


def in_order(form: forms.Form, data: dict[str, Any] | None, first: str, last: str, message: str) -> dict[str, Any]:
    """The cleaned ``data`` of ``form``, with ``message`` on ``last`` when it is before ``first``."""
    assert data is not None
    start, end = data.get(first), data.get(last)
    if start is not None and end is not None and end < start:
        form.add_error(last, message)
    return data


class SuggestingInput(forms.TextInput):
    """A text input offering known values as the user types (an HTML ``datalist``): free text
    stays possible, the usual spellings are one keystroke away."""

    def __init__(self, suggestions: list[str], attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.suggestions = suggestions

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        if not self.suggestions:
            return super().render(name, value, attrs, renderer)
        listed = f"{(attrs or {}).get('id') or f'id_{name}'}_suggestions"
        field = super().render(name, value, {**(attrs or {}), "list": listed, "autocomplete": "off"}, renderer)
        options = format_html_join("", '<option value="{}"></option>', ((item,) for item in self.suggestions))
        return format_html('{}<datalist id="{}">{}</datalist>', field, listed, options)


class NominalForm(forms.ModelForm):  # type: ignore[type-arg]
    """A person's identifiers, names, date of birth, gender and area."""

    nominal_id = forms.CharField(
        label="IOM id", max_length=40, required=False,
        help_text="The unit's own identifier. Leave empty to have one given (for example N0042).")
    pnc_id = forms.CharField(label="PNC id (optional)", max_length=20, required=False,
                             help_text="Written YYYY/NNNNNNNL, for example 2009/0123456C")
    given_names = forms.CharField(label="Given names", max_length=100, required=False)
    family_name = forms.CharField(label="Family name", max_length=100, required=False)
    aliases = forms.CharField(label="Other names (optional)", max_length=200, required=False,
                              help_text="Names the person is also known by, separated by commas")
    date_of_birth = UKDateField(what="date of birth", not_future=True, required=False,
                                label="Date of birth (optional)", help_text="For example, 14/02/1991")
    gender = forms.ChoiceField(label="Gender", choices=[("", "Not known"), *Gender.choices], required=False)
    area = forms.CharField(label="Area", max_length=40, required=False,
                           help_text="The local area code, for example NW: one of the unit's areas, as suggested")

    class Meta:
        model = Nominal
        fields = ["nominal_id", "pnc_id", "given_names", "family_name", "aliases", "date_of_birth", "gender", "area"]

    def __init__(self, *args: Any, areas: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:  # the id links every record of the person: it is not edited
            del self.fields["nominal_id"]
        self.areas = list(areas or [])
        self.fields["area"].widget = SuggestingInput(self.areas)

    def clean_area(self) -> str:
        """The area as typed, or the unit's own spelling of it ("nw " is NW), so that one area is
        never split in two by how it was typed. A new area is accepted: a unit may add one."""
        value: str = " ".join(self.cleaned_data.get("area", "").split())
        known = {area.casefold(): area for area in self.areas}
        return known.get(value.casefold(), value)

    def clean_nominal_id(self) -> str:
        value: str = self.cleaned_data.get("nominal_id", "").strip()
        if value and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_\-.]*", value):
            raise forms.ValidationError("The IOM id can hold only letters, digits, and - _ .")
        if value and Nominal.objects.filter(nominal_id=value).exists():
            raise forms.ValidationError(f"There is already a person with the IOM id {value}")
        return value

    def clean_pnc_id(self) -> str:
        value = normalise_pnc(self.cleaned_data.get("pnc_id", ""))
        if not value:
            return ""
        if self.instance.pk is not None and value == self.instance.pnc_id:
            return value  # an id already held (perhaps imported) is kept as it is
        problem = pnc_problem(value)
        if problem:
            raise forms.ValidationError(problem)
        others = Nominal.objects.filter(pnc_id=value)
        if self.instance.pk is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError("Another person already has this PNC id")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None
        if not (data.get("given_names") or data.get("family_name") or data.get("pnc_id")):
            raise forms.ValidationError("Enter the person's name or PNC id")
        return data

    def _post_clean(self) -> None:
        # the model is validated by people.services.save_nominal, inside its audited transaction
        opts = self._meta
        from django.forms.models import construct_instance
        self.instance = construct_instance(self, self.instance, opts.fields, opts.exclude)


class NoteForm(forms.Form):
    text = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 4}), max_length=NOTE,
                           error_messages={"required": "Enter the note"})
    visibility = forms.ChoiceField(label="Who can see this note", choices=NoteVisibility.choices,
                                   initial=NoteVisibility.SHARED, widget=forms.RadioSelect)

    def __init__(self, *args: Any, can_see_health: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not can_see_health:  # one could write a health note one could not then read
            field = self.fields["visibility"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [c for c in NoteVisibility.choices if c[0] != NoteVisibility.HEALTH]
        self.fields["visibility"].error_messages["invalid_choice"] = "Choose who can see this note"
        self.fields["visibility"].error_messages["required"] = "Choose who can see this note"


class FlagForm(forms.Form):
    """A flag of a person from a start date, and to an end date when it is known."""

    flag = forms.ChoiceField(label="Flag", choices=[("", "Choose a flag"), *FlagCode.choices],
                             error_messages={"required": "Choose a flag",
                                             "invalid_choice": "Choose a flag from the list"})
    start_date = UKDateField(what="start date", label="Start date")
    end_date = UKDateField(what="end date", label="End date (optional)", required=False,
                           help_text="Leave empty while the flag applies. For example, 14/02/2016")

    def clean(self) -> dict[str, Any]:
        return in_order(self, super().clean(), "start_date", "end_date", "The end date cannot be before the start date")


class EndFlagForm(forms.Form):
    """The day a flag stops applying."""

    end_date = UKDateField(what="end date", label="End date")


class TimelineFilterForm(forms.Form):
    """The person page's timeline filter (a GET form): one kind, one agency, from and to dates."""

    kind = forms.ChoiceField(label="Kind", required=False, choices=[])
    agency = forms.ChoiceField(label="Agency", required=False, choices=[])
    since = UKDateField(what="from date", label="From", required=False, help_text="")
    until = UKDateField(what="to date", label="To", required=False, help_text="")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from iomhub.web import choices
        from iomhub.web.people.timeline import KINDS

        super().__init__(*args, **kwargs)
        kind, agency = self.fields["kind"], self.fields["agency"]
        assert isinstance(kind, forms.ChoiceField) and isinstance(agency, forms.ChoiceField)
        kind.choices = [("", "All kinds"), *KINDS]
        agency.choices = [("", "All agencies"), *choices.AGENCIES]
        for name in ("since", "until"):
            self.fields[name].widget.attrs["class"] = "govuk-input--width-10"

    def clean(self) -> dict[str, Any]:
        return in_order(self, super().clean(), "since", "until", "The to date cannot be before the from date")
