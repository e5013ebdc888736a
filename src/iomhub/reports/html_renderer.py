"""The board's performance report as ONE self-contained HTML file.

Inline CSS (plain GOV.UK-like style, with print rules), inline SVG charts, no JavaScript and
no external resource. Jinja2 autoescapes every value from the package; only the charts (built
and escaped by :mod:`iomhub.reports.charts`) are inserted as markup.

The renderer only *presents* the report model: it rounds numbers for people (integers with
thousands separators, percentages to one decimal place, changes signed), writes a figure that
cannot be computed as an em dash, and lays the model's tables out in the order of the seed
board report (reoffending, caseload, community and custody, statutory management, risk,
referrals, engagement, needs, treatment, then the performance framework). The few derived
figures it shows (totals of a partition, a change from the first to the last snapshot date,
the share statutorily managed) are defined in the table's footnotes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from iomhub.domain.codes import PATHWAY_TITLES
from iomhub.domain.dates import PERIOD_PATTERN, Span, financial_year_label
from iomhub.reports import charts
from iomhub.reports.charts import decimal_text
from iomhub.reports.formatting import is_withheld
from iomhub.reports.model import SECTION_TITLES, Report

MINUS = "\u2212"
EM_DASH = "\u2014"
CANNOT_COMPUTE = "cannot be computed"
SMALL_NUMBERS_TEXT = "small numbers: interpret with caution"

BALANCE_LABELS = {
    "prior": "Offences in the 24 months before the joining month",
    "recent": "Offences in the 6 months before the joining month",
    "months_since_last": "Months since the last offence",
    "age": "Age (years)",
    "female": "Share female",
    "offences_before": "Offences in the window before",
    "risk_days_before": "Days at liberty in the window before",
}

# Section order of the seed board report (003); "flags" is shown inside "reoffending".
SECTION_ORDER = ("reoffending", "flags", "proven", "costs", "expected", "caseload", "custody", "statutory",
                 "risk", "referrals", "engagement", "needs", "treatment", "kpis", "effect")

TABLE_TITLES = {
    "reoffending_by_scheme": "Reoffending by scheme",
    "reoffending_by_age": "Reoffending by age band",
    "reoffending_by_gender": "Reoffending by gender",
    "reoffending_by_area": "Reoffending by area",
    "reoffending_by_flag": "Reoffending by programme flag",
    "target_attainment": "Target attainment",
    "caseload": "Caseload by area",
    "caseload_change": "Caseload change",
    "caseload_status": "Community and custody",
    "statutory_by_provider": "Statutory management by provider",
    "risk_tiers": "Spread of risk",
    "referrals_by_agency": "Referrals by agency",
    "attendance_by_agency": "Attendance by agency",
    "needs_first_assessment": "Needs at first assessment",
    "treatment_completions": "Treatment completions",
    "kpis": "Performance framework",
    "join_windows": "People with full windows before and after joining",
    "effect_estimate": "Change in offending attributed to IOM, by method",
    "time_at_risk": "Offences per 365 days at liberty",
    "matching_balance": "How alike the comparison group is (balance)",
    "proven_reoffending": "Proven reoffending",
    "cost_of_crime": "Cost of crime",
    "expected_reoffending": "Expected and observed reoffending",
}

ACRONYMS = {"nps": "NPS", "crc": "CRC", "yos": "YOS", "ppo": "PPO", "dyo": "DYO", "dip": "DIP",
            "iom": "IOM", "mappa": "MAPPA"}
ALL_LABELS = {"scheme": "All schemes", "area": "Total", "agency": "All agencies",
              "age_band": "All ages", "gender": "All", "flag": "All flags"}
RAG_LABELS = {"green": "Green", "amber": "Amber", "red": "Red"}


# --- numbers and words for people -----------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One table cell: its text, whether it is a number (right-aligned), a hover/print
    explanation, extra CSS classes, and whether it heads its row."""

    text: str
    numeric: bool = False
    title: str | None = None
    css: str = ""
    header: bool = False
    null: bool = False
    flag: str | None = None  # id of the small-numbers footnote this row's label points to

    @property
    def classes(self) -> str:
        """The CSS classes of the cell ("num" for figures, right-aligned)."""
        return " ".join(c for c in ("num" if self.numeric else "", self.css) if c)


def null_cell(reason: str = CANNOT_COMPUTE) -> Cell:
    """A figure that cannot be computed: an em dash explained by ``reason``."""
    return Cell(EM_DASH, numeric=True, title=reason, css="null", null=True)


def blank_cell() -> Cell:
    """A cell where no figure belongs (not applicable), left empty."""
    return Cell("", numeric=True)


def format_int(value: float) -> str:
    """``1234`` → ``1,234`` (a negative count, never expected, with a true minus sign)."""
    return decimal_text(value, 0).replace("-", MINUS)


def format_number(value: float, places: int = 1) -> str:
    """A decimal to ``places`` places with thousands separators; a whole number without decimals."""
    return format_int(value) if float(value).is_integer() else decimal_text(value, places).replace("-", MINUS)


def format_pct(value: float) -> str:
    """``70.1492`` → ``70.1%``; ``[c]`` when withheld for publication (NaN)."""
    if value != value:
        return "[c]"
    return decimal_text(value, 1).replace("-", MINUS) + "%"


def format_change(value: float) -> str:
    """A signed change: ``-38.947`` → ``−38.9%``, ``13.05`` → ``+13.1%`` (``0.0%`` when it rounds to 0)."""
    text = decimal_text(abs(value), 1)
    if value != value:
        return text
    if text == "0.0":
        return "0.0%"
    return f"{MINUS if value < 0 else '+'}{text}%"


def points_text(value: float) -> str:
    """A signed difference of percentages in points: ``9.78`` → ``+9.8 points``."""
    return format_change(value)[:-1] + " points"


def points_cell(value: float | None, reason: str = CANNOT_COMPUTE) -> Cell:
    """A signed difference in percentage points, or an em dash."""
    return null_cell(reason) if value is None else Cell(points_text(value), numeric=True)


def range_cell(low: float | None, high: float | None, text: Callable[[float], str]) -> Cell:
    """A 95% interval written ``low to high``, or an em dash when it cannot be computed."""
    if low is None or high is None:
        return null_cell(f"{CANNOT_COMPUTE}: too few people to resample")
    return Cell(f"{text(low)} to {text(high)}", numeric=True)


def int_cell(value: float | None, reason: str = CANNOT_COMPUTE) -> Cell:
    """A count, or an em dash when it cannot be computed."""
    return null_cell(reason) if value is None else Cell(format_int(value), numeric=True)


def pct_cell(value: float | None, reason: str = CANNOT_COMPUTE) -> Cell:
    """A percentage to one decimal place, or an em dash."""
    return null_cell(reason) if value is None else Cell(format_pct(value), numeric=True)


def change_cell(value: float | None, reason: str = CANNOT_COMPUTE) -> Cell:
    """A signed percentage change, or an em dash."""
    if value is None:
        return null_cell(reason)
    return Cell(format_change(value), numeric=True,
                css="fall" if value < 0 else "rise" if value > 0 else "")


def interval_text(low: float | None, high: float | None) -> str | None:
    """A 95% interval of a change as words: ``−20.1% to −4.0%``; None when it cannot be computed."""
    if low is None or high is None:
        return None
    return f"{format_change(low)} to {format_change(high)}"


def interval_cell(low: float | None, high: float | None, reason: str = CANNOT_COMPUTE) -> Cell:
    """The 95% interval of a change, or an em dash."""
    text = interval_text(low, high)
    return null_cell(reason) if text is None else Cell(text, numeric=True, css="interval")


def decimal_cell(value: float | None, places: int = 2, reason: str = CANNOT_COMPUTE) -> Cell:
    """A decimal figure (an average score) to ``places`` places, or an em dash."""
    return null_cell(reason) if value is None else Cell(decimal_text(value, places), numeric=True)


def percent_change(first: float | None, last: float | None) -> float | None:
    """(last - first) / first x 100; None when either is missing or ``first`` is 0."""
    if first is None or last is None or first == 0:
        return None
    return (last - first) / first * 100


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


def kpi_period_label(text: str, start_month: int = 4) -> str:
    """``2015-Q1`` → ``2015/16 Q1``; ``2015`` → ``2015/16`` (financial years)."""
    match = PERIOD_PATTERN.match(text.strip())
    if not match or start_month == 1:
        return text
    label = financial_year_label(int(match.group(1)))
    return f"{label} Q{match.group(2)}" if match.group(2) else label


# --- the page's structure -------------------------------------------------------------------


@dataclass
class Row:
    """A table row; ``css`` marks totals, group headings and small-number rows."""

    cells: list[Cell]
    css: str = ""


@dataclass
class Group:
    """Rows under an optional heading row (one ``<tbody>``), e.g. one scheme of the caseload."""

    rows: list[Row]
    heading: str | None = None


@dataclass
class Table:
    """A table as shown: caption, column headings, groups of rows and footnotes."""

    id: str
    caption: str
    columns: list[Cell]
    groups: list[Group]
    footnotes: list[tuple[str, str]] = field(default_factory=list)  # (id, text)
    empty_text: str = "There is nothing to show for this period."

    @property
    def is_empty(self) -> bool:
        return not any(group.rows for group in self.groups)


@dataclass
class Figure:
    """A chart (inline SVG, already escaped) and its caption."""

    svg: Markup
    caption: str


@dataclass
class Section:
    """A section of the report: heading, explanatory paragraphs, charts, tables, subsections."""

    key: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    subsections: list[Section] = field(default_factory=list)
    level: int = 2

    @property
    def anchor(self) -> str:
        return f"section-{self.key}"


def _column(text: str, numeric: bool = True) -> Cell:
    return Cell(text, numeric=numeric)


def group_label(column: str, code: Any, area_names: dict[str, str] | None = None) -> str:
    """The words for a group's code in ``column`` (scheme, area, age band, ...): the HTML report's
    and the board documents'."""
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


class _Builder:
    """Lays the model's tables out as the sections of the page."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.params = report.params
        self.period = report.params.period
        self.baseline = report.params.baseline_span
        self.dates: list[date] = list(report.settings.get("snapshot_dates") or [])
        self.threshold = int(report.settings.get("small_numbers_threshold") or report.params.small_numbers)

    # labels

    def label(self, column: str, code: Any) -> str:
        """The words for a group's code in ``column`` (scheme, area, age band, ...)."""
        return group_label(column, code, self.report.area_names)

    def rows(self, table: str) -> list[dict[str, Any]]:
        return self.report.rows(table)

    # reoffending

    def reoffending_table(self, name: str, column: str, caption: str) -> Table:
        """Offenders, offences in the baseline and in the period, and the change, per group."""
        footnote_id = f"small-{name}"
        flagged = False
        rows: list[Row] = []
        for row in self.rows(name):
            small = bool(row.get("small_numbers"))
            flagged = flagged or small
            label = Cell(self.label(column, row[column]), header=True,
                         flag=footnote_id if small else None)
            css = " ".join(c for c in ("total" if row[column] == "all" else "",
                                       "small-numbers" if small else "") if c)
            rows.append(Row([
                label,
                int_cell(row["offenders"]),
                int_cell(row["offences_before"]),
                int_cell(row["offences_after"]),
                change_cell(row["change_pct"], f"{CANNOT_COMPUTE}: no offences in the baseline"),
                interval_cell(row.get("change_pct_ci_low"), row.get("change_pct_ci_high"),
                              f"{CANNOT_COMPUTE}: no offences in the baseline"),
            ], css))
        footnotes = [("change-" + name, "Change: (offences in the period \u2212 offences in the "
                      "baseline) \u00f7 offences in the baseline. 95% interval: the range the change "
                      "would take in 95% of resamples of the people in the group (offences cluster "
                      "within people, so people, not offences, are resampled).")]
        if flagged:
            footnotes.insert(0, (footnote_id, f"* {SMALL_NUMBERS_TEXT[:1].upper()}{SMALL_NUMBERS_TEXT[1:]} "
                                 f"(fewer than {self.threshold} people in the group)."))
        heading = {"scheme": "Scheme", "age_band": "Age band", "gender": "Gender", "area": "Area",
                   "flag": "Flag"}[column]
        return Table(name, caption, [
            _column(heading, False), _column("Offenders"),
            _column(f"Offences {short_span(self.baseline)} (baseline)"),
            _column(f"Offences {short_span(self.period)} (period)"), _column("Change"),
            _column("95% interval"),
        ], [Group(rows)], footnotes)

    def reoffending(self) -> Section | None:
        """Reoffending of the performance cohort, by scheme, age, gender, area and flag, and
        target attainment."""
        if "reoffending_by_scheme" not in self.report.tables:
            return None
        section = Section("reoffending", SECTION_TITLES["reoffending"])
        cohort_text = (f"The performance cohort is everyone in a scheme on {long_date(self.params.cohort_day)} "
                       f"with at least one offence in the baseline ({span_text(self.baseline)}). Their "
                       f"offences in the baseline are compared with their offences in the period "
                       f"({span_text(self.period)}), counted by the date each offence was committed.")
        section.paragraphs.append(cohort_text)
        overall = self.report.row("reoffending_by_scheme", scheme="all")
        if overall is not None:
            change = overall["change_pct"]
            summary = (f"Overall, {format_int(overall['offenders'])} offenders committed "
                       f"{format_int(overall['offences_before'])} offences in the baseline and "
                       f"{format_int(overall['offences_after'])} in the period")
            if change is not None:
                summary += f": a change of {format_change(change)}"
            section.paragraphs.append(summary + ".")
        groups = [(self.label("scheme", row["scheme"]), float(row["offences_before"]),
                   float(row["offences_after"])) for row in self.rows("reoffending_by_scheme")]
        section.figures.append(Figure(
            Markup(charts.reoffending_chart("chart-reoffending", groups)),
            "Offences of the performance cohort in the baseline and in the period, by scheme."))
        for name, column, caption in (
                ("reoffending_by_scheme", "scheme", "Reoffending by scheme"),
                ("reoffending_by_age", "age_band",
                 f"Reoffending by age band (age on {long_date(self.params.cohort_day)})"),
                ("reoffending_by_gender", "gender", "Reoffending by gender"),
                ("reoffending_by_area", "area", "Reoffending by area")):
            if name in self.report.tables:
                section.tables.append(self.reoffending_table(name, column, caption))
        if "reoffending_by_flag" in self.report.tables:
            flags = Section("flags", SECTION_TITLES["flags"], level=3)
            flags.paragraphs.append(f"Flags held on {long_date(self.params.cohort_day)}; someone with "
                                    "several flags is counted under each.")
            flags.tables.append(self.reoffending_table("reoffending_by_flag", "flag",
                                                       "Reoffending by programme flag"))
            section.subsections.append(flags)
        if "target_attainment" in self.report.tables:
            target = self.params.target_reduction
            attainment = Section("target_attainment", "Target attainment", level=3)
            attainment.paragraphs.append(
                f"An offender meets the target when their own offences fell by at least "
                f"{format_number(target or 0)}% from the baseline to the period.")
            attainment.tables.append(Table("target_attainment", "Offenders meeting the reduction target", [
                _column("Scheme", False), _column("Offenders"), _column("Met the target"),
                _column("% met the target")], [Group([
                    Row([Cell(self.label("scheme", row["scheme"]), header=True),
                         int_cell(row["offenders"]), int_cell(row["met_target"]),
                         pct_cell(row["met_target_pct"], f"{CANNOT_COMPUTE}: no offenders")],
                        "total" if row["scheme"] == "all" else "")
                    for row in self.rows("target_attainment")])]))
            section.subsections.append(attainment)
        return section

    # caseload and its spread

    def date_columns(self, first: str, change: bool = True) -> list[Cell]:
        columns = [_column(first, False), *(_column(short_date(day)) for day in self.dates)]
        if change and len(self.dates) > 1:
            columns.append(_column("Change"))
        return columns

    def series_row(self, label: str, values: Sequence[float | None], css: str = "",
                   change: bool = True, as_pct: bool = False) -> Row:
        """A row of figures on each snapshot date, and the change from the first to the last."""
        cells = [Cell(label, header=True)]
        cells += [pct_cell(v) if as_pct else int_cell(v) for v in values]
        if len(self.dates) > 1:
            if change:
                cells.append(change_cell(percent_change(values[0], values[-1]),
                                         f"{CANNOT_COMPUTE}: none on the first date"))
            else:
                cells.append(blank_cell())
        return Row(cells, css)

    def caseload(self) -> Section:
        """The caseload of each scheme by area on the snapshot dates, with the % change."""
        section = Section("caseload", SECTION_TITLES["caseload"])
        section.paragraphs.append("People with an IOM episode covering each snapshot date (the first day "
                                  "of each quarter in the period, and its last day).")
        counts: dict[tuple[str, str], dict[date, int]] = {}
        for row in self.rows("caseload"):
            counts.setdefault((row["scheme"], row["area"]), {})[row["date"]] = row["count"]
        changes = {(row["scheme"], row["area"]): row["change_pct"] for row in self.rows("caseload_change")}
        schemes = list(dict.fromkeys(scheme for scheme, _ in counts))
        groups: list[Group] = []
        series: list[tuple[str, Sequence[float | None]]] = []
        for scheme in schemes:
            rows: list[Row] = []
            for (row_scheme, area), by_date in counts.items():
                if row_scheme != scheme:
                    continue
                cells = [Cell(self.label("area", area), header=True),
                         *(int_cell(by_date.get(day)) for day in self.dates)]
                if len(self.dates) > 1:
                    cells.append(change_cell(changes.get((scheme, area)),
                                             f"{CANNOT_COMPUTE}: nobody on the first date"))
                rows.append(Row(cells, "total" if area == "all" else ""))
                if area == "all":
                    series.append((self.label("scheme", scheme),
                                   [by_date.get(day) for day in self.dates]))
            groups.append(Group(rows, self.label("scheme", scheme)))
        section.figures.append(Figure(
            Markup(charts.caseload_chart("chart-caseload", [short_date(d) for d in self.dates], series)),
            "Caseload on each snapshot date, by scheme."))
        footnotes = []
        if len(self.dates) > 1:
            footnotes.append(("caseload-change", f"Change: from {short_date(self.dates[0])} to "
                              f"{short_date(self.dates[-1])}, as a percentage of the first."))
        section.tables.append(Table("caseload", "Caseload by scheme and area on each snapshot date",
                                    self.date_columns("Area"), groups, footnotes))
        return section

    def custody(self) -> Section | None:
        """Each scheme's caseload in the community and in custody, and those statutorily managed."""
        if "caseload_status" not in self.report.tables:
            return None
        section = Section("custody", SECTION_TITLES["custody"])
        section.paragraphs.append("In custody: a custody period covers the date; otherwise in the community. "
                                  "Statutorily managed: in the community and under a supervision order "
                                  "or licence on the date.")
        data: dict[str, dict[str, dict[date, dict[str, Any]]]] = {}
        for row in self.rows("caseload_status"):
            data.setdefault(row["scheme"], {}).setdefault(row["status"], {})[row["date"]] = row
        groups = []
        for scheme, statuses in data.items():
            name = self.label("scheme", scheme)

            def counts(status: str, column: str = "count",
                       statuses: dict[str, dict[date, dict[str, Any]]] = statuses) -> list[float | None]:
                by_date = statuses.get(status, {})
                return [by_date[day][column] if day in by_date else None for day in self.dates]

            community, custody = counts("community"), counts("custody")
            total = [None if a is None or b is None else a + b for a, b in zip(community, custody, strict=True)]
            rows = [self.series_row(f"Community ({name})", community),
                    self.series_row(f"Custody ({name})", custody),
                    self.series_row(f"Total managed ({name})", total, "total")]
            statutory = counts("community", "statutory")
            if any(value is not None for value in statutory):
                rows.append(self.series_row(f"Community, statutorily managed ({name})", statutory))
                share = [None if s is None or c is None or c == 0 else s / c * 100
                         for s, c in zip(statutory, community, strict=True)]
                rows.append(self.series_row("Percentage statutorily managed", share, change=False,
                                            as_pct=True))
            groups.append(Group(rows, name))
        footnotes = [("custody-total", "Total managed: community plus custody. Percentage statutorily "
                      "managed: statutorily managed \u00f7 community.")]
        section.tables.append(Table("caseload_status", "Community and custody on each snapshot date",
                                    self.date_columns(""), groups, footnotes))
        return section

    def statutory(self) -> Section | None:
        """Those in the community under statutory management, by provider, on each snapshot date."""
        if "statutory_by_provider" not in self.report.tables:
            return None
        section = Section("statutory", SECTION_TITLES["statutory"])
        section.paragraphs.append("People in the community covered by a supervision order or licence, "
                                  "by the provider supervising them.")
        data: dict[str, dict[str, dict[date, int]]] = {}
        for row in self.rows("statutory_by_provider"):
            data.setdefault(row["scheme"], {}).setdefault(row["provider"], {})[row["date"]] = row["count"]
        groups = [Group([self.series_row(f"{self.label('provider', provider)} (community)",
                                         [by_date.get(day) for day in self.dates])
                         for provider, by_date in providers.items()], self.label("scheme", scheme))
                  for scheme, providers in data.items()]
        section.tables.append(Table("statutory_by_provider", "Statutory management by provider",
                                    self.date_columns("Provider"), groups))
        return section

    def risk(self) -> Section | None:
        """The caseload on each snapshot date by its latest risk tier."""
        if "risk_tiers" not in self.report.tables:
            return None
        section = Section("risk", SECTION_TITLES["risk"])
        section.paragraphs.append("Everyone in the caseload on each date, by their latest risk tier on or "
                                  "before it (unassessed when they have none).")
        data: dict[str, dict[date, int]] = {}
        for row in self.rows("risk_tiers"):
            data.setdefault(row["tier"], {})[row["date"]] = row["count"]
        rows = [self.series_row(self.label("tier", tier), [by_date.get(day) for day in self.dates],
                                f"tier tier-{tier}") for tier, by_date in data.items()]
        if data:
            totals: list[float | None] = [sum(by_date.get(day, 0) for by_date in data.values())
                                          for day in self.dates]
            rows.append(self.series_row("Total", totals, "total"))
        section.tables.append(Table("risk_tiers", "Caseload by risk tier on each snapshot date",
                                    self.date_columns("Risk tier"), [Group(rows)]))
        return section

    # period figures

    def simple(self, key: str, table: str, caption: str, paragraph: str,
               columns: list[tuple[str, str, str]], first: tuple[str, str]) -> Section | None:
        """A section of one table: one row per ``first`` column's code, and ``columns`` as
        (heading, model column, kind) with kind ``int``, ``pct`` or ``dec``."""
        if table not in self.report.tables:
            return None
        section = Section(key, SECTION_TITLES[key], paragraphs=[paragraph])
        heading, code_column = first
        rows = []
        for row in self.rows(table):
            cells = [Cell(self.label(code_column, row[code_column]), header=True)]
            for _, column, kind in columns:
                value = row[column]
                cells.append(int_cell(value) if kind == "int" else pct_cell(value) if kind == "pct"
                             else decimal_cell(value))
            rows.append(Row(cells, "total" if row[code_column] == "all" else ""))
        section.tables.append(Table(table, caption, [_column(heading, False),
                                                     *(_column(title) for title, _, _ in columns)],
                                    [Group(rows)]))
        return section

    def referrals(self) -> Section | None:
        """Referrals to the single referral meeting in the period, by referring agency."""
        return self.simple(
            "referrals", "referrals_by_agency", f"Referrals by referring agency, {span_text(self.period)}",
            "Referrals made in the period. Acceptance: accepted \u00f7 (accepted + rejected); pending "
            "and withdrawn referrals are not counted in it.",
            [("Referrals", "referrals", "int"), ("Accepted", "accepted", "int"),
             ("Rejected", "rejected", "int"), ("Acceptance", "acceptance_pct", "pct")],
            ("Referring agency", "agency"))

    def engagement(self) -> Section | None:
        """Attendance of each agency at the meetings held in the period."""
        return self.simple(
            "engagement", "attendance_by_agency", f"Meeting attendance by agency, {span_text(self.period)}",
            "Multi-agency meetings held in the period. Attendance: attended \u00f7 invited.",
            [("Meetings", "meetings", "int"), ("Invited", "invited", "int"),
             ("Attended", "attended", "int"), ("Attendance", "attendance_pct", "pct")],
            ("Agency", "agency"))

    def needs(self) -> Section | None:
        """Needs across the seven pathways at each person's first assessment."""
        section = self.simple(
            "needs", "needs_first_assessment", "First assessment, by pathway",
            "Each person's first-ever needs assessment, when it is dated in the period. A score above "
            "0 means a need is identified; averages are of scores from 0 to 10.",
            [("Assessments", "assessments", "int"), ("Need identified", "identified", "int"),
             ("Average score (whole group)", "cumulative_avg", "dec"),
             ("Average score (when scored)", "avg_when_scored", "dec"),
             ("% with need identified", "identified_pct", "pct")],
            ("Pathway", "pathway"))
        if section is not None:
            bars = [(self.label("pathway", row["pathway"]), row["identified_pct"])
                    for row in self.rows("needs_first_assessment")]
            section.figures.append(Figure(Markup(charts.needs_chart("chart-needs", bars)),
                                          "Percentage of first assessments with a need identified, by pathway."))
            progress = self.needs_progress_figure()
            if progress is not None:
                section.figures.append(progress)
        return section

    def needs_progress_figure(self) -> Figure | None:
        """The average score of each pathway at the first assessment and about 3, 6, 9 and 12
        months later (``needs_progress``; the figures are in the chart's text alternative)."""
        rows = self.rows("needs_progress")
        if not rows:
            return None
        points = sorted({int(row["months"]) for row in rows})
        lines: dict[str, dict[int, float | None]] = {}
        for row in rows:
            lines.setdefault(self.label("pathway", row["pathway"]), {})[int(row["months"])] = row["avg_then"]
        svg = charts.needs_progress_chart(
            "chart-needs-progress", ["First" if m == 0 else f"{m} months" for m in points],
            [(name, [values.get(m) for m in points]) for name, values in lines.items()])
        return Figure(Markup(svg), "Average needs score by pathway at the first assessment and at the "
                      "assessment nearest 3, 6, 9 and 12 months after it (within 45 days); each later point "
                      "averages only the people assessed both times.")

    def treatment(self) -> Section | None:
        """Structured treatment episodes open in the period and their successful completions."""
        return self.simple(
            "treatment", "treatment_completions", f"Treatment completions, {span_text(self.period)}",
            "Episodes open at any time in the period. Successful: completed in the period with no "
            "re-presentation within 6 months.",
            [("In treatment", "in_treatment", "int"), ("Successful completions", "successful", "int"),
             ("Successful", "successful_pct", "pct")],
            ("Substance", "substance"))

    # expected reoffending (OGRS3)

    def expected(self) -> Section | None:
        """Observed two-year proven reoffending against OGRS3's expectation, per scheme."""
        name = "expected_reoffending"
        if name not in self.report.tables:
            return None
        section = Section("expected", SECTION_TITLES["expected"], paragraphs=[
            "Everyone whose first IOM episode started early enough to be followed for two years, with a "
            "further six months for offences to be detected, by the report's last day. Expected: the "
            "mean OGRS3 two-year probability of proven reoffending (Howard et al., 2009, Ministry of "
            "Justice Research Summary 7/09) on the day each person joined, from age, gender, criminal "
            "history and the latest offence before joining. Observed: the share who committed an offence "
            "within two years that was detected within two and a half. Ranges are 95% intervals from "
            "resampling people.",
            "OGRS3 was built on people convicted or cautioned in 2002 and sentenced in 2005, not on "
            "people chosen for their recent offending: observed below expected is not proof that IOM "
            "worked."])
        rows: list[Row] = []
        for row in self.rows(name):
            small = bool(row["small_numbers"])
            no_one = f"{CANNOT_COMPUTE}: nobody in the group could be scored"
            rows.append(Row([
                Cell(self.label("scheme", row["scheme"]), header=True, flag=f"small-{name}" if small else None),
                int_cell(row["offenders"]), int_cell(row["scored"]), pct_cell(row["expected_pct"], no_one),
                pct_cell(row["observed_pct"], no_one),
                range_cell(row["observed_pct_ci_low"], row["observed_pct_ci_high"], format_pct),
                points_cell(row["difference_pct"], no_one),
                range_cell(row["difference_pct_ci_low"], row["difference_pct_ci_high"], points_text),
                int_cell(row["not_scored"]), int_cell(row["history_from_offences"]),
            ], " ".join(c for c in ("total" if row["scheme"] == "all" else "",
                                    "small-numbers" if small else "") if c)))
        footnotes = [(f"small-{name}", f"* {SMALL_NUMBERS_TEXT[:1].upper()}{SMALL_NUMBERS_TEXT[1:]} "
                      f"(fewer than {self.threshold} people scored).")] if any(
            r["small_numbers"] for r in self.rows(name)) else []
        section.tables.append(Table(name, "Two-year proven reoffending: observed against expected (OGRS3)", [
            _column("Scheme", False), _column("People followed up"), _column("Scored"),
            _column("Expected"), _column("Observed"), _column("Observed, 95% range"),
            _column("Observed − expected"), _column("Difference, 95% range"), _column("Not scored"),
            _column("History from offence data"),
        ], [Group(rows)], footnotes, empty_text="Nobody has been on IOM long enough for a two-year follow-up."))
        return section

    # performance framework

    def kpi_value(self, value: float | None, unit: str | None, reason: str = CANNOT_COMPUTE) -> Cell:
        """A KPI figure in its unit: a percentage, a count, or a rate (two decimal places)."""
        if value is None:
            return null_cell(reason)
        if unit == "percent":
            return Cell(format_pct(value), numeric=True)
        if unit == "rate":
            return Cell(decimal_text(value, 2), numeric=True)
        return Cell(format_number(value), numeric=True)

    def kpis(self) -> Section | None:
        """Each indicator's target and actual for the periods overlapping the report, with RAG."""
        if "kpis" not in self.report.tables:
            return None
        section = Section("kpis", SECTION_TITLES["kpis"])
        section.paragraphs.append(
            "Green: target met. Amber: missed by no more than 10% of the target (of the range's width "
            "for a range). Red: missed by more.")
        start_month = int(self.report.settings.get("financial_year_start_month") or 4)
        rows = []
        computed = False
        overridden: list[str] = []
        for row in self.rows("kpis"):
            unit, kind = row.get("unit"), row.get("kind")
            if kind == "range":
                low, high = row.get("low"), row.get("high")
                target = (Cell(f"{self.kpi_value(low, unit).text} \u2013 {self.kpi_value(high, unit).text}",
                               numeric=True) if low is not None and high is not None else null_cell())
            elif kind == "na":
                target = Cell("not applicable", numeric=True, css="muted")
            elif kind == "tbc":
                target = Cell("to be confirmed", numeric=True, css="muted")
            else:
                target = self.kpi_value(row.get("target"), unit,
                                        f"{CANNOT_COMPUTE}: a change target needs a baseline")
            actual = self.kpi_value(row.get("actual"), unit, "no actual for this period")
            source = str(row.get("actual_source") or "")
            if source.startswith("computed") and not actual.null:
                computed = True
                actual = Cell(actual.text + "\u2020", numeric=True, title=source, css=actual.css,
                              null=actual.null)
            rag = row.get("rag")
            rag_cell = (Cell(RAG_LABELS.get(rag, humanise(rag)), css=f"rag rag-{rag}") if rag
                        else Cell(EM_DASH, title="no RAG: no target or no actual", css="rag null", null=True))
            if row.get("rag_overridden"):
                computed_rag = str(row.get("rag_computed") or "")
                overridden.append(
                    f"{row.get('title') or row['indicator_id']}, {kpi_period_label(str(row['period']), start_month)}: "
                    f"{RAG_LABELS.get(computed_rag, 'no RAG')} by the rule, set to "
                    f"{RAG_LABELS.get(str(rag), str(rag))} by {row.get('rag_override_by') or 'a manager'}"
                    f"{' on ' + long_date(row['rag_override_on']) if row.get('rag_override_on') else ''}: "
                    f"{row.get('rag_override_reason')}")
                rag_cell = Cell(rag_cell.text + "\u2021", title="set by hand: see the note under the table",
                                css=rag_cell.css)
            rows.append(Row([
                Cell(str(row.get("title") or row["indicator_id"]), header=True),
                Cell(str(row.get("owner") or "")),
                Cell(kpi_period_label(str(row["period"]), start_month)),
                self.kpi_value(row.get("baseline"), unit, "no baseline"),
                target, actual, rag_cell, Cell(str(row.get("comment") or "")),
            ]))
        section.tables.append(Table("kpis", "Performance framework", [
            _column("Indicator", False), _column("Owner", False), _column("Period", False),
            _column("Baseline"), _column("Target"), _column("Actual"), _column("RAG", False),
            _column("Comment", False)], [Group(rows)],
            ([("kpi-computed", "\u2020 Actual computed by iomhub from the package for the report's own "
               "period.")] if computed else [])
            + ([("kpi-override", "\u2021 RAG set by hand (a manual override, kept with its reason): "
                 + "; ".join(overridden) + ".")] if overridden else [])))
        return section

    # what the figures can claim

    def effect(self) -> Section | None:
        """Effect estimates (naive, at liberty, matched comparison), time at risk and balance."""
        if "effect_estimate" not in self.report.tables:
            return None
        months = int(self.report.settings.get("effect_window_months") or 12)
        section = Section("effect", SECTION_TITLES["effect"])
        windows = {row["status"]: row["people"] for row in self.rows("join_windows")}
        section.paragraphs.append(
            "A cohort chosen because its members offended a lot recently offends less the next year "
            "even if nothing is done (regression to the mean), and people in prison cannot offend. "
            f"This section compares each person's {months} months after joining IOM with the "
            f"{months} months before, at liberty, and against similar people who were not on IOM.")
        section.paragraphs.append(
            f"{format_int(windows.get('eligible', 0))} people joined IOM with both windows inside the "
            f"data; {format_int(windows.get('too_early', 0))} joined too early and "
            f"{format_int(windows.get('too_recent', 0))} too recently to be included.")
        method_names = {"naive": "Before and after (naive)",
                        "time_at_risk": "Before and after, at liberty",
                        "matched_did": "Against a matched comparison group"}
        rows = [Row([Cell(method_names.get(row["method"], humanise(row["method"])), header=True),
                     int_cell(row["offenders"]),
                     int_cell(row["comparison_offenders"], "no comparison group in this method"),
                     change_cell(row["estimate_pct"]),
                     interval_cell(row["ci_low_pct"], row["ci_high_pct"]),
                     Cell("[c]" if is_withheld(row["verdict"]) else str(row["verdict"] or ""),
                          numeric=False)])
                for row in self.rows("effect_estimate")]
        section.tables.append(Table("effect_estimate", "Change in offending attributed to IOM, by method", [
            _column("Method", False), _column("People"), _column("Comparison people"),
            _column("Estimate"), _column("95% interval"), _column("What it means", False)],
            [Group(rows)], [("effect-note", "Matched comparison: each member is matched with up to "
                             "five people not yet on IOM of the same gender, recent offending, recency band "
                             "and custody status, and the nearest prior offending, age, recency and "
                             "area; the estimate is the difference in the change of their offending "
                             "rates at liberty (difference in differences).")]))
        risk_rows = []
        for basis, title in (("fixed_period", "Performance cohort, baseline against period"),
                             ("join_anchored", f"{months} months before and after joining")):
            group = [row for row in self.rows("time_at_risk") if row["basis"] == basis]
            if not group:
                continue
            risk_rows.append(Group([Row([
                Cell(self.label("scheme", row["scheme"]), header=True), int_cell(row["offenders"]),
                change_cell(row["change_pct"]), decimal_cell(row["rate_before"]),
                decimal_cell(row["rate_after"]), change_cell(row["rate_change_pct"]),
                interval_cell(row["rate_change_pct_ci_low"], row["rate_change_pct_ci_high"])],
                "total" if row["scheme"] == "all" else "") for row in group], title))
        section.tables.append(Table("time_at_risk", "Offences per 365 days at liberty", [
            _column("Scheme", False), _column("Offenders"), _column("Change in offences"),
            _column("Rate before"), _column("Rate after"), _column("Change in rate"),
            _column("95% interval")], risk_rows,
            [("risk-note", "Rate: offences per 365 days at liberty (days in the window minus days "
              "in custody), everyone pooled.")]))
        balance = [Row([Cell(BALANCE_LABELS.get(row["variable"], humanise(row["variable"])), header=True),
                        decimal_cell(row["members_mean"]), decimal_cell(row["pool_mean"], reason="not "
                                                                         "measured before matching"),
                        decimal_cell(row["comparison_mean_after"]), decimal_cell(row["smd_before"],
                                                                                 reason="not measured"),
                        decimal_cell(row["smd_after"])]) for row in self.rows("matching_balance")]
        section.tables.append(Table("matching_balance", "How alike the comparison group is (balance)", [
            _column("Variable", False), _column("IOM members"), _column("Others who offended, before matching"),
            _column("Matched comparison"), _column("Standardised difference before"),
            _column("after")], [Group(balance)],
            [("balance-note", "Standardised difference: difference of means \u00f7 the square root "
              "of the mean of the two variances; under 0.1 is good.")]))
        return section

    def sections(self) -> list[Section]:
        """Every section the model holds, in the order of the seed board report."""
        from iomhub.reports.html_proven_costs import costs_section, proven_section

        built = [self.reoffending(), proven_section(self), costs_section(self), self.expected(),
                 self.caseload(), self.custody(),
                 self.statutory(), self.risk(), self.referrals(), self.engagement(), self.needs(),
                 self.treatment(), self.kpis(), self.effect()]
        return [section for section in built if section is not None]

    def notes(self) -> list[str]:
        """The model's notes, with table names written as their titles."""
        out = []
        for note in self.report.notes:
            name, sep, rest = note.partition(": ")
            if sep and name in TABLE_TITLES:
                note = f"{TABLE_TITLES[name]}: {rest}"
            out.append(note)
        return out

    def header(self) -> list[tuple[str, str]]:
        """The facts under the title: period, baseline, cohort date, options, generated, source."""
        report, params = self.report, self.params
        facts = [("Period", span_text(self.period)), ("Baseline", span_text(self.baseline)),
                 ("Cohort date", long_date(params.cohort_day))]
        if params.target_reduction is not None:
            facts.append(("Reduction target", f"{format_number(params.target_reduction)}% per offender"))
        if params.exclude_custody_beyond is not None:
            facts.append(("Custody exclusion", "people in custody on the cohort date beyond "
                          f"{long_date(params.exclude_custody_beyond)} are left out"))
        generated = report.generated_at
        zone = generated.tzname() or ""
        facts.append(("Generated", f"{long_date(generated.date())} at {generated:%H:%M} {zone}".strip()))
        facts.append(("Source", report.source))
        return facts


# --- the public API for embedding the report in another page ---------------------------------


def report_sections(report: Report, *, inline_style: bool = True) -> list[Section]:
    """The report's sections, in the order of the seed board report: the same tables, cells and
    formatting as :func:`render_html`, to lay out in another page (the web dashboard).

    ``inline_style=False`` takes the charts' one inline style (their font) out, for a page whose
    Content-Security-Policy refuses inline styles and whose CSS sets the font."""
    sections = _Builder(report).sections()
    if not inline_style:
        for section in sections:
            for sub in (section, *section.subsections):
                for figure in sub.figures:
                    figure.svg = Markup(charts.without_inline_style(str(figure.svg)))  # escaped by charts
    return sections


def report_header(report: Report) -> list[tuple[str, str]]:
    """The facts shown under the title, as (term, value): period, baseline, cohort date, options,
    when the report was generated and from what."""
    return _Builder(report).header()


def report_notes(report: Report) -> list[str]:
    """The model's notes, with table names written as their titles."""
    return _Builder(report).notes()


_ENVIRONMENT = Environment(
    loader=PackageLoader("iomhub.reports", "templates"),
    autoescape=select_autoescape(enabled_extensions=("html", "j2"), default_for_string=True, default=True),
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def render_html(report: Report) -> str:
    """The whole report as one self-contained HTML page."""
    builder = _Builder(report)
    sections = builder.sections()
    template = _ENVIRONMENT.get_template("report.html.j2")
    generated: datetime = report.generated_at
    return template.render(
        title=report.title,
        facts=builder.header(),
        notes=builder.notes(),
        sections=sections,
        contents=sections,
        generated_iso=generated.isoformat(),
        em_dash=EM_DASH,
        cannot_compute=CANNOT_COMPUTE,
        small_numbers_text=SMALL_NUMBERS_TEXT,
        threshold=builder.threshold,
    )
