"""A thematic report to a panel or board (the frame of seed 002), with the figures filled in.

The seed's sections: purpose of report, recommendation, background, performance (here the IOM
performance: reoffending with the seed's "Cohort / Reduction" table, caseload, spread of risk,
referrals, engagement and criminogenic needs, each filled from the report), implications
(financial, legal, equality impact assessment, risks and impact, link to the police and crime
plan), appendices and background papers. What only people can write (the panel's name, the
meeting's date, the author, the implications) is a placeholder in square brackets.
"""

from __future__ import annotations

from iomhub.package.load import Package
from iomhub.reports.documents.cells import figure, fy_start_month, text
from iomhub.reports.documents.model import Block, Bullets, Cell, Document, Paragraph, Section, Table
from iomhub.reports.documents.narrative import draft_narrative, pct, people
from iomhub.reports.documents.performance import section_blocks
from iomhub.reports.formatting import (
    SMALL_NUMBERS_TEXT,
    format_change,
    format_int,
    group_label,
    long_date,
    span_text,
    span_words,
)
from iomhub.reports.model import Report
from iomhub.reports.sections import build_view, report_facts
from iomhub.reports.sections.overview import BEFORE_AFTER

PANEL = "[name of the panel or board]"
LABEL = BEFORE_AFTER[:1].lower() + BEFORE_AFTER[1:]  # "before and after: not the effect of IOM"
IMPLICATIONS = (
    ("Financial", "[Financial implications, e.g. There are no direct financial implications of this report.]"),
    ("Legal", "[Legal implications, e.g. There are no direct legal implications of this report.]"),
    ("Equality Impact Assessment", "[Equality considerations, e.g. This is an update report and no equality "
                                   "considerations have arisen.]"),
    ("Risks and Impact", "[Risks and their impact, e.g. This is an update report and no risks have been "
                         "highlighted.]"),
    ("Link to Police and Crime Plan", "[How this theme links to the Police and Crime Plan.]"),
)


def _reduction_table(report: Report) -> Table | None:
    """The seed's "Cohort / Reduction" table: each scheme, age band and flag, and overall."""
    rows: list[list[Cell]] = []
    flagged = False
    for name, column in (("reoffending_by_scheme", "scheme"), ("reoffending_by_age", "age_band"),
                         ("reoffending_by_flag", "flag")):
        for row in report.rows(name):
            if row[column] == "all":
                continue
            small = bool(row.get("small_numbers"))
            flagged = flagged or small
            flag = SMALL_NUMBERS_TEXT if small else None
            reduction = None if row["change_pct"] is None else -row["change_pct"]
            rows.append([text(group_label(column, row[column], report.area_names), flag=flag),
                         Cell(row["offenders"], "count", flag=flag), figure(reduction, "percent")])
    overall = report.row("reoffending_by_scheme", scheme="all")
    if overall is not None:
        rows.append([text("Overall", bold=True), Cell(overall["offenders"], "count", bold=True),
                     figure(None if overall["change_pct"] is None else -overall["change_pct"], "percent", bold=True)])
    if not rows:
        return None
    footnotes = ["Reduction: (offences in the baseline − offences in the period) ÷ offences in the baseline; "
                 "a negative reduction is a rise."]
    if flagged:
        footnotes.append("Flagged groups have fewer than "
                         f"{report.settings.get('small_numbers_threshold') or report.params.small_numbers} "
                         "people: the cohort is too small to draw any judgement on the results.")
    return Table("Reduction by cohort", f"Reduction in offending, by cohort ({LABEL})",
                 ["Cohort", "Offenders", "Reduction"],
                 rows, footnotes, total_rows=1 if overall is not None else 0)


def _performance(report: Report) -> list[Block]:
    """What IOM changed (the report's opening: the matched estimate first), then the seed's
    performance paragraphs, each filled from the report when it has the figures."""
    start_month = fy_start_month(report)
    period = span_words(report.params.period, start_month)
    narrative = draft_narrative(report)
    blocks = [block for section in build_view(report).opening for block in section_blocks(section)]
    blocks += _reoffending(report, span_words(report.params.baseline_span, start_month))
    paragraphs = [_caseload(report), _risk(report), _referrals(report, period), _engagement(report, period)]
    blocks += [Paragraph(text) for text in paragraphs if text]
    needs = [sentence for sentence in narrative.overview if sentence.startswith("The commonest needs")]
    if needs:
        blocks.append(Paragraph(f"Criminogenic needs assessment. {needs[0]}"))
    if narrative.caveats:
        blocks.append(Bullets(narrative.caveats, "Caveats"))
    if not blocks:
        blocks.append(Paragraph("[There are no performance figures in the data package for this period.]"))
    return blocks


def _reoffending(report: Report, baseline: str) -> list[Block]:
    params = report.params
    if "reoffending_by_scheme" not in report.tables:
        return []
    exclusion = (f" and excludes offenders in custody who would remain so beyond "
                 f"{long_date(params.exclude_custody_beyond)}" if params.exclude_custody_beyond else "")
    blocks: list[Block] = [Paragraph(
        f"Reoffending rate ({LABEL}). The methodology compares detected crimes on police "
        "systems against the named offenders of the cohort in each period. This is an indicator of "
        "reoffending, not the same as measures that use conviction data. The cohort has been selected "
        f"based on inclusion in the scheme(s) on {long_date(params.cohort_day)}, with offending committed "
        f"during the comparison period {baseline}{exclusion}."
        + (f" The reduction target is {params.target_reduction:g}% per offender." if params.target_reduction
           is not None else "")
        + f" Reductions in offending {span_text(params.period)} are as follows (people join IOM when their "
          "offending is high, and it eases anyway: these are not what IOM achieved):")]
    table = _reduction_table(report)
    if table is not None:
        blocks.append(table)
    attainment = report.row("target_attainment", scheme="all")
    if attainment is not None and attainment["met_target_pct"] is not None:
        blocks.append(Paragraph(
            f"{format_int(attainment['met_target'])} of {people(attainment['offenders'])} "
            f"({pct(attainment['met_target_pct'])}) met the {params.target_reduction or 0:g}% target."))
    return blocks


def _caseload(report: Report) -> str | None:
    total = report.row("caseload_change", scheme="all", area="all")
    if total is None:
        return None
    change = "" if total["change_pct"] is None else f", a change of {format_change(total['change_pct'])}"
    return (f"Caseload. The caseload moved from {format_int(total['count_from'])} to {format_int(total['count_to'])} "
            f"offenders between {long_date(total['date_from'])} and {long_date(total['date_to'])}{change}.")


def _risk(report: Report) -> str | None:
    dates = list(report.settings.get("snapshot_dates") or [])
    tiers = report.rows("risk_tiers")
    if not tiers or len(dates) < 2:
        return None
    first = {row["tier"]: row["count"] for row in tiers if row["date"] == dates[0]}
    last = {row["tier"]: row["count"] for row in tiers if row["date"] == dates[-1]}
    return (f"Spread of risk. Red tier nominals: {format_int(first.get('red', 0))} on {long_date(dates[0])} and "
            f"{format_int(last.get('red', 0))} on {long_date(dates[-1])}, of {format_int(sum(first.values()))} and "
            f"{format_int(sum(last.values()))} in the caseload.")


def _referrals(report: Report, period: str) -> str | None:
    referrals = report.row("referrals_by_agency", agency="all")
    if referrals is None:
        return None
    agencies = [row for row in report.rows("referrals_by_agency") if row["agency"] != "all"]
    top = sorted(agencies, key=lambda row: -row["referrals"])[:2]
    by = " and ".join(f"{group_label('agency', row['agency'])} ({format_int(row['referrals'])})" for row in top)
    acceptance = ("" if referrals["acceptance_pct"] is None
                  else f"; {pct(referrals['acceptance_pct'])} of those decided were accepted")
    return f"Referrals. {format_int(referrals['referrals'])} referrals in {period}, most from {by}{acceptance}."


def _engagement(report: Report, period: str) -> str | None:
    attendance = [row for row in report.rows("attendance_by_agency") if row["attendance_pct"] is not None]
    if not attendance:
        return None
    low = min(attendance, key=lambda row: row["attendance_pct"])
    high = max(attendance, key=lambda row: row["attendance_pct"])
    return (f"Engagement. {len(attendance)} agencies were invited to offender management meetings in {period}; "
            f"attendance ranged from {pct(low['attendance_pct'])} ({group_label('agency', low['agency'])}) to "
            f"{pct(high['attendance_pct'])} ({group_label('agency', high['agency'])}).")


def thematic_document(report: Report, package: Package) -> Document:
    """The thematic report frame of ``report``, its performance section filled in."""
    period = span_text(report.params.period)
    unit = package.settings.title or report.title
    meta = [("Report of", "[Report of]"), ("Date", "[Date of the meeting]"),
            ("Subject", "Reducing offending and reoffending: thematic report"), ("Author", "[Author]"),
            *report_facts(report)]
    sections = [
        Section("Purpose of report", [Paragraph(
            f"This report provides the {PANEL} with a thematic update on reducing offending and reoffending "
            f"through Integrated Offender Management ({unit}), {period}. It gives the performance position and "
            "[an update on current work streams and the services commissioned].")]),
        Section("Recommendation", [Paragraph(f"That the {PANEL} note and discuss the content of the report.")]),
        Section("Background", [Paragraph("[Why this report is brought, and what the panel asked for.]")]),
        Section("IOM performance", _performance(report)),
        Section("Implications", [Table("Implications", "Implications", ["Implication", "Detail"],
                                       [[text(name, bold=True), text(detail)] for name, detail in IMPLICATIONS])]),
        Section("List of appendices", [Paragraph("[Appendix A – ...]")]),
        Section("Background papers", [Paragraph("[None]")]),
    ]
    return Document("thematic", "Reducing offending and reoffending: thematic report", f"{unit}, {period}",
                    meta, sections)
