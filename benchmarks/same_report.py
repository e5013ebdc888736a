"""Speed work must not change a figure: the JSON report of this tree against a baseline commit's.

For each package (by default the demo package, ``iomhub demo``'s 5,000 nominals, and the
100,000-nominal package with 60% of people ever on IOM; ``benchmarks/packages.py``), runs
``iomhub report ... --format json`` with the code of ``--baseline`` (its ``src/`` exported with
``git archive`` into a scratch folder, run on this virtual environment) and with this tree's,
and compares the two documents byte for byte, ignoring only ``generated_at``. Exits 1 when any
differs, naming the first differing lines. ``--engine`` runs this tree's report on another
engine (``spark``), still against the baseline's default engine.

    .venv/bin/python benchmarks/same_report.py --baseline main
"""

from __future__ import annotations

import argparse
import difflib
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from packages import ROOT, ensure_package, executable

PERIOD = ["--from", "2015-04-01", "--to", "2016-03-31", "--target-reduction", "17"]
DEFAULT_PACKAGES = ("demo:5000", "joiners:100000")


def export_source(commit: str, into: Path) -> Path:
    """The ``src/`` folder of ``commit``, unpacked under ``into``."""
    archive = subprocess.run(["git", "archive", "--format=tar", commit, "src"], cwd=ROOT,
                             capture_output=True, check=True).stdout
    path = into / "archive.tar"
    path.write_bytes(archive)
    with tarfile.open(path) as tar:
        tar.extractall(into, filter="data")
    return into / "src"


def run_report(package: Path, output: Path, source: Path | None, extra: list[str]) -> float:
    """``iomhub report`` on ``package`` into ``output`` with the code under ``source`` (None:
    this tree); the wall seconds it took."""
    env = dict(os.environ)
    if source is not None:
        env["PYTHONPATH"] = str(source)
    command = [executable("python"), "-c", "import sys; from iomhub.cli import main; sys.exit(main())",
               "report", str(package), *PERIOD, "--format", "json", "-o", str(output), *extra]
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=env, check=True, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def without_generated_at(text: str) -> list[str]:
    return [line for line in text.splitlines() if not line.lstrip().startswith('"generated_at"')]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--baseline", default="main", help="the commit to compare with (default main)")
    parser.add_argument("--packages", default=",".join(DEFAULT_PACKAGES),
                        help="shape:nominals, comma-separated (default demo:5000,joiners:100000)")
    parser.add_argument("--data-dir", type=Path, default=ROOT / "bench-data")
    parser.add_argument("--engine", default=None, help="this tree's engine (default: the default engine)")
    args = parser.parse_args(argv)
    extra = [] if args.engine is None else ["--engine", args.engine]
    different = 0
    with tempfile.TemporaryDirectory(prefix="same-report-") as scratch:
        base = Path(scratch)
        source = export_source(args.baseline, base)
        for item in args.packages.split(","):
            shape, size = item.split(":")
            package = ensure_package(args.data_dir, int(size), shape)
            before, after = base / f"{shape}-{size}-baseline.json", base / f"{shape}-{size}-this.json"
            old = run_report(package, before, source, [])
            new = run_report(package, after, None, extra)
            a = without_generated_at(before.read_text(encoding="utf-8"))
            b = without_generated_at(after.read_text(encoding="utf-8"))
            same = a == b
            print(f"{item}: {'identical' if same else 'DIFFERENT'} ({len(a):,} lines; baseline {old:.1f} s, "
                  f"this tree {new:.1f} s)")
            if not same:
                different += 1
                diff = list(difflib.unified_diff(a, b, "baseline", "this tree", n=2, lineterm=""))
                print("\n".join(diff[:60]))
    return 1 if different else 0


if __name__ == "__main__":
    sys.exit(main())
