"""Project commands of the `velferdslab` CLI: users, demo data, serving."""

from __future__ import annotations

import os
import sys

import click
from flask.cli import with_appcontext

from velferdslab.extensions import db
from velferdslab.users.services import UserError, create_user


@click.command("create-user", help="Create a staff user (no --municipality: a regional user).")
@click.option("--username", required=True)
@click.option("--password", required=True, help="At least 10 characters.")
@click.option("--role", "roles", multiple=True, required=True, help="Repeat for several roles.")
@click.option("--municipality", "municipality_number", help="4-digit kommunenummer.")
@click.option(
    "--agency", default=None, help="The agency (name or id) in the municipality the user works for."
)
@click.option("--full-name", default=None)
@click.option("--email", default=None)
@with_appcontext
def create_user_command(
    username: str,
    password: str,
    roles: tuple[str, ...],
    municipality_number: str | None,
    agency: str | None,
    full_name: str | None,
    email: str | None,
) -> None:
    try:
        user = create_user(
            db.session,
            username=username,
            password=password,
            roles=roles,
            full_name=full_name,
            email=email,
            municipality_number=municipality_number,
            agency=agency,
        )
        db.session.commit()
    except UserError as error:
        db.session.rollback()
        for field, messages in error.errors.items():
            click.echo(f"error: {field}: {' '.join(messages)}", err=True)
        sys.exit(2)
    scope = f"municipality {municipality_number}" if municipality_number else "regional"
    click.echo(f"created user {user.username} (id {user.id}, {scope}, roles {', '.join(roles)})")


@click.command("serve", help="Serve the application with gunicorn.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int)
def serve_command(host: str, port: int, workers: int) -> None:
    # gunicorn builds its own app in each worker from the factory: no state crosses the fork.
    args = [
        sys.executable, "-m", "gunicorn",
        "--bind", f"{host}:{port}",
        "--workers", str(workers),
        "--config", "python:velferdslab.gunicorn_conf",  # metrics across workers, JSON logs
        "velferdslab.wsgi:app",
    ]  # fmt: skip
    os.execv(sys.executable, args)  # noqa: S606  (replace this process: signals reach gunicorn)


def _demo() -> click.Command:
    from velferdslab.demo.commands import demo_command

    return demo_command


COMMANDS: list[click.Command] = [create_user_command, serve_command, _demo()]
