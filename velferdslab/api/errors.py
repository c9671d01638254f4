"""The single JSON error shape of the API: {code, status, message, errors: {field: [messages]}}."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

DEFAULT_MESSAGES = {
    400: "The request body is not valid JSON or not what this operation takes.",
    401: "Authentication is required: send a valid bearer token.",
    403: "Your role does not allow this.",
    404: "Not found.",
    405: "This method is not allowed here.",
    409: "The request conflicts with the current state.",
    412: "The record changed since you read it: fetch it again and retry.",
    413: "The request body is too large.",
    415: "Send the body as application/json.",
    422: "Some fields have invalid values.",
    428: "Send If-Match with the ETag of the record as you last read it.",
    429: "Too many attempts: wait a moment and try again.",
    500: "Something went wrong on our side; nothing was saved.",
}


def flatten_errors(errors: Any, prefix: str = "") -> dict[str, list[str]]:
    """webargs nests messages by location and field; clients get `field.sub: [messages]`."""
    if isinstance(errors, Mapping):
        flat: dict[str, list[str]] = {}
        for key, value in errors.items():
            location_level = not prefix and key in {"json", "query", "files", "form", "headers"}
            name = prefix if location_level else (f"{prefix}.{key}" if prefix else str(key))
            for field, messages in flatten_errors(value, name).items():
                flat.setdefault(field, []).extend(messages)
        return flat
    if isinstance(errors, list | tuple):
        if all(isinstance(item, str) for item in errors):
            return {prefix or "_body": list(errors)}
        flat = {}
        for item in errors:
            for field, messages in flatten_errors(item, prefix).items():
                flat.setdefault(field, []).extend(messages)
        return flat
    return {prefix or "_body": [str(errors)]}


# An error answer never grows with the request: a large invalid body (thousands of bad list
# items, long unknown keys echoed back) is answered with at most this much.
MAX_ERROR_FIELDS = 50
MAX_MESSAGES_PER_FIELD = 5
MAX_TEXT = 300


def _short(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def capped(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    names = list(errors)
    kept = {
        _short(name): [_short(str(m)) for m in errors[name][:MAX_MESSAGES_PER_FIELD]]
        for name in names[:MAX_ERROR_FIELDS]
    }
    if len(names) > MAX_ERROR_FIELDS:
        kept["_more"] = [f"{len(names) - MAX_ERROR_FIELDS} more fields have errors."]
    return kept


def error_body(code: int, message: str | None = None, errors: Any = None) -> dict[str, Any]:
    return {
        "code": code,
        "status": HTTP_STATUS_CODES.get(code, "Error"),
        "message": _short(
            message or DEFAULT_MESSAGES.get(code, HTTP_STATUS_CODES.get(code, "Error"))
        ),
        "errors": capped(flatten_errors(errors)) if errors else {},
    }


def http_exception_body(error: HTTPException) -> dict[str, Any]:
    code = error.code or 500
    data = getattr(error, "data", None) or {}
    errors = data.get("errors") or data.get("messages")
    message = data.get("message")
    if message is None and code in DEFAULT_MESSAGES:
        message = DEFAULT_MESSAGES[code]
    return error_body(code, message or error.description, errors)
