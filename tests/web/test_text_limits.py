"""Every text a user can store has a length limit: in every form of the application, and in
every model (enforced by ``full_clean``, which the services call, and by imports)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from datetime import date
from typing import Any

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models

import iomhub.web
from iomhub.web.audit.context import Actor
from iomhub.web.meetings.models import Meeting
from iomhub.web.meetings.services import create_meeting, record_discussion
from iomhub.web.people.models import CaseNote, Nominal

# Written by the application itself, never typed into a form as it is (a justification typed
# into a form is limited there).
UNLIMITED_BY_DESIGN = {"audit.auditevent.justification"}


def web_forms() -> list[type[forms.BaseForm]]:
    found = []
    for info in pkgutil.walk_packages(iomhub.web.__path__, "iomhub.web."):
        if ".migrations" in info.name:
            continue
        module = importlib.import_module(info.name)
        found.extend(cls for _, cls in inspect.getmembers(module, inspect.isclass)
                     if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__)
    return found


def test_every_text_field_of_every_form_has_a_limit() -> None:
    found = web_forms()
    assert len(found) >= 25, "the forms were not found"
    unlimited = [f"{form.__module__}.{form.__name__}.{name}" for form in found
                 for name, field in form.base_fields.items()
                 if isinstance(field, forms.CharField) and not field.max_length]
    assert unlimited == []


def test_every_stored_text_has_a_limit_the_model_enforces() -> None:
    unlimited = []
    for model in apps.get_models():
        if not model.__module__.startswith("iomhub."):
            continue  # Django's own (sessions, the admin's log of its changes)
        for field in model._meta.concrete_fields:
            label = f"{model._meta.label_lower}.{field.name}"
            if not isinstance(field, models.CharField | models.TextField) or label in UNLIMITED_BY_DESIGN:
                continue
            if not any(isinstance(v, MaxLengthValidator) for v in field.validators):
                unlimited.append(label)
    assert unlimited == []


def test_a_service_refuses_a_note_over_the_limit(nominal: Nominal, make_user: Any) -> None:
    actor = Actor.of(make_user("own"))
    meeting: Meeting = create_meeting(actor, date(2016, 6, 1), "case_management")
    with pytest.raises(ValidationError, match="at most 10000 characters"):
        record_discussion(actor, meeting, nominal, note="x" * 10_001)
    with pytest.raises(ValidationError, match="at most 2000 characters"):
        record_discussion(actor, meeting, nominal, action="x" * 2_001, owner_agency="police",
                          due_on=date(2016, 6, 30))
    assert not CaseNote.objects.exists()
