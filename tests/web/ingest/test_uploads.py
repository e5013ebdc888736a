"""/data/ end to end with the test client: upload extracts with their own names, headers and codes,
map them on the page, see the preview, import as a job (run here by the worker's own function),
see the history; a second, changed extract shows its differences before it is committed, and a
table imported whole loses the rows absent from it, audited."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

import pytest
from django.test import Client

from iomhub.web.audit.constants import Operation
from iomhub.web.audit.models import AuditEvent
from iomhub.web.cohort.models import CohortEpisode
from iomhub.web.ingest import jobs
from iomhub.web.ingest.models import ImportJob, MappingVersion, SavedMapping, Upload
from iomhub.web.people.models import Nominal
from tests.web.ingest.conftest import CASELOAD, NICHE, changes, extract, form_of, labelled

NICHE_MAY = "Person URN;Surname;DOB;Sex;NPA\r\nU2;Zoë Brown;12-Feb-1992;F;NE\r\nU3;Jones;03-Mar-1985;M;NW\r\n" \
            "U4;Patel;04-Apr-1994;M;NE\r\n"
CASELOAD_MAY = "URN,Level,Date adopted,Date deselected\nU2,Flex,2015-02-01,\nU3,Fixed,2015-03-01,\n" \
               "U4,Fixed,2015-05-01,\n"


def choose(form: dict[str, list[str]], names: dict[str, str], label: str, value: str) -> None:
    """Set the select labelled ``label`` (its label text starts with it) to ``value``."""
    found = [name for name, text in names.items() if text.startswith(label)]
    assert found, f"no field labelled {label!r} in {sorted(names.values())}"
    form[found[0]] = [value]


def mapping_page(client: Client, url: str) -> tuple[str, dict[str, list[str]], dict[str, str]]:
    response = client.get(url)
    assert response.status_code == 200, response.content[:2000]
    html = response.content.decode()
    return html, form_of(html), labelled(html)


def import_now(client: Client, url: str, html: str, whole: tuple[str, ...] = ()) -> ImportJob:
    start = url + "import/"
    form = form_of(html, start)
    for table in whole:
        form[f"mode-{table}"] = ["snapshot"]
    response = client.post(start, form)
    assert response.status_code == 302, response.content[:2000]
    job = ImportJob.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))
    waiting = client.get(response["Location"]).content.decode()
    assert "Waiting" in waiting and 'http-equiv="refresh"' in waiting and "<progress" in waiting
    ran = jobs.run_next()
    assert ran is not None and ran.pk == job.pk
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.message
    done = client.get(response["Location"]).content.decode()
    assert "Imported" in done and 'http-equiv="refresh"' not in done
    return job


def test_upload_map_preview_import_then_a_changed_extract(client_for: Any, importers: dict[str, Any]) -> None:
    client = client_for(importers["own"])
    response = client.post("/data/", {"extracts": [extract("Niche nominal export.csv", NICHE, "cp1252"),
                                                   extract("IOM caseload.csv", CASELOAD)]})
    assert response.status_code == 302, response.content[:3000]
    url = response["Location"]
    html, form, names = mapping_page(client, url)
    # The suggestion: files to tables, headers to columns, M and F guessed, 01-Jan-1990 found.
    assert {form[n][0] for n in form if n.startswith("table-")} == {"nominals", "cohort"}
    assert "Sex" in {v[0] for n, v in form.items() if n.endswith("-gender")}
    assert "Fixed (2 rows)" in names.values() and "Flex (1 row)" in names.values()
    assert {names[n].split(" (")[0]: v[0] for n, v in form.items() if n.startswith("code-")} == {
        "M": "male", "F": "female", "Fixed": "", "Flex": ""}
    assert html.count("Guessed from a usual spelling: check it") == 2
    assert "%d-%b-%Y" in form["dates"]
    # Levels are not guessed: until mapped, the preview names them in the file's own terms.
    assert "IOM caseload.csv:2: Level" in html, html[-3000:]
    choose(form, names, "Fixed (", "priority")
    choose(form, names, "Flex (", "standard")
    form["name"] = ["Police Niche monthly"]
    response = client.post(url, form)
    assert response.status_code == 302, response.content[-3000:]
    html, form, names = mapping_page(client, url)
    assert "Saved as Police Niche monthly, version 1." in html
    assert changes(html) == {"nominals": (3, 0, 0, 0), "cohort": (3, 0, 0, 0)}
    job = import_now(client, url, html)
    assert job.counts["nominals"]["created"] == 3 and job.counts["cohort"]["created"] == 3
    people = {n.nominal_id: (n.family_name, n.date_of_birth, n.gender) for n in Nominal.objects.all()}
    assert people == {"U1": ("Smith", date(1990, 1, 1), "male"), "U2": ("Zoë Brown", date(1992, 2, 2), "female"),
                      "U3": ("Jones", date(1985, 3, 3), "male")}
    assert sorted(CohortEpisode.objects.values_list("nominal_id", "scheme")) == [
        ("U1", "priority"), ("U2", "standard"), ("U3", "priority")]
    history = client.get("/data/history/").content.decode()
    assert hashlib.sha256(NICHE.encode("cp1252")).hexdigest() in history
    assert "nominals: 3 added, 0 changed, 0 unchanged" in history and "own-analyst" in history

    # May: other file names, one person changed, one new, one gone; the saved mapping is chosen.
    saved = SavedMapping.objects.get(name="Police Niche monthly")
    response = client.post("/data/", {"source": saved.pk, "extracts": [
        extract("Niche nominal export 2015-05.csv", NICHE_MAY, "cp1252"), extract("caseload May.csv", CASELOAD_MAY)]})
    assert response.status_code == 302
    may = response["Location"]
    html, form, names = mapping_page(client, may)
    assert "starting from the saved mapping Police Niche monthly, version 1" in html
    assert changes(html) == {"nominals": (1, 1, 1, 1), "cohort": (1, 0, 2, 1)}, html[-5000:]
    assert Nominal.objects.get(nominal_id="U2").date_of_birth == date(1992, 2, 2), "nothing committed yet"
    job = import_now(client, may, html, whole=("cohort",))
    assert job.snapshot == ["cohort"]
    assert job.counts["cohort"] == {"created": 1, "updated": 0, "unchanged": 2, "not_in_package": 1, "removed": 1}
    assert Nominal.objects.get(nominal_id="U2").date_of_birth == date(1992, 2, 12)
    assert Nominal.objects.filter(nominal_id="U1").exists(), "people are never removed by an import"
    assert sorted(CohortEpisode.objects.values_list("nominal_id", flat=True)) == ["U2", "U3", "U4"]
    removed = AuditEvent.objects.get(operation=Operation.ERASURE, object_type="cohort.cohortepisode")
    assert removed.nominal_id == "U1" and removed.detail["removed"]["scheme"] == "priority"
    assert removed.username == "own-analyst"


def test_saved_mappings_are_versioned_and_audited(client_for: Any, importers: dict[str, Any]) -> None:
    client = client_for(importers["own"])
    response = client.post("/data/", {"extracts": [extract("Niche nominal export.csv", NICHE, "cp1252"),
                                                   extract("IOM caseload.csv", CASELOAD)]})
    url = response["Location"]
    _html, form, names = mapping_page(client, url)
    form["name"] = ["Police Niche monthly"]
    assert client.post(url, form).status_code == 302
    assert client.post(url, form).status_code == 302  # the same mapping again: no new version
    choose(form, names, "Fixed (", "priority")
    assert client.post(url, form).status_code == 302
    versions = list(MappingVersion.objects.order_by("number").values_list("number", flat=True))
    assert versions == [1, 2]
    assert "priority = [\"Fixed\"]" in MappingVersion.objects.get(number=2).text
    audited = AuditEvent.objects.filter(object_type="ingest.mappingversion").values_list("detail", flat=True)
    assert sorted(d["version"] for d in audited) == [1, 2]
    with pytest.raises(Exception, match="never deleted"):
        MappingVersion.objects.get(number=1).delete()


def test_the_files_are_the_agency_s_own(client_for: Any, importers: dict[str, Any], make_user: Any) -> None:
    """The partner's analyst cannot open the own agency's upload or job (the refusal is audited);
    the unrelated agency's analyst and the own agency's practitioner cannot use /data/ at all."""
    own = client_for(importers["own"])
    response = own.post("/data/", {"extracts": [extract("Niche nominal export.csv", NICHE, "cp1252"),
                                                extract("IOM caseload.csv", CASELOAD)]})
    url = response["Location"]
    upload = Upload.objects.get()
    partner = client_for(importers["partner"])
    assert partner.get("/data/").status_code == 200
    for address in (url, url + "import/"):
        before = AuditEvent.objects.filter(operation=Operation.REFUSAL).count()
        answer = partner.get(address) if address == url else partner.post(address)
        assert answer.status_code == 404
        assert "Niche" not in answer.content.decode()
        assert AuditEvent.objects.filter(operation=Operation.REFUSAL).count() == before + 1
    assert upload.label not in partner.get("/data/history/").content.decode()
    for outsider in (importers["unrelated"], make_user("own", "practitioner", username="pc")):
        client = client_for(outsider)
        assert client.get("/data/").status_code == 404
        assert client.get(url).status_code == 404
    assert own.get(url).status_code == 200
