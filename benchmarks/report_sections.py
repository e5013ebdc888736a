"""Where the whole report's time goes, section by section: a line per section of the report.

One fresh process reads and validates the package, then computes the report as ``iomhub report``
does (``build_report``), with every collect timed where it happens and charged to the section
whose figures it computes:

- the intermediate tables several others read (``materialise``) to the metrics module that
  builds them (one module per report section: ``metrics/effect.py`` is the matched comparison);
- each table of the report, and each per-person table behind an interval, to its section
  (``reports/tables.py``);
- the intervals, the effect estimates and the indicators to themselves.

The report runs the effect section beside the others (its tables collected on its thread), collects
every other table in one call and draws the intervals and the estimates on two threads, the
intervals of the tables collected first while the effect section still runs; here each part runs
alone, one after the other, so that each has its own time (the same figures: each interval has
its own seeded stream). The whole is therefore slower in wall time than ``iomhub report``; the CPU seconds of
each part are what it costs.

Each line gives wall seconds and CPU seconds (user + system, every thread). On a machine shared
with other work the CPU seconds say more. The JSON written is the report's, to compare.

    .venv/bin/python benchmarks/report_sections.py bench-data/nominals-1000000
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PERIOD = ("--from", "2015-04-01", "--to", "2016-03-31", "--target-reduction", "17")
METRICS = ROOT / "src" / "iomhub" / "metrics"
# Per-person tables that are not report tables, and the section they serve.
PEOPLE_SECTIONS = {"offences_in_custody": "custody", "fixed_period": "effect"}


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Clock:
    """Wall and CPU seconds charged to named parts, in the order they were first charged."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = defaultdict(float)
        self.cpu: dict[str, float] = defaultdict(float)

    @contextmanager
    def charge(self, part: str) -> Iterator[None]:
        began, began_cpu = time.perf_counter(), cpu()
        try:
            yield
        finally:
            self.wall[part] += time.perf_counter() - began
            self.cpu[part] += cpu() - began_cpu


def caller_section(modules: set[str]) -> str:
    """The metrics module whose intermediate table is being materialised: the caller's own
    module when it is in ``metrics/``, else the first metrics module named on the calling line
    (``materialise(reoffending.performance_cohort(...))`` in ``reports/engine.py``)."""
    frame = sys._getframe(2)
    filename = Path(frame.f_code.co_filename)
    if filename.parent == METRICS:
        return filename.stem
    import linecache

    line = linecache.getline(str(filename), frame.f_lineno)
    for name in re.findall(r"(\w+)\.\w+\(", line):
        if name in modules:
            return name
    return "shared"


def measure(package: Path) -> tuple[Clock, str]:
    """The report of ``package`` computed with every part timed; its JSON."""
    clock = Clock()
    with clock.charge("importing modules"):
        import narwhals as nw
        import polars as pl

        import iomhub.package.load as load
        import iomhub.reports.model as model
        from iomhub.cli.report import _params
        from iomhub.domain.costs import unit_costs
        from iomhub.reports.json_renderer import render_json
        from iomhub.reports.tables import TABLES
    modules = {path.stem for path in METRICS.glob("*.py")}
    validate = load.validate_tables

    def validating(*args: Any, **kwargs: Any) -> Any:
        with clock.charge("validating"):
            return validate(*args, **kwargs)

    load.validate_tables = validating
    began, began_cpu = time.perf_counter(), cpu()
    try:
        data = load.read_package(package)
    finally:
        load.validate_tables = validate
    clock.wall["reading"] = time.perf_counter() - began - clock.wall["validating"]
    clock.cpu["reading"] = cpu() - began_cpu - clock.cpu["validating"]
    period = dict(zip(PERIOD[::2], PERIOD[1::2], strict=True))
    params = _params(date.fromisoformat(period["--from"]), date.fromisoformat(period["--to"]), None, None, None,
                     float(period["--target-reduction"]), None, None, data.settings.age_bands,
                     data.settings.target_reduction)

    materialise: Callable[[Any], Any] = model._polars_materialise
    engine = model.polars_engine(data)  # the Polars engine build_report collects the tables with

    def timed_materialise(frame: Any) -> Any:
        with clock.charge(caller_section(modules)):
            return materialise(frame)

    def collect_one_by_one(computed: Any, collect: Any, arrived: Any = None) -> dict[tuple[str, str], pl.DataFrame]:
        # The report collects every table in one call (side by side) and starts the intervals of
        # those there first as they arrive; here each apart, charged to its section, and
        # nothing started before ``one_after_the_other``.
        frames = {("table", name): frame for name, frame in computed.tables.items()}
        frames.update((("people", name), frame) for name, frame in computed.people.items())
        done = {}
        for (kind, name), frame in frames.items():
            spec = TABLES.get(name)
            with clock.charge(spec.section if spec else PEOPLE_SECTIONS.get(name, name.split("_")[0])):
                (done[kind, name],) = collect([frame])
        return done

    def one_after_the_other(tables: dict[str, Any], people: dict[str, Any], resampling: Any, *started: Any) -> None:
        # The report does these pieces on two threads at once; here one after the other.
        for piece in model.resampling_work(tables, people, resampling):
            with clock.charge(piece.section):
                tables.update(piece.make())

    patched = {"_collect_computed": collect_one_by_one, "_resample": one_after_the_other}
    saved = {name: getattr(model, name) for name in patched}
    for name, replacement in patched.items():
        setattr(model, name, replacement)
    charged_wall, charged_cpu = sum(clock.wall.values()), sum(clock.cpu.values())
    began, began_cpu = time.perf_counter(), cpu()
    try:
        # As build_report, but the effect section in line rather than on a thread of its own.
        lazy = {name: nw.from_native(frame.lazy()) for name, frame in data.tables.items()}
        computed = model.compute_tables(lazy, params, materialise=timed_materialise,
                                        unit_costs=unit_costs(data.settings.unit_costs))
        report = model.report_from(computed, data, params, collect=partial(model._polars_collect, engine=engine))
    finally:
        for name, original in saved.items():
            setattr(model, name, original)
    rest = "the rest (queries built, tables ordered, indicators, notes)"
    clock.wall[rest] = time.perf_counter() - began - (sum(clock.wall.values()) - charged_wall)
    clock.cpu[rest] = cpu() - began_cpu - (sum(clock.cpu.values()) - charged_cpu)
    with clock.charge("writing the JSON"):
        text = render_json(report)
    return clock, text


def child(package: Path, output: Path) -> None:
    clock, text = measure(package)
    output.write_text(text, encoding="utf-8")
    print(json.dumps({"wall": clock.wall, "cpu": clock.cpu,
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def run(package: Path, output: Path) -> dict[str, Any]:
    """The measurement in a fresh process (nothing imported or cached before it)."""
    python = ROOT / ".venv" / "bin" / "python"
    done = subprocess.run([str(python if python.exists() else sys.executable), __file__, "--child", str(package),
                           "-o", str(output)], cwd=ROOT, check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def table(result: dict[str, Any], title: str) -> Any:
    """The sections, largest first, with their wall and CPU seconds, then the whole."""
    from rich.table import Table

    out = Table(title=title)
    for header in ("part of the report", "wall s", "CPU s"):
        out.add_column(header, justify="left" if header.startswith("part") else "right")
    from iomhub.reports.tables import SECTION_TITLES

    wall, cpu_seconds = result["wall"], result["cpu"]
    for part in sorted(wall, key=lambda name: -cpu_seconds[name]):
        label = f"{part}: {SECTION_TITLES[part]}" if part in SECTION_TITLES else part
        out.add_row(label, f"{wall[part]:.2f}", f"{cpu_seconds[part]:.2f}")
    out.add_row("whole process", f"{sum(wall.values()):.2f}", f"{sum(cpu_seconds.values()):.2f}", style="bold")
    out.add_row("peak memory", f"{result['peak_mb']:,.0f} MB", "")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("package", type=Path)
    parser.add_argument("-o", "--output", type=Path, help="where to write the report's JSON")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    output = args.output or Path("/dev/null")
    if args.child:
        child(args.package, output)
        return 0
    from rich.console import Console

    Console().print(table(run(args.package, output), f"iomhub report of {args.package.name}, part by part"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
