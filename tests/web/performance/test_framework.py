"""The performance framework in the web application: forms, permissions, manual RAG overrides
with their history, and the override carried into the JSON report and the documents."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from html import escape
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from docx import Document as WordDocument
from openpyxl import load_workbook
from pypdf import PdfReader

from iomhub.domain.dates import Span
from iomhub.package import read_package
from iomhub.reports.json_renderer import render_json
from iomhub.reports.model import build_report
from iomhub.reports.params import ReportParams
from iomhub.web.accounts.constants import Role
from iomhub.web.audit.constants import Operation
from iomhub.web.audit.context import Actor, audited
from iomhub.web.audit.models import AppendOnly, AuditEvent
from iomhub.web.exchange import export_package
from iomhub.web.people.models import Nominal
from iomhub.web.performance.data import package_from_database
from iomhub.web.performance.models import Actual, Indicator, RagOverride, Target

FY_2015 = {"from": "2015-04-01", "to": "2016-03-31"}
DISCLOSURE = {"justification": "Quarterly board report", "recipient": "IOM strategic board"}
REASON = "The force's figure was corrected after a data fix; the corrected rate meets the target"


@pytest.fixture
def framework(db: Any, system: Actor) -> Indicator:
    """IOM1, reoffending rate (lower is better): target 40% for 2015-Q1, actual 46%. Missed by 6,
    more than 10% of 40 (4), so the rule says red."""
    with audited(system) as audit:
        indicator = Indicator.objects.create(indicator_id="IOM1", title="Reoffending rate of the cohort",
                                             owner="Police", unit="percent", direction="down", baseline=50.0)
        Target.objects.create(indicator=indicator, period="2015-Q1", kind="value", value=40.0)
        Actual.objects.create(indicator=indicator, period="2015-Q1", actual=46.0, comment="Force figure")
        audit.record(Operation.COLLECTION, indicator)
    return indicator


def url(name: str, ident: str = "IOM1") -> str:
    return f"/performance/framework/{ident}/{name}/"


def kpi_row(span: Span, indicator_id: str = "IOM1", period: str = "2015-Q1") -> dict[str, Any]:
    report = build_report(package_from_database(), ReportParams(span))
    [row] = [r for r in report.rows("kpis") if (r["indicator_id"], r["period"]) == (indicator_id, period)]
    return row


Q1 = Span(date(2015, 4, 1), date(2015, 6, 30))


# --- reading ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("agency", "role"), [("own", Role.PRACTITIONER), ("own", Role.ANALYST),
                                              ("partner", Role.MANAGER), ("partner", Role.PRACTITIONER)],
                         ids=lambda value: str(value))
def test_the_partnership_reads_the_framework(agency: str, role: str, framework: Indicator,
                                             make_user: Callable[..., Any], client_for: Callable[..., Any]) -> None:
    client = client_for(make_user(agency, role))
    page = client.get("/performance/framework/", {"year": "2015"})
    assert page.status_code == 200
    content = page.content.decode()
    assert "Reoffending rate of the cohort" in content and "2015/16 Q1" in content
    assert "Target: 40%" in content and "Actual: 46%" in content and "<strong>Red</strong>" in content
    detail = client.get("/performance/framework/IOM1/")
    assert detail.status_code == 200
    may_edit = role == Role.MANAGER
    assert ("Set a RAG by hand" in detail.content.decode()) is may_edit


@pytest.mark.parametrize("path", ["/performance/framework/", "/performance/framework/IOM1/"])
def test_an_unrelated_agency_gets_a_404_and_the_refusal_is_recorded(
        path: str, framework: Indicator, make_user: Callable[..., Any], client_for: Callable[..., Any]) -> None:
    user = make_user("unrelated", Role.MANAGER)
    response = client_for(user).get(path)
    assert response.status_code == 404 and b"Reoffending rate" not in response.content
    [refusal] = AuditEvent.objects.filter(operation=Operation.REFUSAL)
    assert refusal.username == user.username and refusal.detail["path"] == path


def test_an_unknown_indicator_is_the_same_404(framework: Indicator, make_user: Callable[..., Any],
                                              client_for: Callable[..., Any]) -> None:
    response = client_for(make_user("own", Role.MANAGER)).get("/performance/framework/NOPE/")
    assert response.status_code == 404
    assert AuditEvent.objects.filter(operation=Operation.REFUSAL).count() == 1


# --- who may change it ----------------------------------------------------------------------------


@pytest.mark.parametrize(("agency", "role", "allowed"), [
    ("own", Role.MANAGER, True), ("partner", Role.MANAGER, True), ("own", Role.ADMINISTRATOR, True),
    ("own", Role.PRACTITIONER, False), ("partner", Role.PRACTITIONER, False), ("own", Role.ANALYST, False),
    ("unrelated", Role.MANAGER, False), ("unrelated", Role.ADMINISTRATOR, False),
], ids=lambda value: str(value))
def test_only_managers_and_administrators_of_the_partnership_override(
        agency: str, role: str, allowed: bool, framework: Indicator, make_user: Callable[..., Any],
        client_for: Callable[..., Any]) -> None:
    user = make_user(agency, role)
    response = client_for(user).post(url("rag"), {"period": "2015-Q1", "rag": "green", "reason": REASON})
    if allowed:
        assert response.status_code == 302 and response["Location"] == "/performance/framework/IOM1/"
        [override] = RagOverride.objects.all()
        assert (override.rag, override.rag_from, override.decided_by) == ("green", "red", user.username)
    else:
        assert response.status_code == 404
        assert not RagOverride.objects.exists()
        assert list(AuditEvent.objects.values_list("operation", flat=True).order_by("-id")[:1]) == ["refusal"]


# --- forms ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "data", "message"), [
    ("rag", {"period": "2015-Q1", "rag": "green", "reason": "  "}, "Enter why the RAG is set by hand"),
    ("rag", {"period": "2015-Q1", "reason": REASON}, "Choose the RAG to show"),
    ("rag", {"period": "2015-Q1", "rag": "purple", "reason": REASON}, "Choose green, amber or red"),
    ("rag", {"period": "2015-Q5", "rag": "green", "reason": REASON},
     "Enter the period as a quarter such as 2015-Q1 or a financial year such as 2015"),
    ("rag/withdraw", {"period": "2015-Q1", "reason": "No longer needed"},
     "There is no override in force for this period to withdraw"),
    ("rag/withdraw", {"period": "2015-Q1"}, "Enter why the override is withdrawn"),
    ("target", {"period": "2015-Q2", "kind": "range", "high": "15"}, "Enter the lowest value of the target range"),
    ("target", {"period": "2015-Q2", "kind": "range", "low": "15", "high": "9"},
     "The highest value must be at least the lowest"),
    ("target", {"period": "2015-Q2", "kind": "value"}, "Enter the target&#x27;s value"),
    ("target", {"period": "2015-Q2", "kind": "change", "value": "-1.5"},
     "A change cannot be a fall of more than 100% (-1)"),
    ("target", {"period": "2015-Q2", "kind": "value", "value": "forty"}, "Enter a number, for example 42 or 12.5"),
    ("actual", {"period": "2015-Q2", "actual": "12,5"}, "Enter a number, for example 42 or 12.5"),
    ("edit", {"title": ""}, "Enter the indicator&#x27;s description"),
], ids=lambda value: value if isinstance(value, str) and len(value) < 20 else None)
def test_forms_explain_what_is_wrong_and_change_nothing(
        path: str, data: dict[str, str], message: str, framework: Indicator, make_user: Callable[..., Any],
        client_for: Callable[..., Any]) -> None:
    before = AuditEvent.objects.count()
    response = client_for(make_user("own", Role.MANAGER)).post(url(path), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert AuditEvent.objects.count() == before
    assert not RagOverride.objects.exists() and Target.objects.count() == 1 and Actual.objects.count() == 1


def test_targets_actuals_and_indicators_are_saved_with_their_audit_rows(
        framework: Indicator, make_user: Callable[..., Any], client_for: Callable[..., Any]) -> None:
    client = client_for(make_user("partner", Role.MANAGER))
    assert client.post(url("target"), {"period": "2015-q2", "kind": "range", "low": "9", "high": "15",
                                       "value": "3"}).status_code == 302
    target = Target.objects.get(indicator=framework, period="2015-Q2")
    assert (target.kind, target.value, target.low, target.high) == ("range", None, 9.0, 15.0)  # no stray value
    assert client.post(url("actual"), {"period": "2015-Q1", "actual": "38.5", "comment": "Revised"}).status_code == 302
    actual = Actual.objects.get(indicator=framework, period="2015-Q1")
    assert (actual.actual, actual.comment) == (38.5, "Revised")
    assert client.post(url("edit"), {"title": "Reoffending rate", "owner": "Probation", "unit": "percent",
                                     "direction": "down", "baseline": "50", "metric": ""}).status_code == 302
    framework.refresh_from_db()
    assert (framework.title, framework.owner) == ("Reoffending rate", "Probation")
    assert client.post("/performance/framework/new/", {"indicator_id": "IOM9", "title": "Cohort size",
                                                       "unit": "count", "direction": "up",
                                                       "metric": "cohort_size"}).status_code == 302
    assert Indicator.objects.get(indicator_id="IOM9").metric == "cohort_size"
    rows = AuditEvent.objects.filter(object_type__startswith="performance.").order_by("id")
    summary = [(e.operation, e.object_type) for e in rows if e.username == "partner-manager"]
    assert summary == [("collection", "performance.target"), ("alteration", "performance.actual"),
                       ("alteration", "performance.indicator"), ("collection", "performance.indicator")]
    altered = [e for e in rows if e.object_type == "performance.actual"][-1]
    assert altered.detail["actual"] == [46.0, 38.5] and altered.detail["source"] == "typed"


def test_an_actual_is_filled_from_the_figure_its_indicator_names(
        nominal: Nominal, make_user: Callable[..., Any], client_for: Callable[..., Any], system: Actor) -> None:
    with audited(system) as audit:
        indicator = Indicator.objects.create(indicator_id="SIZE", title="Cohort size", unit="count",
                                             direction="up", metric="cohort_size")
        audit.record(Operation.COLLECTION, indicator)
    response = client_for(make_user("own", Role.MANAGER)).post(
        url("actual", "SIZE"), {"period": "2015-Q1", "fill": "on", "comment": "From iomhub"})
    assert response.status_code == 302
    # N0001 is on the priority scheme from 2015-04-01: the caseload on 2015-06-30 (the quarter's
    # last snapshot date) is 1 person.
    actual = Actual.objects.get(indicator=indicator, period="2015-Q1")
    assert (actual.actual, actual.comment) == (1.0, "From iomhub")
    event = AuditEvent.objects.filter(object_type="performance.actual").get()
    assert event.detail["source"] == "computed: cohort_size"


# --- the override: history, report, documents, export ---------------------------------------------


def test_overrides_supersede_are_withdrawn_and_keep_their_history(
        framework: Indicator, make_user: Callable[..., Any], client_for: Callable[..., Any]) -> None:
    manager, other = make_user("own", Role.MANAGER), make_user("partner", Role.ADMINISTRATOR)
    assert client_for(manager).post(url("rag"), {"period": "2015-Q1", "rag": "green", "reason": REASON}
                                    ).status_code == 302
    row = kpi_row(Q1)
    assert (row["rag"], row["rag_computed"], row["rag_overridden"], row["rag_override_reason"],
            row["rag_override_by"], row["rag_override_on"]) == (
        "green", "red", True, REASON, manager.username, timezone.localdate())
    assert client_for(other).post(url("rag"), {"period": "2015-Q1", "rag": "amber",
                                               "reason": "Only partly corrected"}).status_code == 302
    assert kpi_row(Q1)["rag"] == "amber"
    assert client_for(manager).post(url("rag/withdraw"), {"period": "2015-Q1", "reason": "Figure audited"}
                                    ).status_code == 302
    row = kpi_row(Q1)
    assert (row["rag"], row["rag_overridden"], row["rag_override_reason"]) == ("red", False, None)

    history = list(RagOverride.objects.order_by("decided_on", "override_id").values_list(
        "decided_by", "rag_from", "rag", "reason"))
    assert history == [(manager.username, "red", "green", REASON),
                       (other.username, "green", "amber", "Only partly corrected"),
                       (manager.username, "amber", "", "Figure audited")]
    assert all(o.decided_at is not None for o in RagOverride.objects.all())
    page = client_for(manager).get("/performance/framework/IOM1/").content.decode()
    history_html = page[page.find('id="history"'):]
    for text in (escape(REASON), "Only partly corrected", "Figure audited", "Withdrawn (the computed RAG)",
                 manager.username, other.username):
        assert text in history_html
    events = AuditEvent.objects.filter(object_type="performance.ragoverride").order_by("id")
    assert [(e.detail["rag"]["old"], e.detail["rag"]["new"], e.detail["withdrawal"]) for e in events] == [
        ("red", "green", False), ("green", "amber", False), ("amber", None, True)]
    assert [e.justification for e in events] == [REASON, "Only partly corrected", "Figure audited"]

    first = RagOverride.objects.order_by("override_id").first()
    assert first is not None
    with pytest.raises(AppendOnly), audited(Actor.system("test")):
        first.delete()
    assert RagOverride.objects.count() == 3


def test_the_override_flows_into_the_json_and_the_documents(
        framework: Indicator, make_user: Callable[..., Any], client_for: Callable[..., Any]) -> None:
    client = client_for(make_user("own", Role.MANAGER))
    assert client.post(url("rag"), {"period": "2015-Q1", "rag": "green", "reason": REASON}).status_code == 302

    import json

    report = build_report(package_from_database(), ReportParams(Span(date(2015, 4, 1), date(2016, 3, 31))))
    [row] = [r for r in json.loads(render_json(report))["tables"]["kpis"] if r["period"] == "2015-Q1"]
    assert (row["rag"], row["rag_computed"], row["rag_overridden"], row["rag_override_reason"]) == (
        "green", "red", True, REASON)

    def download(kind: str, fmt: str) -> bytes:
        response = client.post("/performance/documents/", {**FY_2015, "document": kind, "format": fmt,
                                                           **DISCLOSURE})
        assert response.status_code == 200
        return bytes(response.content)

    # The quarterly table (Word): Q1's actual is green and marked, the RAG column too; the footnote
    # gives the rule's status, the override's author and the reason.
    word = WordDocument(io.BytesIO(download("kpis", "docx")))
    table = next(t for t in word.tables if t.rows[0].cells[0].text == "Description")
    header = [c.text for c in table.rows[0].cells]
    cells = [c.text for c in table.rows[1].cells]
    actual = cells[header.index("Q1 actual")]
    rag = cells[header.index("RAG")]
    # Status cells are shaded and worded ("Green 46.0%"), and the mark points to the footnote.
    assert actual.startswith("Green 46.0%") and actual != "Green 46.0%", actual
    assert rag.startswith("Green") and rag != "Green", rag
    text = "\n".join(p.text for p in word.paragraphs)
    assert "2015/16 Q1: red by the rule, set to green by own-manager on" in text and REASON in text

    # Excel: the same footnote under the table.
    book = load_workbook(io.BytesIO(download("kpis", "xlsx")))
    values = [str(c.value) for sheet in book.worksheets for r in sheet.iter_rows() for c in r if c.value]
    assert any("RAG set by hand" in v and REASON in v for v in values)

    # The performance report (PDF): its framework table marks the RAG and prints the reason.
    pdf = PdfReader(io.BytesIO(download("performance", "pdf")))
    pdf_text = " ".join((page.extract_text() or "") for page in pdf.pages).replace("\n", " ")
    assert "red by the rule, set to green" in pdf_text and "data fix" in pdf_text
    # ... and the drafted narrative counts it among the successes, saying it was set by hand.
    assert "46.0% against a target of 40.0% (2015/16 Q1, green, set by hand)" in pdf_text


def test_the_override_survives_export_and_import(framework: Indicator, make_user: Callable[..., Any],
                                                 client_for: Callable[..., Any], tmp_path: Path,
                                                 system: Actor) -> None:
    client = client_for(make_user("own", Role.MANAGER))
    assert client.post(url("rag"), {"period": "2015-Q1", "rag": "green", "reason": REASON}).status_code == 302
    export_package(tmp_path / "out", system, "round trip", "the test suite")
    package = read_package(tmp_path / "out")
    [row] = package.tables["rag_overrides"].iter_rows(named=True)
    assert (row["override_id"], row["indicator_id"], row["period"], row["rag"], row["rag_from"], row["reason"],
            row["decided_by"]) == ("IOM1/2015-Q1/0001", "IOM1", "2015-Q1", "green", "red", REASON, "own-manager")
    report = build_report(package, ReportParams(Q1))
    [kpi] = report.rows("kpis")
    assert (kpi["rag"], kpi["rag_computed"], kpi["rag_override_reason"]) == ("green", "red", REASON)


def test_the_framework_opens_on_the_latest_year_with_figures(framework: Indicator, users: dict[str, Any],
                                                             client_for: Callable[..., Any]) -> None:
    response = client_for(users["own"]).get("/performance/framework/")
    assert response.status_code == 200 and response.context["year"] == 2015  # IOM1 has 2015-Q1 only
