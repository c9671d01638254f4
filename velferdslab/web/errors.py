"""The one error responder: every refusal and failure answers JSON (the API's error shape) on
/api and the error page elsewhere, whoever raised it — a service's rule, werkzeug's routing, or
the transaction owner at commit (409, 412, 503)."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Response, current_app, jsonify, render_template, request

from velferdslab.api.errors import error_body
from velferdslab.web.i18n import localise

API_PREFIX = "/api/"


def wants_json() -> bool:
    return request.path.startswith(API_PREFIX)


def error_response(
    code: int,
    message: str | None = None,
    errors: Mapping[str, list[str]] | None = None,
    headers: Mapping[str, str] | None = None,
    *,
    show_message: bool = True,
) -> Response:
    """`message` is shown on the page (in the page's language) unless `show_message` is False,
    when the page's own text for the code is clearer than a service's sentence."""
    if wants_json():
        response = jsonify(error_body(code, message, errors))
    else:
        shown = localise(message) if message is not None and show_message else None
        response = current_app.make_response(
            render_template("error.html", code=code, message=shown)
        )
    response.status_code = code
    response.headers.update(dict(headers or {}))
    return response
