"""Security headers on every response; a stricter page never loads anything from elsewhere."""

from __future__ import annotations

import datetime as dt

from flask import Flask, Response, current_app, g, request
from werkzeug.middleware.proxy_fix import ProxyFix

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# Swagger UI (flask-smorest's page) starts itself with an inline script.
DOCS_CSP = CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'").replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'"
)

WARNED_KEY = "velferdslab_warned_of_proxy"

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def add_security_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    docs = request.path.startswith("/api/v1/docs")
    response.headers.setdefault("Content-Security-Policy", DOCS_CSP if docs else CSP)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    # Pages, API answers and whatever a signed-in user downloads (the portfolio Excel, PDF
    # reports) carry personal or confidential data: never keep them in any cache. A view that
    # chose a private (browser-only) cache on purpose keeps its choice; send_file's default
    # "no-cache" still stores the file, so it is replaced.
    sensitive = (
        response.mimetype == "text/html"
        or request.path.startswith("/api/")
        or g.get("user") is not None
    )
    if sensitive and "private" not in response.headers.get("Cache-Control", ""):
        response.headers["Cache-Control"] = "no-store"
    return response


def cookie_secure(app: Flask) -> bool:
    """ "auto" (the default): Secure in production, so that a development server on plain HTTP
    still keeps its session. Flask always defines SESSION_COOKIE_SECURE (False), so the setting
    has its own default in defaults.toml rather than relying on an absent key."""
    value = app.config.get("SESSION_COOKIE_SECURE", "auto")
    if value == "auto":
        return bool(app.config["ENV"] == "production")
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def trust_proxies(app: Flask) -> None:
    """Behind PROXY_COUNT reverse proxies, the client's address and scheme are those the proxies
    forward (X-Forwarded-For, -Proto, -Host); with 0 (the default) no such header is believed,
    since any client could send one."""
    count = int(app.config.get("PROXY_COUNT", 0))
    if count > 0:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=count, x_proto=count, x_host=count, x_port=count
        )
    else:
        app.before_request(warn_of_unknown_proxy)


def forwarded_without_proxy() -> bool:
    """A request that came through a proxy the service was not told of (PROXY_COUNT = 0): its
    address is the proxy's, shared by every client behind it (/metrics then wants its token)."""
    return "X-Forwarded-For" in request.headers and not int(
        current_app.config.get("PROXY_COUNT", 0)
    )


def warn_of_unknown_proxy() -> None:
    """Once per process, at the first such request: the login limits and the audit log see the
    proxy's address for everyone behind it."""
    if forwarded_without_proxy() and not current_app.extensions.get(WARNED_KEY):
        current_app.extensions[WARNED_KEY] = True
        current_app.logger.warning(
            "X-Forwarded-For arrives but PROXY_COUNT = 0: every client behind the proxy shares "
            "its address (login limits, audit log, /metrics). Set VELFERDSLAB_PROXY_COUNT to "
            "the number of proxies in front of the service."
        )


def init_app(app: Flask) -> None:
    trust_proxies(app)
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=cookie_secure(app),
        SESSION_COOKIE_NAME="velferdslab_session",
        PERMANENT_SESSION_LIFETIME=dt.timedelta(seconds=int(app.config["SESSION_TTL_SECONDS"])),
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
    )
    app.after_request(add_security_headers)
