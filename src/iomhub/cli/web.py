"""``iomhub serve``, ``django``, ``createuser``, ``enrolment-link`` and ``notify``: the web
application, its accounts and its daily notices."""

from __future__ import annotations

import os
from datetime import date
from typing import Any

import click

from iomhub.cli.app import (
    DATE,
    local_today,
    main,
    start_django,
)


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
              add_help_option=False)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def django(args: tuple[str, ...]) -> None:
    """Run a Django management command (migrate, createsuperuser, check --deploy, ...)."""
    from django.core.management import execute_from_command_line

    start_django(migrate=False)
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
    host, _, port = addr.rpartition(":")
    if not host or not port.isdigit():
        raise click.UsageError("--addr is HOST:PORT, e.g. 127.0.0.1:8000")
    start_django(migrate=True)
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
    start_django(migrate=False)
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
    echo_enrolment_link(user, Actor.system("createuser"))


def echo_enrolment_link(user: Any, actor: Any, base: str = "") -> None:
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
    start_django(migrate=False)
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


@main.command()
@click.option("--today", type=DATE, help="The day to raise notices for (default: today).")
def notify(today: date | None) -> None:
    """Raise the notices that have fallen due (releases within 14 days, actions due within 7 days
    or overdue) for every case worker who leads someone: run it daily (cron or a systemd timer);
    each worker's first page of the day does the same for them."""
    start_django(migrate=False)
    from iomhub.web.audit.context import Actor
    from iomhub.web.notifications.services import refresh_all_due

    raised = refresh_all_due(Actor.system("notify"), today or local_today())
    for username, count in raised.items():
        click.echo(f"{username}: {count} new notice{'s' if count != 1 else ''}")
    click.echo(f"{sum(raised.values())} notices raised for {len(raised)} workers.")
