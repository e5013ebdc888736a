"""Code lists of the data package and the rule that normalises a code as typed.

The lists are those of ``docs/spec/data-package.md``. A code is matched
case-insensitively after trimming, and spaces, hyphens and slashes count as
underscores, so ``Amber Green``, ``amber/green`` and ``amber_green`` are one code.
"""

from __future__ import annotations

import re

SCHEMES = ("priority", "enhanced", "standard")
GENDERS = ("male", "female", "other", "unknown")
FLAGS = (
    "ppo",
    "dyo",
    "dip",
    "mappa_1",
    "mappa_2",
    "mappa_3",
    "troubled_families",
    "gangs",
    "female_pathway",
)
OFFENCE_CATEGORIES = (
    "violence_with_injury",
    "violence_without_injury",
    "sexual",
    "robbery",
    "burglary_residential",
    "burglary_business",
    "vehicle",
    "theft_from_person",
    "shoplifting",
    "other_theft",
    "criminal_damage",
    "drugs",
    "weapons",
    "public_order",
    "fraud",
    "other",
)
CUSTODY_TYPES = ("remand", "sentenced", "recall")
PROVIDERS = ("nps", "crc", "yos", "other")
ORDER_TYPES = (
    "licence",
    "community_order",
    "suspended_sentence",
    "pss",
    "drr",
    "youth_order",
    "other",
)
TIERS = ("red", "amber", "green")
TIER_SEVERITY = {"red": 3, "amber": 2, "green": 1}
DECISIONS = ("accepted", "rejected", "pending", "withdrawn")
AGENCIES = (
    "police",
    "nps",
    "crc",
    "probation",
    "yos",
    "prison",
    "drugs_service",
    "council",
    "health",
    "other",
)
MEETING_TYPES = ("case_management", "operational", "single_referral", "board")
PATHWAYS = (
    "accommodation",
    "ete",
    "health",
    "drugs_alcohol",
    "finance",
    "children_families",
    "attitudes",
)
PATHWAY_TITLES = {
    "accommodation": "Accommodation",
    "ete": "Education, training & employment",
    "health": "Health",
    "drugs_alcohol": "Drugs and alcohol",
    "finance": "Finance, benefit and debt",
    "children_families": "Children and families",
    "attitudes": "Attitudes, thinking and behaviour",
}
SUBSTANCES = ("opiate", "non_opiate", "alcohol")
TREATMENT_OUTCOMES = (
    "successful_completion",
    "dropped_out",
    "transferred",
    "died",
    "ongoing",
    "other",
)
UNITS = ("count", "percent", "rate")
DIRECTIONS = ("up", "down", "range")
TARGET_KINDS = ("value", "range", "change", "na", "tbc")
ACTION_STATUSES = ("green", "amber_green", "amber", "amber_red", "red", "complete")
RAG_STATUSES = ("green", "amber", "red")
MAPPA_LEVELS = ("1", "2", "3")

UNKNOWN = "unknown"
ALL = "all"

_SEPARATORS = re.compile(r"[\s\-/_]+")  # a run of separators is one underscore


def normalise_code(raw: str) -> str:
    """Return the canonical form of a code as typed: lower case, trimmed, separators as ``_``.

    >>> normalise_code("  Amber Green ")
    'amber_green'
    >>> normalise_code("amber/green")
    'amber_green'
    """
    return _SEPARATORS.sub("_", raw.strip().lower()).strip("_")
