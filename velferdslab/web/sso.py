"""Sign-in through the municipality's identity provider (OpenID Connect, authorization code flow
with PKCE), sign-out there too, and the second factor of local admin accounts.

Authlib's Flask client makes the authorization request (state, nonce, PKCE S256), exchanges the
code and checks the ID token against the provider's JWKS (signature, issuer, audience, expiry,
nonce); a state it did not issue, or one already used, is refused. The user then starts the same
web session as a password sign-in (velferdslab.web.session.start_session), so everything that
ends sessions ends these too; the session also ends when the ID token expires. The cookie never
holds the ID token: it is kept server-side (velferdslab.auth.services.use_assertion), marked
used, so that it cannot also be exchanged for an API token, and handed to the provider as the
sign-out's id_token_hint.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlparse

import pyotp
from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_limiter import Limiter
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Regexp

from velferdslab.auth import oidc, services
from velferdslab.auth.limits import TooManyAttempts
from velferdslab.auth.provisioning import Refusal, sign_in
from velferdslab.database import writes
from velferdslab.errors import NotFound, Text
from velferdslab.extensions import db
from velferdslab.municipalities.models import Municipality
from velferdslab.users.labels import ROLE_LABELS
from velferdslab.users.models import User
from velferdslab.web.admin import admin_or_404
from velferdslab.web.i18n import localise
from velferdslab.web.security import CSP
from velferdslab.web.session import SSO_KEY, TOTP_PENDING, login_required, safe_next, start_session


def end_expired_session() -> None:
    """before_request: a session from a provider lives no longer than its ID token."""
    sso = session.get(SSO_KEY)
    if isinstance(sso, dict) and float(sso.get("until", 0)) <= time.time():
        session.clear()
        g.user = None


def logout_target() -> str | None:
    """Where sign-out continues for a session from a provider that offers RP-initiated logout
    (its end_session_endpoint, back to our login page); None otherwise. Read before the session
    is cleared."""
    sso = session.get(SSO_KEY)
    if not isinstance(sso, dict) or sso.get("provider") not in oidc.providers():
        return None
    provider = oidc.providers()[sso["provider"]]
    try:
        result = oidc.client(provider.name).create_logout_url(
            post_logout_redirect_uri=url_for("web_auth.login", _external=True),
            id_token_hint=services.id_token_of(db.session, str(sso.get("token"))) or None,
            client_id=provider.client_id,
        )
    except (RuntimeError, OSError, ValueError):
        return None  # no end_session_endpoint, or the provider cannot be reached: local only
    url: str = result["url"]
    return url


def provider_origins() -> list[str]:
    origins = []
    for provider in oidc.providers().values():
        parsed = urlparse(provider.issuer)
        origins.append(f"{parsed.scheme}://{parsed.netloc}")
    return sorted(set(origins))


def allow_provider_forms(response: Response) -> Response:
    """Sign-out is a form POST that redirects to the provider's end_session_endpoint; a browser
    applies the CSP's form-action to that redirect, so the providers' origins are allowed."""
    origins = provider_origins()
    if not origins or request.path.startswith("/api/"):
        return response
    # after_request runs last-registered first: the security headers are not set yet, and
    # add_security_headers keeps a policy already there
    policy = response.headers.get("Content-Security-Policy", CSP)
    if "form-action 'self'" in policy:
        response.headers["Content-Security-Policy"] = policy.replace(
            "form-action 'self'", "form-action 'self' " + " ".join(origins)
        )
    return response


class TotpForm(FlaskForm):  # type: ignore[misc]
    code = StringField(
        _l("Code"),
        filters=[lambda value: value.replace(" ", "") if isinstance(value, str) else value],
        validators=[
            DataRequired(message=_l("Type the 6-digit code from your authenticator app.")),
            Length(max=10),
            Regexp(r"^[0-9]{6}\Z", message=_l("The code has 6 digits.")),
        ],
    )


def create_blueprint(limiter: Limiter) -> Blueprint:
    blp = Blueprint("sso", __name__)

    @blp.route("/sso/<name>/login")
    def login(name: str) -> ResponseReturnValue:
        provider = oidc.providers().get(name)
        if provider is None:
            raise NotFound()
        session["sso_next"] = safe_next(request.args.get("next"))
        extra: dict[str, Any] = {}
        if provider.acr_values:
            extra["acr_values"] = provider.acr_values
        try:
            response: ResponseReturnValue = oidc.client(name).authorize_redirect(
                url_for(".callback", name=name, _external=True), **extra
            )
        except (OSError, ValueError, RuntimeError):
            current_app.logger.exception("OpenID provider %s cannot be reached", name)
            return _refused(
                provider.title,
                "unreachable",
                Text(
                    "%(provider)s cannot be reached just now. Try again in a minute.",
                    provider=provider.title,
                ),
                502,
            )
        return response

    @blp.route("/sso/<name>/callback")
    @writes  # a GET that signs in: it may create the user and change their roles
    def callback(name: str) -> ResponseReturnValue:
        provider = oidc.providers().get(name)
        if provider is None:
            raise NotFound()
        # Imported at a sign-in's answer, not at start (Authlib's clients load with it).
        from authlib.integrations.base_client.errors import OAuthError
        from joserfc.errors import JoseError

        try:
            token = oidc.client(name).authorize_access_token()
        except OSError:  # requests' errors: the provider did not answer, or answered 5xx
            current_app.logger.exception("OpenID provider %s failed at the token endpoint", name)
            session.pop("sso_next", None)
            return _refused(
                provider.title,
                "unreachable",
                Text(
                    "%(provider)s cannot be reached just now. Try again in a minute.",
                    provider=provider.title,
                ),
                502,
            )
        except (OAuthError, JoseError, ValueError, KeyError) as error:
            # a replayed or foreign state, a refused consent, an ID token with a bad signature,
            # another audience, an old expiry or a wrong nonce
            services.refuse_provider_answer(
                db.session,
                name,
                "invalid_response",
                detail=(str(error) or type(error).__name__)[:300],
            )
            return _refused(
                provider.title,
                "invalid_response",
                Text(
                    "The answer from %(provider)s could not be verified, or the sign-in was "
                    "cancelled. Start again from the sign-in page.",
                    provider=provider.title,
                ),
                400,
            )
        claims = dict(token.get("userinfo") or {})
        if not claims.get("sub"):
            return _refused(
                provider.title,
                "invalid_response",
                Text("%(provider)s did not say who you are.", provider=provider.title),
                400,
            )
        if provider.acr_values and claims.get("acr") not in provider.acr_values.split():
            services.refuse_provider_answer(db.session, name, "acr", acr=claims.get("acr"))
            return _refused(
                provider.title,
                "acr",
                Text("This sign-in needs a stronger eID level than the one you used."),
                403,
            )
        try:
            user = sign_in(db.session, provider, claims)
        except Refusal as refusal:
            return _refused(provider.title, refusal.reason, refusal.message, 403)
        id_token = str(token.get("id_token", ""))
        digest = services.use_assertion(db.session, name, claims, id_token, web_session=True)
        target = session.pop("sso_next", None)
        start_session(user)
        session[SSO_KEY] = {
            "provider": name,
            "token": digest,
            "until": float(claims.get("exp") or time.time()),
        }
        return redirect(safe_next(target))

    @blp.route("/login/second-factor", methods=["GET", "POST"])
    @writes  # its first GET keeps the enrolment secret on the user
    def second_factor() -> ResponseReturnValue:
        user_id = session.get(TOTP_PENDING)
        user = db.session.get(User, user_id) if isinstance(user_id, int) else None
        if user is None or not user.active:
            session.pop(TOTP_PENDING, None)
            return redirect(url_for("web_auth.login"))
        enrolling = not user.totp_secret
        secret = user.totp_secret or services.enrolment_secret(db.session, user)
        form = TotpForm()
        status = 422 if form.is_submitted() else 200
        if form.validate_on_submit():
            try:
                right = services.second_factor(
                    db.session, user, form.code.data or "", method="password+totp", enrol=True
                )
            except TooManyAttempts as error:
                form.code.errors.append(
                    _l("Too many failed sign-ins: wait a few minutes and try again.")
                )
                return _second_factor_page(form, user, enrolling, secret), 429, error.headers
            if right:
                target = session.get("totp_next")
                start_session(user)
                return redirect(safe_next(target))
            form.code.errors.append(_l("The code is wrong or too old. Try the newest code."))
            status = 401
        return _second_factor_page(form, user, enrolling, secret), status

    @blp.route("/admin/sign-in")
    @login_required
    def mapping() -> ResponseReturnValue:
        """The mapping file as an admin reads it: who gets which roles, from which provider."""
        admin_or_404()
        names = dict(
            (row.number, row.name)
            for row in db.session.execute(select(Municipality.number, Municipality.name))
        )
        return render_template(
            "admin/sign_in.html",
            providers=list(oidc.providers().values()),
            path=current_app.extensions[oidc.EXTENSION]["path"],
            municipality_names=names,
            role_labels=ROLE_LABELS,
            local_login=current_app.config.get("LOCAL_LOGIN", "all"),
            admin_totp=bool(current_app.config.get("ADMIN_TOTP")),
        )

    return blp


def _second_factor_page(form: TotpForm, user: User, enrolling: bool, secret: str) -> str:
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name="Velferdslab")
    return render_template(
        "second_factor.html", form=form, enrolling=enrolling, secret=secret, uri=uri
    )


def _refused(title: str, reason: str, message: str, status: int) -> ResponseReturnValue:
    session.pop("sso_next", None)
    return render_template(
        "sso_refused.html", provider=title, reason=reason, message=localise(message)
    ), status


def init_app(app: Flask) -> None:
    oidc.init_app(app)
    app.before_request(end_expired_session)
    app.after_request(allow_provider_forms)

    @app.context_processor
    def sso_buttons() -> dict[str, Any]:
        return {"sso_providers": list(oidc.providers().values())}
