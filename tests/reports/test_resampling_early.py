"""The report starts the intervals of the tables collected first while the effect section is still
being computed, and collects the effect section's tables on its own thread: the report is the
one computed with everything collected at once and resampled after, byte for byte."""

from __future__ import annotations

from typing import Any

import narwhals as nw
import polars as pl
import pytest

from iomhub.domain.costs import unit_costs
from iomhub.metrics.uncertainty import Resampling
from iomhub.package.load import Package
from iomhub.reports import model
from iomhub.reports.engine import compute_tables
from iomhub.reports.json_renderer import render_json
from tests.reports.helpers import PARAMS, WHEN, balance_and_estimates, synthetic_package


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Package:
    return synthetic_package(tmp_path_factory.mktemp("early") / "package", seed=4)


def at_once(package: Package) -> str:
    """The report with the effect section computed in line, every table collected in one call
    and every piece of resampling started after it."""
    lazy = {name: nw.from_native(frame.lazy()) for name, frame in package.tables.items()}
    computed = compute_tables(lazy, PARAMS, materialise=model._polars_materialise,
                              unit_costs=unit_costs(package.settings.unit_costs))
    assert not computed.pending
    return render_json(model.report_from(computed, package, PARAMS, WHEN))


def test_early_intervals_give_the_report_computed_at_once(package: Package, monkeypatch: pytest.MonkeyPatch) -> None:
    batches: list[list[str]] = []
    collect = model._collect_computed

    def recorded(computed: Any, gather: Any, arrived: Any = None) -> Any:
        def seen(found: dict[tuple[str, str], Any]) -> None:
            batches.append(sorted(name for _, name in found))
            arrived(found)
        return collect(computed, gather, seen)

    ordered: list[str] = []
    in_estimate_order = model._in_estimate_order

    def counted(name: str, frame: Any) -> Any:
        ordered.append(name)
        return in_estimate_order(name, frame)

    monkeypatch.setattr(model, "_collect_computed", recorded)
    monkeypatch.setattr(model, "_in_estimate_order", counted)
    early = render_json(model.build_report(package, PARAMS, WHEN))
    assert len(batches) == 2  # the other sections' tables first, then the effect section's
    assert "reoffending_by_scheme" in batches[0] and "effect_members" in batches[1]
    # each per-person table put in order once: the effect section's on its own thread
    assert sorted(ordered) == sorted(set(ordered)) and "effect_balance" in ordered
    monkeypatch.undo()
    assert early == at_once(package)


def test_the_pieces_are_those_of_the_tables_there() -> None:
    from iomhub.reports.tables import TABLES

    people = dict.fromkeys(("reoffending_by_scheme", "fixed_period", "cost_of_crime"))
    tables = {"reoffending_by_scheme": None, "cost_of_crime": None}
    assert TABLES["cost_of_crime"].intervals is not None
    pieces = model.resampling_work(tables, people, Resampling())  # type: ignore[arg-type]
    assert [piece.names for piece in pieces] == [("reoffending_by_scheme",), ("cost_of_crime",)]
    people.update(dict.fromkeys(model.EFFECT_PEOPLE))
    pieces = model.resampling_work(tables, people, Resampling())  # type: ignore[arg-type]
    assert [piece.names for piece in pieces][-3:] == [("time_at_risk",), ("matching_balance",), ("effect_estimate",)]



def test_the_longest_waiting_piece_starts_whenever_a_thread_is_free() -> None:
    import threading
    from concurrent.futures import ThreadPoolExecutor

    ran: list[str] = []
    release = threading.Event()

    def piece(name: str, start: int, wait: bool = False) -> model.ResamplingPiece:
        def make() -> dict[str, Any]:
            if wait:
                assert release.wait(10)
            ran.append(name)
            return {name: None}
        return model.ResamplingPiece("intervals", start, make, (name,))

    with ThreadPoolExecutor(max_workers=1) as pool:
        scheduler = model.Scheduler(pool, threads=1)
        scheduler.add([piece("first", 2, wait=True), piece("interval", 2)])
        scheduler.add([piece("estimates", 0), piece("interval", 2), piece("time_at_risk", 1)])  # added later
        release.set()
        assert [scheduler.started[(name,)].result() for name in ("first", "interval", "estimates")] == [
            {"first": None}, {"interval": None}, {"estimates": None}]
        scheduler.started[("time_at_risk",)].result()
    assert ran == ["first", "estimates", "time_at_risk", "interval"]


def test_a_failed_piece_fails_the_resampling() -> None:
    from concurrent.futures import ThreadPoolExecutor

    def broken() -> dict[str, Any]:
        raise ValueError("no interval")

    with ThreadPoolExecutor(max_workers=2) as pool:
        scheduler = model.Scheduler(pool)
        scheduler.add([model.ResamplingPiece("intervals", 2, broken, ("broken",))])
        with pytest.raises(ValueError, match="no interval"):
            scheduler.started[("broken",)].result()


def test_the_estimates_wait_for_the_balance_and_fail_with_it(package: Package) -> None:
    from concurrent.futures import ThreadPoolExecutor

    lazy = {name: nw.from_native(frame.lazy()) for name, frame in package.tables.items()}
    computed = compute_tables(lazy, PARAMS, materialise=model._polars_materialise)
    people = {name: frame.collect().to_native() for name, frame in computed.people.items()}
    people = {name: model._in_estimate_order(name, frame) for name, frame in people.items()}
    balance, estimate = balance_and_estimates(people, PARAMS.resampling)
    with ThreadPoolExecutor(max_workers=2) as pool:  # the pieces on two threads, the estimates first
        scheduler = model.Scheduler(pool)
        pieces = [piece for piece in model.resampling_work({}, people, PARAMS.resampling)
                  if piece.section == "effect estimates"]
        scheduler.add(pieces[::-1])
        assert scheduler.started[("matching_balance",)].result()["matching_balance"].equals(balance)
        assert scheduler.started[("effect_estimate",)].result()["effect_estimate"].equals(estimate)
    broken = {**people, "effect_balance": people["effect_balance"].with_columns(pl.lit("many").alias("total"))}
    with ThreadPoolExecutor(max_workers=2) as pool:
        scheduler = model.Scheduler(pool)
        scheduler.add(model.resampling_work({}, broken, PARAMS.resampling))
        with pytest.raises(ValueError, match="many"):
            scheduler.started[("effect_estimate",)].result(timeout=60)
