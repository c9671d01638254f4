"""POST /auth/token and /auth/revoke: bearer tokens for the API."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import current_app, request
from flask_limiter import Limiter
from flask_smorest import Blueprint
from sqlalchemy import select

from velferdslab.api.common import Flag, StrictSchema
from velferdslab.auth import limits
from velferdslab.auth.current import NotAuthenticated, audit, current_user
from velferdslab.auth.tokens import issue_token, revoke_token
from velferdslab.db import utcnow
from velferdslab.errors import Forbidden
from velferdslab.extensions import db
from velferdslab.users.models import User
from velferdslab.users.services import hash_password, needs_rehash, verify_password


class CredentialsSchema(StrictSchema):
    username = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=80))
    password = ma.fields.String(
        required=True, load_only=True, validate=ma.validate.Length(min=1, max=200)
    )


class TokenSchema(ma.Schema):
    access_token = ma.fields.String(required=True)
    token_type = ma.fields.String(required=True, metadata={"example": "Bearer"})
    expires_in = ma.fields.Integer(required=True, metadata={"description": "Seconds."})


class RevokedSchema(ma.Schema):
    revoked = Flag(required=True)


# Checked when the user name is unknown, so that the answer takes as long as for a known one
# (argon2 is the slow part): the time does not tell which user names exist.
_DUMMY_HASH = hash_password("no-one-has-this-password")


def authenticate(username: str, password: str) -> User | None:
    """The active user with these credentials, for the API and the pages alike; every attempt is
    audited, and failures count towards the one login limit (velferdslab.auth.limits), which
    refuses with TooManyAttempts (429) before any password is checked."""
    limits.check(db.session, username)
    user = db.session.scalars(select(User).where(User.username == username)).one_or_none()
    valid = verify_password(user.password_hash if user else _DUMMY_HASH, password)
    if user is None or not valid or not user.active:
        limits.record_failure(username)
        audit(
            "login_failed",
            "user",
            user.id if user else None,
            details={"username": username[:80], "inactive": bool(user and user.active is False)},
            always=True,
            user_id=user.id if user else None,
        )
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    limits.forget_old(db.session)
    audit("login", "user", user.id, user_id=user.id)
    return user


def create_blueprint(limiter: Limiter) -> Blueprint:
    blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Bearer tokens.")

    @blp.route("/token", methods=["POST"])
    @blp.arguments(CredentialsSchema)
    @blp.response(200, TokenSchema)
    @blp.alt_response(401, description="Unknown user, wrong password or inactive user.")
    @blp.alt_response(403, description="A one-time password: choose your own on the pages.")
    @blp.alt_response(
        429, description="Too many failed sign-ins for this account or from this address."
    )
    def token(credentials: dict[str, Any]) -> dict[str, Any]:
        """Exchange a user name and password for a bearer token."""
        user = authenticate(credentials["username"], credentials["password"])
        if user is None:
            raise NotAuthenticated("Wrong user name or password, or the user is inactive.")
        if user.must_change_password:
            raise Forbidden(
                "Your password was set by an admin and works once: sign in on the web pages and "
                "choose your own password first."
            )
        ttl = int(current_app.config["TOKEN_TTL_SECONDS"])
        return {
            "access_token": issue_token(db.session, user, ttl),
            "token_type": "Bearer",
            "expires_in": ttl,
        }

    @blp.route("/revoke", methods=["POST"])
    @blp.response(200, RevokedSchema)
    def revoke() -> dict[str, Any]:
        """Revoke the bearer token this request was sent with."""
        current_user()
        token = request.headers.get("Authorization", "").partition(" ")[2].strip()
        return {"revoked": revoke_token(db.session, token)}

    return blp
