"""A :class:`~iomhub.reports.documents.model.Document` as a PDF, by WeasyPrint from the HTML page
with its print rules: A4, "Page 2 of 7" in the footer, the title block on page 1, table header
rows repeated on every page a table runs onto, rows never split, and tables of more than eight
columns on landscape pages (a named ``@page``).

Nothing is fetched: the page has no external resource, and the URL fetcher refuses any URL
anyway, so text from a package can never make the renderer reach out.
"""

from __future__ import annotations

from typing import Any, NoReturn

from weasyprint import HTML  # type: ignore[import-untyped]

from iomhub.reports.documents.html import render_page
from iomhub.reports.documents.model import Document


def _refuse(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    raise ValueError(f"board documents load no external resource (refused {url[:80]!r})")


def render_pdf(doc: Document) -> bytes:
    """The document as an A4 PDF."""
    page = render_page(doc, for_print=True)
    pdf: bytes = HTML(string=page, url_fetcher=_refuse, media_type="print").write_pdf()
    return pdf
