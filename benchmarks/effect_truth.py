"""Does the matched estimate recover a known effect, or say that it cannot? Worlds it was not built for.

Each world of :mod:`effect_worlds` (written from the literature, independently of the
matching) is simulated ``--datasets`` times with a known effect; on each unit the report's
effect estimates are computed as the report computes them. Per world this prints the bias
of the matched estimate, how often its 95% interval holds the truth, how often it is flagged
unreliable (and by which checks), and whether the goal is met:

- in every world, the interval holds the truth in at least 90% of units, or the estimate is
  flagged unreliable in at least 90% of them;
- where selection is visible, it is also reliable in at least 90% and covers the truth in
  at least 93%.

For comparison, it also counts the units an E-value rule would flag (not one of the checks):
the interval excludes no change but an unseen factor associated with both joining and
offending by a rate ratio of ``E_VALUE_RULE`` each could move it to no change
(docs/effect-estimates.md says why that rule was not adopted).

``--coverage`` measures instead the coverage of the group interval (a change in offending per
day at liberty of a group of 10, 20, 50 and 100 people, as the report's tables give it) on
people drawn from the visible world. ``make bench-effect`` runs both; the test suite runs a
small version (tests/benchmarks/test_effect_truth.py).
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import narwhals as nw
import numpy as np
from rich.console import Console
from rich.table import Table

import effect_worlds
from effect_worlds import WORLDS, World
from iomhub.metrics import effect, effect_estimates
from iomhub.metrics.custody import custody_spans
from iomhub.metrics.uncertainty import Resampling, interval, rate_change_pct
from iomhub.reports.estimates import columns

SIZES = (10, 20, 50, 100)
E_VALUE_RULE = 1.5


def estimate(tables: dict[str, Any], resampling: Resampling) -> list[dict[str, Any]]:
    """effect_estimate rows for one unit's tables (Polars frames), as the report computes them."""
    lazy = {name: nw.from_native(frame.lazy()) for name, frame in tables.items()}

    def materialise(frame: Any) -> Any:
        return frame.collect().lazy()

    spans = materialise(custody_spans(lazy["custody"], effect_worlds.SIM_END))
    parts = effect.effect_tables(lazy["cohort"], lazy["offences"], spans, lazy["nominals"], effect.Matching(),
                                 effect_worlds.SIM_START, effect_worlds.SIM_END, materialise)

    def rows(frame: Any) -> dict[str, Any]:
        return columns(frame.collect().to_native())

    balance = effect_estimates.balance_rows(rows(parts.balance))
    return effect_estimates.estimates(rows(parts.members), rows(parts.pairs),
                                      parts.comparison_people.collect().shape[0], balance, resampling)


@dataclass
class Outcome:
    """The matched estimate over many units of one world."""

    world: World
    truths: list[float] = field(default_factory=list)
    estimates: list[float] = field(default_factory=list)
    covered: list[bool] = field(default_factory=list)
    reliable: list[bool] = field(default_factory=list)
    failed: Counter[str] = field(default_factory=Counter)
    people: list[int] = field(default_factory=list)
    naive: list[float] = field(default_factory=list)
    e_value_rule: list[bool] = field(default_factory=list)  # would the E-value rule flag it?
    undefined: int = 0


def one_unit(world: World, seed: int, people: int, replicates: int) -> dict[str, Any]:
    tables, truth = effect_worlds.simulate(world, people, seed)
    rows = {row["method"]: row for row in estimate(tables, Resampling(replicates=replicates))}
    return {"truth": truth, "matched": rows["matched_did"], "naive": rows["naive"]["estimate_pct"]}


def _one(arguments: tuple[World, int, int, int]) -> dict[str, Any]:
    return one_unit(*arguments)


def run(worlds: tuple[World, ...], datasets: int, people: int, replicates: int = 500,
        workers: int = 1, first_seed: int = 1) -> list[Outcome]:
    """Estimate on ``datasets`` units of each world."""
    jobs = [(world, seed, people, replicates) for world in worlds
            for seed in range(first_seed, first_seed + datasets)]
    if workers > 1:
        with ProcessPoolExecutor(workers) as pool:
            results = list(pool.map(_one, jobs, chunksize=2))
    else:
        results = [_one(job) for job in jobs]
    outcomes = {world.name: Outcome(world) for world in worlds}
    for (world, *_), result in zip(jobs, results, strict=True):
        outcome = outcomes[world.name]
        row = result["matched"]
        outcome.reliable.append(bool(row["reliable"]))
        excludes_zero = row["ci_low_pct"] is not None and (row["ci_low_pct"] > 0 or row["ci_high_pct"] < 0)
        outcome.e_value_rule.append(excludes_zero and (row["e_value_ci"] or 1.0) < E_VALUE_RULE)
        outcome.failed.update(check["check"] for check in row["checks"] if check["passed"] is False)
        if row["estimate_pct"] is None or row["ci_low_pct"] is None:
            outcome.undefined += 1
            continue
        outcome.truths.append(result["truth"])
        outcome.estimates.append(row["estimate_pct"])
        outcome.covered.append(row["ci_low_pct"] <= result["truth"] <= row["ci_high_pct"])
        outcome.people.append(row["offenders"])
        if result["naive"] is not None:
            outcome.naive.append(result["naive"] - result["truth"])
    return list(outcomes.values())


def summary(outcome: Outcome) -> dict[str, Any]:
    """Bias, coverage, the share flagged unreliable and whether the goal is met, for one world."""
    units = len(outcome.reliable)
    errors = np.array(outcome.estimates) - np.array(outcome.truths)
    coverage = float(np.mean(outcome.covered) * 100.0) if outcome.covered else 0.0
    flagged = float(np.mean([not r for r in outcome.reliable]) * 100.0) if units else 0.0
    visible = outcome.world.selection == "visible"
    goal = (coverage >= 90.0 or flagged >= 90.0) and (not visible or (100.0 - flagged >= 90.0 and coverage >= 93.0))
    return {"world": outcome.world.name, "units": units, "truth": float(np.mean(outcome.truths)) if units else None,
            "people": float(np.mean(outcome.people)) if outcome.people else None,
            "naive_bias": float(np.mean(outcome.naive)) if outcome.naive else None,
            "bias": float(errors.mean()) if errors.size else None,
            "coverage_pct": coverage, "unreliable_pct": flagged,
            "e_value_rule_pct": float(np.mean(outcome.e_value_rule) * 100.0) if units else 0.0,
            "failed": ", ".join(f"{name} {count * 100 // units}%" for name, count in outcome.failed.most_common()),
            "goal": goal}


def group_coverage(units: int, replicates: int, sizes: tuple[int, ...] = SIZES,
                   seed: int = 11) -> dict[int, float]:
    """Coverage (%) of the group interval of a change in the rate at liberty, per group size.

    People are drawn from the members of one large unit of the visible world with no effect
    (so they carry its real skew, clustering and custody); the truth is the change over all
    of them, and each group of ``size`` people drawn at random gives one interval."""
    tables, _ = effect_worlds.simulate(WORLDS[1], 60_000, seed)
    lazy = {name: nw.from_native(frame.lazy()) for name, frame in tables.items()}
    spans = custody_spans(lazy["custody"], effect_worlds.SIM_END).collect().lazy()
    fit = effect.window_fit(effect.first_joins(lazy["cohort"]), 12, effect_worlds.SIM_START,
                            effect_worlds.SIM_END).filter(nw.col("status") == "eligible")
    windows = effect.window_outcomes(fit, ["nominal_id"], lazy["offences"], spans)
    values = windows.select(*effect_estimates.RATE_COLUMNS).collect().to_numpy().astype(np.float64)
    truth = float(rate_change_pct(values.sum(axis=0)))
    rng = np.random.default_rng(seed)
    out = {}
    for size in sizes:
        hits = []
        for _ in range(units):
            low, high = interval(values[rng.choice(values.shape[0], size, replace=False)], rate_change_pct,
                                 Resampling(replicates=replicates))
            if low is not None and high is not None:
                hits.append(low <= truth <= high)
        out[size] = float(np.mean(hits) * 100.0) if hits else float("nan")
    return out


def matched_coverage(units: int, sizes: tuple[int, ...] = (100, 200, 450, 900),
                     workers: int = 1) -> list[dict[str, Any]]:
    """The matched estimate's coverage in small units of the visible world (true -30%): units
    of ``sizes`` people, which give roughly 10, 20, 50 and 100 matched members."""
    out = []
    for size in sizes:
        found = summary(run((WORLDS[0],), units, size, replicates=500, workers=workers, first_seed=1000)[0])
        out.append({"nominals": size, **found})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--datasets", type=int, default=50, help="units per world")
    parser.add_argument("--nominals", type=int, default=12_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--coverage", type=int, default=400, help="groups per size for the group interval")
    parser.add_argument("--small-units", type=int, default=100, help="small units per size for the matched "
                        "estimate's coverage (0: skip)")
    parser.add_argument("--worlds", type=int, default=1, help="0: skip the table of worlds")
    args = parser.parse_args()
    started = time.perf_counter()
    console = Console()
    rows = ([summary(outcome) for outcome in run(WORLDS, args.datasets, args.nominals, workers=args.workers)]
            if args.worlds else [])
    table = Table(title=f"{args.datasets} units of {args.nominals:,} people per world: the matched estimate")
    headers = ("world", "truth", "matched members", "naive bias", "bias", "95% interval holds the truth",
               "flagged unreliable", "checks that failed", "goal met", f"E-value < {E_VALUE_RULE} would flag")
    for header in headers:
        table.add_column(header, justify="left" if header in ("world", "checks that failed") else "right")
    for row in rows:
        table.add_row(row["world"], f"{row['truth']:+.1f}%", f"{row['people']:.0f}", f"{row['naive_bias']:+.1f}",
                      f"{row['bias']:+.1f}", f"{row['coverage_pct']:.0f}%", f"{row['unreliable_pct']:.0f}%",
                      row["failed"], "yes" if row["goal"] else "NO", f"{row['e_value_rule_pct']:.0f}%")
    if rows:
        console.print(table)
    print("| world | truth | matched members | naive bias (points) | bias (points) | interval holds the truth "
          f"| flagged unreliable | checks that failed | goal met | E-value < {E_VALUE_RULE} would flag |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        print(f"| {row['world']} | {row['truth']:+.1f}% | {row['people']:.0f} | {row['naive_bias']:+.1f} | "
              f"{row['bias']:+.1f} | {row['coverage_pct']:.0f}% | {row['unreliable_pct']:.0f}% | {row['failed']} | "
              f"{'yes' if row['goal'] else 'no'} | {row['e_value_rule_pct']:.0f}% |")
    if args.small_units:
        print(f"\nThe matched estimate in small units of the visible world (true -30%), {args.small_units} "
              "units per size:")
        print("| people in the unit | matched members (mean) | interval holds the truth | flagged unreliable |")
        print("|---|---|---|---|")
        for row in matched_coverage(args.small_units, workers=args.workers):
            print(f"| {row['nominals']:,} | {row['people'] or 0:.0f} | {row['coverage_pct']:.0f}% | "
                  f"{row['unreliable_pct']:.0f}% |")
    if args.coverage:
        found = group_coverage(args.coverage, 1000)
        print("\nCoverage of the group interval (change in offences per day at liberty), "
              f"{args.coverage} groups per size:")
        print("| people | " + " | ".join(str(size) for size in found) + " |")
        print("|---|" + "---|" * len(found))
        print("| 95% interval holds the truth | " + " | ".join(f"{value:.0f}%" for value in found.values()) + " |")
    print(f"\n{time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
