"""Ages in completed years and the configurable age bands."""

from __future__ import annotations

from datetime import date

import pytest

from iomhub.domain.ages import AgeBands, completed_years


@pytest.mark.parametrize(
    ("born", "on", "expected"),
    [
        (date(1990, 6, 15), date(2015, 6, 14), 24),
        (date(1990, 6, 15), date(2015, 6, 15), 25),
        (date(1990, 6, 15), date(2015, 6, 16), 25),
        (date(1997, 4, 1), date(2015, 4, 1), 18),
        (date(1997, 4, 2), date(2015, 4, 1), 17),
        (date(1996, 2, 29), date(2015, 2, 28), 18),  # not yet: a 29 Feb birthday falls on 1 March
        (date(1996, 2, 29), date(2015, 3, 1), 19),
        (date(1996, 2, 29), date(2016, 2, 28), 19),
        (date(1996, 2, 29), date(2016, 2, 29), 20),  # leap year: the birthday itself
        (date(2015, 4, 1), date(2015, 4, 1), 0),
        (date(1990, 12, 31), date(2016, 1, 1), 25),
    ],
    ids=["day-before", "birthday", "day-after", "18th-birthday", "day-before-18", "leap-born-28-feb",
         "leap-born-1-mar", "leap-born-28-feb-leap-year", "leap-born-29-feb", "newborn", "new-year"],
)
def test_completed_years(born: date, on: date, expected: int) -> None:
    assert completed_years(born, on) == expected


@pytest.mark.parametrize(
    ("bounds", "labels"),
    [
        ((18, 25), ["under_18", "18_24", "25_plus"]),
        ((16, 25), ["under_16", "16_24", "25_plus"]),
        ((18,), ["under_18", "18_plus"]),
        ((18, 21, 25, 30), ["under_18", "18_20", "21_24", "25_29", "30_plus"]),
    ],
    ids=["default", "seed-002", "one-bound", "four-bounds"],
)
def test_labels(bounds: tuple[int, ...], labels: list[str]) -> None:
    assert AgeBands(bounds).labels == labels


def test_default_bands() -> None:
    assert AgeBands().labels == ["under_18", "18_24", "25_plus"]


@pytest.mark.parametrize(
    ("age", "band"),
    [(0, "under_18"), (17, "under_18"), (18, "18_24"), (24, "18_24"), (25, "25_plus"), (80, "25_plus")],
    ids=["0", "17", "18", "24", "25", "80"],
)
def test_band(age: int, band: str) -> None:
    assert AgeBands((18, 25)).band(age) == band


@pytest.mark.parametrize(
    ("text", "bounds"),
    [("18,25", (18, 25)), ("16,25", (16, 25)), (" 16 , 25 ", (16, 25)), ("21", (21,)), ("18,25,", (18, 25))],
    ids=["default", "seed-002", "spaces", "single", "trailing-comma"],
)
def test_parse(text: str, bounds: tuple[int, ...]) -> None:
    assert AgeBands.parse(text) == AgeBands(bounds)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("25,18", "must be increasing"),
        ("18,18", "must be increasing"),
        ("0,18", "must be increasing positive"),
        ("-5,18", "must be increasing positive"),
        ("", "must be increasing"),
        ("eighteen", "give lower bounds such as 18,25"),
        ("18.5,25", "give lower bounds such as 18,25"),
    ],
    ids=["decreasing", "repeated", "zero", "negative", "empty", "words", "fraction"],
)
def test_parse_refuses(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        AgeBands.parse(text)
