"""The action plan in the web application: status changes with a comment and their history,
overdue milestones, new milestones, permissions, and the document read back."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone
from docx import Document as WordDocument

from iomhub.web.accounts.constants import Role
from iomhub.web.audit.constants import Operation
from iomhub.web.audit.context import Actor, audited
from iomhub.web.audit.models import AppendOnly, AuditEvent
from iomhub.web.performance.models import ActionStatusChange, PlanAction

PAGE = "/performance/actions/"
OUTCOME = "Reduce the reoffending of the most prolific offenders"


def quarter_code(day: date) -> str:
    """The financial-year quarter containing ``day`` (April to June 2016 is 2016-Q1)."""
    year = day.year if day.month >= 4 else day.year - 1
    return f"{year}-Q{(day.month - 4) % 12 // 3 + 1}"


@pytest.fixture
def plan(db: Any, system: Actor) -> dict[str, PlanAction]:
    """A01, due a year ago and amber (overdue); A02, due a year ago but complete; A03 due next year."""
    today = timezone.localdate()
    past, future = quarter_code(today - timedelta(days=366)), quarter_code(today + timedelta(days=366))
    rows = {}
    with audited(system) as audit:
        for ident, due, status in (("A01", past, "amber"), ("A02", past, "complete"), ("A03", future, "green")):
            rows[ident] = PlanAction.objects.create(
                action_id=ident, outcome=OUTCOME, action="Set up a prolific offender panel",
                milestone=f"Milestone {ident}", due=due, lead="Police", strategic_links="Police and Crime Plan",
                status=status)
            audit.record(Operation.COLLECTION, rows[ident])
    return rows


def test_the_plan_shows_outcomes_actions_milestones_and_what_is_overdue(
        plan: dict[str, PlanAction], users: dict[str, Any], client_for: Callable[..., Any]) -> None:
    response = client_for(users["partner"]).get(PAGE)
    assert response.status_code == 200
    content = response.content.decode()
    assert f'<h2 class="govuk-heading-m">{OUTCOME}</h2>' in content
    assert '<h3 class="govuk-heading-s">Set up a prolific offender panel</h3>' in content
    assert "1 milestone overdue." in content

    def row(ident: str) -> str:
        start = content.find(f'id="action-{plan[ident].pk}"')
        return content[start:content.find("</tr>", start)]

    assert 'class="govuk-table__row overdue-row"' in row("A01") and "Overdue" in row("A01")
    assert "Overdue" not in row("A02") and "Overdue" not in row("A03")  # complete; not yet due
    assert 'class="govuk-table__cell status-amber">Amber<' in row("A01")
    assert "Change status" not in content  # a practitioner reads only


def test_an_unrelated_agency_gets_a_404(plan: dict[str, PlanAction], users: dict[str, Any],
                                        client_for: Callable[..., Any]) -> None:
    response = client_for(users["unrelated"]).get(PAGE)
    assert response.status_code == 404 and b"Milestone A01" not in response.content
    assert AuditEvent.objects.filter(operation=Operation.REFUSAL).count() == 1


@pytest.mark.parametrize(("agency", "role", "allowed"), [
    ("own", Role.MANAGER, True), ("partner", Role.ADMINISTRATOR, True), ("own", Role.PRACTITIONER, False),
    ("partner", Role.ANALYST, False), ("unrelated", Role.MANAGER, False),
], ids=lambda value: str(value))
def test_a_status_change_needs_a_comment_and_is_kept_in_the_history(
        agency: str, role: str, allowed: bool, plan: dict[str, PlanAction], make_user: Callable[..., Any],
        client_for: Callable[..., Any]) -> None:
    user = make_user(agency, role)
    client = client_for(user)
    url = f"{PAGE}A01/status/"
    if not allowed:
        response = client.post(url, {"status": "green", "comment": "Panel meets monthly"})
        assert response.status_code == 404
        assert not ActionStatusChange.objects.exists()
        plan["A01"].refresh_from_db()
        assert plan["A01"].status == "amber"
        return
    missing = client.post(url, {"status": "green", "comment": "   "})
    assert missing.status_code == 400 and "Enter a comment explaining the status" in missing.content.decode()
    assert client.post(url, {"status": "teal", "comment": "x"}).status_code == 400
    assert not ActionStatusChange.objects.exists()

    assert client.post(url, {"status": "amber_green", "comment": "Terms of reference agreed"}).status_code == 302
    assert client.post(url, {"status": "complete", "comment": "Panel meets monthly"}).status_code == 302
    plan["A01"].refresh_from_db()
    assert (plan["A01"].status, plan["A01"].comment, plan["A01"].updated_on) == (
        "complete", "Panel meets monthly", timezone.localdate())
    history = list(ActionStatusChange.objects.filter(plan_action=plan["A01"]).order_by("changed_at", "id")
                   .values_list("changed_by", "status_from", "status_to", "comment"))
    assert history == [(user.username, "amber", "amber_green", "Terms of reference agreed"),
                       (user.username, "amber_green", "complete", "Panel meets monthly")]
    events = AuditEvent.objects.filter(object_type="performance.planaction", operation="alteration").order_by("id")
    assert [e.detail["status"] for e in events] == [["amber", "amber_green"], ["amber_green", "complete"]]
    assert [e.justification for e in events] == ["Terms of reference agreed", "Panel meets monthly"]

    page = client.get(PAGE).content.decode()
    assert "Status history of A01 (2 changes)" in page
    assert "Amber → Amber green. Terms of reference agreed" in page and "0 milestones overdue" not in page
    assert "milestone overdue" not in page  # complete now: nothing overdue

    change = ActionStatusChange.objects.first()
    assert change is not None
    with pytest.raises(AppendOnly), audited(Actor.system("test")):
        change.delete()


def test_milestones_are_added_with_a_readable_due_date_and_their_first_status(
        plan: dict[str, PlanAction], make_user: Callable[..., Any], client_for: Callable[..., Any]) -> None:
    client = client_for(make_user("own", Role.MANAGER))
    data = {"action_id": "A04", "outcome": OUTCOME, "action": "Share data", "milestone": "ISA signed",
            "due": "sometime soon", "lead": "Council", "status": "red"}
    refused = client.post(f"{PAGE}new/", data)
    assert refused.status_code == 400
    assert "Enter the due date as a quarter such as 2016-Q2" in refused.content.decode()
    assert client.post(f"{PAGE}new/", {**data, "action_id": "A01", "due": "2016-Q2"}).status_code == 400
    assert client.post(f"{PAGE}new/", {**data, "due": "2016-Q2"}).status_code == 302
    added = PlanAction.objects.get(action_id="A04")
    assert (added.status, added.due, added.lead) == ("red", "2016-Q2", "Council")
    [first] = added.status_changes.all()
    assert (first.status_from, first.status_to, first.comment) == ("", "red", "Milestone added")
    assert client.post(f"{PAGE}A04/edit/", {"outcome": OUTCOME, "action": "Share data", "milestone": "ISA signed",
                                            "due": "2016-Q3", "lead": "Council"}).status_code == 302
    added.refresh_from_db()
    assert (added.due, added.status) == ("2016-Q3", "red")  # details change; the status does not
    edit = AuditEvent.objects.filter(object_type="performance.planaction", operation="alteration").get()
    assert edit.detail == {"due": ["2016-Q2", "2016-Q3"]}


def test_the_action_plan_document_carries_the_new_status_and_marks_what_is_overdue(
        plan: dict[str, PlanAction], make_user: Callable[..., Any], client_for: Callable[..., Any]) -> None:
    client = client_for(make_user("partner", Role.MANAGER))
    assert client.post(f"{PAGE}A03/status/", {"status": "red", "comment": "Funding withdrawn"}).status_code == 302
    response = client.post("/performance/documents/", {"from": "2015-04-01", "to": "2016-03-31",
                                                       "document": "actions", "format": "docx",
                                                       "justification": "Board", "recipient": "IOM board"})
    assert response.status_code == 200
    word = WordDocument(io.BytesIO(response.content))
    rows = {row.cells[1].text.rstrip("*†‡§"): [c.text for c in row.cells]
            for table in word.tables for row in table.rows if len(row.cells) == 7}
    assert rows["Milestone A03"][5] == "Red" and rows["Milestone A03"][6] == "Funding withdrawn"
    assert rows["Milestone A01"][1] != "Milestone A01"  # overdue: flagged with a mark
    text = "\n".join(p.text for p in word.paragraphs)
    assert "Milestone A01" in text and "Overdue" in text  # listed again under "Overdue milestones"
