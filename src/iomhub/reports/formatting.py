"""Numbers and words for people: how every format (the HTML page, the dashboard, the board
documents in HTML, PDF, Word and Excel) writes a figure, a date, a period or a code.

Counts ``1,234``; percentages ``12.5%``; changes ``−38.9%`` and ``+13.1%`` with a true minus;
differences of percentages ``+9.8 points``; a figure that cannot be computed an em dash; a figure
withheld for publication ``[c]`` (:data:`WITHHELD`, ``reports/suppression.py``); dates
``1 April 2015`` (``1 Apr 2015`` in column headings); periods as financial years (``2015/16``)
when they are one. Halves round away from zero, as a spreadsheet does. Plain functions, no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from iomhub.domain.codes import PATHWAY_TITLES
from iomhub.domain.dates import PERIOD_PATTERN, Span, financial_year_label, whole_months
from iomhub.domain.rag import AMBER_TOLERANCE

MINUS = "\u2212"
EM_DASH = "\u2014"
WITHHELD = "[c]"  # a figure withheld for publication (``reports/suppression.py``)
CANNOT_COMPUTE = "cannot be computed"
SMALL_NUMBERS_TEXT = "small numbers: interpret with caution"
CUSTODY_NOTE = "People in custody"  # how the notes on people in custody on the cohort date begin
SMALL_NUMBERS_NOTE = "small numbers (under"  # in every note on a table's small groups (publication drops them)

ACRONYMS = {"nps": "NPS", "crc": "CRC", "yos": "YOS", "ppo": "PPO", "dyo": "DYO", "dip": "DIP",
            "iom": "IOM", "mappa": "MAPPA"}
ALL_LABELS = {"scheme": "All schemes", "area": "Total", "agency": "All agencies",
              "age_band": "All ages", "gender": "All", "flag": "All flags"}
RAG_LABELS = {"green": "Green", "amber": "Amber", "red": "Red"}
RAG_RULE = (f"Green: target met. Amber: missed by no more than {AMBER_TOLERANCE:.0%} of the target (of the range's "
            "width for a range). Red: missed by more.")
STATUS_LABELS = {"green": "Green", "amber_green": "Amber/green", "amber": "Amber",
                 "amber_red": "Amber/red", "red": "Red", "complete": "Complete"}


class Confidential(float):
    """A figure withheld for publication (shown ``[c]``). It is a float NaN so that a figure
    derived from it (a total, a change) is NaN too and shown ``[c]`` as well, never a wrong
    number; the JSON renderer writes it as null."""

    def __repr__(self) -> str:
        return "CONFIDENTIAL"


CONFIDENTIAL = Confidential("nan")


def is_withheld(value: Any) -> bool:
    """Whether ``value`` is a withheld figure, or one computed from it (a NaN)."""
    return isinstance(value, float) and value != value


# --- numbers --------------------------------------------------------------------------------


def decimal_text(value: float, places: int) -> str:
    """``value`` to ``places`` decimal places with thousands separators, rounding halves away
    from zero as a spreadsheet does (-6.25 gives -6.3), and never writing -0.0. A NaN is a
    figure withheld for publication and reads ``[c]``."""
    if is_withheld(value):
        return WITHHELD
    exact = Decimal(repr(float(value)))
    rounded = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)
    return f"{rounded:,.{places}f}"


def _signed(text: str) -> str:
    return text.replace("-", MINUS)


def format_int(value: float) -> str:
    """``1234`` → ``1,234`` (a negative count with a true minus sign)."""
    return _signed(decimal_text(value, 0))


def format_number(value: float, places: int = 1) -> str:
    """A decimal to ``places`` places with thousands separators; a whole number without decimals."""
    return format_int(value) if float(value).is_integer() else _signed(decimal_text(value, places))


def format_decimal(value: float, places: int = 2) -> str:
    """A decimal always written to ``places`` places (an average score, a rate): ``2.50``."""
    return _signed(decimal_text(value, places))


def format_pct(value: float) -> str:
    """``70.1492`` → ``70.1%``; ``[c]`` when withheld for publication (NaN)."""
    if is_withheld(value):
        return WITHHELD
    return _signed(decimal_text(value, 1)) + "%"


def format_change(value: float) -> str:
    """A signed change: ``-38.947`` → ``−38.9%``, ``13.05`` → ``+13.1%`` (``0.0%`` when it rounds to 0)."""
    if is_withheld(value):
        return WITHHELD
    text = decimal_text(abs(value), 1)
    if text == "0.0":
        return "0.0%"
    return f"{MINUS if value < 0 else '+'}{text}%"


def change_words(value: float) -> str:
    """A change as words: ``-17.68`` → ``17.7% less``, ``3.98`` → ``4.0% more``, ``no change``
    when it rounds to 0; ``[c]`` when withheld for publication."""
    if is_withheld(value):
        return WITHHELD
    text = decimal_text(abs(value), 1)
    if text == "0.0":
        return "no change"
    return f"{text}% {'less' if value < 0 else 'more'}"


def points_text(value: float) -> str:
    """A signed difference of percentages in points: ``9.78`` → ``+9.8 points``."""
    if is_withheld(value):
        return WITHHELD
    return format_change(value)[:-1] + " points"


def format_kpi(value: float, unit: str | None) -> str:
    """A performance-framework figure in its unit: a percentage, a rate (two decimals), else a number."""
    if unit == "percent":
        return format_pct(value)
    if unit == "rate":
        return decimal_text(value, 2)
    return format_number(value)


def figure(value: Any, kind: str, places: int = 2) -> str:
    """A figure as every format writes it, by its kind: ``count`` and ``pounds`` (whole, under a
    "(£)" heading) ``1,234``; ``percent`` ``12.5%``; ``change`` ``−38.9%``; ``points``
    ``+9.8 points``; ``number`` ``1.5`` (a whole number without decimals); ``decimal`` to
    ``places`` places; an em dash when it cannot be computed (None), ``[c]`` when withheld."""
    if value is None:
        return EM_DASH
    if is_withheld(value):
        return WITHHELD
    if kind in ("count", "pounds"):
        return format_int(value)
    if kind == "percent":
        return format_pct(value)
    if kind == "change":
        return format_change(value)
    if kind == "points":
        return points_text(value)
    if kind == "number":
        return format_number(value)
    if kind == "decimal":
        return format_decimal(value, places)
    return str(value)


def interval_words(low: Any, high: Any, kind: str, places: int = 2) -> str | None:
    """A 95% interval: ``−20.1% to −4.0%``; ``[c]`` when withheld; None when it cannot be drawn."""
    if low is None or high is None:
        return None
    if is_withheld(low) or is_withheld(high):
        return WITHHELD
    return f"{figure(low, kind, places)} to {figure(high, kind, places)}"


# --- dates and periods ----------------------------------------------------------------------


def long_date(day: date) -> str:
    """``1 April 2015``."""
    return f"{day.day} {day:%B %Y}"


def short_date(day: date) -> str:
    """``1 Apr 2015``: the column heading of a snapshot date."""
    return f"{day.day} {day:%b %Y}"


def span_text(span: Span) -> str:
    """``1 April 2015 to 31 March 2016``."""
    return f"{long_date(span.start)} to {long_date(span.end)}"


def short_span(span: Span) -> str:
    """``1 Apr 2015 – 31 Mar 2016`` (for column headings)."""
    return f"{short_date(span.start)} \u2013 {short_date(span.end)}"


def is_financial_year(span: Span, start_month: int = 4) -> bool:
    return span.start.month == start_month and span.start.day == 1 and whole_months(span) == 12


def span_words(span: Span, start_month: int = 4) -> str:
    """``2015/16`` for a financial year, else ``1 April 2015 to 30 June 2015``."""
    if is_financial_year(span, start_month):
        return financial_year_label(span.start.year)
    return span_text(span)


def span_phrase(span: Span, start_month: int = 4) -> str:
    """As :func:`span_words` with its preposition: ``in 2015/16``, ``from 1 April 2015 to 30 June 2015``."""
    words = span_words(span, start_month)
    return f"in {words}" if is_financial_year(span, start_month) else f"from {words}"


def with_financial_year(span: Span, start_month: int = 4) -> str:
    """``1 April 2015 to 31 March 2016 (2015/16)`` for a financial year, else the dates alone."""
    if is_financial_year(span, start_month):
        return f"{span_text(span)} ({financial_year_label(span.start.year)})"
    return span_text(span)


def kpi_period_label(text: str, start_month: int = 4) -> str:
    """``2015-Q1`` → ``2015/16 Q1``; ``2015`` → ``2015/16`` (financial years)."""
    match = PERIOD_PATTERN.match(text.strip())
    if not match or start_month == 1:
        return text
    label = financial_year_label(int(match.group(1)))
    return f"{label} Q{match.group(2)}" if match.group(2) else label


# --- codes as words -------------------------------------------------------------------------


def humanise(code: str) -> str:
    """A code as words: ``drugs_service`` → ``Drugs service``, ``nps`` → ``NPS``, ``mappa_2`` → ``MAPPA 2``."""
    if not code:
        return code
    words = [ACRONYMS.get(word, word) for word in code.split("_")]
    first = words[0]
    words[0] = first if first.isupper() else first[:1].upper() + first[1:]
    return " ".join(words)


def age_band_label(code: str) -> str:
    """``under_18`` → ``Under 18``, ``18_24`` → ``18–24``, ``25_plus`` → ``25 and over``."""
    if match := re.fullmatch(r"under_(\d+)", code):
        return f"Under {match.group(1)}"
    if match := re.fullmatch(r"(\d+)_(\d+)", code):
        return f"{match.group(1)}\u2013{match.group(2)}"
    if match := re.fullmatch(r"(\d+)_plus", code):
        return f"{match.group(1)} and over"
    return humanise(code)


def group_label(column: str, code: Any, area_names: dict[str, str] | None = None) -> str:
    """The words for a group's code in ``column`` (scheme, area, age band, pathway, ...)."""
    if code is None:
        return "Unknown"
    value = str(code)
    if value == "all":
        return ALL_LABELS.get(column, "All")
    if column == "area":
        name = (area_names or {}).get(value)
        return f"{name} ({value})" if name else value
    if column == "age_band":
        return age_band_label(value)
    if column == "pathway":
        return PATHWAY_TITLES.get(value, humanise(value))
    return humanise(value)


def status_label(status: str) -> str:
    """A RAG or action-plan status as the word on a coloured cell: ``amber_green`` → ``Amber/Green``."""
    words = STATUS_LABELS.get(status, status.replace("_", " ").capitalize())
    return "/".join(part[:1].upper() + part[1:] for part in words.split("/"))


DATABASE_SOURCE = "iomhub database"  # the source of a report computed from the web application's records


def source_words(source: str) -> str:
    """Where a report's figures come from, for a board paper (a path is the analyst's business:
    the JSON report keeps it in ``settings.source``)."""
    if source == DATABASE_SOURCE:
        return "the records held in iomhub"
    return "the unit's data extracts"


def sentence(text: str) -> str:
    """``text`` with a capital first letter and a full stop."""
    text = text[:1].upper() + text[1:]
    return text if text.endswith(".") else text + "."


@dataclass(frozen=True)
class Labels:
    """The words for one report's codes (its area names) and periods (its financial year)."""

    area_names: dict[str, str]
    start_month: int = 4

    def group(self, column: str, code: Any) -> str:
        return group_label(column, code, self.area_names)

    def span(self, span: Span) -> str:
        return span_words(span, self.start_month)

    def phrase(self, span: Span) -> str:
        return span_phrase(span, self.start_month)
