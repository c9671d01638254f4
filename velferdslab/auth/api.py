"""POST /auth/token and /auth/revoke: bearer tokens for the API."""

from __future__ import annotations

import time
from typing import Any

import marshmallow as ma
from flask import current_app, request
from flask_limiter import Limiter
from flask_smorest import Blueprint

from velferdslab.api.common import Flag, StrictSchema
from velferdslab.auth import services
from velferdslab.auth.current import NotAuthenticated, current_user
from velferdslab.auth.sso_api import exchange_assertion
from velferdslab.auth.tokens import issue_token, revoke_token
from velferdslab.errors import Forbidden
from velferdslab.extensions import db


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
            "audience and expiry. The bearer token issued lives no longer than it. An "
            "assertion is exchanged once, never the ID token of a web sign-in, and never one "
            "issued before the user's last sign-out (401)."
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


def create_blueprint(limiter: Limiter) -> Blueprint:
    blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Bearer tokens.")

    @blp.route("/token", methods=["POST"])
    @blp.doc(security=[])  # this is where a token comes from: none is needed to ask
    @blp.arguments(CredentialsSchema)
    @blp.response(200, TokenSchema)
    @blp.alt_response(401, description="Unknown user, wrong password or inactive user.")
    @blp.alt_response(403, description="A one-time password: choose your own on the pages.")
    @blp.alt_response(
        429,
        description="Too many failed sign-ins (or wrong second-factor codes) for this account, "
        "or a wrong password from an address with too many failed sign-ins.",
    )
    @blp.alt_response(503, description="Single sign-on: the identity provider cannot be reached.")
    def token(credentials: dict[str, Any]) -> dict[str, Any]:
        """Exchange a user name and password (or a provider's signed token) for a bearer token."""
        ttl = int(current_app.config["TOKEN_TTL_SECONDS"])
        if "assertion" in credentials:
            user, expires_at = exchange_assertion(credentials["provider"], credentials["assertion"])
            ttl = max(1, min(ttl, int(expires_at - time.time())))
        else:
            local = services.authenticate(
                db.session, credentials["username"], credentials["password"]
            )
            if local is None:
                raise NotAuthenticated("Wrong user name or password, or the user is inactive.")
            user = local
            if user.must_change_password:
                raise Forbidden(
                    "Your password was set by an admin and works once: sign in on the web pages "
                    "and choose your own password first."
                )
            if services.needs_second_factor(user) and not services.second_factor(
                db.session, user, credentials.get("otp", ""), method="password+totp"
            ):
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
