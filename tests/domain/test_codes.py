"""normalise_code: the one rule by which a code as typed becomes the canonical snake_case code."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iomhub.domain.codes import ACTION_STATUSES, normalise_code
from iomhub.package.schema import TABLES, Kind


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("priority", "priority"),
        ("Priority", "priority"),
        ("PRIORITY", "priority"),
        (" Priority ", "priority"),
        ("\tpriority\n", "priority"),
        ("Amber Green", "amber_green"),
        ("amber/green", "amber_green"),
        ("amber-green", "amber_green"),
        ("amber_green", "amber_green"),
        ("Amber / Green", "amber_green"),
        ("amber  green", "amber_green"),
        ("amber _ green", "amber_green"),
        ("amber__green", "amber_green"),
        ("_amber_", "amber"),
        ("Drugs Service", "drugs_service"),
        ("Successful Completion", "successful_completion"),
        ("MAPPA 1", "mappa_1"),
        ("", ""),
    ],
    ids=["lower", "title", "upper", "padded", "tab-newline", "space", "slash", "hyphen", "snake",
         "spaced-slash", "double-space", "spaced-underscore", "double-underscore", "edge-underscores",
         "agency", "outcome", "digit", "empty"],
)
def test_normalise_code(raw: str, expected: str) -> None:
    assert normalise_code(raw) == expected


WORDS = st.lists(st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=8),
                 min_size=1, max_size=4)
SEPARATORS = st.sampled_from([" ", "_", "-", "/", " / ", "  ", " _ ", "\t", "-_"])


@given(words=WORDS, data=st.data())
def test_any_spelling_of_the_words_is_one_code(words: list[str], data: st.DataObject) -> None:
    separators = data.draw(st.lists(SEPARATORS, min_size=len(words) - 1, max_size=len(words) - 1))
    text = words[0] + "".join(sep + word for sep, word in zip(separators, words[1:], strict=True))
    upper = data.draw(st.booleans())
    padded = " " * data.draw(st.integers(0, 2)) + (text.upper() if upper else text.title()) + " "
    assert normalise_code(padded) == "_".join(words)


@given(st.text(max_size=30))
def test_normalise_is_idempotent(raw: str) -> None:
    once = normalise_code(raw)
    assert normalise_code(once) == once


def test_every_code_list_is_already_canonical() -> None:
    lists = [column.allowed for table in TABLES.values() for column in table.columns
             if column.kind is Kind.CODE and column.allowed]
    assert ACTION_STATUSES in lists
    for allowed in lists:
        assert all(normalise_code(code) == code for code in allowed), allowed
