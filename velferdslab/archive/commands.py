"""`velferdslab archive send`: one pass of the outbox, for a timer (cron, systemd)."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup

from velferdslab.archive.outbox import run_once
from velferdslab.archive.wire import TransportError

archive_group = AppGroup("archive", help="Hand records to the municipality's archive.")


@archive_group.command("send", help="Send what is queued, retry failures, read the answers.")
def send_command() -> None:
    if current_app.config.get("ARCHIVE_TRANSPORT", "off") == "off":
        click.echo("archiving is off (VELFERDSLAB_ARCHIVE_TRANSPORT=off): nothing to send")
        return
    try:
        summary = run_once()
    except TransportError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    click.echo(f"sent {summary.sent}, answers read {summary.answers}")
    for problem in summary.errors:
        click.echo(f"error: {problem}", err=True)
    if summary.errors:
        sys.exit(1)
