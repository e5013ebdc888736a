"""A small synthetic package, made once per test process, and loaded into the database on request."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from iomhub.package.load import Package, read_package
from iomhub.synth import SynthOptions, generate
from tests.web.performance.load import load_package


@pytest.fixture(scope="session")
def synthetic_package(tmp_path_factory: pytest.TempPathFactory) -> Package:
    """300 synthetic nominals with every table (seed 4), as ``read_package`` reads them."""
    folder: Path = tmp_path_factory.mktemp("synth") / "package"
    generate(SynthOptions(nominals=300, seed=4), folder)
    return read_package(folder)


@pytest.fixture
def synthetic_database(db: Any, synthetic_package: Package) -> Package:
    """The synthetic package's rows in the database; returns the package they came from."""
    load_package(synthetic_package)
    return synthetic_package
