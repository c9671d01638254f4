"""`velferdslab audit verify`: walk the hash chain and report the first broken link."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from velferdslab.audit.services import verify_chain
from velferdslab.extensions import db


@click.group("audit", help="The audit log.")
def audit_group() -> None:
    pass


@audit_group.command("verify", help="Check that no audit event was altered, removed or inserted.")
@with_appcontext
def verify_command() -> None:
    report = verify_chain(db.session)
    if report.intact:
        click.echo(f"audit log intact: {report.checked} events, every link verified")
        return
    click.echo(
        f"audit log BROKEN at event {report.first_broken_id}: {report.reason} "
        f"({report.checked} events before it verified)",
        err=True,
    )
    sys.exit(1)
