"""``iomhub check``, ``report`` and ``convert``: a package read, checked and turned into the report,
the board papers or another format."""

from __future__ import annotations

import contextlib
import importlib
import sys
import threading
from datetime import date
from pathlib import Path
from typing import Any

import click

from iomhub.cli.app import (
    DATE,
    engine_options,
    err,
    escape,
    load_mapping,
    local_today,
    main,
    mapping_option,
    read_on,
    refusal,
    write_atomically,
)
from iomhub.cli.process import collector_paused
from iomhub.domain.ages import AgeBands
from iomhub.domain.dates import Span


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
    computing = _import_beside("iomhub.reports.model", "rich.console")
    if fmt == "json" and document not in (None, "performance"):
        raise click.UsageError(f"--format json is the performance report's figures only; write the "
                               f"{document} document as html, pdf, docx or xlsx")
    if fmt in BINARY_FORMATS and output is None:
        raise click.UsageError(f"--format {fmt} is a binary file: give -o FILE (it is never written to "
                               "the terminal)")
    # Not on Spark: py4j lets go of the JVM's objects as Python collects its proxies.
    with collector_paused() if engine == "polars" else contextlib.nullcontext(), refusal():
        with err.status("Reading and checking the package..."):
            data, on_spark = read_on(engine, package, mapping_file, spark_master)
        computing.join()  # before the next import of a module of the report's (iomhub.reports.params)
        from iomhub.reports.model import build_report

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


def _import_beside(*modules: str) -> threading.Thread:
    """``modules`` imported on a thread of their own, started now: the report's modules (numpy,
    Narwhals, the metrics; a fifth of a second) and rich (for the last lines on standard error)
    are imported while Polars reads the package's files, which it does without holding Python's
    lock. Reading imports none of them. Should an import fail there, the caller's own import
    after ``join`` raises the error."""
    def load() -> None:
        for module in modules:
            with contextlib.suppress(Exception):
                importlib.import_module(module)

    thread = threading.Thread(target=load, name=f"import {modules[0]}", daemon=True)
    thread.start()
    return thread


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
