"""The four board documents by name.

``build_document(kind, report, package, today)`` gives the performance report, the quarterly
performance table, the action plan or the thematic report as a :class:`Document`;
``FILE_NAMES`` are the names ``iomhub demo`` writes them under.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from iomhub.package.load import Package
from iomhub.reports.documents.actions import action_plan_document
from iomhub.reports.documents.kpis import kpi_document
from iomhub.reports.documents.model import Chart, Document, Table
from iomhub.reports.documents.performance import performance_document
from iomhub.reports.documents.thematic import thematic_document
from iomhub.reports.formatting import WITHHELD
from iomhub.reports.model import Report
from iomhub.reports.suppression import footnote

DOCUMENTS = ("performance", "kpis", "actions", "thematic")
FILE_NAMES = {
    "performance": "iom-performance-report",
    "kpis": "performance-framework",
    "actions": "action-plan",
    "thematic": "thematic-report",
}


def build_document(kind: str, report: Report, package: Package, today: date | None = None) -> Document:
    """The document named ``kind`` (one of ``DOCUMENTS``); ``today`` decides which action-plan
    milestones are overdue (default: the day the report was generated). A publication report
    (``reports/suppression.py``) gives a document whose withheld figures show ``[c]``."""
    if kind == "performance":
        document = performance_document(report)
    elif kind == "kpis":
        document = kpi_document(report, package)
    elif kind == "actions":
        document = action_plan_document(package, today or report.generated_at.date())
    elif kind == "thematic":
        document = thematic_document(report, package)
    else:
        raise ValueError(f"unknown document {kind!r} (expected one of {', '.join(DOCUMENTS)})")
    return mark_withheld(document, report)


def mark_withheld(doc: Document, report: Report) -> Document:
    """For a publication report: the footnote explaining ``[c]`` under every table that shows
    it, and in the notes box."""
    threshold = report.suppression_threshold
    if threshold is None:
        return doc
    note = footnote(threshold, str(report.disclosure.get("key", "suppress")))

    def marked(table: Table) -> Table:
        if any(cell.value == WITHHELD for row in table.rows for cell in row) and note not in table.footnotes:
            return replace(table, footnotes=[*table.footnotes, note])
        return table

    sections = [replace(section, blocks=[
        marked(block) if isinstance(block, Table)
        else replace(block, data=marked(block.data)) if isinstance(block, Chart) else block
        for block in section.blocks]) for section in doc.sections]
    published = f"For publication: {note}"
    return replace(doc, sections=sections, notes=doc.notes if published in doc.notes else [*doc.notes, published])
