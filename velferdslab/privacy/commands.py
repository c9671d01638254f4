"""`velferdslab retention …`: the sweep and the retention periods, for an operator or a timer."""

from __future__ import annotations

import datetime as dt
import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from velferdslab.errors import DomainError
from velferdslab.extensions import db
from velferdslab.formatting import format_date
from velferdslab.municipalities.models import Municipality
from velferdslab.privacy.retention import run_sweep, set_retention_years


@click.group("retention", help="Retention of families' personal data (storage limitation).")
def retention_group() -> None:
    pass


@retention_group.command(
    "run",
    help="List the ended families whose retention period has run out and anonymise each one "
    "not on legal hold. Every run is stored and audited.",
)
@click.option("--dry-run", is_flag=True, help="Only list what falls due; change nothing.")
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The day to sweep as (default today).",
)
@with_appcontext
def run_command(dry_run: bool, as_of: dt.datetime | None) -> None:
    today = as_of.date() if as_of else dt.date.today()
    result = run_sweep(db.session, today, current_app.config, dry_run=dry_run)
    db.session.commit()
    verb = "would be anonymised" if dry_run else "anonymised"
    click.echo(f"retention sweep {result.sweep.id} as of {format_date(today)}:")
    for item in result.anonymised:
        cleared = ", ".join(f"{k} {v}" for k, v in item.cleared.items() if v)
        click.echo(
            f"  {item.reference} ({item.municipality}): ended {format_date(item.ended_on)}, "
            f"due {format_date(item.due_on)} — {verb}" + (f" ({cleared})" if cleared else "")
        )
    for item in result.held:
        click.echo(
            f"  {item.reference} ({item.municipality}): due {format_date(item.due_on)} — "
            "kept: on legal hold"
        )
    if result.awaiting_lead:
        # strictly confidential (kode 6): not named here either; the lead confirms on the page
        click.echo(
            f"  {len(result.awaiting_lead)} strictly confidential families are due as well — "
            "kept: their lead confirms their anonymisation on the family's privacy page"
        )
    click.echo(
        f"{len(result.anonymised)} families {verb}, {len(result.held)} on legal hold"
        + (" (dry run: nothing changed)" if dry_run else "")
    )


@retention_group.command("set-period", help="Set a municipality's retention period in years.")
@click.option("--municipality", "number", required=True, help="4-digit kommunenummer.")
@click.option("--years", required=True, type=int)
@with_appcontext
def set_period_command(number: str, years: int) -> None:
    municipality = db.session.scalars(
        select(Municipality).where(Municipality.number == number)
    ).one_or_none()
    if municipality is None:
        click.echo(f"error: no municipality {number}", err=True)
        sys.exit(2)
    try:
        set_retention_years(db.session, None, municipality.id, years)
    except DomainError as error:
        db.session.rollback()
        click.echo(f"error: {error.message}", err=True)
        sys.exit(2)
    db.session.commit()
    click.echo(f"{municipality.name}: personal data kept {years} years after a family ends")
