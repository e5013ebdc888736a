"""The form pieces every app shares: the UK date field, and the date helpers of its messages.

Messages are plain English and name what is asked for ("Enter the date of birth as DD/MM/YYYY").
Dates are typed in UK order (``DD/MM/YYYY``; ISO is accepted too), read with
:func:`iomhub.domain.dates.parse_date` and shown back as ``DD/MM/YYYY``. Forms are rendered with
``templates/includes/``: ``fields.html`` (error summary, then each field), ``error_summary.html``
and ``field.html``; Django ties each input to its hint and error (``aria-describedby`` naming
``<id>_helptext`` and ``<id>_error``) and marks invalid inputs (``aria-invalid``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone

from iomhub.domain.dates import parse_date

T = TypeVar("T")

EXAMPLE = "14/02/2016"


def uk(day: date) -> str:
    """``2016-02-14`` → ``14/02/2016``."""
    return day.strftime("%d/%m/%Y")


def today() -> date:
    """Today in the local time zone. Views import it by name, so a test replaces it in the view's module."""
    return timezone.localdate()


def _sentence(what: str) -> str:
    return f"The {what}"


def not_in_future(day: date | None, today: date, what: str) -> None:
    """Refuse ``day`` (the ``what`` of the form) after ``today``."""
    if day is not None and day > today:
        raise forms.ValidationError(f"{_sentence(what)} must be today or in the past", code="future")


class UKDateInput(forms.TextInput):
    """A text box for a date shown as DD/MM/YYYY."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"autocomplete": "off", "spellcheck": "false", "class": "govuk-input--width-10",
                          **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, date):
            return uk(value)
        shown: str | None = super().format_value(value)
        return shown


class UKDateField(forms.Field):
    """A date typed as DD/MM/YYYY (or YYYY-MM-DD). ``what`` names it in messages, without "the"
    ("date of birth"); ``not_future`` refuses a date after today."""

    widget = UKDateInput

    def __init__(self, *, what: str, not_future: bool = False, **kwargs: Any) -> None:
        self.what = what
        self.not_future = not_future
        kwargs.setdefault("help_text", f"For example, {EXAMPLE}")
        super().__init__(**kwargs)
        self.error_messages["required"] = f"Enter the {what}"

    def to_python(self, value: Any) -> date | None:
        if isinstance(value, date):
            return value
        text = str(value or "").strip()
        if not text:
            return None
        try:
            day = parse_date(text)
        except ValueError as error:
            if "not a real date" in str(error):
                raise forms.ValidationError(f"{_sentence(self.what)} must be a real date, for example {EXAMPLE}",
                                            code="invalid") from None
            raise forms.ValidationError(f"Enter the {self.what} as DD/MM/YYYY", code="invalid") from None
        if day.year < 1900:
            raise forms.ValidationError(f"{_sentence(self.what)} must be after 1900", code="invalid")
        if self.not_future:
            not_in_future(day, today(), self.what)
        return day


def add_errors(form: Any, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its fields where it names them."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def form_page(request: HttpRequest, template: str, context: dict[str, Any], *forms: Any) -> HttpResponse:
    """A form's own page, again after a POST that did not save (status 400), or first (200). Its
    title's "Error:" and the error summary at the top come from ``base.html`` (``page_errors``)."""
    posted = any(form is not None and form.is_bound for form in forms)
    return render(request, template, context, status=400 if posted else 200)


def saved(request: HttpRequest, form: Any, change: Callable[[dict[str, Any]], T],
          done: Callable[[T, dict[str, Any]], tuple[str, str]]) -> HttpResponse | None:
    """Make the state change of a bound, valid form and answer with its redirect.

    ``change(cleaned_data)`` is a service (one audited transaction); ``done(result,
    cleaned_data)`` gives the success message and the URL to go to. A ValidationError of the
    change goes onto the form. None: the form is to be shown (again).
    """
    if not (form.is_bound and form.is_valid()):
        return None
    data = form.cleaned_data
    try:
        result = change(data)
    except ValidationError as error:
        add_errors(form, error)
        return None
    message, url = done(result, data)
    messages.success(request, message)
    return HttpResponseRedirect(url)
