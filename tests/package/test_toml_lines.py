"""``key_lines`` finds the line of every key of any TOML that ``tomllib`` accepts: table headers and
dotted keys with quoted parts, inline tables, and strings, arrays and comments that look like keys
or span lines. The TOML is written by hypothesis, with the line of each key recorded as written."""

from __future__ import annotations

import json
import tomllib

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from iomhub.package.toml_lines import key_lines, line_of

NAME = st.text(st.sampled_from("abcXYZ09_- .\"'#=[]é"), min_size=1, max_size=6)
WORDS = st.sampled_from(["x", 'a = "b"', "[files]", "# no", "]", "{", "'", '"""'])


def written_key(name: str, style: int) -> str:
    """A key as TOML may write it: bare when it can, else basic or literal quotes."""
    bare = all(c.isascii() and (c.isalnum() or c in "_-") for c in name)
    if bare and style == 0:
        return name
    if "'" not in name and "\n" not in name and style == 1:
        return f"'{name}'"
    return json.dumps(name, ensure_ascii=style == 2)


@st.composite
def values(draw: st.DrawFn) -> tuple[str, int]:
    """A value as TOML text and how many line ends it holds."""
    kind = draw(st.integers(0, 4))
    word = draw(WORDS)
    if kind == 0:
        return json.dumps(word), 0
    if kind == 1:
        return f'"""\n{word}\nk = 1\n[t]"""', 3
    if kind == 2:
        return f"[\n  {json.dumps(word)},  # {word}\n  2,\n]", 3
    if kind == 3:
        return "2015-04-01", 0
    return f"{draw(st.integers(-5, 5))}", 0


@st.composite
def documents(draw: st.DrawFn) -> tuple[str, dict[tuple[str, ...], int]]:
    """A TOML text and the line of each key written in it."""
    lines: list[str] = []
    expected: dict[tuple[str, ...], int] = {}
    tables = draw(st.lists(st.lists(NAME, min_size=1, max_size=3), min_size=1, max_size=4,
                           unique_by=lambda path: tuple(path[:1])))
    for table in tables:
        style = draw(st.integers(0, 2))
        if draw(st.booleans()):
            lines.append("# " + draw(WORDS))
        lines.append("[ " + " . ".join(written_key(part, style) for part in table) + " ]")
        expected.setdefault(tuple(table), len(lines))
        keys = draw(st.lists(NAME, min_size=1, max_size=3, unique=True))
        for key in keys:
            line = len(lines) + 1
            if draw(st.booleans()):  # an inline table
                inner = draw(st.lists(NAME, min_size=1, max_size=2, unique=True))
                body = ", ".join(f"{written_key(k, style)} = {json.dumps(k)}" for k in inner)
                lines.append(f"{written_key(key, style)} = {{ {body} }}")
                expected.update({(*table, key, k): line for k in inner})
            else:
                value, ends = draw(values())
                lines.extend(f"{written_key(key, style)} = {value}".split("\n"))
                assert len(lines) == line + ends
            expected[(*table, key)] = line
    return "\n".join(lines) + "\n", expected


@settings(max_examples=150, deadline=None)
@given(document=documents())
def test_every_key_is_found_at_its_line(document: tuple[str, dict[tuple[str, ...], int]]) -> None:
    text, expected = document
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        assume(False)
    found = key_lines(text)
    for path, line in expected.items():
        assert found[path] == line, (path, text)
    assert set(found) == {path[:end] for path in expected for end in range(1, len(path) + 1)}


def test_a_key_not_written_gives_its_nearest_table() -> None:
    text = '[codes.nominals.gender]\nmale = ["M"]\n'
    assert line_of(text, ("codes", "nominals", "gender", "female")) == 1
    assert line_of(text, ("files", "nominals")) == 0
