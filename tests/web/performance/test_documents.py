"""The board documents page: preview, the edited narrative in the download, and its audit."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from docx import Document as WordDocument

from iomhub.web.accounts.constants import Role
from iomhub.web.audit.models import AuditEvent
from iomhub.web.people.models import Nominal

URL = "/performance/documents/"
FY_2015 = {"from": "2015-04-01", "to": "2016-03-31"}
DISCLOSURE = {"justification": "Quarterly board report", "recipient": "IOM strategic board"}
EDITED = {
    "overview": "Our own overview of the year\r\n\r\nA second overview bullet",
    "improvers": "The priority cohort did well",
    "challenges": "Housing remains a challenge",
}


def events(operation: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(operation=operation, object_type="performance.document").order_by("id"))


@pytest.mark.parametrize(("agency", "role"), [
    ("own", Role.PRACTITIONER), ("own", Role.ANALYST), ("partner", Role.MANAGER), ("partner", Role.ANALYST),
], ids=lambda value: str(value))
def test_the_partnership_sees_the_preview_and_the_drafted_narrative(
        agency: str, role: str, make_user: Callable[..., Any], nominal: Nominal,
        client_for: Callable[..., Any]) -> None:
    user = make_user(agency, role)
    response = client_for(user).get(URL, {**FY_2015, "target_reduction": "17"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Preview: " in content and 'name="overview"' in content and 'name="challenges"' in content
    assert 'name="justification"' in content and 'name="recipient"' in content and 'name="format"' in content
    assert 'type="hidden" name="from" value="2015-04-01"' in content
    assert "Smith" not in content and "N0001" not in content  # figures only, never names
    assert "<script" not in content.split("<main")[-1] and ' style="' not in content  # strict CSP
    [event] = events("consultation")
    assert event.user == user and event.object_id == "performance.preview"
    assert event.detail == {**FY_2015, "target_reduction": "17", "document": "performance"}
    assert events("disclosure") == []


@pytest.mark.parametrize("kind", ["kpis", "actions", "thematic"])
def test_the_other_documents_are_previewed_without_a_narrative(
        kind: str, users: dict[str, Any], nominal: Nominal, client_for: Callable[..., Any]) -> None:
    response = client_for(users["partner"]).get(URL, {**FY_2015, "document": kind})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Preview: " in content and 'name="overview"' not in content
    assert 'type="hidden" name="document" value="' + kind + '"' in content


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_unrelated_agency_gets_a_404_and_the_refusal_is_recorded(
        method: str, users: dict[str, Any], nominal: Nominal, client_for: Callable[..., Any]) -> None:
    response = getattr(client_for(users["unrelated"]), method)(URL, {**FY_2015, **DISCLOSURE, "format": "html"})
    assert response.status_code == 404
    assert b"Preview" not in response.content and b"iom-performance" not in response.content
    assert events("consultation") == [] and events("disclosure") == []
    [refusal] = AuditEvent.objects.filter(operation="refusal")
    assert refusal.username == users["unrelated"].username and refusal.detail["path"] == URL


def test_anonymous_users_are_sent_to_sign_in(client_for: Callable[..., Any], db: Any) -> None:
    response = client_for(None).post(URL, {**FY_2015, **DISCLOSURE, "format": "html"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert events("disclosure") == []


@pytest.mark.parametrize("fmt", ["html", "docx"])
def test_the_download_carries_the_edited_narrative_and_is_a_recorded_disclosure(
        fmt: str, users: dict[str, Any], nominal: Nominal, client_for: Callable[..., Any]) -> None:
    user = users["partner"]
    response = client_for(user).post(URL, {**FY_2015, "document": "performance", "format": fmt,
                                           **EDITED, **DISCLOSURE})
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="iom-performance-report-20150401-20160331.{fmt}"')
    if fmt == "html":
        assert response["Content-Type"] == "text/html; charset=utf-8"
        text = response.content.decode()
    else:
        assert response["Content-Type"] == (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        word = WordDocument(io.BytesIO(response.content))
        text = "\n".join(paragraph.text for paragraph in word.paragraphs)
    for line in ("Our own overview of the year", "A second overview bullet", "The priority cohort did well",
                 "Housing remains a challenge"):
        assert line in text
    assert "Smith" not in text
    [event] = events("disclosure")
    assert (event.justification, event.recipient) == (DISCLOSURE["justification"], DISCLOSURE["recipient"])
    assert (event.username, event.agency) == (user.username, "nps")
    assert event.object_id == f"performance.{fmt}"
    assert event.detail == {**FY_2015, "document": "performance", "format": fmt, "narrative": "edited",
                            "sections": "all"}
    assert events("consultation") == []


def test_a_download_without_the_narrative_fields_uses_the_drafted_one(
        users: dict[str, Any], nominal: Nominal, client_for: Callable[..., Any]) -> None:
    response = client_for(users["own"]).post(URL, {**FY_2015, "format": "html", **DISCLOSURE})
    assert response.status_code == 200 and "Performance overview" in response.content.decode()
    [event] = events("disclosure")
    assert event.detail["narrative"] == "drafted" and event.detail["document"] == "performance"


@pytest.mark.parametrize(("kind", "fmt", "content_type", "magic"), [
    ("kpis", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK"),
    ("actions", "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK"),
    ("thematic", "pdf", "application/pdf", b"%PDF"),
])
def test_the_other_documents_download_in_their_format(
        kind: str, fmt: str, content_type: str, magic: bytes, users: dict[str, Any], nominal: Nominal,
        client_for: Callable[..., Any]) -> None:
    response = client_for(users["own"]).post(URL, {**FY_2015, "document": kind, "format": fmt, **DISCLOSURE})
    assert response.status_code == 200
    assert response["Content-Type"] == content_type and response.content.startswith(magic)
    [event] = events("disclosure")
    assert event.object_id == f"{kind}.{fmt}" and "narrative" not in event.detail


@pytest.mark.parametrize("missing", ["justification", "recipient"])
def test_a_download_without_justification_or_recipient_is_refused_with_a_message(
        missing: str, users: dict[str, Any], nominal: Nominal, client_for: Callable[..., Any]) -> None:
    data = {**FY_2015, "document": "performance", "format": "html", **EDITED, **DISCLOSURE, missing: "  "}
    response = client_for(users["own"]).post(URL, data)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    content = response.content.decode()
    assert ("Enter why this report is being disclosed" if missing == "justification"
            else "Enter who will receive this report") in content
    assert "Housing remains a challenge" in content  # the edits are kept on the page
    assert AuditEvent.objects.filter(operation__in=["disclosure", "consultation"]).count() == 0


def test_an_unknown_document_or_format_is_a_400_and_nothing_is_recorded(
        users: dict[str, Any], nominal: Nominal, client_for: Callable[..., Any]) -> None:
    client = client_for(users["own"])
    assert client.post(URL, {**FY_2015, "document": "memo", "format": "html", **DISCLOSURE}).status_code == 400
    assert client.post(URL, {**FY_2015, "document": "kpis", "format": "odt", **DISCLOSURE}).status_code == 400
    assert events("disclosure") == []


def drafted(client: Any, **params: str) -> Any:
    """The page's context: the drafted narrative form and the section choices of a document."""
    response = client.get(URL, {**FY_2015, **params})
    assert response.status_code == 200
    return response.context


def test_edited_caveats_replace_the_drafted_ones_in_the_download(
        users: dict[str, Any], synthetic_database: Any, client_for: Callable[..., Any]) -> None:
    client = client_for(users["partner"])
    caveats = drafted(client)["narrative_form"].initial["caveats"].splitlines()
    assert caveats, "the drafted narrative has caveats to edit"
    response = client.post(URL, {**FY_2015, "document": "performance", "format": "html", **DISCLOSURE,
                                 "caveats": "Figures for the North West are provisional\nA second caveat"})
    assert response.status_code == 200
    text = response.content.decode()
    notes = text[text.find('class="notes"'):]
    assert "Figures for the North West are provisional" in notes and "A second caveat" in notes
    assert all(caveat not in text for caveat in caveats)
    [event] = events("disclosure")
    assert event.detail["narrative"] == "edited"


def test_only_the_sections_ticked_are_downloaded_and_the_choice_is_audited(
        users: dict[str, Any], synthetic_database: Any, client_for: Callable[..., Any]) -> None:
    client = client_for(users["own"])
    titles = drafted(client)["sections_form"].titles
    assert titles[:2] == ["Performance overview", "Reoffending"] and "Caseload" in titles and len(titles) >= 8
    chosen = ["Performance overview", titles[-1]]
    response = client.post(URL, {**FY_2015, "document": "performance", "format": "docx", **DISCLOSURE,
                                 "sections_chosen": "1", "sections": chosen})
    assert response.status_code == 200
    word = WordDocument(io.BytesIO(response.content))
    headings = [p.text for p in word.paragraphs if p.style is not None and p.style.name.startswith("Heading")]
    assert [title for title in titles if title in headings] == chosen
    [event] = events("disclosure")
    assert event.detail["sections"] == chosen


def test_a_preview_shows_the_choices_and_edits_without_a_disclosure(
        users: dict[str, Any], nominal: Nominal, client_for: Callable[..., Any]) -> None:
    client = client_for(users["partner"])
    titles = drafted(client)["sections_form"].titles
    response = client.post(URL, {**FY_2015, "document": "performance", "action": "preview",
                                 "sections_chosen": "1", "sections": ["Caseload"],
                                 "overview": "A previewed overview", "caveats": "A previewed caveat"})
    assert response.status_code == 200
    content = response.content.decode()
    preview = content[content.find('id="preview-heading"'):]
    assert "A previewed caveat" in preview and "With your edits" in preview
    assert "<h3>Caseload</h3>" in preview and "<h3>Performance overview</h3>" not in preview
    assert [title for title in titles if f"<h3>{title}</h3>" in preview] == ["Caseload"]
    boxes = dict(re.findall(r'<input type="checkbox" name="sections" value="([^"]+)" id="[^"]+"( checked)?', content))
    assert boxes["Caseload"] == " checked" and boxes["Performance overview"] == ""  # the choice is kept
    assert events("disclosure") == []
    consultations = events("consultation")
    assert [e.object_id for e in consultations] == ["performance.preview", "performance.preview"]
    assert consultations[-1].detail == {**FY_2015, "document": "performance", "sections": ["Caseload"],
                                        "narrative": "edited"}


def test_ticking_no_section_is_refused_with_a_message(
        users: dict[str, Any], nominal: Nominal, client_for: Callable[..., Any]) -> None:
    response = client_for(users["own"]).post(URL, {**FY_2015, "document": "actions", "format": "pdf",
                                                   **DISCLOSURE, "sections_chosen": "1"})
    assert response.status_code == 400
    assert "Choose at least one section" in response.content.decode()
    assert events("disclosure") == []


def test_a_section_of_another_document_is_refused(
        users: dict[str, Any], nominal: Nominal, client_for: Callable[..., Any]) -> None:
    response = client_for(users["own"]).post(URL, {**FY_2015, "document": "kpis", "format": "html",
                                                   **DISCLOSURE, "sections_chosen": "1", "sections": ["Caseload"]})
    assert response.status_code == 400
    assert "Choose sections of this document only" in response.content.decode()
    assert events("disclosure") == []
