"""OGRS3 against published results and against the arithmetic written out by hand."""

from __future__ import annotations

import math
from datetime import date

import pytest

from iomhub.domain import ogrs3
from iomhub.domain.codes import OFFENCE_CATEGORIES


def test_oasys_worked_example() -> None:
    # The Ministry of Justice's rsr-calculator tests reproduce the OASys Oracle PL/SQL result
    # for a woman aged 43 at assessment, 37 at the current (criminal damage) conviction, 14 at
    # her first sanction, with 6 sanctions: 16.98% in one year, 29.57% in two.
    #   copas  = 1.251124464 x ln(6 / (10 + 37 - 14)) = 1.251124464 x -1.704748 = -2.132852
    #   y      = -1.524652221 (female 40-49) - 2.132852 + 0.463062792 (repeat) + 0.204960477
    #          = -2.989481
    #   1 year = 1 / (1 + e^(2.989481 - 1.402562)) = 0.16982; 2 years: 1 / (1 + e^0.867775) = 0.29572
    s = ogrs3.score(gender="female", age_at_start=43, age_at_current=37, age_at_first=14,
                    sanctions=6, offence_type="criminal_damage")
    assert s.linear == pytest.approx(-2.989481, abs=1e-6)
    assert round(s.one_year * 100, 2) == 16.98
    assert round(s.two_year * 100, 2) == 29.57


def test_first_sanction_example() -> None:
    # rsr-calculator: a man of 20 sanctioned for the first time, for violence: [0.121616, 0.221305].
    #   y = -0.625103618 + 1.251124464 x ln(1/10) + 0.126142106 + 0
    #     = -0.625104 - 2.880820 + 0.126142 = -3.379782
    s = ogrs3.score(gender="male", age_at_start=20, age_at_current=20, age_at_first=20, sanctions=1,
                    offence_type="violence")
    assert s.one_year == pytest.approx(0.12161553504714574, abs=1e-12)
    assert s.two_year == pytest.approx(0.22130521140511314, abs=1e-12)


def test_shoplifter_by_hand() -> None:
    # A man of 30 at the start (band 30-34: -1.325976554), 29 at his latest sanction, 15 at his
    # first, 12 sanctions, shoplifting (theft non-motor: 0.661244321):
    #   copas = 1.251124464 x ln(12 / (10 + 29 - 15)) = 1.251124464 x ln(0.5) = -0.867213
    #   y = -1.325977 - 0.867213 + 0.463063 + 0.661244 = -1.068883
    #   2 years: 1 / (1 + e^-(−1.068883 + 2.121706)) = 1 / (1 + e^-1.052823) = 0.74132
    s = ogrs3.score_on_dates(gender="male", date_of_birth=date(1985, 6, 1), start=date(2015, 6, 1),
                             current_sanction=date(2015, 5, 31), first_sanction=date(2000, 6, 1),
                             sanctions=12, category="shoplifting")
    assert s.linear == pytest.approx(-1.068883, abs=1e-6)
    assert s.two_year == pytest.approx(0.74132, abs=1e-5)
    assert s.one_year == pytest.approx(1 / (1 + math.exp(-(-1.068883 + 1.402562))), abs=1e-6)


def test_published_four_decimal_values() -> None:
    # Research Summary 7/09 prints the coefficients to four or five decimals.
    assert round(ogrs3.COPAS, 5) == 1.25112
    assert (round(ogrs3.INTERCEPT_1Y, 5), round(ogrs3.INTERCEPT_2Y, 4)) == (1.40256, 2.1217)
    assert (round(ogrs3.FIRST_SANCTION, 5), round(ogrs3.REPEAT_SANCTION, 5)) == (0.12614, 0.46306)
    assert round(ogrs3.OFFENCE_TYPE["robbery"], 4) == -0.6348
    assert round(ogrs3.AGE_GENDER["female"][9], 4) == -1.5247


@pytest.mark.parametrize(("gender", "age", "expected"), [
    ("male", 17, -0.061594199), ("male", 18, -0.625103618), ("male", 49, -1.499690953),
    ("male", 50, -2.025261458), ("female", 10, -0.785038489), ("female", 24, -1.028488454),
    ("female", 25, -1.052777806), ("female", 90, -2.44983716),
], ids=["male-17", "male-18", "male-49", "male-50", "female-10", "female-24", "female-25", "female-90"])
def test_age_band_edges(gender: str, age: int, expected: float) -> None:
    assert ogrs3.age_gender(gender, age) == expected


def test_refuses_what_it_cannot_score() -> None:
    with pytest.raises(ValueError, match="below age 10"):
        ogrs3.age_gender("male", 9)
    with pytest.raises(ValueError, match="at least 1"):
        ogrs3.copas_rate(0, 30, 20)
    with pytest.raises(ValueError, match="cannot come after"):
        ogrs3.copas_rate(3, 20, 21)


def test_every_package_category_has_an_ogrs3_type() -> None:
    assert set(ogrs3.CATEGORY_TYPE) == set(OFFENCE_CATEGORIES)
    assert set(ogrs3.CATEGORY_TYPE.values()) <= set(ogrs3.OFFENCE_TYPE)
    assert len(ogrs3.OFFENCE_TYPE) == 20
