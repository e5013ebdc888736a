"""Shared fixtures: writing small packages from CSV text."""

from __future__ import annotations

import os
import shutil
import textwrap
from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

import pytest
from _pytest.nodeid import NodeId

PackageMaker = Callable[..., Path]

MINIMAL = {
    "nominals": "nominal_id,date_of_birth,gender,area\nN1,1990-01-01,male,NW\n",
    "cohort": "nominal_id,scheme,start_date,end_date\nN1,priority,2015-01-01,\n",
}


ALLOW_MISSING = "IOMHUB_ALLOW_MISSING_TOOLS"


def requires_tool(tool: str, package: str) -> pytest.MarkDecorator:
    """Mark a test that needs a system tool. A missing tool fails the test, saying what to
    install (``make test`` installs every tool, ``scripts/system-deps``); a developer may set
    ``IOMHUB_ALLOW_MISSING_TOOLS=1`` for a quick local run, and then it is skipped."""
    return pytest.mark.tool(tool, package)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "tool(name, package): needs a system tool (see requires_tool)")


def pytest_runtest_setup(item: pytest.Item) -> None:
    for marker in item.iter_markers("tool"):
        tool, package = marker.args
        if shutil.which(tool) is None:
            message = f"{package} ({tool}) is not installed: scripts/system-deps test installs it"
            if os.environ.get(ALLOW_MISSING) == "1":
                pytest.skip(message)
            pytest.fail(message, pytrace=False)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """``--dist loadgroup`` sends the tests of one ``xdist_group`` to one worker (one Spark
    session, one nginx, one demo written): pytest-xdist marks them by adding ``@group`` to the
    node id, which pytest 9.2 no longer reads (pytest-xdist issue 1386); do it as it would."""
    if not getattr(config.option, "loadgroup", False):
        return
    for item in items:
        names = sorted({str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
                        for mark in item.iter_markers("xdist_group")})
        suffix = "@" + "_".join(names)
        if names and not item.nodeid.endswith(suffix) and hasattr(item, "_id"):
            item._id = NodeId.parse(item.nodeid + suffix)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, None]:
    """No test passes unseen: a skip is a failure unless ``IOMHUB_ALLOW_MISSING_TOOLS=1``."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and not hasattr(report, "wasxfail") and os.environ.get(ALLOW_MISSING) != "1":
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped, and make test allows no skip: {reason}"


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
