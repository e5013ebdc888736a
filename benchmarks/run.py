"""``make bench``: iomhub's report against the plain pandas implementation, side by side.

For each size (nominals) it synthesises a data package once (``iomhub synth``, kept under
``--data-dir`` for the next run), then runs, as whole processes and alternately in the same
run, ``iomhub report ... --format json`` and ``benchmarks/pandas_report.py`` on it. Each is
timed (wall clock) and measured (peak resident memory of the child process, from the
rusage ``os.wait4`` returns for it), best of ``--repeat`` runs. The two reports must give
the same figures for every table the pandas version computes: the runner exits 1 if they
do not (or if a command fails). Then it times ``iomhub import`` of the 100,000-nominal package
into an empty SQLite and PostgreSQL database (``--import-size``). Issue 15's goals (the whole report of 100,000
nominals in at most 1.5 s; of 1,000,000 in at most 10 s and 4 GB), and pandas/iomhub >= 10x, are
printed as met or not met and never fail the run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compare import compare_reports

ROOT = Path(__file__).resolve().parent.parent
PERIOD_FROM = "2015-04-01"
PERIOD_TO = "2016-03-31"
TARGET_REDUCTION = "17"
SEED = "1"
GOAL_RATIO = 10.0
# issue 15: nominals -> (at most these wall seconds, at most this peak memory in MB, or None)
GOALS = {100_000: (1.5, None), 1_000_000: (10.0, 4096.0)}
TOP_LEVEL = ("period", "baseline", "cohort_date")


@dataclass(frozen=True)
class Measurement:
    """One child process: wall-clock seconds, peak resident memory (MB), exit code, stderr, and
    CPU seconds (user + system, every thread: on a busy machine, the figure to compare)."""

    seconds: float
    peak_mb: float
    returncode: int
    stderr: str
    cpu: float = 0.0


@dataclass
class Result:
    """The best (fastest) runs of both tools on one package size, and whether figures agree.

    A tool whose command failed has no measurement, and the failure is among the differences.
    """

    size: int
    iomhub: Measurement | None
    pandas: Measurement | None
    differences: list[str]

    @property
    def ratio(self) -> float | None:
        """How many times longer pandas took than iomhub."""
        if self.iomhub is None or self.pandas is None:
            return None
        return self.pandas.seconds / self.iomhub.seconds


def measure(command: Sequence[str], cwd: Path = ROOT, env: dict[str, str] | None = None) -> Measurement:
    """Run a command to its end; its wall time and peak RSS from ``os.wait4``'s rusage.

    ``ru_maxrss`` of the rusage ``wait4`` returns is the child's own high-water mark (Linux,
    in KiB), unaffected by earlier children, unlike ``getrusage(RUSAGE_CHILDREN)``.
    """
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode("utf-8", errors="replace")
    return Measurement(seconds, usage.ru_maxrss / 1024, process.returncode, stderr, usage.ru_utime + usage.ru_stime)


def executable(name: str) -> str:
    """A program of the project's virtual environment (falling back to this interpreter's)."""
    candidate = ROOT / ".venv" / "bin" / name
    if candidate.exists():
        return str(candidate)
    if name == "python":
        return sys.executable
    return str(Path(sys.executable).parent / name)


def ensure_package(data_dir: Path, size: int, console: Console) -> Path:
    """The synthetic package of ``size`` nominals, made with ``iomhub synth`` if not there yet.

    It is written to a scratch folder first and renamed when complete, so an interrupted
    synthesis is never mistaken for a package.
    """
    folder = data_dir / f"nominals-{size}"
    if (folder / "nominals.csv").exists():
        return folder
    scratch = data_dir / f"partial-nominals-{size}"
    shutil.rmtree(scratch, ignore_errors=True)
    data_dir.mkdir(parents=True, exist_ok=True)
    console.print(f"synthesising {size:,} nominals into {folder} ...")
    started = time.perf_counter()
    subprocess.run([executable("iomhub"), "synth", "-o", str(scratch), "--nominals", str(size),
                    "--seed", SEED], cwd=ROOT, check=True)
    shutil.rmtree(folder, ignore_errors=True)
    scratch.rename(folder)
    console.print(f"  done in {time.perf_counter() - started:.1f} s")
    return folder


def commands(package: Path, out_dir: Path) -> dict[str, list[str]]:
    """The two report commands on one package, writing iomhub.json and pandas.json."""
    dates = ["--from", PERIOD_FROM, "--to", PERIOD_TO, "--target-reduction", TARGET_REDUCTION]
    return {
        "iomhub": [executable("iomhub"), "report", str(package), *dates, "--format", "json",
                   "-o", str(out_dir / "iomhub.json")],
        "pandas": [executable("python"), str(ROOT / "benchmarks" / "pandas_report.py"),
                   str(package), *dates, "-o", str(out_dir / "pandas.json")],
    }


def compare_outputs(iomhub: dict[str, Any], pandas: dict[str, Any]) -> list[str]:
    """Differences between the two reports: their dates, and every table pandas computes."""
    problems = [
        f"{field}: {iomhub.get(field)!r} in iomhub but {pandas.get(field)!r} in pandas"
        for field in TOP_LEVEL if iomhub.get(field) != pandas.get(field)
    ]
    tables = list(pandas.get("tables", {}))
    return problems + compare_reports(iomhub, pandas, tables, names=("iomhub", "pandas"))


def bench_size(size: int, data_dir: Path, repeat: int, console: Console) -> Result:
    """Best of ``repeat`` alternating runs of both reports on the package of ``size``."""
    package = ensure_package(data_dir, size, console)
    out_dir = data_dir / "results" / f"nominals-{size}"
    out_dir.mkdir(parents=True, exist_ok=True)
    runs: dict[str, list[Measurement]] = {"iomhub": [], "pandas": []}
    for attempt in range(repeat):
        # Alternate which goes first so that neither always inherits a warm or cold cache.
        order = list(commands(package, out_dir).items())
        if attempt % 2:
            order.reverse()
        for tool, command in order:
            run = measure(command)
            console.print(f"  {size:>10,} {tool:<7} run {attempt + 1}: {run.seconds:7.2f} s "
                          f"({run.cpu:.2f} CPU s), {run.peak_mb:8.0f} MB" + ("" if run.returncode == 0 else
                                                      f", exit {run.returncode}"))
            if run.returncode != 0:
                console.print(run.stderr[-4000:], markup=False, highlight=False)
                return Result(size, None, None, [f"{tool} failed with exit code "
                                                 f"{run.returncode}: {' '.join(command)}"])
            runs[tool].append(run)
    iomhub_report = json.loads((out_dir / "iomhub.json").read_text(encoding="utf-8"))
    pandas_report = json.loads((out_dir / "pandas.json").read_text(encoding="utf-8"))
    best = {tool: min(measurements, key=lambda m: m.seconds) for tool, measurements in runs.items()}
    return Result(size, best["iomhub"], best["pandas"], compare_outputs(iomhub_report,
                                                                        pandas_report))


def summary_table(results: Sequence[Result]) -> Table:
    """The side-by-side table: size, both wall times, ratio, both peaks, figures equal."""
    table = Table(title=f"iomhub report vs plain pandas ({PERIOD_FROM} to {PERIOD_TO}, "
                        "best of runs)")
    for header in ("nominals", "iomhub wall s", "pandas wall s", "ratio (pandas/iomhub)",
                   "iomhub CPU s", "pandas CPU s", "iomhub peak MB", "pandas peak MB", "figures equal"):
        table.add_column(header, justify="left" if header == "figures equal" else "right")
    for r in results:
        table.add_row(f"{r.size:,}", _seconds(r.iomhub), _seconds(r.pandas),
                      "-" if r.ratio is None else f"{r.ratio:.1f}x", _cpu(r.iomhub), _cpu(r.pandas),
                      _megabytes(r.iomhub), _megabytes(r.pandas), "yes" if not r.differences else "NO")
    return table


def _cpu(run: Measurement | None) -> str:
    return "failed" if run is None else f"{run.cpu:.2f}"


def json_lines(path: Path) -> list[str]:
    """A report's JSON lines but the time it was made (``generated_at``), to compare two runs."""
    text = path.read_text(encoding="utf-8")
    return [line for line in text.splitlines() if not line.lstrip().startswith('"generated_at"')]


def bench_spark(size: int, data_dir: Path, console: Console) -> tuple[Measurement, bool]:
    """``iomhub report --engine spark`` (local mode) once on the package of ``size``, and whether
    its JSON is the default engine's (written by ``bench_size`` before), but the time it was made."""
    package = ensure_package(data_dir, size, console)
    out_dir = data_dir / "results" / f"nominals-{size}"
    command = commands(package, out_dir)["iomhub"]
    command[-1] = str(out_dir / "spark.json")
    run = measure([*command, "--engine", "spark"])
    console.print(f"  {size:>10,} spark   run 1: {run.seconds:7.2f} s ({run.cpu:.2f} CPU s in Python)"
                  + ("" if run.returncode == 0 else f", exit {run.returncode}"))
    if run.returncode != 0:
        console.print(run.stderr[-4000:], markup=False, highlight=False)
        return run, False

    return run, json_lines(out_dir / "spark.json") == json_lines(out_dir / "iomhub.json")


def bench_sections(size: int, data_dir: Path, console: Console) -> bool:
    """The report of ``size`` nominals once more, its time charged section by section
    (``report_sections.py``), and whether its JSON is the whole report's (written by
    ``bench_size`` before), but the time it was made."""
    from report_sections import run as run_sections
    from report_sections import table as sections_table

    package = ensure_package(data_dir, size, console)
    out_dir = data_dir / "results" / f"nominals-{size}"
    result = run_sections(package, out_dir / "sections.json")
    console.print(sections_table(result, f"iomhub report of {size:,} nominals, section by section (one run)"))

    same = json_lines(out_dir / "sections.json") == json_lines(out_dir / "iomhub.json")
    if not same:
        console.print("[bold red]the report timed section by section differs from the whole report[/]")
    return same


def postgres_server() -> str | None:
    """A PostgreSQL URL of this machine's test server (``scripts/postgres-test-url``), or None."""
    found = subprocess.run([str(ROOT / "scripts" / "postgres-test-url")], capture_output=True, text=True)
    return found.stdout.strip() or None if found.returncode == 0 else None


def fresh_database(kind: str, scratch: Path, server: str | None) -> str | None:
    """The DATABASE_URL of an empty database of ``kind`` (sqlite or postgresql), migrated."""
    if kind == "sqlite":
        url = f"sqlite:///{scratch / 'import-bench.sqlite3'}"
    else:
        if server is None:
            return None
        import psycopg

        with psycopg.connect(server.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
            connection.execute("DROP DATABASE IF EXISTS iomhub_bench_import WITH (FORCE)")
            connection.execute("CREATE DATABASE iomhub_bench_import")
        url = server.rsplit("/", 1)[0] + "/iomhub_bench_import"
    subprocess.run([executable("iomhub"), "django", "migrate", "--verbosity", "0"], cwd=ROOT, check=True,
                   env={**os.environ, "DATABASE_URL": url}, stdout=subprocess.DEVNULL)
    return url


def bench_imports(size: int, data_dir: Path, console: Console) -> list[tuple[str, Measurement]]:
    """``iomhub import`` of the package of ``size`` into an empty, migrated SQLite database and
    PostgreSQL database (COPY), once each: wall time, CPU of the iomhub process (the server's
    work is in the wall time only) and peak memory."""
    package = ensure_package(data_dir, size, console)
    server = postgres_server()
    out = []
    with tempfile.TemporaryDirectory() as scratch:
        for kind, label in (("sqlite", "SQLite"), ("postgresql", "PostgreSQL")):
            url = fresh_database(kind, Path(scratch), server)
            if url is None:
                console.print(f"  no PostgreSQL server: the {label} import is not measured")
                continue
            run = measure([executable("iomhub"), "import", str(package), "--reason", "benchmark"],
                          env={**os.environ, "DATABASE_URL": url})
            console.print(f"  {size:>10,} import into {label}: {run.seconds:7.2f} s ({run.cpu:.2f} CPU s), "
                          f"{run.peak_mb:8.0f} MB" + ("" if run.returncode == 0 else f", exit {run.returncode}"))
            if run.returncode != 0:
                console.print(run.stderr[-4000:], markup=False, highlight=False)
            out.append((label, run))
    return out


def _seconds(run: Measurement | None) -> str:
    return "failed" if run is None else f"{run.seconds:.2f}"


def _megabytes(run: Measurement | None) -> str:
    return "failed" if run is None else f"{run.peak_mb:,.0f}"


def goal_lines(results: Sequence[Result]) -> list[str]:
    """The goals, each met or not met: issue 15's wall seconds and peak memory at the sizes it
    names (``GOALS``, the best run), then pandas/iomhub >= 10x at every size."""
    lines = []
    for r in results:
        if r.size not in GOALS:
            continue
        seconds, megabytes = GOALS[r.size]
        run = r.iomhub
        fast = run is not None and run.seconds <= seconds
        lines.append(f"goal: {r.size:,}-nominal report in at most {seconds:g} s: {'met' if fast else 'not met'} "
                     f"({'failed' if run is None else f'{run.seconds:.2f} s'})")
        if megabytes is not None:
            small = run is not None and run.peak_mb <= megabytes
            lines.append(f"goal: {r.size:,}-nominal report in at most {megabytes / 1024:g} GB: "
                         f"{'met' if small else 'not met'} ({'failed' if run is None else f'{run.peak_mb:,.0f} MB'})")
    for r in results:
        met = "met" if r.ratio is not None and r.ratio >= GOAL_RATIO else "not met"
        shown = "a report failed" if r.ratio is None else f"{r.ratio:.1f}x"
        lines.append(f"goal: pandas/iomhub >= {GOAL_RATIO:g}x at {r.size:,} nominals: "
                     f"{met} ({shown})")
    return lines


def parse_sizes(text: str) -> list[int]:
    """``100000,1000000`` (underscores allowed) as a list of positive sizes."""
    sizes = [int(part.strip().replace("_", "")) for part in text.split(",") if part.strip()]
    if not sizes or min(sizes) <= 0:
        raise argparse.ArgumentTypeError(f"{text!r}: give positive sizes like 100000,1000000")
    return sizes


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; 0 when both reports agree at every size, 1 otherwise."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=parse_sizes, default=[100_000, 1_000_000],
                        help="numbers of nominals, comma-separated (default 100000,1000000)")
    parser.add_argument("--data-dir", type=Path, default=Path("bench-data"),
                        help="where synthetic packages and outputs are kept (default bench-data)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each (default 3)")
    parser.add_argument("--spark-size", type=int, default=100_000,
                        help="nominals for the Spark engine's run, local mode, once (0: none; default 100000, "
                             "one of --sizes)")
    parser.add_argument("--sections-size", type=int, default=1_000_000,
                        help="nominals for the report's time section by section (0: none; default 1000000, "
                             "one of --sizes)")
    parser.add_argument("--import-size", type=int, default=100_000,
                        help="nominals for the import timings, into SQLite and PostgreSQL (0: none; default 100000)")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.spark_size and args.spark_size not in args.sizes:
        parser.error("--spark-size must be one of --sizes (its JSON is compared with the default engine's)")
    if args.sections_size and args.sections_size not in args.sizes:
        parser.error("--sections-size must be one of --sizes (its JSON is compared with the whole report's)")

    console = Console()
    results = [bench_size(size, args.data_dir.resolve(), args.repeat, console)
               for size in args.sizes]
    console.print(summary_table(results))
    sections_failed = bool(args.sections_size) and not bench_sections(args.sections_size, args.data_dir.resolve(),
                                                                      console)
    spark_failed = False
    if args.spark_size:
        spark, same = bench_spark(args.spark_size, args.data_dir.resolve(), console)
        spark_failed = spark.returncode != 0 or not same
        console.print(f"Spark engine (local mode) at {args.spark_size:,} nominals: {spark.seconds:.2f} s wall; "
                      f"JSON {'identical to' if same else 'DIFFERENT from'} the default engine's", highlight=False)
    imports = bench_imports(args.import_size, args.data_dir.resolve(), console) if args.import_size else []
    if imports:
        table = Table(title=f"iomhub import of {args.import_size:,} nominals into an empty database")
        for header in ("database", "wall s", "iomhub CPU s", "peak MB", "exit"):
            table.add_column(header, justify="right")
        for label, run in imports:
            table.add_row(label, f"{run.seconds:.1f}", f"{run.cpu:.1f}", f"{run.peak_mb:,.0f}", str(run.returncode))
        console.print(table)
    import_failed = any(run.returncode != 0 for _, run in imports)
    for line in goal_lines(results):
        console.print(line, highlight=False)
    summary = [{"nominals": r.size, "iomhub_seconds": r.iomhub and r.iomhub.seconds,
                "pandas_seconds": r.pandas and r.pandas.seconds, "ratio": r.ratio,
                "iomhub_peak_mb": r.iomhub and r.iomhub.peak_mb,
                "pandas_peak_mb": r.pandas and r.pandas.peak_mb,
                "figures_equal": not r.differences, "differences": r.differences}
               for r in results]
    (args.data_dir / "results.json").write_text(json.dumps(summary, indent=1) + "\n",
                                                encoding="utf-8")
    failed = [r for r in results if r.differences]
    for r in failed:
        console.print(f"[bold red]{r.size:,} nominals: the reports differ[/]")
        for line in r.differences:
            console.print(f"  {line}", markup=False, highlight=False)
    return 1 if failed or spark_failed or import_failed or sections_failed else 0


if __name__ == "__main__":
    sys.exit(main())
