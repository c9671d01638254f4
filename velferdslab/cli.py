"""The `velferdslab` console script: Flask's CLI with the project's own commands (registered by
the application factory's CLI step)."""

from __future__ import annotations

import click
from flask.cli import FlaskGroup

from velferdslab.app import create_app


@click.group(cls=FlaskGroup, create_app=create_app, add_version_option=False, load_dotenv=False)
@click.version_option(
    package_name="velferdslab", prog_name="velferdslab", message="%(prog)s %(version)s"
)
def main() -> None:
    """Velferdslab: families, investment teams, trajectories and gain estimates."""
