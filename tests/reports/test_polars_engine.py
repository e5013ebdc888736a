"""The in-process report collects its finished tables with Polars' in-memory engine for a small
package and with its default (streaming) engine for a big one (``reports/model.py``:
``IN_MEMORY_UP_TO``), and either engine gives the same report, byte for byte."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest

from iomhub.package.load import Package
from iomhub.reports import model
from iomhub.reports.json_renderer import render_json
from tests.reports.helpers import PARAMS, WHEN, synthetic_package


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Package:
    return synthetic_package(tmp_path_factory.mktemp("engine") / "package", seed=11)


def test_the_engine_follows_the_rows_of_the_package(package: Package, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = sum(frame.height for frame in package.tables.values())
    assert 1500 < rows < model.IN_MEMORY_UP_TO
    assert model.polars_engine(package) == "in-memory"
    monkeypatch.setattr(model, "IN_MEMORY_UP_TO", rows)
    assert model.polars_engine(package) == "in-memory"
    monkeypatch.setattr(model, "IN_MEMORY_UP_TO", rows - 1)
    assert model.polars_engine(package) == "auto"


def report_with(package: Package, monkeypatch: pytest.MonkeyPatch, up_to: int) -> tuple[str, set[str]]:
    """The report's JSON with ``IN_MEMORY_UP_TO`` at ``up_to``, and the engines every collect of
    the finished tables was given."""
    engines: set[str] = set()
    collect = model._polars_collect

    def collected(frames: Any, engine: Any = "auto") -> list[pl.DataFrame]:
        engines.add(engine)
        return collect(frames, engine)

    with monkeypatch.context() as patched:
        patched.setattr(model, "IN_MEMORY_UP_TO", up_to)
        patched.setattr(model, "_polars_collect", collected)
        return render_json(model.build_report(package, PARAMS, WHEN)), engines


def test_either_engine_gives_the_same_report(package: Package, monkeypatch: pytest.MonkeyPatch) -> None:
    in_memory, engines = report_with(package, monkeypatch, 10**9)
    assert engines == {"in-memory"}
    streaming, engines = report_with(package, monkeypatch, 0)
    assert engines == {"auto"}
    assert '"effect_estimate"' in in_memory and '"expected_reoffending"' in in_memory
    assert streaming == in_memory
