"""The PNC id's check letter, worked by hand: (two-digit year, seven-digit serial) mod 23."""

from __future__ import annotations

import pytest

from iomhub.domain.pnc import check_letter


@pytest.mark.parametrize(("year", "serial", "letter"), [
    pytest.param("2009", "0123456", "C", id="90123456-mod-23-is-3"),
    pytest.param("09", "123456", "C", id="two-digit-year-short-serial"),
    pytest.param("1990", "0000023", "U", id="900000023-mod-23-is-18"),
])
def test_the_pnc_check_letter(year: str, serial: str, letter: str) -> None:
    assert check_letter(year, serial) == letter
