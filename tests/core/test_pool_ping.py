"""Pooled connections: pinged before use only after sitting idle, and replaced when dead."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import is_postgres
from velferdslab import database


def test_an_idle_connection_the_server_dropped_is_replaced(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not is_postgres(database_url):
        pytest.skip("SQLite has no server to drop a connection")
    monkeypatch.setattr(database, "IDLE_PING_SECONDS", 0.0)
    engine = create_engine(database_url)
    database.configure_engine(engine)
    other = create_engine(database_url)
    try:
        with engine.connect() as connection:
            dropped = connection.scalar(text("SELECT pg_backend_pid()"))
        with other.connect() as connection:  # a server restart, a firewall: the link is gone
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": dropped})
            connection.commit()
        with engine.connect() as connection:
            assert connection.scalar(text("SELECT pg_backend_pid()")) != dropped
    finally:
        engine.dispose()
        other.dispose()


def test_a_busy_connection_is_not_pinged(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not is_postgres(database_url):
        pytest.skip("the ping is set up for PostgreSQL only")
    engine = create_engine(database_url)
    database.configure_engine(engine)
    pings: list[object] = []
    monkeypatch.setattr(engine.dialect, "do_ping", lambda conn: pings.append(conn) or True)
    try:
        for _ in range(3):
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        assert pings == []
        monkeypatch.setattr(database, "IDLE_PING_SECONDS", 0.0)
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        assert len(pings) == 1
    finally:
        engine.dispose()
