"""What every command shares: the ``iomhub`` group, dates on the command line, refusals of bad
input (exit status 2, no traceback, nothing written), whole-file writes, the package readers'
options and the one Django bootstrap (:func:`start_django`)."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import click

from iomhub.domain.dates import parse_date
from iomhub.package.problems import PackageError

if TYPE_CHECKING:
    from rich.console import Console


def escape(text: str) -> str:
    """``text`` with rich's markup escaped, to be printed as it is."""
    from rich.markup import escape as escape_markup

    return escape_markup(text)


def may_be_terminal(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether rich could take standard error for a terminal: it is one, or ``TTY_COMPATIBLE`` or
    ``FORCE_COLOR`` says to treat it as one (rich's own rule; it decides the rest itself)."""
    if "TTY_COMPATIBLE" in environ or "FORCE_COLOR" in environ:
        return True
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # no stderr, or a closed one
        return False


class StderrConsole:
    """rich's console on standard error, made when first used. Importing rich takes 0.02 to 0.03 s,
    which every command would otherwise pay before its work starts; a report whose standard error
    is not a terminal (a scheduled job, a pipe) needs rich only to print its last lines, so the
    report imports it beside its reading (docs/speed.md, "Ninth pass").

    Problems are printed one a line, never wrapped at the terminal's width (each line is
    ``file:line: column: message`` for tools to read), and text from the package is never taken
    for markup or emoji codes."""

    def __init__(self) -> None:
        self._console: Console | None = None

    @property
    def console(self) -> Console:
        if self._console is None:
            from rich.console import Console

            self._console = Console(stderr=True, highlight=False, emoji=False, soft_wrap=True)
        return self._console

    def print(self, *objects: Any, **options: Any) -> None:
        self.console.print(*objects, **options)

    def status(self, message: str) -> AbstractContextManager[Any]:
        """A spinner with ``message`` while the block runs, where standard error is a terminal.
        Elsewhere rich draws nothing for it (its spinner is transient), so rich is not loaded."""
        if self._console is None and not may_be_terminal():
            return nullcontext()
        return self.console.status(message)


err = StderrConsole()
EXIT_BAD_INPUT = 2
MIN_YEAR, MAX_YEAR = 1900, 2100  # the plausible years of iomhub.package.validate


class DateType(click.ParamType):  # type: ignore[type-arg]
    """A date on the command line, ISO (2016-03-31) or UK (31/03/2016)."""

    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            day = parse_date(str(value))
        except ValueError as error:
            self.fail(str(error), param, ctx)
        if not MIN_YEAR <= day.year <= MAX_YEAR:  # as in a package; year 1 or 9999 breaks date arithmetic
            self.fail(f"{value!r} is not a plausible date (years {MIN_YEAR} to {MAX_YEAR})", param, ctx)
        return day


DATE = DateType()


UNIT_TIME_ZONE = ZoneInfo("Europe/London")  # the web application's TIME_ZONE too


def local_today() -> date:
    """Today in England and Wales, where the units are (not the machine's time zone)."""
    return datetime.now(UNIT_TIME_ZONE).date()


def write_atomically(path: Path, data: str | bytes) -> None:
    """Write a whole file or nothing: a temporary file beside it, then renamed over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.chmod(temporary, 0o666 & ~umask)
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@contextmanager
def refusal() -> Iterator[None]:
    """Turn a bad package into its problems on stderr and exit status 2, with no traceback."""
    try:
        yield
    except PackageError as error:
        err.print(error.summary(), markup=False)
        count = error.total
        err.print(f"[bold red]Refused:[/] {count} problem{'s' if count != 1 else ''}; "
                  "nothing was written.")
        sys.exit(EXIT_BAD_INPUT)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="iomhub")
def main() -> None:
    """iomhub: Integrated Offender Management, from extracts to the board's performance report."""


MAPPING_HELP = ("A mapping (package.toml sections [files], [columns.TABLE], [codes.TABLE.COLUMN], [dates]) to "
                "read the package with, instead of its own package.toml's: for a workbook, or extracts kept "
                "apart from their mapping.")


def mapping_option(function: Any) -> Any:
    return click.option("--mapping", "mapping_file", type=click.Path(path_type=Path, dir_okay=False),
                        metavar="FILE.toml", help=MAPPING_HELP)(function)


def engine_options(function: Any) -> Any:
    """``--engine`` and ``--spark-master`` (docs/scale.md)."""
    function = click.option("--spark-master", default="local[*]", show_default=True, metavar="URL",
                            help="With --engine spark: the cluster (spark://host:7077, yarn, ...) or "
                                 "local[N].")(function)
    return click.option("--engine", type=click.Choice(["polars", "spark"]), default="polars", show_default=True,
                        help="Where the package is read and the report computed: Polars on this machine, "
                             "or Spark (a folder of CSV or Parquet files; the same figures).")(function)


def read_on(engine: str, package: Path, mapping_file: Path | None, master: str) -> tuple[Any, Any]:
    """The package read and validated on ``engine``: (a Polars package, the Spark package or
    None). On Spark the Polars package holds the small tables only (indicators, actions, ...)."""
    from iomhub.package import read_package

    if engine == "polars":
        return read_package(package, load_mapping(mapping_file)), None
    from iomhub.package.spark_reading import read_package_spark
    from iomhub.package.spark_session import SparkUnavailable, spark_session

    if mapping_file is not None:
        raise click.UsageError("--engine spark reads packages in the specification's own files and columns: "
                               "write a mapped package as one first (iomhub convert PACKAGE --mapping FILE "
                               "-o FOLDER)")
    try:
        spark = spark_session(master)
    except SparkUnavailable as error:
        err.print(f"[bold red]Error:[/] {escape(str(error))}")
        sys.exit(1)
    on_spark = read_package_spark(package, spark)
    return on_spark.local(), on_spark


def load_mapping(path: Path | None) -> Any:
    """The mapping in ``path`` (None without one); a file that cannot be read is refused."""
    if path is None:
        return None
    from iomhub.package import Problem
    from iomhub.package.mapping import Mapping

    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as error:
        raise PackageError([Problem(str(path), 0, "", f"cannot be read: {error.strerror}")]) from None
    except UnicodeDecodeError:
        raise PackageError([Problem(str(path), 0, "", "is not UTF-8 text")]) from None
    mapping = Mapping.from_toml(text, label=str(path))
    if not mapping.problems:
        import tomllib

        from iomhub.package.settings import MAPPING_SECTIONS

        for key in sorted(set(tomllib.loads(text)) - set(MAPPING_SECTIONS)):
            sections = ", ".join(f"[{section}]" for section in MAPPING_SECTIONS)
            warning = f"{path}: {key} ignored: --mapping reads only {sections}: settings come from the package itself"
            err.print(f"[yellow]warning:[/] {escape(warning)}")
    return mapping


def start_django(*, migrate: bool) -> None:
    """Start Django for a command that needs the web application's database; with ``migrate``, a
    command that writes to it brings it up to date first (a fresh database is created whole).
    The one bootstrap of the command line: every command that needs Django calls it, saying
    whether it migrates."""
    from iomhub.web import setup

    setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)


def web_actor(username: str | None, command: str) -> Any:
    """The user a command acts as (``--as``), or the system named after the command and the login."""
    import getpass

    from iomhub.web.audit.context import Actor

    if username is None:
        try:
            login = getpass.getuser()
        except (KeyError, OSError):
            login = "unknown"
        return Actor.system(f"{command} ({login})")
    from iomhub.web.accounts.models import User

    user = User.objects.filter(username=username, is_active=True).select_related("agency").first()
    if user is None:
        raise click.UsageError(f"no active user named {username!r}")
    return Actor.of(user)


def exchange_progress() -> Any:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=err.console, transient=True)
