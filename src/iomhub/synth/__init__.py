"""Realistic synthetic data packages: every table, with a known truth behind the figures.

``generate(SynthOptions(nominals=2000, seed=1), folder)`` simulates people whose offending
varies between and within them, selects into IOM those who offended most recently (so a
before/after comparison flatters IOM through regression to the mean), applies a known true
effect after joining, stops offending in custody, and writes the records a unit keeps
(cohort, offences, custody, supervision, risk, needs, treatment, referrals, meetings,
performance framework and action plan) the way spreadsheets arrive: some UK dates, some
codes in mixed case.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

from iomhub.synth import framework, records
from iomhub.synth.population import simulate
from iomhub.synth.writing import messy, write_table

__all__ = ["SynthOptions", "frames", "generate"]


@dataclass(frozen=True)
class SynthOptions:
    """What to simulate.

    ``true_effect`` is the change in a person's offending rate while on IOM (-0.2: a fifth
    fewer offences). ``join_rate`` is the monthly chance that someone with three or more
    offences in the last six months is taken onto IOM (a quarter of it with two). ``uk_date_fraction`` and
    ``messy_code_fraction`` are the shares of rows written with UK dates and roughened codes.

    The live demo (:func:`iomhub.synth.live.live_options`) ends the data today and sets two more:
    ``upcoming_days``, the days after ``end`` over which meetings are already planned (with no
    attendance yet), and ``missed_review_share``, the share of people on IOM at ``end`` whose
    latest reviews (risk and needs) were missed, so that a reassessment is overdue. Both are off
    by default, and then the package is what it always was for a seed.
    """

    nominals: int = 2000
    seed: int = 0
    start: date = date(2013, 4, 1)
    end: date = date(2016, 3, 31)
    true_effect: float = -0.2
    join_rate: float = 0.12
    uk_date_fraction: float = 0.15
    messy_code_fraction: float = 0.05
    upcoming_days: int = 0
    missed_review_share: float = 0.0

    def __post_init__(self) -> None:
        if self.nominals < 1:
            raise ValueError("nominals must be at least 1")
        if self.end < self.start.replace(year=self.start.year + 1):
            raise ValueError("synthetic data needs at least a year between start and end")
        if not -1.0 <= self.true_effect <= 5.0:
            raise ValueError("true_effect is a relative change of the offending rate, from -1 to 5")
        if self.upcoming_days < 0 or not 0.0 <= self.missed_review_share <= 1.0:
            raise ValueError("upcoming_days is 0 or more, missed_review_share a share from 0 to 1")


PACKAGE_TOML = """\
title = "Synthetic Integrated Offender Management unit"
financial_year_start_month = 4

[areas]
{areas}

[report]
target_reduction = 17
"""


def frames(options: SynthOptions, progress: Callable[[str], None] | None = None) -> dict[str, pl.DataFrame]:
    """Every table of a synthetic package as clean canonical Polars frames (nothing written)."""
    say = progress or (lambda _message: None)
    rng = np.random.default_rng(options.seed)
    population = simulate(options.nominals, options.start, options.end, options.true_effect, rng,
                          join_rate=options.join_rate, progress=say)
    builders: dict[str, Callable[[], pl.DataFrame]] = {
        "nominals": lambda: records.nominals(population, rng),
        "cohort": lambda: records.cohort(population, rng),
        "offences": lambda: records.offences(population, rng),
        "custody": lambda: records.custody(population, rng),
        "supervision": lambda: records.supervision(population, rng),
        "flags": lambda: records.flags(population, rng),
        "risk": lambda: records.risk(population, rng),
        "needs": lambda: records.needs(population, rng),
        "treatment": lambda: records.treatment(population, rng),
        "referrals": lambda: records.referrals(population, rng),
        "actions": lambda: framework.actions(options.start, options.end, rng),
    }
    out: dict[str, pl.DataFrame] = {}
    for name, build in builders.items():
        say(f"Writing {name}...")
        out[name] = build()
    out["meetings"], out["attendance"] = records.meetings(population, rng, options.upcoming_days)
    out.update(framework.framework(options.start, options.end, rng))
    if options.missed_review_share:
        out.update(records.missed_reviews(out, population, options.missed_review_share,
                                          np.random.default_rng([options.seed, 2])))
    return out


def generate(options: SynthOptions, out_dir: Path | str,
             progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """Write a package into ``out_dir`` (all of it or nothing); return the rows of each table.

    An existing ``out_dir`` is replaced only if it holds nothing but a package's files.
    """
    target = Path(out_dir)
    if target.exists() and any(p.suffix not in (".csv", ".toml") for p in target.iterdir()):
        raise FileExistsError(f"{target} exists and holds files that are not a data package")
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    rng = np.random.default_rng([options.seed, 1])
    counts: dict[str, int] = {}
    try:
        for name, frame in frames(options, progress).items():
            write_table(messy(frame, name, rng, options.uk_date_fraction, options.messy_code_fraction),
                        scratch, name)
            counts[name] = frame.height
        areas = "\n".join(f'{code} = "{name}"' for code, name in records.AREA_NAMES.items())
        (scratch / "package.toml").write_text(PACKAGE_TOML.format(areas=areas), encoding="utf-8")
        umask = os.umask(0)
        os.umask(umask)
        scratch.chmod(0o777 & ~umask)
        if target.exists():
            shutil.rmtree(target)
        scratch.rename(target)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    return counts
