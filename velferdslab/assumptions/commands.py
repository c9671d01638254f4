"""`velferdslab assumptions load FILE` and `velferdslab assumptions list`."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from velferdslab.assumptions.models import AssumptionSet
from velferdslab.assumptions.services import create_set
from velferdslab.benefits.params import InvalidAssumptions, load_toml
from velferdslab.extensions import db


@click.group("assumptions", help="Assumption sets of the benefit model.")
def assumptions_group() -> None:
    pass


@assumptions_group.command("load", help="Store a TOML file as a new assumption-set version.")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def load_command(path: Path) -> None:
    try:
        params = load_toml(path)
    except (InvalidAssumptions, ValueError) as error:
        for field, messages in getattr(error, "errors", {"file": [str(error)]}).items():
            click.echo(f"error: {field}: {' '.join(messages)}", err=True)
        sys.exit(2)
    row = create_set(db.session, params, None)
    db.session.commit()
    click.echo(f"stored {row.name!r} version {row.version} (id {row.id})")


@assumptions_group.command("list", help="Every assumption set and version.")
@with_appcontext
def list_command() -> None:
    for row in db.session.scalars(
        select(AssumptionSet).order_by(AssumptionSet.name, AssumptionSet.version)
    ):
        state = "immutable" if row.immutable else "open"
        click.echo(f"{row.id:>4}  {row.name}  v{row.version}  price year {row.price_year}  {state}")
