"""The flask-smorest Api of /api/v1: error shape, bearer authentication, OpenAPI settings."""

from __future__ import annotations

import re
from typing import Any

import marshmallow as ma
import swagger_ui_bundle
from flask import Flask, Response, current_app, jsonify, request, send_from_directory
from flask_smorest import Api
from werkzeug.exceptions import HTTPException

from velferdslab.api import openapi
from velferdslab.api.body_guard import guard_api_body
from velferdslab.api.errors import error_body, http_exception_body
from velferdslab.auth.current import set_current_user
from velferdslab.auth.tokens import user_for_token
from velferdslab.errors import DomainError
from velferdslab.extensions import db
from velferdslab.web.errors import error_response

API_PREFIX = "/api/v1"
# Reached without a token: how to get one, and the API's own description.
PUBLIC_ENDPOINTS = {"auth.token", "api-docs.openapi_json", "api-docs.openapi_swagger_ui"}

OPENAPI_SETTINGS: dict[str, Any] = {
    "API_TITLE": "Velferdslab API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.1.0",
    "OPENAPI_URL_PREFIX": API_PREFIX,
    "OPENAPI_JSON_PATH": "openapi.json",
    "OPENAPI_SWAGGER_UI_PATH": "docs",
    "OPENAPI_SWAGGER_UI_URL": f"{API_PREFIX}/docs-static/",
    "API_SPEC_OPTIONS": {
        "info": {
            "description": (
                "Families, investment teams, budgets, assessments and gain estimates of a "
                "welfare investment lab. Authenticate with POST /api/v1/auth/token and send "
                "`Authorization: Bearer <token>`. Errors always have the shape "
                "{code, status, message, errors: {field: [messages]}}. A record you may not "
                "see answers 404, exactly as a missing one."
            )
        },
        "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearerAuth": []}],
    },
}


class ErrorSchema(ma.Schema):
    code = ma.fields.Integer(required=True, metadata={"description": "The HTTP status code."})
    status = ma.fields.String(required=True, metadata={"description": "Its reason phrase."})
    message = ma.fields.String(required=True, metadata={"description": "What went wrong."})
    errors = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.List(ma.fields.String()),
        required=True,
        metadata={"description": "Messages per field (`field.sub` for nested fields)."},
    )


class VelferdslabApi(Api):  # type: ignore[misc]
    ERROR_SCHEMA = ErrorSchema

    def _register_pagination_header(self) -> None:
        # The header carries JSON text: documenting it as an object would misdescribe it.
        self.spec.components.header(
            "PAGINATION",
            {
                "description": "Pagination metadata as JSON: total, total_pages, first_page, "
                "last_page, page, previous_page, next_page.",
                "schema": {"type": "string"},
            },
            lazy=True,
        )

    def handle_http_exception(self, error: HTTPException) -> Any:
        # flask-smorest drops werkzeug's headers (Allow on 405, Retry-After on 429): keep them.
        headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
        data = getattr(error, "data", None) or {}
        headers.update(data.get("headers") or {})
        body = http_exception_body(error)
        # Allow on a page's 405 too (RFC 9110); a page says it in its own words.
        return error_response(
            body["code"], body["message"], body["errors"], headers, show_message=False
        )


def handle_domain_error(error: DomainError) -> Any:
    return error_response(error.status_code, error.message, error.errors, error.headers)


def authenticate_request() -> Response | None:
    if not request.path.startswith(API_PREFIX) or request.endpoint in PUBLIC_ENDPOINTS:
        return None
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    user = None
    if scheme.lower() == "bearer":
        user = user_for_token(db.session, token.strip(), current_app.config["TOKEN_CACHE_SECONDS"])
    if user is None and request.endpoint is not None:
        response = jsonify(error_body(401))
        response.status_code = 401
        response.headers["WWW-Authenticate"] = 'Bearer realm="velferdslab"'
        return response
    set_current_user(user)
    return None


RULE_PARAMETER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def _declared(api: VelferdslabApi) -> dict[tuple[str, str], tuple[frozenset[str], bool]]:
    """(OpenAPI path, method) → the query parameters it declares, and whether it needs a body."""
    declared = {}
    for path, operations in api.spec.to_dict().get("paths", {}).items():
        for method, operation in operations.items():
            if isinstance(operation, dict):
                parameters = operation.get("parameters", [])
                names = frozenset(
                    p["name"] for p in parameters if isinstance(p, dict) and p.get("in") == "query"
                )
                wanted = operation.get("requestBody", {})
                # a JSON body the operation needs; a file upload says itself what is missing
                body = bool(wanted.get("required")) and "application/json" in wanted.get(
                    "content", {}
                )
                declared[(path, method.upper())] = (names, body)
    return declared


def _refusal(status: int, message: str, errors: dict[str, list[str]]) -> Response:
    response = jsonify(error_body(status, message, errors))
    response.status_code = status
    return response


def refuse_undeclared_input(api: VelferdslabApi) -> Any:
    # A mistyped filter (?stauts=active) silently ignored would answer a different question; a
    # PATCH without a body would answer 200 having changed nothing.
    known: dict[tuple[str, str], tuple[frozenset[str], bool]] = {}

    def check() -> Response | None:
        if not request.path.startswith(API_PREFIX) or request.url_rule is None:
            return None
        if not known:
            known.update(_declared(api))
        path = RULE_PARAMETER.sub(r"{\1}", request.url_rule.rule)
        entry = known.get((path, request.method))
        if entry is None:
            return None
        allowed, needs_body = entry
        unknown = sorted(set(request.args) - allowed)
        if unknown:
            message = "Unknown query parameter."
            return _refusal(422, message, {name: [message] for name in unknown})
        if needs_body and not request.content_length and not request.get_data(cache=True):
            return _refusal(400, "A request body is required.", {"body": ["Missing."]})
        return None

    return check


def serve_docs_static(filename: str) -> Response:
    return send_from_directory(swagger_ui_bundle.swagger_ui_path, filename, max_age=86400)


def _finish_document(api: VelferdslabApi) -> None:
    # Every reader of the document (openapi.json, `flask openapi write`, the query check) gets
    # the finished one.
    draft = api.spec.to_dict
    api.spec.to_dict = lambda: openapi.finish(draft())


def init_api(app: Flask) -> VelferdslabApi:
    for key, value in OPENAPI_SETTINGS.items():
        app.config.setdefault(key, value)
    api = VelferdslabApi(app)
    api.ma_plugin.converter.add_attribute_function(openapi.dict_keys2properties)
    _finish_document(api)
    app.register_error_handler(DomainError, handle_domain_error)
    app.before_request(authenticate_request)
    app.before_request(guard_api_body)
    app.add_url_rule(
        f"{API_PREFIX}/docs-static/<path:filename>", "api_docs_static", serve_docs_static
    )
    PUBLIC_ENDPOINTS.add("api_docs_static")
    app.before_request(refuse_undeclared_input(api))
    return api
