"""``benchmarks/report_sections.py``: the report timed section by section is the same report,
and every part of its time is charged somewhere."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from iomhub.package import read_package
from iomhub.reports.json_renderer import render_json
from iomhub.reports.model import build_report
from iomhub.synth import SynthOptions, generate
from report_sections import PERIOD, measure, table

STAMP = datetime(2026, 1, 1, tzinfo=UTC)


def _without_stamp(text: str) -> list[str]:
    return [line for line in text.splitlines() if not line.lstrip().startswith('"generated_at"')]


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("synth")
    generate(SynthOptions(nominals=400, seed=11, start=date(2011, 4, 1)), folder)
    return folder


def test_the_timed_report_is_the_report(package: Path) -> None:
    from iomhub.cli.report import _params

    clock, text = measure(package)
    data = read_package(package)
    given = dict(zip(PERIOD[::2], PERIOD[1::2], strict=True))
    params = _params(date.fromisoformat(given["--from"]), date.fromisoformat(given["--to"]), None, None, None,
                     float(given["--target-reduction"]), None, None, data.settings.age_bands,
                     data.settings.target_reduction)
    assert _without_stamp(text) == _without_stamp(render_json(build_report(data, params, STAMP)))
    # The sections of the synthetic package that cost something are charged by name, the
    # whole process by parts that are all non-negative.
    for part in ("reading", "validating", "effect", "reoffending", "needs", "intervals", "effect estimates"):
        assert part in clock.wall, part
    assert all(seconds >= 0 for seconds in clock.wall.values())
    import iomhub.package.load as load
    import iomhub.reports.model as model

    assert load.validate_tables.__name__ == "validate_tables"  # nothing left patched
    assert model._polars_materialise.__name__ == "_polars_materialise"
    assert json.loads(text)["tables"]["effect_estimate"]


def test_the_table_lists_every_part_and_the_whole() -> None:
    from rich.console import Console

    result = {"wall": {"reading": 1.0, "effect": 2.5}, "cpu": {"reading": 0.5, "effect": 3.0}, "peak_mb": 100.0}
    console = Console(width=120, record=True)
    console.print(table(result, "t"))
    text = console.export_text()
    rows = [line for line in text.splitlines() if "│" in line and "part of the report" not in line]
    assert "effect: What the figures can and cannot claim" in rows[0]  # most CPU first
    assert "reading" in rows[1]
    (whole,) = [row for row in rows if "whole process" in row]
    assert whole.split("│")[2].strip() == "3.50" and whole.split("│")[3].strip() == "3.50"
    assert "100 MB" in text
