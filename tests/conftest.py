"""Shared fixtures: writing small packages from CSV text."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

PackageMaker = Callable[..., Path]

MINIMAL = {
    "nominals": "nominal_id,date_of_birth,gender,area\nN1,1990-01-01,male,NW\n",
    "cohort": "nominal_id,scheme,start_date,end_date\nN1,priority,2015-01-01,\n",
}


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
