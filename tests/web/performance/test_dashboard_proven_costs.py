"""The dashboard shows proven reoffending and the cost of crime, with their intervals and the
caveat, to the own and a partner agency; an unrelated agency sees neither."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from iomhub.domain.dates import Span
from iomhub.package.load import Package
from iomhub.reports.charts import decimal_text

FY_2015 = {"from": "2015-04-01", "to": "2016-03-31"}
MINUS = "\u2212"


def pct(value: float) -> str:
    return decimal_text(value, 1).replace("-", MINUS) + "%"


@pytest.mark.parametrize("who", ["own", "partner"])
def test_the_partnership_sees_the_new_figures(
        who: str, users: dict[str, Any], client_for: Callable[..., Any], synthetic_database: Package) -> None:
    from iomhub.reports.model import build_report
    from iomhub.reports.params import ReportParams

    report = build_report(synthetic_database, ReportParams(Span(date(2015, 4, 1), date(2016, 3, 31))))
    proven = report.row("proven_reoffending", scheme="all")
    assert proven is not None and proven["offenders"] > 0
    response = client_for(users[who]).get("/performance/report/", FY_2015)
    content = response.content.decode()
    table = content.split('id="table-proven_reoffending"')[1].split("</table>")[0]
    rate = (f"{pct(proven['binary_rate_pct'])} ({pct(proven['binary_rate_pct_ci_low'])} to "
            f"{pct(proven['binary_rate_pct_ci_high'])})")
    assert rate in table  # e.g. 80.3% (74.1% to 85.5%)
    assert 'id="table-cost_of_crime"' in content
    assert "not an impact evaluation: it does not say what would have happened without IOM" in content


def test_an_unrelated_agency_sees_no_figures(users: dict[str, Any], client_for: Callable[..., Any],
                                             synthetic_database: Package) -> None:
    response = client_for(users["unrelated"]).get("/performance/report/", FY_2015)
    assert response.status_code == 404
    assert b"proven_reoffending" not in response.content and b"Cost of crime" not in response.content
