"""Board documents: choose one, preview it, edit the drafted narrative, and download it.

The same rule as the dashboard: any role of a partner agency; users of an agency outside the
partnership get a 404 (logged, and audited as a refusal). Showing the preview is a
consultation; the download (POST) is a disclosure, given only with its justification and
recipient, and written as ONE audit row in the request's transaction (``ATOMIC_REQUESTS``):
the file is built first, so a document that cannot be built records nothing.

The preview is the document's sections laid out by a template of this application (no inline
style or script, for the Content-Security-Policy); the download is the document rendered by
:func:`iomhub.reports.documents.render.render`. For the performance report, the overview,
improvers and challenges, and the caveats, are drafted from the figures (``draft_narrative``)
and shown in text areas, one line each; the download uses them as the user left them. The
user may tick which sections to include: "Preview" (a POST with ``action=preview``, recorded
as a consultation) shows the document as chosen and edited, and the download holds only the
sections ticked (the choice is in the disclosure's audit row). Ticking "For publication"
builds both from the report with small numbers withheld (:func:`~iomhub.reports.suppression.
suppressed_report`: counts of 1 to 4 people, and figures that would reveal one, shown
``[c]``, checked by the disclosure audit against every table, ``docs/publication.md``), the
narrative drafted from it too; the consultation and disclosure rows then hold
``for_publication: true``, the threshold and the method. A report the audit cannot pass is
not shown or downloaded for publication (the box says why).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from iomhub.reports.charts import without_inline_style
from iomhub.reports.disclosure.protect import DisclosureError
from iomhub.reports.documents.build import FILE_NAMES, build_document, mark_withheld
from iomhub.reports.documents.html import (
    display_text,
    flag_footnotes,
    is_numeric,
    is_total_row,
    table_flags,
)
from iomhub.reports.documents.model import Bullets, Chart, Document, Paragraph, Table
from iomhub.reports.documents.narrative import Narrative, draft_narrative
from iomhub.reports.documents.performance import performance_document
from iomhub.reports.documents.render import render as render_document
from iomhub.reports.model import Report, build_report
from iomhub.reports.suppression import DEFAULT_THRESHOLD, suppressed_report
from iomhub.web.audit.constants import Operation
from iomhub.web.audit.context import audited
from iomhub.web.performance.cache import cached_report
from iomhub.web.performance.data import package_from_database
from iomhub.web.performance.forms import (
    NARRATIVE_FIELDS,
    DocumentChoiceForm,
    DocumentDownloadForm,
    NarrativeForm,
    ReportForm,
    SectionsForm,
    period_form,
)
from iomhub.web.performance.views import may_see_reports
from iomhub.web.requests import actor
from iomhub.web.visibility import refuse

OBJECT_TYPE = "performance.document"
CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


# --- the preview: a document as plain values for the template ----------------------------------


@dataclass(frozen=True)
class ShownCell:
    text: str
    numeric: bool
    status: str | None
    bold: bool


@dataclass(frozen=True)
class ShownBlock:
    kind: str  # paragraph, bullets, table or chart
    title: str | None = None
    text: str = ""
    items: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    rows: list[list[ShownCell]] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)
    svg: SafeString | None = None


def _table(table: Table, title: str | None = None) -> ShownBlock:
    marks = table_flags(table)
    rows = [[ShownCell(display_text(cell) + (marks[cell.flag] if cell.flag else ""), is_numeric(cell),
                       cell.status, cell.bold or is_total_row(table, index)) for cell in row]
            for index, row in enumerate(table.rows)]
    footnotes = flag_footnotes(table) + list(table.footnotes)
    return ShownBlock("table", title=title or table.title, columns=list(table.columns), rows=rows,
                      footnotes=footnotes)


def shown_sections(document: Document) -> list[tuple[str, list[ShownBlock]]]:
    """Each section's title and blocks, ready for ``performance/_document_block.html``."""
    sections = []
    for section in document.sections:
        blocks: list[ShownBlock] = []
        for block in section.blocks:
            if isinstance(block, Paragraph):
                blocks.append(ShownBlock("paragraph", text=block.text))
            elif isinstance(block, Bullets):
                blocks.append(ShownBlock("bullets", title=block.title, items=list(block.items)))
            elif isinstance(block, Table):
                blocks.append(_table(block))
            elif isinstance(block, Chart):
                # The chart's SVG is built and escaped by iomhub.reports.charts; its one inline
                # style (the font) goes, as on the dashboard, for the Content-Security-Policy.
                blocks.append(ShownBlock("chart", title=block.title, text=block.description,
                                         svg=mark_safe(without_inline_style(block.svg))))
        sections.append((section.title, blocks))
    return sections


# --- the view ----------------------------------------------------------------------------------


def _report(form: ReportForm) -> Report:
    params = form.params()
    return cached_report(params, lambda: build_report(package_from_database(), params))


def _narrative(drafted: Narrative, edited: NarrativeForm | None) -> Narrative:
    """The drafted narrative (bullets and caveats) with the user's lines in place of the fields
    they sent."""
    if edited is None:
        return drafted
    parts = {name: edited.bullets(name) if name in edited.data else list(getattr(drafted, name))
             for name, _ in NARRATIVE_FIELDS}
    return Narrative(**parts)


def _build(kind: str, report: Report, narrative: Narrative | None) -> Document:
    if kind == "performance":  # with the [c] footnotes of a publication report, as build_document gives
        return mark_withheld(performance_document(report, narrative=narrative), report)
    return build_document(kind, report, package_from_database(), today=timezone.localdate())


@login_required
def documents(request: HttpRequest) -> HttpResponse:
    """The page (GET) and the download (POST). The access check comes before the method's, so
    no answer tells an outsider that the route exists."""
    if not may_see_reports(request.user):
        return refuse(request, OBJECT_TYPE, "documents")
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    posted = request.method == "POST"
    previewing = posted and request.POST.get("action") == "preview"  # a preview of the choices made below
    data = request.POST if posted else request.GET
    period = period_form(data)
    choice = DocumentChoiceForm(data if "document" in data else {"document": "performance"})
    download = DocumentDownloadForm(request.POST if posted and not previewing else None,
                                    initial={"format": data.get("format") or "pdf"})
    context: dict[str, Any] = {"form": period, "choice": choice, "download": download}
    if not (period.is_valid() and choice.is_valid()):
        return render(request, "performance/documents.html", context, status=400 if posted else 200)

    report = _report(period)
    publication = bool(choice.cleaned_data["for_publication"])
    if publication:
        try:
            report = suppressed_report(report, DEFAULT_THRESHOLD)
        except DisclosureError as error:
            choice.add_error("for_publication", f"These figures cannot be published without disclosure: {error}.")
            return render(request, "performance/documents.html", context, status=409)
    kind = str(choice.cleaned_data["document"])
    narrative: Narrative | None = None
    drafted: Narrative | None = None
    narrative_form: NarrativeForm | None = None
    if kind == "performance":
        drafted = draft_narrative(report)
        initial = {name: "\n".join(getattr(drafted, name)) for name, _ in NARRATIVE_FIELDS}
        narrative_form = NarrativeForm(request.POST if posted else None, initial=initial)
        narrative = _narrative(drafted, narrative_form if posted and narrative_form.is_valid() else None)

    whole = _build(kind, report, narrative)
    titles = [section.title for section in whole.sections]
    sections = SectionsForm(data if "sections_chosen" in data else None, titles=titles)
    chosen = sections.chosen() if sections.is_bound and sections.is_valid() else titles
    document = whole.only(chosen)
    choice_detail: dict[str, Any] = {"sections": "all" if chosen == titles else chosen}
    published: dict[str, Any] = (
        {"for_publication": True, "suppression_threshold": DEFAULT_THRESHOLD,
         "disclosure_control": report.disclosure["method"]} if publication else {})

    if (posted and not previewing and download.is_valid() and not sections.errors
            and (narrative_form is None or narrative_form.is_valid())):
        fmt = str(download.cleaned_data["format"])
        body = render_document(document, fmt)
        detail: dict[str, Any] = {**period.query(), "document": kind, "format": fmt, **choice_detail,
                                  **published}
        if drafted is not None:
            detail["narrative"] = "drafted" if narrative == drafted else "edited"
        with audited(actor(request), justification=download.cleaned_data["justification"],
                     recipient=download.cleaned_data["recipient"]) as audit:
            audit.record(Operation.DISCLOSURE, object_type=OBJECT_TYPE, object_id=f"{kind}.{fmt}",
                         detail=detail)
        response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
        span = period.params().period
        response["Content-Disposition"] = (
            f'attachment; filename="{FILE_NAMES[kind]}-{span.start:%Y%m%d}-{span.end:%Y%m%d}.{fmt}"')
        return response

    shown_ok = not sections.errors and (narrative_form is None or narrative_form.is_valid())
    if not posted or (previewing and shown_ok):
        preview: dict[str, Any] = {**period.query(), "document": kind, **published}
        if chosen != titles:
            preview.update(choice_detail)
        if drafted is not None and previewing:
            preview["narrative"] = "drafted" if narrative == drafted else "edited"
        with audited(actor(request)) as audit:
            audit.record(Operation.CONSULTATION, object_type=OBJECT_TYPE, object_id=f"{kind}.preview",
                         detail=preview)
    context.update(document=document, sections=shown_sections(document), kind=kind,
                   narrative_form=narrative_form, sections_form=sections,
                   edited=previewing and drafted is not None and narrative != drafted,
                   publication=publication)
    failed = posted and not (previewing and shown_ok)
    return render(request, "performance/documents.html", context, status=400 if failed else 200)
