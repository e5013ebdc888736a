"""The dashboard a manager reads in a minute (issue 17), in Debian's chromium.

A manager and an analyst open the dashboard on the synthetic data's last day (31 March 2016, so
the current quarter is Q4 2015/16, whole); each tile's figure is checked against the report's
JSON for that quarter (computed here from the same database, written with the report's own
number formats); a tile is followed to its detail (the cohort list for the manager, the report's
table for the analyst); the page passes axe-core at 1100 px and at 375 px, and is kept as a
screenshot (``test-artefacts/screenshots/dashboard-*.png``; the README's is one of them).
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from pypdf import PdfReader

from iomhub.domain.dates import Span
from iomhub.package import read_package
from iomhub.reports.formatting import format_decimal, format_int, format_pct
from iomhub.reports.json_renderer import render_json
from iomhub.reports.model import build_report
from iomhub.reports.params import ReportParams
from iomhub.synth import SynthOptions, generate
from iomhub.web.accounts.constants import Role
from iomhub.web.meetings.briefing import reassessments_overdue
from iomhub.web.people.models import Nominal
from iomhub.web.performance import cache
from iomhub.web.performance.data import package_from_database
from tests.web.browser.conftest import ARTEFACTS, axe_violations, screenshot, sign_in
from tests.web.conftest import PASSWORD, only_on
from tests.web.performance.load import load_package

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), only_on("sqlite")]
TODAY = date(2016, 3, 31)
QUARTER = Span(date(2016, 1, 1), date(2016, 3, 31))


@pytest.fixture
def unit(tmp_path: Path) -> Iterator[None]:
    generate(SynthOptions(nominals=250, seed=4), tmp_path / "package")
    load_package(read_package(tmp_path / "package"))
    cache.clear()
    with mock.patch("iomhub.web.performance.views.timezone.localdate", return_value=TODAY):
        yield
    cache.clear()


def expected_tiles() -> dict[str, str]:
    """Each tile's figure as the report's JSON for the quarter gives it, in the report's formats."""
    tables = json.loads(render_json(build_report(package_from_database(), ReportParams(QUARTER))))["tables"]
    last = QUARTER.end.isoformat()
    [on_iom] = [r["count"] for r in tables["caseload"] if (r["scheme"], r["area"], r["date"]) == ("all", "all", last)]
    custody = sum(r["count"] for r in tables["caseload_status"] if r["date"] == last and r["status"] == "custody")
    [liberty] = [r for r in tables["time_at_risk"] if (r["basis"], r["scheme"]) == ("fixed_period", "all")]
    [referrals] = [r for r in tables["referrals_by_agency"] if r["agency"] == "all"]
    attended = sum(r["attended"] for r in tables["attendance_by_agency"])
    invited = sum(r["invited"] for r in tables["attendance_by_agency"])
    rags = [r["rag"] for r in tables["kpis"]]
    return {
        "on_iom": format_int(on_iom), "in_custody": format_int(custody),
        "rate_at_liberty": format_decimal(liberty["rate_after"]),
        "acceptance": format_pct(referrals["acceptance_pct"]), "attendance": format_pct(100 * attended / invited),
        "overdue": format_int(len(reassessments_overdue(Nominal.objects.all(), TODAY))),
        "rag": " · ".join(f"{rags.count(colour)} {colour}" for colour in ("green", "amber", "red")),
    }


def shown_tiles(page: Any) -> dict[str, str]:
    figures = page.locator("[data-figure]")
    return {figures.nth(i).get_attribute("data-figure"): figures.nth(i).inner_text().strip()
            for i in range(figures.count())}


def accessible_at_both_widths(page: Any, name: str) -> None:
    for width in (1100, 375):
        page.set_viewport_size({"width": width, "height": 900})
        violations = axe_violations(page)
        assert violations == [], f"{width} px: {[v['id'] for v in violations]}"
        screenshot(page, f"{name}-{width}")


@pytest.mark.parametrize(("role", "detail"), [
    pytest.param(Role.MANAGER, "/cohort/", id="manager-to-the-cohort-list"),
    pytest.param(Role.ANALYST, "/performance/report/?from=2016-01-01&to=2016-03-31#section-caseload",
                 id="analyst-to-the-report-table"),
])
def test_the_dashboard_shows_the_reports_figures_and_leads_to_the_detail(
        role: str, detail: str, unit: None, page: Any, live_server: Any, make_user: Callable[..., Any]) -> None:
    base = live_server.url
    make_user("partner", role, username=f"reader-{role}")
    sign_in(page, base, f"reader-{role}", PASSWORD)
    page.wait_for_url(f"{base}/**")
    response = page.goto(f"{base}/performance/")
    assert response is not None and response.status == 200
    assert shown_tiles(page) == expected_tiles()
    accessible_at_both_widths(page, f"dashboard-{role}")
    if role == Role.MANAGER:  # the dashboard pack: printed, one A4 page in landscape
        page.emulate_media(media="print")
        printed = page.pdf(prefer_css_page_size=True, print_background=True)
        (ARTEFACTS / "dashboard-pack.pdf").write_bytes(printed)
        pack = PdfReader(io.BytesIO(printed))
        assert len(pack.pages) == 1
        width, height = float(pack.pages[0].mediabox.width), float(pack.pages[0].mediabox.height)
        assert (round(width), round(height)) == (842, 595), "A4 landscape, in points"
        assert "People on IOM by area" in pack.pages[0].extract_text()
        page.emulate_media(media="screen")
    page.set_viewport_size({"width": 1100, "height": 900})
    with page.expect_navigation():
        page.get_by_role("link", name="People on IOM", exact=True).click()
    assert page.url == f"{base}{detail}"
    if role == Role.ANALYST:
        assert page.locator("#section-caseload").count() == 1
