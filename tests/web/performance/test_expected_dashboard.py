"""The dashboard shows expected against observed reoffending from the database, to the partnership only.

The hand-checked package of tests/metrics/test_expected.py (sanctions and first sanction dates
included) is loaded into the database; the figures must be those computed there.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from iomhub.package import read_package
from tests.conftest import write_package
from tests.metrics.test_expected import COHORT, NOMINALS, OFFENCES, P_N1, P_N2, P_N7
from tests.web.performance.load import load_package

FY_2015 = {"from": "2015-04-01", "to": "2016-03-31"}


def test_dashboard_shows_expected_and_observed(db: Any, tmp_path: Path, users: dict[str, Any],
                                               client_for: Callable[..., Any]) -> None:
    load_package(read_package(write_package(tmp_path / "package",
                                            {"nominals": NOMINALS, "cohort": COHORT, "offences": OFFENCES})))
    for who in ("own", "partner"):
        content = client_for(users[who]).get("/performance/report/", FY_2015).content.decode()
        section = content[content.index("Expected and observed reoffending (OGRS3)"):]
        # all: expected (P_N1 + P_N2 + P_N7) / 3, observed 2 of 3
        assert f"{(P_N1 + P_N2 + P_N7) / 3 * 100:.1f}%" in section and "66.7%" in section
    response = client_for(users["unrelated"]).get("/performance/report/", FY_2015)
    assert response.status_code == 404 and b"OGRS3" not in response.content
