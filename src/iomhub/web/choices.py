"""Choices for model fields, from the one vocabulary (``iomhub.domain.codes``)."""

from __future__ import annotations

from iomhub.domain import codes

TITLES = {**codes.PATHWAY_TITLES, "nps": "NPS", "crc": "CRC", "yos": "YOS", "pss": "Post-sentence supervision",
          "drr": "Drug rehabilitation requirement", "ete": "Education, training & employment"}


def choices(values: tuple[str, ...]) -> list[tuple[str, str]]:
    """``[(code, "Readable title"), ...]`` for a code list of the data package."""
    return [(value, TITLES.get(value, value.replace("_", " ").capitalize())) for value in values]


SCHEMES = choices(codes.SCHEMES)
OFFENCE_CATEGORIES = choices(codes.OFFENCE_CATEGORIES)
CUSTODY_TYPES = choices(codes.CUSTODY_TYPES)
PROVIDERS = choices(codes.PROVIDERS)
ORDER_TYPES = choices(codes.ORDER_TYPES)
TIERS = choices(codes.TIERS)
DECISIONS = choices(codes.DECISIONS)
AGENCIES = choices(codes.AGENCIES)
MEETING_TYPES = choices(codes.MEETING_TYPES)
PATHWAYS = choices(codes.PATHWAYS)
SUBSTANCES = choices(codes.SUBSTANCES)
TREATMENT_OUTCOMES = choices(codes.TREATMENT_OUTCOMES)
UNITS = choices(codes.UNITS)
DIRECTIONS = choices(codes.DIRECTIONS)
TARGET_KINDS = choices(codes.TARGET_KINDS)
ACTION_STATUSES = choices(codes.ACTION_STATUSES)
RAG_STATUSES = choices(codes.RAG_STATUSES)
MAPPA_LEVELS = choices(codes.MAPPA_LEVELS)

# The National Probation Service and the Community Rehabilitation Companies became one Probation
# Service in June 2021: their codes stay readable on older records, and are not offered for new ones.
RETIRED = frozenset({"nps", "crc"})
NEW_SUPERVISION_TITLES = {"nps": "Probation Service"}  # the package's provider code for probation


def offered(values: list[tuple[str, str]], current: str = "", titles: dict[str, str] | None = None,
            keep: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    """``values`` as a form offers them for a new record: without the retired codes (unless
    ``current``, a record's own value, or in ``keep``), with ``titles`` replacing some titles."""
    titles = titles or {}
    return [(code, titles.get(code, title) if code != current else title) for code, title in values
            if code not in RETIRED or code == current or code in keep]
