"""Publishing the report without disclosure: small counts withheld (``[c]``) or every count
rounded, so that no count under the threshold can be worked back from everything published.

A board paper meant for publication (on a website, to a committee in public) must not let a
reader pick out a handful of people. The Government Statistical Service's guidance on
disclosure control, and the ONS practice it follows, withholds small counts and marks them
``[c]`` for *confidential*. Withholding the small counts is not enough: a reader with every
table of the publication, who knows how they add up, can work a withheld count back (three
withheld genders and a shown total, the caseload's two directions, a rate shown beside its
withheld numerator). So the cells withheld are chosen, and checked, by linear programming
against all of that (``reports/disclosure/``, explained in ``docs/publication.md``):

- :func:`suppressed_report` (``--for-publication``, the board papers' "For publication" box):
  counts from 1 to ``threshold - 1`` withheld, more cells withheld until the audit finds every
  such count protected, and every figure worked out from a withheld one withheld with it;
- ``method="round"`` (``--disclosure round``): every count rounded to a multiple of 5 so that
  the relations still hold where they can (controlled rounding), figures worked out again from
  the rounded counts, and the same audit (cells it finds under-protected withheld).

Either way the audit runs before anything is written and nothing is published that fails it
(:class:`~iomhub.reports.disclosure.protect.DisclosureError`); the JSON report's
``suppression`` object names the method, the relations audited and the audit's result.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Mapping
from typing import Any

import polars as pl

from iomhub.reports.disclosure.cells import by_table
from iomhub.reports.disclosure.lp import solver_name
from iomhub.reports.disclosure.protect import Protection, protect
from iomhub.reports.disclosure.relations import NO_LIMITS, Limits
from iomhub.reports.disclosure.rounding import BASE, rounded_protection
from iomhub.reports.formatting import WITHHELD
from iomhub.reports.model import Report

DEFAULT_THRESHOLD = 5
MARK = WITHHELD
METHODS = ("suppress", "round")
METHOD_NAMES = {"suppress": "cell suppression", "round": f"controlled rounding to base {BASE}"}


def footnote(threshold: int = DEFAULT_THRESHOLD, method: str = "suppress") -> str:
    """The footnote that explains ``[c]`` (and, for rounding, the rounded counts)."""
    audited = "checked by linear programming against every table of the report"
    if method == "round":
        return (f"Counts are rounded to a multiple of {BASE}, so that parts still add up to their totals where "
                f"they can; {MARK} a figure about fewer than {threshold} people, or one that would reveal one, is "
                f"not shown ({METHOD_NAMES[method]}, {audited}).")
    return (f"{MARK} fewer than {threshold} people, or a figure that would reveal one, is not shown; a withheld "
            f"count may be 0 ({METHOD_NAMES[method]}, {audited}).")


def limits(report: Report) -> Limits:
    """What bounds the report's days and pounds (its baseline, period, windows and unit costs)."""
    params = report.params
    return Limits.of(report.settings, (params.baseline_span.start, params.baseline_span.end),
                     (params.period.start, params.period.end))


def suppress_tables(tables: Mapping[str, pl.DataFrame], threshold: int = DEFAULT_THRESHOLD,
                    bounds: Limits = NO_LIMITS) -> dict[str, set[tuple[int, str]]]:
    """The cells to withhold, per table, as ``(row_index, column)`` (see the module's docstring;
    ``bounds``: the report's days and pounds, unknown for tables on their own)."""
    return by_table(protect(dict(tables), threshold, bounds).withheld)


def apply(tables: Mapping[str, pl.DataFrame], suppressed: Mapping[str, set[tuple[int, str]]],
          replaced: Mapping[str, Mapping[tuple[int, str], Any]] | None = None) -> dict[str, pl.DataFrame]:
    """The tables with the withheld cells set to null (and ``replaced`` cells set to their new
    values: rounded counts and the figures worked out from them)."""
    out = dict(tables)
    for table in set(suppressed) | set(replaced or {}):
        frame = tables[table]
        values: dict[str, list[Any]] = {}
        for (i, column), value in (replaced or {}).get(table, {}).items():
            values.setdefault(column, frame[column].to_list())[i] = value
        for i, column in suppressed.get(table, ()):
            values.setdefault(column, frame[column].to_list())[i] = None
        out[table] = frame.with_columns([pl.Series(column, column_values, dtype=frame.schema[column])
                                         for column, column_values in values.items()])
    return out


def _quotes_withheld(note: str, report: Report, suppressed: Mapping[str, set[tuple[int, str]]],
                     rounded: bool) -> bool:
    """Whether a note quotes a count of an ``all`` row that is withheld or rounded (the cost of
    crime's offences not valued, expected reoffending's people not scored)."""
    for table, prefix in (("cost_of_crime", "Cost of crime: "), ("expected_reoffending", "expected_reoffending: ")):
        frame = report.tables.get(table)
        if frame is None or not note.startswith(prefix) or not any(ch.isdigit() for ch in note):
            continue
        if rounded:
            return True
        totals = [i for i, scheme in enumerate(frame["scheme"].to_list()) if scheme == "all"]
        if any(i in totals for i, _ in suppressed.get(table, ())):
            return True
    return False


def record(protection: Protection, method: str, threshold: int) -> dict[str, Any]:
    """What the JSON report's ``suppression`` object says of the method and its audit."""
    kinds = Counter((relation.table, relation.kind) for relation in protection.relations)
    reach = ("reaches down to the least it could be with nothing published (0, or 1 for a group listed only "
             f"when someone is in it) and up to {threshold}")
    protection_text = (f"every withheld count under {threshold} has a range, worked out from every table of this "
                       f"report and the relations between them, that {reach}; figures worked out from a withheld "
                       "count are withheld with it")
    rounding: dict[str, Any] = {}
    if method == "round":
        protection_text = (f"every count under {threshold}, rounded, has a range, worked out from every table of "
                           f"this report and the relations between them, at least {BASE - 1} wide that reaches "
                           f"its floor or {threshold}; one that has not is withheld, and then its range {reach}")
        rounding = {"rounding": {
            "base": BASE, "counts": "every count is a multiple of the base next to it (a multiple of the base "
                                    "is itself)",
            "derived": "percentages, changes and rates per person are worked out again from the rounded counts; "
                       "intervals, averages, days, pounds and effect estimates are withheld"}}
    return {
        "method": METHOD_NAMES[method],
        "zeros": "a withheld count may be 0",
        **rounding,
        "protection": protection_text,
        "audit": {"passed": protection.audit.passed, "solver": solver_name(),
                  "counts_checked": len(protection.audit.ranges), "cells_added": len(protection.added),
                  "rounds": protection.rounds,
                  **({"relations_not_kept_by_rounding": protection.broken} if method == "round" else {})},
        "relations": [{"table": table, "relation": kind, "count": count}
                      for (table, kind), count in sorted(kinds.items())],
    }


def suppressed_report(report: Report, threshold: int = DEFAULT_THRESHOLD, method: str = "suppress") -> Report:
    """A publication copy of ``report``: withheld figures null in its tables (listed in
    ``suppressed``), counts rounded with ``method="round"``, the notes that quote small groups'
    counts left out, and the record of the audit it passed."""
    if threshold < 1:
        raise ValueError("the suppression threshold is a count of at least 1")
    if method not in METHODS:
        raise ValueError(f"the disclosure method is one of {', '.join(METHODS)}")
    bounds = limits(report)
    if method == "round":
        protection, replaced = rounded_protection(report.tables, threshold, bounds, report.params.small_numbers)
    else:
        protection, replaced = protect(report.tables, threshold, bounds), {}
    suppressed = by_table(protection.withheld)
    rounded = method == "round"
    notes = [note for note in report.notes
             if "small numbers (under" not in note and not _quotes_withheld(note, report, suppressed, rounded)]
    if suppressed or method == "round":
        notes.append(f"For publication: {footnote(threshold, method)}")
    settings = {**report.settings, "suppression_threshold": threshold}
    return dataclasses.replace(report, tables=apply(report.tables, suppressed, replaced), notes=notes,
                               settings=settings, suppressed=suppressed, suppression_threshold=threshold,
                               disclosure={"key": method, **record(protection, method, threshold)})
