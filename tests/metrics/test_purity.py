"""The metrics are pure: no Django, no settings, no files, no clocks, no randomness."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import iomhub.metrics

METRICS = Path(iomhub.metrics.__file__).parent
FORBIDDEN_MODULES = ("django", "os", "pathlib", "io", "shutil", "tempfile", "random", "time",
                     "iomhub.web", "iomhub.package", "iomhub.reports", "iomhub.cli", "polars",
                     "socket", "urllib", "requests", "sqlite3", "importlib")
FORBIDDEN_CALLS = ("open", "read_csv", "scan_csv", "read_parquet", "getenv", "now", "today",
                   "__import__", "exec", "eval")


def impure_imports(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        found += [n for n in names if any(n == bad or n.startswith(bad + ".") for bad in FORBIDDEN_MODULES)]
    return found


def io_calls(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if name in FORBIDDEN_CALLS:
                found.append(name)
    return found


def modules() -> list[Path]:
    return sorted(METRICS.glob("*.py"))


@pytest.mark.parametrize("path", modules(), ids=[p.stem for p in modules()])
def test_metric_module_is_pure(path: Path) -> None:
    source = path.read_text()
    assert impure_imports(source) == []
    assert io_calls(source) == []


def test_the_checks_catch_an_impure_module() -> None:
    source = ("import django.conf\nfrom os import environ\nimport narwhals as nw\n"
              "x = open('f')\ny = datetime.now()\n")
    assert impure_imports(source) == ["django.conf", "os"]
    assert io_calls(source) == ["open", "now"]
