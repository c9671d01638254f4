"""Bearer tokens: random, expiring, revocable, and stored only as their SHA-256."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from velferdslab.db import AnySession, utcnow
from velferdslab.users.models import ApiToken, User


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


def _as_utc(value: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes; they were written as UTC.
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def user_for_token(session: AnySession, token: str) -> User | None:
    # The user's roles come in the same round trip: every request needs them.
    row = (
        session.execute(
            select(ApiToken, User)
            .join(User, User.id == ApiToken.user_id)
            .options(joinedload(User.role_rows))
            .where(ApiToken.token_hash == token_hash(token))
        )
        .unique()
        .one_or_none()
    )
    if row is None:
        return None
    api_token, user = row
    if api_token.revoked_at is not None or _as_utc(api_token.expires_at) <= utcnow():
        return None
    return user if user.active else None


def revoke_token(session: AnySession, token: str) -> bool:
    api_token = session.scalars(
        select(ApiToken).where(ApiToken.token_hash == token_hash(token))
    ).one_or_none()
    if api_token is None or api_token.revoked_at is not None:
        return False
    api_token.revoked_at = utcnow()
    session.flush()
    return True
