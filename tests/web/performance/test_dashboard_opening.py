"""The dashboard leads with what is true (issue 19): its report opens, under the facts, with the
view model's opening (the matched estimate, its interval and whether it can be relied on, then the
before-and-after figure labelled "not the effect of IOM"), before the downloads and the notes; an
unrelated agency sees none of it."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from iomhub.domain.dates import Span
from iomhub.package.load import Package
from iomhub.reports.model import build_report
from iomhub.reports.params import ReportParams
from iomhub.reports.sections import build_view
from iomhub.reports.sections.overview import BEFORE_AFTER
from tests.reports.board_text import forbidden, html_text

FY_2015 = {"from": "2015-04-01", "to": "2016-03-31", "target_reduction": "17"}
PERCENTAGE = re.compile(r"\d[\d,]*(?:\.\d+)?%")


def test_the_dashboard_opens_with_the_matched_estimate(
        users: dict[str, Any], client_for: Callable[..., Any], synthetic_database: Package) -> None:
    from iomhub.web.performance.data import package_from_database

    report = build_report(package_from_database(), ReportParams(Span(date(2015, 4, 1), date(2016, 3, 31)),
                                                                target_reduction=17))
    opening = build_view(report).opening[0]
    lead, before_after = opening.paragraphs[0], opening.paragraphs[-1]
    assert "Reliable: " in lead and before_after.startswith(f"{BEFORE_AFTER}.")
    for who in ("own", "partner"):
        response = client_for(users[who]).get("/performance/report/", FY_2015)
        assert response.status_code == 200
        page = response.content.decode()
        text = " ".join(html_text(page[page.index('<div class="report">'):]).split())
        at = text.index(lead)
        # Under the facts (dates and words only) the first thing with a figure is the opening.
        first = PERCENTAGE.search(text)
        assert first is None or at <= first.start() < at + len(lead), text[:800]
        assert at < text.index(before_after) < text.index("Download this report") < text.index(
            "Notes on these figures") < text.index("Contents")
        assert forbidden(text) == []
    refused = client_for(users["unrelated"]).get("/performance/report/", FY_2015)
    assert refused.status_code == 404 and BEFORE_AFTER.encode() not in refused.content
