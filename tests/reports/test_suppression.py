"""Small-number suppression for publication (``reports/suppression.py``): hand-checked tables,
a property test that no withheld caseload cell can be recovered, and the documents read back
(PDF text, Word, Excel) showing ``[c]``. The audit itself and the attacker are in
``tests/reports/disclosure/``."""

from __future__ import annotations

import dataclasses
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import polars as pl
import pytest
from click.testing import CliRunner
from docx import Document as open_docx
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from iomhub.cli import main
from iomhub.package import read_package
from iomhub.reports.documents import render
from iomhub.reports.documents.build import build_document
from iomhub.reports.json_renderer import report_document
from iomhub.reports.model import Report, build_report
from iomhub.reports.params import ReportParams
from iomhub.reports.suppression import footnote, suppress_tables, suppressed_report
from iomhub.reports.tables import TABLES
from tests.conftest import write_package
from tests.metrics.conftest import FY2015

DAY = date(2016, 3, 31)


def scheme_table() -> pl.DataFrame:
    # priority 12 people (40 -> 30 offences), enhanced 3 (6 -> 2), standard 9 (20 -> 25), all 24 (66 -> 57)
    return pl.DataFrame({
        "scheme": ["priority", "enhanced", "standard", "all"],
        "offenders": [12, 3, 9, 24], "offences_before": [40, 6, 20, 66], "offences_after": [30, 2, 25, 57],
        "change_pct": [-25.0, -66.7, 25.0, -13.6], "change_pct_ci_low": [-40.0, -90.0, 0.0, -30.0],
        "change_pct_ci_high": [-10.0, 10.0, 50.0, 5.0], "small_numbers": [False, True, True, False]})


COUNTS = {"offenders", "offences_before", "offences_after"}
CHANGE = {"change_pct", "change_pct_ci_low", "change_pct_ci_high"}


def test_primary_row_and_the_cells_the_audit_adds() -> None:
    # enhanced has 3 people (primary): its offences (6, 2), its change and its small-numbers
    # flag go with it. Each column then needs another withheld cell so that enhanced's figure is
    # not the total minus the rest, and one that lets it reach from its floor to 5:
    # - offenders: standard's 9: enhanced + standard = 24 - 12 = 12, each listed group at least 1,
    #   so enhanced is anywhere from 1 (its floor: a listed group) to 11;
    # - offences before: priority's 40: enhanced + priority = 66 - 20 = 46, each at least its
    #   offenders (everyone counted offended in the baseline: enhanced >= 1, priority >= 12), so
    #   enhanced's 6 is anywhere from 1 to 34;
    # - offences after: standard's 25: enhanced + standard = 57 - 30 = 27, enhanced from 0 to 27.
    # The all row stays (a total costs five inner cells). Changes go with the offences they divide.
    withheld = suppress_tables({"reoffending_by_scheme": scheme_table()})
    assert withheld == {"reoffending_by_scheme": {(1, c) for c in COUNTS | CHANGE | {"small_numbers"}}
                        | {(0, "offences_before"), *((0, c) for c in CHANGE)}
                        | {(2, "offenders"), (2, "offences_after"), (2, "small_numbers"), *((2, c) for c in CHANGE)}}


def test_zero_is_shown_and_threshold_configurable() -> None:
    # referrals 0, 3, 4 of 7 with threshold 4: only 0 < n < 4 is primary, so 3. With the 0 shown,
    # b + c = 7 and both listed (at least 1), so withholding c's 4 leaves b anywhere from 1 to 6.
    frame = pl.DataFrame({"agency": ["a", "b", "c", "all"], "referrals": [0, 3, 4, 7],
                          "accepted": [0, 0, 0, 0], "rejected": [0, 0, 0, 0],
                          "acceptance_pct": [None, 0.0, 0.0, 0.0]})
    withheld = suppress_tables({"referrals_by_agency": frame}, threshold=4)
    assert withheld == {"referrals_by_agency": {(1, "referrals"), (2, "referrals")}}


def test_a_part_no_larger_than_its_whole_is_a_relation() -> None:
    # a: 10 referrals, 3 accepted (primary), 6 rejected; b: 20, 12, 7; all 30, 15, 13.
    # Withholding b's 12 accepted as well is not enough: a's accepted is at most 10 - 6 = 4 (the
    # decided are some of the referred) and at least 15 - (20 - 7) = 2, so under 5 and above 0.
    # Withholding the two agencies' rejected too (6 + 7 = 13): a's accepted reaches 5 (b then has
    # 10 accepted and at most 10 rejected, a at least 3 rejected: 8 decided of its 10) and 0 (b 15
    # accepted and at most 5 rejected, a 8 rejected). The percentages go with their counts.
    frame = pl.DataFrame({"agency": ["a", "b", "all"], "referrals": [10, 20, 30], "accepted": [3, 12, 15],
                          "rejected": [6, 7, 13], "acceptance_pct": [33.3, 63.2, 53.6]})
    withheld = suppress_tables({"referrals_by_agency": frame})
    assert withheld == {"referrals_by_agency": {(i, c) for i in (0, 1)
                                                for c in ("accepted", "rejected", "acceptance_pct")}}


def caseload_frame(grid: dict[tuple[str, str], int]) -> pl.DataFrame:
    """A caseload table on one date from its inner cells, with the ``all`` margins added."""
    schemes = sorted({s for s, _ in grid})
    areas = sorted({a for _, a in grid})
    rows = []
    for scheme in [*schemes, "all"]:
        for area in [*areas, "all"]:
            value = sum(v for (s, a), v in grid.items() if scheme in ("all", s) and area in ("all", a))
            rows.append({"scheme": scheme, "area": area, "date": DAY, "count": value})
    return pl.DataFrame(rows)


def test_caseload_two_dimensions_propagate() -> None:
    #            A    B   all
    # priority   3   10   13
    # enhanced   7    8   15
    # all       10   18   28
    # pA = 3 is primary. Priority's line (A + B = 13) then hides pB 10; area A's line (p + e = 10)
    # hides eA 7; area B's line now has only pB withheld, so it hides eB 8; enhanced's line has two.
    # The margins all stay: 13 = pA + pB, 10 = pA + eA, but no single inner cell follows.
    frame = caseload_frame({("priority", "A"): 3, ("priority", "B"): 10, ("enhanced", "A"): 7,
                            ("enhanced", "B"): 8})
    withheld = suppress_tables({"caseload": frame})
    cells = {(row["scheme"], row["area"]) for i, row in enumerate(frame.iter_rows(named=True))
             if (i, "count") in withheld["caseload"]}
    assert cells == {("priority", "A"), ("priority", "B"), ("enhanced", "A"), ("enhanced", "B")}


def test_the_lines_are_read_from_the_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    # The caseload's lines are data in its TableSpec (reports/tables.py): without them only the
    # primary cell (pA = 3) is withheld; with them, the four inner cells (as above).
    frame = caseload_frame({("priority", "A"): 3, ("priority", "B"): 10, ("enhanced", "A"): 7,
                            ("enhanced", "B"): 8})
    assert len(suppress_tables({"caseload": frame})["caseload"]) == 4
    monkeypatch.setitem(TABLES, "caseload", dataclasses.replace(TABLES["caseload"], lines=()))
    primary = next(i for i, row in enumerate(frame.iter_rows(named=True)) if (row["scheme"], row["area"]) == (
        "priority", "A"))
    assert suppress_tables({"caseload": frame}) == {"caseload": {(primary, "count")}}


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 4), st.integers(1, 4), st.data())
def test_no_withheld_caseload_cell_recovered_by_subtraction(n_schemes: int, n_areas: int,
                                                            data: st.DataObject) -> None:
    """In every row and column of the grid with its margins (members and total), the withheld
    cells are none or at least two, so a shown total minus the shown members gives a sum of
    withheld cells, never one; and no count from 1 to 4 is shown."""
    schemes = [f"s{i}" for i in range(n_schemes)]
    areas = [f"a{i}" for i in range(n_areas)]
    grid = {(s, a): data.draw(st.integers(0, 12)) for s in schemes for a in areas}
    assert_no_cell_recovered_by_subtraction(grid, schemes, areas)


def test_a_degenerate_grid_is_solved() -> None:
    # Found by the property above: HiGHS's simplex, warm-started from the last basis, stalled
    # (status unknown) on this grid of ones; the solver now solves such a programme again afresh.
    grid = {("s0", "a0"): 0, ("s0", "a1"): 1, ("s1", "a0"): 1, ("s1", "a1"): 1, ("s2", "a0"): 1, ("s2", "a1"): 1}
    assert_no_cell_recovered_by_subtraction(grid, ["s0", "s1", "s2"], ["a0", "a1"])


def assert_no_cell_recovered_by_subtraction(grid: dict[tuple[str, str], int], schemes: list[str],
                                            areas: list[str]) -> None:
    frame = caseload_frame(grid)
    withheld = {i for i, _ in suppress_tables({"caseload": frame}).get("caseload", set())}
    rows = list(frame.iter_rows(named=True))
    at = {(row["scheme"], row["area"]): i for i, row in enumerate(rows)}
    assert not any(0 < row["count"] < 5 for i, row in enumerate(rows) if i not in withheld)
    lines = [[at[(s, a)] for a in [*areas, "all"]] for s in [*schemes, "all"]]
    lines += [[at[(s, a)] for s in [*schemes, "all"]] for a in [*areas, "all"]]
    for line in lines:
        assert sum(i in withheld for i in line) != 1, line


# --- the whole report, JSON and documents --------------------------------------------------------

# Six priority nominals (P1..P6) and two enhanced (E1, E2), all in area NW, each with one offence
# in the baseline (2014/15) and one in the period (2015/16): reoffending by scheme is priority 6,
# enhanced 2, all 8 people (6 + 2 = 8 offences before, 8 after). Enhanced's 2 is primary; its
# line leaves priority's 6 as the only shown member, so it is withheld too; all stays 8.
PEOPLE = [f"P{i}" for i in range(1, 7)] + ["E1", "E2"]
FILES = {
    "nominals": "nominal_id,date_of_birth,gender,area\n" + "".join(
        f"{p},1990-01-01,male,NW\n" for p in PEOPLE),
    "cohort": "nominal_id,scheme,start_date,end_date\n" + "".join(
        f"{p},{'priority' if p.startswith('P') else 'enhanced'},2014-01-01,\n" for p in PEOPLE),
    "offences": "offence_id,nominal_id,offence_date,detected_date,category\n" + "".join(
        f"{p}b,{p},2014-06-01,2014-06-02,other_theft\n{p}a,{p},2015-06-01,2015-06-02,other_theft\n"
        for p in PEOPLE),
}


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_package(tmp_path_factory.mktemp("publication") / "package", FILES)


@pytest.fixture(scope="module")
def report(package: Path) -> Report:
    return suppressed_report(build_report(read_package(package), ReportParams(period=FY2015)))


def test_report_withholds_schemes_and_keeps_total(report: Report) -> None:
    # enhanced's 2 people (primary) and priority's 6: 6 + 2 = 8 with each listed scheme at least
    # 1, so enhanced is anywhere from 1 to 7; the same for their 8 offences before and after.
    shown = {row["scheme"]: (row["offenders"], row["offences_before"]) for row in
             report_document(report)["tables"]["reoffending_by_scheme"]}
    assert shown == {"priority": (None, None), "enhanced": (None, None), "all": (8, 8)}


def test_json_lists_withheld_cells(report: Report) -> None:
    document = json.loads(json.dumps(report_document(report)))
    suppression = document["suppression"]
    assert suppression["threshold"] == 5
    cells = {(c["row"], c["column"]) for c in suppression["suppressed"]["reoffending_by_scheme"]}
    # rows 0 (priority) and 1 (enhanced): the three counts and the change (with its interval,
    # where a group of under ten people has one: none here)
    assert {(0, "offenders"), (1, "offenders"), (0, "change_pct"), (1, "change_pct")} <= cells
    assert not any(row == 2 for row, _ in cells)
    assert "small numbers (under" not in " ".join(document["notes"])  # would quote the 2


def test_unsuppressed_report_has_no_suppression_object(package: Path) -> None:
    plain = build_report(read_package(package), ReportParams(period=FY2015))
    assert "suppression" not in report_document(plain)


def _scheme_rows(lines: list[list[str]]) -> dict[str, list[str]]:
    """Rows by scheme, without the small-numbers flag mark (``*``)."""
    plain = [[cell.rstrip("*") for cell in line] for line in lines]
    return {line[0]: line for line in plain if line and line[0] in ("Priority", "Enhanced", "All schemes")}


def test_xlsx_shows_c(report: Report, package: Path) -> None:
    data = render(build_document("performance", report, read_package(package)), "xlsx")
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = next(s for s in book.worksheets if s.title.startswith("Reoffending by scheme"))
    values = [[str(c) for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    rows = _scheme_rows(values)
    assert rows["Priority"][1:4] == ["[c]", "[c]", "[c]"]
    assert rows["Enhanced"][1:4] == ["[c]", "[c]", "[c]"]
    assert rows["All schemes"][1:4] == ["8", "8", "8"]
    assert any(footnote() in cell for row in values for cell in row)


def test_docx_shows_c(report: Report, package: Path) -> None:
    data = render(build_document("performance", report, read_package(package)), "docx")
    word = open_docx(io.BytesIO(data))
    table = next(t for t in word.tables if len(t.rows) > 1 and [c.text for c in t.rows[0].cells][:2]
                 == ["Scheme", "Offenders"] and len(t.rows[0].cells) == 7)
    rows = _scheme_rows([[c.text for c in row.cells] for row in table.rows])
    assert rows["Enhanced"][1:4] == ["[c]", "[c]", "[c]"] and rows["Priority"][1] == "[c]"
    assert "2" not in rows["Enhanced"] and "6" not in rows["Priority"]
    assert footnote() in "\n".join(p.text for p in word.paragraphs)


def test_pdf_shows_c(report: Report, package: Path) -> None:
    data = render(build_document("performance", report, read_package(package)), "pdf")
    text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    # the small-numbers mark goes with the withheld count of people it would speak of
    enhanced = [line for line in text.splitlines() if line.startswith("Enhanced [c]")]
    assert enhanced and all("[c] [c] [c]" in line for line in enhanced)
    assert footnote() in text.replace("\n", " ")


def test_cli_for_publication(package: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = CliRunner().invoke(main, ["report", str(package), "--from", "2015-04-01", "--to", "2016-03-31",
                                       "--format", "json", "--for-publication", "-o", str(out)])
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(out.read_text())
    assert document["suppression"]["threshold"] == 5
    assert document["tables"]["reoffending_by_scheme"][1]["offenders"] is None
    # --suppress-under 2 withholds only the ones: nothing here (2, 6, 8)
    result = CliRunner().invoke(main, ["report", str(package), "--from", "2015-04-01", "--to", "2016-03-31",
                                       "--format", "json", "--for-publication", "--suppress-under", "2",
                                       "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["tables"]["reoffending_by_scheme"][1]["offenders"] == 2
