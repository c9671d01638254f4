"""Bearer tokens: random, expiring, revocable, and stored only as their SHA-256.

Every API request names its user by token, so each worker remembers for a few seconds
(TOKEN_CACHE_SECONDS, default 5) whom a token belongs to, and saves the round trip to the
database. What that memory may delay, and by how much:

* expiry: never — the token's own expiry is kept beside the user and checked on every request;
* revocation, deactivation, new roles, a new password: at once in the worker that made the
  change (any change to a user, a role or a token clears the memory of that process), and
  within TOKEN_CACHE_SECONDS in the other workers, which keep their copy until it is that old.

TOKEN_CACHE_SECONDS = 0 turns the memory off: every request reads the token, its user and the
user's roles again (one query).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import threading
import time
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session, joinedload, make_transient_to_detached

from velferdslab.db import AnySession, as_utc, utcnow
from velferdslab.users.models import ApiToken, User, UserRole

# The tables whose change may change who a token belongs to, or whether it still works.
IDENTITY_TABLES = frozenset({"user_account", "user_role", "api_token"})


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(session: AnySession, user: User, ttl_seconds: int) -> str:
    token = secrets.token_urlsafe(32)
    session.add(
        ApiToken(
            user_id=user.id,
            token_hash=token_hash(token),
            expires_at=utcnow() + dt.timedelta(seconds=ttl_seconds),
        )
    )
    session.flush()
    return token


@dataclass(frozen=True)
class _Entry:
    user: User  # a detached copy, never attached to a session itself: requests get a merge of it
    expires_at: dt.datetime
    stored_at: float  # time.monotonic()


class TokenCache:
    """The per-process memory of token → user. Thread-safe; bounded to `size` tokens."""

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._entries: dict[Hashable, _Entry] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, max_age: float) -> _Entry | None:
        entry = self._entries.get(key)
        if entry is None or time.monotonic() - entry.stored_at >= max_age:
            return None
        return entry

    def put(self, key: Hashable, entry: _Entry) -> None:
        with self._lock:
            self._entries.pop(key, None)
            while len(self._entries) >= self.size:
                del self._entries[next(iter(self._entries))]  # the oldest
            self._entries[key] = entry

    def discard(self, key: Hashable) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


CACHE = TokenCache()


def _key(session: AnySession, digest: str) -> Hashable:
    # The same token string means nothing in another database (tests make several apps).
    return (session.get_bind().engine.url, digest)


def _detached_copy(user: User) -> User:
    """A copy of a loaded user and its roles that no session owns, as if freshly loaded."""
    columns = {attr.key: getattr(user, attr.key) for attr in User.__mapper__.column_attrs}
    copy = User(**columns)
    copy.role_rows = [UserRole(user_id=row.user_id, role=row.role) for row in user.role_rows]
    for row in copy.role_rows:
        make_transient_to_detached(row)
    make_transient_to_detached(copy)
    return copy


def user_for_token(session: AnySession, token: str, max_age: float = 0.0) -> User | None:
    """The active user the token belongs to, with its roles loaded; None when the token is
    unknown, expired or revoked. `max_age` > 0: a copy remembered for that many seconds may
    answer instead of the database (see the module's description)."""
    digest = token_hash(token)
    if max_age > 0:
        key = _key(session, digest)
        entry = CACHE.get(key, max_age)
        if entry is not None:
            if as_utc(entry.expires_at) <= utcnow():
                CACHE.discard(key)
                return None
            # A copy of the remembered user in this request's session: no SQL is emitted, and
            # what the request does to it stays in the request.
            return session.merge(entry.user, load=False)
    # The user's roles come in the same round trip: every request needs them.
    row = (
        session.execute(
            select(ApiToken, User)
            .join(User, User.id == ApiToken.user_id)
            .options(joinedload(User.role_rows))
            .where(ApiToken.token_hash == digest)
        )
        .unique()
        .one_or_none()
    )
    if row is None:
        return None
    api_token, user = row
    if api_token.revoked_at is not None or as_utc(api_token.expires_at) <= utcnow():
        return None
    if not user.active:
        return None
    if max_age > 0:
        CACHE.put(key, _Entry(_detached_copy(user), api_token.expires_at, time.monotonic()))
    return user


def revoke_token(session: AnySession, token: str) -> bool:
    api_token = session.scalars(
        select(ApiToken).where(ApiToken.token_hash == token_hash(token))
    ).one_or_none()
    if api_token is None or api_token.revoked_at is not None:
        return False
    api_token.revoked_at = utcnow()
    session.flush()
    CACHE.discard(_key(session, api_token.token_hash))
    return True


# --- forgetting: any change to users, roles or tokens in this process clears the memory -------


@event.listens_for(Session, "after_flush")
def _forget_after_flush(session: Session, _context: Any) -> None:
    if not len(CACHE):
        return
    for instance in (*session.dirty, *session.deleted, *session.new):
        if isinstance(instance, User | UserRole) or (
            isinstance(instance, ApiToken) and instance not in session.new
        ):
            CACHE.clear()
            return


@event.listens_for(Session, "do_orm_execute")
def _forget_after_bulk_change(state: Any) -> None:
    # UPDATE/DELETE statements (revoking every token of a user, for instance) bypass the flush.
    if not (state.is_update or state.is_delete) or not len(CACHE):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) in IDENTITY_TABLES:
        CACHE.clear()
