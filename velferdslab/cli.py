"""The `velferdslab` console script: Flask's CLI with the project's own commands."""

from __future__ import annotations

import click
from alembic import command as alembic_command
from alembic.config import Config as AlembicConfig
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from velferdslab.app import create_app
from velferdslab.settings import MIGRATIONS_DIR


def alembic_config(database_url: str) -> AlembicConfig:
    # No alembic.ini needed: a checkout's migrations/, or the copy an installed package carries.
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade_database(app: Flask) -> None:
    with app.app_context():
        alembic_command.upgrade(alembic_config(app.config["DATABASE_URL"]), "head")


@click.group("db", help="Database schema commands.")
def db_group() -> None:
    pass


@db_group.command("upgrade", help="Migrate the database to the newest schema.")
@with_appcontext
def db_upgrade() -> None:
    upgrade_database(current_app._get_current_object())  # type: ignore[attr-defined]
    click.echo("database is at the newest schema")


@db_group.command("check", help="Fail when the models and the migrations disagree.")
@with_appcontext
def db_check() -> None:
    alembic_command.check(alembic_config(current_app.config["DATABASE_URL"]))


def register_commands(app: Flask) -> None:
    """The factory's CLI step: `velferdslab --help` (and `flask --help`) list these."""
    from velferdslab import commands
    from velferdslab.assumptions.commands import assumptions_group
    from velferdslab.audit.commands import audit_group
    from velferdslab.ops_commands import COMMANDS as OPS_COMMANDS
    from velferdslab.privacy.commands import retention_group

    app.cli.add_command(db_group)
    app.cli.add_command(audit_group)
    app.cli.add_command(assumptions_group)
    app.cli.add_command(retention_group)
    for cmd in [*commands.COMMANDS, *OPS_COMMANDS]:
        app.cli.add_command(cmd)


@click.group(cls=FlaskGroup, create_app=create_app, add_version_option=False, load_dotenv=False)
@click.version_option(
    package_name="velferdslab", prog_name="velferdslab", message="%(prog)s %(version)s"
)
def main() -> None:
    """Velferdslab: families, investment teams, trajectories and gain estimates."""
