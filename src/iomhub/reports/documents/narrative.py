"""The drafted narrative of the board report: plain sentences generated from the figures.

``draft_narrative(report)`` writes the bullets the seed reports write by hand:

- **overview**: the share of the performance cohort meeting the per-offender target (its
  before-and-after change is in the report's opening, labelled as not the effect of IOM, with
  the matched estimate before it: ``reports/sections/overview.py``), the caseload's change
  from the first to the last snapshot date and how much of it was in custody on the last, the
  commonest needs at first assessment, and the RAG count of the performance framework;
- **improvers** and **challenges**: every group of the reoffending tables (scheme, age band,
  gender, area, flag) whose offences fell (improvers) or rose (challenges), largest change
  first, then the performance indicators that met their target (improvers) or missed it
  (challenges: red before amber), largest relative margin first. Groups of fewer people than
  the small-numbers threshold never headline: they go to the caveats, as do "unknown" groups
  (no date of birth, gender or area) which say nothing about a group of people;
- **caveats**: small numbers; people in custody on the cohort date (when the performance
  cohort may include them); detection lag when the period ended less than three months before
  the report was generated (offences still being detected, so the period's count will rise).

Periods are written as financial years (``2015/16``, :func:`financial_year_label`) when they
are one, else as dates. Percentages have one decimal place, counts thousands separators.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from iomhub.domain.codes import PATHWAY_TITLES
from iomhub.reports.derived import share
from iomhub.reports.documents.cells import fy_start_month, less_than_months_after
from iomhub.reports.formatting import (
    RAG_LABELS,
    WITHHELD,
    age_band_label,
    decimal_text,
    format_int,
    group_label,
    humanise,
    kpi_period_label,
    long_date,
    span_phrase,
    span_words,
)
from iomhub.reports.model import Report

DETECTION_LAG_MONTHS = 3
SMALL_NUMBERS_CAVEAT = "Small numbers, interpret with caution"
GROUP_TABLES = (
    ("reoffending_by_scheme", "scheme"),
    ("reoffending_by_age", "age_band"),
    ("reoffending_by_gender", "gender"),
    ("reoffending_by_area", "area"),
    ("reoffending_by_flag", "flag"),
)
TABLE_WORDS = {"reoffending_by_scheme": "scheme", "reoffending_by_age": "age band",
               "reoffending_by_gender": "gender", "reoffending_by_area": "area",
               "reoffending_by_flag": "flag"}


@dataclass
class Narrative:
    """Bullets of the performance overview, improvers and successes, challenges, and caveats."""

    overview: list[str] = field(default_factory=list)
    improvers: list[str] = field(default_factory=list)
    challenges: list[str] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)


def pct(value: float) -> str:
    """``38.947`` → ``38.9%`` (one decimal, halves away from zero)."""
    return decimal_text(value, 1) + "%"


def people(value: int) -> str:
    return f"{format_int(value)} {'person' if value == 1 else 'people'}"


def subject(column: str, code: str, area_names: dict[str, str]) -> str:
    """Who a group is, as the end of "Reoffending ...": ``in the priority cohort``."""
    if code == "all":
        return "in the performance cohort"
    if column == "scheme":
        return f"in the {humanise(code).lower() if code.islower() else humanise(code)} cohort"
    if column == "age_band":
        return f"in the {age_band_label(code)} age band"
    if column == "gender":
        return f"among {code} offenders"
    if column == "area":
        return f"in {group_label('area', code, area_names)}"
    return f"among offenders flagged {humanise(code)}"


def movement(change_pct: float) -> str:
    """``fell by 38.9%``, ``rose by 2.0%`` or ``did not change``."""
    shown = decimal_text(abs(change_pct), 1)
    if shown == "0.0":
        return "did not change"
    return f"{'fell' if change_pct < 0 else 'rose'} by {shown}%"


class _Drafter:
    def __init__(self, report: Report) -> None:
        self.report = report
        self.params = report.params
        self.start_month = fy_start_month(report)
        self.period = span_words(self.params.period, self.start_month)
        self.baseline = span_words(self.params.baseline_span, self.start_month)
        self.in_period = span_phrase(self.params.period, self.start_month)
        self.in_baseline = span_phrase(self.params.baseline_span, self.start_month)
        self.threshold = int(report.settings.get("small_numbers_threshold") or self.params.small_numbers)
        self.dates: list[date] = list(report.settings.get("snapshot_dates") or [])

    def reoffending_sentence(self, column: str, row: dict[str, Any]) -> str:
        """The example sentence of issue 4, for one group of a reoffending table."""
        who = subject(column, str(row[column]), self.report.area_names)
        tail = (f"{format_int(row['offences_before'])} offences {self.in_baseline}, "
                f"{format_int(row['offences_after'])} {self.in_period}, "
                f"{people(row['offenders'])}")
        if row["change_pct"] is None:
            return f"Reoffending {who} cannot be compared: {tail}."
        return f"Reoffending {who} {movement(row['change_pct'])}: {tail}."

    # overview

    def overview(self) -> list[str]:
        out: list[str] = []
        overall = self.report.row("reoffending_by_scheme", scheme="all")
        if overall is None and "reoffending_by_scheme" in self.report.tables:
            out.append(f"There is no performance cohort: nobody in a scheme on "
                       f"{long_date(self.params.cohort_day)} offended {self.in_baseline}.")
        attainment = self.report.row("target_attainment", scheme="all")
        if attainment is not None and attainment["met_target_pct"] is not None:
            target = self.params.target_reduction or 0
            out.append(f"{pct(attainment['met_target_pct'])} of the performance cohort "
                       f"({format_int(attainment['met_target'])} of {people(attainment['offenders'])}) cut "
                       f"their own offending by at least the {target:g}% target.")
        out.extend(self.caseload())
        needs = self.needs()
        if needs:
            out.append(needs)
        kpis = self.kpi_summary()
        if kpis:
            out.append(kpis)
        return out

    def caseload(self) -> list[str]:
        out: list[str] = []
        if len(self.dates) < 2:
            return out
        first_day, last_day = self.dates[0], self.dates[-1]
        total = self.report.row("caseload_change", scheme="all", area="all")
        if total is not None:
            first, last, change_pct = total["count_from"], total["count_to"], total["change_pct"]
            if change_pct is None or decimal_text(abs(change_pct), 1) == "0.0":
                out.append(f"The caseload was {format_int(first)} on {long_date(first_day)} and "
                           f"{format_int(last)} on {long_date(last_day)}.")
            else:
                out.append(f"The caseload {movement(change_pct)} from {format_int(first)} on "
                           f"{long_date(first_day)} to {format_int(last)} on {long_date(last_day)}.")
        status_rows = [row for row in self.report.rows("caseload_status") if row["date"] == last_day]
        if status_rows:
            custody = sum(row["count"] for row in status_rows if row["status"] == "custody")
            everyone = sum(row["count"] for row in status_rows)
            custody_share = share(custody, everyone)
            if custody_share is not None:
                out.append(f"On {long_date(last_day)}, {format_int(custody)} of the {format_int(everyone)} "
                           f"people on IOM ({pct(custody_share)}) were in custody and "
                           f"{format_int(everyone - custody)} in the community.")
        return out

    def needs(self) -> str | None:
        rows = [row for row in self.report.rows("needs_first_assessment") if row["identified_pct"] is not None]
        if not rows:
            return None
        top = sorted(rows, key=lambda row: -row["identified_pct"])[:3]
        assessed = max(row["assessments"] for row in rows)
        names = [f"{PATHWAY_TITLES.get(row['pathway'], humanise(row['pathway'])).lower()} "
                 f"({pct(row['identified_pct'])})" for row in top]
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        return (f"The commonest needs at first assessment ({format_int(assessed)} first assessments "
                f"{self.in_period}) were {listed}.")

    def kpi_summary(self) -> str | None:
        rows = self.report.rows("kpis")
        if not rows:
            return None
        counts = {rag: sum(1 for row in rows if row["rag"] == rag) for rag in RAG_LABELS}
        rated = sum(counts.values())
        if not rated:
            return f"None of the {len(rows)} performance-framework rows has a RAG status yet."
        parts = [f"{counts[rag]} {rag}" for rag in RAG_LABELS if counts[rag]]
        parts[0] = f"{parts[0].split()[0]} {'is' if counts[parts[0].split()[1]] == 1 else 'are'} {parts[0].split()[1]}"
        listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
        return (f"Of the {rated} performance-framework rows with a RAG status, {listed}"
                f"{'' if rated == len(rows) else f' ({len(rows) - rated} without a status)'}.")

    # improvers and challenges

    def groups(self) -> tuple[list[tuple[float, str]], list[tuple[float, str]]]:
        falls: list[tuple[float, str]] = []
        rises: list[tuple[float, str]] = []
        for name, column in GROUP_TABLES:
            for row in self.report.rows(name):
                code, change_pct = row[column], row["change_pct"]
                if code in ("all", None, "unknown") or change_pct is None or row.get("small_numbers"):
                    continue
                if name == "reoffending_by_scheme" and code == "all":
                    continue
                if decimal_text(abs(change_pct), 1) == "0.0":
                    continue
                sentence = self.reoffending_sentence(column, row)
                (falls if change_pct < 0 else rises).append((abs(change_pct), sentence))
        return falls, rises

    def kpi_lines(self) -> tuple[list[tuple[float, str]], list[tuple[int, float, str]]]:
        met: list[tuple[float, str]] = []
        missed: list[tuple[int, float, str]] = []
        for row in self.report.rows("kpis"):
            rag, actual = row["rag"], row["actual"]
            if rag not in RAG_LABELS or actual is None:  # none, or withheld for publication
                continue
            unit = row.get("unit")
            shown = self.kpi_figure(actual, unit)
            if row["kind"] == "range":
                low, high = self.kpi_figure(row["low"], unit), self.kpi_figure(row["high"], unit)
                target_text = f"a target range of {low}–{high}"
                margin = 0.0
            else:
                target_text = f"a target of {self.kpi_figure(row['target'], unit)}"
                level = row["target"]
                margin = abs(actual - level) / abs(level) * 100 if level else 0.0
            period = kpi_period_label(str(row["period"]), self.start_month)
            sentence = (f"{row.get('title') or row['indicator_id']}: {shown} against {target_text} "
                        f"({period}, {RAG_LABELS[rag].lower()}"
                        f"{', set by hand' if row.get('rag_overridden') else ''}).")
            if rag == "green":
                met.append((margin, sentence))
            else:
                missed.append((0 if rag == "red" else 1, margin, sentence))
        return met, missed

    @staticmethod
    def kpi_figure(value: float | None, unit: str | None) -> str:
        if value is None:
            return "no figure"
        if unit == "percent":
            return pct(value)
        if float(value).is_integer():
            return format_int(value)
        return decimal_text(value, 2 if unit == "rate" else 1)

    # caveats

    def caveats(self) -> list[str]:
        out: list[str] = []
        for name, column in GROUP_TABLES:
            small = [row for row in self.report.rows(name)
                     if row.get("small_numbers") and row[column] != "all"]
            if not small:
                continue
            listed = "; ".join(
                f"{group_label(column, row[column], self.report.area_names)} ({people(row['offenders'])}"
                f"{'' if row['change_pct'] is None else ', ' + movement(row['change_pct'])})"
                for row in small)
            out.append(f"{SMALL_NUMBERS_CAVEAT}: reoffending by {TABLE_WORDS[name]} has groups "
                       f"of fewer than {self.threshold} people, left out of the improvers and challenges: "
                       f"{listed}.")
        unknown = [(name, row) for name, column in GROUP_TABLES for row in self.report.rows(name)
                   if row[column] in (None, "unknown") and name != "reoffending_by_scheme"
                   and not row.get("small_numbers")]
        for name, row in unknown:
            out.append(f"Reoffending by {TABLE_WORDS[name]}: {people(row['offenders'])} with no recorded "
                       f"{TABLE_WORDS[name]} are shown as unknown.")
        custody = self.custody()
        if custody:
            out.append(custody)
        generated = self.report.generated_at.date()
        period_end = self.params.period.end
        if less_than_months_after(generated, period_end, DETECTION_LAG_MONTHS):
            out.append(f"Detection lag: the period ended on {long_date(period_end)}, less than "
                       f"{DETECTION_LAG_MONTHS} months before this report ({long_date(generated)}). Offences "
                       f"committed in {self.period} are still being detected, so its count will rise and the "
                       f"change in reoffending will move towards zero.")
        return out

    def custody(self) -> str | None:
        if "reoffending_by_scheme" not in self.report.tables:
            return None
        cohort_day = self.params.cohort_day
        beyond = self.params.exclude_custody_beyond
        rows = [row for row in self.report.rows("caseload_status")
                if row["date"] == cohort_day and row["status"] == "custody"]
        in_custody = sum(row["count"] for row in rows) if rows else None
        if "caseload_status" in self.report.tables and cohort_day in self.dates and not in_custody:
            return None  # nobody on IOM was in custody on the cohort date
        count_text = (f"{people(in_custody)} on IOM {'was' if in_custody == 1 else 'were'} in custody on "
                      f"{long_date(cohort_day)}" if in_custody else
                      f"the performance cohort may include people in custody on {long_date(cohort_day)}")
        if beyond is None:
            return (f"People in custody: {count_text}; those who offended {self.in_baseline} "
                    f"are in the performance cohort, and time in prison lowers their offending in {self.period}.")
        return (f"People in custody: {count_text}; those held beyond {long_date(beyond)} (or with no known "
                f"release) are left out of the performance cohort, those released earlier are in it.")


def draft_narrative(report: Report) -> Narrative:
    """The drafted overview, improvers, challenges and caveats of ``report``."""
    drafter = _Drafter(report)
    falls, rises = drafter.groups()
    met, missed = drafter.kpi_lines()
    improvers = [sentence for _, sentence in sorted(falls, key=lambda item: -item[0])]
    improvers += [sentence for _, sentence in sorted(met, key=lambda item: -item[0])]
    challenges = [sentence for _, sentence in sorted(rises, key=lambda item: -item[0])]
    challenges += [sentence for _, _, sentence in sorted(missed, key=lambda item: (item[0], -item[1]))]
    return Narrative(overview=_shown(drafter.overview()), improvers=_shown(improvers),
                     challenges=_shown(challenges), caveats=_shown(drafter.caveats()))


def _shown(sentences: list[str]) -> list[str]:
    """The sentences that quote no figure withheld for publication (``[c]``): a sentence about
    a withheld group is left out rather than half written."""
    return [sentence for sentence in sentences if WITHHELD not in sentence]
