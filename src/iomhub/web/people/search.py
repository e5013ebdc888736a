"""Finding a person from what a practitioner types: names in any order, partial, without accents
and with one typo, an alias, a PNC id (with or without the serial's leading zeros), a date of
birth as typed (29/11/1987, 29-11-87, 1987-11-29) or an IOM id.

The database narrows the candidates, then :func:`name_score` decides, the same on every backend:

- names are compared as *search text* (:func:`normalise`: accents removed, lower case, apostrophes
  dropped, anything else not a letter or digit a space). On PostgreSQL that is the SQL function
  ``iomhub_search_text`` (``unaccent``, made by migration ``people.0006``, with a ``pg_trgm`` GIN
  index over it); on SQLite the same function is Python, registered on every connection
  (``people.apps``);
- the database keeps the people whose search text contains, for every word typed, the word or one
  of its one-edit variants (a regular expression, which the trigram index serves on PostgreSQL);
  on SQLite it asks :func:`name_score` itself, a Python function like the search text;
- a word typed matches a name word when it is the word, begins it (an initial too), or is
  one edit away (a letter changed, added, dropped, or two neighbours swapped; four letters or more).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connection
from django.db.models import Func, IntegerField, TextField, Value
from django.db.models.functions import Coalesce

from iomhub.web.people.forms import PNC_PATTERN

MIN_PREFIX = 1  # an initial begins a name
MIN_TYPO = 4
LIMIT = 50

# letters Unicode does not decompose, spelt as PostgreSQL's unaccent spells them
_LETTERS = str.maketrans({"ø": "o", "Ø": "O", "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE",
                          "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "TH",
                          "ı": "i"})
_APOSTROPHES = re.compile(r"['’`]")
_NOT_WORD = re.compile(r"[^a-z0-9]+")
_DAY_FIRST = re.compile(r"^(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{2}|\d{4})$")
_YEAR_FIRST = re.compile(r"^(\d{4})[/\-.](\d{1,2})[/\-.](\d{1,2})$")


def normalise(*parts: str | None) -> str:
    """``"Zoë O'Brien-Smith"`` → ``"zoe obrien smith"``: the text names are compared in."""
    text = " ".join(part for part in parts if part)
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text.translate(_LETTERS))
        text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(_NOT_WORD.sub(" ", _APOSTROPHES.sub("", text.lower())).split())


class SearchText(Func):
    """The search text of a person's names and aliases, computed by the database."""

    function = "iomhub_search_text"
    output_field = TextField()

    def __init__(self) -> None:
        super().__init__(*(Coalesce(name, Value("")) for name in ("given_names", "family_name", "aliases")))


class NameMatch(Func):
    """On SQLite, :func:`name_score` of the words typed against a person's names and aliases
    (``iomhub_name_match``, registered with the search text on every connection, ``people.apps``)."""

    function = "iomhub_name_match"
    output_field = IntegerField()

    def __init__(self, typed: str) -> None:
        super().__init__(*(Coalesce(name, Value("")) for name in ("given_names", "family_name", "aliases")),
                         Value(typed))


def within_one_edit(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by at most one substitution, insertion, deletion or swap
    of two neighbouring letters (optimal string alignment distance ≤ 1)."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        differ = [i for i in range(len(a)) if a[i] != b[i]]
        return len(differ) == 1 or (len(differ) == 2 and differ[1] == differ[0] + 1
                                    and a[differ[0]] == b[differ[1]] and a[differ[1]] == b[differ[0]])
    short, long = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long[i]:
        i += 1
    return short[i:] == long[i + 1:]


def word_score(typed: str, word: str) -> int:
    """3: the word itself; 2: the beginning of it (an initial too); 1: one edit away; 0: no match."""
    if typed == word:
        return 3
    if len(typed) >= MIN_PREFIX and word.startswith(typed):
        return 2
    if len(typed) >= MIN_TYPO and within_one_edit(typed, word):
        return 1
    return 0


def name_score(typed: list[str], words: list[str]) -> int:
    """The sum of each typed word's best match among ``words``; 0 when any typed word matches none."""
    total = 0
    for token in typed:
        best = max((word_score(token, word) for word in words), default=0)
        if not best:
            return 0
        total += best
    return total


def variants_pattern(token: str) -> str:
    """A regular expression finding ``token`` or any one-edit variant of it inside a search text
    (a superset of what :func:`word_score` accepts, for the database to narrow the candidates)."""
    if len(token) < MIN_TYPO:
        return re.escape(token)
    shapes = {token}
    for i in range(len(token)):
        shapes.add(token[:i] + "." + token[i + 1:])  # a letter changed
        shapes.add(token[:i] + "." + token[i:])  # a letter missing from what was typed
        shapes.add(token[:i] + token[i + 1:])  # a letter too many in what was typed
        if i + 1 < len(token):
            shapes.add(token[:i] + token[i + 1] + token[i] + token[i + 2:])  # neighbours swapped
    shapes.add(token + ".")
    return "(" + "|".join(sorted(shapes)) + ")"


def read_date(text: str, today: date) -> date | None:
    """A date of birth as typed: day first (29/11/1987, 29-11-87, 29.11.1987) or ISO
    (1987-11-29). A two-digit year is the latest year not after this one."""
    day = month = year = 0
    if match := _DAY_FIRST.match(text):
        day, month, year = (int(part) for part in match.groups())
        if len(match.group(3)) == 2:
            year += 2000 if 2000 + year <= today.year else 1900
    elif match := _YEAR_FIRST.match(text):
        year, month, day = (int(part) for part in match.groups())
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def pnc_key(text: str) -> tuple[int, int, str] | None:
    """A PNC id's identity, leading zeros and the century ignored: ``2009/0123456X`` and
    ``09/123456x`` are both ``(9, 123456, "X")``."""
    match = PNC_PATTERN.match(re.sub(r"\s+", "", text).upper())
    if not match:
        return None
    year, serial, letter = match.groups()
    return int(year[-2:]), int(serial), letter


@dataclass
class Query:
    """What was typed, read: IOM-id-like words, a PNC id, a date of birth, and name words."""

    text: str
    words: list[str] = field(default_factory=list)  # every word as typed (an IOM id is one of them)
    names: list[str] = field(default_factory=list)  # the name words, normalised
    pnc: tuple[int, int, str] | None = None
    born: date | None = None

    @classmethod
    def read(cls, text: str, today: date) -> Query:
        query = cls(text=text.strip()[:200])
        for word in query.text.replace(",", " ").split():
            if (key := pnc_key(word)) is not None:
                query.pnc = key
            elif (day := read_date(word, today)) is not None:
                query.born = day
            else:
                query.words.append(word)
                query.names.extend(normalise(word).split())
        return query

    @property
    def empty(self) -> bool:
        return not (self.words or self.pnc or self.born)


@dataclass
class Found:
    """One person found, and how well they match (higher is closer)."""

    person: Any
    score: int
    reason: str


def find(people: Any, query: Query, limit: int = LIMIT) -> list[Found]:  # noqa: C901
    """The people of ``people`` (already those the user may see) matching ``query``, closest first.

    An IOM id typed finds that person; otherwise every criterion typed must hold: the PNC id,
    the date of birth, and each name word matching one of the person's names or aliases."""
    if query.empty:
        return []
    found: dict[str, Found] = {}
    ids = [word for word in query.words if len(word) >= 2]
    if ids:
        for person in people.filter(nominal_id__in=_id_spellings(ids)):
            found[person.nominal_id] = Found(person, 100, "IOM id")
    candidates = people
    if query.pnc is not None:
        candidates = candidates.filter(pnc_id__contains=str(query.pnc[1]), pnc_id__endswith=query.pnc[2])
    if query.born is not None:
        candidates = candidates.filter(date_of_birth=query.born)
    if query.names and connection.vendor == "sqlite":  # the score itself, in Python, a row at a time
        candidates = candidates.alias(matched=NameMatch(" ".join(query.names))).filter(matched__gt=0)
    elif query.names:  # one regular expression, each word a lookahead, served by the trigram index
        every_word = "".join(f"(?=.*{variants_pattern(token)})" for token in dict.fromkeys(query.names))
        candidates = candidates.alias(search_text=SearchText()).filter(search_text__regex=every_word)
    if not (query.pnc or query.born or any(len(token) >= 2 for token in query.names)):
        candidates = candidates.none()  # initials alone would list nearly everyone
    for person in candidates[:2000]:
        if person.nominal_id in found:
            continue
        if query.pnc is not None and pnc_key(person.pnc_id) != query.pnc:
            continue
        score = 10 * (query.pnc is not None) + 10 * (query.born is not None)
        if query.names:
            matched = name_score(query.names, normalise(person.given_names, person.family_name,
                                                        person.aliases).split())
            if not matched:
                continue
            score += matched
        found[person.nominal_id] = Found(person, score, _reason(query))
    ranked = sorted(found.values(), key=lambda item: (-item.score, item.person.family_name,
                                                      item.person.given_names, item.person.nominal_id))
    return ranked[:limit]


def _id_spellings(words: list[str]) -> list[str]:
    return sorted({spelling for word in words for spelling in (word, word.upper(), word.lower())})


def _reason(query: Query) -> str:
    parts = [what for what, given in (("PNC id", query.pnc), ("date of birth", query.born),
                                      ("name", query.names)) if given]
    return " and ".join(parts)


def likely_duplicates(people: Any, *, pnc_id: str, given_names: str, family_name: str,
                      date_of_birth: date | None, exclude: str = "") -> list[Found]:
    """People of ``people`` who are probably the person about to be added: the same PNC id, or the
    same date of birth and a similar name (the family name, or every given name, matching as in
    a search)."""
    found: dict[str, Found] = {}
    key = pnc_key(pnc_id) if pnc_id else None
    if key is not None:
        for person in people.filter(pnc_id__contains=str(key[1]), pnc_id__endswith=key[2]):
            if pnc_key(person.pnc_id) == key:
                found[person.nominal_id] = Found(person, 100, "the same PNC id")
    family, given = normalise(family_name).split(), normalise(given_names).split()
    if date_of_birth is not None and (family or given):
        for person in people.filter(date_of_birth=date_of_birth):
            if person.nominal_id in found:
                continue
            words = normalise(person.given_names, person.family_name, person.aliases).split()
            if (family and name_score(family, words)) or (given and name_score(given, words)):
                found[person.nominal_id] = Found(person, 50, "the same date of birth and a similar name")
    found.pop(exclude, None)
    return sorted(found.values(), key=lambda item: (-item.score, item.person.nominal_id))


def resolve(people: Any, text: str, today: date) -> tuple[Any | None, str]:
    """The one person of ``people`` that ``text`` (an IOM id, or anything the search takes) names,
    or None and why not, for forms that take a person: ``(person, "")`` or ``(None, message)``."""
    text = text.strip()
    exact = people.filter(nominal_id__in=_id_spellings([text])).first() if text else None
    if exact is not None:
        return exact, ""
    results = find(people, Query.read(text, today), limit=6)
    if len(results) == 1:
        return results[0].person, ""
    if not results:
        return None, f"No one you can see matches “{text}”: check the name, PNC id, date of birth or IOM id"
    names = "; ".join(f"{item.person} born {item.person.date_of_birth:%d/%m/%Y}" if item.person.date_of_birth
                      else str(item.person) for item in results[:5])
    more = " and more" if len(results) > 5 else ""
    return None, (f"More than one person matches “{text}” ({names}{more}): "
                  "enter their IOM id, or add their date of birth or PNC id")
