"""The settings of cohort selection (``[selection]`` of package.toml), with their defaults.

The score itself is defined in :mod:`iomhub.metrics.selection`; the gravity weights and their
source in :mod:`iomhub.domain.harm`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TypeGuard

from iomhub.domain.codes import OFFENCE_CATEGORIES
from iomhub.domain.harm import DEFAULT_GRAVITY

DEFAULT_LOOK_BACK_MONTHS = 24
DEFAULT_LONG_CUSTODY_DAYS = 180
MAX_LOOK_BACK_MONTHS = 120
COMPONENTS = ("recency", "frequency", "gravity")


@dataclass(frozen=True)
class SelectionSettings:
    """How people are ranked for the cohort.

    - ``look_back_months``: offences dated in the months up to and including the as-at date count;
    - ``long_custody_days``: people in custody on the as-at date who stay more than this many days
      longer (or whose release is unknown) are left out;
    - ``weights``: the weight of each component (recency, frequency, gravity) in the total;
    - ``gravity``: days of harm per offence category (defaults: :data:`DEFAULT_GRAVITY`).
    """

    look_back_months: int = DEFAULT_LOOK_BACK_MONTHS
    long_custody_days: int = DEFAULT_LONG_CUSTODY_DAYS
    weights: Mapping[str, float] = field(
        default_factory=lambda: MappingProxyType(dict.fromkeys(COMPONENTS, 1.0)))
    gravity: Mapping[str, float] = field(default_factory=lambda: DEFAULT_GRAVITY)

    def __post_init__(self) -> None:
        found = problems_of(self.look_back_months, self.long_custody_days, self.weights, self.gravity)
        if found:
            raise ValueError("; ".join(f"{key}: {problem}" for key, problem in found))
        object.__setattr__(self, "weights", MappingProxyType({k: float(v) for k, v in self.weights.items()}))
        object.__setattr__(self, "gravity", MappingProxyType(
            {k: float(v) for k, v in {**DEFAULT_GRAVITY, **self.gravity}.items()}))

    def weight(self, component: str) -> float:
        return float(self.weights[component])


def problems_of(look_back_months: object, long_custody_days: object, weights: Mapping[str, object],
                gravity: Mapping[str, object]) -> list[tuple[str, str]]:
    """Every (key, problem) of these settings; empty when they are usable. ``gravity`` holds the
    overriding categories only (or all of them)."""
    found: list[tuple[str, str]] = []
    if not _whole(look_back_months) or not 1 <= look_back_months <= MAX_LOOK_BACK_MONTHS:
        found.append(("look_back_months", f"must be a whole number of months from 1 to {MAX_LOOK_BACK_MONTHS}"))
    if not _whole(long_custody_days) or long_custody_days < 0:
        found.append(("long_custody_days", "must be a whole number of days, 0 or more"))
    for key in sorted(set(weights) - set(COMPONENTS)):
        found.append((f"weights.{key}", f"is not a component (use {', '.join(COMPONENTS)})"))
    for key in COMPONENTS:
        if key not in weights:
            found.append((f"weights.{key}", "is missing"))
        elif not _non_negative(weights[key]):
            found.append((f"weights.{key}", "must be a number, 0 or more"))
    if all(_non_negative(w) for w in weights.values()) and not any(weights.values()):
        found.append(("weights", "at least one component needs a weight above 0"))
    for key, value in sorted(gravity.items()):
        if key not in OFFENCE_CATEGORIES:
            found.append((f"gravity.{key}", "is not an offence category of the data package"))
        elif not _non_negative(value):
            found.append((f"gravity.{key}", "must be a number of days, 0 or more"))
    return found


def _whole(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _non_negative(value: object) -> bool:
    return (isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
            and value >= 0)
