"""Wiring of the web pages into the app: CSRF, i18n, headers, session user, HTML errors."""

from __future__ import annotations

from flask import Flask, current_app, g, request
from flask_wtf.csrf import CSRFProtect

from velferdslab.api.body_guard import guard_form_text
from velferdslab.web import account, auth, i18n, security, sso

csrf = CSRFProtect()


# Pages that take a larger upload than MAX_CONTENT_LENGTH: endpoint -> the setting of its limit.
# Applied before the CSRF check, which reads the whole form and would answer 413 first.
LARGE_UPLOADS = {
    "report_pages.verify": "REPORT_MAX_UPLOAD_BYTES",
    "import_pages.index": "IMPORT_MAX_UPLOAD_BYTES",
}


def allow_large_uploads() -> None:
    setting = LARGE_UPLOADS.get(request.endpoint or "")
    if setting is not None and g.get("user") is not None:  # signed-in users only
        request.max_content_length = int(current_app.config[setting])


# A provider's server-to-server POST, with no browser and no cookie: the signed logout token is
# its proof (velferdslab.family_portal.idporten.logout_claims).
CSRF_EXEMPT = frozenset({"family_portal_auth.backchannel_logout"})


def protect_forms() -> None:
    if request.endpoint in CSRF_EXEMPT:
        return
    # The API authenticates with bearer tokens, never cookies: CSRF cannot reach it. A path or
    # method no page serves answers 404 or 405 as such, not as a missing token.
    if not request.path.startswith("/api/") and request.routing_exception is None:
        csrf.protect()


def init_web(app: Flask) -> None:
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    csrf.init_app(app)
    security.init_app(app)
    i18n.init_app(app)
    app.before_request(auth.load_session_user)
    app.before_request(allow_large_uploads)
    app.before_request(protect_forms)
    app.before_request(guard_form_text)
    app.before_request(account.require_own_password)
    from velferdslab.archive import views as archive_views
    from velferdslab.assessments import description_views
    from velferdslab.assumptions import views as assumption_views
    from velferdslab.audit import spending as audit_spending
    from velferdslab.audit import views as audit_views
    from velferdslab.evidence import views as evidence_views
    from velferdslab.families import setup_views
    from velferdslab.families import views as family_views
    from velferdslab.gains import forecast_pages
    from velferdslab.gains import views as gains_views
    from velferdslab.imports import views as import_views
    from velferdslab.missions import views as mission_views
    from velferdslab.municipalities import views as municipality_views
    from velferdslab.plans import views as plan_views
    from velferdslab.privacy import views as privacy_views
    from velferdslab.reports import views as report_views
    from velferdslab.users import views as user_views
    from velferdslab.web import pages

    app.register_blueprint(auth.create_blueprint(app.extensions["velferdslab_limiter"]))
    sso.init_app(app)  # after load_session_user: a session lives no longer than its ID token
    app.register_blueprint(sso.create_blueprint(app.extensions["velferdslab_limiter"]))
    app.register_blueprint(pages.create_blueprint())
    app.register_blueprint(account.create_blueprint())
    # The family's set-up and plan pages are routes of the family pages' blueprint.
    family_pages = family_views.create_blueprint()
    setup_views.register(family_pages)
    plan_views.register(family_pages)
    app.register_blueprint(family_pages)
    app.register_blueprint(audit_views.create_blueprint())
    app.register_blueprint(audit_spending.create_blueprint())
    app.register_blueprint(gains_views.create_blueprint())
    app.register_blueprint(user_views.create_blueprint())
    app.register_blueprint(report_views.create_blueprint())
    app.register_blueprint(municipality_views.create_blueprint())
    app.register_blueprint(assumption_views.create_blueprint())
    app.register_blueprint(description_views.create_blueprint())
    app.register_blueprint(privacy_views.create_blueprint())
    app.register_blueprint(forecast_pages.create_blueprint())
    app.register_blueprint(import_views.create_blueprint())
    app.register_blueprint(archive_views.create_blueprint())
    from velferdslab.family_portal import setup as family_portal

    family_portal.init_app(app)  # /min-side: the family's own pages, cookie and sign-in
    app.register_blueprint(evidence_views.create_blueprint())
    app.register_blueprint(mission_views.create_blueprint())
