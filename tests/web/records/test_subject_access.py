"""Subject access (DPA 2018 s.45): for one person, everything held and every disclosure with its
recipient, as a PDF and as a ZIP of CSVs, itself recorded as a disclosure."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from pypdf import PdfReader

from iomhub.web.accounts.models import User
from iomhub.web.audit.constants import Operation
from iomhub.web.audit.context import Actor, audited
from iomhub.web.audit.models import AuditEvent
from iomhub.web.exchange import export_package
from iomhub.web.offences.models import Offence
from iomhub.web.people.models import CaseNote, Nominal
from tests.web.records.conftest import add, person

REQUEST = {"justification": "SAR 2016/041 received 02/05/2016", "recipient": "Jo Smith (the data subject)"}


@pytest.fixture
def subject(db: Any, make_user: Any, tmp_path: Path) -> Nominal:
    """N1 with an offence, a health note and an own-agency note; a download naming them, an export
    of the whole database while they were held, and consultations by two agencies."""
    nominal = person("N1", family_name="=HYPERLINK(\"http://evil\")")
    other = person("N2", family_name="Other")
    author = make_user("partner")
    add(Offence, offence_id="CR-1", nominal=nominal, offence_date=date(2015, 6, 1), category="robbery")
    add(CaseNote, nominal=nominal, author=author, agency=author.agency, text="Health note text", visibility="health")
    add(CaseNote, nominal=nominal, author=author, agency=author.agency, text="Probation only", visibility="own_agency")
    add(CaseNote, nominal=other, author=author, agency=author.agency, text="Not about N1", visibility="shared")
    reader = Actor.of(author)
    with audited(reader, justification="MAPPA meeting", recipient="MAPPA level 2 panel") as audit:
        audit.record(Operation.DISCLOSURE, nominal, object_type="people.nominal", detail={"what": "risk summary"})
    with audited(reader) as audit:
        audit.record(Operation.CONSULTATION, nominal, detail={"viewed": "person page"})
    export_package(tmp_path / "export", Actor.system("export"), "quarterly transfer", "Police data warehouse")
    return nominal


def test_the_pdf_holds_everything_and_every_disclosure(subject: Nominal, admin: tuple[User, Client]) -> None:
    user, client = admin
    assert client.get("/records/N1/subject-access/").status_code == 200
    response = client.post("/records/N1/subject-access/", {**REQUEST, "format": "pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="subject-access-N1-')
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    flat = " ".join(text.split())
    for expected in ("Subject access: N1", "CR-1", "Health note text", "Probation only", "MAPPA level 2 panel",
                     "Police data warehouse", "the whole database (an export)"):
        assert expected in flat, expected
    assert "Not about N1" not in flat
    event = AuditEvent.objects.get(user=user, operation="disclosure", nominal_id="N1")
    assert (event.recipient, event.justification, event.detail["format"]) == (
        REQUEST["recipient"], REQUEST["justification"], "pdf")


def test_the_zip_holds_a_csv_per_table_safe_for_a_spreadsheet(subject: Nominal, admin: tuple[User, Client]) -> None:
    _, client = admin
    response = client.post("/records/N1/subject-access/", {**REQUEST, "format": "zip"})
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert {"README.txt", "nominals.csv", "offences.csv", "case_notes.csv", "disclosures.csv",
            "consultations.csv"} <= set(archive.namelist())

    def rows(name: str) -> list[list[str]]:
        return list(csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig"))))

    assert rows("nominals.csv")[1][2] == "'=HYPERLINK(\"http://evil\")"
    assert sorted(row[-1] for row in rows("case_notes.csv")[1:]) == ["Health note text", "Probation only"]
    recipients = [row[4] for row in rows("disclosures.csv")[1:]]
    assert recipients == ["MAPPA level 2 panel", "Police data warehouse"]
    agencies = {row[0] for row in rows("consultations.csv")[1:]}
    assert "nps" in agencies


def test_a_request_needs_its_reference_and_recipient(subject: Nominal, admin: tuple[User, Client]) -> None:
    user, client = admin
    response = client.post("/records/N1/subject-access/", {"format": "pdf"})
    assert response.status_code == 400 and "Enter the request" in response.content.decode()
    assert not AuditEvent.objects.filter(user=user, operation="disclosure").exists()
