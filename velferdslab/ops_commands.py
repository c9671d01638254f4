"""Commands for operations: `velferdslab worker`, `velferdslab backup`, `velferdslab restore`."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import func, inspect, select
from sqlalchemy.engine import make_url

from velferdslab import jobs
from velferdslab.database import create_private
from velferdslab.extensions import db


def _app() -> Flask:
    return current_app._get_current_object()  # type: ignore[attr-defined,no-any-return]


@click.command("worker", help="Run background jobs from the queue (needs JOB_BROKER_URL).")
@click.option("--threads", default=1, show_default=True, type=int, help="Jobs run at once.")
@click.option(
    "--metrics-port", type=int, default=None,
    help="Serve this worker's metrics (job durations and outcomes) at :PORT/metrics.",
)  # fmt: skip
@click.option("--metrics-host", default="127.0.0.1", show_default=True)
@with_appcontext
def worker_command(threads: int, metrics_port: int | None, metrics_host: str) -> None:
    app = _app()
    if jobs.mode(app) != "queue":
        click.echo(
            "error: no job queue: set VELFERDSLAB_JOB_BROKER_URL (redis://host:6379/0). Without "
            "one, jobs run in the app's own processes and need no worker.",
            err=True,
        )
        sys.exit(2)
    if metrics_port is not None:
        from prometheus_client import start_http_server

        start_http_server(metrics_port, addr=metrics_host)
    jobs.run_worker(app, threads)


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection string without the password (that goes in PGPASSWORD, not argv)."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        click.echo(f"error: {name} not found: install the PostgreSQL client tools.", err=True)
        sys.exit(2)
    return found


@click.command("backup", help="Write the whole database to FILE (PostgreSQL: pg_dump's format).")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(file: Path) -> None:
    url = str(_app().config["DATABASE_URL"])
    # Personal data: the backup is readable by the service's user only, from its first byte.
    create_private(file, truncate=True)
    if url.startswith("sqlite"):
        source = sqlite3.connect(str(make_url(url).database))
        with sqlite3.connect(str(file)) as target:
            source.backup(target)  # a consistent copy while the app runs
        source.close()
    else:
        address, env = _libpq(url)
        # One snapshot of every table: the audit chain and the records it covers agree.
        subprocess.run(  # noqa: S603
            [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
             f"--file={file}", f"--dbname={address}"],
            env=env, check=True, umask=0o077,
        )  # fmt: skip
    click.echo(f"backup written to {file} ({file.stat().st_size} bytes)")


@click.command("restore", help="Restore a backup from FILE into this (empty) database.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def restore_command(file: Path) -> None:
    from velferdslab.audit.services import verify_chain
    from velferdslab.families.models import Family
    from velferdslab.reports.models import IssuedReport

    url = str(_app().config["DATABASE_URL"])
    if inspect(db.engine).get_table_names():
        click.echo(
            "error: the database is not empty: restore into a new, empty database, then point "
            "the service at it.",
            err=True,
        )
        sys.exit(2)
    db.session.remove()
    db.engine.dispose()
    if url.startswith("sqlite"):
        with (
            sqlite3.connect(str(file)) as source,
            sqlite3.connect(str(make_url(url).database)) as target,
        ):
            source.backup(target)
    else:
        address, env = _libpq(url)
        subprocess.run(  # noqa: S603
            [_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
             "--single-transaction", f"--dbname={address}", str(file)],
            env=env, check=True,
        )  # fmt: skip
    families = db.session.scalar(select(func.count()).select_from(Family))
    reports = db.session.scalar(
        select(func.count()).select_from(IssuedReport).where(IssuedReport.status == "ready")
    )
    chain = verify_chain(db.session)
    click.echo(f"restored {file}: {families} families, {reports} issued reports")
    if not chain.intact:
        click.echo(f"audit log BROKEN at event {chain.first_broken_id}: {chain.reason}", err=True)
        sys.exit(1)
    click.echo(f"audit log intact: {chain.checked} events, every link verified")


COMMANDS: list[click.Command] = [worker_command, backup_command, restore_command]
