"""The duplicate check before a person is added (on its own, or by a referral): the people the
user may see who are likely the same (``people.search.likely_duplicates``) are shown first, with
"this is the same person" and "create anyway", which needs a reason, recorded in the audit row."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.http import HttpRequest

from iomhub.web.people.search import Found, likely_duplicates
from iomhub.web.people.services import record_search
from iomhub.web.requests import actor
from iomhub.web.text import REASON
from iomhub.web.visibility import visible_people


class CreateAnywayForm(forms.Form):
    duplicate_reason = forms.CharField(
        label="Why is this a different person?", widget=forms.Textarea(attrs={"rows": 3}), max_length=REASON,
        error_messages={"required": "Enter why this is a different person, or choose the person already on iomhub"})


@dataclass
class DuplicateCheck:
    """The likely matches of a new person, and whether the user chose to create anyway (with why)."""

    matches: list[Found] = field(default_factory=list)
    form: CreateAnywayForm | None = None

    @property
    def blocks(self) -> bool:
        """True when the person must not be created yet (matches not answered, or no reason)."""
        return bool(self.matches) and not (self.form is not None and self.form.is_valid())

    @property
    def same_pnc(self) -> bool:
        return any(item.reason == "the same PNC id" for item in self.matches)

    @property
    def reason(self) -> str:
        if not self.matches or self.form is None or not self.form.is_valid():
            return ""
        ids = ", ".join(item.person.nominal_id for item in self.matches)
        return f"not the same person as {ids}: {self.form.cleaned_data['duplicate_reason'].strip()}"


def duplicate_check(request: HttpRequest, form: Any) -> DuplicateCheck:
    """The duplicate check of the new person of a bound ``NominalForm`` (nothing to check when it is
    not bound), answered by the "create anyway" part of the same POST once the user has seen the
    matches. Every person shown is an audited consultation."""
    if not form.is_bound:
        return DuplicateCheck()
    form.is_valid()
    typed_pnc = form.data.get(form.add_prefix("pnc_id"), "")  # the PNC id as typed, even when refused
    data = {**form.cleaned_data, "pnc_id": form.cleaned_data.get("pnc_id") or typed_pnc}
    matches = likely_duplicates(visible_people(request), pnc_id=data.get("pnc_id") or "",
                                given_names=data.get("given_names") or "", family_name=data.get("family_name") or "",
                                date_of_birth=data.get("date_of_birth"))
    if not matches:
        return DuplicateCheck()
    record_search(actor(request), [item.person for item in matches], "duplicate check")
    answered = request.method == "POST" and "create_anyway" in request.POST
    return DuplicateCheck(matches, CreateAnywayForm(request.POST if answered else None))
