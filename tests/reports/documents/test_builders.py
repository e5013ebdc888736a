"""The document builders: sections, cells (kinds, flags, statuses), overdue milestones, the
thematic frame, and the CLI's choices of document and format. Figures are those of the small
package of ``test_narrative.py`` (hand-checked there)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from iomhub.cli import main
from iomhub.package import read_package
from iomhub.reports.documents.actions import action_plan_document, due_end
from iomhub.reports.documents.build import DOCUMENTS, build_document
from iomhub.reports.documents.model import Bullets, Chart, Document, Paragraph, Table
from iomhub.reports.documents.performance import performance_document
from iomhub.reports.documents.thematic import thematic_document
from tests.conftest import PackageMaker
from tests.reports.documents.test_narrative import SMALL, small_report

ACTIONS = """\
action_id,outcome,action,milestone,due,lead,strategic_links,status,comment
A1,Reduce reoffending,Run the board,Board meets quarterly,2015-Q1,IOM Manager,Police and Crime Plan,green,On track
A2,Reduce reoffending,Run the board,Terms of reference agreed,2015-Q1,IOM Manager,,complete,
A3,Reduce reoffending,Extend the cohort,Female pathway,Q4,Probation,,amber_red,Few referrals
A4,Improve pathways,Housing,Protocol signed,April 15,Council,,red,Delayed
A5,Improve pathways,Health,Mental health links,whenever,Health,,amber,
"""

INDICATORS = ("indicator_id,title,owner,unit,direction,baseline,metric\n"
              "K1,Cohort size,IOM Manager,count,up,20,cohort_size\n")
TARGETS = "indicator_id,period,kind,value,low,high\nK1,2015,value,30,,\nK1,2015-Q1,value,22,,\n"


def table(document: Document, name: str) -> Table:
    return next(t for t in document.tables() if t.name == name)


def test_performance_document_sections_in_the_seed_order(make_package: PackageMaker) -> None:
    document = performance_document(small_report(make_package))
    assert [s.title for s in document.sections] == [
        "Performance overview", "Reoffending", "Expected and observed reoffending (OGRS3)", "Proven reoffending",
        "Cost of crime", "Caseload",
        "Community and custody", "What the figures can and cannot claim"]
    overview = document.sections[0].blocks
    # The opening of the view (what IOM changed: two paragraphs and the headline table), then the narrative.
    assert [type(block).__name__ for block in overview] == ["Paragraph", "Paragraph", "Table", "Bullets", "Bullets",
                                                            "Bullets"]
    assert isinstance(overview[0], Paragraph) and overview[0].text.startswith("The effect of IOM")
    assert isinstance(overview[1], Paragraph) and overview[1].text.startswith("Before and after: not the effect")
    assert [block.title for block in overview if isinstance(block, Bullets)] == [
        None, "Key improvers and successes", "Key challenges"]
    assert any(note.startswith("Small numbers") for note in document.notes)  # caveats in the notes box
    assert document.before_notes == 1  # the notes box comes after the overview
    # The narrative's caveats on small groups and people in custody replace the report's notes on them.
    assert not any("small numbers (under" in note for note in document.notes)


def test_reoffending_table_cells(make_package: PackageMaker) -> None:
    document = performance_document(small_report(make_package))
    scheme = table(document, "Reoffending by scheme")
    rows = {row[0].value: row for row in scheme.rows}
    assert list(rows) == ["Priority", "Enhanced", "Standard", "All schemes"]
    priority = rows["Priority"]
    assert [(c.value, c.kind) for c in priority[1:5]] == [(10, "count"), (20, "count"), (5, "count"),
                                                          (-75.0, "change")]
    low, high = priority[5].value, priority[6].value  # the 95% interval of the change
    assert (priority[5].kind, priority[6].kind) == ("change", "change")
    assert low <= -75.0 <= high
    assert rows["Standard"][0].flag == "small numbers: interpret with caution"
    assert rows["Priority"][0].flag is None
    assert scheme.total_rows == 1 and all(cell.bold for cell in rows["All schemes"])
    assert rows["All schemes"][4].value == pytest.approx((20 - 34) / 34 * 100)


def test_charts(make_package: PackageMaker) -> None:
    document = performance_document(small_report(make_package))
    charts = [block for section in document.sections for block in section.blocks if isinstance(block, Chart)]
    assert [chart.data.name for chart in charts] == ["Chart reoffending by group", "Chart caseload"]
    reoffending = charts[0]
    assert "Standard *" in reoffending.svg and "fewer than 10 people" in reoffending.description
    caseload = charts[1].data
    assert caseload.columns == ["Scheme", "1 Apr 2015", "1 Jul 2015", "1 Oct 2015", "1 Jan 2016", "31 Mar 2016"]
    assert [row[0].value for row in caseload.rows] == ["Priority", "Enhanced", "Standard", "All schemes"]
    assert [cell.value for cell in caseload.rows[-1][1:]] == [24] * 5


def test_custody_table_has_a_percent_row(make_package: PackageMaker) -> None:
    document = performance_document(small_report(make_package))
    custody = table(document, "Community and custody")
    priority = [row for row in custody.rows if row[0].value == "Priority"]
    assert [row[1].value for row in priority] == ["Community", "Custody", "Total managed"]
    # P01 in custody on 1 April 2015 only: 9 in the community then 10, 1 then 0 in custody
    assert [c.value for c in priority[0][2:7]] == [9, 10, 10, 10, 10]
    assert [c.value for c in priority[1][2:7]] == [1, 0, 0, 0, 0]
    assert priority[1][7].kind == "change" and priority[1][7].value == -100.0


@pytest.mark.parametrize("kind", DOCUMENTS)
def test_every_document_has_unique_short_table_names(make_package: PackageMaker, kind: str) -> None:
    folder = make_package(**SMALL, actions=ACTIONS, indicators=INDICATORS, targets=TARGETS)
    package = read_package(folder)
    from iomhub.reports.model import build_report
    from iomhub.reports.params import ReportParams
    from tests.reports.documents.test_narrative import FY2015

    document = build_document(kind, build_report(package, ReportParams(period=FY2015)), package, date(2015, 8, 1))
    names = [t.name for t in document.tables()]
    assert document.kind == kind and names
    assert len(names) == len(set(names)) and all(len(name) <= 31 for name in names)


def test_unknown_document(make_package: PackageMaker) -> None:
    report = small_report(make_package)
    with pytest.raises(ValueError, match="unknown document"):
        build_document("budget", report, read_package(make_package(**SMALL)))


@pytest.mark.parametrize(("due", "expected"), [
    ("2015-Q1", date(2015, 6, 30)), ("2015/16 Q3", date(2015, 12, 31)), ("Q1- Q4", date(2016, 3, 31)),
    ("Q2 – Q3", date(2015, 12, 31)), ("April 16", date(2016, 4, 30)), ("31/03/2016", date(2016, 3, 31)),
    ("2015", date(2016, 3, 31)), ("whenever", None), ("", None),
], ids=["code", "fy-label", "range", "dash-range", "month", "date", "year", "unreadable", "empty"])
def test_due_end(due: str, expected: date | None) -> None:
    assert due_end(due, date(2015, 8, 1)) == expected  # bare quarters: of 2015/16, the year of 1 August 2015


def test_action_plan_grouped_by_outcome_with_overdue_milestones(make_package: PackageMaker) -> None:
    package = read_package(make_package(actions=ACTIONS))
    document = action_plan_document(package, date(2015, 8, 1))
    assert [s.title for s in document.sections] == ["Summary", "Reduce reoffending", "Improve pathways"]
    first = table(document, "Outcome 1")
    assert first.columns == ["Action", "Milestone", "Due", "Lead", "Strategic links", "Status", "Comments"]
    a1, a2, a3 = first.rows
    # A1: due 2015-Q1 (ended 30 June 2015), green, not complete: overdue on 1 August 2015
    assert a1[1].bold and a1[1].flag == "overdue" and a1[2].value == "2015/16 Q1"
    assert (a1[5].value, a1[5].status, a1[5].bold) == ("Green", "green", True)
    # A2: same quarter but complete: not overdue; its action is written once, as the seed does
    assert a2[0].value == "" and not a2[1].bold and (a2[5].value, a2[5].status) == ("Complete", "complete")
    # A3: Q4 of 2015/16 is not over
    assert not a3[1].bold and (a3[5].value, a3[5].status) == ("Amber/red", "amber_red")
    a4, a5 = table(document, "Outcome 2").rows
    assert a4[1].flag == "overdue"  # April 2015 ended before 1 August 2015
    assert a5[1].flag is None  # "whenever" cannot be read: never overdue
    summary = document.sections[0]
    overdue = next(b for b in summary.blocks if isinstance(b, Bullets))
    assert overdue.title == "Overdue milestones" and len(overdue.items) == 2
    assert overdue.items[0] == "Board meets quarterly (due 2015/16 Q1, lead IOM Manager, green)"
    counts = {str(row[0].value): row[1].value for row in table(document, "Status summary").rows}
    assert counts == {"Green": 1, "Amber/green": 0, "Amber": 1, "Amber/red": 1, "Red": 1, "Complete": 1,
                      "Overdue": 2}


def test_action_plan_without_actions(make_package: PackageMaker) -> None:
    document = action_plan_document(read_package(make_package()), date(2015, 8, 1))
    assert document.tables() == []


def test_thematic_frame(make_package: PackageMaker) -> None:
    folder = make_package(**SMALL)
    package = read_package(folder)
    report = small_report(make_package)
    document = thematic_document(report, package)
    assert [s.title for s in document.sections] == [
        "Purpose of report", "Recommendation", "Background", "IOM performance", "Implications",
        "List of appendices", "Background papers"]
    implications = table(document, "Implications")
    assert [row[0].value for row in implications.rows] == [
        "Financial", "Legal", "Equality Impact Assessment", "Risks and Impact", "Link to Police and Crime Plan"]
    assert all(str(row[1].value).startswith("[") and str(row[1].value).endswith("]") for row in implications.rows)
    reduction = {row[0].value: row for row in table(document, "Reduction by cohort").rows}
    assert reduction["Priority"][2].value == 75.0 and reduction["Priority"][2].kind == "percent"
    assert reduction["Enhanced"][2].value == -25.0
    assert reduction["Standard"][0].flag == "small numbers: interpret with caution"
    assert reduction["Overall"][2].value == pytest.approx((34 - 20) / 34 * 100)


# --- the command line -----------------------------------------------------------------------

ARGS = ["--from", "2015-04-01", "--to", "2016-03-31"]


def test_cli_refuses_binary_without_a_file(make_package: PackageMaker) -> None:
    result = CliRunner().invoke(main, ["report", str(make_package(**SMALL)), *ARGS, "--format", "pdf"])
    assert result.exit_code == 2
    assert "--format pdf is a binary file: give -o FILE" in result.output


def test_cli_json_is_only_for_the_performance_report(make_package: PackageMaker) -> None:
    result = CliRunner().invoke(main, ["report", str(make_package(**SMALL)), *ARGS, "--format", "json",
                                       "--document", "actions"])
    assert result.exit_code == 2 and "--format json is the performance report's figures only" in result.output


def test_cli_html_without_document_is_the_classic_report(make_package: PackageMaker) -> None:
    folder = str(make_package(**SMALL))
    classic = CliRunner().invoke(main, ["report", folder, *ARGS, "--format", "html"])
    document = CliRunner().invoke(main, ["report", folder, *ARGS, "--format", "html", "--document", "performance"])
    assert classic.exit_code == 0 and document.exit_code == 0
    assert classic.output != document.output
    assert "Key improvers and successes" in document.output
    assert "Key improvers and successes" not in classic.output


@pytest.mark.parametrize(("kind", "fmt", "magic"), [
    ("kpis", "xlsx", b"PK"), ("actions", "docx", b"PK"), ("thematic", "pdf", b"%PDF"),
], ids=["kpis-xlsx", "actions-docx", "thematic-pdf"])
def test_cli_writes_documents(make_package: PackageMaker, tmp_path: Path, kind: str, fmt: str,
                              magic: bytes) -> None:
    out = tmp_path / f"doc.{fmt}"
    result = CliRunner().invoke(main, ["report", str(make_package(**SMALL, actions=ACTIONS)), *ARGS,
                                       "--document", kind, "--format", fmt, "-o", str(out),
                                       "--as-at", "2015-08-01"])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(magic)
