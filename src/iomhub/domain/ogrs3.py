"""OGRS3, the Offender Group Reconviction Scale version 3: a person's expected proven reoffending.

Source: Howard, P., Francis, B., Soothill, K. and Humphreys, L. (2009), *OGRS 3: the revised
Offender Group Reconviction Scale*, Ministry of Justice Research Summary 7/09. OGRS3 predicts
the probability of proven reoffending (an offence committed in the follow-up and proven by a
conviction or caution) within one and two years, from static facts only: age and gender at the
start of the follow-up, the number of sanctions (convictions and cautions, the current one
included), age at the first sanction, and the type of the current offence.

    y  = age_gender(gender, age at start of follow-up)
       + 1.251124464 x ln(sanctions / (10 + age at current sanction - age at first sanction))
       + first_sanction_term (0.126142106 for a first sanction, 0.463062792 otherwise)
       + offence_type(current offence)
    P(proven reoffence within 1 year)  = 1 / (1 + exp(-(y + 1.402562384)))
    P(proven reoffence within 2 years) = 1 / (1 + exp(-(y + 2.121705678)))

The ln(...) term is Copas's rate of offending (Copas and Marshall, 1998). The coefficients
below are those of the Research Summary at the full precision that the Offender Assessment
System (OASys) uses; rounded to four or five decimals they are the Summary's printed ones
(1.25112, 0.46306, -1.5247, 0.205, 1.40256, 2.1217...). They were taken from, and
cross-checked between, three independent open implementations:

- the Ministry of Justice's own ``NOMS-DIGITAL-STUDIO/rsr-calculator`` (coefficients.json,
  block ``OGRS3``, four-decimal published values, and its test reproducing the OASys Oracle
  PL/SQL result 16.98% / 29.57% for a woman, used in ``tests/domain/test_ogrs3.py``);
- ``ministryofjustice/hmpps-arns-risk-actuarial-api`` (OGRS3TransformationHelper.kt and the
  Home Office offence code to OGRS3 weighting table, which also shows where weapons
  offences fall: with violence);
- an R implementation following the German validation (Breiling et al., 2022) with the
  full-precision values.

Where they disagree: the hmpps-arns code gives the three youngest female bands as positive
(+0.785, +0.61385, +0.66952) where the other two give them negative; the negative values are
used (a girl of 10 to 15 is not predicted to reoffend more than a boy). Its offence table
gives 0.0328 for sexual offences not against a child where the other two give 0.00328; 0.00328
(0.003276327) is used. Only people aged 18 and over are on adult IOM, so the first difference
rarely matters.

The current sanction is taken to be a conviction: the caution-only terms of OGRS3 (for a
current sanction that is a caution) are not used, because a data package does not say how an
offence was disposed of.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from iomhub.domain.ages import completed_years

COPAS = 1.251124464
INTERCEPT_1Y = 1.402562384
INTERCEPT_2Y = 2.121705678
FIRST_SANCTION = 0.126142106
REPEAT_SANCTION = 0.463062792
MIN_AGE = 10  # the age of criminal responsibility; OGRS3 has no band below it

# (lower bound of the age band in completed years, coefficient), ascending.
AGE_BANDS = (10, 12, 14, 16, 18, 21, 25, 30, 35, 40, 50)
AGE_GENDER: dict[str, tuple[float, ...]] = {
    "male": (0.0, 0.083922902, 0.075775765, -0.061594199, -0.625103618, -1.051515067,
             -1.166679288, -1.325976554, -1.368045933, -1.499690953, -2.025261458),
    "female": (-0.785038489, -0.613852078, -0.669521331, -0.959179629, -0.897480934,
               -1.028488454, -1.052777806, -1.129127959, -1.42187494, -1.524652221,
               -2.44983716),
}

# The twenty offence types of OGRS3 and their coefficients (violence is the reference).
OFFENCE_TYPE: dict[str, float] = {
    "violence": 0.0,
    "robbery": -0.634795912,
    "public_order": 0.181917975,
    "sexual_not_against_child": 0.003276327,
    "sexual_against_child": -0.653434071,
    "soliciting_prostitution": 0.760608858,
    "burglary_domestic": -0.12394352,
    "burglary_other": 0.240604429,
    "theft_non_motor": 0.661244321,
    "handling_stolen_goods": 0.351866973,
    "fraud_forgery": 0.159910192,
    "absconding_bail": 0.733378677,
    "taking_driving_away": 0.380059431,
    "theft_from_vehicle": 0.427225615,
    "other_motoring": 0.262228428,
    "drink_driving": -0.121439408,
    "criminal_damage": 0.204960477,
    "drug_import_export_production": -0.795556373,
    "drug_possession_supply": 0.077165871,
    "other": -0.060667525,
}

# The data package's offence categories (``docs/spec/data-package.md``) as OGRS3 types.
# Choices where the package's category is coarser than OGRS3's: sexual offences are taken as
# not against a child (the package cannot tell); drugs as possession or supply (the bulk of
# detected drug offences; import, export and production score 0.87 lower); vehicle offences
# as theft from a vehicle (the largest part of police-recorded vehicle crime; taking and
# driving away scores 0.047 lower); weapons with violence, as the Ministry's own offence-code
# table places possession of firearms and bladed articles (Home Office codes 081 and 090).
CATEGORY_TYPE: dict[str, str] = {
    "violence_with_injury": "violence",
    "violence_without_injury": "violence",
    "sexual": "sexual_not_against_child",
    "robbery": "robbery",
    "burglary_residential": "burglary_domestic",
    "burglary_business": "burglary_other",
    "vehicle": "theft_from_vehicle",
    "theft_from_person": "theft_non_motor",
    "shoplifting": "theft_non_motor",
    "other_theft": "theft_non_motor",
    "criminal_damage": "criminal_damage",
    "drugs": "drug_possession_supply",
    "weapons": "violence",
    "public_order": "public_order",
    "fraud": "fraud_forgery",
    "other": "other",
}
GENDERS = tuple(AGE_GENDER)


def age_gender(gender: str, age: int) -> float:
    """The age-and-gender coefficient for completed years ``age`` (10 or more)."""
    if age < MIN_AGE:
        raise ValueError(f"OGRS3 has no coefficient below age {MIN_AGE} (got {age})")
    band = max(i for i, bound in enumerate(AGE_BANDS) if age >= bound)
    return AGE_GENDER[gender][band]


def copas_rate(sanctions: int, age_now: int, age_first: int) -> float:
    """ln(sanctions / (10 + years between the first and the current sanction))."""
    if sanctions < 1:
        raise ValueError("sanctions counts the current one, so it is at least 1")
    if age_first > age_now:
        raise ValueError("the first sanction cannot come after the current one")
    return math.log(sanctions / (10 + age_now - age_first))


@dataclass(frozen=True)
class Score:
    """The linear predictor and the one- and two-year probabilities."""

    linear: float
    one_year: float
    two_year: float


def logistic(value: float) -> float:
    return 1.0 / (1.0 + math.exp(-value))


def score(*, gender: str, age_at_start: int, age_at_current: int, age_at_first: int,
          sanctions: int, offence_type: str) -> Score:
    """OGRS3 from its inputs in completed years (see the module's docstring)."""
    linear = (age_gender(gender, age_at_start)
              + COPAS * copas_rate(sanctions, age_at_current, age_at_first)
              + (FIRST_SANCTION if sanctions == 1 else REPEAT_SANCTION)
              + OFFENCE_TYPE[offence_type])
    return Score(linear, logistic(linear + INTERCEPT_1Y), logistic(linear + INTERCEPT_2Y))


def score_on_dates(*, gender: str, date_of_birth: date, start: date, current_sanction: date,
                   first_sanction: date, sanctions: int, category: str) -> Score:
    """OGRS3 from dates and a data-package offence category (ages in completed years)."""
    return score(gender=gender, age_at_start=completed_years(date_of_birth, start),
                 age_at_current=completed_years(date_of_birth, current_sanction),
                 age_at_first=completed_years(date_of_birth, first_sanction), sanctions=sanctions,
                 offence_type=CATEGORY_TYPE[category])
