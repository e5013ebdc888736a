"""The report leads with what is true (issue 19, item 7).

In every format of the demo report (``iomhub demo --no-serve --no-load``, its data ending on 31 March
2016: the HTML report, the performance
document in HTML, PDF, Word and Excel, and the thematic frame in the same four) the first figure a
reader meets is the matched estimate, in the sentence that gives its 95% interval, followed by
whether it can be relied on; then the before-and-after figure, labelled "not the effect of IOM".
No board paper carries a command-line option, a file name, a path or a column name.

The expected words are computed here from the JSON report's ``effect_estimate`` row (the raw
figures), not by the renderers. (The web dashboard's opening is tested in
tests/web/performance/test_dashboard_view.py.)
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from iomhub.cli import main
from iomhub.reports.formatting import change_words
from iomhub.reports.sections.overview import BEFORE_AFTER
from tests.reports.board_text import docx_text, forbidden, html_text, pdf_text, xlsx_text

pytestmark = pytest.mark.xdist_group("demo-output")  # one worker writes the demo once

PERFORMANCE = ["iom-performance-report.html", "iom-performance-report-document.html", "iom-performance-report.pdf",
               "iom-performance-report.docx", "iom-performance-report.xlsx"]
THEMATIC = [f"thematic-report.{fmt}" for fmt in ("html", "pdf", "docx", "xlsx")]
BOARD_PAPERS = [*PERFORMANCE, *THEMATIC, *(f"{name}.{fmt}" for name in ("performance-framework", "action-plan")
                                         for fmt in ("html", "pdf", "docx", "xlsx"))]
PERCENTAGE = re.compile(r"\d[\d,]*(?:\.\d+)?%")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("demo") / "demo-output"
    result = CliRunner().invoke(main, ["demo", "--no-serve", "--no-load", "--today", "2016-03-31", "-o", str(output)])
    assert result.exit_code == 0, result.output
    return output


@pytest.fixture(scope="module")
def matched(demo: Path) -> dict[str, Any]:
    report = json.loads((demo / "iom-performance-report.json").read_text("utf-8"))
    row: dict[str, Any] = next(row for row in report["tables"]["effect_estimate"] if row["method"] == "matched_did")
    return row


def reading(path: Path) -> str:
    """The text a reader reads, in order, on one line."""
    data = path.read_bytes()
    text = {".html": lambda: html_text(data.decode("utf-8")), ".pdf": lambda: pdf_text(data),
            ".docx": lambda: docx_text(data), ".xlsx": lambda: xlsx_text(data)}[path.suffix]()
    return " ".join(text.split())


def test_the_demo_estimate_is_one_a_board_can_read(matched: dict[str, Any]) -> None:
    # The demo's matched estimate has an interval (so the opening quotes one) and is reliable.
    assert matched["estimate_pct"] is not None and matched["ci_low_pct"] is not None and matched["reliable"]


@pytest.mark.parametrize("name", [*PERFORMANCE, *THEMATIC[:3]])
def test_the_first_figure_is_the_matched_estimate_with_its_interval_and_reliability(
        demo: Path, matched: dict[str, Any], name: str) -> None:
    text = reading(demo / name)
    estimate, low, high = matched["estimate_pct"], matched["ci_low_pct"], matched["ci_high_pct"]
    subject = "IOM members offended "
    sentence = (f"{subject}{change_words(estimate)} per day out of custody than similar people not on IOM "
                f"(95% interval: {change_words(low)} to {change_words(high)})")
    at = text.find(sentence)
    assert at >= 0, text[:1500]
    first = PERCENTAGE.search(text)
    assert first is not None and first.start() == at + len(subject), text[:first.end() if first else 500]
    before_after = text.find(f"{BEFORE_AFTER}.")
    assert at < before_after
    assert f"Reliable: {'yes' if matched['reliable'] else 'no'}." in text[at:before_after]
    # the figure it used to open with follows, labelled
    assert re.match(rf"{BEFORE_AFTER}\. Reoffending in the performance cohort \(.*?\) fell by \d+\.\d%",
                    text[before_after:])


@pytest.mark.parametrize("name", ["iom-performance-report.xlsx", "thematic-report.xlsx"])
def test_the_first_number_of_a_workbook_is_the_matched_estimate(demo: Path, matched: dict[str, Any],
                                                                name: str) -> None:
    # (The performance workbook's Contents sheet also opens with the words, tested above; the
    # thematic frame's has only its facts and the list of sheets.)
    book = openpyxl.load_workbook(io.BytesIO((demo / name).read_bytes()))
    assert book.sheetnames[:2] == ["Contents", "Headline"]
    first = next(row for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                 if any(isinstance(value, int | float) for value in row))
    rows = list(book["Headline"].iter_rows(min_row=3, max_row=4, values_only=True))
    assert first == rows[0]
    assert rows[0][0] == "Against similar people not on IOM (matched comparison)"
    assert rows[0][2] == pytest.approx(matched["estimate_pct"] / 100)
    assert rows[0][3:5] == (pytest.approx(matched["ci_low_pct"] / 100), pytest.approx(matched["ci_high_pct"] / 100))
    assert rows[0][5] == "Yes"
    assert rows[1][0] == BEFORE_AFTER and str(rows[1][5]).startswith("No")


@pytest.mark.parametrize("name", BOARD_PAPERS)
def test_no_board_paper_carries_options_files_paths_or_column_names(demo: Path, name: str) -> None:
    assert forbidden(reading(demo / name)) == []


@pytest.mark.parametrize(
    ("text", "kind"),
    [("use --exclude-custody-beyond to leave out", "a command-line option"),
     ("unless package.toml sets them ([costs])", "a file name"),
     ("no sanctions in nominals.csv", "a file name"),
     ("Source: demo-output/package", "a path"),
     ("read from /srv/iom/extracts", "a path"),
     ("no first_sanction_date", "a column or table name"),
     ("flag mappa_1 (8)", "a column or table name")],
    ids=["option", "settings-file", "table-file", "relative-path", "absolute-path", "column", "code"],
)
def test_the_words_check_finds_what_a_board_should_not_read(text: str, kind: str) -> None:
    assert kind in {found for found, _ in forbidden(text)}


def test_the_words_check_lets_plain_words_through() -> None:
    plain = ("2015/16 Q1; Amber/green; 18\u201324; \u2212 42.2%; e.g. the 95% interval; (Howard et al., 2009); "
             "Heeks, Reed, Tafsiri and Prince (2018); MAPPA 1; Nov 2015 \u2013 Mar 2016")
    assert forbidden(plain) == []
