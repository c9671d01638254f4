"""Shared fixtures: one migrated database per run (SQLite by default, PostgreSQL when
VELFERDSLAB_TEST_DATABASE_URL names one), an app, and a per-test transaction rolled back."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask, has_app_context
from flask.testing import FlaskClient
from flask_sqlalchemy.session import _app_ctx_id
from hypothesis import settings
from sqlalchemy import create_engine, text
from sqlalchemy.orm import scoped_session, sessionmaker

from velferdslab.app import create_app
from velferdslab.audit import refusals
from velferdslab.extensions import db as flask_db
from velferdslab.schema import upgrade_database

# CI runs the same examples every time, so a red run is reproducible and no run is flaky;
# locally hypothesis keeps exploring new ones.
settings.register_profile("ci", derandomize=True, database=None, deadline=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

DB_FIXTURES = {"database_url", "app", "db", "client", "committing_app"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Tests that touch the database run twice in `make test`: on SQLite and on PostgreSQL.
    for item in items:
        if DB_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "db: touches the database (runs on SQLite and PostgreSQL)")
    compile_catalogs()


def compile_catalogs() -> None:
    """The .mo files are built, not committed: build them when missing or older than the .po."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in (Path(__file__).parent.parent / "velferdslab" / "translations").glob("*/*/*.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source, mo.open("wb") as target:
                write_mo(target, read_po(source))


def is_postgres(url: str) -> bool:
    return url.startswith("postgresql")


def reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("VELFERDSLAB_TEST_DATABASE_URL", "")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    if is_postgres(url):
        reset_postgres(url)
    return url


@pytest.fixture(scope="session")
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    application = create_app(
        {
            "ENV": "test",
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret-not-for-production",
            "REPORT_DIR": str(tmp_path_factory.mktemp("reports")),
            # Reports are made within the request, on the test's transaction; the background
            # path is tested on a committing app (tests/reports/test_verification_and_jobs.py).
            "JOBS": "inline",
        }
    )
    upgrade_database(application)
    # No app context stays pushed: each request pushes its own, so the request's session is not
    # the test's (see the db fixture).
    yield application
    with application.app_context():
        flask_db.engine.dispose()


@pytest.fixture
def db(app: Flask) -> Iterator[scoped_session]:  # type: ignore[type-arg]
    """The app's session, inside a transaction that is rolled back after the test."""
    with app.app_context():
        engine = flask_db.engine
    connection = engine.connect()
    transaction = connection.begin()
    # Commits in the code under test release a savepoint; the outer transaction is never committed.
    factory = sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    # One session per app context, as Flask-SQLAlchemy does: a request's rollback undoes only its
    # own savepoint, not the data the test prepared.
    session = scoped_session(factory, scopefunc=_session_scope)
    original = flask_db.session
    flask_db.session = session
    try:
        yield session
    finally:
        session.remove()
        flask_db.session = original
        transaction.rollback()
        connection.close()


def _session_scope() -> int | str:
    return _app_ctx_id() if has_app_context() else "test"


@pytest.fixture
def client(app: Flask, db: scoped_session) -> FlaskClient:  # type: ignore[type-arg]
    # login attempts counted by earlier tests must not leak into this one
    app.extensions["velferdslab_limiter"].reset()
    # nor refusals counted against a user id an earlier test used
    refusals.COUNTER = refusals.RefusalCounter()
    return app.test_client()


@pytest.fixture
def committing_app(app: Flask, database_url: str) -> Iterator[Flask]:
    """For tests that need real commits from several threads; every table is emptied after."""
    yield app
    empty_all_tables(database_url)


def empty_all_tables(url: str) -> None:
    engine = create_engine(url)
    tables = [table.name for table in reversed(flask_db.metadata.sorted_tables)]
    with engine.begin() as connection:
        if is_postgres(url):
            # The append-only triggers on audit_event refuse TRUNCATE; replica mode skips them.
            connection.execute(text("SET session_replication_role = replica"))
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            connection.execute(text("DROP TRIGGER IF EXISTS audit_event_no_delete"))
            for table in tables:
                connection.execute(text(f'DELETE FROM "{table}"'))
            connection.execute(
                text(
                    "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event BEGIN"
                    " SELECT RAISE(ABORT, 'audit events are append-only (DELETE refused)'); END"
                )
            )
    engine.dispose()


@pytest.fixture
def artifacts_dir() -> Path:
    path = Path(os.environ.get("VELFERDSLAB_ARTIFACTS", "test-artifacts"))
    path.mkdir(parents=True, exist_ok=True)
    return path
