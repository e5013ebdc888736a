"""Helpers of the browser tests: reading a figure off the dashboard, seeding records."""

from __future__ import annotations

from datetime import date
from typing import Any

from iomhub.reports.formatting import short_date
from iomhub.web.audit.constants import Operation
from iomhub.web.audit.context import Actor, audited

SYSTEM = Actor.system("browser-test")

# The caseload table's cell of one scheme's total on one snapshot date ("" when the scheme has no row).
CASELOAD_CELL = """([scheme, day]) => {
  const table = document.querySelector('#table-caseload');
  if (!table) return null;
  const headings = [...table.querySelectorAll('thead th')].map(th => th.textContent.trim());
  const column = headings.indexOf(day);
  if (column < 0) return null;
  for (const body of table.querySelectorAll('tbody')) {
    const group = body.querySelector('tr.group th');
    if (!group || group.textContent.trim() !== scheme) continue;
    const total = body.querySelector('tr.total');
    return total ? total.children[column].textContent.trim() : null;
  }
  return '';
}"""


def caseload_figure(page: Any, scheme: str, day: date) -> int:
    """The dashboard's caseload of ``scheme`` (its heading, e.g. "Priority") on the snapshot date
    ``day``, all areas together; 0 when the table has no row for the scheme (nobody on it on any
    snapshot date). Fails if the table, or the date's column, is not on the page."""
    cell = page.evaluate(CASELOAD_CELL, [scheme, short_date(day)])
    assert cell is not None, f"no caseload table with a column for {short_date(day)} on {page.url}"
    return int(cell.replace(",", "")) if cell else 0


def add(model: type[Any], **values: Any) -> Any:
    """Write one record with its audit row (every write of the application needs one)."""
    with audited(SYSTEM) as audit:
        row = model.objects.create(**values)
        audit.record(Operation.COLLECTION, row)
    return row
