"""The one command, ``iomhub``: check, report, synth, demo (and, later, the web application).

Django is started only by the commands that need it.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import click
from rich.console import Console
from rich.markup import escape

from iomhub.domain.ages import AgeBands
from iomhub.domain.dates import Span, parse_date
from iomhub.package.problems import PackageError

# Problems are printed one a line, never wrapped at the terminal's width (each line is
# ``file:line: column: message`` for tools to read), and text from the package is never
# taken for markup or emoji codes.
err = Console(stderr=True, highlight=False, emoji=False, soft_wrap=True)
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


@main.command()
@click.argument("package", type=click.Path(path_type=Path))
@mapping_option
@engine_options
def check(package: Path, mapping_file: Path | None = None, engine: str = "polars",
          spark_master: str = "local[*]") -> None:
    """Validate a data package (folder, .zip or .xlsx) and report every problem."""
    with refusal(), err.status("Checking the package..."):
        result, on_spark = read_on(engine, package, mapping_file, spark_master)
    for warning in result.warnings:
        err.print(f"[yellow]warning:[/] {escape(warning)}", markup=True)
    heights = ({name: frame.height for name, frame in result.tables.items()} if on_spark is None
               else {name: frame.count() for name, frame in on_spark.frames.items()})
    rows = ", ".join(f"{name} {height:,}" for name, height in heights.items())
    click.echo(f"{package}: valid ({rows} rows)")


@main.command()
@click.argument("package", type=click.Path(path_type=Path))
@click.option("--to", "to", type=click.Choice(["parquet", "csv"]), default="parquet", show_default=True,
              help="The format of the tables written.")
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="The new folder to write (never an existing one).")
@mapping_option
def convert(package: Path, to: str, output: Path, mapping_file: Path | None = None) -> None:
    """Write a valid package again as a folder of Parquet (or CSV) files, one per table."""
    from iomhub.package import read_package
    from iomhub.package.convert import write_package

    if output.exists():
        raise click.UsageError(f"{output} already exists: give a new folder")
    with refusal(), err.status("Reading and checking the package..."):
        data = read_package(package, load_mapping(mapping_file))
    for warning in data.warnings:
        err.print(f"[yellow]warning:[/] {escape(warning)}")
    written = write_package(data, output, to)
    rows = sum(frame.height for frame in data.tables.values())
    click.echo(f"Wrote {output} ({len(written)} files, {rows:,} rows)")


def _params(period_from: date, period_to: date, baseline_from: date | None,
            baseline_to: date | None, cohort_date: date | None, target_reduction: float | None,
            exclude_custody_beyond: date | None, age_bands: str | None,
            package_bands: tuple[int, ...], package_target: float | None,
            proven_starts: tuple[date | None, date | None] = (None, None)) -> Any:
    from iomhub.reports.params import ReportParams

    try:
        period = Span(period_from, period_to)
        baseline = None
        if baseline_from or baseline_to:
            if not (baseline_from and baseline_to):
                raise click.UsageError("give both --baseline-from and --baseline-to, or neither")
            baseline = Span(baseline_from, baseline_to)
        bands = AgeBands.parse(age_bands) if age_bands else AgeBands(package_bands)
        if any(proven_starts) and not all(proven_starts):
            raise click.UsageError("give both --proven-from and --proven-to, or neither")
        first, last = proven_starts
        starts = Span(first, last) if first and last else None
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    if target_reduction is not None and not 0 <= target_reduction <= 100:
        raise click.UsageError("--target-reduction is a percentage from 0 to 100")
    return ReportParams(period=period, baseline=baseline, cohort_date=cohort_date,
                        target_reduction=target_reduction if target_reduction is not None
                        else package_target,
                        exclude_custody_beyond=exclude_custody_beyond, age_bands=bands,
                        proven_starts=starts)


def render(report: Any, fmt: str) -> str:
    if fmt == "json":
        from iomhub.reports.json_renderer import render_json

        return render_json(report)
    from iomhub.reports.html_renderer import render_html

    return render_html(report)


@main.command()
@click.argument("package", type=click.Path(path_type=Path))
@click.option("--from", "period_from", type=DATE, required=True, help="First day of the period.")
@click.option("--to", "period_to", type=DATE, required=True, help="Last day of the period.")
@click.option("--baseline-from", type=DATE, help="First day of the baseline (default: the span "
              "of the same length before the period).")
@click.option("--baseline-to", type=DATE, help="Last day of the baseline.")
@click.option("--cohort-date", type=DATE, help="Date on which cohort membership is taken "
              "(default: the first day of the period).")
@click.option("--target-reduction", type=float, metavar="PCT",
              help="Per-offender reduction target in percent (e.g. 17).")
@click.option("--exclude-custody-beyond", type=DATE, help="Leave out of the performance cohort "
              "those in custody on the cohort date who stay beyond this date (or whose release "
              "is unknown).")
@click.option("--age-bands", metavar="BOUNDS", help="Lower bounds of the age bands, e.g. 18,25 "
              "(default) or 16,25 for a 16-24 band.")
@click.option("--proven-from", type=DATE, help="First start date of the proven reoffending cohort "
              "(default: the latest 12 whole months of starts whose 18 months have ended by --to).")
@click.option("--proven-to", type=DATE, help="Last start date of the proven reoffending cohort.")
@click.option("--format", "fmt", type=click.Choice(["json", "html", "pdf", "docx", "xlsx"]), default="html",
              show_default=True, help="pdf, docx and xlsx are binary: they need -o FILE.")
@click.option("--document", type=click.Choice(["performance", "kpis", "actions", "thematic"]),
              help="Board document to write: the performance report, the quarterly performance table, "
                   "the action plan or the thematic report (default: the performance report; HTML "
                   "without --document is the classic report page).")
@click.option("--as-at", "as_at", type=DATE, help="Date the action plan's overdue milestones are judged "
              "on (default: today).")
@click.option("--for-publication", is_flag=True, help="Withhold small numbers for publication: counts from 1 "
              "to N-1, any figure that would reveal one (checked by linear programming against every table) "
              "and any figure derived from one are shown [c] (null in JSON).")
@click.option("--suppress-under", type=click.IntRange(min=1), default=5, show_default=True, metavar="N",
              help="With --for-publication: the smallest count shown.")
@click.option("--disclosure", type=click.Choice(["suppress", "round"]), default="suppress", show_default=True,
              help="With --for-publication: withhold small counts (suppress), or round every count to a "
                   "multiple of 5 (round: for tables that suppression would empty). See docs/publication.md.")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="File to write (default: standard output).")
@mapping_option
@engine_options
def report(package: Path, period_from: date, period_to: date, baseline_from: date | None,
           baseline_to: date | None, cohort_date: date | None, target_reduction: float | None,
           exclude_custody_beyond: date | None, age_bands: str | None, proven_from: date | None,
           proven_to: date | None, fmt: str, document: str | None, as_at: date | None,
           output: Path | None, for_publication: bool = False, suppress_under: int = 5,
           disclosure: str = "suppress", mapping_file: Path | None = None, engine: str = "polars",
           spark_master: str = "local[*]") -> None:
    """Compute the IOM performance report from a data package."""
    from iomhub.reports.model import build_report

    if fmt == "json" and document not in (None, "performance"):
        raise click.UsageError(f"--format json is the performance report's figures only; write the "
                               f"{document} document as html, pdf, docx or xlsx")
    if fmt in BINARY_FORMATS and output is None:
        raise click.UsageError(f"--format {fmt} is a binary file: give -o FILE (it is never written to "
                               "the terminal)")
    with refusal():
        with err.status("Reading and checking the package..."):
            data, on_spark = read_on(engine, package, mapping_file, spark_master)
        params = _params(period_from, period_to, baseline_from, baseline_to, cohort_date,
                         target_reduction, exclude_custody_beyond, age_bands,
                         data.settings.age_bands, data.settings.target_reduction, (proven_from, proven_to))
        with err.status("Computing the report..."):
            if on_spark is None:
                result = build_report(data, params)
            else:
                from iomhub.reports.spark_engine import build_report_spark

                result = build_report_spark(on_spark, params)
            if for_publication:
                result = _published(result, suppress_under, disclosure)
            text: str | bytes
            if fmt == "json" or (fmt == "html" and document is None):
                text = render(result, fmt)
            else:
                text = render_document(document or "performance", result, data, fmt, as_at or local_today())
    for warning in data.warnings:
        err.print(f"[yellow]warning:[/] {escape(warning)}")
    if output is None:
        click.echo(text, nl=False)
    else:
        write_atomically(output, text)
        err.print(f"Wrote {output}")


def _published(report: Any, threshold: int, method: str) -> Any:
    """The publication copy of ``report``; a report the disclosure audit cannot pass is refused
    (exit status 1, nothing written)."""
    from iomhub.reports.disclosure.protect import DisclosureError
    from iomhub.reports.suppression import suppressed_report

    try:
        return suppressed_report(report, threshold, method)
    except DisclosureError as error:
        err.print(f"[bold red]Refused:[/] {escape(str(error))}; nothing was written.")
        sys.exit(1)


BINARY_FORMATS = ("pdf", "docx", "xlsx")
DOCUMENT_FORMATS = ("html", "pdf", "docx", "xlsx")


def render_document(kind: str, report: Any, package: Any, fmt: str, today: date) -> bytes:
    """One of the board documents (performance, kpis, actions, thematic) in ``fmt``, as bytes."""
    from iomhub.reports.documents import render as render_board_document
    from iomhub.reports.documents.build import build_document

    return render_board_document(build_document(kind, report, package, today), fmt)


@main.command()
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="Folder to write the package into.")
@click.option("--nominals", type=click.IntRange(min=1), default=2000, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--true-effect", type=float, default=-0.2, show_default=True,
              help="Change in each person's offending rate from the day they join IOM, for as "
                   "long as they stay and at least a year (-0.2 = 20% fewer).")
@click.option("--join-rate", type=click.FloatRange(0.0, 1.0), default=0.12, show_default=True,
              help="Monthly chance that someone with 3 or more offences in the last 6 months is "
                   "taken onto IOM (a quarter of it with 2): selection on recent offending.")
@click.option("--start", type=DATE, help="First day of the data (default 2013-04-01).")
@click.option("--end", type=DATE, help="Last day of the data (default 2016-03-31).")
def synth(output: Path, nominals: int, seed: int, true_effect: float, join_rate: float,
          start: date | None, end: date | None) -> None:
    """Write a realistic synthetic data package."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from iomhub.synth import SynthOptions, generate

    defaults = SynthOptions()
    try:
        options = SynthOptions(nominals=nominals, seed=seed, true_effect=true_effect, join_rate=join_rate,
                               start=start or defaults.start, end=end or defaults.end)
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=err, transient=True) as progress:
        task = progress.add_task(f"Synthesising {nominals:,} nominals...", total=None)
        counts = generate(options, output,
                          progress=lambda message: progress.update(task, description=message))
    total = sum(counts.values())
    click.echo(f"Wrote {output} ({total:,} rows in {len(counts)} tables)")


DEMO_DATA_START = date(2011, 4, 1)  # the fixed demo of the tests and benchmarks (seed 2015)
DEMO_PERIOD = (date(2015, 4, 1), date(2016, 3, 31))
DEMO_SEED = 2015


@main.command()
@click.option("--package", "package", type=click.Path(path_type=Path),
              help="Data package to report on (default: a synthetic one).")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=Path("demo-output"),
              show_default=True)
@click.option("--nominals", type=click.IntRange(min=1), default=5000, show_default=True)
@click.option("--today", type=DATE,
              help="The day the synthetic data end, as if the demo ran then (default: today).")
@click.option("--load/--no-load", default=True, show_default=True,
              help="Load the package into the web application's database (SQLite in the output folder).")
@click.option("--serve/--no-serve", default=True, show_default=True,
              help="Serve the web application once loaded.")
@click.option("--addr", default="127.0.0.1:8000", show_default=True, help="Where to serve.")
def demo(package: Path | None, output: Path, nominals: int, today: date | None, load: bool, serve: bool,
         addr: str) -> None:
    """Make a synthetic package whose data end today (unless given one), write its report of the
    last financial year and the board papers, then load it into the web application (SQLite in
    the output folder) with demo users, and serve it."""
    from iomhub.package import read_package
    from iomhub.reports.model import build_report
    from iomhub.reports.params import ReportParams, default_period, latest_activity
    from iomhub.synth import generate
    from iomhub.synth.live import live_options

    day = today or datetime.now().astimezone().date()  # the local day
    if package is None:
        package = output / "package"
        with err.status(f"Synthesising a package of {nominals:,} nominals up to {day:%d %B %Y}..."):
            generate(live_options(day, nominals, DEMO_SEED), package)
        click.echo(f"Synthetic package: {package} (data up to {day:%d %B %Y})")
    with refusal():
        with err.status("Reading and checking the package..."):
            data = read_package(package)
        period = default_period(day, latest_activity(data.tables), data.settings.financial_year_start_month)
        params = ReportParams(period=period, target_reduction=17.0)
        with err.status("Computing the report..."):
            result = build_report(data, params)
    click.echo(f"Report period: {period.start:%d %B %Y} to {period.end:%d %B %Y}")
    for fmt in ("html", "json"):
        path = output / f"iom-performance-report.{fmt}"
        write_atomically(path, render(result, fmt))
        click.echo(f"Report ({fmt.upper()}): {path}")
    from iomhub.reports.documents.build import DOCUMENTS, FILE_NAMES

    with err.status("Writing the board documents..."):
        for kind in DOCUMENTS:
            for fmt in DOCUMENT_FORMATS:
                # the classic HTML report keeps iom-performance-report.html; the document beside it
                name = FILE_NAMES[kind] + ("-document" if (kind, fmt) == ("performance", "html") else "")
                path = output / f"{name}.{fmt}"
                write_atomically(path, render_document(kind, result, data, fmt, period.end))
                click.echo(f"Document ({kind}, {fmt.upper()}): {path}")
    if load or serve:
        _load_demo(package, output, day, addr)
    if serve:
        ctx = click.get_current_context()
        ctx.invoke(serve_command, addr=addr, threads=8, workers=1)


def _load_demo(package: Path, output: Path, today: date, addr: str) -> None:
    """Load the demo's package and users into the web application's database (the output
    folder's SQLite unless ``IOMHUB_DATA_DIR`` or ``DATABASE_URL`` says otherwise)."""
    os.environ.setdefault("IOMHUB_DATA_DIR", str((output / "web").resolve()))
    from django.core.management import call_command

    from iomhub.web import setup

    setup()
    call_command("migrate", interactive=False, verbosity=0)
    from django.db import connection

    from iomhub.web.demo import DEMO_PASSWORD, load_demo

    with refusal(), err.status("Loading the package into the web application..."):
        created, logins = load_demo(package, today=today)
    click.echo(f"Database: {connection.settings_dict['NAME']} ({created:,} records created)")
    click.echo(f"Sign in at http://{addr}/ with password {DEMO_PASSWORD!r} as:")
    for login in logins:
        click.echo(f"  {login.username:<18} {login.role:<14} {login.agency}")
    from iomhub.web.accounts.models import User
    from iomhub.web.audit.context import Actor

    for admin in User.objects.filter(role="administrator", totp_secret="", is_active=True):
        _echo_enrolment_link(admin, Actor.system("demo"), base=f"http://{addr}")


@main.group("mapping")
def mapping_group() -> None:
    """Read extracts that keep their own file names, headers and codes (package.toml's mapping)."""


@mapping_group.command("suggest")
@click.argument("package", type=click.Path(path_type=Path, exists=True))
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
              help="Where to write the mapping (default: PACKAGE/package.toml for a folder; - for standard output).")
@click.option("--force", is_flag=True, help="Replace the mapping of an existing file (its other settings are kept).")
def mapping_suggest(package: Path, output: Path | None, force: bool) -> None:
    """Write a starting mapping for a folder (or .zip, or .xlsx) of extracts: each file given to a
    table, its headers to columns (by name and content), the code spellings found with their counts
    (guesses marked), the date formats in use. Check it, then run iomhub check."""
    from iomhub.package.suggest import suggest, without_mapping

    if output is None:
        if not package.is_dir():
            raise click.UsageError("a .zip or workbook is not changed: give -o FILE.toml (or -o - for the "
                                   "terminal), then use it with --mapping FILE.toml")
        output = package / "package.toml"
    existing = "" if str(output) == "-" or not output.exists() else output.read_text(encoding="utf-8-sig")
    if existing and not force:
        raise click.UsageError(f"{output} exists: give --force to replace its mapping (its other settings "
                               "are kept), or -o another file")
    with refusal(), err.status("Reading the files..."):
        suggestion = suggest(package)
    text = suggestion.to_toml()
    kept = without_mapping(existing)
    if kept:
        text = f"{kept}\n{text}"
    to_terminal = str(output) == "-"
    if to_terminal:
        click.echo(text, nl=False)
    else:
        write_atomically(output, text)
    tables = ", ".join(m.table for m in suggestion.files) or "none"
    left = suggestion.to_map
    summary = (f"{len(suggestion.files)} file{'s' if len(suggestion.files) != 1 else ''} given to tables ({tables}), "
               f"{len(suggestion.unmatched)} not; {left} code spelling{'s' if left != 1 else ''} left to map.")
    if not to_terminal:
        check = f"iomhub check {package}" + ("" if output == package / "package.toml" else f" --mapping {output}")
        summary = f"Wrote {output}: {summary} Check it, then run: {check}"
    err.print(summary, markup=False)


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
              add_help_option=False)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def django(args: tuple[str, ...]) -> None:
    """Run a Django management command (migrate, createsuperuser, check --deploy, ...)."""
    from django.core.management import execute_from_command_line

    from iomhub.web import setup

    setup()
    execute_from_command_line(["iomhub django", *args])


@main.command("serve")
@click.option("--addr", default="127.0.0.1:8000", show_default=True, help="Address and port to listen on.")
@click.option("--threads", type=click.IntRange(min=1), default=8, show_default=True,
              help="Threads per worker process.")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Worker processes (more than 1 uses gunicorn; about two per CPU core).")
def serve_command(addr: str, threads: int, workers: int = 1) -> None:
    """Bring the database up to date and serve the web application (waitress, or gunicorn with
    several workers; static files served by WhiteNoise)."""
    from django.core.management import call_command

    from iomhub.web import setup

    host, _, port = addr.rpartition(":")
    if not host or not port.isdigit():
        raise click.UsageError("--addr is HOST:PORT, e.g. 127.0.0.1:8000")
    setup()
    call_command("migrate", interactive=False, verbosity=0)
    from iomhub.web.wsgi import application

    click.echo(f"iomhub is serving on http://{addr}/ (Ctrl+C to stop)")
    if workers == 1:
        from iomhub.web.performance.warm import warm_in_background

        warm_in_background()  # the figures of the first pages, ahead of the first reader
        from waitress import serve as waitress_serve

        # The forwarded headers reach the application, which alone decides whether to believe
        # them (iomhub.web.proxy): waitress would otherwise drop them, or believe them itself.
        waitress_serve(application, host=host, port=int(port), threads=threads, ident="iomhub",
                       clear_untrusted_proxy_headers=False)
        return
    from iomhub.web.gunicorn import serve_with_gunicorn

    serve_with_gunicorn(application, addr, workers=workers, threads=threads)


@main.command()
@click.argument("username")
@click.option("--agency", "agency_code", required=True, help="Code of the user's agency, e.g. police.")
@click.option("--role", required=True, type=click.Choice(["practitioner", "manager", "analyst", "administrator"]))
@click.option("--agency-name", help="Create the agency with this name if it does not exist yet.")
def createuser(username: str, agency_code: str, role: str, agency_name: str | None) -> None:
    """Create a user of the web application (password asked twice, or IOMHUB_PASSWORD for scripts)."""
    from iomhub.web import setup

    setup()
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from iomhub.web.accounts.models import Agency, User
    from iomhub.web.audit.constants import Operation
    from iomhub.web.audit.context import Actor, audited

    if User.objects.filter(username__iexact=username).exists():
        raise click.UsageError(f"a user named {username!r} already exists")
    agency = Agency.objects.filter(code=agency_code).first()
    if agency is None and not agency_name:
        raise click.UsageError(f"no agency with code {agency_code!r}: give --agency-name to create it")
    password = os.environ.get("IOMHUB_PASSWORD") or click.prompt(
        "Password", hide_input=True, confirmation_prompt="Password (again)")
    candidate = User(username=username, role=role)
    try:
        validate_password(password, candidate)
    except ValidationError as error:
        raise click.UsageError(" ".join(error.messages)) from None
    with audited(Actor.system("createuser")) as audit:
        if agency is None:
            agency = Agency.objects.create(code=agency_code, name=agency_name or agency_code)
            audit.record(Operation.COLLECTION, agency)
        user = User.objects.create_user(username=username, password=password, agency=agency, role=role)
        audit.record(Operation.COLLECTION, user, detail={"agency": agency.code, "role": role})
    click.echo(f"Created {role} {username!r} of {agency.name}.")
    _echo_enrolment_link(user, Actor.system("createuser"))


def _echo_enrolment_link(user: Any, actor: Any, base: str = "") -> None:
    """Issue and print a one-time enrolment link when ``user`` must set up a second factor."""
    from django.conf import settings

    from iomhub.web.accounts import totp
    from iomhub.web.accounts.services import enrolment_path, issue_enrolment_link

    if not totp.required_for(user) or user.totp_secret:
        return
    path = enrolment_path(issue_enrolment_link(actor, user))
    click.echo(f"{user.username} must set up a second factor at first sign-in, through this link (it works once, "
               f"for {settings.ENROLMENT_LINK_HOURS} hours; give it to them yourself): {base}{path}")


@main.command("enrolment-link")
@click.argument("username")
def enrolment_link(username: str) -> None:
    """Issue a one-time link with which USERNAME sets up a second factor (an earlier link stops working)."""
    from iomhub.web import setup

    setup()
    from iomhub.web.accounts.models import User
    from iomhub.web.audit.context import Actor

    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise click.UsageError(f"no active user named {username!r}")
    if user.totp_secret:
        raise click.UsageError(f"{username!r} has a second factor already: reset it in the administration site first")
    from iomhub.web.accounts.services import enrolment_path, issue_enrolment_link

    path = enrolment_path(issue_enrolment_link(Actor.system("enrolment-link"), user))
    click.echo(f"Enrolment link for {username!r} (works once; give it to them yourself): {path}")


def _web_actor(username: str | None, command: str) -> Any:
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


def _exchange_progress() -> Any:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=err, transient=True)


@main.command("select")
@click.argument("package", type=click.Path(path_type=Path), required=False)
@click.option("--database", is_flag=True, help="Rank the people in the web application's database instead of "
              "a package (recorded in the audit log as a consultation).")
@click.option("--as", "username", metavar="USERNAME", help="With --database: the user the consultation is "
              "recorded under (default: the system, named with your login).")
@click.option("--top", type=click.IntRange(min=1), default=200, show_default=True, help="How many people to list.")
@click.option("--as-at", "as_at", type=DATE, help="The date people are ranked on (default: today; for an extract "
              "whose latest offence is older than the look-back window, the date of that offence).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="File to write (default: standard output).")
def select_command(package: Path | None, database: bool, username: str | None, top: int, as_at: date | None,
                   fmt: str, output: Path | None) -> None:
    """Rank everyone in the offence data by recency, frequency and gravity of offending, leaving out
    current cohort members and people in long custody: the list for the selection meeting."""
    from iomhub.reports.selection import build_selection

    if (package is None) == (not database):
        raise click.UsageError("give a PACKAGE, or --database to rank the web application's people")
    if username is not None and not database:
        raise click.UsageError("--as is for --database (the audit log records who consulted the database)")
    today = local_today()
    if package is not None:
        from iomhub.package import read_package

        with refusal():
            with err.status("Reading and checking the package..."):
                data = read_package(package)
            with err.status("Ranking..."):
                result = build_selection(data, top=top, as_at=as_at, today=today)
        for warning in data.warnings:
            err.print(f"[yellow]warning:[/] {escape(warning)}")
    else:
        result = _select_from_database(username, top, as_at, today, output)
    text = _render_selection(result, fmt)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_atomically(output, text)
        err.print(f"Wrote {output}")
    from iomhub.reports.selection import summary

    err.print(summary(result), markup=False)


def _select_from_database(username: str | None, top: int, as_at: date | None, today: date,
                          output: Path | None) -> Any:
    from django.core.management import call_command

    from iomhub.web import setup

    setup()
    call_command("migrate", interactive=False, verbosity=0)
    from iomhub.web.cohort.selection import audit_selection, selection_from_database

    actor = _web_actor(username, "select")
    with refusal(), err.status("Reading the database and ranking..."):
        result = selection_from_database(top=top, as_at=as_at, today=today)
        audit_selection(actor, result, where=str(output) if output else "terminal")
    return result


def _render_selection(result: Any, fmt: str) -> str:
    from iomhub.reports.selection import to_csv, to_json

    if fmt == "json":
        return to_json(result)
    if fmt == "csv":
        return to_csv(result)
    import shutil

    from rich.table import Table

    from iomhub.reports.selection import days

    named = any(c.name for c in result.candidates)
    table = Table(title=f"Cohort selection as at {result.as_at:%d/%m/%Y} (top {len(result.candidates):,} "
                        f"of {result.ranked:,})")
    columns = [("Rank", "right"), ("Nominal", "left"), ("Name", "left"), ("Area", "left"), ("Score", "right"),
               ("Recency", "right"), ("Frequency", "right"), ("Gravity", "right"), ("Offences", "right"),
               ("Last offence", "left"), ("Harm", "right"), ("Offences by category (days of harm)", "left")]
    for label, justify in columns:
        if label != "Name" or named:
            table.add_column(label, justify=justify)  # type: ignore[arg-type]
    for c in result.candidates:
        cells = [str(c.rank), escape(c.nominal_id), escape(c.name), escape(c.area or ""), f"{c.score:.1f}",
                 f"{c.recency_points:.1f}", f"{c.frequency_points:.1f}", f"{c.gravity_points:.1f}", str(c.offences),
                 f"{c.last_offence_date:%d/%m/%Y}", days(c.harm), escape(c.categories_text())]
        table.add_row(*(cell for cell, (label, _) in zip(cells, columns, strict=True) if label != "Name" or named))
    width = shutil.get_terminal_size((200, 24)).columns if sys.stdout.isatty() else 200
    console = Console(file=io.StringIO(), width=width, highlight=False, emoji=False, force_terminal=False)
    console.print(table)
    output = console.file
    assert isinstance(output, io.StringIO)
    return output.getvalue()


@main.command("import")
@click.argument("package", type=click.Path(path_type=Path))
@click.option("--as", "username", metavar="USERNAME", help="The user the import is recorded under "
              "(default: the system, named with your login).")
@click.option("--reason", metavar="TEXT", help="Why the data are imported (recorded in the audit log).")
@click.option("--whole", "whole", multiple=True, metavar="TABLE",
              help="A table the package holds whole (a full snapshot): its records absent from the package are "
                   "removed, audited. Repeat for each such table; people, meetings, indicators and actions never are.")
@mapping_option
def import_command(package: Path, username: str | None, reason: str | None, mapping_file: Path | None = None,
                   whole: tuple[str, ...] = ()) -> None:
    """Load a data package into the database: checked as `iomhub report` checks it, all or
    nothing, and audited; importing the same package again changes nothing."""
    from iomhub.package import read_package

    with refusal(), err.status("Reading and checking the package..."):
        data = read_package(package, load_mapping(mapping_file))  # refused here, before the database is touched
    for warning in data.warnings:
        err.print(f"[yellow]warning:[/] {escape(warning)}")
    from django.core.management import call_command

    from iomhub.web import setup

    setup()
    call_command("migrate", interactive=False, verbosity=0)
    from iomhub.web.exchange import import_package, snapshot_tables

    refused = sorted(set(whole) - set(snapshot_tables()))
    if refused:
        raise click.UsageError(f"--whole {', '.join(refused)}: a table that may be replaced whole is one of "
                               f"{', '.join(snapshot_tables())}")
    actor = _web_actor(username, "import")
    with refusal(), _exchange_progress() as progress:
        task = progress.add_task("Importing...", total=None)
        result = import_package(data, actor, justification=reason, snapshot=whole,
                                progress=lambda message, done, total:
                                progress.update(task, description=message, completed=done, total=total or None))
    click.echo(f"{'table':<12} {'created':>9} {'updated':>9} {'unchanged':>9} {'not in package':>15}"
               + (f" {'removed':>9}" if whole else ""))
    for name, counts in result.tables.items():
        click.echo(f"{name:<12} {counts.created:>9,} {counts.updated:>9,} {counts.unchanged:>9,} "
                   f"{counts.not_in_package:>15,}" + (f" {counts.removed:>9,}" if whole else ""))
    summary = (f"Imported {package}: {result.created:,} created, {result.updated:,} updated"
               if result.changed else f"Imported {package}: nothing changed")
    click.echo(f"{summary} ({result.audit_rows:,} audit rows, {result.seconds:.1f} s).")


@main.command("worker")
@click.option("--once", is_flag=True, help="Run the imports waiting now, then stop (default: keep running).")
@click.option("--poll", default=2.0, show_default=True, metavar="SECONDS", help="How often to look for new imports.")
def worker_command(once: bool, poll: float) -> None:
    """Run the imports asked for in the browser (/data/), one at a time, as a service of its own
    (with IOMHUB_IMPORT_WORKER=external; by default the application runs them in a thread).
    An import whose process died is marked stopped: it imported nothing."""
    from iomhub.web import setup

    setup()
    from iomhub.web.ingest import jobs

    ran = jobs.work(once=once, poll_seconds=poll)
    err.print(f"Ran {ran} import{'s' if ran != 1 else ''}.", markup=False)


@main.command("export")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--justification", required=True, metavar="TEXT",
              help="Why the data are disclosed (recorded in the audit log).")
@click.option("--recipient", required=True, metavar="TEXT", help="To whom the data are disclosed.")
@click.option("--as", "username", metavar="USERNAME", help="The user the disclosure is recorded under.")
def export_command(directory: Path, justification: str, recipient: str, username: str | None) -> None:
    """Write the database as a data package into a new folder (whole or not at all), recorded as
    a disclosure with its justification and recipient."""
    if not justification.strip():
        raise click.UsageError("--justification must say why the data are disclosed")
    if not recipient.strip():
        raise click.UsageError("--recipient must say to whom the data are disclosed")
    from django.core.management import call_command

    from iomhub.web import setup

    setup()
    call_command("migrate", interactive=False, verbosity=0)
    from iomhub.web.exchange import ExportRefused, export_package

    actor = _web_actor(username, "export")
    try:
        with _exchange_progress() as progress:
            task = progress.add_task("Exporting...", total=None)
            counts = export_package(directory, actor, justification, recipient,
                                    progress=lambda message, done, total: progress.update(
                                        task, description=message, completed=done, total=total))
    except ExportRefused as error:
        raise click.UsageError(str(error)) from None
    click.echo(f"Wrote {directory} ({sum(counts.values()):,} rows in {len(counts)} tables); "
               f"the disclosure to {recipient} is recorded in the audit log.")


if __name__ == "__main__":
    main()
