"""The machine-readable report of ``docs/spec/report-json.md``: unrounded numbers, null for
a figure that cannot be computed (or, in a publication report, withheld: see ``suppression``),
dates as ISO strings."""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from typing import Any

from iomhub.reports.formatting import WITHHELD
from iomhub.reports.model import Report


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def report_document(report: Report) -> dict[str, Any]:
    """The report as the JSON document's structure."""
    params = report.params
    document: dict[str, Any] = _plain({
        "report": "iom-performance",
        "generated_at": report.generated_at,
        "period": {"from": params.period.start, "to": params.period.end},
        "baseline": {"from": params.baseline_span.start, "to": params.baseline_span.end},
        "cohort_date": params.cohort_day,
        "settings": report.settings,
        "notes": report.notes,
        "tables": {name: report.rows(name) for name in report.tables},
    })
    if report.suppression_threshold is not None:
        document["suppression"] = suppression_document(report)
    return document


def suppression_document(report: Report) -> dict[str, Any]:
    """For a publication report: the threshold, the method (cell suppression or controlled
    rounding), the relations its audit bounded every withheld count with and the audit's result
    (``reports/suppression.py``: ``record``), and, per table, the withheld cells (null in
    ``tables``) as ``{"row": index, "column": name}``, in row order."""
    method = {key: value for key, value in report.disclosure.items() if key != "key"}
    return {
        "threshold": report.suppression_threshold,
        "mark": WITHHELD,
        **_plain(method),
        "suppressed": {name: [{"row": index, "column": column} for index, column in sorted(cells)]
                       for name, cells in sorted(report.suppressed.items())},
    }


def render_json(report: Report) -> str:
    return json.dumps(report_document(report), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
