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

The lines of the report, declared as data in each table's ``TableSpec.lines``
(``reports/tables.py``: :class:`~iomhub.reports.tables.Partition`, ``SumsTo``, ``Equals``,
``RowSum``) and turned into cells by :func:`lines`:

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
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl

from iomhub.reports.formatting import WITHHELD
from iomhub.reports.model import Report
from iomhub.reports.tables import TABLES, Equals, Partition, RowSum, Rule, SumsTo

DEFAULT_THRESHOLD = 5
MARK = WITHHELD
RULES: dict[str, Rule] = {name: spec.suppression for name, spec in TABLES.items() if spec.suppression is not None}


def footnote(threshold: int = DEFAULT_THRESHOLD) -> str:
    """The footnote that explains the ``[c]`` mark."""
    return f"{MARK} fewer than {threshold} people, or a figure that would reveal one, is not shown."


Cell = tuple[str, int, str]  # (table, row index, column)


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


def _adds_up(index: _Index, line: Line) -> bool:
    values = [index.value(cell) for cell in (*line.members, line.total)]
    return all(v is not None for v in values) and sum(values[:-1]) == values[-1]


def _partition(index: _Index, table: str, spec: Partition) -> list[Line]:
    """The non-``all`` rows of ``spec.group`` add up to the ``all`` row, for each column, among
    the rows with the same values of ``spec.within``."""
    buckets: dict[tuple[Any, ...], tuple[list[int], list[int]]] = {}
    for i, row in enumerate(index.rows.get(table, [])):
        bucket = buckets.setdefault(tuple(row[k] for k in spec.within), ([], []))
        bucket[1 if row[spec.group] == "all" else 0].append(i)
    columns = [c for c in spec.columns if c in index.tables[table].columns]
    return [Line(tuple((table, i, column) for i in members), (table, totals[0], column))
            for members, totals in buckets.values() if len(totals) == 1 and members for column in columns]


def _sums_to(index: _Index, table: str, spec: SumsTo) -> list[Line]:
    groups: dict[tuple[Any, ...], list[int]] = {}
    for i, row in enumerate(index.rows.get(table, [])):
        groups.setdefault(tuple(row[k] for k in spec.by), []).append(i)
    found = []
    for values, members in groups.items():
        for j in index.find(spec.total, **dict(zip(spec.by, values, strict=True)), **spec.fixed)[:1]:
            line = Line(tuple((table, i, spec.column) for i in members), (spec.total, j, spec.total_column))
            if not spec.checked or _adds_up(index, line):
                found.append(line)
    return found


def _equals(index: _Index, table: str, spec: Equals) -> list[Line]:
    found = []
    for i, row in enumerate(index.rows.get(table, [])):
        if any(row.get(column) not in allowed for column, allowed in spec.where.items()):
            continue
        key = {other: row[mine] for other, mine in spec.match.items()}
        for j in index.find(spec.other, **key, **spec.fixed)[:1]:
            for column, other_column in spec.columns:
                line = Line(((table, i, column),), (spec.other, j, other_column))
                if not spec.checked or _adds_up(index, line):
                    found.append(line)
    return found


def _row_sums(index: _Index, table: str, spec: RowSum) -> list[Line]:
    return [Line(tuple((table, i, column) for column in spec.members), (table, i, spec.total))
            for i in range(len(index.rows.get(table, [])))]


def lines(tables: Mapping[str, pl.DataFrame]) -> list[Line]:
    """Every line of the report's tables: the lines each table's :class:`~iomhub.reports.tables.TableSpec`
    declares (see the module's docstring), in the registry's order."""
    index = _Index(tables)
    found: list[Line] = []
    for name, spec in TABLES.items():
        if name not in tables:
            continue
        for line in spec.lines:
            if isinstance(line, Partition):
                found += _partition(index, name, line)
            elif isinstance(line, SumsTo):
                found += _sums_to(index, name, line)
            elif isinstance(line, Equals):
                found += _equals(index, name, line)
            else:
                found += _row_sums(index, name, line)
    return found


def _quoting(index: _Index, hidden: set[Cell]) -> set[Cell]:
    """The text cells that quote a number of people (an effect verdict: "only 3 of 40 members
    ...") when any people count they may quote is withheld: a verdict quotes counts of other
    rows too (``Rule.quotes``)."""
    found: set[Cell] = set()
    for table, spec in TABLES.items():
        rule = spec.suppression
        if rule is None or table not in index.tables:
            continue
        for column, sources in rule.quotes.items():
            if any(t == table and c in sources for t, _, c in hidden):
                found |= {(table, i, column) for i, row in enumerate(index.rows[table])
                          if isinstance(row.get(column), str) and any(ch.isdigit() for ch in row[column])}
    return found


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
    hidden |= _quoting(index, hidden)
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
