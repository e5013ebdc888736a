"""``make bench-mapping``: what reading extracts through a mapping costs, against the same data
written canonically.

For each size it takes the synthetic package of ``make bench`` (made with ``iomhub synth`` if not
there yet) and writes two mapped copies of it (``iomhub.synth.extracts``): every table renamed,
every header renamed, every code respelled and every date as ``01-Apr-2015``, once in UTF-8 with
commas (the mapping alone: a rename and a replace on the text tables, and a declared date format),
once with a third of the tables in Windows-1252 with semicolons and a third in UTF-16 with tabs
(decoding in Python as well). It then times ``read_package`` on each, in this process, best of
``--repeat`` runs taken in turn, and checks that the three give the same tables. The goal (a mapped
package read in at most 1.25 times the canonical package's time, with the dates declared) is
printed as met or not and never fails the run; different tables do (exit 1).
"""

from __future__ import annotations

import argparse
import gc
import shutil
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent))
from iomhub.package import Package, read_package
from iomhub.package.schema import TABLES
from iomhub.synth.extracts import write_as_extracts
from run import ensure_package, parse_sizes

GOAL_RATIO = 1.25
UTF8_COMMAS = (("utf-8", ","),)


def best_seconds(folders: dict[str, Path], repeat: int) -> tuple[dict[str, float], dict[str, Package]]:
    """The best time of ``read_package`` on each folder, runs taken in turn; the last packages read."""
    best = dict.fromkeys(folders, float("inf"))
    packages: dict[str, Package] = {}
    for _ in range(repeat):
        for name, folder in folders.items():
            gc.collect()
            started = time.perf_counter()
            packages[name] = read_package(folder)
            best[name] = min(best[name], time.perf_counter() - started)
    return best, packages


def differences(packages: dict[str, Package]) -> list[str]:
    canonical = packages["canonical"]
    return [f"{name}: table {table} differs" for name, package in packages.items() for table, frame in
            canonical.tables.items() if not package.tables[table].equals(frame)]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=parse_sizes, default=[100_000, 1_000_000],
                        help="numbers of nominals, comma-separated (default 100000,1000000)")
    parser.add_argument("--data-dir", type=Path, default=Path("bench-data"),
                        help="where synthetic packages are kept (default bench-data)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each (default 3)")
    args = parser.parse_args(argv)
    console = Console()
    table = Table(title="read_package: canonical files against mapped extracts (best of "
                        f"{args.repeat}, seconds)")
    for column in ("nominals", "canonical", "mapped, UTF-8", "ratio", "mapped, 3 encodings", "ratio"):
        table.add_column(column, justify="right")
    failed: list[str] = []
    goals: list[str] = []
    for size in args.sizes:
        canonical = ensure_package(args.data_dir.resolve(), size, console)
        folders = {"canonical": canonical}
        for name, styles in (("utf8", UTF8_COMMAS), ("encodings", None)):
            folder = args.data_dir.resolve() / f"mapped-{name}-{size}"
            shutil.rmtree(folder, ignore_errors=True)
            console.print(f"writing {folder.name} ...")
            if styles is None:
                write_as_extracts(canonical, folder, TABLES)
            else:
                write_as_extracts(canonical, folder, TABLES, styles=styles)
            folders[name] = folder
        seconds, packages = best_seconds(folders, args.repeat)
        failed += [f"{size:,}: {line}" for line in differences(packages)]
        utf8, encodings = seconds["utf8"] / seconds["canonical"], seconds["encodings"] / seconds["canonical"]
        table.add_row(f"{size:,}", f"{seconds['canonical']:.2f}", f"{seconds['utf8']:.2f}", f"{utf8:.2f}x",
                      f"{seconds['encodings']:.2f}", f"{encodings:.2f}x")
        goals.append(f"goal: mapped (UTF-8) <= {GOAL_RATIO:g}x canonical at {size:,} nominals: "
                     f"{'met' if utf8 <= GOAL_RATIO else 'not met'} ({utf8:.2f}x)")
    console.print(table)
    for line in goals:
        console.print(line, highlight=False)
    for line in failed:
        console.print(f"[bold red]{line}[/]")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
