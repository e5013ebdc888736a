"""Does the matched estimate recover a known effect? Synthetic datasets with a true effect.

Each dataset is simulated by ``iomhub.synth`` (people chosen for IOM on recent high offending,
so a before/after comparison flatters IOM; offending stops in custody; a known change in the
offending rate from the day a person joins). Every method of ``effect_estimate`` is computed
on each, and their average error and the share of 95% intervals containing the truth are
printed. ``make bench-effect`` runs 200 datasets; the test suite runs a small version.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import narwhals as nw
import numpy as np
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from iomhub.metrics import effect
from iomhub.metrics.uncertainty import Resampling
from iomhub.synth import SynthOptions, frames

START, END = date(2012, 4, 1), date(2016, 3, 31)


@dataclass
class Outcome:
    """Estimates of one method over many datasets."""

    estimates: list[float] = field(default_factory=list)
    covered: list[bool] = field(default_factory=list)
    people: list[int] = field(default_factory=list)
    undefined: int = 0


def one_dataset(seed: int, nominals: int, true_effect: float, join_rate: float,
                resampling: Resampling) -> list[dict[str, Any]]:
    """effect_estimate rows for one simulated unit."""
    options = SynthOptions(nominals=nominals, seed=seed, true_effect=true_effect, join_rate=join_rate,
                           start=START, end=END)
    tables = {name: nw.from_native(frame.lazy()) for name, frame in frames(options).items()
              if name in ("nominals", "cohort", "offences", "custody")}
    parts = effect.effect_tables(tables["cohort"], tables["offences"], tables["custody"],
                                 tables["nominals"], effect.Matching(), START, END,
                                 lambda frame: frame.collect().lazy())

    def rows(frame: Any) -> list[dict[str, Any]]:
        return list(frame.collect().to_native().iter_rows(named=True))

    balance = effect.balance_rows(rows(parts.balance))
    return effect.estimates(rows(parts.members), rows(parts.sets),
                            parts.comparison_people.collect().shape[0], balance, resampling)


def run(datasets: int, nominals: int, true_effect: float, join_rate: float, first_seed: int = 1,
        resampling: Resampling | None = None, progress: bool = True) -> dict[str, Outcome]:
    """Estimate on ``datasets`` simulated units; the outcome of each method."""
    resampling = resampling or Resampling(replicates=500)
    truth = true_effect * 100.0
    outcomes = {method: Outcome() for method in effect.METHODS}
    with Progress(disable=not progress, transient=True) as bar:
        task = bar.add_task("Simulating and estimating", total=datasets)
        for seed in range(first_seed, first_seed + datasets):
            for row in one_dataset(seed, nominals, true_effect, join_rate, resampling):
                outcome = outcomes[row["method"]]
                if row["estimate_pct"] is None or row["ci_low_pct"] is None:
                    outcome.undefined += 1
                    continue
                outcome.estimates.append(row["estimate_pct"])
                outcome.covered.append(row["ci_low_pct"] <= truth <= row["ci_high_pct"])
                outcome.people.append(row["offenders"])
            bar.advance(task)
    return outcomes


def summary(outcomes: dict[str, Outcome], true_effect: float) -> list[dict[str, Any]]:
    """Mean estimate, mean error (bias), mean absolute error and interval coverage per method."""
    truth = true_effect * 100.0
    out = []
    for method, outcome in outcomes.items():
        values = np.array(outcome.estimates)
        out.append({
            "method": method, "datasets": values.size, "undefined": outcome.undefined,
            "people": float(np.mean(outcome.people)) if outcome.people else None,
            "mean_estimate": float(values.mean()) if values.size else None,
            "mean_error": float(values.mean() - truth) if values.size else None,
            "mean_absolute_error": float(np.abs(values - truth).mean()) if values.size else None,
            "coverage_pct": float(np.mean(outcome.covered) * 100.0) if values.size else None})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--datasets", type=int, default=200)
    parser.add_argument("--nominals", type=int, default=20_000)
    parser.add_argument("--true-effect", type=float, default=-0.2)
    parser.add_argument("--join-rate", type=float, default=0.12)
    args = parser.parse_args()
    started = time.perf_counter()
    outcomes = run(args.datasets, args.nominals, args.true_effect, args.join_rate)
    table = Table(title=f"{args.datasets} synthetic units of {args.nominals:,} people, true effect "
                        f"{args.true_effect * 100:+.0f}%, join rate {args.join_rate}")
    for column in ("method", "people matched or with windows", "mean estimate %", "mean error (pp)",
                   "mean absolute error (pp)", "95% intervals containing the truth"):
        table.add_column(column, justify="left" if column == "method" else "right")
    for row in summary(outcomes, args.true_effect):
        table.add_row(row["method"], f"{row['people']:.0f}", f"{row['mean_estimate']:+.1f}",
                      f"{row['mean_error']:+.1f}", f"{row['mean_absolute_error']:.1f}",
                      f"{row['coverage_pct']:.1f}%")
    console = Console()
    console.print(table)
    console.print(f"{time.perf_counter() - started:.0f} s. As Markdown:")
    print("| method | people per unit | mean estimate | mean error | mean absolute error "
          "| 95% intervals containing the truth |")
    print("|---|---|---|---|---|---|")
    for row in summary(outcomes, args.true_effect):
        print(f"| `{row['method']}` | {row['people']:.0f} | {row['mean_estimate']:+.1f}% | "
              f"{row['mean_error']:+.1f} points | {row['mean_absolute_error']:.1f} points | "
              f"{row['coverage_pct']:.1f}% |")


if __name__ == "__main__":
    main()
