"""When a person's record is next reviewed: the retention rules (DPA 2018 s.39; the College of
Policing's Management of Police Information, MoPI).

MoPI sorts records by the most serious offending they hold, and sets how long may pass before a
record must be reviewed (is it still necessary to hold?):

- group 1, certain public protection matters (here: any sexual offence, or a MAPPA flag): reviewed
  every 10 years, kept while the person may still pose a risk;
- group 2, other violent or serious offences (violence with injury, robbery, weapons): 10 years;
- group 3, all other offences: 6 years;
- no offence recorded (referred, assessed, never offended on record): 3 years.

A record is due for review that many years after the later of its last event (an offence, a
cohort episode starting or ending, custody, supervision, a referral, an assessment, treatment,
a case note) and its last review; a review that keeps the record starts the count again. The
partnership may set its own in a ``[retention]`` table (in its package.toml, or any TOML file
named by ``IOMHUB_RETENTION_FILE``)::

    [retention]
    group_1_years = 10
    group_2_years = 10
    group_3_years = 6
    no_offence_years = 3
    group_1_categories = ["sexual"]
    group_1_flags = ["mappa_1", "mappa_2", "mappa_3"]
    group_2_categories = ["violence_with_injury", "robbery", "weapons"]

Plain Python (read by ``settings.py`` at start-up, where a mistake stops it with a message).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from iomhub.domain.codes import FLAGS, OFFENCE_CATEGORIES

GROUP_1, GROUP_2, GROUP_3, NO_OFFENCE = "group 1", "group 2", "group 3", "no offence"
GROUP_TITLES = {
    GROUP_1: "Group 1: certain public protection matters",
    GROUP_2: "Group 2: other violent or serious offences",
    GROUP_3: "Group 3: all other offences",
    NO_OFFENCE: "No offence recorded",
}


@dataclass(frozen=True)
class RetentionRules:
    years: dict[str, int] = field(default_factory=lambda: {GROUP_1: 10, GROUP_2: 10, GROUP_3: 6, NO_OFFENCE: 3})
    group_1_categories: frozenset[str] = frozenset({"sexual"})
    group_1_flags: frozenset[str] = frozenset({"mappa_1", "mappa_2", "mappa_3"})
    group_2_categories: frozenset[str] = frozenset({"violence_with_injury", "robbery", "weapons"})

    def group(self, categories: set[str], flags: set[str]) -> str:
        """The MoPI group of a record holding offences of ``categories`` and ``flags`` (ever)."""
        if categories & self.group_1_categories or flags & self.group_1_flags:
            return GROUP_1
        if categories & self.group_2_categories:
            return GROUP_2
        return GROUP_3 if categories else NO_OFFENCE


class RulesError(ValueError):
    """A ``[retention]`` table the application cannot use; the message names the key."""


def _years(table: dict[str, Any], key: str, default: int) -> int:
    value = table.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 100:
        raise RulesError(f"[retention] {key} must be a whole number of years from 1 to 100, not {value!r}")
    return value


def _codes(table: dict[str, Any], key: str, default: frozenset[str], allowed: tuple[str, ...]) -> frozenset[str]:
    value = table.get(key)
    if value is None:
        return default
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise RulesError(f"[retention] {key} must be a list of codes")
    unknown = sorted(set(value) - set(allowed))
    if unknown:
        raise RulesError(f"[retention] {key}: unknown codes {unknown} (known: {', '.join(allowed)})")
    return frozenset(value)


def parse(table: dict[str, Any]) -> RetentionRules:
    known = {"group_1_years", "group_2_years", "group_3_years", "no_offence_years", "group_1_categories",
             "group_1_flags", "group_2_categories"}
    extra = sorted(set(table) - known)
    if extra:
        raise RulesError(f"[retention]: unknown keys {extra}")
    base = RetentionRules()
    return RetentionRules(
        years={GROUP_1: _years(table, "group_1_years", base.years[GROUP_1]),
               GROUP_2: _years(table, "group_2_years", base.years[GROUP_2]),
               GROUP_3: _years(table, "group_3_years", base.years[GROUP_3]),
               NO_OFFENCE: _years(table, "no_offence_years", base.years[NO_OFFENCE])},
        group_1_categories=_codes(table, "group_1_categories", base.group_1_categories, OFFENCE_CATEGORIES),
        group_1_flags=_codes(table, "group_1_flags", base.group_1_flags, FLAGS),
        group_2_categories=_codes(table, "group_2_categories", base.group_2_categories, OFFENCE_CATEGORIES))


def load(path: str | None) -> RetentionRules:
    """The rules of the ``[retention]`` table of the TOML file at ``path`` (the defaults when there
    is no file, or no table)."""
    if not path:
        return RetentionRules()
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise RulesError(f"{path}: {error}") from None
    table = data.get("retention", {})
    if not isinstance(table, dict):
        raise RulesError(f"{path}: retention must be a table")
    return parse(table)
