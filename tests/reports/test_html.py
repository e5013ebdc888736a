"""The HTML report: sections in the seed board report's order, figures formatted for people,
nulls, small numbers, escaping, self-containment, charts, notes and the CLI."""

from __future__ import annotations

import json
import math
import re
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from iomhub.cli import main
from iomhub.domain.dates import Span
from iomhub.package import read_package
from iomhub.reports import charts
from iomhub.reports.formatting import age_band_label, format_change, format_int, format_pct, humanise
from iomhub.reports.html_renderer import SECTION_ORDER, render_html
from iomhub.reports.json_renderer import render_json
from iomhub.reports.model import SECTION_TITLES, Report, build_report
from iomhub.reports.params import ReportParams
from tests.conftest import PackageMaker

GEOMETRY = r'\s(?:x|y|x1|x2|y1|y2|cx|cy|r|width|height)="([^"]*)"'  # SVG attributes that must be numbers
FY2015 = Span(date(2015, 4, 1), date(2016, 3, 31))
GENERATED = datetime(2016, 4, 20, 9, 30, tzinfo=UTC)

# Ten priority offenders P01..P10 with one offence each in the baseline and six of them with one
# offence in the period (10 -> 6: -40.0%); two enhanced offenders with 3 offences before and none
# after (-100.0%, a small group). Overall 13 -> 6: -53.846...%, shown as -53.8%.
PRIORITY = [f"P{i:02d}" for i in range(1, 11)]
NOMINALS = "nominal_id,date_of_birth,gender,area\n" + "".join(
    f"{n},1990-01-01,male,NW\n" for n in PRIORITY) + (
    "E1,1995-06-01,female,<script>\nE2,1995-06-01,female,NE\nS1,1980-01-01,male,SE\n")
COHORT = "nominal_id,scheme,start_date,end_date\n" + "".join(
    f"{n},priority,2015-01-01,\n" for n in PRIORITY) + (
    "E1,enhanced,2015-01-01,\nE2,enhanced,2015-01-01,\nS1,standard,2015-06-01,\n")
OFFENCES = "offence_id,nominal_id,offence_date,category\n" + "".join(
    f"b{n},{n},2014-06-01,other\n" for n in PRIORITY) + "".join(
    f"a{n},{n},2015-06-01,other\n" for n in PRIORITY[:6]) + (
    "e1,E1,2014-05-01,other\ne2,E1,2014-07-01,other\ne3,E2,2014-08-01,other\n")
CUSTODY = "nominal_id,start_date,end_date,expected_release_date,custody_type\nP01,2015-03-01,2015-05-01,,sentenced\n"
SUPERVISION = ("nominal_id,provider,order_type,start_date,end_date\n"
               "P02,nps,licence,2015-01-01,\nE1,crc,pss,2015-05-01,\n")
RISK = "nominal_id,assessed_on,tier\nP01,2015-01-01,red\nE1,2015-07-01,amber\n"
REFERRALS = """\
referral_id,nominal_id,referred_on,referring_agency,decision
r1,P01,2015-04-01,police,accepted
r2,P02,2015-05-01,police,rejected
r3,E1,2015-06-01,nps,pending
"""
MEETINGS = "meeting_id,held_on,meeting_type,area\nm1,2015-04-01,case_management,NW\n"
ATTENDANCE = "meeting_id,agency,invited,attended\nm1,police,yes,yes\nm1,health,yes,no\n"
NEEDS = """\
nominal_id,assessed_on,pathway,score
P01,2015-05-01,accommodation,4
P02,2015-05-01,accommodation,0
P03,2015-05-01,accommodation,6
"""
TREATMENT = ("episode_id,nominal_id,substance,start_date,end_date,outcome,re_presented_on\n"
             "t1,P01,opiate,2015-01-01,2015-06-01,successful_completion,\n")
FLAGS = "nominal_id,flag,start_date,end_date\nP01,ppo,2014-01-01,\n"
INDICATORS = """\
indicator_id,title,owner,unit,direction,baseline,metric
size,Increase the IOM cohort,GLR,count,up,70,
reoff,Reduce reoffending,GLR,percent,down,46,
"""
TARGETS = "indicator_id,period,kind,value,low,high\nsize,2015-Q1,value,125,,\nreoff,2015-Q1,change,-0.40,,\n"
ACTUALS = "indicator_id,period,actual,comment\nsize,2015-Q1,1136,on track\nreoff,2015-Q1,40,\n"
TOML = 'title = "Test <IOM> & Partners"\n[areas]\nNW = "North West"\n'

FULL = {
    "nominals": NOMINALS, "cohort": COHORT, "offences": OFFENCES, "custody": CUSTODY,
    "supervision": SUPERVISION, "risk": RISK, "referrals": REFERRALS, "meetings": MEETINGS,
    "attendance": ATTENDANCE, "needs": NEEDS, "treatment": TREATMENT, "flags": FLAGS,
    "indicators": INDICATORS, "targets": TARGETS, "actuals": ACTUALS, "package.toml": TOML,
}


def report_of(folder: Path, **params: object) -> Report:
    params.setdefault("period", FY2015)
    return build_report(read_package(folder), ReportParams(**params), generated_at=GENERATED)  # type: ignore[arg-type]


@pytest.fixture
def full(make_package: PackageMaker) -> Path:
    return make_package(**FULL)


@pytest.fixture
def html(full: Path) -> str:
    return render_html(report_of(full, target_reduction=17.0))


def table_html(page: str, name: str) -> str:
    match = re.search(rf'<table id="table-{name}">.*?</table>', page, re.S)
    assert match, f"no table {name}"
    return match.group(0)


def row_html(page: str, table: str, label: str) -> str:
    """The <tr> of ``table`` whose row heading starts with ``label``."""
    for row in re.findall(r"<tr[^>]*>.*?</tr>", table_html(page, table), re.S):
        if re.search(rf'<th scope="row"[^>]*>{re.escape(label)}', row):
            return row
    raise AssertionError(f"no row {label!r} in {table}")


def cells(row: str) -> list[str]:
    """The text of each cell of a row, tags removed."""
    return [re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]


# --- formatting -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [(-38.947368, "\u221238.9%"), (-40.0, "\u221240.0%"), (13.05, "+13.1%"), (-6.25, "\u22126.3%"),
     (0.0, "0.0%"), (-0.04, "0.0%"), (1234.5, "+1,234.5%")],
    ids=["seed-priority", "round", "rise-half-up", "fall-half-away-from-zero", "zero", "rounds-to-zero",
         "thousands"],
)
def test_format_change(value: float, expected: str) -> None:
    assert format_change(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"), [(70.149253, "70.1%"), (100.0, "100.0%"), (0.0, "0.0%"), (19.4029, "19.4%")],
    ids=["seed-accommodation", "hundred", "zero", "seed-health"],
)
def test_format_pct(value: float, expected: str) -> None:
    assert format_pct(value) == expected


@pytest.mark.parametrize(("value", "expected"), [(0, "0"), (379, "379"), (1234567, "1,234,567")],
                         ids=["zero", "hundreds", "millions"])
def test_format_int(value: int, expected: str) -> None:
    assert format_int(value) == expected


@pytest.mark.parametrize(
    ("function", "code", "expected"),
    [(age_band_label, "under_18", "Under 18"), (age_band_label, "18_24", "18\u201324"),
     (age_band_label, "25_plus", "25 and over"), (humanise, "drugs_service", "Drugs service"),
     (humanise, "nps", "NPS"), (humanise, "mappa_2", "MAPPA 2")],
    ids=["under-18", "18-24", "25-plus", "agency", "acronym", "mappa"],
)
def test_labels(function: object, code: str, expected: str) -> None:
    assert callable(function)
    assert function(code) == expected


# --- the page -------------------------------------------------------------------------------


def test_sections_present_in_seed_order(html: str) -> None:
    positions = [html.find(f'id="section-{key}"') for key in SECTION_ORDER]
    assert all(p >= 0 for p in positions), dict(zip(SECTION_ORDER, positions, strict=True))
    assert positions == sorted(positions)
    for key in SECTION_ORDER:
        assert re.search(rf'id="section-{key}"[^>]*>\s*<h[23]>{re.escape(SECTION_TITLES[key])}</h[23]>', html)
    # Inside reoffending: scheme, age, gender, area, flag, then target attainment.
    tables = ["reoffending_by_scheme", "reoffending_by_age", "reoffending_by_gender", "reoffending_by_area",
              "reoffending_by_flag", "target_attainment", "caseload", "caseload_status", "statutory_by_provider",
              "risk_tiers", "referrals_by_agency", "attendance_by_agency", "needs_first_assessment",
              "treatment_completions", "kpis"]
    table_positions = [html.find(f'id="table-{name}"') for name in tables]
    assert all(p >= 0 for p in table_positions) and table_positions == sorted(table_positions)


def test_notes_box_comes_after_the_opening(html: str) -> None:
    notes = html.find("Notes on these figures")
    assert 0 < html.find('id="section-overview"') < notes < html.find('id="section-reoffending"')
    assert "People in custody: anyone in custody on the cohort date (1 April 2015) who offended" in html


@pytest.mark.parametrize(
    ("label", "expected"),
    [("Priority", ["Priority", "10", "10", "6", "\u221240.0%"]),
     ("Enhanced", ["Enhanced", "2", "3", "0", "\u2212100.0%"]),
     ("All schemes", ["All schemes", "12", "13", "6", "\u221253.8%"])],
    ids=["priority-10-to-6", "enhanced-3-to-0", "overall-13-to-6"],
)
def test_reoffending_figures_formatted(html: str, label: str, expected: list[str]) -> None:
    row = cells(row_html(html, "reoffending_by_scheme", label))
    row[0] = row[0].split("*")[0]  # the small-numbers marker follows the label
    assert row[:5] == expected
    if label == "Enhanced":  # two people: too few for an interval (iomhub.metrics.uncertainty)
        assert row[5].startswith("\u2014")
        return
    low, high = (float(part.strip("%").replace("\u2212", "-").replace("+", "")) for part in row[5].split(" to "))
    change = float(expected[4].strip("%").replace("\u2212", "-"))
    assert low <= change <= high  # the 95% interval is shown beside the change and contains it


def test_json_keeps_unrounded_numbers(full: Path) -> None:
    report = report_of(full)
    document = json.loads(render_json(report))
    overall = next(r for r in document["tables"]["reoffending_by_scheme"] if r["scheme"] == "all")
    assert overall["change_pct"] == pytest.approx(-700 / 13)
    assert "\u221253.8%" in render_html(report)


def test_header(html: str, full: Path) -> None:
    header = html[:html.find("</header>")]
    assert "<h1>Test &lt;IOM&gt; &amp; Partners</h1>" in header
    assert "1 April 2015 to 31 March 2016" in header  # period
    assert "1 April 2014 to 31 March 2015" in header  # baseline
    assert "<dt>Cohort date</dt><dd>1 April 2015</dd>" in header
    assert '<time datetime="2016-04-20T09:30:00+00:00">20 April 2016 at 09:30 UTC</time>' in header
    assert "<dt>Source</dt><dd>the unit&#39;s data extracts</dd>" in header  # not its path
    assert str(full) not in html and "17%" not in header  # the first figure is the opening's
    assert "fell by at least 17%" in html  # the target, with target attainment


def test_null_shown_as_em_dash(html: str) -> None:
    # NPS made one referral, still pending: no decided referral, so no acceptance rate.
    row = row_html(html, "referrals_by_agency", "NPS")
    assert cells(row)[:4] == ["NPS", "1", "0", "0"]
    assert re.search(r'<td class="num null" title="cannot be computed">\u2014', row)
    # Health has no first assessment for the pathway: averages and % cannot be computed.
    health = row_html(html, "needs_first_assessment", "Health")
    assert health.count("\u2014") == 3 and "cannot be computed" in health
    # A change from nobody on the first date (S1 joins in SE on 1 June 2015) is an em dash too.
    standard = table_html(html, "caseload").split('colspan="7">Standard</th>')[1].split("</tbody>")[0]
    row = next(r for r in re.findall(r"<tr>.*?</tr>", standard) if "SE</th>" in r)
    assert cells(row) == ["SE", "0", "1", "1", "1", "1", "\u2014 (cannot be computed: nobody on the first date)"]


@pytest.mark.parametrize(("table", "label", "flagged"),
                         [("reoffending_by_scheme", "Enhanced", True),
                          ("reoffending_by_scheme", "Priority", False),
                          ("reoffending_by_gender", "Female", True),
                          ("reoffending_by_gender", "Male", False),
                          ("reoffending_by_flag", "PPO", True)],
                         ids=["enhanced-2-people", "priority-10-people", "female-2", "male-10", "flag-ppo-1"])
def test_small_numbers_flag(html: str, table: str, label: str, flagged: bool) -> None:
    row = row_html(html, table, label)
    assert ("small numbers: interpret with caution" in row) is flagged
    assert ('class="small-numbers"' in row) is flagged
    footnote = f'<li id="small-{table}">* Small numbers: interpret with caution (fewer than 10 people'
    assert footnote in html


def test_no_small_numbers_footnote_when_every_group_is_big(make_package: PackageMaker) -> None:
    def without_enhanced(text: str) -> str:
        return "".join(line for line in text.splitlines(keepends=True) if not re.search(r"\b(E1|E2|S1)\b", line))

    folder = make_package(nominals=without_enhanced(NOMINALS), cohort=without_enhanced(COHORT),
                          offences=without_enhanced(OFFENCES))
    page = render_html(report_of(folder))
    assert cells(row_html(page, "reoffending_by_scheme", "Priority"))[:5] == ["Priority", "10", "10", "6",
                                                                            "\u221240.0%"]
    assert "small numbers: interpret with caution" not in table_html(page, "reoffending_by_scheme")
    assert 'id="small-reoffending_by_scheme"' not in page
    assert 'id="small-reoffending_by_age"' not in page


def test_escaping(html: str) -> None:
    assert "&lt;script&gt;" in html  # the area named <script>
    assert "<script" not in html.lower()
    assert "Test &lt;IOM&gt; &amp; Partners" in html


def test_self_contained(html: str) -> None:
    lowered = html.lower()
    assert "<script" not in lowered and "javascript:" not in lowered
    assert "http://" not in lowered and "https://" not in lowered
    assert not re.search(r"\bon[a-z]+\s*=", lowered)  # no event handler attributes
    assert "<link" not in lowered and "@import" not in lowered and "url(" not in lowered
    assert re.search(r"<style>.*@media print.*</style>", html, re.S)
    assert html.startswith("<!DOCTYPE html>")


def test_rag_cells_coloured(html: str) -> None:
    assert cells(row_html(html, "kpis", "Increase the IOM cohort"))[:7] == [
        "Increase the IOM cohort", "GLR", "2015/16 Q1", "70", "125", "1,136", "Green"]
    assert '<td class="rag rag-green">Green</td>' in row_html(html, "kpis", "Increase the IOM cohort")
    # 46 x (1 - 0.40) = 27.6; 40 misses it by more than 2.76: red.
    reoff = row_html(html, "kpis", "Reduce reoffending")
    assert cells(reoff)[3:7] == ["46.0%", "27.6%", "40.0%", "Red"]
    assert '<td class="rag rag-red">Red</td>' in reoff
    assert re.search(r"td\.rag-red \{[^}]*background", html)


def test_charts_present_and_valid_xml(html: str) -> None:
    svgs = re.findall(r"<svg\b.*?</svg>", html, re.S)
    assert len(svgs) == 4  # reoffending, caseload, needs, needs progress
    ids = []
    for svg in svgs:
        root = ET.fromstring(svg)
        assert root.tag == "svg" and root.get("role") == "img"
        title, desc = root.find("title"), root.find("desc")
        assert title is not None and title.text and desc is not None and desc.text
        assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
        ids.append(root.get("aria-labelledby"))
        for number in re.findall(GEOMETRY, svg):
            assert math.isfinite(float(number))
    assert ids == ["chart-reoffending-title chart-reoffending-desc", "chart-caseload-title chart-caseload-desc",
                   "chart-needs-title chart-needs-desc", "chart-needs-progress-title chart-needs-progress-desc"]
    assert "Priority: 10 baseline, 6 period" in svgs[0]
    assert "Accommodation: 66.7%" in svgs[2]  # 2 of 3 first assessments with a need


@pytest.mark.parametrize(
    ("dropped", "section", "note"),
    [(("risk",), "risk", "Spread of risk is left out"),
     (("needs",), "needs", "Criminogenic needs are left out"),
     (("treatment",), "treatment", "Treatment is left out"),
     (("referrals",), "referrals", "Referrals are left out"),
     (("attendance",), "engagement", "Engagement is left out"),
     (("supervision",), "statutory", "Statutory management by provider is left out"),
     (("custody",), "custody", "Community and custody is left out"),
     (("flags",), "flags", "Reoffending by flag is left out"),
     (("indicators", "targets", "actuals"), "kpis", "The performance framework is left out"),
     (("offences",), "reoffending", "Reoffending is left out")],
    ids=["risk", "needs", "treatment", "referrals", "engagement", "statutory", "custody", "flags", "kpis",
         "reoffending"],
)
def test_missing_section_absent_and_noted(make_package: PackageMaker, dropped: tuple[str, ...], section: str,
                                          note: str) -> None:
    folder = make_package(**{k: v for k, v in FULL.items() if k not in dropped})
    page = render_html(report_of(folder))
    assert f'id="section-{section}"' not in page
    assert f'href="#section-{section}"' not in page
    notes = page[page.find("Notes on these figures"):page.find("</aside>")]
    assert note in notes
    offence_sections = {"flags", "proven", "costs", "expected", "effect"}  # need offences.csv too
    others = [key for key in SECTION_ORDER if key != section
              and not (section == "reoffending" and key in offence_sections)]
    assert all(f'id="section-{key}"' in page for key in others)
    if section == "reoffending":
        assert "<svg" in page and page.count("<svg") == 3  # caseload and the two needs charts remain


def test_minimal_package_renders(make_package: PackageMaker) -> None:
    page = render_html(report_of(make_package()))
    assert 'id="section-caseload"' in page and 'id="section-reoffending"' not in page
    for svg in re.findall(r"<svg\b.*?</svg>", page, re.S):
        ET.fromstring(svg)


# --- charts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "svg",
    [charts.caseload_chart("c", [], []),
     charts.caseload_chart("c", ["1 Apr 2015"], [("Priority", [0])]),
     charts.caseload_chart("c", ["1 Apr 2015", "1 Jul 2015"], [("Priority", [0, 0]), ("All", [None, 0])]),
     charts.needs_chart("n", []),
     charts.needs_chart("n", [("Health", None), ("Accommodation", 0.0)]),
     charts.reoffending_chart("r", []),
     charts.reoffending_chart("r", [("Priority", 0, 0)]),
     charts.paired_bar_chart("p", "<b>&</b>", [("<script>", 3, 1)]),
     charts.horizontal_bar_chart("h", "t", [("a", 5.0), ("b", 0.0)])],
    ids=["caseload-empty", "caseload-one-zero", "caseload-zeros-and-gap", "needs-empty", "needs-null-and-zero",
         "reoffending-empty", "reoffending-zero", "escaped-labels", "bars-no-maximum"],
)
def test_chart_edge_cases_are_valid_svg(svg: str) -> None:
    root = ET.fromstring(svg)
    assert root.find("title") is not None and root.find("desc") is not None
    for number in re.findall(GEOMETRY, svg):
        assert math.isfinite(float(number))
    assert "nan" not in svg and "<script" not in svg


def test_empty_chart_says_so() -> None:
    root = ET.fromstring(charts.needs_chart("n", []))
    desc = root.find("desc")
    assert desc is not None and desc.text == "No data to chart."


@pytest.mark.parametrize(("value", "expected"), [(0.0, 1.0), (3.0, 5.0), (5.0, 5.0), (237.0, 250.0),
                                                 (1001.0, 2000.0), (-4.0, 1.0)],
                         ids=["zero", "three", "exact", "caseload", "just-over", "negative"])
def test_nice_ceiling(value: float, expected: float) -> None:
    assert charts.nice_ceiling(value) == expected


def test_bar_length_proportional() -> None:
    svg = charts.needs_chart("n", [("A", 50.0), ("B", 100.0)])
    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([\d.]+)"', svg)]
    assert widths[1] == pytest.approx(2 * widths[0])


# --- a realistic package, and the CLI -------------------------------------------------------


def test_synthetic_package(tmp_path: Path) -> None:
    from iomhub.synth import SynthOptions, generate

    generate(SynthOptions(nominals=400, seed=3), tmp_path / "synth")
    page = render_html(report_of(tmp_path / "synth", target_reduction=17.0))
    assert all(f'id="section-{key}"' in page for key in SECTION_ORDER)
    svgs = re.findall(r"<svg\b.*?</svg>", page, re.S)
    assert len(svgs) == 4
    for svg in svgs:
        ET.fromstring(svg)
        for number in re.findall(GEOMETRY, svg):
            assert math.isfinite(float(number))
    assert not re.search(r">\s*(nan|inf|-inf|None)\s*<", page)  # no raw float or None as a figure


def test_cli_writes_html(full: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "report.html"
    result = CliRunner().invoke(main, ["report", str(full), "--from", "2015-04-01", "--to", "31/03/2016",
                                       "--format", "html", "-o", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "\u221240.0%" in page and 'id="section-kpis"' in page
    assert not list(out.parent.glob(".report.html.*"))  # no temporary file left behind


def test_a_rag_set_by_hand_is_marked_with_its_reason(make_package: PackageMaker) -> None:
    # reoff 2015-Q1: target 46 x (1 - 0.40) = 27.6, actual 40 is red by the rule; set to amber by hand.
    overrides = ("override_id,indicator_id,period,rag,rag_from,reason,decided_on,decided_by\n"
                 "o1,reoff,2015-Q1,amber,red,Partial year: the <outturn> is provisional,2015-07-20,pat.manager\n")
    page = render_html(report_of(make_package(**FULL, rag_overrides=overrides)))
    reoff = row_html(page, "kpis", "Reduce reoffending")
    assert '<td class="rag rag-amber" title="set by hand: see the note under the table">Amber\u2021</td>' in reoff
    assert '<td class="rag rag-green">Green</td>' in row_html(page, "kpis", "Increase the IOM cohort")
    assert ("\u2021 RAG set by hand (a manual override, kept with its reason): Reduce reoffending, 2015/16 Q1: "
            "red by the rule, set to amber by pat.manager on 20 July 2015: Partial year: the &lt;outturn&gt; is "
            "provisional.") in page
