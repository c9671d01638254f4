"""Probes: /healthz (liveness: the process answers and reaches its database) and /readyz
(readiness: the database answers, its schema is at the newest migration, and the job queue's
broker answers when one is configured). A failing probe answers 503 with the reason."""

from __future__ import annotations

from functools import cache

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from velferdslab.extensions import db


@cache
def migration_heads() -> frozenset[str]:
    from alembic.script import ScriptDirectory

    from velferdslab.schema import alembic_config

    return frozenset(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())


def not_ready_reason() -> str | None:
    from alembic.runtime.migration import MigrationContext

    from velferdslab import jobs

    try:
        db.session.execute(text("SELECT 1"))
        current = frozenset(MigrationContext.configure(db.session.connection()).get_current_heads())
    except SQLAlchemyError:
        return "the database does not answer"
    finally:
        db.session.rollback()
    if current != migration_heads():
        return "the database schema is not at the newest migration: run `velferdslab db upgrade`"
    if jobs.mode(current_app) == "queue":
        try:
            jobs.broker_answers(current_app)
        except Exception:
            return "the job queue's broker does not answer"
    return None


def create_blueprint() -> Blueprint:
    blueprint = Blueprint("health", __name__)

    @blueprint.get("/healthz")
    def healthz() -> ResponseReturnValue:
        try:
            db.session.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return jsonify(status="unavailable"), 503
        return jsonify(status="ok")

    @blueprint.get("/readyz")
    def readyz() -> ResponseReturnValue:
        reason = not_ready_reason()
        if reason is not None:
            return jsonify(status="unavailable", reason=reason), 503
        return jsonify(status="ok")

    return blueprint
