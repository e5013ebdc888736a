"""The command line as the tests run it: in-process, and never a traceback."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from iomhub.cli import main


def run_cli(*args: str) -> Result:
    """``iomhub ARGS`` in this process; fails the test if it printed a traceback or raised
    anything but a clean exit (a user must never see a traceback)."""
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def write_files(folder: Path, files: dict[str, str | bytes]) -> Path:
    """``files`` (name -> text or bytes) written into ``folder``, made if absent."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (folder / name).write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return folder
