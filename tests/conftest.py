"""Shared fixtures: writing small packages from CSV text."""

from __future__ import annotations

import os
import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

PackageMaker = Callable[..., Path]

MINIMAL = {
    "nominals": "nominal_id,date_of_birth,gender,area\nN1,1990-01-01,male,NW\n",
    "cohort": "nominal_id,scheme,start_date,end_date\nN1,priority,2015-01-01,\n",
}


def requires_tool(tool: str, package: str) -> pytest.MarkDecorator:
    """Skip a test when a system tool is missing, except in CI (``IOMHUB_REQUIRE_TOOLS=1``, set by
    ``.ci/run``, which installs every tool): there a missing tool stops the run instead of
    letting the test pass unseen."""
    missing = shutil.which(tool) is None
    if missing and os.environ.get("IOMHUB_REQUIRE_TOOLS") == "1":
        raise RuntimeError(f"{package} ({tool}) is required for the tests but is not installed")
    return pytest.mark.skipif(missing, reason=f"{package} ({tool}) is not installed")


def write_package(folder: Path, tables: dict[str, str], *, minimal: bool = True) -> Path:
    """Write each table's CSV text (dedented) as ``folder/<table>.csv``; fill in the required tables."""
    folder.mkdir(parents=True, exist_ok=True)
    contents = {**(MINIMAL if minimal else {}), **tables}
    for name, text in contents.items():
        filename = name if "." in name else f"{name}.csv"
        (folder / filename).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return folder


@pytest.fixture
def make_package(tmp_path: Path) -> PackageMaker:
    """``make_package(nominals=..., cohort=..., offences=...)`` writes a package and returns its folder."""
    counter = iter(range(1_000_000))

    def make(*, minimal: bool = True, **tables: str) -> Path:
        return write_package(tmp_path / f"package{next(counter)}", tables, minimal=minimal)

    return make
