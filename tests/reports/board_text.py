"""What a reader of a board paper reads, from each format (no markup, no attribute, no style),
and what a board paper must not contain: a command-line option, a file name or path, or a
column or table name (snake_case) — words a board member does not read (issue 19)."""

from __future__ import annotations

import html
import io
import re
from html.parser import HTMLParser

import openpyxl
from docx import Document as open_docx
from pypdf import PdfReader

FORBIDDEN = {
    "a command-line option": re.compile(r"(?<![\w-])--[a-z]"),
    "a file name": re.compile(r"\b[\w-]+\.(?:csv|toml|json|db|sqlite3?|py|html?|pdf|docx|xlsx)\b", re.I),
    "a path": re.compile(r"(?:^|[\s(\"'])(?:\.{1,2}/|/|~/)\w|(?<![\w/])[\w.-]*[-_.][\w.-]*/[\w.-]+"),
    "a column or table name": re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b"),
}


def forbidden(text: str) -> list[tuple[str, str]]:
    """Every (kind, the words around it) a board paper must not contain."""
    found = []
    for kind, pattern in FORBIDDEN.items():
        for match in pattern.finditer(text):
            found.append((kind, text[max(0, match.start() - 40):match.end() + 40]))
    return found


class _Text(HTMLParser):
    """The text a reader sees: no <style>, <script>, <title> or attribute; blocks on lines."""

    SKIP = frozenset({"style", "script", "title", "head"})
    BLOCKS = frozenset({"p", "li", "h1", "h2", "h3", "h4", "tr", "div", "section", "caption", "figcaption", "dt", "dd",
              "aside", "nav", "header", "footer", "table", "ul", "ol"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append(" | ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skipping -= 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_text(page: str) -> str:
    parser = _Text()
    parser.feed(page)
    text = html.unescape("".join(parser.parts))
    return re.sub(r"[ \t]+", " ", re.sub(r"\n\s*\n+", "\n", text)).strip()


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def docx_text(data: bytes) -> str:
    """The body in reading order (paragraphs and table rows), then headers and footers."""
    document = open_docx(io.BytesIO(data))
    lines = []
    for child in document.element.body.iterchildren():
        if child.tag.endswith("}p"):
            lines.append("".join(node.text or "" for node in child.iter() if node.tag.endswith("}t")))
        elif child.tag.endswith("}tbl"):
            for row in (node for node in child.iter() if node.tag.endswith("}tr")):
                lines.append(" | ".join("".join(t.text or "" for t in cell.iter() if t.tag.endswith("}t"))
                                        for cell in row.iter() if cell.tag.endswith("}tc")))
    for section in document.sections:
        for part in (section.header, section.footer):
            lines += [paragraph.text for paragraph in part.paragraphs]
    return "\n".join(line for line in lines if line.strip())


def xlsx_text(data: bytes) -> str:
    """Every sheet's name and text cells, in order (numbers are numbers, not words)."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    lines = []
    for sheet in book.worksheets:
        lines.append(sheet.title)
        for row in sheet.iter_rows(values_only=True):
            words = [value for value in row if isinstance(value, str)]
            if words:
                lines.append(" | ".join(words))
    return "\n".join(lines)
