"""The records a unit keeps about the simulated people: one Polars frame per package table.

Dates are built as day numbers and turned into Polars dates; an open interval has an empty
end date. Frames here are clean and canonical; :mod:`iomhub.synth.writing` makes them look
the way spreadsheets really arrive.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from iomhub.domain.codes import (
    CUSTODY_TYPES,
    GENDERS,
    PATHWAYS,
)
from iomhub.domain.pnc import check_letter
from iomhub.synth.population import NEVER, SCHEME_BY_SEVERITY, Ints, Population

AREAS = ("NW", "NE", "C", "SW", "SE")
AREA_NAMES = {"NW": "North West", "NE": "North East", "C": "Central", "SW": "South West",
              "SE": "South East"}
FAMILY_NAMES = ("Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
                "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green",
                "Hall", "Wood", "Jackson", "Clarke", "Patel", "Khan", "Lewis", "Hughes")
MALE_NAMES = ("Jack", "Thomas", "James", "Daniel", "Ryan", "Liam", "Connor", "Kyle", "Lee",
              "Dean", "Craig", "Mohammed", "Adam", "Jamie", "Callum", "Scott", "Mark", "Paul")
FEMALE_NAMES = ("Chloe", "Emma", "Sophie", "Jade", "Amy", "Laura", "Kelly", "Gemma", "Leanne",
                "Aisha", "Hannah", "Stacey")
CATEGORY_WEIGHTS = {
    "shoplifting": 0.22, "other_theft": 0.1, "violence_with_injury": 0.09,
    "violence_without_injury": 0.1, "burglary_residential": 0.07, "burglary_business": 0.03,
    "vehicle": 0.06, "theft_from_person": 0.03, "robbery": 0.02, "criminal_damage": 0.08,
    "drugs": 0.08, "public_order": 0.06, "weapons": 0.02, "fraud": 0.02, "sexual": 0.005,
    "other": 0.015,
}
# Share of first assessments with an identified need in each pathway (seed 003, 67 assessments).
NEED_SHARE = {"accommodation": 0.70, "ete": 0.69, "health": 0.19, "drugs_alcohol": 0.91,
              "finance": 0.85, "children_families": 0.51, "attitudes": 1.0}
ATTENDANCE = {"police": 0.97, "nps": 0.9, "crc": 0.85, "drugs_service": 0.75, "prison": 0.45,
              "council": 0.55, "health": 0.35, "yos": 0.6}


def dates(days: Ints) -> pl.Series:
    """Day numbers as a Polars date column; ``NEVER`` (an open end) becomes empty."""
    series = pl.Series(np.where(days >= NEVER, 0, days).astype(np.int32)).cast(pl.Date)
    return pl.select(pl.when(pl.Series(days < NEVER)).then(series)).to_series()


def ids(prefix: str, count: int, width: int = 7) -> pl.Series:
    """``count`` identifiers such as ``N0000001``."""
    numbers = pl.Series(np.arange(1, count + 1)).cast(pl.String).str.zfill(width)
    return pl.select(pl.lit(prefix) + numbers).to_series()


def pick(values: tuple[str, ...], index: Ints) -> pl.Series:
    """Codes chosen by index, as a categorical-free string column."""
    return pl.Series(np.asarray(values, dtype=object)[index].tolist(), dtype=pl.String)


def _nominal_ids(pop: Population) -> pl.Series:
    return ids("N", pop.size)


def nominals(pop: Population, rng: np.random.Generator) -> pl.DataFrame:
    """People: ids, PNC ids, names, dates of birth, gender, area."""
    year = 1990 + rng.integers(0, 26, pop.size)
    rng.integers(0, 23, pop.size)  # once a random check letter: drawn still, so the rest stays the same
    serial = rng.integers(0, 9_999_999, pop.size)
    check = [check_letter(y, s) for y, s in zip(year.tolist(), serial.tolist(), strict=True)]
    pnc = (pl.Series(year).cast(pl.String) + "/" + pl.Series(serial).cast(pl.String).str.zfill(7)
           + pl.Series(check, dtype=pl.String))
    female = pop.gender == 1
    given = np.where(female, np.asarray(FEMALE_NAMES, dtype=object)[rng.integers(0, len(FEMALE_NAMES), pop.size)],
                     np.asarray(MALE_NAMES, dtype=object)[rng.integers(0, len(MALE_NAMES), pop.size)])
    birth = pop.birth.copy()
    birth[rng.random(pop.size) < 0.01] = NEVER  # a few dates of birth are not recorded
    return pl.DataFrame({
        "nominal_id": _nominal_ids(pop),
        "pnc_id": pnc,
        "family_name": pick(FAMILY_NAMES, rng.integers(0, len(FAMILY_NAMES), pop.size)),
        "given_names": pl.Series(given.tolist(), dtype=pl.String),
        "date_of_birth": dates(birth),
        "gender": pick(GENDERS, pop.gender),
        "area": pick(AREAS, pop.area),
    })


def person_ids(pop: Population, people: Ints) -> pl.Series:
    return _nominal_ids(pop).gather(people)


def cohort(pop: Population, rng: np.random.Generator) -> pl.DataFrame:
    c = pop.cohort
    open_ = c.end >= NEVER
    reasons = np.asarray(["completed", "moved out of area", "custody (long sentence)",
                          "no longer meets criteria", "deceased"], dtype=object)
    reason = reasons[rng.choice(5, size=c.person.size, p=[0.5, 0.15, 0.15, 0.19, 0.01])]
    # an episode followed by another of the same person was a change of level
    following_same = np.append(c.person[1:] == c.person[:-1], False)
    reason = np.where(following_same, "change of level", reason)
    reason[open_] = None
    return pl.DataFrame({
        "nominal_id": person_ids(pop, c.person),
        "scheme": pick(SCHEME_BY_SEVERITY, c.kind),
        "start_date": dates(c.start),
        "end_date": dates(c.end),
        "exit_reason": pl.Series(reason.tolist(), dtype=pl.String),
    })


def offences(pop: Population, rng: np.random.Generator) -> pl.DataFrame:
    n = pop.offence_person.size
    order = np.argsort(pop.offence_day, kind="stable")
    people, days = pop.offence_person[order], pop.offence_day[order]
    lag = rng.geometric(0.08, n) - 1
    detected = np.where((days + lag <= pop.last_day) & (rng.random(n) < 0.9), days + lag, NEVER)
    categories = tuple(CATEGORY_WEIGHTS)
    weights = np.array(list(CATEGORY_WEIGHTS.values()))
    return pl.DataFrame({
        "offence_id": ids("CR", n, 8),
        "nominal_id": person_ids(pop, people),
        "offence_date": dates(days),
        "detected_date": dates(detected),
        "category": pick(categories, rng.choice(len(categories), size=n, p=weights / weights.sum())),
    })


def custody(pop: Population, rng: np.random.Generator) -> pl.DataFrame:
    c = pop.custody
    open_ = c.end >= NEVER
    known = rng.random(c.person.size) < 0.8
    expected = np.where(known, np.where(open_, pop.last_day + rng.integers(1, 400, c.person.size),
                                        c.end), NEVER)
    return pl.DataFrame({
        "nominal_id": person_ids(pop, c.person),
        "start_date": dates(c.start),
        "end_date": dates(c.end),
        "expected_release_date": dates(expected),
        "custody_type": pick(CUSTODY_TYPES, c.kind),
    })


def supervision(pop: Population, rng: np.random.Generator) -> pl.DataFrame:
    """Community orders around cohort entry, and licences after sentenced custody."""
    c = pop.cohort
    first = np.append(True, c.person[1:] != c.person[:-1])
    people = c.person[first & (rng.random(c.person.size) < 0.65)]
    start = np.maximum(pop.first_day, c.start[np.isin(c.person, people) & first]
                       - rng.integers(0, 200, people.size))
    end = start + rng.integers(180, 730, people.size)
    young = (start - pop.birth[people]) / 365.25 < 18
    provider = np.where(young, 2, rng.choice([0, 1], size=people.size, p=[0.35, 0.65]))
    order = np.where(young, 5, rng.choice([1, 2, 4, 6], size=people.size, p=[0.6, 0.2, 0.15, 0.05]))

    k = pop.custody
    sentenced = np.flatnonzero((k.kind == 1) & (k.end < NEVER) & (rng.random(k.person.size) < 0.9))
    l_people = k.person[sentenced]
    l_start = k.end[sentenced] + 1
    l_end = l_start + rng.integers(90, 365, sentenced.size)
    l_provider = rng.choice([0, 1], size=sentenced.size, p=[0.45, 0.55])

    all_people = np.concatenate([people, l_people])
    all_start = np.concatenate([start, l_start])
    all_end = np.concatenate([end, l_end])
    keep = all_start <= pop.last_day
    all_end = np.where(all_end > pop.last_day, NEVER, all_end)
    providers = ("nps", "crc", "yos", "other")
    orders = ("licence", "community_order", "suspended_sentence", "pss", "drr", "youth_order", "other")
    return pl.DataFrame({
        "nominal_id": person_ids(pop, all_people[keep]),
        "provider": pick(providers, np.concatenate([provider, l_provider])[keep]),
        "order_type": pick(orders, np.concatenate([order, np.zeros(sentenced.size, dtype=np.int64)])[keep]),
        "start_date": dates(all_start[keep]),
        "end_date": dates(all_end[keep]),
    })


def _schedule(pop: Population, every: int) -> tuple[Ints, Ints, Ints]:
    """Three-monthly reviews of every cohort episode: (episode index, sequence number, day)."""
    c = pop.cohort
    last = np.minimum(c.end, pop.last_day)
    count = (last - c.start) // every + 1
    episode = np.repeat(np.arange(c.person.size), count)
    sequence = np.arange(episode.size) - np.repeat(np.cumsum(count) - count, count)
    return episode, sequence, c.start[episode] + sequence * every


def risk(pop: Population, rng: np.random.Generator) -> pl.DataFrame:
    """A tier at joining, reviewed every three months: mostly unchanged, more often down than up."""
    episode, sequence, day = _schedule(pop, 91)
    severity = pop.cohort.kind[episode]
    initial = np.array([[0.1, 0.5, 0.4], [0.3, 0.5, 0.2], [0.5, 0.4, 0.1]])  # red, amber, green
    draw = rng.random(episode.size)
    tier = (draw[:, None] > np.cumsum(initial[severity], axis=1)).sum(axis=1)  # 0 red, 1 amber, 2 green
    step = rng.choice([0, 1, -1], size=episode.size, p=[0.7, 0.2, 0.1])
    moved = np.cumsum(np.where(sequence == 0, 0, step))
    head = np.arange(episode.size) - sequence
    tier = np.clip(tier[head] + moved - moved[head], 0, 2)
    return pl.DataFrame({
        "nominal_id": person_ids(pop, pop.cohort.person[episode]),
        "assessed_on": dates(day),
        "tier": pick(("red", "amber", "green"), tier),
    })


def needs(pop: Population, rng: np.random.Generator) -> pl.DataFrame:
    """Seven-pathway assessments every three months; scores tend to fall while on IOM."""
    c = pop.cohort
    first = np.append(True, c.person[1:] != c.person[:-1])
    person_episode = np.cumsum(first) - 1  # one needs history per person, across level changes
    episode, sequence, day = _schedule(pop, 91)
    person = c.person[episode]
    owner = person_episode[episode]
    sequence = np.arange(owner.size) - np.searchsorted(owner, owner, side="left")
    people_count = int(person_episode.max()) + 1 if person_episode.size else 0
    shares = np.array([NEED_SHARE[p] for p in PATHWAYS])
    has_need = rng.random((people_count, len(PATHWAYS))) < shares
    severity = rng.binomial(9, 0.5, (people_count, len(PATHWAYS))) + 1
    baseline = np.where(has_need, severity, 0)
    progress = rng.binomial(np.repeat(sequence[:, None], len(PATHWAYS), axis=1), 0.3)
    score = np.maximum(baseline[owner] - progress, 0).astype(np.float64)
    score[rng.random(score.shape) < 0.01] = np.nan
    rows = score.size
    return pl.DataFrame({
        "nominal_id": person_ids(pop, np.repeat(person, len(PATHWAYS))),
        "assessed_on": dates(np.repeat(day, len(PATHWAYS))),
        "pathway": pick(PATHWAYS, np.tile(np.arange(len(PATHWAYS)), rows // len(PATHWAYS))),
        "score": pl.Series(score.reshape(-1), nan_to_null=True).cast(pl.Int64),
    })


def treatment(pop: Population, rng: np.random.Generator) -> pl.DataFrame:
    """Drug and alcohol treatment for about half of those joining IOM."""
    c = pop.cohort
    first = np.append(True, c.person[1:] != c.person[:-1])
    chosen = np.flatnonzero(first & (rng.random(c.person.size) < 0.5))
    n = chosen.size
    start = c.start[chosen] + rng.integers(0, 120, n)
    keep = start <= pop.last_day
    chosen, start, n = chosen[keep], start[keep], int(keep.sum())
    end = start + rng.integers(60, 420, n)
    outcome = rng.choice(6, size=n, p=[0.47, 0.3, 0.1, 0.01, 0.0, 0.12])
    open_ = end > pop.last_day
    outcome = np.where(open_, 4, outcome)
    re_presented = end + rng.integers(1, 365, n)
    re_presented = np.where((outcome == 0) & (rng.random(n) < 0.2) & (re_presented <= pop.last_day),
                            re_presented, NEVER)
    return pl.DataFrame({
        "episode_id": ids("T", n, 6),
        "nominal_id": person_ids(pop, c.person[chosen]),
        "substance": pick(("opiate", "non_opiate", "alcohol"), rng.choice(3, size=n, p=[0.45, 0.25, 0.3])),
        "start_date": dates(start),
        "end_date": dates(np.where(open_, NEVER, end)),
        "outcome": pick(("successful_completion", "dropped_out", "transferred", "died", "ongoing", "other"),
                        outcome),
        "re_presented_on": dates(re_presented),
    })


def flags(pop: Population, rng: np.random.Generator) -> pl.DataFrame:
    """Programme flags over the time a person is on IOM."""
    c = pop.cohort
    n = c.person.size
    parts = []
    for flag, chance in (("ppo", np.where(c.kind == 2, 0.6, 0.05)), ("dip", np.full(n, 0.25)),
                         ("troubled_families", np.full(n, 0.05)), ("mappa_1", np.full(n, 0.04)),
                         ("gangs", np.where((c.start - pop.birth[c.person]) / 365.25 < 25, 0.08, 0.01)),
                         ("female_pathway", np.where(pop.gender[c.person] == 1, 0.8, 0.0))):
        chosen = rng.random(n) < chance
        parts.append(pl.DataFrame({
            "nominal_id": person_ids(pop, c.person[chosen]),
            "flag": pl.Series([flag] * int(chosen.sum()), dtype=pl.String),
            "start_date": dates(c.start[chosen]),
            "end_date": dates(c.end[chosen]),
        }))
    return pl.concat(parts)


def referrals(pop: Population, rng: np.random.Generator) -> pl.DataFrame:
    """An accepted referral before each first episode, and others rejected, withdrawn or pending."""
    c = pop.cohort
    first = np.flatnonzero(np.append(True, c.person[1:] != c.person[:-1]))
    accepted_people, decided = c.person[first], c.start[first]
    referred = np.maximum(decided - rng.integers(3, 40, first.size), pop.first_day)
    others = rng.integers(0, pop.size, int(first.size * 0.45))
    o_referred = rng.integers(pop.first_day + 180, pop.last_day + 1, others.size)
    o_decision = rng.choice([1, 3], size=others.size, p=[0.85, 0.15])
    o_decided = o_referred + rng.integers(7, 35, others.size)
    pending = o_decided > pop.last_day
    o_decision = np.where(pending, 2, o_decision)
    o_decided = np.where(pending, NEVER, o_decided)

    people = np.concatenate([accepted_people, others])
    decision = np.concatenate([np.zeros(first.size, dtype=np.int64), o_decision])
    agency = rng.choice(7, size=people.size, p=[0.5, 0.12, 0.15, 0.09, 0.06, 0.04, 0.04])
    agencies = ("police", "nps", "crc", "prison", "drugs_service", "yos", "council")
    scheme = np.concatenate([c.kind[first], np.full(others.size, -1)])
    mappa = np.where(rng.random(people.size) < 0.03, rng.integers(1, 3, people.size), 0)
    return pl.DataFrame({
        "referral_id": ids("R", people.size, 6),
        "nominal_id": person_ids(pop, people),
        "referred_on": dates(np.concatenate([referred, o_referred])),
        "referring_agency": pick(agencies, agency),
        "area": pick(AREAS, pop.area[people]),
        "decision": pick(("accepted", "rejected", "pending", "withdrawn"), decision),
        "decided_on": dates(np.concatenate([decided, o_decided])),
        "scheme": pl.Series([None if s < 0 else SCHEME_BY_SEVERITY[s] for s in scheme.tolist()],
                            dtype=pl.String),
        "mappa_level": pl.Series([str(m) if m else None for m in mappa.tolist()], dtype=pl.String),
    })


def meetings(pop: Population, rng: np.random.Generator,
             upcoming_days: int = 0) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Fortnightly case management per area, monthly single referral, quarterly board; those of
    the ``upcoming_days`` after the data's last day are planned, with no attendance yet."""
    rows: list[tuple[int, str, str | None]] = []
    first_monday = pop.first_day + (4 - pop.first_day) % 7  # 1970-01-05 was a Monday
    last = pop.last_day + upcoming_days
    for index, area in enumerate(AREAS):
        for day in range(first_monday + index, last + 1, 14):
            rows.append((day, "case_management", area))
    for day in range(first_monday + 7, last + 1, 28):
        rows.append((day, "single_referral", None))
    for day in range(first_monday + 21, last + 1, 91):
        rows.append((day, "board", None))
    rows.sort()
    held = sum(1 for row in rows if row[0] <= pop.last_day)
    count = len(rows)
    meeting = pl.DataFrame({
        "meeting_id": ids("M", count, 5),
        "held_on": dates(np.array([r[0] for r in rows], dtype=np.int64)),
        "meeting_type": pl.Series([r[1] for r in rows], dtype=pl.String),
        "area": pl.Series([r[2] for r in rows], dtype=pl.String),
    })
    agencies = tuple(ATTENDANCE)
    chance = np.array(list(ATTENDANCE.values()))
    attended = rng.random((held, len(agencies))) < chance
    return meeting, pl.DataFrame({
        "meeting_id": meeting["meeting_id"].gather(np.repeat(np.arange(held), len(agencies))),
        "agency": pick(agencies, np.tile(np.arange(len(agencies)), held)),
        "invited": pl.Series([True] * (held * len(agencies))),
        "attended": pl.Series(attended.reshape(-1)),
    })


MISSED_REVIEW_DAYS = (92, 240)  # a missed review leaves the latest one this many days old


def missed_reviews(tables: dict[str, pl.DataFrame], pop: Population, share: float,
                   rng: np.random.Generator) -> dict[str, pl.DataFrame]:
    """``risk`` and ``needs`` without the latest reviews of ``share`` of the people on IOM at the
    data's last day: for each of them, the reviews of the last 92 to 239 days are missing, so
    their reassessment is overdue by days to eight months (as on a real unit, a few are)."""
    c = pop.cohort
    on_iom = np.unique(c.person[c.end >= NEVER])
    chosen = on_iom[rng.random(on_iom.size) < share]
    missing_since = pop.last_day - rng.integers(*MISSED_REVIEW_DAYS, chosen.size)
    cut = pl.DataFrame({"nominal_id": person_ids(pop, chosen), "missing_since": dates(missing_since)})
    out = {}
    for table in ("risk", "needs"):
        frame = tables[table].join(cut, on="nominal_id", how="left")
        out[table] = (frame.filter(pl.col("missing_since").is_null()
                                   | (pl.col("assessed_on") < pl.col("missing_since")))
                      .drop("missing_since"))
    return out
