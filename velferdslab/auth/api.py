"""POST /auth/token and /auth/revoke: bearer tokens for the API."""

from __future__ import annotations

import time
from typing import Any

import marshmallow as ma
from flask import current_app, request
from flask_limiter import Limiter
from flask_smorest import Blueprint
from sqlalchemy import select

from velferdslab.api.common import Flag, StrictSchema
from velferdslab.auth import limits
from velferdslab.auth.current import NotAuthenticated, audit, current_user
from velferdslab.auth.local_login import local_password_allowed, totp_required, verify_totp
from velferdslab.auth.sso_api import exchange_assertion
from velferdslab.auth.tokens import issue_token, revoke_token
from velferdslab.db import utcnow
from velferdslab.errors import Forbidden
from velferdslab.extensions import db
from velferdslab.users.models import User
from velferdslab.users.services import hash_password, needs_rehash, verify_password


class CredentialsSchema(StrictSchema):
    """Either a user name and password (local accounts), or a provider's signed token for a user
    who signs in through the municipality's identity provider (see docs/sso.md)."""

    username = ma.fields.String(validate=ma.validate.Length(min=1, max=80))
    password = ma.fields.String(load_only=True, validate=ma.validate.Length(min=1, max=200))
    otp = ma.fields.String(
        load_only=True,
        validate=ma.validate.Regexp(r"^[0-9]{6}$"),
        metadata={"description": "The TOTP code of an admin account, when ADMIN_TOTP is on."},
    )
    provider = ma.fields.String(
        validate=ma.validate.Length(min=1, max=40),
        metadata={"description": "Single sign-on: the provider's name in sso.toml."},
    )
    assertion = ma.fields.String(
        load_only=True,
        validate=ma.validate.Length(min=1, max=20000),
        metadata={
            "description": "Single sign-on: an ID token (or an access token whose audience is "
            "Velferdslab's client id) from that provider; checked against its JWKS, issuer, "
            "audience and expiry. The bearer token issued lives no longer than it."
        },
    )

    @ma.validates_schema
    def one_way(self, data: dict[str, Any], **kwargs: Any) -> None:
        password = {"username", "password"} & data.keys()
        sso = {"provider", "assertion"} & data.keys()
        if password and sso:
            raise ma.ValidationError("Send a user name and password, or a provider and assertion.")
        if sso and sso != {"provider", "assertion"}:
            missing = ({"provider", "assertion"} - sso).pop()
            raise ma.ValidationError({missing: ["Missing data for required field."]})
        if not sso:
            missing_fields = {"username", "password"} - password
            if missing_fields:
                raise ma.ValidationError(
                    {name: ["Missing data for required field."] for name in sorted(missing_fields)}
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
    if not local_password_allowed(user):
        # LOCAL_LOGIN = "admins": only break-glass admin accounts sign in with a password
        audit(
            "login_failed",
            "user",
            user.id,
            always=True,
            user_id=user.id,
            details={"username": username[:80], "reason": "local_passwords_off"},
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
    @blp.doc(security=[])  # this is where a token comes from: none is needed to ask
    @blp.arguments(CredentialsSchema)
    @blp.response(200, TokenSchema)
    @blp.alt_response(401, description="Unknown user, wrong password or inactive user.")
    @blp.alt_response(403, description="A one-time password: choose your own on the pages.")
    @blp.alt_response(
        429, description="Too many failed sign-ins for this account or from this address."
    )
    @blp.alt_response(503, description="Single sign-on: the identity provider cannot be reached.")
    def token(credentials: dict[str, Any]) -> dict[str, Any]:
        """Exchange a user name and password (or a provider's signed token) for a bearer token."""
        ttl = int(current_app.config["TOKEN_TTL_SECONDS"])
        if "assertion" in credentials:
            user, expires_at = exchange_assertion(credentials["provider"], credentials["assertion"])
            ttl = max(1, min(ttl, int(expires_at - time.time())))
        else:
            local = authenticate(credentials["username"], credentials["password"])
            if local is None:
                raise NotAuthenticated("Wrong user name or password, or the user is inactive.")
            user = local
            if user.must_change_password:
                raise Forbidden(
                    "Your password was set by an admin and works once: sign in on the web pages "
                    "and choose your own password first."
                )
            if totp_required(user) and not verify_totp(user, credentials.get("otp", "")):
                audit(
                    "login_failed",
                    "user",
                    user.id,
                    always=True,
                    user_id=user.id,
                    details={"username": user.username, "reason": "totp"},
                )
                raise NotAuthenticated(
                    "This admin account needs its second factor: send the current code as otp."
                )
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
