"""Where the normal limit stands in for resampling people: how far its bounds are from exact
resampling's, and how often its intervals hold the truth.

Each world is a unit's people with offences before and after (rates drawn from a gamma mixture:
the smaller its shape, the more skewed; ``zeros`` of them never offending; offending truly
falls by 20%), or with costs (lognormal, a few very large), or built to pass a rule of
skewness alone while far from normal (no skew, a few extreme people either way). For each
world and size the table gives the skewness and excess kurtosis of the resampled sums
(``iomhub.metrics.uncertainty.sum_skewness``, ``sum_kurtosis``), which way the report takes
(``near_normal``: the limit from ``NORMAL_FROM`` people when both are small, else
resampling), and the bounds of the 95% interval of the change by both ways, each from
``--replicates`` (20,000) draws, with their differences in standard errors of the change. The
noise of a bound from the report's 1,000 resamples is about 0.085 standard errors; the normal
limit's own error, where it is used, should be no more than that. Then the coverage:
``--cohorts`` (300) cohorts of each size drawn from one world, each given the report's
interval (1,000 resamples) by the limit and by resampling: how often each holds -20%.
``make bench-intervals`` runs it.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from rich.console import Console
from rich.table import Table

from iomhub.metrics import uncertainty
from iomhub.metrics.uncertainty import (
    Floats,
    Resampling,
    change_pct,
    interval,
    near_normal,
    replicate_sums,
    sum_kurtosis,
    sum_skewness,
)

TRUE_CHANGE = -20.0


@dataclass(frozen=True)
class World:
    """A kind of unit: how its people's values are drawn."""

    name: str
    draw: Callable[[np.random.Generator, int], Floats]


def counts(shape: float, zeros: float = 0.0) -> Callable[[np.random.Generator, int], Floats]:
    """Offences before and after: Poisson of a gamma rate (mean 2, shape ``shape``), a share
    ``zeros`` of people never offending, offending after 0.8 times before."""
    def draw(rng: np.random.Generator, people: int) -> Floats:
        rate = rng.gamma(shape, 2.0 / shape, people) * (rng.random(people) >= zeros)
        return np.column_stack([rng.poisson(rate), rng.poisson(rate * 0.8)]).astype(np.float64)
    return draw


def costs(sigma: float) -> Callable[[np.random.Generator, int], Floats]:
    """Cost of each person's offences before and after, in whole pounds: a lognormal of spread
    ``sigma`` times the counts of a skewed world (a few people's offences cost most)."""
    offences = counts(0.8, zeros=0.3)

    def draw(rng: np.random.Generator, people: int) -> Floats:
        each = offences(rng, people)
        price = np.round(rng.lognormal(6.0, sigma, (people, 2)))
        return each * price
    return draw


def extremes(share: float) -> Callable[[np.random.Generator, int], Floats]:
    """Built to pass the rule: almost everyone offends 5 times before and 4 after, a share
    ``share`` of people 0 and as many twice as often, on each side. The values are not skewed
    at all, but their tails are very heavy (kurtosis 50 at 1%, 250 at 0.2%), and resampling's
    sums are lumpy: the rule sees nothing, so the limit is taken."""
    def draw(rng: np.random.Generator, people: int) -> Floats:
        def side(usual: int) -> Floats:  # exactly as many at 0 as at twice: no skew at all
            few = round(share * people)
            return rng.permutation([0.0] * few + [2.0 * usual] * few + [float(usual)] * (people - 2 * few))
        return np.column_stack([side(5), side(4)])
    return draw


WORLDS = [
    World("counts, mild (gamma shape 2)", counts(2.0)),
    World("counts, skewed (shape 0.5)", counts(0.5)),
    World("counts, most never offend (60%)", counts(1.0, zeros=0.6)),
    World("counts, a prolific few (shape 0.2)", counts(0.2, zeros=0.3)),
    World("costs, lognormal (sigma 1)", costs(1.0)),
    World("costs, lognormal (sigma 2)", costs(2.0)),
    World("no skew, a few extreme either way (1%)", extremes(0.01)),
    World("no skew, a few extreme either way (0.2%)", extremes(0.002)),
]
SIZES = (500, 1_000, 2_000, 5_000)


@dataclass(frozen=True)
class Comparison:
    world: str
    people: int
    skewness: float
    kurtosis: float
    by_limit: bool
    exact: tuple[float | None, float | None]
    limit: tuple[float | None, float | None]
    error: float  # standard error of the change, from the exact resamples

    def gaps(self) -> tuple[float, float] | None:
        """Each bound's difference (limit - exact) in standard errors of the change."""
        if None in self.exact or None in self.limit or not self.error > 0:
            return None
        (low, high), (a, b) = self.exact, self.limit
        assert low is not None and high is not None and a is not None and b is not None
        return (a - low) / self.error, (b - high) / self.error


def _forced(values: Floats, resampling: Resampling, limit: bool) -> tuple[float | None, float | None]:
    """The interval of the change by the limit (``limit``) or by resampling, whatever the rule says."""
    names = ("NORMAL_FROM", "SUM_SKEWNESS", "SUM_KURTOSIS")
    saved = [getattr(uncertainty, name) for name in names]
    forced = (0, math.inf, math.inf) if limit else (10**12, 0.0, 0.0)
    for name, value in zip(names, forced, strict=True):
        setattr(uncertainty, name, value)
    try:
        return interval(values, change_pct, resampling)
    finally:
        for name, value in zip(names, saved, strict=True):
            setattr(uncertainty, name, value)


def compare(world: World, people: int, replicates: int, seed: int) -> Comparison:
    """The two ways' bounds on one draw of ``people`` from ``world``."""
    values = world.draw(np.random.default_rng(seed), people)
    resampling = Resampling(replicates=replicates)
    sums = replicate_sums(values, np.zeros(people, dtype=np.int64), 1, Resampling(replicates=2_000))[:, 0, :]
    error = float(np.nanstd(change_pct(sums)))
    return Comparison(world.name, people, sum_skewness(values), sum_kurtosis(values), near_normal(values),
                      _forced(values, resampling, limit=False), _forced(values, resampling, limit=True), error)


def coverage(world: World, people: int, cohorts: int, seed: int) -> tuple[float, float, float]:
    """Over ``cohorts`` draws of ``people``: the share the rule sends to the limit, and the share
    of intervals holding the true change by the limit and by resampling."""
    rng = np.random.default_rng(seed)
    used = held_limit = held_exact = 0
    for _ in range(cohorts):
        values = world.draw(rng, people)
        used += near_normal(values)
        for limit in (True, False):
            low, high = _forced(values, Resampling(), limit)
            held = low is not None and high is not None and low <= TRUE_CHANGE <= high
            if limit:
                held_limit += held
            else:
                held_exact += held
    return used / cohorts, held_limit / cohorts, held_exact / cohorts


def _bound(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=20_000, help="draws per interval (default 20,000)")
    parser.add_argument("--cohorts", type=int, default=300, help="cohorts per size for the coverage (default 300)")
    parser.add_argument("--sizes", default=",".join(str(size) for size in SIZES),
                        help="people per unit, comma-separated")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]
    console = Console()
    table = Table("world", "people", "sums' skewness", "sums' kurtosis", "the report uses", "exact resampling",
                  "normal limit",
                  "gap low (se)", "gap high (se)",
                  title=f"The 95% interval of the change: normal limit against exact resampling "
                        f"({args.replicates:,} draws each)")
    worst = 0.0
    for index, world in enumerate(WORLDS):
        for people in sizes:
            found = compare(world, people, args.replicates, args.seed + index * 1_000 + people)
            gaps = found.gaps()
            if gaps is not None and found.by_limit:
                worst = max(worst, abs(gaps[0]), abs(gaps[1]))
            table.add_row(world.name, f"{people:,}", f"{found.skewness:.3f}", f"{found.kurtosis:.3f}",
                          "the limit" if found.by_limit else "resampling",
                          f"{_bound(found.exact[0])} to {_bound(found.exact[1])}",
                          f"{_bound(found.limit[0])} to {_bound(found.limit[1])}",
                          "-" if gaps is None else f"{gaps[0]:+.3f}", "-" if gaps is None else f"{gaps[1]:+.3f}")
    console.print(table)
    console.print(f"Largest gap where the report uses the limit: {worst:.3f} standard errors "
                  "(noise of a bound from 1,000 resamples: about 0.085).")
    held = Table("people", "cohorts sent to the limit", "held -20%: limit", "held -20%: resampling",
                 title=f"Coverage of the 95% interval, {args.cohorts} cohorts per size, world "
                       f"'{WORLDS[2].name}' (true change -20%)")
    for people in sizes:
        used, by_limit, by_exact = coverage(WORLDS[2], people, args.cohorts, args.seed + people)
        held.add_row(f"{people:,}", f"{used:.0%}", f"{by_limit:.1%}", f"{by_exact:.1%}")
    console.print(held)


if __name__ == "__main__":
    main()
