"""Where each key of a TOML text is written, so that a problem with package.toml can name its line.

``tomllib`` gives values but no positions. This scanner reads text that ``tomllib`` has already
accepted and records the line of every key path: table headers (``[codes.nominals.gender]``),
keys, dotted keys (``gender.male = [...]``), quoted keys and the keys of inline tables
(``nominals = { file = "x.csv" }``), skipping strings and arrays that span lines.
"""

from __future__ import annotations

import re

Path = tuple[str, ...]

BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
SCALAR = re.compile(r"[^,\]}#\n]*")  # a number, date or boolean runs to the next separator
ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}


def line_of(text: str, path: Path) -> int:
    """The line where ``path`` (``("columns", "nominals", "nominal_id")``) is written; failing
    that, the line of its nearest enclosing table or key that is written; 0 if none is."""
    return nearest_line(key_lines(text), path)


def nearest_line(lines: dict[Path, int], path: Path) -> int:
    """``line_of`` from the lines ``key_lines`` found."""
    for end in range(len(path), 0, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return 0


def error_line(error: Exception) -> int:
    """The line a ``tomllib.TOMLDecodeError`` names in its message (0 if none)."""
    match = re.search(r"line (\d+)", str(error))
    return int(match.group(1)) if match else 0


def key_lines(text: str) -> dict[Path, int]:
    """The first line (from 1) of every key path written in ``text`` (valid TOML)."""
    scanner = _Scanner(text)
    scanner.document()
    return scanner.lines


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.lines: dict[Path, int] = {}

    # -- positions ---------------------------------------------------------------------------
    def line(self) -> int:
        return self.text.count("\n", 0, self.pos) + 1

    def peek(self, count: int = 1) -> str:
        return self.text[self.pos:self.pos + count]

    def record(self, path: Path, line: int) -> None:
        for end in range(1, len(path) + 1):
            self.lines.setdefault(path[:end], line)

    def blank(self, newlines: bool) -> None:
        """Skip spaces and comments (and line ends when ``newlines``)."""
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char in " \t\r" or (newlines and char == "\n"):
                self.pos += 1
            elif char == "#":
                end = self.text.find("\n", self.pos)
                self.pos = len(self.text) if end < 0 else end
            else:
                return

    # -- grammar -----------------------------------------------------------------------------
    def document(self) -> None:
        table: Path = ()
        while True:
            self.blank(newlines=True)
            if self.pos >= len(self.text):
                return
            line = self.line()
            if self.peek() == "[":
                double = self.peek(2) == "[["
                self.pos += 2 if double else 1
                table = self.key()
                self.blank(newlines=False)
                self.pos += 2 if double else 1
                self.record(table, line)
            else:
                path = table + self.key()
                self.record(path, line)
                self.blank(newlines=False)
                self.pos += 1  # '='
                self.value(path, line)
            end = self.text.find("\n", self.pos)  # the rest of the line is a comment at most
            self.pos = len(self.text) if end < 0 else end

    def key(self) -> Path:
        parts: list[str] = []
        while True:
            self.blank(newlines=False)
            char = self.peek()
            if char == '"':
                parts.append(self.basic_string())
            elif char == "'":
                end = self.text.index("'", self.pos + 1)
                parts.append(self.text[self.pos + 1:end])
                self.pos = end + 1
            else:
                match = BARE_KEY.match(self.text, self.pos)
                if match is None:  # not TOML tomllib accepted: stop without recording more
                    self.pos = len(self.text)
                    return tuple(parts)
                parts.append(match.group())
                self.pos = match.end()
            self.blank(newlines=False)
            if self.peek() != ".":
                return tuple(parts)
            self.pos += 1

    def basic_string(self) -> str:
        out: list[str] = []
        self.pos += 1
        while self.pos < len(self.text) and self.text[self.pos] != '"':
            char = self.text[self.pos]
            if char == "\\":
                code = self.text[self.pos + 1]
                if code in "uU":
                    width = 4 if code == "u" else 8
                    out.append(chr(int(self.text[self.pos + 2:self.pos + 2 + width], 16)))
                    self.pos += 2 + width
                    continue
                out.append(ESCAPES.get(code, code))
                self.pos += 2
                continue
            out.append(char)
            self.pos += 1
        self.pos += 1
        return "".join(out)

    def value(self, path: Path, line: int) -> None:  # noqa: C901
        self.blank(newlines=False)
        char = self.peek()
        if self.peek(3) in ('"""', "'''"):
            quote = self.peek(3)
            end = self.text.index(quote, self.pos + 3)
            while self.text[end + 3:end + 4] == quote[0]:  # up to two quotes may end the content
                end += 1
            self.pos = end + 3
        elif char == '"':
            self.basic_string()
        elif char == "'":
            self.pos = self.text.index("'", self.pos + 1) + 1
        elif char == "[":
            self.pos += 1
            while True:
                self.blank(newlines=True)
                if self.peek() in ("]", ""):
                    self.pos += 1
                    return
                self.value(path, self.line())
                self.blank(newlines=True)
                if self.peek() == ",":
                    self.pos += 1
        elif char == "{":
            self.pos += 1
            while True:
                self.blank(newlines=True)
                if self.peek() in ("}", ""):
                    self.pos += 1
                    return
                inner = path + self.key()
                inner_line = self.line()
                self.record(inner, inner_line)
                self.blank(newlines=False)
                self.pos += 1  # '='
                self.value(inner, inner_line)
                self.blank(newlines=True)
                if self.peek() == ",":
                    self.pos += 1
        else:
            match = SCALAR.match(self.text, self.pos)
            assert match is not None
            self.pos = match.end()
