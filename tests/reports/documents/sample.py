"""A small hand-made board document that exercises every feature the renderers lay out."""

from __future__ import annotations

from iomhub.reports import charts
from iomhub.reports.documents.model import Bullets, Cell, Chart, Document, Paragraph, Section, Table

SMALL = "small numbers: interpret with caution"
INJECTIONS = ("=SUM(A1:A9)", "+44 20 7946 0000", "@risk", "-5 days")


def reoffending_table() -> Table:
    """Counts, percent, change, None, status, flag and a total row."""
    return Table(
        name="reoffending",
        title="Reoffending by scheme",
        columns=["Scheme", "Offenders", "Offences before", "Offences after", "Change", "Reoffended",
                 "RAG", "Comment"],
        rows=[
            [Cell("Priority"), Cell(105, "count"), Cell(380, "count"), Cell(232, "count"),
             Cell(-38.947, "change"), Cell(61.9, "percent"), Cell("Green", status="green"),
             Cell(INJECTIONS[0])],
            [Cell("Enhanced"), Cell(8, "count", flag=SMALL), Cell(1234, "count"), Cell(1000, "count"),
             Cell(13.05, "change"), Cell(None, "percent"), Cell(None, status="amber_red"),
             Cell(INJECTIONS[1])],
            [Cell("Women"), Cell(7, "count", flag=SMALL), Cell(0, "count"), Cell(2, "count"),
             Cell(None, "change"), Cell(12.5, "percent"), Cell("Missed by 2", status="red"),
             Cell(INJECTIONS[2])],
            [Cell("Total", bold=True), Cell(120, "count"), Cell(1614, "count"), Cell(1234, "count"),
             Cell(-23.544, "change"), Cell(40.0, "percent"), Cell(None), Cell(INJECTIONS[3])],
        ],
        footnotes=["Change: (after \u2212 before) \u00f7 before."],
        total_rows=1,
    )


def quarterly_table() -> Table:
    """A wide table (more than eight columns) with dates, numbers and status on figures."""
    columns = ["Indicator", "Owner", "Baseline", "Q1 target", "Q1 actual", "Q2 target", "Q2 actual",
               "Q3 target", "Q3 actual", "Due", "Status"]
    rows = [
        [Cell("Increase the IOM cohort from 70 to 310 cases"), Cell("Gareth Llywelyn-Roberts"),
         Cell(70, "count"), Cell(125, "count"), Cell(136, "count", status="green"), Cell(150, "count"),
         Cell(None, "count"), Cell(200, "count"), Cell(None, "count"), Cell("2015-06-30", "date"),
         Cell("Complete", status="complete")],
        [Cell("Successful drug completions (opiates)"), Cell("Sarah Hart"), Cell(11.1, "percent"),
         Cell(9.0, "percent"), Cell(12.0, "percent", status="amber"), Cell(9.0, "percent"),
         Cell(None, "percent"), Cell(9.0, "percent"), Cell(None, "percent"), Cell("2015-09-30", "date"),
         Cell("On track", status="amber_green")],
    ]
    return Table(name="quarterly", title="Quarterly performance", columns=columns, rows=rows)


def caseload_chart() -> Chart:
    dates = ["1 Apr 2015", "1 Jul 2015", "1 Oct 2015"]
    series: list[tuple[str, list[float | None]]] = [("Priority", [237.0, 249.0, 248.0]),
                                                    ("Enhanced", [100.0, 104.0, 109.0])]
    svg = charts.caseload_chart("chart-caseload", dates, series)
    data = Table(
        name="caseload_chart",
        title="Caseload on each snapshot date, by scheme",
        columns=["Date", "Priority", "Enhanced"],
        rows=[[Cell(day), Cell(p, "count"), Cell(e, "count")]
              for day, (p, e) in zip(dates, zip(series[0][1], series[1][1], strict=True), strict=True)],
    )
    return Chart("Caseload on each snapshot date", svg,
                 "Priority caseload rose from 237 to 248; enhanced from 100 to 109.", data)


def sample_document() -> Document:
    return Document(
        kind="performance",
        title="IOM performance report",
        subtitle="Reducing Reoffending Board",
        meta=[("Period", "1 April 2015 to 31 March 2016"), ("Generated", "1 May 2016 at 09:00"),
              ("Source", "extracts/")],
        notes=["Groups of fewer than 10 people are flagged: interpret with caution.",
               "People in custody cannot offend in the community."],
        sections=[
            Section("Performance overview", [
                Paragraph("Reoffending in the priority cohort fell by 38.9%: 380 offences in 2014/15, "
                          "232 in 2015/16, 105 people."),
                Bullets(["Reoffending fell in every scheme.", "The caseload rose by 13.1%."],
                        title="Key improvers and successes"),
                reoffending_table(),
            ]),
            Section("Caseload", [
                Paragraph("The caseload on each snapshot date."),
                caseload_chart(),
                quarterly_table(),
                Bullets(["Detection lag: recent offences may not yet be recorded."]),
            ]),
        ],
    )
