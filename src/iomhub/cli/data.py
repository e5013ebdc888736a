"""``iomhub synth``, ``mapping suggest``, ``import``, ``worker``, ``export`` and ``select``: data made,
mapped, moved into and out of the web application's database, and ranked for selection."""

from __future__ import annotations

import io
import sys
from datetime import date
from pathlib import Path
from typing import Any

import click

from iomhub.cli.app import (
    DATE,
    err,
    escape,
    exchange_progress,
    load_mapping,
    local_today,
    main,
    mapping_option,
    refusal,
    start_django,
    web_actor,
    write_atomically,
)


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
                  console=err.console, transient=True) as progress:
        task = progress.add_task(f"Synthesising {nominals:,} nominals...", total=None)
        counts = generate(options, output,
                          progress=lambda message: progress.update(task, description=message))
    total = sum(counts.values())
    click.echo(f"Wrote {output} ({total:,} rows in {len(counts)} tables)")


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
    start_django(migrate=True)
    from iomhub.web.cohort.selection import audit_selection, selection_from_database

    actor = web_actor(username, "select")
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

    from rich.console import Console
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
    start_django(migrate=True)
    from iomhub.web.exchange import import_package, snapshot_tables

    refused = sorted(set(whole) - set(snapshot_tables()))
    if refused:
        raise click.UsageError(f"--whole {', '.join(refused)}: a table that may be replaced whole is one of "
                               f"{', '.join(snapshot_tables())}")
    actor = web_actor(username, "import")
    with refusal(), exchange_progress() as progress:
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
    start_django(migrate=False)
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
    start_django(migrate=True)
    from iomhub.web.exchange import ExportRefused, export_package

    actor = web_actor(username, "export")
    try:
        with exchange_progress() as progress:
            task = progress.add_task("Exporting...", total=None)
            counts = export_package(directory, actor, justification, recipient,
                                    progress=lambda message, done, total: progress.update(
                                        task, description=message, completed=done, total=total))
    except ExportRefused as error:
        raise click.UsageError(str(error)) from None
    click.echo(f"Wrote {directory} ({sum(counts.values()):,} rows in {len(counts)} tables); "
               f"the disclosure to {recipient} is recorded in the audit log.")
