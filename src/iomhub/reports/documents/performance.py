"""The IOM performance report as a board document (the shape of seed 003).

Sections, in the seed's order and the Foundation report's: the drafted narrative (performance
overview, key improvers and successes, key challenges; its caveats go in the notes box),
reoffending (by scheme, age band, gender, area and flag, with target attainment), proven
reoffending (the Ministry of Justice's measures) and the cost of crime (its caveat also in the
notes), caseload, community and custody, statutory management, spread of risk, referrals,
engagement, criminogenic needs, treatment and the performance framework. Every figure is a cell of the
report model's tables, never recomputed, except the few derived figures the HTML report shows
too (a partition's total, the change from the first to the last snapshot date, the share
statutorily managed), each defined in its table's footnotes. Groups of fewer people than the
small-numbers threshold carry the flag "small numbers: interpret with caution".
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from iomhub.reports import charts
from iomhub.reports.documents.build import (
    SMALL_NUMBERS_TEXT,
    WITHHELD_MARK,
    change,
    count,
    fy_start_month,
    is_withheld,
    number,
    percent,
    percent_change,
    rag_cell,
    report_meta,
    span_words,
    text,
    unit_cell,
)
from iomhub.reports.documents.kpis import OVERRIDDEN, override_line, target_cell
from iomhub.reports.documents.model import Block, Bullets, Cell, Chart, Document, Paragraph, Section, Table
from iomhub.reports.documents.narrative import Narrative, draft_narrative
from iomhub.reports.documents.proven_costs import costs_section, proven_section
from iomhub.reports.html_renderer import (
    format_pct,
    group_label,
    kpi_period_label,
    long_date,
    points_text,
    short_date,
    span_text,
)
from iomhub.reports.model import MISSING_TEXT, SECTION_TITLES, Report

REOFFENDING_TABLES = (
    ("reoffending_by_scheme", "scheme", "Scheme", "Reoffending by scheme"),
    ("reoffending_by_age", "age_band", "Age band", "Reoffending by age band"),
    ("reoffending_by_gender", "gender", "Gender", "Reoffending by gender"),
    ("reoffending_by_area", "area", "Area", "Reoffending by area"),
)
OVERVIEW_TITLE = "Performance overview"
IMPROVERS_TITLE = "Key improvers and successes"
CHALLENGES_TITLE = "Key challenges"


class _Builder:
    def __init__(self, report: Report) -> None:
        self.report = report
        self.params = report.params
        self.start_month = fy_start_month(report)
        self.period_words = span_words(self.params.period, self.start_month)
        self.baseline_words = span_words(self.params.baseline_span, self.start_month)
        self.dates: list[date] = list(report.settings.get("snapshot_dates") or [])
        self.threshold = int(report.settings.get("small_numbers_threshold") or self.params.small_numbers)

    def label(self, column: str, code: Any) -> str:
        return group_label(column, code, self.report.area_names)

    def rows(self, table: str) -> list[dict[str, Any]]:
        return self.report.rows(table)

    def small_footnote(self) -> str:
        return (f"Flagged groups: {SMALL_NUMBERS_TEXT} (fewer than {self.threshold} people).")

    # narrative

    @staticmethod
    def narrative_section(narrative: Narrative) -> Section:
        blocks: list[Block] = [
            Bullets(narrative.overview or ["There are no figures to summarise for this period."]),
            Bullets(narrative.improvers or ["No group's reoffending fell and no indicator met its target."],
                    IMPROVERS_TITLE),
            Bullets(narrative.challenges or ["No group's reoffending rose and no indicator missed its target."],
                    CHALLENGES_TITLE),
        ]
        return Section(OVERVIEW_TITLE, blocks)

    # reoffending

    def reoffending_table(self, name: str, column: str, heading: str, title: str) -> Table:
        rows: list[list[Cell]] = []
        flagged = False
        totals = 0
        for row in self.rows(name):
            small = bool(row.get("small_numbers")) and row[column] != "all"
            flagged = flagged or small
            is_total = row[column] == "all"
            totals += is_total
            flag = SMALL_NUMBERS_TEXT if small else None
            rows.append([text(self.label(column, row[column]), bold=is_total, flag=flag),
                         count(row["offenders"], bold=is_total, flag=flag),
                         count(row["offences_before"], bold=is_total),
                         count(row["offences_after"], bold=is_total),
                         change(row["change_pct"], bold=is_total),
                         change(row.get("change_pct_ci_low"), bold=is_total),
                         change(row.get("change_pct_ci_high"), bold=is_total)])
        footnotes = [f"Change: (offences {self.period_words} − offences {self.baseline_words}) ÷ offences "
                     f"{self.baseline_words}; a dash when there were none {self.baseline_words}. "
                     "95% interval: the range of the change over resamples of the group's people."]
        if flagged:
            footnotes.insert(0, self.small_footnote())
        return Table(title, title, [heading, "Offenders", f"Offences {self.baseline_words} (baseline)",
                                    f"Offences {self.period_words} (period)", "Change",
                                    "95% interval from", "to"],
                     rows, footnotes, total_rows=totals if rows and rows[-1][0].bold else 0)

    def reoffending_chart(self) -> Chart | None:
        groups: list[tuple[str, float, float]] = []
        data: list[list[Cell]] = []
        small_any = False
        for name, column, heading, _ in REOFFENDING_TABLES[:3]:
            for row in self.rows(name):
                if row[column] == "all":
                    continue
                small = bool(row.get("small_numbers"))
                small_any = small_any or small
                label = f"{self.label(column, row[column])}{' *' if small else ''}"
                if not (is_withheld(row["offences_before"]) or is_withheld(row["offences_after"])):
                    groups.append((label, float(row["offences_before"]), float(row["offences_after"])))
                flag = SMALL_NUMBERS_TEXT if small else None
                data.append([text(heading), text(self.label(column, row[column]), flag=flag),
                             count(row["offenders"], flag=flag), count(row["offences_before"]),
                             count(row["offences_after"]), change(row["change_pct"])])
        if not groups:
            return None
        title = "Offences before and after, by scheme, age band and gender"
        svg = charts.paired_bar_chart("chart-reoffending-groups", title, groups,
                                      (f"Baseline {self.baseline_words}", f"Period {self.period_words}"))
        description = f"{title}: " + "; ".join(
            f"{label}: {before:,.0f} offences {self.baseline_words}, {after:,.0f} {self.period_words}"
            for label, before, after in groups) + "."
        footnotes = [f"* {SMALL_NUMBERS_TEXT} (fewer than {self.threshold} people)."] if small_any else []
        if small_any:
            description += f" Groups marked * have fewer than {self.threshold} people: interpret with caution."
        table = Table("Chart reoffending by group", title,
                      ["Grouping", "Group", "Offenders", f"Offences {self.baseline_words}",
                       f"Offences {self.period_words}", "Change"], data, footnotes)
        return Chart(title, svg, description, table)

    def reoffending(self) -> Section | None:
        if "reoffending_by_scheme" not in self.report.tables:
            return None
        params = self.params
        blocks: list[Block] = [Paragraph(
            f"The performance cohort is everyone in a scheme on {long_date(params.cohort_day)} with at least "
            f"one offence in the baseline ({span_text(params.baseline_span)}). Their offences in the baseline "
            f"are compared with their offences in the period ({span_text(params.period)}), counted by the date "
            f"each offence was committed (detected offences on police systems, not convictions).")]
        if params.exclude_custody_beyond is not None:
            blocks.append(Paragraph(
                f"People in custody on the cohort date who stay beyond {long_date(params.exclude_custody_beyond)} "
                "(or whose release is unknown) are left out of the performance cohort."))
        chart = self.reoffending_chart()
        if chart is not None:
            blocks.append(chart)
        for name, column, heading, title in REOFFENDING_TABLES:
            if name in self.report.tables:
                blocks.append(self.reoffending_table(name, column, heading, title))
        if "reoffending_by_flag" in self.report.tables:
            blocks.append(Paragraph(f"Programme flags held on {long_date(params.cohort_day)}; someone with "
                                    "several flags is counted under each."))
            blocks.append(self.reoffending_table("reoffending_by_flag", "flag", "Flag",
                                                 "Reoffending by programme flag"))
        if "target_attainment" in self.report.tables:
            target = params.target_reduction or 0
            blocks.append(Paragraph(f"An offender meets the target when their own offences fell by at least "
                                    f"{target:g}% from the baseline to the period."))
            rows = [[text(self.label("scheme", row["scheme"]), bold=row["scheme"] == "all"),
                     count(row["offenders"], bold=row["scheme"] == "all"),
                     count(row["met_target"], bold=row["scheme"] == "all"),
                     percent(row["met_target_pct"], bold=row["scheme"] == "all")]
                    for row in self.rows("target_attainment")]
            blocks.append(Table("Target attainment", f"Offenders meeting the {target:g}% reduction target",
                                ["Scheme", "Offenders", "Met the target", "% met the target"], rows,
                                total_rows=1 if rows and rows[-1][0].bold else 0))
        return Section(SECTION_TITLES["reoffending"], blocks)

    # snapshot tables

    def date_headings(self) -> list[str]:
        headings = [short_date(day) for day in self.dates]
        return [*headings, "Change"] if len(self.dates) > 1 else headings

    def series(self, values: Sequence[float | None], *, as_percent: bool = False, bold: bool = False,
               with_change: bool = True) -> list[Cell]:
        cells = [percent(v, bold=bold) if as_percent else count(v, bold=bold) for v in values]
        if len(self.dates) > 1:
            cells.append(change(percent_change(values[0], values[-1]), bold=bold) if with_change
                         else text(""))
        return cells

    def change_footnote(self) -> list[str]:
        if len(self.dates) < 2:
            return []
        return [f"Change: from {short_date(self.dates[0])} to {short_date(self.dates[-1])}, as a percentage "
                "of the first."]

    def caseload(self) -> Section:
        counts: dict[tuple[str, str], dict[date, int]] = {}
        for row in self.rows("caseload"):
            counts.setdefault((row["scheme"], row["area"]), {})[row["date"]] = row["count"]
        changes = {(row["scheme"], row["area"]): row["change_pct"] for row in self.rows("caseload_change")}
        rows: list[list[Cell]] = []
        lines: list[tuple[str, Sequence[float | None]]] = []
        totals = 0
        for (scheme, area), by_date in counts.items():
            bold = area == "all" or scheme == "all"
            totals = totals + 1 if scheme == "all" else 0
            values = [by_date.get(day) for day in self.dates]
            cells = [text(self.label("scheme", scheme), bold=bold), text(self.label("area", area), bold=bold),
                     *(count(v, bold=bold) for v in values)]
            if len(self.dates) > 1:
                cells.append(change(changes.get((scheme, area)), bold=bold))
            rows.append(cells)
            if area == "all":
                lines.append((self.label("scheme", scheme), values))
        blocks: list[Block] = [Paragraph(
            "People with an IOM episode covering each snapshot date (the first day of each quarter in the "
            "period, and its last day).")]
        title = "Caseload on each snapshot date, by scheme"
        labels = [short_date(day) for day in self.dates]
        data = [[text(name), *(count(v) for v in values)] for name, values in lines]
        description = f"{title}. " + " ".join(
            f"{name}: " + ", ".join(f"{'no figure' if v is None else WITHHELD_MARK if is_withheld(v) else f'{v:,.0f}'}"
                                    f" on {label}"
                                    for label, v in zip(labels, values, strict=False)) + "."
            for name, values in lines)
        blocks.append(Chart(title, charts.caseload_chart("chart-caseload", labels, lines), description,
                            Table("Chart caseload", title, ["Scheme", *labels], data)))
        blocks.append(Table("Caseload", "Caseload by scheme and area on each snapshot date",
                            ["Scheme", "Area", *self.date_headings()], rows, self.change_footnote(),
                            total_rows=totals))
        return Section(SECTION_TITLES["caseload"], blocks)

    def custody(self) -> Section | None:
        if "caseload_status" not in self.report.tables:
            return None
        data: dict[str, dict[str, dict[date, dict[str, Any]]]] = {}
        for row in self.rows("caseload_status"):
            data.setdefault(row["scheme"], {}).setdefault(row["status"], {})[row["date"]] = row
        rows: list[list[Cell]] = []
        for scheme, statuses in data.items():
            name = self.label("scheme", scheme)

            def values(status: str, column: str = "count",
                       statuses: dict[str, dict[date, dict[str, Any]]] = statuses) -> list[float | None]:
                by_date = statuses.get(status, {})
                return [by_date[day][column] if day in by_date else None for day in self.dates]

            community, custody = values("community"), values("custody")
            total = [None if a is None or b is None else a + b for a, b in zip(community, custody, strict=True)]
            rows.append([text(name), text("Community"), *self.series(community)])
            rows.append([text(name), text("Custody"), *self.series(custody)])
            rows.append([text(name, bold=True), text("Total managed", bold=True), *self.series(total, bold=True)])
            statutory = values("community", "statutory")
            if any(v is not None for v in statutory):
                rows.append([text(name), text("Community, statutorily managed"), *self.series(statutory)])
                share = [None if s is None or c is None or c == 0 else s / c * 100
                         for s, c in zip(statutory, community, strict=True)]
                rows.append([text(name), text("Percentage statutorily managed"),
                             *self.series(share, as_percent=True, with_change=False)])
        footnotes = ["Custody: a custody period covers the date; otherwise community. Total managed: "
                     "community plus custody. Percentage statutorily managed: statutorily managed ÷ community.",
                     *self.change_footnote()]
        return Section(SECTION_TITLES["custody"], [
            Paragraph("Each scheme's caseload in the community and in custody on each snapshot date, and those "
                      "in the community under a supervision order or licence."),
            Table("Community and custody", "Community and custody on each snapshot date",
                  ["Scheme", "", *self.date_headings()], rows, footnotes)])

    def statutory(self) -> Section | None:
        if "statutory_by_provider" not in self.report.tables:
            return None
        data: dict[tuple[str, str], dict[date, int]] = {}
        for row in self.rows("statutory_by_provider"):
            data.setdefault((row["scheme"], row["provider"]), {})[row["date"]] = row["count"]
        rows = [[text(self.label("scheme", scheme)), text(self.label("provider", provider)),
                 *self.series([by_date.get(day) for day in self.dates])]
                for (scheme, provider), by_date in data.items()]
        return Section(SECTION_TITLES["statutory"], [
            Paragraph("People in the community covered by a supervision order or licence, by the provider "
                      "supervising them."),
            Table("Statutory management", "Statutory management by provider (community)",
                  ["Scheme", "Provider", *self.date_headings()], rows, self.change_footnote())])

    def risk(self) -> Section | None:
        if "risk_tiers" not in self.report.tables:
            return None
        data: dict[str, dict[date, int]] = {}
        for row in self.rows("risk_tiers"):
            data.setdefault(row["tier"], {})[row["date"]] = row["count"]
        rows = [[text(self.label("tier", tier)), *self.series([by_date.get(day) for day in self.dates])]
                for tier, by_date in data.items()]
        if data:
            totals: list[float | None] = [sum(by_date.get(day, 0) for by_date in data.values())
                                          for day in self.dates]
            rows.append([text("Total", bold=True), *self.series(totals, bold=True)])
        return Section(SECTION_TITLES["risk"], [
            Paragraph("Everyone in the caseload on each date, by their latest risk tier on or before it "
                      "(unassessed when they have none)."),
            Table("Spread of risk", "Caseload by risk tier on each snapshot date",
                  ["Risk tier", *self.date_headings()], rows, self.change_footnote(),
                  total_rows=1 if data else 0)])

    # period tables

    def simple(self, key: str, table: str, title: str, paragraph: str, first: tuple[str, str],
               columns: list[tuple[str, str, str]]) -> Section | None:
        """One table: a row per code of ``first`` (heading, column), ``columns`` as (heading,
        column, kind) with kind count, percent or number; the ``all`` row is the total."""
        if table not in self.report.tables:
            return None
        heading, code_column = first
        makers = {"count": count, "percent": percent, "number": number}
        rows = []
        for row in self.rows(table):
            bold = row[code_column] == "all"
            rows.append([text(self.label(code_column, row[code_column]), bold=bold),
                         *(makers[kind](row[column], bold=bold) for _, column, kind in columns)])
        return Section(SECTION_TITLES[key], [Paragraph(paragraph), Table(
            SECTION_TITLES[key], title, [heading, *(h for h, _, _ in columns)], rows,
            total_rows=1 if rows and rows[-1][0].bold else 0)])

    def referrals(self) -> Section | None:
        return self.simple(
            "referrals", "referrals_by_agency", f"Referrals by referring agency, {span_text(self.params.period)}",
            "Referrals made in the period. Acceptance: accepted ÷ (accepted + rejected); pending and withdrawn "
            "referrals are not counted in it.", ("Referring agency", "agency"),
            [("Referrals", "referrals", "count"), ("Accepted", "accepted", "count"),
             ("Rejected", "rejected", "count"), ("Acceptance", "acceptance_pct", "percent")])

    def engagement(self) -> Section | None:
        return self.simple(
            "engagement", "attendance_by_agency", f"Meeting attendance by agency, {span_text(self.params.period)}",
            "Multi-agency meetings held in the period. Attendance: attended ÷ invited.", ("Agency", "agency"),
            [("Meetings", "meetings", "count"), ("Invited", "invited", "count"),
             ("Attended", "attended", "count"), ("Attendance", "attendance_pct", "percent")])

    def needs(self) -> Section | None:
        section = self.simple(
            "needs", "needs_first_assessment", "Needs at first assessment, by pathway",
            "Each person's first-ever needs assessment, when it is dated in the period. A score above 0 means a "
            "need is identified; averages are of scores from 0 to 10.", ("Pathway", "pathway"),
            [("Assessments", "assessments", "count"), ("Need identified", "identified", "count"),
             ("Average score (whole group)", "cumulative_avg", "number"),
             ("Average score (when scored)", "avg_when_scored", "number"),
             ("% with need identified", "identified_pct", "percent")])
        if section is None:
            return None
        bars = [(self.label("pathway", row["pathway"]), row["identified_pct"])
                for row in self.rows("needs_first_assessment")]
        title = "Percentage of first assessments with a need identified, by pathway"
        description = f"{title}: " + "; ".join(
            f"{label}: {'no figure' if value is None else charts.decimal_text(value, 1) + '%'}"
            for label, value in bars) + "."
        section.blocks.insert(1, Chart(title, charts.needs_chart("chart-needs", bars), description,
                                       Table("Chart needs", title, ["Pathway", "% with need identified"],
                                             [[text(label), percent(value)] for label, value in bars])))
        section.blocks.extend(self.needs_progress())
        return section

    def needs_progress(self) -> list[Block]:
        """Average scores at the first assessment and about 3, 6, 9 and 12 months later: a chart
        (one line per pathway) and a table (people with both assessments, their averages)."""
        rows = self.rows("needs_progress")
        if not rows:
            return []
        points = sorted({int(row["months"]) for row in rows})
        point_labels = ["First" if months == 0 else f"{months} months" for months in points]
        pathways: dict[str, dict[int, dict[str, Any]]] = {}
        for row in rows:
            pathways.setdefault(row["pathway"], {})[int(row["months"])] = row
        lines = [(self.label("pathway", pathway), [by_month[m]["avg_then"] if m in by_month else None
                                                   for m in points])
                 for pathway, by_month in pathways.items()]
        title = "Average needs score by pathway, at the first assessment and after"
        description = f"{title} (0 to 10; a lower score is a smaller need). " + " ".join(
            f"{name}: " + ", ".join(f"{'no figure' if v is None else charts.decimal_text(v, 1)} at "
                                    f"{label.lower()}" for label, v in zip(point_labels, values, strict=True)) + "."
            for name, values in lines)
        data = [[text(label), *(number(values[i]) for _, values in lines)]
                for i, label in enumerate(point_labels)]
        chart = Chart(title, charts.needs_progress_chart("chart-needs-progress", point_labels, lines), description,
                      Table("Chart needs progress", title, ["Point", *(name for name, _ in lines)], data))
        table_rows = [[text(self.label("pathway", row["pathway"])),
                       text("First assessment" if row["months"] == 0 else f"{row['months']} months"),
                       count(row["people"]), number(row["avg_first"]), number(row["avg_then"]),
                       number(row["change"]) if row["months"] else text("")]
                      for row in rows]
        end = long_date(self.params.period.end)
        return [
            Paragraph(f"Progress on needs: everyone whose first needs assessment was on or before {end}, "
                      "and their assessment nearest to 3, 6, 9 and 12 months after it (91, 183, 274 and 365 "
                      "days, within 45 days either side, dated by the same day). Each follow-up point "
                      "counts only the people scored on the pathway both at the first assessment and then; "
                      "the first point counts everyone's first assessment."),
            chart,
            Table("Needs progress", "Average needs score at the first assessment and after, by pathway",
                  ["Pathway", "Point", "People", "Average at first assessment", "Average then", "Change"],
                  table_rows, ["Change: average then − average at the first assessment, of the same people; "
                               "negative means needs fell."]),
        ]

    def treatment(self) -> Section | None:
        return self.simple(
            "treatment", "treatment_completions", f"Treatment completions, {span_text(self.params.period)}",
            "Structured treatment episodes open at any time in the period. Successful: completed in the period "
            "with no re-presentation within 6 months.", ("Substance", "substance"),
            [("In treatment", "in_treatment", "count"), ("Successful completions", "successful", "count"),
             ("Successful", "successful_pct", "percent")])

    def expected(self) -> Section | None:
        """Observed two-year reoffending against OGRS3's expectation (``metrics/expected.py``)."""
        name = "expected_reoffending"
        if name not in self.report.tables:
            return None

        def span(low: float | None, high: float | None, words: Any) -> Cell:
            if is_withheld(low) or is_withheld(high):
                return text(WITHHELD_MARK)
            return text(None if low is None or high is None else f"{words(low)} to {words(high)}")

        rows = []
        for row in self.rows(name):
            bold = row["scheme"] == "all"
            flag = SMALL_NUMBERS_TEXT if row["small_numbers"] else None
            difference = row["difference_pct"]
            rows.append([text(self.label("scheme", row["scheme"]), bold=bold, flag=flag),
                         count(row["offenders"], bold=bold), count(row["scored"], bold=bold, flag=flag),
                         percent(row["expected_pct"], bold=bold), percent(row["observed_pct"], bold=bold),
                         span(row["observed_pct_ci_low"], row["observed_pct_ci_high"], format_pct),
                         text(None if difference is None else WITHHELD_MARK if is_withheld(difference)
                              else points_text(difference), bold=bold),
                         span(row["difference_pct_ci_low"], row["difference_pct_ci_high"], points_text),
                         count(row["not_scored"], bold=bold)])
        notes = [note.partition(": ")[2] for note in self.report.notes if note.startswith(f"{name}: ")]
        return Section(SECTION_TITLES["expected"], [
            Paragraph("People whose first IOM episode started early enough for a two-year follow-up and six "
                      "months for detection. Expected: their mean OGRS3 two-year probability of proven "
                      "reoffending on the day they joined (Howard et al., 2009, Ministry of Justice Research "
                      "Summary 7/09). Observed: the share who offended within two years (detected within two "
                      "and a half). Ranges are 95% intervals from resampling people."),
            *(Paragraph(note) for note in notes),
            Table("Expected reoffending", "Two-year proven reoffending: observed against expected (OGRS3)",
                  ["Scheme", "People followed up", "Scored", "Expected", "Observed", "Observed, 95% range",
                   "Observed − expected", "Difference, 95% range", "Not scored"], rows,
                  [self.small_footnote()] if any(r["small_numbers"] for r in self.rows(name)) else [],
                  total_rows=1 if rows and rows[-1][0].bold else 0)])

    def kpis(self) -> Section | None:
        if "kpis" not in self.report.tables:
            return None
        rows = []
        overrides: list[str] = []
        for row in self.rows("kpis"):
            unit = row.get("unit")
            target = target_cell(row, unit)
            rag = row.get("rag")
            shown_rag = rag_cell(rag)
            if row.get("rag_overridden"):
                overrides.append(override_line(row, self.start_month))
                shown_rag = Cell(shown_rag.value, shown_rag.kind, status=shown_rag.status, flag=OVERRIDDEN)
            rows.append([text(row.get("title") or row["indicator_id"]), text(row.get("owner")),
                         text(kpi_period_label(str(row["period"]), self.start_month)),
                         unit_cell(row.get("baseline"), unit), target, unit_cell(row.get("actual"), unit),
                         shown_rag,
                         text(row.get("comment"))])
        return Section(SECTION_TITLES["kpis"], [
            Paragraph("Green: target met. Amber: missed by no more than 10% of the target (of the range's width "
                      "for a range). Red: missed by more. The quarterly table is a document of its own."),
            Table("Performance framework", "Performance framework", [
                "Indicator", "Owner", "Period", "Baseline", "Target", "Actual", "RAG", "Comment"], rows,
                ["RAG set by hand (manual overrides, each kept with its reason): " + "; ".join(overrides) + "."]
                if overrides else [])])

    def sections(self, narrative: Narrative) -> list[Section]:
        built = [self.narrative_section(narrative), self.reoffending(), self.expected(),
                 proven_section(self.report, self.label, self.threshold),
                 costs_section(self.report, self.label, self.threshold), self.caseload(), self.custody(),
                 self.statutory(), self.risk(), self.referrals(), self.engagement(), self.needs(),
                 self.treatment(), self.kpis(), self.effect()]
        return [section for section in built if section is not None]

    def effect(self) -> Section | None:
        """What IOM can claim: the effect estimates by method and offending at liberty."""
        if "effect_estimate" not in self.report.tables:
            return None
        months = int(self.report.settings.get("effect_window_months") or 12)
        names = {"naive": "Before and after (naive)", "time_at_risk": "Before and after, at liberty",
                 "matched_did": "Against a matched comparison group"}
        estimates = Table("Effect estimates", "Change in offending attributed to IOM, by method",
                          ["Method", "People", "Comparison people", "Estimate", "95% interval from", "to",
                           "What it means"],
                          [[text(names.get(row["method"], row["method"])), count(row["offenders"]),
                            count(row["comparison_offenders"]), change(row["estimate_pct"]),
                            change(row["ci_low_pct"]), change(row["ci_high_pct"]), text(row["verdict"])]
                           for row in self.rows("effect_estimate")],
                          [f"Each person's {months} months after joining IOM against the {months} months "
                           "before. At liberty: offences per day out of custody. Matched comparison: "
                           "people not yet on IOM, alike in gender, recent and prior offending, custody, "
                           "age and area; the difference in the change of offending rates."])
        risk = [row for row in self.rows("time_at_risk") if row["scheme"] == "all"]
        bases = {"fixed_period": "Performance cohort, baseline against period",
                 "join_anchored": f"{months} months before and after joining"}
        at_liberty = Table("At liberty", "Offences per 365 days at liberty, everyone",
                           ["Comparison", "Offenders", "Change in offences", "Rate before", "Rate after",
                            "Change in rate", "95% interval from", "to"],
                           [[text(bases.get(row["basis"], row["basis"])), count(row["offenders"]),
                             change(row["change_pct"]), number(row["rate_before"]),
                             number(row["rate_after"]), change(row["rate_change_pct"]),
                             change(row["rate_change_pct_ci_low"]), change(row["rate_change_pct_ci_high"])]
                            for row in risk],
                           ["Rate: offences per 365 days at liberty (days in the window minus days in custody)."])
        return Section(SECTION_TITLES["effect"], [
            Paragraph("A cohort chosen because its members offended a lot recently offends less the next "
                      "year even if nothing is done (regression to the mean), and people in prison cannot "
                      "offend. The matched comparison is the figure that allows for both."),
            estimates, at_liberty])


def performance_document(report: Report, narrative: Narrative | None = None) -> Document:
    """The IOM performance report of ``report``; ``narrative`` replaces the drafted one (edited)."""
    narrative = narrative or draft_narrative(report)
    builder = _Builder(report)
    missing = set(MISSING_TEXT.values())
    notes = [*narrative.caveats,
             *(note for note in report.notes if note in missing or note.startswith("Reoffending: nobody")),
             *(note for note in report.notes if note.startswith("Cost of crime: "))]
    return Document(
        kind="performance",
        title=report.title,
        subtitle=f"IOM performance report, {span_text(report.params.period)}",
        meta=report_meta(report),
        sections=builder.sections(narrative),
        notes=notes,
    )
