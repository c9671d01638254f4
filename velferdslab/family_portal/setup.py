"""Wiring of the family's pages into the app: the ID-porten client, the separate session
cookie, the blueprints, and the team's answer to a family's comment on the staff family page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response, flash, g, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from velferdslab import policy
from velferdslab.errors import DomainError
from velferdslab.extensions import db
from velferdslab.family_portal import idporten, services, sessions, signin_views, views
from velferdslab.web.i18n import localise
from velferdslab.web.security import CSP
from velferdslab.web.session import login_required

NAVIGATION = (
    ("family_portal.plan", _l("Our plan")),
    ("family_portal.journey", _l("Our journey")),
    ("family_portal.reading", _l("Our own reading")),
    ("family_portal.consents", _l("Our consents")),
    ("family_portal.who_looked", _l("Who has looked")),
    ("family_portal.data", _l("Our data")),
)


def no_staff_user() -> None:
    """before_request: a staff session is never a user of the family's pages."""
    if sessions.in_portal():
        g.user = None


def allow_provider_forms(response: Response) -> Response:
    """Sign-out is a form POST that redirects to ID-porten's end_session_endpoint: the CSP's
    form-action allows that origin on the family's pages."""
    found = idporten.settings()
    if found is None or not sessions.in_portal():
        return response
    policy_header = response.headers.get("Content-Security-Policy", CSP)
    if "form-action 'self'" in policy_header and found.origin not in policy_header:
        response.headers["Content-Security-Policy"] = policy_header.replace(
            "form-action 'self'", f"form-action 'self' {found.origin}"
        )
    return response


def staff_blueprint() -> Blueprint:
    blp = Blueprint("family_portal_staff", __name__, url_prefix="/families")

    @blp.route("/<id:family_id>/family-comments/<id:comment_id>/answer", methods=["POST"])
    @login_required
    def answer(family_id: int, comment_id: int) -> ResponseReturnValue:
        family = policy.family_or_404(db.session, g.user, family_id, "notes.write")
        try:
            services.answer(db.session, family, g.user, comment_id, request.form.get("text", ""))
        except DomainError as error:
            if error.status_code == 404:
                raise
            flash(localise(error.message), "error")
        else:
            flash(_l("Your answer is sent to the family."), "success")
        return redirect(url_for("family_pages.family_page", family_id=family.id,
                                _anchor="family-voice"))  # fmt: skip

    return blp


def init_app(app: Flask) -> None:
    idporten.init_app(app)
    app.session_interface = sessions.SeparateSessions()
    app.before_request(no_staff_user)
    app.after_request(allow_provider_forms)
    app.register_blueprint(signin_views.create_blueprint())
    app.register_blueprint(views.create_blueprint())
    app.register_blueprint(staff_blueprint())

    @app.context_processor
    def family_navigation() -> dict[str, Any]:
        if not sessions.in_portal():
            return {}
        return {"family_navigation": NAVIGATION, "family_signed_in": g.get("member") is not None}
