"""A database no other test uses, for tests that run the app in another thread or process: a
fresh SQLite file, or a fresh schema of the PostgreSQL database named by
VELFERDSLAB_TEST_DATABASE_URL (the suite's own tables there belong to tests/conftest.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def with_search_path(url: str, schema: str) -> str:
    parsed = make_url(url)
    given = parsed.query.get("options")
    options = " ".join(
        [*([given] if isinstance(given, str) else given or ()), f"-csearch_path={schema}"]
    )
    return parsed.update_query_dict({"options": options}).render_as_string(hide_password=False)


@contextmanager
def isolated_database(name: str, folder: Path) -> Iterator[str]:
    """The URL of an empty database called `name`, dropped again on PostgreSQL afterwards."""
    url = os.environ.get("VELFERDSLAB_TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        yield f"sqlite:///{folder / f'{name}.db'}"
        return
    engine = create_engine(url)
    statements = [f"DROP SCHEMA IF EXISTS {name} CASCADE", f"CREATE SCHEMA {name}"]
    with engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))
    try:
        yield with_search_path(url, name)
    finally:
        with engine.begin() as connection:
            connection.execute(text(statements[0]))
        engine.dispose()
