"""The address of a person's page, where the case forms send the user back after saving."""

from __future__ import annotations

from django.urls import reverse

from iomhub.web.people.models import Nominal


def person_url(nominal: Nominal, anchor: str = "") -> str:
    """``/people/<IOM id>/``, followed by ``#<anchor>`` when one is given."""
    return reverse("people:detail", args=[nominal.nominal_id]) + (f"#{anchor}" if anchor else "")
