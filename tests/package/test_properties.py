"""Properties of the whole path, package to report: row order and date spelling change no figure;
the reoffending scheme rows add up to ``all``; the caseload is the number of episodes covering
each snapshot date (counted here by a plain loop)."""

from __future__ import annotations

import random
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iomhub.domain.dates import Span, snapshot_dates
from iomhub.package import read_package
from iomhub.reports.json_renderer import report_document
from iomhub.reports.model import build_report
from iomhub.reports.params import ReportParams
from tests.package.sample import SAMPLE, Rows, write_csv_folder

PERIOD = Span(date(2015, 4, 1), date(2016, 3, 31))
PARAMS = ReportParams(period=PERIOD, target_reduction=17.0)
QUICK = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
WHOLE_SAMPLE = settings(QUICK, max_examples=15)  # every table, so each example costs more


def figures(folder: Path, params: ReportParams = PARAMS) -> dict[str, Any]:
    """The JSON document of the report, without what legitimately differs (time, source path)."""
    document = report_document(build_report(read_package(folder), params))
    del document["generated_at"]
    del document["settings"]["source"]
    return document


def written(tables: dict[str, Rows] | None = None, **style: object) -> Path:
    return write_csv_folder(Path(tempfile.mkdtemp(prefix="iomhub-prop-")), tables, **style)


BASELINE = figures(written())


def test_the_sample_report_has_every_section() -> None:
    assert set(BASELINE["tables"]) >= {"reoffending_by_scheme", "caseload", "caseload_status", "risk_tiers",
                                       "referrals_by_agency", "attendance_by_agency", "needs_first_assessment",
                                       "treatment_completions", "kpis", "target_attainment"}


@WHOLE_SAMPLE
@given(seed=st.integers(0, 2**32 - 1))
def test_shuffling_rows_changes_no_figure(seed: int) -> None:
    rng = random.Random(seed)
    shuffled: dict[str, Rows] = {}
    for name, (columns, rows) in SAMPLE.items():
        copy = list(rows)
        rng.shuffle(copy)
        shuffled[name] = (columns, copy)
    assert figures(written(shuffled)) == BASELINE


@WHOLE_SAMPLE
@given(seed=st.integers(0, 2**32 - 1), dates=st.sampled_from(["uk", "mixed"]))
def test_uk_dates_change_no_figure(seed: int, dates: str) -> None:
    assert figures(written(dates=dates, seed=seed)) == BASELINE


# ---- generated packages ---------------------------------------------------------------------

DAY0 = date(2013, 1, 1)
SPAN_DAYS = (date(2016, 12, 31) - DAY0).days
SCHEMES = ["priority", "enhanced", "standard"]


@st.composite
def packages(draw: st.DrawFn) -> dict[str, Rows]:
    """Nominals with non-overlapping cohort episodes (the last maybe open) and offences."""
    count = draw(st.integers(1, 8))
    nominals = []
    cohort = []
    offences = []
    for i in range(count):
        nid = f"N{i}"
        area = draw(st.sampled_from(["NW", "NE", None]))
        nominals.append((nid, None, None, None, date(1980, 1, 1) + timedelta(days=draw(st.integers(0, 9000))),
                         "male", area))
        cuts = sorted(draw(st.sets(st.integers(0, SPAN_DAYS), max_size=6)))
        pairs = list(zip(cuts[::2], cuts[1::2], strict=False))
        open_end = len(cuts) % 2 == 1
        for start, end in pairs:
            cohort.append((nid, draw(st.sampled_from(SCHEMES)), DAY0 + timedelta(days=start),
                           DAY0 + timedelta(days=end), None))
        if open_end:
            cohort.append((nid, draw(st.sampled_from(SCHEMES)), DAY0 + timedelta(days=cuts[-1]), None, None))
        for day in draw(st.lists(st.integers(0, SPAN_DAYS), max_size=6)):
            offences.append((f"O{len(offences)}", nid, DAY0 + timedelta(days=day), None, None, None))
    return {
        "nominals": (SAMPLE["nominals"][0], nominals),
        "cohort": (SAMPLE["cohort"][0], cohort),
        "offences": (SAMPLE["offences"][0], offences),
    }


@QUICK
@given(tables=packages())
def test_scheme_rows_add_up_to_all(tables: dict[str, Rows]) -> None:
    rows = figures(written(tables))["tables"]["reoffending_by_scheme"]
    schemes = [row for row in rows if row["scheme"] != "all"]
    total = [row for row in rows if row["scheme"] == "all"]
    if not schemes:
        assert total == []
        return
    (everyone,) = total
    for column in ("offenders", "offences_before", "offences_after"):
        assert sum(row[column] for row in schemes) == everyone[column], column


def _covers(start: date, end: date | None, day: date) -> bool:
    return start <= day and (end is None or end >= day)


@QUICK
@given(tables=packages())
def test_caseload_is_the_episodes_covering_each_snapshot_date(tables: dict[str, Rows]) -> None:
    document = figures(written(tables))
    caseload = document["tables"]["caseload"]
    cohort_rows = tables["cohort"][1]
    for day in snapshot_dates(PERIOD):
        covering = [row for row in cohort_rows if _covers(row[2], row[3], day)]  # type: ignore[arg-type]
        counts = {(row["scheme"], row["area"]): row["count"] for row in caseload if row["date"] == day.isoformat()}
        assert counts.get(("all", "all"), 0) == len(covering)
        for scheme in SCHEMES:
            expected = sum(1 for row in covering if row[1] == scheme)
            assert counts.get((scheme, "all"), 0) == expected, (scheme, day)
