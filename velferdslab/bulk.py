"""Rows of many families written at once (an import on PostgreSQL): the batch services check
their rows as always and, while a `Bulk` collects for the session, hand their new rows to it
instead of writing them; it gives each row its id from the table's sequence (taken ahead, a
block at a time) and writes each table's rows with one COPY when asked. Nothing is written
until then, so a family the rules refuse is dropped from the collected rows (`mark`/`undo`)
without a savepoint, and a chunk of families costs a few statements instead of ten a family.

Without a collecting Bulk (SQLite, or any other caller) the services write as before: one Core
INSERT (`insert_rows`) or an ORM flush (`add_objects`)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from typing import Any, cast

from sqlalchemy import JSON, Table, insert, inspect, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import make_transient_to_detached

from velferdslab.db import AnySession

KEY = "velferdslab_bulk"
BLOCK = 2000  # ids taken from a sequence at a time


class WriteFailed(Exception):
    """The database refused the collected rows (a unique key taken meanwhile, say)."""


class Bulk:
    """Rows by table, in the order given; ids taken ahead by table."""

    def __init__(self, session: AnySession) -> None:
        self.session = session
        self.rows: dict[Table, list[dict[str, Any]]] = {}
        self.pool: dict[Table, list[int]] = {}
        self.attached: list[Any] = []  # objects put in the session's identity map (`keep`)

    def ids(self, table: Table, count: int) -> list[int]:
        """`count` new ids of the table, ascending (the pool is kept highest first, so they are
        taken from its end)."""
        pool = self.pool.setdefault(table, [])
        if len(pool) < count:
            block = self.session.scalars(
                text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                     "FROM generate_series(1, :count)"),
                {"table": table.name, "count": max(count - len(pool), BLOCK)},
            )  # fmt: skip
            pool[:0] = sorted(block, reverse=True)  # above every id left in the pool
        taken = pool[len(pool) - count :]
        del pool[len(pool) - count :]
        taken.reverse()
        return taken

    def add(self, table: Table, rows: Sequence[dict[str, Any]]) -> list[int]:
        """The rows (without ids) kept for the write; their ids, in order."""
        ids = self.ids(table, len(rows))
        kept = self.rows.setdefault(table, [])
        kept.extend(_completed(table, {**row, "id": i}) for row, i in zip(rows, ids, strict=True))
        return ids

    def add_objects(self, objects: Sequence[Any], *, keep: bool = False) -> None:
        """New ORM objects of one class, given their ids and column defaults as a flush would;
        `keep`: put them in the session's identity map as stored (session.get finds them)."""
        if not objects:
            return
        mapper = inspect(type(objects[0]))
        table = cast(Table, mapper.local_table)
        attrs = [(a.key, a.columns[0]) for a in mapper.column_attrs]
        rows = []
        for obj in objects:
            state = inspect(obj)
            row = {c.name: state.dict[key] for key, c in attrs if key in state.dict}
            rows.append(row)
        ids = self.add(table, [{k: v for k, v in r.items() if k != "id"} for r in rows])
        for obj, i, row in zip(objects, ids, self.rows[table][-len(objects) :], strict=True):
            assert row["id"] == i
            given = inspect(obj).dict
            for key, column in attrs:
                if key not in given and column.name in row:
                    setattr(obj, key, row[column.name])
            if keep:
                make_transient_to_detached(obj)
                self.session.add(obj)
                self.attached.append(obj)

    def mark(self) -> tuple[dict[Table, int], int]:
        return {t: len(rows) for t, rows in self.rows.items()}, len(self.attached)

    def undo(self, mark: tuple[dict[Table, int], int]) -> None:
        """Drop what was added since `mark` (a family the rules refused)."""
        lengths, attached = mark
        for table, rows in self.rows.items():
            del rows[lengths.get(table, 0) :]
        for obj in self.attached[attached:]:
            self.session.expunge(obj)
        del self.attached[attached:]

    def clear(self) -> None:
        """Forget every row collected (a chunk written, or given up for a redo)."""
        self.undo(({}, 0))
        self.attached.clear()

    def write(self) -> None:
        """Each table's rows with one COPY a table, parents first (WriteFailed)."""
        if not any(self.rows.values()):
            return
        # PostgreSQL's driver, loaded where rows are copied: the app on SQLite never loads it
        import psycopg

        try:
            self._copy()
        except (psycopg.Error, DBAPIError) as error:
            raise WriteFailed(str(error)) from error
        self.clear()

    def _copy(self) -> None:
        connection = self.session.connection()
        dialect = connection.dialect
        raw: Any = connection.connection.driver_connection
        order = {t: i for i, t in enumerate(next(iter(self.rows)).metadata.sorted_tables)}
        for table in sorted(self.rows, key=lambda t: order[t]):
            groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
            for row in self.rows[table]:
                groups.setdefault(tuple(row), []).append(row)
            for names, rows in groups.items():
                converters = _converters(table, names, dialect)
                quoted = ", ".join(dialect.identifier_preparer.quote(n) for n in names)
                with (
                    raw.cursor() as cursor,
                    cursor.copy(
                        f"COPY {dialect.identifier_preparer.format_table(table)} ({quoted}) "
                        "FROM STDIN"
                    ) as copy,
                ):
                    for row in rows:
                        values = [row[name] for name in names]
                        for index, convert in converters:
                            values[index] = convert(values[index])
                        copy.write_row(values)


def _converters(table: Table, names: Sequence[str], dialect: Any) -> list[tuple[int, Any]]:
    """The columns whose values the dialect converts before the driver sees them (an INSERT's
    bind processors: enumerations, JSON), by position."""
    found = []
    for index, name in enumerate(names):
        column_type = table.c[name].type
        processor: Any = column_type._cached_bind_processor(dialect)
        if processor is None and isinstance(column_type, JSON):
            processor = getattr(dialect, "_json_serializer", None) or json.dumps
        if processor is not None:
            found.append((index, processor))
    return found


def _completed(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    """The row with the Python-side defaults of the columns it leaves out (as an INSERT gives
    them); columns with a server default alone are left to the server."""
    for name, default in _defaults(table):
        if name not in row:
            row[name] = default.arg if default.is_scalar else default.arg(None)
    return row


@cache
def _defaults(table: Table) -> list[tuple[str, Any]]:
    return [
        (c.name, c.default)
        for c in table.columns
        if c.default is not None and (c.default.is_scalar or c.default.is_callable)
    ]


def active(session: AnySession) -> Bulk | None:
    bulk: Bulk | None = session.info.get(KEY)
    return bulk


@contextmanager
def collecting(session: AnySession, bulk: Bulk) -> Iterator[Bulk]:
    """The services hand their new rows to `bulk` within this block."""
    session.info[KEY] = bulk
    try:
        yield bulk
    finally:
        session.info.pop(KEY, None)


def insert_rows(
    session: AnySession, table: Table, rows: Sequence[dict[str, Any]], *returning: str
) -> list[tuple[Any, ...]]:
    """New rows of a table, every one with the same keys, in one Core INSERT (one statement per
    thousand rows on both databases) or collected by the session's Bulk; the `returning`
    columns of each row written (in no particular order without a Bulk)."""
    bulk = active(session)
    if bulk is not None:
        bulk.add(table, rows)
        written = bulk.rows[table][len(bulk.rows[table]) - len(rows) :]
        return [tuple(row[name] for name in returning) for row in written]
    if not returning:
        session.execute(insert(table), rows)
        return []
    statement = insert(table).returning(*(table.c[name] for name in returning))
    return [tuple(row) for row in session.execute(statement, rows)]


def add_objects(session: AnySession, objects: Sequence[Any], *, keep: bool = False) -> None:
    """New ORM objects of one class: flushed, or collected by the session's Bulk."""
    bulk = active(session)
    if bulk is not None:
        bulk.add_objects(objects, keep=keep)
        return
    session.add_all(objects)
    session.flush()
