"""The simulated population: who offends how much, who goes to prison, who joins IOM.

Everything is simulated month by month over arrays of people (numpy), so a million people
take seconds. The model is deliberately the one the seeds describe:

- offending rates vary a lot between people (a gamma-distributed yearly rate) and drift
  within a person (a persistent log-normal factor redrawn every quarter), so a cohort chosen
  on recent high offending offends less next year even with no effect at all (regression to
  the mean);
- people are referred and join IOM when their offending over the last six months is high;
  the level (priority, enhanced, standard) follows how high;
- from the day a person joins IOM, their rate is multiplied by ``1 + true_effect`` for as
  long as they stay on it and for at least a year (``EFFECT_DAYS``): the known truth a good
  evaluation over the twelve months after joining should recover. The effect is applied by
  thinning (each offence on an affected day is kept with the probability the effect gives),
  so it starts on the joining day itself, not at the next month;
- offending can lead to custody, and nobody offends in custody.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import numpy as np
from numpy.typing import NDArray

from iomhub.domain.dates import add_months, epoch_day

NEVER = np.iinfo(np.int32).max // 2
EFFECT_DAYS = 366  # the effect lasts at least this long from joining: a 12-month window and then some

Ints = NDArray[np.int64]
Floats = NDArray[np.float64]


@dataclass
class Episodes:
    """Intervals of one kind (cohort episodes, custody periods), one row per interval."""

    person: Ints
    start: Ints
    end: Ints  # NEVER where still open at the end of the data
    kind: Ints  # scheme index for cohort episodes, custody type index for custody

    @staticmethod
    def concat(parts: list[Episodes]) -> Episodes:
        if not parts:
            empty = np.zeros(0, dtype=np.int64)
            return Episodes(empty, empty, empty, empty)
        return Episodes(*(np.concatenate([getattr(p, f) for p in parts])
                          for f in ("person", "start", "end", "kind")))


@dataclass
class Population:
    """The simulated people and their histories (days are day numbers)."""

    size: int
    first_day: int
    last_day: int
    birth: Ints
    gender: Ints  # index into GENDERS of the package
    area: Ints  # index into AREAS
    rate: Floats  # underlying offences per year
    offence_person: Ints
    offence_day: Ints
    custody: Episodes
    cohort: Episodes


SCHEME_BY_SEVERITY = ("standard", "enhanced", "priority")
CUSTODY_KINDS = ("remand", "sentenced", "recall")


def simulate(size: int, start: date, end: date, true_effect: float, rng: np.random.Generator,
             join_rate: float = 0.08, progress: Callable[[str], None] | None = None) -> Population:
    """Simulate ``size`` people from ``start`` to ``end`` (both inclusive)."""
    first_day, last_day = epoch_day(start), epoch_day(end)
    months: list[tuple[int, int]] = []
    cursor = start
    while cursor <= end:
        following = add_months(cursor, 1)
        months.append((epoch_day(cursor), min(epoch_day(following) - 1, last_day)))
        cursor = following

    age_at_start = np.clip(15.0 + rng.gamma(2.0, 7.0, size), 15.0, 75.0)
    birth = (first_day - age_at_start * 365.25 - rng.integers(0, 365, size)).astype(np.int64)
    gender = rng.choice(4, size=size, p=[0.84, 0.14, 0.005, 0.015])
    area = rng.choice(5, size=size, p=[0.26, 0.22, 0.2, 0.18, 0.14])
    rate = rng.gamma(0.7, 1.6 / 0.7, size) * np.where(gender == 1, 0.7, 1.0)

    drift_sigma = 0.8
    log_drift = rng.normal(0.0, drift_sigma, size)
    custody_start = np.full(size, NEVER, dtype=np.int64)
    custody_end = np.full(size, -1, dtype=np.int64)
    in_cohort = np.zeros(size, dtype=bool)
    ever_joined = np.zeros(size, dtype=bool)
    episode_start = np.zeros(size, dtype=np.int64)
    episode_scheme = np.zeros(size, dtype=np.int64)
    effect_from = np.full(size, NEVER, dtype=np.int64)
    effect_until = np.full(size, NEVER, dtype=np.int64)
    history = np.zeros((6, size), dtype=np.int32)
    boost = max(1.0, 1.0 + true_effect)  # offences are drawn at the higher rate, then thinned

    offence_people: list[Ints] = []
    offence_days: list[Ints] = []
    custody_parts: list[Episodes] = []
    cohort_parts: list[Episodes] = []

    for index, (a, b) in enumerate(months):
        if progress and index % 6 == 0:
            progress(f"Simulating offending: month {index + 1} of {len(months)}")
        if index % 3 == 0:
            log_drift = 0.6 * log_drift + np.sqrt(1 - 0.36) * rng.normal(0.0, drift_sigma, size)
        age = (a - birth) / 365.25
        age_factor = np.exp(-np.clip(age - 22.0, 0.0, None) / 18.0)
        monthly = rate / 12.0 * np.exp(log_drift - drift_sigma**2 / 2) * age_factor * boost

        # Free days of the month: before a custody start and after a custody end.
        overlaps = (custody_start <= b) & (custody_end >= a)
        before = np.where(overlaps, np.clip(np.minimum(b, custody_start - 1) - a + 1, 0, None), b - a + 1)
        resume = np.maximum(a, custody_end + 1)
        after = np.where(overlaps & (custody_end < b), b - resume + 1, 0)
        free = before + after
        counts = rng.poisson(monthly * free / (b - a + 1))
        offenders = np.flatnonzero(counts)
        people = np.repeat(offenders, counts[offenders])
        draw = (rng.random(people.size) * free[people]).astype(np.int64)
        days = np.where(draw < before[people], a + draw, resume[people] + draw - before[people])
        affected = (days >= effect_from[people]) & (days <= effect_until[people])
        kept = rng.random(people.size) < np.where(affected, 1.0 + true_effect, 1.0) / boost
        people, days = people[kept], days[kept]
        counts = np.bincount(people, minlength=size)
        offence_people.append(people)
        offence_days.append(days)

        history[index % 6] = counts
        recent = history.sum(axis=0)

        # Custody follows offending, starting some days into the next month.
        jailed = (custody_end < b) & (rng.random(size) < 1 - (1 - 0.05) ** counts)
        jailed_ids = np.flatnonzero(jailed)
        if jailed_ids.size:
            kinds = rng.choice(3, size=jailed_ids.size, p=[0.3, 0.6, 0.1])
            length = np.where(kinds == 0, rng.integers(14, 120, jailed_ids.size),
                              rng.lognormal(np.log(150), 0.6, jailed_ids.size).astype(np.int64) + 14)
            starts = b + 1 + rng.integers(0, 25, jailed_ids.size)
            ends = starts + length
            custody_start[jailed_ids] = starts
            custody_end[jailed_ids] = ends
            custody_parts.append(Episodes(jailed_ids, starts, ends, kinds))

        # Leaving IOM (or moving level) ends the current episode.
        if 1 <= index < len(months) - 1:
            leaving = in_cohort & (rng.random(size) < 0.035)
            moving = in_cohort & ~leaving & (rng.random(size) < 0.015)
            closing = np.flatnonzero(leaving | moving)
            if closing.size:
                end_day = a + rng.integers(0, b - a + 1, closing.size)
                end_day = np.maximum(end_day, episode_start[closing])
                cohort_parts.append(Episodes(closing, episode_start[closing], end_day,
                                             episode_scheme[closing]))
                leavers = np.flatnonzero(leaving)
                in_cohort[leavers] = False
                left_on = end_day[np.isin(closing, leavers)]
                effect_until[leavers] = np.maximum(effect_from[leavers] + EFFECT_DAYS - 1, left_on)
                movers = np.flatnonzero(moving)
                if movers.size:
                    step = np.where(recent[movers] >= 4, 1, -1)
                    episode_scheme[movers] = np.clip(episode_scheme[movers] + step, 0, 2)
                    episode_start[movers] = np.minimum(
                        np.maximum(end_day[np.isin(closing, movers)] + 1, a), last_day)

        # Joining: referred on recent high offending (rarely for other reasons).
        if index >= 6 and index < len(months) - 1:
            candidate = ~ever_joined & (custody_end < b)
            chance = np.select([recent >= 3, recent == 2], [join_rate, join_rate / 4], 0.0005)
            joining = np.flatnonzero(candidate & (rng.random(size) < chance))
            if joining.size:
                severity = np.select([recent[joining] >= 5, recent[joining] >= 3], [2, 1], 0)
                noise = rng.random(joining.size)
                severity = np.clip(severity + (noise < 0.1) - (noise > 0.9), 0, 2)
                in_cohort[joining] = True
                ever_joined[joining] = True
                episode_start[joining] = b + 1 + rng.integers(0, 20, joining.size)
                effect_from[joining] = episode_start[joining]
                episode_scheme[joining] = severity

    still = np.flatnonzero(in_cohort)
    cohort_parts.append(Episodes(still, episode_start[still], np.full(still.size, NEVER),
                                 episode_scheme[still]))
    cohort = Episodes.concat(cohort_parts)
    keep = cohort.start <= last_day
    cohort = Episodes(cohort.person[keep], cohort.start[keep], cohort.end[keep], cohort.kind[keep])
    order = np.lexsort((cohort.start, cohort.person))
    cohort = Episodes(cohort.person[order], cohort.start[order], cohort.end[order], cohort.kind[order])

    custody = Episodes.concat(custody_parts)
    keep = custody.start <= last_day
    custody = Episodes(custody.person[keep], custody.start[keep],
                       np.where(custody.end[keep] > last_day, NEVER, custody.end[keep]), custody.kind[keep])

    return Population(
        size=size, first_day=first_day, last_day=last_day, birth=birth, gender=gender, area=area,
        rate=rate, offence_person=np.concatenate(offence_people),
        offence_day=np.concatenate(offence_days), custody=custody, cohort=cohort,
    )
