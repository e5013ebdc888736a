"""A :class:`~iomhub.reports.documents.model.Document` in any of the four formats."""

from __future__ import annotations

from iomhub.reports.documents.docx import render_docx
from iomhub.reports.documents.html import render_html
from iomhub.reports.documents.model import Document
from iomhub.reports.documents.pdf import render_pdf
from iomhub.reports.documents.xlsx import render_xlsx

FORMATS = ("html", "pdf", "docx", "xlsx")


def render(document: Document, fmt: str) -> bytes:
    """The document in one of ``FORMATS``, as bytes (HTML in UTF-8)."""
    if fmt == "html":
        return render_html(document).encode("utf-8")
    if fmt == "pdf":
        return render_pdf(document)
    if fmt == "docx":
        return render_docx(document)
    if fmt == "xlsx":
        return render_xlsx(document)
    raise ValueError(f"unknown format {fmt!r} (expected one of {', '.join(FORMATS)})")
