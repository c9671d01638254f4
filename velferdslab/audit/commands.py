"""`velferdslab audit …`: verify the hash chain against signed checkpoints, make and export
checkpoints, and make the signing key."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext

from velferdslab.audit.checkpoints import (
    Checkpoint,
    export,
    make_checkpoint,
    parse_export,
    read_copy,
    stored_checkpoints,
)
from velferdslab.audit.keys import (
    CheckpointKeyError,
    generate_key_pair,
    key_id,
    load_public_key,
    public_key,
    signing_key,
)
from velferdslab.audit.services import ChainReport
from velferdslab.audit.verify import check_chain, numbering_problems, verify_with_checkpoints
from velferdslab.db import utcnow
from velferdslab.extensions import db


@click.group("audit", help="The audit log.")
def audit_group() -> None:
    pass


def _chain_broken(report: ChainReport) -> None:
    click.echo(
        f"audit log BROKEN at event {report.first_broken_id}: {report.reason} "
        f"({report.checked} events before it verified)",
        err=True,
    )


@audit_group.command(
    "verify",
    help="Check that no audit event was altered, removed, inserted or reordered and that the "
    "log still holds everything the signed checkpoints vouch for. Without options: the stored "
    "checkpoints, checked with the configured public key.",
)
@click.option(
    "--public-key",
    "public_key_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The Ed25519 public key (PEM) the checkpoints were signed with.",
)
@click.option(
    "--checkpoints",
    "checkpoints_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Checkpoints exported earlier (`audit checkpoints`), e.g. from the archive.",
)
@with_appcontext
def verify_command(public_key_file: Path | None, checkpoints_file: Path | None) -> None:
    config = current_app.config
    try:
        key = (
            load_public_key(public_key_file.read_bytes()) if public_key_file else public_key(config)
        )
    except CheckpointKeyError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    if key is None:
        if checkpoints_file is not None:
            click.echo("error: --checkpoints needs a public key (--public-key)", err=True)
            sys.exit(2)
        report = check_chain(db.session)
        if not report.intact:
            _chain_broken(report)
            sys.exit(1)
        click.echo(f"audit log intact: {report.checked} events, every link verified")
        click.echo(
            "warning: no audit public key configured, so no signed checkpoint was checked; "
            "the chain alone does not show edits by someone who recomputed it",
            err=True,
        )
        return
    if checkpoints_file is not None:
        try:
            checkpoints = parse_export(checkpoints_file.read_text())
        except ValueError as error:
            click.echo(f"error: {checkpoints_file}: {error}", err=True)
            sys.exit(2)
        max_age = None
        numbering: list[str] = []
    else:
        checkpoints, numbering = _stored_and_copied(config)
        max_age = dt.timedelta(seconds=2 * int(config["AUDIT_CHECKPOINT_INTERVAL_SECONDS"]))
    result = verify_with_checkpoints(db.session, key, checkpoints, now=utcnow(), max_age=max_age)
    if not result.chain.intact:
        _chain_broken(result.chain)
    for problem in result.problems + numbering:
        click.echo(f"audit log NOT VERIFIED: {problem}", err=True)
    if not result.intact or numbering:
        sys.exit(1)
    click.echo(
        f"audit log intact: {result.chain.checked} events, every link verified; "
        f"{result.checked} signed checkpoints match (key {key_id(key)})"
    )


def _stored_and_copied(config: Mapping[str, Any]) -> tuple[list[Checkpoint], list[str]]:
    """The stored checkpoints and, when a copy file is configured, the copied ones the database
    lacks (each checked against the log as well), with what their numbers show."""
    stored = stored_checkpoints(db.session)
    copy_file = config.get("AUDIT_CHECKPOINT_COPY_FILE")
    if not copy_file:
        return stored, numbering_problems(stored, None)
    try:
        copy = read_copy(Path(copy_file))
    except (OSError, ValueError) as error:
        click.echo(f"error: the checkpoint copy {copy_file}: {error}", err=True)
        sys.exit(2)
    kept = {c.signature for c in stored}
    extra = [c for c in copy if c.signature not in kept]
    return stored + extra, numbering_problems(stored, copy)


@audit_group.command("checkpoint", help="Sign a checkpoint of the audit log now (for a timer).")
@click.option("--reason", default="interval", show_default=True)
@with_appcontext
def checkpoint_command(reason: str) -> None:
    try:
        key = signing_key(current_app.config)
    except CheckpointKeyError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    if key is None:
        click.echo(
            "error: no audit signing key configured (VELFERDSLAB_AUDIT_SIGNING_KEY_FILE or "
            "VELFERDSLAB_AUDIT_SIGNING_KEY; make one with `velferdslab audit keygen`)",
            err=True,
        )
        sys.exit(2)
    row = make_checkpoint(db.session, key, reason)
    db.session.commit()
    click.echo(f"checkpoint {row.id}: {row.event_count} events, newest hash {row.last_hash}")


@audit_group.command(
    "checkpoints", help="Export the signed checkpoints as JSON, for the municipality's archive."
)
@click.option(
    "--since", type=click.DateTime(formats=["%Y-%m-%d"]), help="Only those made on or after."
)
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Default: stdout."
)
@with_appcontext
def checkpoints_command(since: dt.datetime | None, output: Path | None) -> None:
    try:
        key = public_key(current_app.config)
    except CheckpointKeyError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    since_utc = None if since is None else since.replace(tzinfo=dt.UTC)
    document = export(stored_checkpoints(db.session, since=since_utc), key)
    if output is None:
        click.echo(document, nl=False)
    else:
        output.write_text(document)
        click.echo(f"wrote {output}", err=True)


@audit_group.command(
    "keygen",
    help="Make an Ed25519 signing key and its public key. Keep the signing key out of the "
    "database and its backups; give the public key to the archive and the auditors.",
)
@click.option(
    "--directory",
    "-d",
    default=".",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
)
def keygen_command(directory: Path) -> None:
    try:
        private_path, public_path = generate_key_pair(directory)
    except CheckpointKeyError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    click.echo(f"signing key: {private_path} (mode 600)")
    click.echo(f"public key:  {public_path}")
    click.echo(
        f"configure: VELFERDSLAB_AUDIT_SIGNING_KEY_FILE={private_path.resolve()} "
        f"(or put its content in VELFERDSLAB_AUDIT_SIGNING_KEY)"
    )
