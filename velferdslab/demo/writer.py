"""Bulk writing of generated rows: COPY on PostgreSQL, executemany elsewhere, one transaction."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, insert, select, text

from velferdslab.db import AnySession
from velferdslab.models import metadata


def next_ids(session: AnySession, tables: Sequence[str]) -> dict[str, int]:
    """Ids are given in Python so that child rows need no round trip to learn them."""
    starts = {}
    for name in tables:
        table = metadata.tables[name]
        starts[name] = int(session.scalar(select(func.coalesce(func.max(table.c.id), 0))) or 0) + 1
    return starts


def write(session: AnySession, rows_by_table: dict[str, list[dict[str, Any]]]) -> None:
    postgres = session.get_bind().dialect.name == "postgresql"
    for table in metadata.sorted_tables:
        rows = rows_by_table.get(table.name)
        if not rows:
            continue
        if postgres:
            _copy(session, table.name, rows)
        else:
            session.execute(insert(table), rows)
    if postgres:
        _reset_sequences(session, [t for t in rows_by_table if "id" in metadata.tables[t].c])


def _copy(session: AnySession, table: str, rows: list[dict[str, Any]]) -> None:
    columns = list(rows[0])
    raw = session.connection().connection.dbapi_connection
    assert raw is not None
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with raw.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[attr-defined]
        for row in rows:
            copy.write_row([_copy_value(row[c]) for c in columns])


def _copy_value(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return getattr(value, "value", value)


def _reset_sequences(session: AnySession, tables: list[str]) -> None:
    # After explicit ids, the sequences must move past them or the next ORM insert collides.
    for name in tables:
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'),"  # noqa: S608
                f" (SELECT COALESCE(MAX(id), 1) FROM {name}))"
            )
        )
