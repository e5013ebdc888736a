"""Small-number suppression for publication: counts under 5 shown as "[c]", consistently.

What it is for. A board paper meant for publication (on a website, to a committee in public)
must not let a reader pick out a handful of people. The Government Statistical Service's
guidance on disclosure control (GSS, "Disclosure control policy for tables", and the ONS
practice it follows) withholds small counts and marks them ``[c]`` for *confidential*. Here a
count of people (or of their offences, referrals or managed cases) from 1 to ``threshold - 1``
(default 1 to 4) is withheld: this is *primary* suppression. A 0 is shown: nobody can be
identified in an empty cell, and hiding zeros would hide most of a sparse table for nothing.

Why more than the small counts. A withheld cell that sits in a column summing to a shown total
can be recovered by subtraction: priority 3, enhanced 9, standard 7, all 19 with the 3
withheld gives 19 - 9 - 7 = 3. So every set of cells that add up to a total is a *line* (its
members and its total), and *secondary* suppression is repeated until nothing changes: a line
with exactly one withheld cell also withholds its smallest shown non-zero member (a zero only
when nothing else is left, and the total when no member is left). After that every line holds
none or at least two withheld cells, and subtracting the shown cells from a shown total gives
only the sum of two or more withheld ones. Because a cell can sit in several lines (a caseload
count is in its scheme's line across areas and its area's line across schemes), a secondary
cell can start another round: the loop runs until stable, which it must since cells are only
ever added.

The lines of the report (``LINES``):

- ``reoffending_by_scheme``: each scheme's offenders, offences_before and offences_after add
  up to the ``all`` row's.
- ``reoffending_by_age``, ``_gender`` and ``_area`` have no total row, but every member of the
  performance cohort falls in exactly one age band, gender and area (``unknown`` included), so
  their groups also add up to the ``all`` row of ``reoffending_by_scheme``: they are lines with
  that row's cell as total (a withheld age band could otherwise be recovered as the shown total
  minus the other bands). The line is only taken when the shown figures do add up (they always
  should); a table whose groups do not add up to a shown figure cannot be recovered by
  subtraction and primary suppression is enough for it.
- ``reoffending_by_flag``: someone holding several flags counts under each and many hold none,
  so the flags add up to nothing shown: primary suppression only.
- ``target_attainment``, ``cost_of_crime``: their offenders (and the cost table's offence
  counts) are the same numbers as ``reoffending_by_scheme``'s; each pair is a line of one
  member and a total, so a figure withheld in one is withheld in the other. Their other counts
  (met_target; offences not valued) add up over schemes to the ``all`` row.
- ``proven_reoffending``, ``expected_reoffending``, ``referrals_by_agency``: the groups add up
  to the ``all`` row for each count; in ``expected_reoffending`` scored + not_scored = offenders.
- ``caseload`` is two-dimensional on each date: the areas of a scheme add up to its
  ``area=all`` count and the schemes of an area add up to its ``scheme=all`` count (``all`` x
  ``all`` being the total of both). ``caseload_change`` repeats the counts of the first and
  last dates (one-member lines with the caseload cell). In ``caseload_status`` a scheme's
  community and custody counts on a date add up to its caseload (``area=all``); ``statutory``
  is part of community with the rest not shown, so it has primary suppression only.
- ``statutory_by_provider``: someone supervised by two providers counts under each, so the
  providers of a scheme on a date add up to that scheme's community ``statutory`` count in
  ``caseload_status`` only when nobody has two; the line is taken when they do add up (then
  subtraction would work), otherwise primary suppression is enough.
- ``risk_tiers``: everyone in the caseload on a date has exactly one tier (``unassessed``
  included), so the tiers of a date add up to the caseload's ``all`` x ``all`` count.
- ``needs_first_assessment``: one assessment scores many pathways, and ``identified`` is part of
  ``assessments`` with the rest not shown, so there is no line: primary suppression only (a
  small ``assessments`` withholds the pathway's ``identified`` and averages).
- ``treatment_completions``: substances have no total row and ``successful`` is part of
  ``in_treatment`` with the rest not shown: primary suppression only.
- ``time_at_risk``: within each ``basis`` the schemes' offenders, offences_before and
  offences_after add up to the ``all`` row's. Days at risk are not counts of people, so they are
  in no line, but a row's days go with its withheld offenders (a person's days could otherwise
  be read off a one-person row); rates, changes and their intervals go with the offences they
  divide. The ``fixed_period`` rows repeat ``reoffending_by_scheme``'s counts and the
  ``join_anchored`` ``all`` row repeats the naive and at-liberty rows of ``effect_estimate``:
  one-member lines, taken when the figures are equal.
- ``effect_estimate``: the people (offenders, comparison_offenders) and offence counts are
  counts; fewer than 5 people withholds the row's counts, so the estimate and its interval go
  with them (as they do with any withheld count they come from). The naive and at-liberty
  offenders are ``join_windows``' ``eligible`` people (one-member lines). A verdict quoting a
  number ("only 3 people have full windows", "only 4 of 40 members ...") is withheld whenever a
  people count of the table is, as it may quote another row's count.
- ``join_windows``: eligible, too early and too recent add up to everyone who joined, which is
  not shown: primary suppression only (and the line with ``effect_estimate`` above).
- ``attendance_by_agency`` is left alone: it counts meetings and invitations to them, not
  people; a meeting's attendees are professionals from the agencies, and no offender can be
  picked out from how often an agency came to a meeting.

A group whose people count is withheld by primary suppression has every count of its row
withheld too (its offences are about fewer than 5 people), which then takes part in the lines.
Figures derived from a withheld count (a change_pct, a percentage, a rate, a cost, and their
95% intervals) are withheld with it (``DERIVED``). The ``small_numbers`` flags (groups under 10)
stay: they say only that a group is small.

``suppress_tables`` is pure: it takes the report model's Polars tables and returns the cells
to withhold, as ``{table: {(row_index, column), ...}}``; ``suppressed_report`` applies it to
a copy of a :class:`~iomhub.reports.model.Report` (values set to null, ``report.suppressed``
filled) for the JSON, HTML and board-document renderers, which show ``[c]``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from iomhub.reports.model import Report

DEFAULT_THRESHOLD = 5
MARK = "[c]"


def footnote(threshold: int = DEFAULT_THRESHOLD) -> str:
    """The footnote that explains the ``[c]`` mark."""
    return f"{MARK} fewer than {threshold} people, or a figure that would reveal one, is not shown."


Cell = tuple[str, int, str]  # (table, row index, column)

REOFFENDING_GROUPS = {"reoffending_by_scheme": "scheme", "reoffending_by_age": "age_band",
                      "reoffending_by_gender": "gender", "reoffending_by_area": "area",
                      "reoffending_by_flag": "flag"}
OFFENCES = ("offenders", "offences_before", "offences_after")


def _ci(column: str) -> tuple[str, str, str]:
    return column, f"{column}_ci_low", f"{column}_ci_high"


@dataclass(frozen=True)
class Rule:
    """Which columns of a table are counts (suppressed when small), which column counts the
    people of the row (a small one withholds every count of the row), and which derived
    columns are withheld when any of their sources is."""

    counts: tuple[str, ...]
    people: str | None = None
    derived: dict[str, tuple[str, ...]] = field(default_factory=dict)


def _derive(sources: tuple[str, ...], *columns: str) -> dict[str, tuple[str, ...]]:
    return dict.fromkeys(columns, sources)


REOFFENDING_RULE = Rule(OFFENCES, "offenders", _derive(("offences_before", "offences_after"),
                                                       *_ci("change_pct")))
RULES: dict[str, Rule] = {
    **dict.fromkeys(REOFFENDING_GROUPS, REOFFENDING_RULE),
    "target_attainment": Rule(("offenders", "met_target"), "offenders",
                              _derive(("offenders", "met_target"), "met_target_pct")),
    "proven_reoffending": Rule(
        ("offenders", "reoffenders", "reoffences", "awaiting_follow_up"), "offenders",
        {**_derive(("offenders", "reoffenders"), *_ci("binary_rate_pct")),
         **_derive(("offenders", "reoffences"), *_ci("frequency_per_100")),
         **_derive(("reoffenders", "reoffences"), *_ci("reoffences_per_reoffender"))}),
    "cost_of_crime": Rule(
        (*OFFENCES, "not_valued_before", "not_valued_after"), "offenders",
        {**_derive(("offences_before", "not_valued_before"), "cost_before"),
         **_derive(("offences_after", "not_valued_after"), "cost_after"),
         **_derive(("offences_before", "offences_after", "not_valued_before", "not_valued_after"),
                   *_ci("cost_change"), *_ci("cost_change_pct"))}),
    "expected_reoffending": Rule(
        ("offenders", "scored", "not_scored", "reoffenders", "history_from_offences"), "offenders",
        {**_derive(("scored",), "expected_pct"),
         **_derive(("scored", "reoffenders"), *_ci("observed_pct"), *_ci("difference_pct"))}),
    "caseload": Rule(("count",)),
    "caseload_change": Rule(("count_from", "count_to"), None,
                            _derive(("count_from", "count_to"), "change_pct")),
    "caseload_status": Rule(("count", "statutory")),
    "referrals_by_agency": Rule(("referrals", "accepted", "rejected"), None,
                                _derive(("accepted", "rejected"), "acceptance_pct")),
    "statutory_by_provider": Rule(("count",)),
    "risk_tiers": Rule(("count",)),
    "needs_first_assessment": Rule(
        ("assessments", "identified"), "assessments",
        {**_derive(("assessments",), "cumulative_avg"),
         **_derive(("assessments", "identified"), "avg_when_scored", "identified_pct")}),
    "treatment_completions": Rule(("in_treatment", "successful"), "in_treatment",
                                  _derive(("in_treatment", "successful"), "successful_pct")),
    "join_windows": Rule(("people",), "people"),
    "effect_estimate": Rule(
        ("offenders", "comparison_offenders", "offences_before", "offences_after"), "offenders",
        _derive(("offenders", "comparison_offenders", "offences_before", "offences_after"),
                "estimate_pct", "ci_low_pct", "ci_high_pct", "e_value", "e_value_ci")),
    "time_at_risk": Rule(
        OFFENCES, "offenders",
        {**_derive(("offenders",), "risk_days_before", "risk_days_after"),
         **_derive(("offences_before", "offences_after"), "change_pct", *_ci("rate_change_pct")),
         **_derive(("offences_before",), "rate_before", "person_rate_before"),
         **_derive(("offences_after",), "rate_after", "person_rate_after")}),
}


@dataclass(frozen=True)
class Line:
    """Cells ``members`` that add up to ``total``."""

    members: tuple[Cell, ...]
    total: Cell


class _Index:
    """Rows of the tables looked up by their key columns."""

    def __init__(self, tables: Mapping[str, pl.DataFrame]) -> None:
        self.tables = tables
        self.rows: dict[str, list[dict[str, Any]]] = {
            name: list(frame.iter_rows(named=True)) for name, frame in tables.items()}

    def find(self, table: str, **key: Any) -> list[int]:
        return [i for i, row in enumerate(self.rows.get(table, []))
                if all(row.get(k) == v for k, v in key.items())]

    def value(self, cell: Cell) -> Any:
        table, index, column = cell
        return self.rows[table][index].get(column)


def _partition_lines(index: _Index, table: str, group: str, columns: Iterable[str],
                     fixed: Mapping[str, Iterable[str]] | None = None) -> list[Line]:
    """Lines of ``table`` whose rows differ only in ``group``: the non-``all`` rows add up to
    the ``all`` row, for each column; ``fixed`` columns hold the rest of the key."""
    rows = index.rows.get(table, [])
    keys = list(fixed or {})
    buckets: dict[tuple[Any, ...], tuple[list[int], list[int]]] = {}
    for i, row in enumerate(rows):
        bucket = buckets.setdefault(tuple(row[k] for k in keys), ([], []))
        bucket[1 if row[group] == "all" else 0].append(i)
    lines = []
    for members, totals in buckets.values():
        if len(totals) != 1 or not members:
            continue
        for column in columns:
            lines.append(Line(tuple((table, i, column) for i in members), (table, totals[0], column)))
    return lines


def _adds_up(index: _Index, line: Line) -> bool:
    values = [index.value(cell) for cell in (*line.members, line.total)]
    return all(v is not None for v in values) and sum(values[:-1]) == values[-1]


def lines(tables: Mapping[str, pl.DataFrame]) -> list[Line]:
    """Every line of the report's tables (see the module's docstring)."""
    index = _Index(tables)
    found: list[Line] = []
    scheme_all = index.find("reoffending_by_scheme", scheme="all")
    for column in OFFENCES:
        found += _partition_lines(index, "reoffending_by_scheme", "scheme", [column])
        for table in ("reoffending_by_age", "reoffending_by_gender", "reoffending_by_area"):
            if table in tables and scheme_all:
                line = Line(tuple((table, i, column) for i in range(len(index.rows[table]))),
                            ("reoffending_by_scheme", scheme_all[0], column))
                if line.members and _adds_up(index, line):
                    found.append(line)
    for table, columns in (("target_attainment", ["met_target"]),
                           ("cost_of_crime", ["not_valued_before", "not_valued_after"]),
                           ("proven_reoffending", list(RULES["proven_reoffending"].counts)),
                           ("expected_reoffending", list(RULES["expected_reoffending"].counts)),
                           ("referrals_by_agency", list(RULES["referrals_by_agency"].counts))):
        group = "agency" if table == "referrals_by_agency" else "scheme"
        if table in tables:
            found += _partition_lines(index, table, group, [c for c in columns if c in tables[table].columns])
    for table, columns in (("target_attainment", ["offenders"]), ("cost_of_crime", list(OFFENCES))):
        for i, row in enumerate(index.rows.get(table, [])):
            same = index.find("reoffending_by_scheme", scheme=row["scheme"])
            for column in columns:
                if same:
                    found.append(Line(((table, i, column),), ("reoffending_by_scheme", same[0], column)))
    for i in range(len(index.rows.get("expected_reoffending", []))):
        found.append(Line((("expected_reoffending", i, "scored"), ("expected_reoffending", i, "not_scored")),
                          ("expected_reoffending", i, "offenders")))
    if "caseload" in tables:
        found += _partition_lines(index, "caseload", "area", ["count"], {"scheme": (), "date": ()})
        found += _partition_lines(index, "caseload", "scheme", ["count"], {"area": (), "date": ()})
    for i, row in enumerate(index.rows.get("caseload_change", [])):
        for column, day in (("count_from", row["date_from"]), ("count_to", row["date_to"])):
            same = index.find("caseload", scheme=row["scheme"], area=row["area"], date=day)
            if same:
                found.append(Line((("caseload_change", i, column),), ("caseload", same[0], "count")))
    found += _people_lines(index)
    statuses: dict[tuple[Any, Any], list[int]] = {}
    for i, row in enumerate(index.rows.get("caseload_status", [])):
        statuses.setdefault((row["scheme"], row["date"]), []).append(i)
    for (scheme, day), members in statuses.items():
        same = index.find("caseload", scheme=scheme, area="all", date=day)
        if same:
            found.append(Line(tuple(("caseload_status", i, "count") for i in members),
                              ("caseload", same[0], "count")))
    return found


def _equal(index: _Index, cell: Cell, other: Cell) -> list[Line]:
    """A one-member line between two cells holding the same figure (checked, not assumed)."""
    line = Line((cell,), other)
    return [line] if _adds_up(index, line) else []


def _people_lines(index: _Index) -> list[Line]:
    """The lines of the tables added after the reoffending and caseload ones (see the module's
    docstring): provider, risk tier and effect tables."""
    found: list[Line] = []
    providers: dict[tuple[Any, Any], list[int]] = {}
    for i, row in enumerate(index.rows.get("statutory_by_provider", [])):
        providers.setdefault((row["scheme"], row["date"]), []).append(i)
    for (scheme, day), members in providers.items():
        for j in index.find("caseload_status", scheme=scheme, date=day, status="community"):
            line = Line(tuple(("statutory_by_provider", i, "count") for i in members),
                        ("caseload_status", j, "statutory"))
            if _adds_up(index, line):
                found.append(line)
    tiers: dict[Any, list[int]] = {}
    for i, row in enumerate(index.rows.get("risk_tiers", [])):
        tiers.setdefault(row["date"], []).append(i)
    for day, members in tiers.items():
        for j in index.find("caseload", scheme="all", area="all", date=day):
            line = Line(tuple(("risk_tiers", i, "count") for i in members), ("caseload", j, "count"))
            if _adds_up(index, line):
                found.append(line)
    if "time_at_risk" in index.tables:
        found += _partition_lines(index, "time_at_risk", "scheme", OFFENCES, {"basis": ()})
    for i, row in enumerate(index.rows.get("time_at_risk", [])):
        if row["basis"] == "fixed_period":
            for j in index.find("reoffending_by_scheme", scheme=row["scheme"]):
                for column in OFFENCES:
                    found += _equal(index, ("time_at_risk", i, column), ("reoffending_by_scheme", j, column))
    anchored = index.find("time_at_risk", basis="join_anchored", scheme="all")
    for i in index.find("effect_estimate", method="naive") + index.find("effect_estimate", method="time_at_risk"):
        for j in anchored:
            for column in OFFENCES:
                found += _equal(index, ("effect_estimate", i, column), ("time_at_risk", j, column))
        for j in index.find("join_windows", status="eligible"):
            found += _equal(index, ("effect_estimate", i, "offenders"), ("join_windows", j, "people"))
    return found


def _verdicts_quoting(index: _Index, hidden: set[Cell]) -> set[Cell]:
    """The effect verdicts that quote a number of people ("only 3 of 40 members ...") when any
    people count of ``effect_estimate`` is withheld: a verdict quotes counts of other rows too."""
    if not any(t == "effect_estimate" and c in ("offenders", "comparison_offenders") for t, _, c in hidden):
        return set()
    return {("effect_estimate", i, "verdict") for i, row in enumerate(index.rows["effect_estimate"])
            if isinstance(row.get("verdict"), str) and any(ch.isdigit() for ch in row["verdict"])}


def suppress_tables(tables: Mapping[str, pl.DataFrame],
                    threshold: int = DEFAULT_THRESHOLD) -> dict[str, set[tuple[int, str]]]:
    """The cells to withhold, per table, as ``(row_index, column)``: primary (counts from 1 to
    ``threshold - 1``, and the other counts of a row whose people count is one), secondary (until
    no line has exactly one withheld cell) and derived (see the module's docstring)."""
    index = _Index(tables)
    hidden: set[Cell] = set()
    for table, rule in RULES.items():
        for i, row in enumerate(index.rows.get(table, [])):
            small = {c for c in rule.counts if c in row and row[c] is not None and 0 < row[c] < threshold}
            if rule.people in small:
                small |= {c for c in rule.counts if c in row and row[c] is not None}
            hidden |= {(table, i, c) for c in small}
    all_lines = lines(tables)
    changed = True
    while changed:
        changed = False
        for line in all_lines:
            cells = (*line.members, line.total)
            if sum(cell in hidden for cell in cells) != 1:
                continue
            shown = [cell for cell in line.members if cell not in hidden and index.value(cell) is not None]
            positive = [cell for cell in shown if index.value(cell) > 0]
            pick = min(positive or shown, key=index.value, default=None)
            if pick is None and line.total not in hidden:
                pick = line.total
            if pick is not None:
                hidden.add(pick)
                changed = True
    hidden |= _verdicts_quoting(index, hidden)
    out: dict[str, set[tuple[int, str]]] = {}
    for table, i, column in hidden:
        out.setdefault(table, set()).add((i, column))
    for table, rule in RULES.items():
        for i, row in enumerate(index.rows.get(table, [])):
            withheld = {c for t, j, c in hidden if t == table and j == i}
            for column, sources in rule.derived.items():
                if column in row and row[column] is not None and withheld & set(sources):
                    out.setdefault(table, set()).add((i, column))
    return out


def apply(tables: Mapping[str, pl.DataFrame],
          suppressed: Mapping[str, set[tuple[int, str]]]) -> dict[str, pl.DataFrame]:
    """The tables with the withheld cells set to null."""
    out = dict(tables)
    for table, cells in suppressed.items():
        frame = tables[table]
        columns = {}
        for column in {c for _, c in cells}:
            rows = sorted(i for i, c in cells if c == column)
            mask = pl.Series([False] * frame.height)
            mask[rows] = True
            columns[column] = pl.when(mask).then(None).otherwise(pl.col(column)).alias(column)
        out[table] = frame.with_columns(list(columns.values()))
    return out


def _quotes_withheld(note: str, report: Report, suppressed: Mapping[str, set[tuple[int, str]]]) -> bool:
    """Whether a note quotes a count of an ``all`` row that is withheld (the cost of crime's
    offences not valued, expected reoffending's people not scored)."""
    for table, prefix in (("cost_of_crime", "Cost of crime: "), ("expected_reoffending", "expected_reoffending: ")):
        frame = report.tables.get(table)
        if frame is None or not note.startswith(prefix) or not any(ch.isdigit() for ch in note):
            continue
        totals = [i for i, scheme in enumerate(frame["scheme"].to_list()) if scheme == "all"]
        if any(i in totals for i, _ in suppressed.get(table, ())):
            return True
    return False


def suppressed_report(report: Report, threshold: int = DEFAULT_THRESHOLD) -> Report:
    """A publication copy of ``report``: withheld figures null in its tables, listed in
    ``suppressed``, and the notes that quote small groups' counts left out."""
    if threshold < 1:
        raise ValueError("the suppression threshold is a count of at least 1")
    suppressed = suppress_tables(report.tables, threshold)
    notes = [note for note in report.notes
             if "small numbers (under" not in note and not _quotes_withheld(note, report, suppressed)]
    if suppressed:
        notes.append(f"For publication: {footnote(threshold)}")
    settings = {**report.settings, "suppression_threshold": threshold}
    return dataclasses.replace(report, tables=apply(report.tables, suppressed), notes=notes,
                               settings=settings, suppressed=suppressed, suppression_threshold=threshold)
