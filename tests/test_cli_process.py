"""The ``iomhub`` process's own settings (``iomhub.cli.process``): OpenBLAS on one thread, the
garbage collector paused while a report is computed, and the objects left frozen at the end."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from iomhub.cli import process
from tests.cli_runner import run_cli
from tests.package.sample import write_csv_folder

PERIOD = ["--from", "2015-04-01", "--to", "2016-03-31"]


@pytest.mark.parametrize(("given", "expected"), [({}, "1"), ({"OPENBLAS_NUM_THREADS": "4"}, "4")],
                         ids=["unset-gets-one", "the-users-value-kept"])
def test_process_defaults(given: dict[str, str], expected: str) -> None:
    environ = dict(given)
    process.process_defaults(environ)
    assert environ["OPENBLAS_NUM_THREADS"] == expected


def test_the_default_reaches_openblas() -> None:
    """The default is set before numpy loads OpenBLAS: ``import iomhub.cli`` does not import
    numpy, and numpy imported after the defaults starts no thread of its own (without them,
    OpenBLAS starts one per core beyond the first)."""
    script = (
        "import os, sys\n"
        "import iomhub.cli\n"
        "assert 'numpy' not in sys.modules, 'iomhub.cli imports numpy: the default would come too late'\n"
        "before = len(os.listdir('/proc/self/task'))\n"
        "from iomhub.cli.process import process_defaults\n"
        "process_defaults()\n"
        "import numpy\n"
        "numpy.ones((64, 64)) @ numpy.ones((64, 64))\n"
        "print(len(os.listdir('/proc/self/task')) - before)\n"
    )
    environ = {key: value for key, value in os.environ.items() if key != "OPENBLAS_NUM_THREADS"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=environ, check=True)
    assert done.stdout.strip() == "0", done.stderr


@pytest.mark.parametrize("enabled", [True, False], ids=["on-before", "off-before"])
def test_collector_paused(enabled: bool) -> None:
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        with process.collector_paused():
            assert not gc.isenabled()
        assert gc.isenabled() is enabled
        with pytest.raises(RuntimeError), process.collector_paused():
            raise RuntimeError("the block fails")
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_the_report_command_pauses_the_collector_and_resumes_it(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """While ``iomhub report`` builds the report the collector is off; after it, on again."""
    from iomhub.reports import model

    seen: list[bool] = []
    build = model.build_report

    def watched(*args: object, **kwargs: object) -> model.Report:
        seen.append(gc.isenabled())
        return build(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(model, "build_report", watched)
    package = write_csv_folder(tmp_path / "package")
    assert gc.isenabled()
    result = run_cli("report", str(package), *PERIOD, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["report"] == "iom-performance"
    assert seen == [False]
    assert gc.isenabled()


def test_run_freezes_what_is_left_and_keeps_the_exit_status(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "argv", ["iomhub", "no-such-command"])
    try:
        with pytest.raises(SystemExit) as ended:
            process.run()
        assert ended.value.code == 2
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_the_console_script_is_run() -> None:
    """``iomhub`` (pyproject's script) and ``python -m iomhub.cli`` both start at ``run``."""
    pyproject = (Path(__file__).parents[1] / "pyproject.toml").read_text(encoding="utf-8")
    assert 'iomhub = "iomhub.cli.process:run"' in pyproject
    done = subprocess.run([sys.executable, "-m", "iomhub.cli", "--help"], capture_output=True, text=True,
                          check=True)
    assert "report" in done.stdout


def test_the_command_is_imported_with_the_collector_paused() -> None:
    """Importing the command sets off some 90 collections when the collector is on; ``run`` pauses
    it for the import, so ``iomhub --help`` runs with hardly any."""
    script = (
        "import gc, sys\n"
        "counts = []\n"
        "gc.callbacks.append(lambda phase, info: counts.append(phase) if phase == 'start' else None)\n"
        "from iomhub.cli import process\n"
        "sys.argv = ['iomhub', '--help']\n"
        "try:\n"
        "    process.run()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(len(counts), gc.isenabled())\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    collections, enabled = done.stdout.split()[-2:]
    assert int(collections) < 20, done.stdout
    assert enabled == "True"
