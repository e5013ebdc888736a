"""A starting mapping for a folder of extracts (``iomhub mapping suggest``), and the code
spellings a package's files use (for a page that maps them).

``suggest`` reads every delimited file (or sheet) of a package whatever its name, then:

- matches each file's headers to a table's columns, by name (the words of the header against
  the column's name and its usual synonyms: ``DOB``, ``Sex``, ``Offence Committed Date``) and by
  content (dates, PNC ids, numbers, true/false, the codes of a code column);
- gives each file the table whose required columns it covers best (its name helps:
  ``Niche nominal export`` is nominals, ``IOM caseload`` is cohort), each table at most once;
- lists each code column's spellings with their counts: canonical ones need nothing, known
  spellings (``M``, ``Burglary - Dwelling``) and close ones are mapped and marked as guessed,
  the others are left for the user to map;
- finds the date formats the files use beyond the package's own (``01-Apr-2015``, Excel
  serial numbers) for ``[dates]``;
- reads a file that is not UTF-8 as Windows-1252 and declares it (``encoding = "cp1252"``).

Everything is deterministic: the same files give the same text.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import polars as pl

from iomhub.domain.codes import normalise_code
from iomhub.package.dates import EXCEL, DateFormats, builtin_date, declared_date
from iomhub.package.load import read_mapped
from iomhub.package.mapping import FileSource, Mapping, toml_string
from iomhub.package.problems import PackageError
from iomhub.package.schema import TABLES, Column, Kind
from iomhub.package.settings import MAPPING_SECTIONS
from iomhub.package.sources import LINE, RawPackage, RawTable, ReadAs, fold, read_source
from iomhub.package.validate import FALSE_WORDS, TRUE_WORDS

DELIMITED = (".csv", ".txt", ".tsv")
MATCH_AT = 0.5  # the least score for a header to be mapped to a column
SHOWN_SPELLINGS = 40
DATE_FORMATS = ("%d-%b-%Y", "%d %b %Y", "%d-%B-%Y", "%d %B %Y", "%d.%m.%Y", "%d-%m-%Y", "%Y/%m/%d", "%Y%m%d",
                "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S",
                "%d-%b-%Y %H:%M:%S", EXCEL)
PNC = r"^\d{2}(\d{2})?/\d{1,7}[A-Za-z]$"
FALLBACK_ENCODING = "cp1252"

# The usual names of a column in the systems IOM units export from (words, lower case).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "nominal_id": ("person urn", "urn", "nominal", "nominal ref", "nominal number", "person id", "person ref",
                   "client id", "offender id", "subject id", "iom id", "unique id"),
    "pnc_id": ("pnc", "pnc number", "pnc no", "pncid", "pnc ref", "cro pnc"),
    "family_name": ("surname", "last name", "family name"),
    "given_names": ("forename", "forenames", "first name", "first names", "given name"),
    "date_of_birth": ("dob", "birth date", "date of birth", "born", "d o b"),
    "gender": ("sex", "gender"),
    "area": ("npa", "neighbourhood", "district", "locality", "lpa", "sector", "ward"),
    "sanctions": ("previous sanctions", "previous convictions", "number of sanctions", "sanction count"),
    "first_sanction_date": ("first sanction", "date of first sanction", "first conviction date"),
    "scheme": ("level", "iom level", "cohort level", "band", "iom category", "strand"),
    "start_date": ("start", "started", "date started", "from", "adopted", "date adopted", "date joined",
                   "joined", "entry date", "date of entry", "received", "reception date"),
    "end_date": ("end", "ended", "date ended", "to", "exit date", "date of exit", "deselected", "date deselected",
                 "released", "release date", "discharge date", "discharged"),
    "exit_reason": ("reason", "reason for exit", "deselection reason", "reason for deselection", "exit reason"),
    "flag": ("programme", "marker", "flag type"),
    "offence_id": ("crime ref", "crime reference", "crime number", "crime no", "crime id", "occurrence number",
                   "occurrence ref", "offence ref"),
    "offence_date": ("offence committed date", "committed", "date committed", "committed date", "date of offence",
                     "committed from", "offence date"),
    "detected_date": ("detected", "detection date", "date detected", "charged", "charge date", "outcome date",
                      "disposal date"),
    "category": ("offence type", "offence category", "crime type", "crime category", "offence group",
                 "home office class", "classification"),
    "offence_code": ("ho code", "home office code", "ho offence code", "offence code"),
    "expected_release_date": ("erd", "expected release", "earliest release date", "crd",
                              "conditional release date"),
    "custody_type": ("custody type", "custody status", "sentence status"),
    "provider": ("managed by", "supervising agency", "provider"),
    "order_type": ("order", "sentence type", "order type", "disposal"),
    "assessed_on": ("assessed", "assessment date", "date assessed", "date of assessment", "review date"),
    "tier": ("risk", "risk tier", "rag", "risk level", "colour", "risk rating"),
    "referral_id": ("referral ref", "referral number", "referral no"),
    "referred_on": ("referred", "referral date", "date referred", "date of referral"),
    "referring_agency": ("referrer", "referred by", "referring agency", "source of referral"),
    "decision": ("decision", "outcome of referral", "panel decision"),
    "decided_on": ("decision date", "decided", "date decided", "panel date"),
    "mappa_level": ("mappa", "mappa level", "mappa category"),
    "meeting_id": ("meeting ref", "meeting number"),
    "held_on": ("meeting date", "held", "date held"),
    "meeting_type": ("meeting", "type of meeting"),
    "invited": ("invited", "invite"),
    "attended": ("attended", "present"),
    "pathway": ("need", "need area", "pathway"),
    "score": ("need score", "rating"),
    "episode_id": ("episode", "episode ref", "treatment id", "treatment episode"),
    "substance": ("drug", "primary substance", "problem substance", "main substance", "drug of choice"),
    "outcome": ("discharge reason", "exit reason", "treatment outcome", "reason for discharge"),
    "re_presented_on": ("re presented", "represented", "re presentation date", "date re presented"),
}

# The tables a file's name suggests (words of its name, lower case).
TABLE_WORDS: dict[str, tuple[str, ...]] = {
    "nominals": ("nominal", "nominals", "person", "people", "persons", "offender", "offenders", "individuals"),
    "cohort": ("cohort", "caseload", "adopted", "episodes"),
    "flags": ("flag", "flags", "marker", "markers"),
    "offences": ("offence", "offences", "crime", "crimes", "offending", "charges"),
    "custody": ("custody", "prison", "remand", "custodial"),
    "supervision": ("supervision", "probation", "orders"),
    "risk": ("risk", "tier", "tiers"),
    "referrals": ("referral", "referrals", "srm"),
    "meetings": ("meeting", "meetings"),
    "attendance": ("attendance", "attendees"),
    "needs": ("needs", "pathway", "pathways", "oasys"),
    "treatment": ("treatment", "ndtms", "substance"),
    "indicators": ("indicator", "indicators", "kpi", "kpis"),
    "targets": ("target", "targets"),
    "actuals": ("actual", "actuals"),
    "actions": ("action", "actions"),
    "rag_overrides": ("override", "overrides"),
}

# Spellings of codes common in police, probation and Home Office extracts (normalised as codes are).
KNOWN_SPELLINGS: dict[str, dict[str, str]] = {
    "gender": {"m": "male", "f": "female", "man": "male", "woman": "female", "u": "unknown", "not_known": "unknown",
               "not_stated": "unknown", "nk": "unknown", "n_k": "unknown", "not_specified": "unknown"},
    "category": {
        "burglary_dwelling": "burglary_residential", "burglary_in_a_dwelling": "burglary_residential",
        "domestic_burglary": "burglary_residential", "residential_burglary": "burglary_residential",
        "burglary_other": "burglary_business", "burglary_non_dwelling": "burglary_business",
        "burglary_other_than_a_dwelling": "burglary_business", "non_domestic_burglary": "burglary_business",
        "burglary_business_and_community": "burglary_business",
        "theft_of_motor_vehicle": "vehicle", "theft_from_motor_vehicle": "vehicle", "vehicle_crime": "vehicle",
        "vehicle_offences": "vehicle", "theft_of_or_from_a_vehicle": "vehicle",
        "interfering_with_a_motor_vehicle": "vehicle", "aggravated_vehicle_taking": "vehicle",
        "theft_from_the_person": "theft_from_person", "theft_from_shops": "shoplifting",
        "other_theft_offences": "other_theft", "all_other_theft_offences": "other_theft",
        "bicycle_theft": "other_theft", "theft_other": "other_theft",
        "criminal_damage_and_arson": "criminal_damage", "arson": "criminal_damage",
        "drug_offences": "drugs", "possession_of_drugs": "drugs", "trafficking_of_drugs": "drugs",
        "possession_of_weapons_offences": "weapons", "possession_of_weapons": "weapons",
        "public_order_offences": "public_order", "sexual_offences": "sexual", "rape": "sexual",
        "robbery_of_personal_property": "robbery", "robbery_of_business_property": "robbery",
        "violence_against_the_person_with_injury": "violence_with_injury",
        "violence_against_the_person_without_injury": "violence_without_injury",
        "fraud_and_forgery": "fraud", "miscellaneous_crimes_against_society": "other"},
    "tier": {"r": "red", "a": "amber", "g": "green"},
}


@dataclass(frozen=True)
class Spelling:
    """One way a code column's cells are written, how many cells, and the code it reads as.

    ``how``: ``canonical`` (already the package's code), ``mapped`` (by the mapping), or a guess
    for the user to check: ``a usual spelling`` (``KNOWN_SPELLINGS``), ``its first letter``,
    ``a close spelling``; empty when it reads as no code yet.
    """

    spelling: str
    rows: int
    code: str | None
    how: str = ""


def spellings_of(cells: pl.Series, column: Column, mapped: dict[str, str],
                 extra_codes: Collection[str] = (), guess: bool = False) -> list[Spelling]:
    """The distinct spellings of a code column, most frequent first (then alphabetically)."""
    allowed = column.codes(extra_codes)
    counts = cells.drop_nulls().value_counts(name="rows").sort(["rows", cells.name], descending=[True, False])
    out: list[Spelling] = []
    for spelling, rows in counts.iter_rows():
        normal = normalise_code(spelling)
        if normal in mapped:
            out.append(Spelling(spelling, rows, mapped[normal], "mapped"))
        elif allowed is None or normal in allowed:
            out.append(Spelling(spelling, rows, normal, "canonical"))
        elif guess:
            code, how = _guess(normal, column.name, allowed)
            out.append(Spelling(spelling, rows, code, how))
        else:
            out.append(Spelling(spelling, rows, None))
    return out


def _guess(normal: str, column: str, allowed: tuple[str, ...], close: bool = True) -> tuple[str | None, str]:
    known = KNOWN_SPELLINGS.get(column, {}).get(normal)
    if known in allowed:
        return known, "a usual spelling"
    if len(normal) == 1:
        firsts = [code for code in allowed if code.startswith(normal)]
        return (firsts[0], "its first letter") if len(firsts) == 1 else (None, "")
    similar = difflib.get_close_matches(normal, allowed, n=1, cutoff=0.8) if close else []
    return (similar[0], "a close spelling") if similar else (None, "")


def code_spellings(path: Path | str, mapping: Mapping | None = None) -> dict[tuple[str, str], list[Spelling]]:
    """Every code column's spellings in a package's files, with their counts and the code each
    reads as under ``mapping`` (else the package's own). For a page that maps codes: it shows
    the files' own spellings, so it reads the files with their headers mapped but codes as
    written. Raises ``PackageError`` only when the package cannot be read at all."""
    source = read_mapped(path, mapping)
    out: dict[tuple[str, str], list[Spelling]] = {}
    for table, raw in source.raw.tables.items():
        for column in TABLES[table].columns:
            if column.kind is Kind.CODE and column.name in raw.frame.columns:
                out[(table, column.name)] = spellings_of(
                    raw.frame.get_column(column.name), column, source.mapping.spellings(table, column.name),
                    source.extra_codes.get(column.name, ()))
    return out


# -- reading every file, whatever its name -------------------------------------------------------

@dataclass
class ReadFile:
    """A file (or sheet) of the package read as text cells, or why it could not be."""

    name: str
    table: RawTable | None
    encoding: str | None = None  # declared for it: it is not UTF-8
    problem: str = ""


def read_every_file(path: Path) -> list[ReadFile]:
    """Each delimited file (``.csv``, ``.txt``, ``.tsv``) or sheet of a package as a raw table;
    raises ``PackageError`` if the package itself cannot be read.

    ``read_source`` reads one file per table name, so files are read in batches, each file in
    the slot of a table name; a file that is not UTF-8 is read again as Windows-1252."""
    listing = read_source(path, _ignore_all)
    if not listing.readable:
        raise PackageError(listing.problems)
    sheets = path.suffix.lower() in (".xlsx", ".xlsm")
    names = [name for name in dict.fromkeys(listing.names)
             if name.strip().lower() not in ("package", "package.toml")
             and (sheets or PurePosixPath(name).suffix.lower() in DELIMITED)]
    read: dict[str, ReadFile] = {}
    _read_batches(path, names, None, read)
    retry = [name for name in names if read[name].table is None and "not UTF-8" in read[name].problem]
    _read_batches(path, retry, FALLBACK_ENCODING, read)
    return [read[name] for name in names]


def _ignore_all(raw: RawPackage) -> None:
    raw.mapped = dict.fromkeys((fold(name) for name in raw.names), None)


def _read_batches(path: Path, names: list[str], encoding: str | None, read: dict[str, ReadFile]) -> None:
    slots = list(TABLES)
    for start in range(0, len(names), len(slots)):
        batch = dict(zip(slots, names[start:start + len(slots)], strict=False))

        def resolve(raw: RawPackage, batch: dict[str, str] = batch) -> None:
            _ignore_all(raw)
            raw.mapped.update({fold(name): ReadAs(slot, encoding) for slot, name in batch.items()})

        raw = read_source(path, resolve)
        for slot, name in batch.items():
            table = raw.tables.get(slot)
            problems = [p for p in raw.problems if _names(p.file, name)]
            why = "; ".join(f"{f'line {p.line}: ' if p.line else ''}{p.message}" for p in problems[:3])
            read[name] = ReadFile(name, table, encoding if table is not None else None, "" if table else why)


def _names(label: str, name: str) -> bool:
    """Whether a problem's file label is the file (or sheet) ``name``."""
    return label == name or label.endswith((f"/{name}", f"[{name}]"))


# -- profiles of columns -------------------------------------------------------------------------

@dataclass
class Profile:
    """What a column's cells look like: shares of its non-empty cells."""

    header: str
    key: str
    filled: int
    dates: float  # written as dates (the package's forms, or one of DATE_FORMATS but Excel's)
    serials: float  # Excel serial numbers (they are dates only in a column named like one)
    date_formats: dict[str, int]  # the formats beyond the package's own, and the cells each reads first
    pnc: float
    numbers: float
    booleans: float
    values: pl.DataFrame  # distinct cells and their counts (``value``, ``rows``)


def _profile(raw: RawTable, key: str) -> Profile:
    counts = (raw.frame.get_column(key).drop_nulls().value_counts(name="rows")
              .rename({key: "value"}).sort(["rows", "value"], descending=[True, False]))
    filled = int(counts.get_column("rows").sum()) if counts.height else 0
    value = pl.col("value")
    own, shaped = builtin_date(value)
    readings = [declared_date(value, DateFormats((fmt,)) if fmt != EXCEL else DateFormats(excel=True))
                for fmt in DATE_FORMATS]
    looks = counts.select(
        pl.col("rows"),
        own.is_not_null().alias("own"),
        *[(~shaped & reading.is_not_null()).alias(fmt) for fmt, reading in zip(DATE_FORMATS, readings, strict=True)
          if reading is not None],
        value.str.contains(PNC).alias("pnc"),
        value.str.replace_all(",", "").str.strip_suffix("%").cast(pl.Float64, strict=False).is_not_null()
        .alias("number"),
        value.str.to_lowercase().is_in([*TRUE_WORDS, *FALSE_WORDS]).alias("bool"),
    )

    def share(name: str) -> float:
        return float(looks.filter(pl.col(name)).get_column("rows").sum()) / filled if filled else 0.0

    formats: dict[str, int] = {}
    for fmt in DATE_FORMATS:  # each cell counts for the first format that reads it
        first = int(looks.filter(pl.col(fmt) & ~pl.col("own")).get_column("rows").sum())
        if first:
            formats[fmt] = first
            looks = looks.with_columns(pl.col("own") | pl.col(fmt))
    serials = formats.get(EXCEL, 0) / filled if filled else 0.0
    return Profile(raw.titles.get(key, key), key, filled, share("own") - serials, serials,
                   formats, share("pnc"), share("number"), share("bool"), counts)


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def name_similarity(header: str, column: str) -> float:
    """How much a header's words look like a column's name or one of its usual names (0 to 1)."""
    words = _words(header)
    if not words:
        return 0.0
    best = 0.0
    for variant in (column.replace("_", " "), *SYNONYMS.get(column, ())):
        if words == variant:
            return 1.0
        ratio = difflib.SequenceMatcher(None, words, variant).ratio()
        if len(variant) > 2 and set(variant.split()) <= set(words.split()):
            ratio = max(ratio, 0.8)
        best = max(best, ratio)
    return best


def content_fit(profile: Profile, column: Column, extra_codes: Collection[str] = ()) -> float:
    """How well a column's cells fit a column's kind (0 to 1; 0.5 says nothing either way)."""
    if profile.filled == 0:
        return 0.5
    if column.kind is Kind.DATE:
        return profile.dates + 0.9 * profile.serials
    if column.kind is Kind.PNC:
        return profile.pnc
    if column.kind in (Kind.NUMBER, Kind.SCORE):
        return profile.numbers * (1.0 - profile.dates)
    if column.kind is Kind.BOOL:
        return profile.booleans
    if column.kind is Kind.CODE:
        allowed = column.codes(extra_codes)
        if allowed is None:
            return 0.5
        fits = sum(rows for value, rows in profile.values.head(CODE_FIT_VALUES).iter_rows()
                   if _code_or_known(normalise_code(value), column.name, allowed))
        return float(fits) / profile.filled
    # text: ids and names are not dates, numbers of a measure or PNC ids
    return 0.5 * (1.0 - max(profile.dates, profile.pnc if column.name != "nominal_id" else 0.0))


CODE_FIT_VALUES = 200  # a column with more spellings than this is hardly a code column


def _code_or_known(normal: str, column: str, allowed: tuple[str, ...]) -> bool:
    """A code, or a known or first-letter spelling of one (close spellings are for the listing only)."""
    return normal in allowed or _guess(normal, column, allowed, close=False)[0] is not None


def column_score(profile: Profile, column: Column) -> tuple[float, str]:
    """The score of mapping a header to a column, and why (by name, content, or both)."""
    name = name_similarity(profile.header, column.name)
    fit = content_fit(profile, column)
    score = 0.65 * name + 0.35 * fit
    if fit < 0.5 and column.kind not in (Kind.TEXT, Kind.CODE):  # codes are the user's to map
        score *= fit + 0.3  # the cells contradict the name
    recognisable = column.kind is Kind.PNC or (column.kind is Kind.CODE and column.allowed is not None)
    by_content = 0.55 * fit if recognisable and fit >= 0.9 else 0.0
    if by_content > score:
        return by_content, "by content"
    named, fits = name >= 0.8, fit >= 0.9 and column.kind is not Kind.TEXT
    return score, ("by name and content" if named and fits else "by name" if named else "by content" if fits
                   else "a weak match: check it")


# -- the suggestion ------------------------------------------------------------------------------

@dataclass
class ColumnMatch:
    column: str
    header: str
    score: float
    why: str


@dataclass
class FileMatch:
    """A file given to a table: its headers mapped to columns, and what is left."""

    name: str
    table: str
    rows: int
    encoding: str | None
    columns: list[ColumnMatch]
    missing: list[str]  # required columns no header matched
    unused: list[str]  # headers mapped to no column
    score: float


@dataclass
class Suggestion:
    """A starting mapping for a package, with what it could not decide."""

    source: str
    files: list[FileMatch] = field(default_factory=list)
    unmatched: list[tuple[str, str]] = field(default_factory=list)  # (file, why)
    codes: dict[tuple[str, str], list[Spelling]] = field(default_factory=dict)
    date_formats: dict[str, int] = field(default_factory=dict)  # format -> cells it reads

    @property
    def mapping(self) -> Mapping:
        """The mapping suggested (guessed codes included, unmapped spellings left out)."""
        codes: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {}
        for (table, column), spellings in self.codes.items():
            by_code: dict[str, list[str]] = {}
            for spelling in spellings:
                if spelling.code is not None and spelling.how not in ("canonical", "mapped"):
                    by_code.setdefault(spelling.code, []).append(spelling.spelling)
            if by_code:
                codes.setdefault(table, {})[column] = {code: tuple(s) for code, s in by_code.items()}
        patterns = tuple(fmt for fmt in self.date_formats if fmt != EXCEL)
        return Mapping(
            files={m.table: FileSource(m.name, m.encoding) for m in self.files},
            columns={m.table: {c.column: c.header for c in m.columns} for m in self.files if m.columns},
            codes=codes, dates=DateFormats(patterns, EXCEL in self.date_formats))

    @property
    def to_map(self) -> int:
        """How many spellings read as no code yet."""
        return sum(1 for spellings in self.codes.values() for s in spellings if s.code is None)

    def to_toml(self) -> str:
        return _SuggestionText(self).text()


def suggest(path: Path | str) -> Suggestion:
    """A starting mapping for the files of a package (folder, ``.zip`` or ``.xlsx``); raises
    ``PackageError`` if the package itself cannot be read."""
    path = Path(path)
    files = read_every_file(path)
    suggestion = Suggestion(str(path))
    candidates: list[FileMatch] = []
    profiles: dict[str, dict[str, Profile]] = {}
    for read in files:
        if read.table is None:
            suggestion.unmatched.append((read.name, f"could not be read: {read.problem}"))
            continue
        keys = [c for c in read.table.frame.columns if c != LINE]
        profiles[read.name] = {key: _profile(read.table, key) for key in keys}
        candidates += [match for table in TABLES
                       if (match := _match_file(read, table, profiles[read.name])) is not None]
    taken_files: set[str] = set()
    taken_tables: set[str] = set()
    for match in sorted(candidates, key=lambda m: (-m.score, m.name, list(TABLES).index(m.table))):
        if match.name in taken_files or match.table in taken_tables:
            continue
        taken_files.add(match.name)
        taken_tables.add(match.table)
        suggestion.files.append(match)
    suggestion.files.sort(key=lambda m: list(TABLES).index(m.table))
    for read in files:
        if read.table is not None and read.name not in taken_files:
            headers = ", ".join(p.header for p in profiles[read.name].values())
            suggestion.unmatched.append((read.name, f"matched no table (headers: {headers})"))
    by_name = {read.name: read for read in files}
    for match in suggestion.files:
        _add_codes_and_dates(suggestion, match, profiles[match.name], by_name[match.name])
    return suggestion


def match_columns(read: ReadFile, table: str) -> dict[str, str]:
    """A file's headers matched to the columns of ``table`` as ``suggest`` matches them, for a page
    on which the user gives the file to that table; empty if the file cannot be that table."""
    if read.table is None:
        return {}
    profiles = {key: _profile(read.table, key) for key in read.table.frame.columns if key != LINE}
    match = _match_file(read, table, profiles)
    return {} if match is None else {c.column: c.header for c in match.columns}


def _file_words_fit(name: str, table: str) -> float:
    words = set(_words(PurePosixPath(name).stem).split())
    return 1.0 if words & {table, *TABLE_WORDS.get(table, ())} else 0.0


def _match_file(read: ReadFile, table: str, profiles: dict[str, Profile]) -> FileMatch | None:
    """The best mapping of a file's headers to a table's columns, if the file can be that table."""
    assert read.table is not None
    spec = TABLES[table]
    scored = sorted(((score, why, index, column.name, key)
                     for index, (key, profile) in enumerate(profiles.items())
                     for column in spec.columns
                     for score, why in [column_score(profile, column)] if score >= MATCH_AT),
                    key=lambda item: (-item[0], item[2], spec.names.index(item[3])))
    columns: dict[str, ColumnMatch] = {}
    used: set[str] = set()
    for score, why, _index, column, key in scored:
        if column in columns or key in used:
            continue
        columns[column] = ColumnMatch(column, profiles[key].header, score, why)
        used.add(key)
    required = [c.name for c in spec.columns if c.required]
    missing = [c for c in required if c not in columns]
    by_name = _file_words_fit(read.name, table)
    coverage = 1.0 - len(missing) / len(required)
    if missing and (by_name == 0.0 or coverage < 0.5):
        return None
    quality = sum(m.score for m in columns.values()) / len(spec.columns)
    ordered = [columns[name] for name in spec.names if name in columns]
    unused = [p.header for key, p in profiles.items() if key not in used]
    return FileMatch(read.name, table, read.table.frame.height, read.encoding, ordered, missing, unused,
                     2.0 * coverage + quality + by_name)


def _add_codes_and_dates(suggestion: Suggestion, match: FileMatch, profiles: dict[str, Profile],
                         read: ReadFile) -> None:
    assert read.table is not None
    by_header = {p.header: p for p in profiles.values()}
    for column_match in match.columns:
        column = TABLES[match.table].column(column_match.column)
        profile = by_header[column_match.header]
        if column.kind is Kind.CODE:
            spellings = spellings_of(read.table.frame.get_column(profile.key), column, {}, guess=True)
            if any(s.how != "canonical" for s in spellings):
                suggestion.codes[(match.table, column.name)] = spellings
        elif column.kind is Kind.DATE:
            for fmt, cells in profile.date_formats.items():
                suggestion.date_formats[fmt] = suggestion.date_formats.get(fmt, 0) + cells
    suggestion.date_formats = {fmt: suggestion.date_formats[fmt] for fmt in DATE_FORMATS
                               if fmt in suggestion.date_formats}


class _SuggestionText:
    """A suggestion as package.toml text, with comments saying what was guessed and what is left."""

    def __init__(self, suggestion: Suggestion) -> None:
        self.s = suggestion
        self.mapping = suggestion.mapping
        self.lines: list[str] = []

    def add(self, line: str = "", comment: str = "") -> None:
        self.lines.append(f"{line:<40} # {comment}".rstrip() if line and comment else
                          (f"# {comment}" if comment else line))

    def text(self) -> str:
        s = self.s
        self.add(comment="A starting mapping written by `iomhub mapping suggest` from the files it found:")
        self.add(comment="check every line (guesses are marked), map what is left, then run `iomhub check`.")
        self.add(comment="See docs/bringing-your-own-extracts.md.")
        self.add()
        self.add("[files]")
        for m in s.files:
            source = self.mapping.files[m.table]
            value = (toml_string(source.file) if source.encoding is None else
                     f"{{ file = {toml_string(source.file)}, encoding = {toml_string(source.encoding)} }}")
            note = _rows(m.rows) + ("; not UTF-8: read as Windows-1252, check its names" if m.encoding else "")
            self.add(f"{m.table} = {value}", note)
        for name, why in s.unmatched:
            self.add(comment=f"{name}: {why}")
        for table in TABLES:
            if table not in {m.table for m in s.files} and TABLES[table].required:
                self.add(comment=f"{table} = \"...\"  (required: no file matched it)")
        for m in s.files:
            self.add()
            self.add(f"[columns.{m.table}]")
            for c in m.columns:
                self.add(f"{c.column} = {toml_string(c.header)}", c.why)
            for column in m.missing:
                self.add(comment=f"{column} = \"...\"  (required: no header matched it)")
            if m.unused:
                self.add(comment=f"not used: {', '.join(m.unused)}")
        for (table, column), spellings in s.codes.items():
            self._codes(table, column, spellings)
        if s.date_formats:
            self.add()
            self.add("[dates]")
            formats = ", ".join(toml_string(f) for f in s.date_formats)
            read = "; ".join(f"{fmt}: {_count(cells, 'cell')}" for fmt, cells in s.date_formats.items())
            self.add(f"formats = [{formats}]", read)
        return "\n".join(self.lines) + "\n"

    def _codes(self, table: str, column: str, spellings: list[Spelling]) -> None:
        self.add()
        self.add(f"[codes.{table}.{column}]")
        by_code: dict[str, list[Spelling]] = {}
        for spelling in spellings:
            if spelling.code is not None and spelling.how != "canonical":
                by_code.setdefault(spelling.code, []).append(spelling)
        for code in TABLES[table].column(column).allowed or sorted(by_code):
            if code in by_code:
                listed = by_code[code]
                self.add(f"{code} = [{', '.join(toml_string(s.spelling) for s in listed)}]",
                         "; ".join(f"{s.spelling}: {_rows(s.rows)}, guessed from {s.how}" for s in listed))
        canonical = [s for s in spellings if s.how == "canonical"]
        if canonical:
            self.add(comment="already codes: " + ", ".join(f"{s.spelling} ({s.rows:,})" for s in canonical))
        unmapped = [s for s in spellings if s.code is None]
        for s in unmapped[:SHOWN_SPELLINGS]:
            self.add(comment=f"not mapped: {s.spelling!r}: {_rows(s.rows)}")
        if len(unmapped) > SHOWN_SPELLINGS:
            self.add(comment=f"... and {len(unmapped) - SHOWN_SPELLINGS} more spellings not mapped")
        allowed = TABLES[table].column(column).allowed
        if unmapped and allowed:
            self.add(comment=f"the codes: {', '.join(allowed)}")


def _count(count: int, what: str) -> str:
    return f"{count:,} {what}{'' if count == 1 else 's'}"


def _rows(count: int) -> str:
    return _count(count, "row")


def without_mapping(text: str) -> str:
    """A package.toml's text without its mapping sections (``[files]``, ``[columns.*]``,
    ``[codes.*]``, ``[dates]``): the settings a new suggestion keeps."""
    kept: list[str] = []
    skipping = False
    for line in text.splitlines():
        header = re.match(r"\s*\[+\s*[\"']?([A-Za-z0-9_-]+)", line)
        if header:
            skipping = header.group(1) in MAPPING_SECTIONS
        if not skipping:
            kept.append(line)
    return "\n".join(kept).rstrip() + "\n" if any(line.strip() for line in kept) else ""
