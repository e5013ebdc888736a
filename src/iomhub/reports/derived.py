"""The few figures the report shows that are not columns of its tables, each defined once.

Used by the view model (``reports/sections/``) and the drafted narrative alike, so that a
figure shown in two places is computed in one. A figure withheld for publication is NaN
(``formatting.CONFIDENTIAL``), and so is anything computed from it.
"""

from __future__ import annotations

from collections.abc import Sequence


def percent_change(first: float | None, last: float | None) -> float | None:
    """(last − first) ÷ first × 100: the change from the first to the last snapshot date; None
    when either is missing or ``first`` is 0."""
    if first is None or last is None or first == 0:
        return None
    return (last - first) / first * 100


def total(*parts: float | None) -> float | None:
    """The sum of a partition (community plus custody; every risk tier); None when a part is missing."""
    if any(part is None for part in parts):
        return None
    return sum(part for part in parts if part is not None)


def share(part: float | None, whole: float | None) -> float | None:
    """part ÷ whole × 100 (those statutorily managed of the community); None when the whole is 0."""
    if part is None or whole is None or whole == 0:
        return None
    return part / whole * 100


def totals(series: Sequence[Sequence[float | None]]) -> list[float | None]:
    """The total of several series of the same dates, date by date (a missing figure counts 0:
    a tier nobody holds on a date)."""
    return [sum(value or 0 for value in values) for values in zip(*series, strict=True)]
