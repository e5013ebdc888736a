"""Synthetic units (the demo's package and smaller ones) and their reports, built once per
worker, and the JSON documents a reader gets."""

from __future__ import annotations

import functools
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from iomhub.cli import DEMO_DATA_START, DEMO_PERIOD
from iomhub.domain.dates import Span
from iomhub.package import read_package
from iomhub.reports.json_renderer import report_document
from iomhub.reports.model import Report, build_report
from iomhub.reports.params import ReportParams
from iomhub.synth import SynthOptions, generate

DEMO = (5000, 2015)  # iomhub demo's package: 5,000 nominals, seed 2015


@functools.cache
def unit(nominals: int, seed: int) -> Report:
    """The unsuppressed report of a synthetic unit of ``nominals`` people (the demo's period,
    data from April 2011, a 17% reduction target)."""
    folder = Path(tempfile.mkdtemp(prefix="iomhub-unit-"))
    try:
        generate(SynthOptions(nominals=nominals, seed=seed, start=DEMO_DATA_START), folder / "package")
        package = read_package(folder / "package")
    finally:
        shutil.rmtree(folder)
    return build_report(package, ReportParams(period=Span(*DEMO_PERIOD), target_reduction=17.0))


def document(report: Report) -> dict[str, Any]:
    """The JSON report as a reader parses it."""
    return dict(json.loads(json.dumps(report_document(report), default=str)))
