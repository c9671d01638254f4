"""Signing in to the family's pages with ID-porten, and signing out: RP-initiated logout at the
provider, and the provider's front- and back-channel logout.

Everyone whom the rules do not let in (no member, a child under the age, a family without a
consent in force, a family ended too long ago) gets the same neutral page with the same status:
the answer says nothing about whether a family exists. The refusals that are about the sign-in
itself (a state not ours, a bad ID token, an eID level too low) say so.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue

from velferdslab import policy
from velferdslab.audit.log import record
from velferdslab.database import writes
from velferdslab.extensions import db
from velferdslab.family_portal import idporten, sessions
from velferdslab.web.security import CSP

NEUTRAL_STATUS = 403


def off_page() -> ResponseReturnValue:
    return render_template("family_portal/off.html"), 503


def neutral_page() -> ResponseReturnValue:
    """The one answer for everyone the rules do not let in."""
    return render_template("family_portal/neutral.html"), NEUTRAL_STATUS


def _refused(reason: str, status: int, **details: Any) -> ResponseReturnValue:
    record(db.session, "login_refused", "family_session", details={"reason": reason, **details},
           always=True)  # fmt: skip
    return render_template("family_portal/refused.html", reason=reason), status


def create_blueprint() -> Blueprint:
    blp = Blueprint("family_portal_auth", __name__, url_prefix=sessions.PREFIX)

    @blp.route("/logg-inn")
    def login() -> ResponseReturnValue:
        found = idporten.settings()
        if found is None:
            return off_page()
        try:
            response: ResponseReturnValue = idporten.client().authorize_redirect(
                url_for(".callback", _external=True),
                acr_values=found.acr,
                ui_locales=session.get("language") or "nb",
            )
        except (OSError, ValueError, RuntimeError):
            current_app.logger.exception("ID-porten cannot be reached")
            return render_template("family_portal/refused.html", reason="unreachable"), 502
        return response

    @blp.route("/logg-inn/callback")
    @writes  # a GET that signs in: it writes the session
    def callback() -> ResponseReturnValue:
        found = idporten.settings()
        if found is None:
            return off_page()
        # Imported at a sign-in's answer, not at start (Authlib's clients load with it).
        from authlib.integrations.base_client.errors import OAuthError
        from joserfc.errors import JoseError

        try:
            token = idporten.client().authorize_access_token(leeway=idporten.LEEWAY_SECONDS)
        except OSError:
            current_app.logger.exception("ID-porten failed at the token endpoint")
            return render_template("family_portal/refused.html", reason="unreachable"), 502
        except (OAuthError, JoseError, ValueError, KeyError, TypeError) as error:
            # a replayed or foreign state, a cancelled sign-in, an ID token with a bad signature,
            # another audience or issuer, an old expiry or a wrong nonce
            detail = (str(error) or type(error).__name__)[:300]
            return _refused("invalid_response", 400, detail=detail)
        claims = dict(token.get("userinfo") or {})
        if not claims.get("sub"):
            return _refused("invalid_response", 400, detail="no ID token")
        if not policy.acr_meets(claims.get("acr"), found.acr):
            return _refused("acr", 403, acr=str(claims.get("acr"))[:60])
        choices = policy.portal_families(
            db.session, claims.get("pid"), dt.date.today(), current_app.config
        )
        if not choices:
            # who was refused is not written: the log is no register of who is a member
            record(db.session, "login_refused", "family_session",
                   details={"reason": "not_eligible"}, always=True)  # fmt: skip
            session.clear()
            return neutral_page()
        row = sessions.start(db.session, found, claims, str(token.get("id_token", "")), choices)
        for family_id, member_id in choices:
            record(db.session, "login", "family_session", row.id, family_id=family_id,
                   details={"family_portal": True, "member": member_id})  # fmt: skip
        if row.family_id is None:
            return redirect(url_for("family_portal.choose"))
        return redirect(url_for("family_portal.plan"))

    @blp.route("/logg-ut", methods=["POST"])
    def logout() -> ResponseReturnValue:
        found = idporten.settings()
        if found is None:
            return off_page()
        row = sessions.current(db.session, found)
        target = None
        if row is not None:
            target = _end_session_url(row.id_token)
            record(db.session, "logout", "family_session", row.id, family_id=row.family_id,
                   details={"family_portal": True, "member": row.member_id})  # fmt: skip
        sessions.end(row)
        return redirect(target or url_for(".signed_out"))

    @blp.route("/logget-ut")
    def signed_out() -> ResponseReturnValue:
        return render_template("family_portal/signed_out.html")

    @blp.route("/logout/backchannel", methods=["POST"])
    @writes
    def backchannel_logout() -> ResponseReturnValue:
        found = idporten.settings()
        if found is None:
            return Response("", 404)
        try:
            claims = idporten.logout_claims(found, request.form.get("logout_token", ""))
        except idporten.InvalidLogoutToken as error:
            record(db.session, "login_refused", "family_session",
                   details={"reason": "invalid_logout_token", "detail": str(error)[:300]},
                   always=True)  # fmt: skip
            return Response("", 400, headers={"Cache-Control": "no-store"})
        ended = sessions.end_by_logout(db.session, found.issuer, claims.get("sid"),
                                       claims.get("sub"))  # fmt: skip
        record(db.session, "logout", "family_session",
               details={"family_portal": True, "channel": "back", "ended": ended})  # fmt: skip
        return Response("", 200, headers={"Cache-Control": "no-store"})

    @blp.route("/logout/frontchannel")
    @writes
    def frontchannel_logout() -> ResponseReturnValue:
        found = idporten.settings()
        if found is None:
            return Response("", 404)
        issuer = request.args.get("iss")
        if issuer is not None and issuer.rstrip("/") != found.issuer:
            return Response("", 400)
        sid = request.args.get("sid")
        row = sessions.current(db.session, found)
        if sid:
            sessions.end_by_logout(db.session, found.issuer, sid, None)
        if row is not None and (not sid or row.sid == sid or row.sid is None):
            sessions.end(row)
        # the provider loads this in an iframe of its own page: frame-ancestors names it (a
        # browser then ignores X-Frame-Options)
        policy_header = CSP.replace("frame-ancestors 'none'", f"frame-ancestors {found.origin}")
        return Response("", 200, headers={"Content-Security-Policy": policy_header,
                                          "Cache-Control": "no-store"})  # fmt: skip

    return blp


def _end_session_url(id_token: str | None) -> str | None:
    found = idporten.settings()
    if found is None:
        return None
    try:
        result = idporten.client().create_logout_url(
            post_logout_redirect_uri=url_for("family_portal_auth.signed_out", _external=True),
            id_token_hint=id_token or None,
            client_id=found.client_id,
        )
    except (RuntimeError, OSError, ValueError):
        return None  # no end_session_endpoint, or the provider cannot be reached: here only
    url: str = result["url"]
    return url
