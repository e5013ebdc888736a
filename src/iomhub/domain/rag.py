"""Red/amber/green status of a performance indicator against its target.

The rule of ``docs/spec/report-json.md``: green when the target is met; amber when it is
missed by no more than 10% of the target (of the range's width for a range); red otherwise;
no status for targets that are ``na`` or ``tbc`` or when there is no actual. A ``change``
target is the baseline times (1 + value), e.g. a 40% reduction on a baseline of 46 is 27.6.
"""

from __future__ import annotations

from dataclasses import dataclass

AMBER_TOLERANCE = 0.10


@dataclass(frozen=True)
class Target:
    """One target of an indicator for a period (a row of targets.csv, with its indicator)."""

    kind: str  # value | range | change | na | tbc
    direction: str  # up | down | range
    value: float | None = None
    low: float | None = None
    high: float | None = None
    baseline: float | None = None

    def level(self) -> float | None:
        """The figure to meet: the value, or baseline x (1 + change); None for ranges and na/tbc."""
        if self.kind == "value":
            return self.value
        if self.kind == "change":
            if self.baseline is None or self.value is None:
                return None
            return self.baseline * (1 + self.value)
        return None


def rag(target: Target, actual: float | None) -> str | None:
    """``green``, ``amber``, ``red`` or None (not applicable or not computable)."""
    if actual is None or target.kind in ("na", "tbc"):
        return None
    if target.kind == "range" or (target.direction == "range" and target.low is not None):
        if target.low is None or target.high is None:
            return None
        if target.low <= actual <= target.high:
            return "green"
        slack = AMBER_TOLERANCE * (target.high - target.low)
        miss = target.low - actual if actual < target.low else actual - target.high
        return "amber" if miss <= slack else "red"
    level = target.level()
    if level is None:
        return None
    if target.direction == "down":
        miss = actual - level
    elif target.direction == "up":
        miss = level - actual
    else:  # a single value to hit exactly
        miss = abs(actual - level)
    if miss <= 0:
        return "green"
    return "amber" if miss <= AMBER_TOLERANCE * abs(level) else "red"
