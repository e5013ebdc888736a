"""A missing 95% interval says its true reason, in every format: a group of fewer than 10 people
has none because it is too few to estimate, not because it had "no offences in the baseline".

The package of tests/reports/test_html.py: two enhanced offenders with three offences in the
baseline (a group of 2: no interval) beside ten priority offenders (an interval).
"""

from __future__ import annotations

import io
import re

import openpyxl
import pytest

from iomhub.reports.documents.performance import performance_document
from iomhub.reports.documents.render import render
from iomhub.reports.html_renderer import render_html
from iomhub.reports.model import Report
from iomhub.reports.sections.common import TOO_FEW_TO_ESTIMATE, interval
from iomhub.reports.sections.reoffending import NO_BASELINE
from tests.conftest import write_package
from tests.reports.board_text import docx_text, pdf_text
from tests.reports.test_html import FULL, report_of, row_html

TOO_FEW = "cannot be computed: too few people to estimate (under 10)"
FOOTNOTE = "no interval is given for a group of fewer than 10 people (too few to estimate)"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    return report_of(write_package(tmp_path_factory.mktemp("reasons") / "package", FULL))


@pytest.mark.parametrize(
    ("people", "reason"),
    [(2, TOO_FEW), (9, TOO_FEW), (10, NO_BASELINE), (None, NO_BASELINE)],
    ids=["2-people", "9-people", "10-people-no-baseline", "people-not-known"],
)
def test_the_reason_of_a_missing_interval(people: int | None, reason: str) -> None:
    assert TOO_FEW_TO_ESTIMATE == TOO_FEW
    assert interval(None, None, reason=NO_BASELINE, people=people).reason == reason


def test_the_page_gives_a_small_groups_true_reason(report: Report) -> None:
    page = render_html(report)
    enhanced = row_html(page, "reoffending_by_scheme", "Enhanced")  # 2 people, 3 offences in the baseline
    assert f'title="{TOO_FEW}"' in enhanced and "no offences in the baseline" not in enhanced
    assert f"\u2014<span class=\"visually-hidden\"> ({TOO_FEW})</span>" in enhanced
    priority = row_html(page, "reoffending_by_scheme", "Priority")
    assert "cannot be computed" not in priority  # ten people: an interval


def test_every_document_format_gives_the_true_reason(report: Report) -> None:
    document = performance_document(report)
    scheme = next(table for table in document.tables() if table.name == "Reoffending by scheme")
    enhanced = next(row for row in scheme.rows if row[0].value == "Enhanced")
    assert [(cell.value, cell.reason) for cell in enhanced[-2:]] == [(None, TOO_FEW), (None, TOO_FEW)]
    assert any(FOOTNOTE in footnote for footnote in scheme.footnotes)
    files = {fmt: render(document, fmt) for fmt in ("html", "pdf", "docx", "xlsx")}
    html = files["html"].decode("utf-8")
    assert re.search(rf'<th scope="row"[^>]*>Enhanced</th>.*?title="{re.escape(TOO_FEW)}"', html, re.S)
    assert "no offences in the baseline" not in html
    for text in (pdf_text(files["pdf"]), docx_text(files["docx"])):
        assert FOOTNOTE in " ".join(text.split())
    book = openpyxl.load_workbook(io.BytesIO(files["xlsx"]))
    sheet = book["Reoffending by scheme"]
    row = next(r for r in sheet.iter_rows(min_row=3) if r[0].value == "Enhanced")
    assert [cell.comment.text if cell.comment else None for cell in row[-2:]] == [f"\u2014 {TOO_FEW}"] * 2
    assert any(FOOTNOTE in str(cell.value) for r in sheet.iter_rows() for cell in r if cell.value)

