"""``iomhub demo``: a live synthetic unit, its report and board papers, loaded and served."""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path

import click

from iomhub.cli.app import (
    DATE,
    err,
    main,
    refusal,
    start_django,
    write_atomically,
)
from iomhub.cli.report import DOCUMENT_FORMATS, render, render_document
from iomhub.cli.web import echo_enrolment_link, serve_command

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
    start_django(migrate=True)
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
        echo_enrolment_link(admin, Actor.system("demo"), base=f"http://{addr}")
