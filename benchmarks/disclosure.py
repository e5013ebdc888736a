"""How much the disclosure audit withholds, and how long it takes: the demo and small units.

For each synthetic unit (the demo's 5,000 nominals, seed 2015, and units of 100 to 500 people)
the report is built once, then published by cell suppression and by controlled rounding; the
table gives the counts withheld by the threshold (primary), the cells the audit added, every
cell withheld (derived figures included), the audit's rounds and the seconds the publication
took (relations, audit, suppression and the derived figures; not the report itself).
``make bench-disclosure`` runs it; ``--units N`` sets how many small units.
"""

from __future__ import annotations

import argparse
import random
import shutil
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from iomhub.cli import DEMO_DATA_START, DEMO_PERIOD
from iomhub.domain.dates import Span
from iomhub.package import read_package
from iomhub.reports.disclosure.cells import Index
from iomhub.reports.disclosure.protect import primary
from iomhub.reports.model import Report, build_report
from iomhub.reports.params import ReportParams
from iomhub.reports.suppression import suppressed_report
from iomhub.synth import SynthOptions, generate


def report_of(nominals: int, seed: int) -> Report:
    folder = Path(tempfile.mkdtemp(prefix="iomhub-bench-"))
    try:
        generate(SynthOptions(nominals=nominals, seed=seed, start=DEMO_DATA_START), folder / "package")
        package = read_package(folder / "package")
    finally:
        shutil.rmtree(folder)
    return build_report(package, ReportParams(period=Span(*DEMO_PERIOD), target_reduction=17.0))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=6, help="small units of 100 to 500 people (default 6)")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    draw = random.Random(args.seed)
    units = [(5000, 2015)] + [(draw.randint(100, 500), draw.randint(0, 99_999)) for _ in range(args.units)]
    table = Table("unit", "method", "primary", "added by the audit", "withheld", "rounds", "seconds",
                  title="Disclosure control: cells withheld and time")
    for nominals, seed in units:
        report = report_of(nominals, seed)
        first = len(primary(Index(report.tables), 5))
        for method in ("suppress", "round"):
            started = time.perf_counter()
            published = suppressed_report(report, 5, method)
            seconds = time.perf_counter() - started
            audit = published.disclosure["audit"]
            withheld = sum(len(cells) for cells in published.suppressed.values())
            name = "demo (5,000)" if (nominals, seed) == (5000, 2015) else f"{nominals} people, seed {seed}"
            table.add_row(name, method, str(first if method == "suppress" else 0), str(audit["cells_added"]),
                          str(withheld), str(audit["rounds"]), f"{seconds:.2f}")
    Console(width=120).print(table)


if __name__ == "__main__":
    main()
