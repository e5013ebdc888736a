"""Standard error's console (``iomhub.cli.app.err``): made when first used, so that a command
whose standard error is not a terminal starts its work without loading rich, while a person at
a terminal still sees the spinner (docs/speed.md, "Ninth pass")."""

from __future__ import annotations

import contextlib
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest

from iomhub.cli.app import StderrConsole, escape, may_be_terminal
from tests.package.sample import write_csv_folder


def test_importing_the_command_does_not_load_rich() -> None:
    script = "import sys\nimport iomhub.cli\nprint(sorted(m for m in sys.modules if m.split('.')[0] == 'rich'))\n"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]", done.stderr


@pytest.mark.parametrize(("environ", "expected"), [
    ({"TTY_COMPATIBLE": "1"}, True), ({"TTY_COMPATIBLE": "0"}, True), ({"FORCE_COLOR": "1"}, True),
    ({}, False),
], ids=["tty-compatible", "tty-compatible-0-left-to-rich", "force-color", "a-pipe"])
def test_may_be_terminal(environ: dict[str, str], expected: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """Under pytest standard error is not a terminal; rich's own variables may still make it one
    (rich then decides, as it did before)."""
    monkeypatch.setattr(sys, "stderr", open(os.devnull, "w"))  # noqa: SIM115
    try:
        assert may_be_terminal(environ) is expected
    finally:
        sys.stderr.close()


def test_status_away_from_a_terminal_makes_no_console(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TTY_COMPATIBLE", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sys, "stderr", open(os.devnull, "w"))  # noqa: SIM115
    try:
        console = StderrConsole()
        with console.status("Reading...") as shown:
            assert shown is None
        assert console._console is None
    finally:
        sys.stderr.close()


def test_status_with_force_color_is_rich_spinner(monkeypatch: pytest.MonkeyPatch) -> None:
    from rich.status import Status

    monkeypatch.setenv("FORCE_COLOR", "1")
    console = StderrConsole()
    status = console.status("Reading...")
    assert isinstance(status, Status)


def test_print_makes_the_console_and_keeps_text_as_it_is(capsys: pytest.CaptureFixture[str]) -> None:
    console = StderrConsole()
    console.print(f"[yellow]warning:[/] {escape('[bold]not markup[/] :smile:')}")
    assert console._console is not None
    assert capsys.readouterr().err == "warning: [bold]not markup[/] :smile:\n"


def test_a_person_at_a_terminal_sees_the_spinner(tmp_path: Path) -> None:
    """``iomhub check`` with standard error on a pseudo-terminal draws its status there."""
    package = write_csv_folder(tmp_path / "package")
    leader, follower = pty.openpty()
    environ = {key: value for key, value in os.environ.items() if key not in ("TTY_COMPATIBLE", "FORCE_COLOR")}
    with subprocess.Popen([sys.executable, "-m", "iomhub.cli", "check", str(package)], stdout=subprocess.PIPE,
                          stderr=follower, env={**environ, "TERM": "xterm", "COLUMNS": "120"}) as running:
        os.close(follower)
        drawn = b""
        while True:
            ready, _, _ = select.select([leader], [], [], 60)
            if not ready:
                break
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal's other end closed: the command has ended
                break
            if not chunk:
                break
            drawn += chunk
        stdout = running.communicate(timeout=60)[0]
    with contextlib.suppress(OSError):
        os.close(leader)
    assert running.returncode == 0
    assert b"valid" in stdout
    assert b"Checking the package" in drawn
