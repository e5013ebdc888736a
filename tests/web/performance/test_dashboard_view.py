"""The dashboard lays out the report's one view model: every table it shows holds, cell for cell,
what the HTML report of the same data shows (``reports/html_renderer.py``, ``reports/sections/``);
an unrelated agency sees none of it."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from iomhub.domain.dates import Span
from iomhub.package.load import Package
from iomhub.reports.html_renderer import render_html
from iomhub.reports.model import build_report
from iomhub.reports.params import ReportParams

FY_2015 = {"from": "2015-04-01", "to": "2016-03-31", "target_reduction": "17"}


def tables(page: str) -> dict[str, list[list[str]]]:
    """Each table's rows by its id, each cell's text without tags or spacing."""
    found = {}
    for ident, body in re.findall(r'<table[^>]*\bid="table-([a-z_]+)"[^>]*>(.*?)</table>', page, re.S):
        rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
        found[ident] = [[re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", cell)).strip()
                         for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)] for row in rows]
    return found


def test_the_dashboard_shows_the_reports_tables_cell_for_cell(
        users: dict[str, Any], client_for: Callable[..., Any], synthetic_database: Package) -> None:
    from iomhub.web.performance.data import package_from_database

    report = build_report(package_from_database(), ReportParams(Span(date(2015, 4, 1), date(2016, 3, 31)),
                                                                target_reduction=17))
    page = tables(render_html(report))
    for who in ("own", "partner"):
        response = client_for(users[who]).get("/performance/report/", FY_2015)
        assert response.status_code == 200
        dashboard = tables(response.content.decode())
        assert list(dashboard) == list(page) and len(page) > 15
        for ident, rows in page.items():
            assert dashboard[ident] == rows, ident
    refused = client_for(users["unrelated"]).get("/performance/report/", FY_2015)
    assert refused.status_code == 404 and b"table-caseload" not in refused.content
