"""A manager sets a RAG by hand in a real browser, and sees it marked and kept in the history.

The framework holds IOM1 (reoffending rate, lower is better): target 40%, actual 46% in 2015/16
Q1, which the rule makes red. The manager opens the framework, follows the indicator, sets the
RAG of Q1 to green with a reason, and finds the cell marked "set by hand" and the history row
(who, from red, to green, the reason); then a status change of the action plan, with its
comment. The framework, indicator and action plan pages pass axe-core (no serious or critical
violation) and are kept as screenshots (``test-artefacts/screenshots/override-*.png``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from iomhub.web.accounts.constants import Role
from iomhub.web.performance.models import ActionStatusChange, Actual, Indicator, PlanAction, RagOverride, Target
from tests.web.browser.conftest import axe_violations, screenshot, sign_in
from tests.web.browser.pages import add
from tests.web.conftest import PASSWORD, only_on

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), only_on("sqlite")]
REASON = "Corrected figure after the force's data fix meets the target"


def submit(page: Any, button: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()


def test_a_manager_overrides_a_rag_and_changes_a_status(page: Any, live_server: Any,
                                                        make_user: Callable[..., Any]) -> None:
    base = live_server.url
    indicator = add(Indicator, indicator_id="IOM1", title="Reoffending rate of the cohort", owner="Police",
                    unit="percent", direction="down", baseline=50.0)
    add(Target, indicator=indicator, period="2015-Q1", kind="value", value=40.0)
    add(Actual, indicator=indicator, period="2015-Q1", actual=46.0)
    add(PlanAction, action_id="A01", outcome="Reduce reoffending", action="Set up a panel", milestone="First panel",
        due="2015-Q2", lead="Police", status="amber")
    make_user("partner", Role.MANAGER, username="om-khan")
    sign_in(page, base, "om-khan", PASSWORD)
    page.wait_for_url(f"{base}/cohort/**")

    page.goto(f"{base}/performance/framework/?year=2015")
    assert "Red" in page.locator("table.framework-table tbody tr").first.inner_text()
    assert axe_violations(page) == []
    screenshot(page, "override-framework-before")
    with page.expect_navigation():
        page.get_by_role("link", name="IOM1").click()
    with page.expect_navigation():
        page.get_by_role("link", name="Set RAG by hand for 2015/16 Q1").click()
    assert page.get_by_label("Period").input_value() == "2015-Q1"
    submit(page, "Set the RAG")  # no choice, no reason: the form says what is missing
    assert "Choose the RAG to show" in page.content() and "Enter why the RAG is set by hand" in page.content()
    page.get_by_label("Green: the target is met").check()
    page.get_by_label("Reason").fill(REASON)
    submit(page, "Set the RAG")

    assert page.url == f"{base}/performance/framework/IOM1/"
    row = page.locator("#period-2015-Q1").inner_text()
    assert "Green" in row and "SET BY HAND" in row.upper() and "Red" in row  # shown green; red by the rule
    history = page.locator("#history + p + table tbody tr").first.inner_text()
    assert "om-khan" in history and "Red" in history and "Green" in history and REASON in history
    assert axe_violations(page) == []
    screenshot(page, "override-indicator")
    [override] = RagOverride.objects.all()
    assert (override.rag, override.rag_from, override.decided_by, override.reason) == ("green", "red", "om-khan",
                                                                                       REASON)

    page.goto(f"{base}/performance/actions/")
    assert "OVERDUE" in page.locator("tr.overdue-row").first.inner_text().upper()
    with page.expect_navigation():
        page.get_by_role("link", name="Change status of A01").click()
    page.get_by_label("Complete").check()
    page.get_by_label("Comment").fill("The first panel met on 3 June")
    submit(page, "Record the status")
    assert page.locator("tr.overdue-row").count() == 0
    page.get_by_text("Status history of A01").click()
    assert "Amber → Complete. The first panel met on 3 June" in page.content()
    assert axe_violations(page) == []
    screenshot(page, "override-action-plan")
    assert ActionStatusChange.objects.get().status_to == "complete"
