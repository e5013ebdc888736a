"""Simulated IOM units whose selection differs from what the matching assumes: the benchmark's worlds.

Written from the literature on offending over the life course and on evaluating offender
programmes, not from ``iomhub.metrics.effect``: nothing here knows the matching variables,
their bands or the windows. Every world shares one model of offending; the worlds differ only
in who joins IOM, and how IOM changes their offending.

Offending (month by month, each offence on a day of the month at liberty):

- *Population heterogeneity*: a persistent individual rate, log-normal (Nagin and Land,
  1993; Nagin and Paternoster, 2000), with the age-crime curve's decline after the early
  twenties (Farrington, 1986; Sweeten, Piquero and Steinberg, 2013).
- *State dependence*: a transitory component, an AR(1) on the log rate with monthly
  persistence 0.8 (Nagin and Paternoster, 2000), which makes people chosen for recent high
  offending offend less later with no help at all: regression to the mean (Barnett, van der
  Pols and Dobson, 2005).
- *Spells*: crises (a relapse into drug use, losing housing) that multiply the rate by 4 for
  a few months, starting at 2% a month, lasting a gamma-distributed time (mean 8 months, shape
  4: not memoryless). Horney, Osgood and Marshall (1995) found offending rises and falls with
  such local life circumstances.
- *Custody*: an offence leads to remand with probability 0.12 (2 weeks to 3 months), and 60%
  of remands run straight into a sentence recorded as a second record from the same start
  day (so the records overlap); 10% of records are left open with an expected release date.
  Nobody offends in custody. Custody follows the offending that would have happened without
  IOM (``custody_untreated``), so that members' days at liberty are the same with and without
  the effect and the true change in their rate at liberty is known exactly. (When IOM also
  keeps people out of prison, the days at liberty it adds are days of higher offending and
  the rate at liberty falls less than the underlying rate: about 3 points at a true -30% in
  the visible world, a difference in the estimand, not in the method.)
- *Harm*: a fifth of people are violence-prone (half their offences violent, against a
  tenth), and their crises last longer and their transitory state is more persistent (0.93),
  as persistent violent offenders' careers are (Piquero, 2000).

Selection (a monthly chance of joining, for people at liberty not yet on IOM):

- ``visible``: on recorded offending in the last six months and the months since the last
  offence, as IOM units select today (Home Office and MoJ, *IOM key principles*, 2015; the
  recency and frequency of a "RFG" matrix).
- ``end_of_spell``: at the end of a crisis, whose end is not visible in advance: people are
  referred when a crisis ends (an arrest, a release, a move into treatment), as programme
  participants are at the bottom of Ashenfelter's (1978) dip.
- ``escalation``: half on recorded offending, half on the current underlying rate, which
  police intelligence sees and the data do not (an escalation not yet recorded).
- ``harm``: on the gravity of recent offending (violent offences weigh 4), the "G" of RFG,
  which the matching does not use.
- ``risk_score``: half on recorded recent offending, half on a static risk score in the
  manner of OGRS3 (Howard, Francis, Soothill and Humphreys, 2009), the Offender Group
  Reconviction Scale probation officers use to screen for IOM: the Copas rate (the log of
  sanctions + 1 over ten plus the years of the criminal career), age and gender. Its
  sanctions are the whole criminal record, partly before the data begin (drawn from the
  person's own rate over their career before then), so the score is only partly visible.

Effects (``Effect``): a constant change from the joining day (``constant``), one that builds
up over six months (``delayed``; programmes take time to bite, Lipsey and Cullen, 2007), and
one that only the higher-rate half of members get (``unequal``), and one that grows with the
risk score at joining (``risk``: from none at a two-year reconviction probability of 0 to
twice the nominal effect at 1), as the risk principle expects: intensive supervision works
for people at high risk and little for those at low risk (Andrews, Bonta and Hoge, 1990;
Lowenkamp, Latessa and Holsinger, 2006). The truth of a unit is the
effect on the treated over the twelve months after joining: expected offences of members at
liberty with the effect over those without, less one (what the matched estimate estimates).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from iomhub.domain.dates import add_months, epoch_day

SIM_START, SIM_END = date(2009, 1, 1), date(2016, 3, 31)
JOIN_FROM = date(2011, 1, 1)  # two years of history before anyone joins
JOIN_UNTIL = date(2015, 3, 1)  # twelve months after joining fit in the data
EPOCH = date(1970, 1, 1)
SELECTIONS = ("visible", "end_of_spell", "escalation", "harm", "risk_score")
EFFECTS = ("constant", "delayed", "unequal", "risk")


@dataclass(frozen=True)
class World:
    """How people join IOM and what IOM does to their offending."""

    name: str
    selection: str
    effect: float  # the change in the rate (-0.3 is a 30% fall)
    shape: str = "constant"
    join_rate: float = 1.0  # scales every monthly chance of joining
    custody_untreated: bool = True  # custody follows offending as it would have been without IOM


WORLDS = (
    World("visible selection, true -30%", "visible", -0.3),
    World("visible selection, true 0", "visible", 0.0),
    World("visible selection, delayed effect", "visible", -0.3, "delayed"),
    World("visible selection, unequal effect", "visible", -0.3, "unequal"),
    World("end of an invisible spell, true -30%", "end_of_spell", -0.3),
    World("end of an invisible spell, true 0", "end_of_spell", 0.0),
    World("invisible escalation, true -30%", "escalation", -0.3),
    World("selection on harm, true -30%", "harm", -0.3),
    World("risk score (partly visible), effect grows with risk", "risk_score", -0.3, "risk"),
)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-x)))


def _ogrs(sanctions: np.ndarray, age: np.ndarray, female: np.ndarray, career: np.ndarray) -> np.ndarray:
    """A two-year reconviction probability in the manner of OGRS3 (Howard et al., 2009): the
    Copas rate, log((sanctions + 1) / (10 + years since the first sanction)), with a weight
    of about 1.25, and a fall with age and for women (coefficients rounded, not the Home
    Office's table)."""
    copas = np.log((sanctions + 1.0) / (10.0 + career))
    return np.asarray(_sigmoid(1.25 * copas - 0.04 * (age - 25.0) - 0.4 * female + 1.8))


def simulate(world: World, people: int, seed: int) -> tuple[dict[str, pl.DataFrame], float]:  # noqa: C901
    """One unit: its data package's tables (nominals, cohort, offences, custody) and the truth (%)."""
    rng = np.random.default_rng(seed)
    months: list[tuple[int, int]] = []
    cursor = SIM_START
    while cursor <= SIM_END:
        following = add_months(cursor, 1)
        months.append((epoch_day(cursor), epoch_day(following) - 1))
        cursor = following
    join_from, join_until = epoch_day(JOIN_FROM), epoch_day(JOIN_UNTIL)
    age0 = np.clip(16.0 + rng.gamma(2.0, 6.0, people), 16.0, 70.0)
    birth = (epoch_day(SIM_START) - age0 * 365.25).astype(np.int64)
    female = rng.random(people) < 0.15
    area = rng.integers(0, 5, people)
    violent = rng.random(people) < 0.2
    level = rng.normal(np.log(1.2), 1.0, people) - np.where(female, 0.4, 0.0)  # yearly, log
    # the criminal record before the data begin (for the risk score): sanctions over the career
    # from 16, at about a third of the person's own offending rate (not every offence is sanctioned)
    # (drawn from a generator of their own, so the other worlds' units are unchanged)
    record = np.random.default_rng([seed, 1])
    career = np.clip(age0 - 16.0, 0.0, None) * record.random(people) ** 0.5
    sanctions = record.poisson(np.exp(level) / 3.0 * career).astype(np.float64)
    persistence = np.where(violent, 0.93, 0.8)
    state = rng.normal(0.0, 0.6, people)
    spell_left = np.zeros(people)
    held_from = np.full(people, -1, dtype=np.int64)  # the person's latest custody, as recorded
    held_until = np.full(people, -1, dtype=np.int64)
    joined = np.full(people, -1, dtype=np.int64)
    gain = np.ones(people)  # how IOM scales each person's rate once on it
    if world.shape == "unequal":
        gain = np.where(level > np.median(level), 1.0 + 2.0 * world.effect, 1.0)
    else:
        gain = np.full(people, 1.0 + world.effect)
    history: list[np.ndarray] = []
    violent_history: list[np.ndarray] = []
    person_parts, day_parts, kind_parts = [], [], []
    custody_rows: list[tuple[int, int, int, int, int]] = []  # person, start, end, open, kind
    with_effect = np.zeros(people)
    without_effect = np.zeros(people)
    for a, b in months:
        length = b - a + 1
        age = (a - birth) / 365.25
        ageing = np.exp(-np.clip(age - 22.0, 0.0, None) / 15.0)
        state = persistence * state + np.sqrt(1 - persistence**2) * rng.normal(0.0, 0.6, people)
        starting = (spell_left <= 0) & (rng.random(people) < 0.02)
        spell_left = np.where(starting, rng.gamma(4.0, np.where(violent, 2.75, 2.0)), spell_left)
        in_spell = spell_left > 0
        ending = in_spell & (spell_left <= 1.0)
        spell_left = np.maximum(spell_left - 1.0, 0.0)
        latent = np.exp(level + state - 0.18) * ageing * np.where(in_spell, 4.0, 1.0) / 12.0
        held_first, held_last = np.maximum(held_from, a), np.minimum(held_until, b)
        held = np.clip(held_last - held_first + 1, 0, None)
        free = length - held  # days at liberty this month: custody is where its records put it
        on_iom = (joined >= 0) & (joined <= b)
        since = np.where(on_iom, (a - joined) / 30.4, -1.0)
        ramp = np.clip(since / 6.0, 0.0, 1.0) if world.shape == "delayed" else np.ones(people)
        multiplier = np.where(on_iom, 1.0 + (gain - 1.0) * ramp, 1.0)
        expected = latent * free / length
        window = np.clip(np.minimum(b, joined + 364) - np.maximum(a, joined) + 1, 0, None) / length
        window = np.where(joined >= 0, window, 0.0)
        with_effect += expected * window * multiplier
        without_effect += expected * window
        counts = rng.poisson(expected)
        offenders = np.flatnonzero(counts)
        who = np.repeat(offenders, counts[offenders])
        untreated = np.bincount(who, minlength=people)
        # each offence on a day at liberty, at random: a day counted over the free days, then
        # moved past the days in custody
        days = a + (rng.random(who.size) * np.maximum(free[who], 1)).astype(np.int64)
        days = np.where((held[who] > 0) & (days >= held_first[who]), days + held[who], days)
        days = np.minimum(days, b)
        affected = on_iom[who] & (days >= joined[who])
        kept = rng.random(who.size) < np.where(affected, multiplier[who], 1.0)
        who, days = who[kept], days[kept]
        kinds = rng.random(who.size) < np.where(violent[who], 0.5, 0.1)
        person_parts.append(who)
        day_parts.append(days)
        kind_parts.append(kinds)
        counted = np.bincount(who, minlength=people)
        history.append(counted)
        sanctions += counted / 3.0
        violent_history.append(np.bincount(who, weights=kinds.astype(float), minlength=people))
        # custody: remand, often followed by a sentence recorded from the same start
        arrests = untreated if world.custody_untreated else counted
        caught = np.flatnonzero((arrests > 0) & (held_until < b) & (rng.random(people) < 1 - 0.88 ** arrests))
        for person in caught:
            start = int(b + 1 + rng.integers(0, 20))
            remand_end = start + int(rng.integers(14, 90))
            end = remand_end
            custody_rows.append((person, start, remand_end, int(rng.random() < 0.1), 0))
            if rng.random() < 0.6:
                end = start + int(rng.lognormal(np.log(150), 0.5))
                custody_rows.append((person, start, end, int(rng.random() < 0.1), 1))
            held_from[person], held_until[person] = start, end
        # joining
        if join_from <= a <= join_until:
            recent = np.sum(history[-6:], axis=0)
            last = np.full(people, 99.0)
            for lag, past in enumerate(reversed(history[-12:])):
                last = np.where((past > 0) & (last == 99.0), lag, last)
            eligible = (joined < 0) & (held_until < b)
            visible = 0.12 * _sigmoid(1.3 * (recent - 4.0)) * np.where(last <= 2, 1.0, 0.4)
            reconviction = _ogrs(sanctions, age, female, career + (a - epoch_day(SIM_START)) / 365.25)
            if world.selection == "visible":
                chance = visible
            elif world.selection == "end_of_spell":
                chance = np.where(ending, 0.15, 0.0) + 0.1 * visible
            elif world.selection == "escalation":
                rate_now = latent * 12.0
                chance = 0.5 * visible + 0.06 * _sigmoid(2.0 * (np.log(rate_now + 1e-9) - np.log(8.0)))
            elif world.selection == "harm":
                gravity = np.sum(violent_history[-12:], axis=0) * 4.0 + np.sum(history[-12:], axis=0)
                chance = 0.12 * _sigmoid(0.8 * (gravity - 9.0))
            else:
                chance = 0.5 * visible + 0.03 * _sigmoid(8.0 * (reconviction - 0.8))
            joining = np.flatnonzero(eligible & (rng.random(people) < chance * world.join_rate))
            joined[joining] = b + 1 + rng.integers(0, 28, joining.size)
            if world.shape == "risk":
                gain[joining] = 1.0 + 2.0 * world.effect * reconviction[joining]
    truth = (with_effect.sum() / without_effect.sum() - 1.0) * 100.0 if without_effect.sum() > 0 else 0.0
    return _tables(people, birth, female, area, joined, person_parts, day_parts, kind_parts, custody_rows,
                   rng), truth


def _dates(days: np.ndarray) -> pl.Series:
    return pl.Series(days.astype("datetime64[D]")).cast(pl.Date)


def _tables(people: int, birth: np.ndarray, female: np.ndarray, area: np.ndarray, joined: np.ndarray,
            person_parts: list[np.ndarray], day_parts: list[np.ndarray], kind_parts: list[np.ndarray],
            custody_rows: list[tuple[int, int, int, int, int]],
            rng: np.random.Generator) -> dict[str, pl.DataFrame]:
    last_day = epoch_day(SIM_END)
    ids = np.array([f"N{i:06d}" for i in range(people)])
    nominals = pl.DataFrame({"nominal_id": ids, "date_of_birth": _dates(birth),
                             "gender": np.where(female, "female", "male"),
                             "area": np.array(["A", "B", "C", "D", "E"])[area]})
    members = np.flatnonzero((joined >= 0) & (joined <= last_day))
    cohort = pl.DataFrame({"nominal_id": ids[members], "scheme": "priority",
                           "start_date": _dates(joined[members]),
                           "end_date": pl.Series([None] * members.size, dtype=pl.Date)})
    who, days = np.concatenate(person_parts), np.concatenate(day_parts)
    kinds = np.concatenate(kind_parts)
    keep = days <= last_day
    who, days, kinds = who[keep], days[keep], kinds[keep]
    detected = days + rng.integers(0, 60, days.size)
    offences = pl.DataFrame({"offence_id": [f"O{i}" for i in range(days.size)], "nominal_id": ids[who],
                             "offence_date": _dates(days), "detected_date": _dates(detected),
                             "category": np.where(kinds, "violence_with_injury", "shoplifting")})
    if custody_rows:
        rows = np.array(custody_rows, dtype=np.int64)
        rows = rows[rows[:, 1] <= last_day]
        open_ = (rows[:, 3] == 1) | (rows[:, 2] > last_day)
        custody = pl.DataFrame({
            "nominal_id": ids[rows[:, 0]], "start_date": _dates(rows[:, 1]),
            "end_date": _dates(rows[:, 2]), "expected_release_date": _dates(rows[:, 2]),
            "custody_type": np.where(rows[:, 4] == 1, "sentenced", "remand")})
        custody = custody.with_columns(
            pl.when(pl.Series(open_)).then(None).otherwise(pl.col("end_date")).alias("end_date"))
    else:
        custody = pl.DataFrame(schema={"nominal_id": pl.String, "start_date": pl.Date, "end_date": pl.Date,
                                       "expected_release_date": pl.Date, "custody_type": pl.String})
    return {"nominals": nominals, "cohort": cohort, "offences": offences, "custody": custody}


