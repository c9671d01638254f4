"""Engine set-up per dialect and the transaction boundary of a request.

SQLite (WAL): a transaction that may write takes the write lock when it begins (BEGIN
IMMEDIATE), so that nothing it reads can change before it writes. The transactions of a request
that only reads (GET, HEAD, OPTIONS) begin DEFERRED instead: readers share the database with
each other and with the one writer. Such a request's audit events are written after its read
transaction ended, in a short transaction of their own (velferdslab.transactions,
`write_transaction`).

A deferred transaction cannot safely start writing: SQLite does not wait for the lock then (its
busy handler is not called for a transaction that already read) and refuses outright
(SQLITE_BUSY_SNAPSHOT) once another writer committed after its first read. A write in one is
therefore a programming error: refused in tests (`strict`), logged in production, where SQLite
still lets it through when nobody else wrote meanwhile.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from flask import current_app, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError

from velferdslab.db import AnySession

log = logging.getLogger(__name__)

# Requests with these methods only read; see the module's description.
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_writing: ContextVar[bool] = ContextVar("velferdslab_writing", default=False)


class WriteInReadTransaction(RuntimeError):
    """A request that only reads (GET) wrote in its deferred SQLite transaction."""


@contextmanager
def write_transaction() -> Iterator[None]:
    """Transactions begun inside take SQLite's write lock at BEGIN, also in a GET request."""
    token = _writing.set(True)
    try:
        yield
    finally:
        _writing.reset(token)


F = TypeVar("F", bound=Callable[..., Any])
WRITES = "velferdslab_writes"


def writes(view: F) -> F:
    """Marks a GET view that writes (an OpenID provider's redirect back, which signs the user
    in): its transactions take the write lock at BEGIN as a POST's do."""
    setattr(view, WRITES, True)
    return view


def reads_deferred() -> bool:
    """Whether a SQLite transaction begun now begins DEFERRED: in a request that only reads,
    outside `write_transaction`. (Everything else — other requests, commands, jobs, tests
    outside a request — takes the write lock at BEGIN.)"""
    if not has_request_context() or request.method not in READ_METHODS or _writing.get():
        return False
    view = current_app.view_functions.get(request.endpoint or "")
    return not getattr(view, WRITES, False)


@contextmanager
def written_apart(session: AnySession) -> Iterator[None]:
    """For the rare write a request that only reads must make (the shipped default assumption
    set stored the first time it is asked for). On SQLite, in such a request, the read
    transaction ends and the block writes in a transaction of its own, committed when the block
    ends; the request reads on in a new snapshot, as every statement does on PostgreSQL.
    Everywhere else the block joins the current transaction, as any write does."""
    if not (reads_deferred() and session.get_bind().dialect.name == "sqlite"):
        yield
        return
    from velferdslab.audit.log import pending_of, take_pending

    # The request's own events wait for its end (velferdslab.transactions), not these commits.
    held = take_pending(session)
    try:
        session.commit()
        with write_transaction():
            try:
                yield
                session.commit()
            except BaseException:
                session.rollback()
                raise
    finally:
        pending_of(session)[:0] = held


# A pooled connection unused for this long is pinged before a request gets it, and replaced when
# the ping fails (the server restarted, a firewall dropped it). SQLAlchemy's pool_pre_ping pings
# on every checkout: one more round trip per request, for connections that were in use a
# millisecond ago.
IDLE_PING_SECONDS = 10.0


def configure_engine(engine: Engine, *, strict: bool = False) -> None:
    """strict: a write in a read-only (deferred) SQLite transaction raises WriteInReadTransaction
    rather than being logged (tests)."""
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, strict=strict)
    else:
        _ping_idle_connections(engine)


def _ping_idle_connections(engine: Engine) -> None:
    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["checked_in_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("checked_in_at")
        if since is None or time.monotonic() - since < IDLE_PING_SECONDS:
            return  # new, or busy a moment ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            # The pool discards this connection and tries another (a new one if need be).
            raise DisconnectionError("an idle connection failed its ping") from error


PRIVATE_MODE = 0o600  # the database, its WAL files (SQLite gives them its mode) and backups


def create_private(path: str | os.PathLike[str], *, truncate: bool = False) -> None:
    """Make the file readable by the service's user only (0600): created so when it is new (no
    moment with a wider mode), emptied and narrowed when `truncate` (a backup written over)."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if truncate else os.O_EXCL)
    try:
        os.close(os.open(path, flags, PRIVATE_MODE))
    except FileExistsError:
        return  # an existing database keeps the mode its operator gave it
    if truncate:
        os.chmod(path, PRIVATE_MODE)


def _configure_sqlite(engine: Engine, *, strict: bool) -> None:
    database = engine.url.database
    if database not in (None, "", ":memory:") and not str(database).startswith("file:"):
        # No such directory: SQLite says so at the first connection.
        with contextlib.suppress(FileNotFoundError):
            create_private(str(database))

    # pysqlite's own transaction handling defers BEGIN until the first write, so two requests
    # could both read a budget's remaining amount and both spend it. Taking the write lock at
    # BEGIN (IMMEDIATE) serialises writers: the SQLite equivalent of PostgreSQL's row lock.
    # Requests that only read begin DEFERRED (see the module's description): a consistent
    # snapshot for the whole request, without the lock.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 30000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        deferred = reads_deferred()
        connection.info["read_only_transaction"] = deferred
        connection.exec_driver_sql("BEGIN" if deferred else "BEGIN IMMEDIATE")

    @event.listens_for(engine, "before_cursor_execute")
    def _on_execute(
        connection: Any,
        _cursor: Any,
        statement: str,
        _parameters: Any,
        context: Any,
        _executemany: bool,
    ) -> None:
        if context is None or not (context.isinsert or context.isupdate or context.isdelete):
            return
        # The transaction began deferred, or (tests, whose requests run in savepoints of a
        # transaction the test began) a request that only reads writes outside
        # write_transaction.
        if connection.info.get("read_only_transaction") or reads_deferred():
            where = f"{request.method} {request.path}" if has_request_context() else "?"
            message = (
                f"{where} wrote in a read-only transaction ({' '.join(statement.split()[:3])}):"
                " write in velferdslab.database.write_transaction(), or make it a POST"
            )
            if strict:
                raise WriteInReadTransaction(message)
            log.error(message)
