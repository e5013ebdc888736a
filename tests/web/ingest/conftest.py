"""Uploads are stored under a temporary IOMHUB_DATA_DIR; extracts with their own names, headers
and codes (semicolons, Windows-1252, dates like 01-Jan-1990)."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from iomhub.web.accounts.constants import Role
from iomhub.web.accounts.models import User

# Niche's nominal export: semicolons, Windows-1252 (Zoë), its own headers and codes, 01-Jan-1990.
NICHE = "Person URN;Surname;DOB;Sex;NPA\r\nU1;Smith;01-Jan-1990;M;NW\r\nU2;Zoë Brown;02-Feb-1992;F;NE\r\n" \
        "U3;Jones;03-Mar-1985;M;NW\r\n"
CASELOAD = "URN,Level,Date adopted,Date deselected\nU1,Fixed,2015-01-01,\nU2,Flex,2015-02-01,\nU3,Fixed,2015-03-01,\n"


def extract(name: str, text: str, encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


@pytest.fixture(autouse=True)
def _uploads_in_a_temporary_folder(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path / "data"


@pytest.fixture
def importers(make_user: Callable[..., User]) -> dict[str, User]:
    """Analysts of the own agency, a partner agency, and an agency outside the partnership."""
    return {key: make_user(key, Role.ANALYST, username=f"{key}-analyst") for key in ("own", "partner", "unrelated")}


class FormFields(HTMLParser):
    """The fields of the page's first form with ``action`` (or of the first form), as a browser
    would send them: selected options, checked boxes, hidden and text values."""

    def __init__(self, action: str | None = None) -> None:
        super().__init__()
        self.action = action
        self.depth = 0  # inside the wanted form
        self.done = False
        self.values: dict[str, list[str]] = {}
        self.select: str | None = None
        self.options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form" and not self.done and not self.depth:
            if a.get("action") == self.action:  # None: the first form posting to its own page
                self.depth = 1
            return
        if not self.depth:
            return
        name = a.get("name") or ""
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.values.setdefault(name, []).append(a.get("value") or "on")
            elif kind not in ("submit", "file"):
                self.values.setdefault(name, []).append(a.get("value") or "")
        elif tag == "select":
            self.select, self.options = name, []
        elif tag == "option" and self.select is not None:
            self.options.append((a.get("value") or "", "selected" in a))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self.select is not None and self.depth:
            chosen = [value for value, selected in self.options if selected] or [self.options[0][0]]
            self.values[self.select] = chosen[:1]
            self.select = None
        elif tag == "form" and self.depth:
            self.depth = 0
            self.done = True


def form_of(html: str, action: str | None = None) -> dict[str, list[str]]:
    parser = FormFields(action)
    parser.feed(html)
    return parser.values


def field_named(form: dict[str, list[str]], label_pattern: str, html: str) -> str:
    """The name of the field whose label matches ``label_pattern``."""
    for match in re.finditer(r'<label[^>]*for="id_([^"]+)"[^>]*>([^<]*)</label>', html):
        if re.search(label_pattern, match.group(2)):
            return match.group(1)
    raise AssertionError(f"no field labelled {label_pattern!r}")


def changes(html: str) -> dict[str, tuple[int, ...]]:
    """The preview's table: for each table, rows added, changed, unchanged, absent from the extract."""
    body = html.split("What the import would change", 1)[1].split("</table>", 1)[0]
    return {m.group(1): tuple(int(n) for n in re.findall(r'numeric">(\d+)</td>', m.group(2)))
            for m in re.finditer(r'scope="row">(\w+)</th>(.*?)</tr>', body)}


def labelled(html: str) -> dict[str, str]:
    """Each field's label text, by the field's name."""
    return {m.group(1): m.group(2).strip() for m in re.finditer(r'<label class="govuk-label[^"]*" for="id_([^"]+)">'
                                                               r'([^<]*)</label>', html)}
