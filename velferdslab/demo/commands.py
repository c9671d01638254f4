"""`velferdslab demo`: fill the database with a deterministic demo programme."""

from __future__ import annotations

import sys
import time

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from velferdslab.demo.generator import DEMO_EMAIL_DOMAIN, DEMO_LOGINS, generate
from velferdslab.extensions import db
from velferdslab.families.models import Family, Member
from velferdslab.municipalities.models import Municipality
from velferdslab.users.models import User


def has_demo_logins() -> bool:
    """Whether this database holds the demo's users (made by `velferdslab demo`)."""
    lead = db.session.scalars(select(User).where(User.username == DEMO_LOGINS[1][0])).first()
    return lead is not None and lead.email == f"{lead.username}@{DEMO_EMAIL_DOMAIN}"


def print_logins() -> None:
    click.echo("\nDemo logins (demo data only — never use these passwords for real):")
    click.echo(f"  {'user':<9} {'password':<19} {'role':<17} scope")
    for username, password, roles, regional in DEMO_LOGINS:
        scope = "all municipalities" if regional else "Asker"
        click.echo(f"  {username:<9} {password:<19} {', '.join(roles):<17} {scope}")
    showcase = db.session.execute(
        select(Family.reference, Member.full_name, Member.national_id)
        .join(Member, Member.family_id == Family.id)
        .join(User, User.id == Family.investment_lead_id)
        .where(User.username == DEMO_LOGINS[1][0], Member.national_id.is_not(None))
        .order_by(Family.id, Member.id)
        .limit(1)
    ).first()
    if showcase is not None:
        reference, name, national_id = showcase
        click.echo(
            f"\nDemo family {reference} (lead's and member's): {name}, national id "
            f"{national_id} — for an access request by letter (admin: Administrasjon → Personvern)."
        )


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
        if has_demo_logins():
            click.echo("The database already has the demo data: nothing generated.")
            print_logins()
        else:  # an operator's own data: there are no demo logins to print
            click.echo("The database already has data: no demo data generated, no demo logins.")
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
