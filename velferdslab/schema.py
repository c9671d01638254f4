"""The database schema: Alembic's configuration, the upgrade every start runs, and the `db`
commands."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from velferdslab.settings import MIGRATIONS_DIR

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig


def alembic_config(database_url: str) -> AlembicConfig:
    # No alembic.ini needed: a checkout's migrations/, or the copy an installed package carries.
    # Alembic (and Mako, some 20 MB) is imported here, when the schema is looked at, not by
    # every process that merely registers the `db` commands.
    from alembic.config import Config as AlembicConfig

    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade_database(app: Flask) -> None:
    from alembic import command as alembic_command

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
    from alembic import command as alembic_command

    alembic_command.check(alembic_config(current_app.config["DATABASE_URL"]))
