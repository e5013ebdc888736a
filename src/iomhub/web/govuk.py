"""Template filters giving Django's form widgets and our codes the classes of GOV.UK Frontend.

Loaded in every template (``TEMPLATES.OPTIONS.builtins`` in settings). The markup they complete
is in ``templates/includes/`` (``field.html``, ``error_summary.html``, ``pagination.html``); the
class names are those of GOV.UK Frontend's components
(https://design-system.service.gov.uk/components/), served from ``static/vendor/``.
"""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.core.paginator import Page
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.text import slugify

register = template.Library()

# The component class of each kind of widget, and whether it has an ``--error`` variant.
_INPUT, _SELECT, _TEXTAREA = "govuk-input", "govuk-select", "govuk-textarea"
_CHECKBOX = "govuk-checkboxes__input"

# The colour of a tag (GOV.UK Frontend's default tag is blue): RAG ratings and risk tiers, IOM
# levels, action and note states. Anything else is grey.
TAG_COLOURS = {
    "red": "red", "amber": "orange", "green": "green",
    "priority": "red", "enhanced": "orange", "standard": "",
    "overdue": "red", "open": "", "done": "green", "complete": "green", "cancelled": "grey",
    "failed": "red", "interrupted": "orange", "running": "", "queued": "grey",
    "shared-with-the-partnership": "", "own-agency-only": "purple", "health-information": "pink",
}


def widget_class(widget: forms.Widget) -> str:
    """The GOV.UK Frontend class of one widget's element."""
    if isinstance(widget, forms.Textarea):
        return _TEXTAREA
    if isinstance(widget, forms.Select):
        return _SELECT
    if isinstance(widget, forms.CheckboxInput):
        return _CHECKBOX
    return _INPUT


@register.filter
def govuk_widget(field: forms.BoundField) -> SafeString:
    """The field's input, select or textarea with its GOV.UK class, its ``--error`` variant when the
    field has errors, and the classes the form gave the widget (widths such as
    ``govuk-input--width-10``)."""
    base = widget_class(field.field.widget)
    classes = [base]
    if field.errors and base != _CHECKBOX:
        classes.append(f"{base}--error")
    own = field.field.widget.attrs.get("class")
    if own:
        classes.append(own)
    return field.as_widget(attrs={"class": " ".join(classes)})


@register.filter
def govuk_choice(option: Any, css_class: str) -> SafeString:
    """One radio or checkbox of a RadioSelect or CheckboxSelectMultiple, with ``css_class``
    (``govuk-radios__input`` or ``govuk-checkboxes__input``)."""
    option.data["attrs"] = {**option.data["attrs"], "class": css_class}
    rendered: SafeString = option.tag()
    return rendered


@register.filter
def tag_colour(value: Any) -> str:
    """The ``govuk-tag--<colour>`` modifier of a tag showing ``value`` ("" for the default blue)."""
    colour = TAG_COLOURS.get(slugify(str(value)), "grey")
    return f"govuk-tag--{colour}" if colour else ""


@register.filter
def page_links(page: Page[Any]) -> list[int | None]:
    """The page numbers to link to around ``page``: the first and last, and one either side of the
    current page; None where pages are left out (shown as an ellipsis)."""
    return [number if isinstance(number, int) else None
            for number in page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)]


@register.inclusion_tag("includes/nav_item.html", takes_context=True)
def nav_item(context: template.Context, url_name: str, text: str, also: str = "") -> dict[str, Any]:
    """One link of the service navigation, marked as the current section (``aria-current``) when
    the page's view is ``url_name`` or one of the space-separated view names in ``also``."""
    match = getattr(context.get("request"), "resolver_match", None)
    current = match is not None and match.view_name in (url_name, *also.split())
    return {"href": reverse(url_name), "text": text, "current": current}
