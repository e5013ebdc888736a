"""The command line is a package with one Django bootstrap (``iomhub.cli.app.start_django``)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import iomhub.cli

CLI = Path(iomhub.cli.__file__).parent


def calls(tree: ast.AST) -> set[str]:
    """The names of the functions called in ``tree`` (``setup()``, ``call_command(...)``)."""
    return {node.func.id if isinstance(node.func, ast.Name) else node.func.attr
            for node in ast.walk(tree) if isinstance(node, ast.Call)
            and isinstance(node.func, (ast.Name, ast.Attribute))}


@pytest.mark.parametrize("module", sorted(p.name for p in CLI.glob("*.py")))
def test_only_start_django_starts_or_migrates_django(module: str) -> None:
    tree = ast.parse((CLI / module).read_text(encoding="utf-8"))
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef) and function.name != "start_django":
            assert not calls(function) & {"setup", "call_command"}, (module, function.name)


def test_the_finder_sees_a_second_bootstrap(tmp_path: Path) -> None:
    rogue = ast.parse("def command():\n    setup()\n    call_command('migrate')\n")
    assert calls(rogue) >= {"setup", "call_command"}


def test_every_command_is_registered_and_django_is_not_started_to_list_them() -> None:
    script = ("import sys\nfrom iomhub.cli import main\n"
              "names = sorted(main.commands)\nprint(' '.join(names))\n"
              "print('django.apps' in sys.modules and __import__('django.apps').apps.apps.ready)\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.split("\n")
    assert out[0].split() == ["check", "convert", "createuser", "demo", "django", "enrolment-link", "export",
                              "import", "mapping", "notify", "report", "select", "serve", "synth", "worker"]
    assert out[1] == "False"
