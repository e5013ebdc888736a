"""The purpose of a consultation (DPA 2018 s.62(3): a consultation log records its justification).

Where the partnership requires it (``IOMHUB_PURPOSE_REQUIRED=true``), a user opening a person's
record for the first time in a session is asked why first: a reason from a short list (and
words of their own for "another purpose"). The answer is kept in the session for that person and
written as the justification of every consultation row of their record that follows. Only
pages that are read (GET) ask; a form being saved is never interrupted (nothing typed is lost),
and its rows carry the purpose stated when the form was opened.
"""

from __future__ import annotations

import time
from typing import Any

from django import forms
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

SESSION_KEY = "iomhub_purposes"
PURPOSES = [
    ("case management", "Managing the person's case"),
    ("meeting preparation", "Preparing for a meeting about the person"),
    ("risk assessment", "Assessing risk or safeguarding"),
    ("referral", "Considering a referral"),
    ("data quality", "Checking or correcting the record"),
    ("other", "Another purpose"),
]


class PurposeNeeded(Exception):
    """The user must say why before reading this person's record; answered by a redirect to the
    purpose form (``visibility.RefusalMiddleware``)."""

    def __init__(self, nominal_id: str, next_url: str) -> None:
        super().__init__(nominal_id)
        self.nominal_id, self.next_url = nominal_id, next_url

    def redirect_to(self) -> str:
        return reverse("people:purpose", args=[self.nominal_id]) + "?" + urlencode({"next": self.next_url})


def stated(request: HttpRequest, nominal_id: str) -> str:
    """The purpose the user stated for this person in this session ("" if none)."""
    purposes = request.session.get(SESSION_KEY, {}) if hasattr(request, "session") else {}
    entry = purposes.get(nominal_id) if isinstance(purposes, dict) else None
    return str(entry.get("purpose", "")) if isinstance(entry, dict) else ""


def state(request: HttpRequest, nominal_id: str, purpose: str) -> None:
    purposes = request.session.get(SESSION_KEY, {})
    if not isinstance(purposes, dict):
        purposes = {}
    purposes[nominal_id] = {"purpose": purpose, "at": time.time()}
    request.session[SESSION_KEY] = purposes


def check(request: HttpRequest, nominal_id: str) -> None:
    """Raise :class:`PurposeNeeded` when the partnership requires a purpose, this is a read, and
    none has been stated for this person."""
    if settings.PURPOSE_REQUIRED and request.method in ("GET", "HEAD") and not stated(request, nominal_id):
        raise PurposeNeeded(nominal_id, request.get_full_path())


def safe_next(request: HttpRequest, nominal_id: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()},
                                                     require_https=request.is_secure()):
        return candidate
    return reverse("people:detail", args=[nominal_id])


class PurposeForm(forms.Form):
    purpose = forms.ChoiceField(label="Why are you opening this record?", choices=PURPOSES, widget=forms.RadioSelect,
                                error_messages={"required": "Choose why you are opening this record",
                                                "invalid_choice": "Choose one of the purposes listed"})
    detail = forms.CharField(label="Say more (required for another purpose)", required=False, max_length=500)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("purpose") == "other" and not str(cleaned.get("detail") or "").strip():
            self.add_error("detail", "Say what the purpose is")
        return cleaned

    def statement(self) -> str:
        """The purpose as recorded: the reason, and the user's words after it."""
        detail = str(self.cleaned_data.get("detail") or "").strip()
        return f"{self.cleaned_data['purpose']}: {detail}" if detail else str(self.cleaned_data["purpose"])
