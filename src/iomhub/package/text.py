"""The text of a delimited file as it arrives: its encoding and its separator.

The rule for encodings, in order (``docs/spec/data-package.md``, "Mapping real extracts"):

1. a byte-order mark decides: UTF-8, UTF-16 little- or big-endian;
2. UTF-16 without a mark is recognised by its zero bytes (every other byte of the first line
   is zero; no text file of another encoding holds zero bytes);
3. an encoding declared for the file in package.toml (``encoding = "cp1252"``) is used;
4. otherwise the file must be UTF-8. A file that is not is refused, naming the first line
   that is not and what its first bad byte would be in Windows-1252 (what Excel writes for
   "CSV (Comma delimited)"), and saying how to declare it: iomhub never guesses an encoding,
   since a wrong guess would silently change names rather than be refused.

The separator is the comma, unless declared (``delimiter = ";"``) or unless the header line
has no comma outside quotes and has semicolons (then ``;``) or tabs (then a tab), not both.
"""

from __future__ import annotations

import codecs
import re

from iomhub.package.problems import Problem

UTF8_BOM = codecs.BOM_UTF8
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
QUOTED = re.compile(r'"[^"]*"')


def canonical_encoding(name: str) -> str | None:
    """Python's name for an encoding (``CP-1252`` -> ``cp1252``), or None if it is not one."""
    try:
        return codecs.lookup(name.strip()).name
    except LookupError:
        return None


def not_utf8_message(data: bytes, start: int, table: str | None = None, file: str = "...") -> str:
    """Why bytes failing to decode at ``start`` are refused and, for a table's file, how to
    declare its encoding instead."""
    byte = data[start]
    try:
        shown = f", {bytes([byte]).decode('cp1252')!r} in Windows-1252"
    except UnicodeDecodeError:
        shown = ""
    message = f"is not UTF-8 text (byte 0x{byte:02X}{shown}): save it as {'CSV ' if table else ''}UTF-8"
    if table is None:
        return message
    return (f"{message}, or declare its encoding in package.toml: [files] "
            f'{table} = {{ file = "{file}", encoding = "cp1252" }}')


def _utf16_without_bom(data: bytes) -> str | None:
    head = data[: min(len(data), 200)]
    if len(head) < 4 or len(head) % 2:
        head = head[: len(head) - len(head) % 2]
    if len(head) < 4:
        return None
    if all(b == 0 for b in head[1::2]) and all(b != 0 for b in head[0::2]):
        return "utf-16-le"
    if all(b == 0 for b in head[0::2]) and all(b != 0 for b in head[1::2]):
        return "utf-16-be"
    return None


def as_utf8(data: bytes, encoding: str | None, label: str, problems: list[Problem],
            warnings: list[str]) -> bytes | None:
    """The file's bytes as UTF-8 without a byte-order mark, by the rule above, or None after a
    problem. UTF-8 input is returned as it is (the CSV parser checks it)."""
    if data.startswith(UTF8_BOM):
        return data[len(UTF8_BOM):]
    source = "utf-16" if data.startswith(UTF16_BOMS) else _utf16_without_bom(data)
    if source is None and encoding is not None and encoding not in ("utf-8", "utf-8-sig"):
        source = encoding
        if not data.isascii() and _is_utf8(data):
            warnings.append(f"{label}: read as {encoding}, as package.toml declares, though it reads as "
                            "UTF-8 too: check its names and text")
    if source is None:
        return data
    try:
        text = data.decode(source)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        problems.append(Problem(label, line, "", f"is not {source} text ({error.reason})"))
        return None
    return text.lstrip("\ufeff").encode("utf-8")


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def detect_delimiter(header_line: str) -> str:
    """The separator of a file whose header line is ``header_line`` (the rule above)."""
    unquoted = QUOTED.sub("", header_line)
    if "," in unquoted:
        return ","
    semicolon, tab = ";" in unquoted, "\t" in unquoted
    if semicolon and not tab:
        return ";"
    if tab and not semicolon:
        return "\t"
    return ","
