"""Seed 003 as data: a package whose report reproduces the published tables of the seed.

The seed is ``tests/golden/seeds/003_1673de454430824c.txt``, "IOM Performance Report, April 2015 to
March 2016" of Leicester, Leicestershire and Rutland. Its published figures are the constants
``PUBLISHED_*`` below, quoted from the seed with the line they come from. ``build_package``
writes a data package (nominals, cohort, custody, supervision, offences, needs) built by code
from those figures: a priority and an enhanced caseload per area with stayers, leavers and
joiners; people in custody and in the community on each snapshot date, released on licence
or recalled between them; statutory supervision by CRC or NPS; offences placed only on days
out of custody; and a first needs assessment for 67 new entrants. Everything else is there to
be left out: offences before the baseline and after the period, offences of people who are
not in a scheme on the cohort date, people who left IOM before it, returners whose first-ever
needs assessment is years old, and the quarterly re-assessments.

The builder only *constructs* the data; the tests (``test_seed003.py``) compare the report's
figures with the literal published numbers.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from tests.conftest import write_package

# --------------------------------------------------------------------------------------------
# The published figures, quoted from the seed (line numbers of 003_1673de454430824c.txt).
# --------------------------------------------------------------------------------------------
D0, D1, D2, D3, D4 = (date(2015, 4, 1), date(2015, 7, 1), date(2015, 10, 1), date(2016, 1, 1),
                      date(2016, 3, 31))
SNAPSHOT_DATES = (D0, D1, D2, D3, D4)  # seed lines 69 and 76: the five columns
PERIOD = (date(2015, 4, 1), date(2016, 3, 31))
BASELINE = (date(2014, 4, 1), date(2015, 3, 31))  # seed line 43: "01/04/2014 - 31/03/2015"

# seed lines 43-46: offenders, offences 2014/15, offences 2015/16, overall percentage change
PUBLISHED_REOFFENDING = {
    "priority": (105, 380, 232, "-38.95"),  # line 44
    "enhanced": (58, 365, 215, "-41.10"),  # line 45
    "all": (163, 745, 447, "-40.00"),  # line 46 ("Overall")
}
# seed line 54: "The young adult (18-24) age group outperformed the over 24's with a 54% vs 35%
# reduction"; "There were no under 18's within the performance cohort."
PUBLISHED_AGE_REDUCTION = {"18_24": "54", "25_plus": "35"}

AREAS = ("NC", "NL", "NE", "NR", "NH", "NN", "NS", "NW", "OSF")  # seed line 58
# seed lines 59-64: caseload by area (in AREAS order), then the published Total column
PUBLISHED_CASELOAD = {
    ("priority", D0): ((11, 37, 34, 13, 26, 10, 36, 68, 2), 237),  # line 59
    ("priority", D4): ((19, 42, 44, 7, 21, 11, 34, 91, 1), 270),  # line 60
    ("enhanced", D0): ((9, 9, 17, 3, 11, 5, 16, 30, 0), 100),  # line 61
    ("enhanced", D4): ((12, 10, 19, 3, 15, 5, 21, 24, 1), 109),  # line 62: the cells add up to 110
    ("all", D0): ((20, 46, 51, 16, 37, 15, 52, 98, 2), 337),  # line 63
    ("all", D4): ((31, 52, 63, 10, 36, 16, 55, 115, 2), 379),  # line 64: the cells add up to 380
}
# seed line 65: "% change" per area, then the Total column, as printed (mixed decimals)
PUBLISHED_CASELOAD_CHANGE = ("55", "13", "23.5", "-37.5", "-2.70", "6.67", "5.77", "17.35", "0.00")
PUBLISHED_CASELOAD_CHANGE_TOTAL = "13.05"

# seed lines 70-72: priority caseload in the community / in custody / total on the five dates
PUBLISHED_PRIORITY_STATUS = {
    "community": (80, 107, 105, 118, 115),  # line 70
    "custody": (157, 142, 143, 146, 155),  # line 71
    "total": (237, 249, 248, 264, 270),  # line 72
}
# seed lines 77-81: statutory management of the priority caseload in the community
PUBLISHED_PRIORITY_STATUTORY = {
    "community": ((80, 107, 105, 118, 115), "44%"),  # line 77
    "crc": ((23, 31, 43, 50, 55), "139%"),  # line 78
    "nps": ((13, 25, 26, 34, 38), "192%"),  # line 79
    "statutory": ((36, 56, 69, 84, 93), "158%"),  # line 80
}
PUBLISHED_STATUTORY_PCT = ("45%", "52%", "66%", "71%", "81%")  # line 81

# seed lines 94-99: "Entry into IOM", first assessment, per pathway (columns in this order)
PATHWAYS = ("accommodation", "ete", "health", "drugs_alcohol", "finance", "children_families",
            "attitudes")
PUBLISHED_NEEDS: dict[str, tuple[int | str, ...]] = {
    "assessments": (67, 67, 67, 67, 67, 67, 67),  # line 95
    "identified": (47, 46, 13, 61, 57, 34, 67),  # line 96
    "cumulative_avg": ("3.87", "3.81", "1.09", "5.30", "5.18", "2.79", "6.82"),  # line 97
    "avg_when_scored": ("5.51", "5.54", "5.62", "5.82", "6.09", "5.50", "6.82"),  # line 98
    "identified_pct": ("70.15%", "68.66%", "19.40%", "91.04%", "85.07%", "50.75%", "100.00%"),  # 99
}

# --------------------------------------------------------------------------------------------
# Construction choices (not published; chosen so that the published tables follow).
# --------------------------------------------------------------------------------------------
# The only whole sums of scores that print as line 97 over 67 and as line 98 over line 96.
NEEDS_SCORE_SUMS = (259, 255, 73, 355, 347, 187, 457)

# Caseload totals on the three middle dates: published for priority (line 72), chosen for enhanced.
CASELOAD_PATH = {"priority": (237, 249, 248, 264, 270), "enhanced": (100, 104, 103, 108, 110)}
# How many of those on the caseload on 01/04/2015 have left by each later date.
EXITS_BY = {"priority": (0, 14, 28, 41, 54), "enhanced": (0, 6, 12, 18, 24)}
# In custody on each date: published for priority (line 71), chosen for enhanced.
CUSTODY_PATH = {"priority": (157, 142, 143, 146, 155), "enhanced": (14, 15, 16, 15, 17)}
# Statutorily managed by provider in the community: published for priority (lines 78-79).
PROVIDER_PATH = {"priority": {"crc": (23, 31, 43, 50, 55), "nps": (13, 25, 26, 34, 38)},
                 "enhanced": {"crc": (24, 26, 27, 29, 30), "nps": (9, 10, 10, 12, 12)}}
# The performance cohort on 01/04/2015 (in custody or in the community that day) and the
# offences of each group (scheme, age band): offenders, offences 2014/15, offences 2015/16.
# Priority 25_plus holds the two OSF offenders whose offending rose (seed line 50: "one area
# with very small numbers affected by two individuals reoffending").
COHORT_IN_CUSTODY = {"priority": 45, "enhanced": 8}
OFFENCE_GROUPS = {
    ("priority", "18_24"): (30, 70, 25),
    ("priority", "25_plus"): (73, 308, 202),
    ("enhanced", "18_24"): (25, 126, 65),
    ("enhanced", "25_plus"): (33, 239, 150),
}
RISING_OSF = ((1, 3), (1, 2))  # (before, after) of the two priority OSF offenders
NEW_ENTRANTS_ASSESSED = 67  # priority joiners whose first-ever assessment is in the period
UNDER_18_ENHANCED_JOINERS = 3

FIRST_NAMES = ("Connor", "Jamie", "Liam", "Kyle", "Dean", "Ryan", "Lee", "Wayne", "Darren", "Aaron",
               "Kieran", "Jordan", "Callum", "Mohammed", "Imran", "Lewis", "Shane", "Tyler")
FEMALE_NAMES = ("Kelly", "Gemma", "Stacey", "Leanne", "Danielle", "Chloe")
FAMILY_NAMES = ("Smith", "Patel", "Jones", "Walker", "Brown", "Taylor", "Wilson", "Mistry",
                "Clarke", "Hughes", "Khan", "Wood", "Harris", "Green", "Lewis", "Shaw", "Begum")
CATEGORIES = ("shoplifting", "other_theft", "burglary_residential", "criminal_damage",
              "public_order", "violence_without_injury", "vehicle", "drugs", "burglary_business",
              "theft_from_person", "violence_with_injury", "fraud", "robbery", "weapons")


def _mix(*numbers: int) -> int:
    """A small deterministic hash for spreading dates and choices."""
    value = 2166136261
    for number in numbers:
        value = ((value ^ (number & 0xFFFFFFFF)) * 16777619) & 0xFFFFFFFF
    return value


def spread(total: int, n: int, low: int, high: int, salt: int = 0) -> list[int]:
    """n whole numbers in low..high adding up to total, varied but deterministic."""
    assert n * low <= total <= n * high, (total, n, low, high)
    values = [total // n + (1 if i < total % n else 0) for i in range(n)]
    for i in range(n // 2):  # move units between pairs: the sum is unchanged
        j = n - 1 - i
        step = _mix(salt, i) % 4
        step = min(step, high - values[i], values[j] - low)
        values[i] += step
        values[j] -= step
    order = sorted(range(n), key=lambda k: _mix(salt + 1, k))
    return [values[k] for k in order]


def proportional(total: int, caps: list[int]) -> list[int]:
    """Whole numbers adding up to total, each at most its cap, roughly in proportion to the caps."""
    capacity = sum(caps)
    assert total <= capacity, (total, capacity)
    values = [cap * total // capacity if capacity else 0 for cap in caps]
    k = 0
    while sum(values) < total:
        i = k % len(caps)
        if values[i] < caps[i]:
            values[i] += 1
        k += 1
    return values


@dataclass
class Person:
    nid: str
    scheme: str
    area: str
    first: int  # index of the first snapshot date on the caseload
    last: int  # index of the last
    index: int
    band: str = "25_plus"
    member: bool = False  # in the performance cohort
    states: list[str | None] = field(default_factory=lambda: [None] * 5)  # custody / community
    providers: list[str | None] = field(default_factory=lambda: [None] * 5)
    before: int = 0
    after: int = 0
    custody: list[tuple[date, date | None, str]] = field(default_factory=list)

    def present(self, k: int) -> bool:
        return self.first <= k <= self.last

    def change_day(self, gap: int) -> date:
        """The first day of this person's new state between snapshot dates gap-1 and gap.

        Anything from the day after date gap-1 (the old state ends *on* date gap-1: intervals
        are inclusive) to date gap itself (the new state starts on the snapshot date); about
        one change in ten is on each of those edges.
        """
        start, end = SNAPSHOT_DATES[gap - 1], SNAPSHOT_DATES[gap]
        h = _mix(self.index, gap)
        if h % 10 == 0:
            return end
        if h % 10 == 1:
            return start + timedelta(days=1)
        return start + timedelta(days=10 + h // 10 % ((end - start).days - 20))


@dataclass
class Built:
    people: list[Person]
    tables: dict[str, list[dict[str, object]]]


def _caseload_people(scheme: str, start_index: int) -> list[Person]:
    """Stayers, leavers (with the gap they leave in) and joiners (with the gap they join in) per area."""
    first_counts = PUBLISHED_CASELOAD[(scheme, D0)][0]
    last_counts = PUBLISHED_CASELOAD[(scheme, D4)][0]
    prefix = scheme[0].upper()
    people: list[Person] = []
    leavers: list[Person] = []
    joiners: list[Person] = []
    for area, at_start, at_end in zip(AREAS, first_counts, last_counts, strict=True):
        stay = int(min(at_start, at_end) * 0.85)
        for kind, n in (("stay", stay), ("leave", at_start - stay), ("join", at_end - stay)):
            for _ in range(n):
                i = start_index + len(people)
                person = Person(f"{prefix}{i:04d}", scheme, area, 0, 4, i)
                people.append(person)
                (leavers if kind == "leave" else joiners if kind == "join" else []).append(person)
    exits = EXITS_BY[scheme]
    path = CASELOAD_PATH[scheme]
    stayers = len(people) - len(leavers) - len(joiners)
    joined = [path[k] - stayers - (len(leavers) - exits[k]) for k in range(5)]
    assert joined[0] == 0 and joined == sorted(joined) and joined[4] == len(joiners), joined
    leavers.sort(key=lambda p: _mix(p.index, 7))
    for k in range(1, 5):  # leavers gone by date k left in gap k: last present date k-1
        for person in leavers[exits[k - 1]:exits[k]]:
            person.last = k - 1
    joiners.sort(key=lambda p: _mix(p.index, 11))
    for k in range(1, 5):
        for person in joiners[joined[k - 1]:joined[k]]:
            person.first = k
    return people


def _choose_cohort(people: list[Person], scheme: str) -> None:
    """The performance cohort among those on the caseload on 01/04/2015, with their age bands and state that day."""
    on_d0 = sorted((p for p in people if p.present(0)), key=lambda p: _mix(p.index, 3))
    rising = [p for p in on_d0 if scheme == "priority" and p.area == "OSF"]
    assert len(rising) == (2 if scheme == "priority" else 0)
    rest = [p for p in on_d0 if p not in rising]
    young = OFFENCE_GROUPS[(scheme, "18_24")][0]
    old = OFFENCE_GROUPS[(scheme, "25_plus")][0]
    members = rest[:young + old]
    others = rest[young + old:]
    by_age = sorted(members, key=lambda p: _mix(p.index, 4))
    for i, person in enumerate(by_age):
        person.member = True
        person.band = "18_24" if i < young else "25_plus"
    for person in rising:
        person.member, person.band = True, "25_plus"
        person.states[0] = "community"
    in_custody = COHORT_IN_CUSTODY[scheme]
    for i, person in enumerate(members):
        person.states[0] = "custody" if i < in_custody else "community"
    others_in_custody = CUSTODY_PATH[scheme][0] - in_custody
    for i, person in enumerate(others):
        person.states[0] = "custody" if i < others_in_custody else "community"
        person.band = "18_24" if _mix(person.index, 5) % 5 == 0 else "25_plus"


def _assign_states(people: list[Person], scheme: str) -> None:
    """Custody or community on dates 1..4: releases, recalls, joiners from prison; totals as the path."""
    for k in range(1, 5):
        present = [p for p in people if p.present(k)]
        continuing = [p for p in present if p.first < k]
        for person in present:
            person.states[k] = person.states[k - 1] if person.first < k else "community"
        inside = sorted((p for p in continuing if p.states[k] == "custody"),
                        key=lambda p: (not p.member, _mix(p.index, k, 1)))
        members_inside = [p for p in inside if p.member]
        for person in members_inside[:len(members_inside) // 2]:  # short sentences end
            person.states[k] = "community"
        long_term = [p for p in inside if not p.member]
        for person in long_term[:len(long_term) // 12]:
            person.states[k] = "community"
        outside = sorted((p for p in continuing if p.states[k - 1] == "community"),
                         key=lambda p: _mix(p.index, k, 2))
        for person in outside[:len(outside) // 25]:  # recalls and new sentences
            person.states[k] = "custody"
        diff = CUSTODY_PATH[scheme][k] - sum(p.states[k] == "custody" for p in present)
        if diff > 0:
            candidates = ([p for p in present if p.first == k]
                          + [p for p in outside if p.states[k] == "community"])
            for person in candidates[:diff]:
                person.states[k] = "custody"
        elif diff < 0:
            candidates = [p for p in inside if p.states[k] == "custody"]
            for person in candidates[:-diff]:
                person.states[k] = "community"
        assert sum(p.states[k] == "custody" for p in present) == CUSTODY_PATH[scheme][k]


def _assign_providers(people: list[Person], scheme: str) -> None:
    """Statutory supervision of those in the community: CRC or NPS (YOS for under 18s), or none."""
    targets = PROVIDER_PATH[scheme]
    for k in range(5):
        community = [p for p in people if p.present(k) and p.states[k] == "community"]
        for person in community:
            if person.band == "under_18":
                person.providers[k] = "yos"
        adults = [p for p in community if p.band != "under_18"]
        carried = {p.nid: p.providers[k - 1] for p in adults
                   if k > 0 and p.present(k - 1) and p.states[k - 1] == "community"}
        fresh = [p for p in adults if p.nid not in carried]  # released, joined, or first date
        for i, person in enumerate(sorted(fresh, key=lambda p: _mix(p.index, k, 3))):
            person.providers[k] = ("crc", "nps", None)[i % 3] if k > 0 else None
        for person in adults:
            if person.nid in carried:
                person.providers[k] = carried[person.nid]
        for provider, path in targets.items():
            holders = sorted((p for p in adults if p.providers[k] == provider),
                             key=lambda p: (p.nid in carried, _mix(p.index, k, 4)))
            for person in holders[path[k]:]:  # orders that ended
                person.providers[k] = None
        for provider, path in targets.items():
            held = sum(p.providers[k] == provider for p in adults)
            free = sorted((p for p in adults if p.providers[k] is None),
                          key=lambda p: (p.nid in carried, _mix(p.index, k, 5)))
            for person in free[:path[k] - held]:  # new orders
                person.providers[k] = provider
            assert sum(p.providers[k] == provider for p in adults) == path[k], (scheme, k, provider)


def _runs(values: list[str | None], first: int, last: int) -> list[tuple[int, int, str]]:
    """Maximal runs of equal, non-empty values over first..last: (from, to, value)."""
    runs: list[tuple[int, int, str]] = []
    for k in range(first, last + 1):
        value = values[k]
        if value is None:
            continue
        if runs and runs[-1][1] == k - 1 and runs[-1][2] == value:
            runs[-1] = (runs[-1][0], k, value)
        else:
            runs.append((k, k, value))
    return runs


def _shuffled(n: int, salt: int) -> list[int]:
    """0..n-1 in a deterministic order that depends on salt."""
    return sorted(range(n), key=lambda i: _mix(i, salt, 29))


def _dob(person: Person) -> date:
    h = _mix(person.index, 9)
    age = {"under_18": 15 + h % 3, "18_24": 18 + h % 7, "25_plus": 25 + h % 24}[person.band]
    month, day = 1 + h // 7 % 12, 1 + h // 91 % 28
    year = 2015 - age if (month, day) <= (4, 1) else 2015 - age - 1
    return date(year, month, day)


def _free_days(custody: list[tuple[date, date | None, str]], first: date, last: date) -> list[date]:
    days = []
    day = first
    while day <= last:
        if not any(start <= day and (end is None or day <= end) for start, end, _ in custody):
            days.append(day)
        day += timedelta(days=1)
    return days


def _place(days: list[date], n: int) -> list[date]:
    """n days spread evenly over the given days (fewer when there are fewer days)."""
    n = min(n, len(days))
    return [days[int((j + 0.5) * len(days) / n)] for j in range(n)] if n else []


def build() -> Built:  # noqa: C901
    """Every row of the package, from the published figures and the construction choices above."""
    people = _caseload_people("priority", 1) + _caseload_people("enhanced", 1001)
    for scheme in ("priority", "enhanced"):
        mine = [p for p in people if p.scheme == scheme]
        _choose_cohort(mine, scheme)
        if scheme == "enhanced":
            joiners = sorted((p for p in mine if p.first > 0), key=lambda p: _mix(p.index, 13))
            for person in joiners[:UNDER_18_ENHANCED_JOINERS]:
                person.band = "under_18"
        _assign_states(mine, scheme)
        _assign_providers(mine, scheme)

    nominals: list[dict[str, object]] = []
    cohort: list[dict[str, object]] = []
    custody: list[dict[str, object]] = []
    supervision: list[dict[str, object]] = []
    offences: list[dict[str, object]] = []
    needs: list[dict[str, object]] = []
    serial = iter(range(1, 1_000_000))

    def offence(nid: str, day: date, salt: int) -> None:
        number = next(serial)
        offences.append({"offence_id": f"LE/{day.year}/{number:06d}", "nominal_id": nid,
                         "offence_date": day, "detected_date": day + timedelta(days=2 + salt % 25),
                         "category": CATEGORIES[salt % len(CATEGORIES)], "offence_code": ""})

    for person in people:
        h = _mix(person.index, 17)
        female = h % 10 == 0
        nominals.append({
            "nominal_id": person.nid,
            "family_name": FAMILY_NAMES[h % len(FAMILY_NAMES)],
            "given_names": FEMALE_NAMES[h // 17 % len(FEMALE_NAMES)] if female
            else FIRST_NAMES[h // 17 % len(FIRST_NAMES)],
            "date_of_birth": _dob(person), "gender": "female" if female else "male", "area": person.area})
        # cohort episode
        if person.first == 0:  # now and then starting on the cohort date itself
            start = D0 if h % 20 == 3 else date(2012, 6, 1) + timedelta(days=h % 1000)
        else:
            start = person.change_day(person.first)
        end = None if person.last == 4 else person.change_day(person.last + 1) - timedelta(days=1)
        reason = ("" if end is None else
                  ("long custodial sentence" if person.states[person.last] == "custody"
                   else ("deselected: reduced risk", "moved out of force", "transferred to MAPPA")[h % 3]))
        cohort.append({"nominal_id": person.nid, "scheme": person.scheme, "start_date": start,
                       "end_date": end, "exit_reason": reason})
        # custody periods
        for i, j, _ in _runs([s if s == "custody" else None for s in person.states], person.first, person.last):
            if i == 0:
                began = (date(2014, 8, 1) + timedelta(days=h % 200) if person.member
                         else date(2011, 1, 1) + timedelta(days=h % 1150))
            elif i == person.first:  # joined IOM while in prison, ahead of release
                began = person.change_day(i) - timedelta(days=40 + h % 150)
            else:
                began = person.change_day(i)
            if j < 4:
                ended: date | None = person.change_day(j + 1) - timedelta(days=1)
                if j == person.last:  # left IOM in custody: a long sentence
                    ended = None
            else:
                ended = None
            recall = i > 0 and i > person.first and person.providers[i - 1] is not None
            kind = "recall" if recall else ("remand" if i > 0 and h % 4 == 0 else "sentenced")
            expected = (None if kind == "remand" else ended if ended is not None
                        else D4 + timedelta(days=60 + h % 700))
            if kind == "remand" and ended is None:
                kind = "sentenced"
                expected = D4 + timedelta(days=60 + h % 700)
            person.custody.append((began, ended, kind))
            custody.append({"nominal_id": person.nid, "start_date": began, "end_date": ended,
                            "expected_release_date": expected, "custody_type": kind})
        # statutory supervision
        for i, j, provider in _runs(person.providers, person.first, person.last):
            if i == 0:
                began = D0 - timedelta(days=30 + h % 300)
            elif i == person.first:
                began = person.change_day(i) - timedelta(days=h % 60)
            else:
                began = person.change_day(i)
            released = i > 0 and person.states[i - 1] == "custody" and i > person.first
            if j < 4:
                ended = person.change_day(j + 1) - timedelta(days=1)
                if j == person.last and person.states[j] == "community":
                    ended = ended + timedelta(days=h % 80)  # the order outlives the IOM episode
            else:
                ended = None
            order = ("licence" if released else "youth_order" if provider == "yos"
                     else ("community_order", "suspended_sentence", "pss", "licence")[h % 4])
            supervision.append({"nominal_id": person.nid, "provider": provider, "order_type": order,
                                "start_date": began, "end_date": ended})

    # offences of the performance cohort: counts per group, placed on days out of custody
    for (scheme, band), (n, before, after) in OFFENCE_GROUPS.items():
        group = sorted((p for p in people if p.member and p.scheme == scheme and p.band == band
                        and not (scheme == "priority" and p.area == "OSF")), key=lambda p: p.index)
        assert len(group) == n, (scheme, band, len(group), n)
        for person, count in zip(group, spread(before, n, 1, 12, salt=n), strict=True):
            person.before = count
        caps = [min(p.before, len(_free_days(p.custody, *PERIOD))) for p in group]
        for person, count in zip(group, proportional(after, caps), strict=True):
            person.after = count
    rising = sorted((p for p in people if p.member and p.area == "OSF"), key=lambda p: p.index)
    for person, (before, after) in zip(rising, RISING_OSF, strict=True):
        person.before, person.after = before, after
    for person in people:
        h = _mix(person.index, 19)
        if person.member:
            baseline_days = _free_days(person.custody, *BASELINE)
            period_days = _free_days(person.custody, *PERIOD)
            assert len(baseline_days) >= person.before and len(period_days) >= person.after, person.nid
            before_days = _place(baseline_days, person.before)
            after_days = _place(period_days, person.after)
            if h % 4 == 0:  # on the first and last days of the two years: counted
                before_days[0], before_days[-1] = baseline_days[0], baseline_days[-1]
            if h % 4 == 1 and after_days:
                after_days[0], after_days[-1] = period_days[0], period_days[-1]
            assert len(set(before_days)) == len(before_days) and len(set(after_days)) == len(after_days), person.nid
            for k, day in enumerate(before_days + after_days):
                offence(person.nid, day, h + k)
            later = _free_days(person.custody, date(2016, 4, 1), date(2016, 9, 30))
            if later and h % 3 == 0:  # after the period (the day after, now and then): not counted
                offence(person.nid, later[0 if h % 2 else h % len(later)], h)
            earlier = _free_days(person.custody, date(2013, 10, 1), date(2014, 3, 31))
            if earlier and h % 3 == 1:  # before the baseline (the day before, now and then): not counted
                offence(person.nid, earlier[-1 if h % 2 else h % len(earlier)], h)
        elif person.first == 0:
            # on the caseload on 01/04/2015 without an offence in 2014/15: an older offence, and
            # perhaps offences in the period (not counted: not in the performance cohort)
            earlier = _free_days(person.custody, date(2013, 4, 1), date(2014, 3, 31))
            if not earlier:
                began = min(start for start, _, _ in person.custody)
                earlier = [began - timedelta(days=20 + h % 60)]
            offence(person.nid, earlier[h % len(earlier)], h)
            period_days = _free_days(person.custody, *PERIOD)
            for k, day in enumerate(_place(period_days, h % 3 if period_days else 0)):
                offence(person.nid, day, h + k)
        else:
            # joiners: offended in 2014/15 and 2015/16, but were not in a scheme on 01/04/2015
            baseline_days = _free_days(person.custody, *BASELINE)
            period_days = _free_days(person.custody, *PERIOD)
            for k, day in enumerate(_place(baseline_days, 1 + h % 4) + _place(period_days, h % 3)):
                offence(person.nid, day, h + k)

    # people who left IOM before 01/04/2015: offended in both years, not in a scheme on the cohort date
    for i in range(12):
        index = 2001 + i
        former = Person(f"X{index:04d}", ("priority", "enhanced")[i % 2], AREAS[i % 8], 0, 0, index)
        h = _mix(index, 23)
        nominals.append({"nominal_id": former.nid, "family_name": FAMILY_NAMES[h % len(FAMILY_NAMES)],
                         "given_names": FIRST_NAMES[h % 18], "date_of_birth": _dob(former),
                         "gender": "male", "area": former.area})
        cohort.append({"nominal_id": former.nid, "scheme": former.scheme,
                       "start_date": date(2013, 1, 7) + timedelta(days=h % 300),
                       "end_date": date(2015, 3, 31) - timedelta(days=i * 9),
                       "exit_reason": "deselected: reduced risk"})
        for k in range(2 + h % 3):
            offence(former.nid, date(2014, 5, 2) + timedelta(days=k * 71 + h % 20), h + k)
            offence(former.nid, date(2015, 5, 9) + timedelta(days=k * 83 + h % 20), h + k + 1)

    # needs: 67 new priority entrants assessed within weeks of joining, then every three months
    # up to 12 months (some re-assessments fall after the period); the other priority joiners
    # are returners whose first-ever assessment was in an earlier IOM episode
    priority_joiners = sorted((p for p in people if p.scheme == "priority" and p.first > 0),
                              key=lambda p: (p.first, p.change_day(p.first), p.index))
    entrants = priority_joiners[:NEW_ENTRANTS_ASSESSED]
    returners = priority_joiners[NEW_ENTRANTS_ASSESSED:]
    assert all(p.first <= 3 for p in entrants)
    scores: dict[str, list[int]] = {}
    for salt, (pathway, identified, total) in enumerate(
            zip(PATHWAYS, PUBLISHED_NEEDS["identified"], NEEDS_SCORE_SUMS, strict=True)):
        count = int(identified)
        needy = _shuffled(len(entrants), salt)[:count]
        values = [0] * len(entrants)
        for i, score in zip(needy, spread(total, count, 1, 10, salt=count), strict=True):
            values[i] = score
        scores[pathway] = values
    for i, person in enumerate(entrants):
        first = person.change_day(person.first) + timedelta(days=5 + i % 12)
        assert first <= PERIOD[1]
        for step in range(5):  # 0, 3, 6, 9 and 12 months
            day = first + timedelta(days=91 * step)
            for pathway in PATHWAYS:
                score = max(0, scores[pathway][i] - (step * (1 + i % 2)) // 2)
                needs.append({"nominal_id": person.nid, "assessed_on": day, "pathway": pathway,
                              "score": score})
    for person in returners:
        h = _mix(person.index, 31)
        old_start = date(2012, 9, 3) + timedelta(days=h % 200)
        old_end = old_start + timedelta(days=300 + h % 200)
        cohort.append({"nominal_id": person.nid, "scheme": "priority", "start_date": old_start,
                       "end_date": old_end, "exit_reason": "deselected: reduced risk"})
        for day in (old_start + timedelta(days=10), person.change_day(person.first) + timedelta(days=8)):
            if day > PERIOD[1]:
                continue
            for k, pathway in enumerate(PATHWAYS):
                needs.append({"nominal_id": person.nid, "assessed_on": day, "pathway": pathway,
                              "score": (h + k) % 8})
    # those on the priority caseload before the period: first assessed years ago, re-assessed
    # quarterly in the period (one pathway left unscored now and then: "not assessed")
    for number, person in enumerate([p for p in people if p.scheme == "priority" and p.first == 0][:60]):
        h = _mix(person.index, 37)
        # one first assessed the day before the period: a later assessment is never the first
        first = date(2015, 3, 31) if number == 0 else date(2013, 5, 6) + timedelta(days=h % 600)
        day = first
        while day <= PERIOD[1]:
            for k, pathway in enumerate(PATHWAYS):
                blank = (h + day.toordinal() + k) % 41 == 0
                needs.append({"nominal_id": person.nid, "assessed_on": day, "pathway": pathway,
                              "score": None if blank else (h + k + day.month) % 9})
            day += timedelta(days=91)

    return Built(people, {"nominals": nominals, "cohort": cohort, "custody": custody,
                          "supervision": supervision, "offences": offences, "needs": needs})


def _csv(rows: list[dict[str, object]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if v is None else v.strftime("%d/%m/%Y") if isinstance(v, date)
                             and k == "date_of_birth" else v.isoformat() if isinstance(v, date) else v)
                         for k, v in row.items()})
    return out.getvalue()


PACKAGE_TOML = """\
title = "Leicester, Leicestershire and Rutland IOM"
financial_year_start_month = 4
[schemes]
priority = "Priority IOM"
enhanced = "Enhanced IOM"
"""


def build_package(folder: Path) -> Path:
    """Write the seed 003 package (CSV files and package.toml) into ``folder``."""
    built = build()
    tables = {name: _csv(rows) for name, rows in built.tables.items()}
    tables["package.toml"] = PACKAGE_TOML
    return write_package(folder, tables, minimal=False)
