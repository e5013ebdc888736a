"""Bringing extracts in, in Debian's chromium: an analyst uploads two files with other names,
headers and codes (Niche's semicolons and Windows-1252, "Fixed"/"Flex" for the levels), builds the
mapping on the page (the levels mapped by hand, the rest as suggested), sees every problem and then
the preview, saves the mapping, imports with a progress page, and sees the history; next month's
changed extract, with the saved mapping, shows its differences before anything is committed. The
pages pass axe-core and are kept as screenshots (``test-artefacts/screenshots/data-*.png``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from iomhub.web.accounts.constants import Role
from iomhub.web.cohort.models import CohortEpisode
from iomhub.web.people.models import Nominal
from tests.web.browser.conftest import axe_violations, screenshot, sign_in
from tests.web.conftest import PASSWORD, only_on
from tests.web.ingest.conftest import CASELOAD, NICHE
from tests.web.ingest.test_uploads import CASELOAD_MAY, NICHE_MAY

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), only_on("sqlite")]


def write(folder: Path, files: dict[str, tuple[str, str]]) -> list[str]:
    folder.mkdir(parents=True)
    for name, (text, encoding) in files.items():
        (folder / name).write_bytes(text.encode(encoding))
    return [str(folder / name) for name in files]


def submit(page: Any, button: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()


def cells(page: Any, table: str) -> list[str]:
    """The preview's row of ``table``: added, changed, unchanged, absent."""
    row = page.locator("table", has_text="What the import would change").locator("tr", has=page.locator(
        f"th:text-is('{table}')"))
    return [text.strip() for text in row.locator("td").all_inner_texts()]


def test_upload_map_preview_import_and_a_changed_extract(page: Any, live_server: Any, tmp_path: Path,
                                                         make_user: Callable[..., Any], settings: Any) -> None:
    settings.DATA_DIR = tmp_path / "data"
    base = live_server.url
    make_user("own", Role.ANALYST, username="iom-analyst")
    march = write(tmp_path / "march", {"Niche nominal export.csv": (NICHE, "cp1252"),
                                       "IOM caseload.csv": (CASELOAD, "utf-8")})
    sign_in(page, base, "iom-analyst", PASSWORD)
    page.wait_for_url(f"{base}/performance/**")  # analysts land on the dashboard
    page.get_by_role("link", name="Data", exact=True).click()
    page.get_by_label("The extracts").set_input_files(march)
    submit(page, "Upload")

    # The suggestion maps the files, headers, M/F and the dates; the levels are the user's to map.
    assert page.get_by_label("Table held by Niche nominal export.csv").input_value() == "nominals"
    assert page.get_by_label("M (2 rows)").input_value() == "male"
    assert "IOM caseload.csv:2: Level: unknown code 'Fixed'" in page.locator("#preview ~ div").first.inner_text()
    assert axe_violations(page) == []
    screenshot(page, "data-01-mapping")
    page.get_by_label("Fixed (2 rows)").select_option("priority")
    page.get_by_label("Flex (1 row)").select_option("standard")
    page.get_by_label("Save this mapping as").fill("Police Niche monthly")
    submit(page, "Save and check")
    assert "Saved as Police Niche monthly, version 1." in page.content()
    assert cells(page, "nominals") == ["3", "0", "0", "0"] and cells(page, "cohort") == ["3", "0", "0", "0"]
    screenshot(page, "data-02-preview")
    submit(page, "Import")

    # The job page: a progress bar that refreshes itself until the import is done.
    assert page.locator("h1").inner_text() == "Import of Niche nominal export.csv and 1 more"
    page.locator("#job-status", has_text="Imported").wait_for(timeout=60_000)
    assert page.locator("table", has_text="Rows per table").locator("td").first.inner_text() == "3"
    assert axe_violations(page) == []
    screenshot(page, "data-03-imported")
    assert Nominal.objects.get(nominal_id="U2").family_name == "Zoë Brown"
    page.get_by_role("link", name="Imports", exact=True).click()
    assert "nominals: 3 added, 0 changed, 0 unchanged" in page.content()
    assert axe_violations(page) == []
    screenshot(page, "data-04-history")

    # May's extract, other names, with the saved mapping: its differences before anything changes.
    may = write(tmp_path / "may", {"Niche nominal export 2015-05.csv": (NICHE_MAY, "cp1252"),
                                   "caseload May.csv": (CASELOAD_MAY, "utf-8")})
    page.get_by_role("link", name="Data", exact=True).click()
    page.get_by_label("The extracts").set_input_files(may)
    page.get_by_label("Mapping").select_option(label="Police Niche monthly")
    submit(page, "Upload")
    assert cells(page, "nominals") == ["1", "1", "1", "1"] and cells(page, "cohort") == ["1", "0", "2", "1"]
    assert sorted(CohortEpisode.objects.values_list("nominal_id", flat=True)) == ["U1", "U2", "U3"], "not yet"
    page.get_by_role("group", name="cohort").get_by_label("The whole table").check()
    screenshot(page, "data-05-differences")
    submit(page, "Import")
    page.locator("#job-status", has_text="Imported").wait_for(timeout=60_000)
    assert sorted(CohortEpisode.objects.values_list("nominal_id", flat=True)) == ["U2", "U3", "U4"]
