"""Template helpers of the case pages: a link to a person's page, UK dates."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def person_link(nominal: Any) -> str:
    """The person's name and IOM id, linked to their page when the person page exists."""
    name = " ".join(part for part in (nominal.given_names, nominal.family_name) if part)
    text = f"{name} ({nominal.nominal_id})" if name else nominal.nominal_id
    try:
        url = reverse("people:detail", args=[nominal.nominal_id])
    except NoReverseMatch:
        return format_html("{}", text)
    return format_html('<a class="govuk-link" href="{}">{}</a>', url, text)


@register.filter
def completes(user: Any, action: Any) -> bool:
    """Whether ``user`` may mark ``action`` done (``meetings.services.may_complete``)."""
    from iomhub.web.meetings.services import may_complete

    return may_complete(user, action)


@register.filter
def ukdate(value: date | None) -> str:
    """DD/MM/YYYY, or an empty string."""
    return value.strftime("%d/%m/%Y") if isinstance(value, date) else ""
