"""The family's session: its own cookie, never the staff's, and a server-side row.

Under /min-side Flask's session is a cookie of its own (`velferdslab_family`, path /min-side,
signed with another salt), so a staff cookie opens nothing there and the family's cookie is
never even sent to the staff pages or the API. The cookie holds a random key; the row
(FamilySession) holds its digest, who signed in and when, and is what a sign-out, a
back-channel logout, the idle limit or the absolute limit ends.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from flask import Flask, g, has_request_context, request, session
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import or_, select, update

from velferdslab.db import AnySession, as_utc, utcnow
from velferdslab.family_portal.idporten import Settings
from velferdslab.family_portal.models import FamilySession
from velferdslab.web.i18n import FAMILY_PREFIX

PREFIX = FAMILY_PREFIX  # the one prefix: the language choice (web/i18n.py) asks it too
COOKIE = "velferdslab_family"
SESSION_KEY = "family_session"


def in_portal() -> bool:
    return has_request_context() and (
        request.path == PREFIX or request.path.startswith(PREFIX + "/")
    )


class SeparateSessions(SecureCookieSessionInterface):
    """Flask's signed cookie session, with the family pages' cookie apart from the staff's."""

    def get_cookie_name(self, app: Flask) -> str:
        return COOKIE if in_portal() else super().get_cookie_name(app)

    def get_cookie_path(self, app: Flask) -> str:
        return PREFIX if in_portal() else super().get_cookie_path(app)

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        if not in_portal():
            return super().get_signing_serializer(app)
        if not app.secret_key:
            return None
        return URLSafeTimedSerializer(
            app.secret_key,
            salt="velferdslab-family-session",
            serializer=self.serializer,
            signer_kwargs={
                "key_derivation": self.key_derivation,
                "digest_method": self.digest_method,
            },
        )


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def start(
    db: AnySession, found: Settings, claims: dict[str, Any], id_token: str, choices: list[Any]
) -> FamilySession:
    """A fresh session (nothing of an earlier cookie kept but the language)."""
    key = secrets.token_urlsafe(32)
    now = utcnow()
    row = FamilySession(
        key_digest=_digest(key),
        issuer=found.issuer,
        subject=str(claims.get("sub", "")),
        sid=str(claims["sid"]) if claims.get("sid") else None,
        id_token=id_token or None,
        choices=[list(choice) for choice in choices],
        started_at=now,
        seen_at=now,
    )
    if len(choices) == 1:
        row.family_id, row.member_id = choices[0]
    db.add(row)
    db.flush()
    language = session.get("language")
    session.clear()
    if language:
        session["language"] = language
    session[SESSION_KEY] = key
    session.permanent = True
    return row


def current(db: AnySession, found: Settings) -> FamilySession | None:
    """The session of this request, if it still holds (not ended, not idle too long, not too
    old); its last use is moved to now."""
    if "family_row" in g:
        row: FamilySession | None = g.family_row
        return row
    key = session.get(SESSION_KEY)
    row = None
    if isinstance(key, str):
        row = db.scalars(
            select(FamilySession).where(FamilySession.key_digest == _digest(key))
        ).one_or_none()
    now = utcnow()
    if row is not None and (
        row.ended_at is not None
        or now - as_utc(row.seen_at) > dt.timedelta(seconds=found.idle_seconds)
        or now - as_utc(row.started_at) > dt.timedelta(seconds=found.max_seconds)
    ):
        if row.ended_at is None:
            row.ended_at = now
        row.id_token = None  # it names the person: kept only while the session lives
        row = None
    if row is None:
        session.pop(SESSION_KEY, None)
    else:
        row.seen_at = now
    g.family_row = row
    return row


def end(row: FamilySession | None) -> None:
    if row is not None:
        row.ended_at = row.ended_at or utcnow()
        row.id_token = None
    session.pop(SESSION_KEY, None)
    g.family_row = None


def end_by_logout(db: AnySession, issuer: str, sid: str | None, sub: str | None) -> int:
    """A back- or front-channel logout: end the sessions of this provider session (`sid`), or
    of the person (`sub`) when no sid is given. Returns how many ended."""
    wanted = []
    if sid:
        wanted.append(FamilySession.sid == sid)
    elif sub:
        wanted.append(FamilySession.subject == sub)
    if not wanted:
        return 0
    result = db.execute(
        update(FamilySession)
        .where(
            FamilySession.issuer == issuer,
            FamilySession.ended_at.is_(None),
            or_(*wanted),
        )
        .values(ended_at=utcnow(), id_token=None)
    )
    return int(getattr(result, "rowcount", 0) or 0)
