"""The dashboard's period form and the disclosure form of its downloads."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from iomhub.domain.dates import Span
from iomhub.reports.params import ReportParams, default_period
from iomhub.web.performance.data import latest_activity_in_database

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
LONGEST_PERIOD_DAYS = 10 * 366  # a decade: the report's tables are quarterly, not a history




class ReportForm(forms.Form):
    """The report's period (``from``/``to``, ISO or UK dates) and optional reduction target.

    The fields are named ``from`` and ``to`` as in ``iomhub report``; Python cannot declare a
    field called ``from`` in a class body, so they are added in ``__init__``.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from"] = forms.DateField(
            label="From", input_formats=DATE_FORMATS, help_text="For example 2015-04-01 or 01/04/2015.",
            error_messages={"required": "Enter the first day of the period",
                            "invalid": "Enter the first day as a real date, for example 2015-04-01"})
        self.fields["to"] = forms.DateField(
            label="To", input_formats=DATE_FORMATS, help_text="For example 2016-03-31 or 31/03/2016.",
            error_messages={"required": "Enter the last day of the period",
                            "invalid": "Enter the last day as a real date, for example 2016-03-31"})
        self.fields["target_reduction"] = forms.FloatField(
            label="Reduction target (% per offender, optional)", required=False, min_value=0, max_value=100,
            error_messages={"invalid": "Enter the reduction target as a number, for example 17",
                            # %% : Django formats these with the limit, so a bare % is a format directive
                            "min_value": "Enter a reduction target of 0%% or more",
                            "max_value": "Enter a reduction target of 100%% or less"})

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("from"), cleaned.get("to")
        if start and end:
            if end < start:
                self.add_error("to", "The last day must be on or after the first day")
            elif (end - start).days > LONGEST_PERIOD_DAYS:
                self.add_error("to", "Choose a period of ten years or less")
        return cleaned

    def params(self) -> ReportParams:
        """The report's parameters (call after ``is_valid()``)."""
        data = self.cleaned_data
        return ReportParams(Span(data["from"], data["to"]), target_reduction=data.get("target_reduction"))

    def query(self) -> dict[str, str]:
        """The period as query parameters, for links to the downloads."""
        data = self.cleaned_data
        out = {"from": data["from"].isoformat(), "to": data["to"].isoformat()}
        if data.get("target_reduction") is not None:
            out["target_reduction"] = f"{data['target_reduction']:g}"
        return out


class DisclosureForm(forms.Form):
    """Why the report leaves the system, and to whom (DPA 2018 s.62: the log of disclosures)."""

    justification = forms.CharField(
        label="Why is this report being disclosed?", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: quarterly report to the IOM strategic board.",
        error_messages={"required": "Enter why this report is being disclosed"})
    recipient = forms.CharField(
        label="Who will receive it?", max_length=200,
        help_text="A person, board or organisation, for example: Community Safety Partnership board.",
        error_messages={"required": "Enter who will receive this report"})



# --- board documents ----------------------------------------------------------------------------

DOCUMENT_CHOICES = [
    ("performance", "IOM performance report"),
    ("kpis", "Quarterly performance table (performance framework)"),
    ("actions", "Action plan appendix"),
    ("thematic", "Thematic report"),
]
FORMAT_CHOICES = [
    ("pdf", "PDF"),
    ("docx", "Word (.docx)"),
    ("xlsx", "Excel (.xlsx)"),
    ("html", "HTML (a web page)"),
]
NARRATIVE_FIELDS = (
    ("overview", "Performance overview"),
    ("improvers", "Key improvers and successes"),
    ("challenges", "Key challenges"),
    ("caveats", "Caveats (shown in the notes box before the figures)"),
)


class DocumentChoiceForm(forms.Form):
    """Which board document to preview and download."""

    document = forms.ChoiceField(
        label="Document", choices=DOCUMENT_CHOICES, initial="performance",
        error_messages={"required": "Choose a document", "invalid_choice": "Choose one of the documents listed"})
    for_publication = forms.BooleanField(
        label="For publication: withhold small numbers (under 5)", required=False,
        help_text="Counts of 1 to 4 people, and any figure that would reveal one, are shown [c], "
                  "as the Government Statistical Service does, checked against every table.")


class DocumentDownloadForm(DisclosureForm):
    """The format of a board document's download, and why and to whom it is disclosed."""

    format = forms.ChoiceField(
        label="Format", choices=FORMAT_CHOICES, initial="pdf",
        error_messages={"required": "Choose a format", "invalid_choice": "Choose one of the formats listed"})

    field_order = ["format", "justification", "recipient"]


class NarrativeForm(forms.Form):
    """The drafted narrative of the performance report, one bullet per line, as the user edited it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in NARRATIVE_FIELDS:
            self.fields[name] = forms.CharField(
                label=label, required=False, max_length=20000, strip=False,
                help_text="One bullet per line. Leave empty for none.",
                widget=forms.Textarea(attrs={"rows": 6}))

    def bullets(self, name: str) -> list[str]:
        """The field's bullets (call after ``is_valid()``): one a line, blank lines left out."""
        text = str(self.cleaned_data.get(name) or "")
        return [line.strip() for line in text.splitlines() if line.strip()]


class SectionsForm(forms.Form):
    """Which sections of the document to include (all of them unless the user says otherwise).

    ``sections_chosen`` marks a submitted choice, so that ticking nothing is an error rather
    than "everything"."""

    sections_chosen = forms.CharField(widget=forms.HiddenInput, required=False, initial="1", max_length=1)

    def __init__(self, *args: Any, titles: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.titles = titles
        self.fields["sections"] = forms.MultipleChoiceField(
            label="Sections to include", choices=[(title, title) for title in titles], initial=titles,
            widget=forms.CheckboxSelectMultiple,
            help_text="The preview and the download hold only the sections ticked; the notes always come too.",
            error_messages={"required": "Choose at least one section",
                            "invalid_choice": "Choose sections of this document only"})

    def chosen(self) -> list[str]:
        """The sections chosen (call after ``is_valid()``), in the document's order."""
        picked = set(self.cleaned_data.get("sections") or [])
        return [title for title in self.titles if title in picked]


def period_form(data: Any) -> ReportForm:
    """The period form, bound to ``data``; with no period given, the last financial year ended by
    today that has data (``reports.params.default_period``)."""
    if not any(key in data for key in ("from", "to", "target_reduction")):
        span = default_period(timezone.localdate(), latest_activity_in_database())
        data = {"from": span.start.isoformat(), "to": span.end.isoformat()}
    return ReportForm(data)
