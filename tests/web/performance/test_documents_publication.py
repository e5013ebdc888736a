"""The board documents page "For publication" tick box: small numbers withheld in the preview
and the download, and recorded in the audit rows.

The database holds one person (the ``nominal`` fixture: priority, area NW, since 2015-04-01),
so the caseload on every snapshot date of 2015/16 is 1 in priority x NW and in each margin:
a count from 1 to 4, withheld ``[c]`` for publication and shown 1 otherwise."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

import openpyxl
import pytest

from iomhub.reports.disclosure.protect import DisclosureError
from iomhub.reports.suppression import footnote
from iomhub.web.audit.models import AuditEvent
from iomhub.web.people.models import Nominal
from iomhub.web.performance import documents as documents_view

URL = "/performance/documents/"
FY_2015 = {"from": "2015-04-01", "to": "2016-03-31"}
DISCLOSURE = {"justification": "Annual report to the police and crime panel", "recipient": "Public website"}
PUBLICATION = {"for_publication": True, "suppression_threshold": 5, "disclosure_control": "cell suppression"}


def events(operation: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(operation=operation, object_type="performance.document").order_by("id"))


def tick_box(content: str) -> str:
    [box] = re.findall(r'<input type="checkbox" name="for_publication"[^>]*>', content)
    return box


def caseload_sheet(data: bytes) -> list[list[str]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = next(s for s in book.worksheets if s.title.startswith("Caseload"))
    return [[str(cell) for cell in row if cell is not None] for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("agency", ["own", "partner"])
def test_the_preview_withholds_small_numbers_when_ticked(
        agency: str, users: dict[str, Any], nominal: Nominal, client_for: Callable[..., Any]) -> None:
    client = client_for(users[agency])
    plain = client.get(URL, {**FY_2015, "document": "performance"}).content.decode()
    assert "[c]" not in plain[plain.find('id="preview-heading"'):] and "checked" not in tick_box(plain)
    response = client.get(URL, {**FY_2015, "document": "performance", "for_publication": "on"})
    assert response.status_code == 200
    content = response.content.decode()
    preview = content[content.find('id="preview-heading"'):]
    assert "[c]" in preview and footnote() in preview
    assert "checked" in tick_box(content)  # kept on the page
    assert '<input type="hidden" name="for_publication" value="on">' in content  # and carried to the download
    caseload = preview[preview.find("<h3>Caseload</h3>"):]
    assert "[c]" in caseload[:caseload.find("</table>")]
    [plain_event, event] = events("consultation")
    assert "for_publication" not in plain_event.detail
    assert event.detail == {**FY_2015, "document": "performance", **PUBLICATION}
    assert events("disclosure") == []


@pytest.mark.parametrize("agency", ["own", "partner"])
def test_the_download_withholds_small_numbers_and_the_disclosure_says_so(
        agency: str, users: dict[str, Any], nominal: Nominal, client_for: Callable[..., Any]) -> None:
    client = client_for(users[agency])
    form = {**FY_2015, "document": "kpis", "format": "xlsx", **DISCLOSURE}
    response = client.post(URL, {**form, "document": "performance", "for_publication": "on"})
    assert response.status_code == 200
    rows = caseload_sheet(response.content)
    # every caseload count is 1: withheld; the 1 is nowhere in the counts' columns
    counted = [row for row in rows if row and row[0] in ("Priority", "All schemes")]
    assert counted and all("[c]" in row[1:] and "1" not in row[1:] for row in counted)
    assert any(footnote() in cell for row in rows for cell in row)
    [event] = events("disclosure")
    assert event.object_id == "performance.xlsx" and event.username == users[agency].username
    assert event.detail == {**FY_2015, "document": "performance", "format": "xlsx", "narrative": "drafted",
                            "sections": "all", **PUBLICATION}
    # the same download unticked shows the 1s and records no publication
    plain = client.post(URL, {**form, "document": "performance"})
    assert all("[c]" not in row for row in caseload_sheet(plain.content))
    assert "for_publication" not in events("disclosure")[-1].detail


def test_an_unrelated_agency_gets_a_404_whether_or_not_for_publication(
        users: dict[str, Any], nominal: Nominal, client_for: Callable[..., Any]) -> None:
    client = client_for(users["unrelated"])
    data = {**FY_2015, "document": "performance", "for_publication": "on", "format": "xlsx", **DISCLOSURE}
    assert client.get(URL, data).status_code == 404
    assert client.post(URL, data).status_code == 404
    assert events("consultation") == [] and events("disclosure") == []
    assert AuditEvent.objects.filter(operation="refusal").count() == 2


@pytest.mark.parametrize("agency", ["own", "partner"])
def test_a_report_the_disclosure_audit_cannot_pass_is_not_published(
        agency: str, users: dict[str, Any], nominal: Nominal, client_for: Callable[..., Any],
        monkeypatch: pytest.MonkeyPatch) -> None:
    # (the audit always ends, withholding whole tables at worst; this is the answer if it did not)
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise DisclosureError("the disclosure audit still fails after 100 rounds")

    monkeypatch.setattr(documents_view, "suppressed_report", refuse)
    client = client_for(users[agency])
    response = client.post(URL, {**FY_2015, "document": "performance", "for_publication": "on", "format": "xlsx",
                                 **DISCLOSURE})
    assert response.status_code == 409
    assert "cannot be published without disclosure" in response.content.decode()
    assert events("disclosure") == []
