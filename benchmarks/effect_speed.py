"""How long the effect section takes on a large unit where many people join IOM over the years.

Synthesises ``--nominals`` people over ``--years`` with a monthly join rate high enough that
most offenders are on IOM at some point (``--join-rate``; 0.9 gives about 60,000 of 100,000),
then times, best of ``--repeat``, the effect section as the report computes it on Polars: the
lazy tables of :func:`iomhub.metrics.effect.effect_tables` collected, and the estimates with
their intervals and checks. ``--old`` also times the version of ``effect.py`` at a commit
(for the before/after figures of docs/effect-estimates.md). Wall-clock and CPU seconds are both
printed: on a shared machine the CPU time (all threads) says more about the work done.
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import narwhals as nw
import polars as pl

from iomhub.metrics import effect, effect_estimates
from iomhub.metrics.custody import custody_spans
from iomhub.metrics.uncertainty import Resampling
from iomhub.reports.estimates import columns
from iomhub.synth import SynthOptions, frames

sys.path.insert(0, str(Path(__file__).resolve().parent))
from packages import widened

ROOT = Path(__file__).resolve().parent.parent


def _rows(frame: Any) -> dict[str, Any]:
    return columns(frame.collect().to_native())


def time_new(tables: dict[str, Any], first: date, last: date) -> tuple[float, float, dict[str, Any]]:
    """Seconds for the lazy tables and for the estimates, and the matched row."""
    started = time.perf_counter()
    materialise = _materialise
    spans = materialise(custody_spans(tables["custody"], last))
    parts = effect.effect_tables(tables["cohort"], tables["offences"], spans, tables["nominals"],
                                 effect.Matching(), first, last, materialise)
    collected = {name: getattr(parts, name).collect() for name in
                 ("members", "sets", "pairs", "comparison_people", "balance", "windows")}
    middle = time.perf_counter()
    balance = effect_estimates.balance_rows(_rows(collected["balance"].lazy()))
    rows = effect_estimates.estimates(_rows(collected["members"].lazy()), _rows(collected["pairs"].lazy()),
                                      collected["comparison_people"].shape[0], balance, Resampling())
    return middle - started, time.perf_counter() - middle, rows[-1]


def _materialise(frame: Any) -> Any:
    return frame.collect().lazy()


def time_old(commit: str, tables: dict[str, Any], first: date, last: date) -> float:
    """Seconds for the lazy tables of effect.py at ``commit`` (its own custody handling)."""
    source = subprocess.run(["git", "show", f"{commit}:src/iomhub/metrics/effect.py"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout
    path = Path("/tmp") / f"effect_{commit}.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(f"effect_{commit}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    started = time.perf_counter()
    parts = module.effect_tables(tables["cohort"], tables["offences"], tables["custody"], tables["nominals"],
                                 module.Matching(), first, last, _materialise)
    for name in ("members", "sets", "comparison_people", "balance", "windows"):
        getattr(parts, name).collect()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--nominals", type=int, default=100_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--join-rate", type=float, default=0.9)
    parser.add_argument("--on-iom", type=int, default=60_000, help="people ever on IOM (others join at random)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--old", help="a commit whose effect.py to time as well")
    args = parser.parse_args()
    last = date(2016, 3, 31)
    first = date(last.year - args.years, 4, 1)
    native = frames(SynthOptions(nominals=args.nominals, seed=1, start=first, end=last, join_rate=args.join_rate))
    native["cohort"] = widened(native["cohort"], native["nominals"], args.on_iom, first, last)
    ever = native["cohort"]["nominal_id"].n_unique()
    print(f"{args.nominals:,} nominals, {native['offences'].height:,} offences, {ever:,} ever on IOM "
          f"({first} to {last})")
    tables = {name: nw.from_native(native[name].lazy()) for name in ("nominals", "cohort", "offences", "custody")}
    best: dict[str, float] = {}
    for _ in range(args.repeat):
        cpu = time.process_time()
        lazy_seconds, estimate_seconds, row = time_new(tables, first, last)
        cpu = time.process_time() - cpu
        for name, seconds in (("tables s", lazy_seconds), ("estimates s", estimate_seconds),
                              ("total s", lazy_seconds + estimate_seconds), ("total cpu s", cpu)):
            best[name] = min(best.get(name, float("inf")), seconds)
        if args.old:
            cpu = time.process_time()
            seconds = time_old(args.old, tables, first, last)
            best["old tables s"] = min(best.get("old tables s", float("inf")), seconds)
            best["old tables cpu s"] = min(best.get("old tables cpu s", float("inf")), time.process_time() - cpu)
    print(f"matched members {row['offenders']:,}, estimate {row['estimate_pct']}, reliable {row['reliable']}")
    print(pl.DataFrame([best]))


if __name__ == "__main__":
    sys.exit(main())
