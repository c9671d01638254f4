"""`velferdslab demo`: fill the database with a deterministic demo programme."""

from __future__ import annotations

import sys
import time

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from velferdslab.demo.generator import DEMO_LOGINS, generate
from velferdslab.extensions import db
from velferdslab.municipalities.models import Municipality


def print_logins() -> None:
    click.echo("\nDemo logins (demo data only — never use these passwords for real):")
    click.echo(f"  {'user':<9} {'password':<19} {'role':<17} scope")
    for username, password, roles, regional in DEMO_LOGINS:
        scope = "all municipalities" if regional else "Asker"
        click.echo(f"  {username:<9} {password:<19} {', '.join(roles):<17} {scope}")


@click.command("demo", help="Generate demo data (deterministic for a seed).")
@click.option("--families", default=60, show_default=True, type=click.IntRange(0, 200_000))
@click.option("--municipalities", default=1, show_default=True, type=click.IntRange(1, 41))
@click.option("--seed", default=2026, show_default=True, type=int)
@click.option("--if-empty", is_flag=True, help="Only when the database has no municipality yet.")
@click.option(
    "--workload",
    type=click.Choice(["demo", "national"]),
    default="demo",
    show_default=True,
    help="national: every family 2–4 years into its journey (the benchmark workload W-national).",
)
@with_appcontext
def demo_command(
    families: int, municipalities: int, seed: int, if_empty: bool, workload: str
) -> None:
    if if_empty and db.session.scalar(select(Municipality.id).limit(1)) is not None:
        click.echo("The database already has data: no demo data generated.")
        print_logins()
        return
    started = time.perf_counter()
    try:
        summary = generate(
            db.session,
            families=families,
            municipalities=municipalities,
            seed=seed,
            workload=workload,
        )
        db.session.commit()
    except ValueError as error:
        db.session.rollback()
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    took = time.perf_counter() - started
    click.echo(
        f"Generated {families} families in {municipalities} municipalities in {took:.1f} s "
        f"({sum(summary.rows.values())} rows)."
    )
    print_logins()
