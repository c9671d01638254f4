"""The application factory, made of named steps."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from velferdslab import health, transactions
from velferdslab.database import configure_engine
from velferdslab.extensions import db, make_limiter
from velferdslab.routing import register_converters
from velferdslab.settings import PROJECT_ROOT, load_settings


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(
        "velferdslab",
        instance_path=str(PROJECT_ROOT / "instance"),
        template_folder="templates",
        static_folder="static",
    )
    load_config(app, overrides)
    init_operations(app)
    init_extensions(app)
    register_converters(app)
    register_blueprints(app)
    register_cli(app)
    return app


def load_config(app: Flask, overrides: Mapping[str, Any] | None) -> None:
    settings = load_settings(overrides, instance_path=Path(app.instance_path))
    app.config.update(settings)
    app.config["SQLALCHEMY_DATABASE_URI"] = settings["DATABASE_URL"]
    # Idle connections are pinged before use (velferdslab.database), not every checkout.
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
    app.config["TESTING"] = settings["ENV"] == "test"
    app.config["RATELIMIT_HEADERS_ENABLED"] = True


def init_operations(app: Flask) -> None:
    """JSON request log, request metrics, /metrics. Registered before the other steps, so that
    their after-request hooks run last and see the status the client gets."""
    from velferdslab import jobs, metrics, requestlog

    requestlog.init_app(app)
    metrics.init_app(app)
    app.extensions[metrics.QUEUE_DEPTH] = lambda: (
        jobs.queue_depth(app) if jobs.mode(app) == "queue" else 0
    )
    app.register_blueprint(metrics.create_blueprint())


def init_extensions(app: Flask) -> None:
    import velferdslab.models  # noqa: F401  (every table known to the metadata)

    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine, strict=app.testing)
    limiter = make_limiter()
    limiter.init_app(app)
    app.extensions["velferdslab_limiter"] = limiter
    transactions.init_app(app)


def register_blueprints(app: Flask) -> None:
    from velferdslab.api.core import init_api
    from velferdslab.api.registry import api_blueprints
    from velferdslab.web import navigation
    from velferdslab.web.setup import init_web

    app.register_blueprint(health.create_blueprint())
    init_web(app)
    navigation.init_app(app)
    api = init_api(app)
    for blueprint in api_blueprints(app.extensions["velferdslab_limiter"]):
        api.register_blueprint(blueprint)


def register_cli(app: Flask) -> None:
    """`velferdslab --help` (and `flask --help`) list these."""
    from velferdslab import commands
    from velferdslab.archive.commands import archive_group
    from velferdslab.assumptions.commands import assumptions_group
    from velferdslab.audit.commands import audit_group
    from velferdslab.ops_commands import COMMANDS as OPS_COMMANDS
    from velferdslab.privacy.commands import retention_group
    from velferdslab.schema import db_group

    app.cli.add_command(db_group)
    app.cli.add_command(audit_group)
    app.cli.add_command(assumptions_group)
    app.cli.add_command(retention_group)
    app.cli.add_command(archive_group)
    for cmd in [*commands.COMMANDS, *OPS_COMMANDS]:
        app.cli.add_command(cmd)
