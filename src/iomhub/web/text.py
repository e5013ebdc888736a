"""Free text as the database holds it: every text field has a length limit, enforced when a
record is validated (``full_clean``, which every service calls), by the forms (``max_length``),
and by imports (``exchange.importing`` refuses a longer cell). Django's own ``TextField``
takes ``max_length`` only as a hint to its form widget; :func:`long_text` enforces it."""

from __future__ import annotations

from typing import Any

from django.core.validators import MaxLengthValidator
from django.db import models

NOTE = 10_000  # a case note
REASON = 5_000  # a reason, rationale or comment
SHORT = 2_000  # an action, milestone or outcome


def long_text(max_length: int, **kwargs: Any) -> models.TextField[Any, Any]:
    return models.TextField(max_length=max_length, validators=[MaxLengthValidator(max_length)], **kwargs)
