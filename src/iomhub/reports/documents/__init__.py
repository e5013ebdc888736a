"""Board-ready documents: the performance report, the quarterly KPI table, the action plan and
a thematic report, as HTML, PDF (WeasyPrint), Word and Excel."""

from iomhub.reports.documents.model import Bullets, Cell, Chart, Document, Paragraph, Section, Table
from iomhub.reports.documents.render import FORMATS, render

__all__ = ["FORMATS", "Bullets", "Cell", "Chart", "Document", "Paragraph", "Section", "Table", "render"]
