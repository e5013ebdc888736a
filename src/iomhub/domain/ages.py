"""Age bands: completed years on a date, grouped by configurable lower bounds.

The report's default bands are under 18, 18–24 and 25 and over; a thematic report may
use 16–24 (seed 002, "16-24 age bracket"), configured as bounds ``(16, 25)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

DEFAULT_BOUNDS = (18, 25)


def completed_years(born: date, on: date) -> int:
    """Age in completed years on a date (a 29 February birthday falls on 1 March in other years)."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


@dataclass(frozen=True)
class AgeBands:
    """Bands cut at increasing lower bounds: ``(18, 25)`` gives under_18, 18_24 and 25_plus."""

    bounds: tuple[int, ...] = DEFAULT_BOUNDS

    def __post_init__(self) -> None:
        if not self.bounds or list(self.bounds) != sorted(set(self.bounds)) or self.bounds[0] <= 0:
            raise ValueError(f"age band bounds must be increasing positive ages, not {self.bounds}")

    @property
    def labels(self) -> list[str]:
        first, *rest = self.bounds
        labels = [f"under_{first}"]
        for low, high in zip(self.bounds, rest, strict=False):
            labels.append(f"{low}_{high - 1}")
        labels.append(f"{self.bounds[-1]}_plus")
        return labels

    def band(self, age: int) -> str:
        """The band's label for an age in completed years."""
        labels = self.labels
        for bound, label in zip(self.bounds, labels, strict=False):
            if age < bound:
                return label
        return labels[-1]

    @classmethod
    def parse(cls, text: str) -> AgeBands:
        """Read bounds written as ``18,25`` or ``16-24`` style cut points (``16,25``)."""
        try:
            bounds = tuple(int(part) for part in text.replace(" ", "").split(",") if part)
        except ValueError:
            raise ValueError(f"age bands {text!r}: give lower bounds such as 18,25") from None
        return cls(bounds)
