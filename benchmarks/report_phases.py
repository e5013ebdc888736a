"""Where the whole report's time goes: CPU seconds per phase, this tree against a baseline commit.

Runs ``iomhub report``'s work (import, read the package, validate it, compute the report, write
its JSON) in a fresh process per run, for this tree and for ``--baseline`` (its ``src/`` exported
with ``git archive``, as ``same_report.py`` does), alternately, ``--repeat`` times each, and
prints the least CPU seconds (user + system, every thread, from ``resource.getrusage``) of each
phase, the whole process and the peak memory. On a machine shared with other work the CPU time
says much more than the wall time, which is printed too. Each run's JSON (without
``generated_at``) must be the baseline's: a speed-up may not change a figure.

    .venv/bin/python benchmarks/report_phases.py --packages joiners:100000 --baseline main
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from packages import ROOT, ensure_package, executable
from same_report import PERIOD, export_source, without_generated_at

PHASES = ("import", "read", "validate", "compute", "render", "total")

# Run in the child process: each phase timed by resource.getrusage, the result printed as JSON.
CHILD = r"""
import json, resource, sys, time
def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
start, wall = cpu(), time.perf_counter()
from iomhub.cli.report import _params
from datetime import date
import iomhub.package.load as load
from iomhub.reports.model import build_report
from iomhub.reports.json_renderer import render_json
out = {"import": cpu() - start}
validating = {}
validate = load.validate_tables
def timed(*args, **kwargs):
    began = cpu()
    try:
        return validate(*args, **kwargs)
    finally:
        validating["cpu"] = cpu() - began
load.validate_tables = timed
began = cpu()
data = load.read_package(sys.argv[1])
out["validate"] = validating["cpu"]
out["read"] = cpu() - began - out["validate"]
period = dict(zip(sys.argv[2::2], sys.argv[3::2]))
params = _params(date.fromisoformat(period["--from"]), date.fromisoformat(period["--to"]), None, None, None,
                 float(period["--target-reduction"]), None, None, data.settings.age_bands,
                 data.settings.target_reduction)
began = cpu()
report = build_report(data, params)
out["compute"] = cpu() - began
began = cpu()
text = render_json(report)
out["render"] = cpu() - began
out["total"] = cpu()
out["wall"] = time.perf_counter() - wall
out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
open(sys.argv[-1], "w", encoding="utf-8").write(text)
print(json.dumps(out))
"""


def run(package: Path, source: Path | None, output: Path) -> dict[str, float]:
    """One whole process: the report of ``package`` with the code under ``source`` (None: this
    tree), its phases' CPU seconds; the JSON written to ``output``."""
    env = dict(os.environ)
    if source is not None:
        env["PYTHONPATH"] = str(source)
    command = [executable("python"), "-c", CHILD, str(package), *PERIOD, str(output)]
    done = subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--baseline", default="main", help="the commit to compare with (default main)")
    parser.add_argument("--packages", default="joiners:100000", help="shape:nominals, comma-separated")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each version (the least is shown)")
    parser.add_argument("--data-dir", type=Path, default=ROOT / "bench-data")
    args = parser.parse_args(argv)
    different = 0
    with tempfile.TemporaryDirectory(prefix="report-phases-") as scratch:
        base = Path(scratch)
        source = export_source(args.baseline, base)
        for item in args.packages.split(","):
            shape, size = item.split(":")
            package = ensure_package(args.data_dir, int(size), shape)
            runs: dict[str, list[dict[str, float]]] = {"baseline": [], "this": []}
            for _ in range(args.repeat):
                for label, code in (("baseline", source), ("this", None)):
                    runs[label].append(run(package, code, base / f"{label}.json"))
                same = (without_generated_at((base / "baseline.json").read_text(encoding="utf-8"))
                        == without_generated_at((base / "this.json").read_text(encoding="utf-8")))
                different += not same
            print(f"\n{shape} {int(size):,} nominals: least CPU seconds of {args.repeat} runs "
                  f"({args.baseline} | this tree)")
            for phase in (*PHASES, "wall", "peak_mb"):
                old = min(r[phase] for r in runs["baseline"])
                new = min(r[phase] for r in runs["this"])
                print(f"  {phase:<9} {old:8.2f} | {new:8.2f}")
            print("  same JSON in every run" if not different else f"  JSON DIFFERS in {different} run(s)")
    return 1 if different else 0


if __name__ == "__main__":
    sys.exit(main())
