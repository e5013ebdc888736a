"""The synthetic packages the benchmarks run on, made once and kept under a data folder.

Two shapes, at any number of nominals:

- ``plain``: ``iomhub synth --nominals N --seed 1`` (data from April 2013, the default join rate:
  about 12% of people ever on IOM);
- ``demo``: the package ``iomhub demo`` synthesises (seed 2015, data from April 2011; 5,000
  nominals there);
- ``joiners``: five years of data (April 2011 to March 2016) with a monthly join rate of 0.9, and
  then people who were never on IOM added to the cohort on random days until 60% of nominals have
  been on IOM at some time (the shape of scale issue 15 and of the effect section's speed goal:
  100,000 nominals, 60,000 ever on IOM). The added episodes are open, in the standard scheme.

A package is written to a scratch folder first and renamed when complete, so an interrupted
synthesis is never mistaken for a package.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parent.parent
SEED = "1"
SHAPES = ("plain", "joiners", "demo")
JOINERS_START, JOINERS_END = date(2011, 4, 1), date(2016, 3, 31)
JOINERS_SHARE = 0.6


def executable(name: str) -> str:
    """A program of the project's virtual environment."""
    candidate = ROOT / ".venv" / "bin" / name
    return str(candidate) if candidate.exists() else name


def folder_name(shape: str, size: int) -> str:
    return f"nominals-{size}" if shape == "plain" else f"{shape}-{size}"


def widened(cohort: pl.DataFrame, nominals: pl.DataFrame, on_iom: int, first: date, last: date) -> pl.DataFrame:
    """The cohort with people who were never on IOM added, joining on random days, until
    ``on_iom`` people have been on it (the synthetic selection alone takes fewer)."""
    members = set(cohort["nominal_id"].to_list())
    others = [name for name in nominals["nominal_id"].to_list() if name not in members]
    extra = max(0, min(on_iom - len(members), len(others)))
    if not extra:
        return cohort
    rng = np.random.default_rng(7)
    chosen = rng.choice(np.array(others), extra, replace=False)
    days = rng.integers(0, (last - first).days, extra)
    added = pl.DataFrame({"nominal_id": chosen, "start": days}).with_columns(
        (pl.lit(first) + pl.duration(days=pl.col("start"))).alias("start_date"))
    filler = {name: pl.lit(None, dtype) for name, dtype in cohort.schema.items()
              if name not in ("nominal_id", "start_date", "scheme")}
    added = added.with_columns(pl.lit("standard").alias("scheme"), **filler).select(cohort.columns)
    return pl.concat([cohort, added.cast(cohort.schema)])


def _widen_folder(folder: Path, size: int) -> None:
    """Rewrite cohort.csv of a synthesised folder so that 60% of nominals were ever on IOM."""
    cohort = pl.read_csv(folder / "cohort.csv", infer_schema=False)
    nominals = pl.read_csv(folder / "nominals.csv", columns=["nominal_id"], infer_schema=False)
    dated = cohort.with_columns(pl.coalesce(pl.col("start_date").str.to_date("%Y-%m-%d", strict=False),
                                            pl.col("start_date").str.to_date("%d/%m/%Y", strict=False)))
    wide = widened(dated, nominals, int(size * JOINERS_SHARE), JOINERS_START, JOINERS_END)
    wide.write_csv(folder / "cohort.csv")


def ensure_package(data_dir: Path, size: int, shape: str = "plain",
                   say: Callable[[str], None] = print) -> Path:
    """The package of ``size`` nominals in the given shape, synthesised if not there yet."""
    if shape not in SHAPES:
        raise ValueError(f"unknown shape {shape!r}: one of {', '.join(SHAPES)}")
    folder = data_dir / folder_name(shape, size)
    if (folder / "nominals.csv").exists():
        return folder
    scratch = data_dir / f"partial-{folder.name}"
    shutil.rmtree(scratch, ignore_errors=True)
    data_dir.mkdir(parents=True, exist_ok=True)
    say(f"synthesising {size:,} nominals ({shape}) into {folder} ...")
    started = time.perf_counter()
    command = [executable("iomhub"), "synth", "-o", str(scratch), "--nominals", str(size), "--seed", SEED]
    if shape == "demo":
        command = [*command[:-1], "2015", "--start", "2011-04-01"]
    if shape == "joiners":
        command += ["--join-rate", "0.9", "--start", JOINERS_START.isoformat(), "--end", JOINERS_END.isoformat()]
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    if shape == "joiners":
        _widen_folder(scratch, size)
    shutil.rmtree(folder, ignore_errors=True)
    scratch.rename(folder)
    say(f"  done in {time.perf_counter() - started:.1f} s")
    return folder
