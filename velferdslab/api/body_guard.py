"""Bad bodies get a clear 4xx before any view parses them, never a 500.

JSON bodies of the API are read once here, with limits a parser does not have: nesting depth
(checked by a linear scan before parsing, so a body of 5 000 brackets never reaches the
recursive parser), integers out of the 64-bit range (the database's), Infinity/NaN, lone UTF-16
surrogates (which no database stores) and NUL characters (which PostgreSQL refuses) in any
string. Page forms are checked for NUL too; their text is decoded with replacement, so it holds
no lone surrogate.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Response, jsonify, request

from velferdslab.api.errors import error_body
from velferdslab.errors import Text, ValidationFailed

MAX_DEPTH = 32
INT_LIMIT = 2**63 - 1
_SURROGATE = re.compile("[\ud800-\udfff]")


class BadBody(ValueError):
    def __init__(
        self, code: int, message: str, field: str | None = None, problem: str = ""
    ) -> None:
        super().__init__(message)
        self.code, self.message, self.field, self.problem = code, message, field, problem


def json_depth_exceeds(data: bytes, limit: int = MAX_DEPTH) -> bool:
    """Whether brackets outside strings nest deeper than `limit` (a linear scan)."""
    depth = 0
    in_string = escaped = False
    for byte in data:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > limit:
                return True
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return False


def _no_constant(name: str) -> Any:
    raise BadBody(400, f"{name} is not a number JSON allows.")


def _check_values(value: Any, path: str) -> None:
    if isinstance(value, str):
        if _SURROGATE.search(value):
            raise BadBody(422, "Some text is not valid Unicode.", path or "_body",
                          "Contains an unpaired surrogate: not valid Unicode text.")  # fmt: skip
        if "\x00" in value:
            raise BadBody(422, "Some text contains a NUL character.", path or "_body",
                          "Must not contain NUL characters.")  # fmt: skip
    elif isinstance(value, bool):
        return
    elif isinstance(value, int):
        if abs(value) > INT_LIMIT:
            raise BadBody(422, "A number is out of range.", path or "_body", "Out of range.")
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_values(key, path)
            _check_values(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_values(item, f"{path}.{index}" if path else str(index))


def check_json(data: bytes) -> None:
    """Raise BadBody when the JSON body is one that must not reach the views."""
    if json_depth_exceeds(data):
        raise BadBody(400, f"The JSON body is nested more than {MAX_DEPTH} levels deep.")
    try:
        # bytes: json detects UTF-8/16/32 as the views' parser does
        parsed = json.loads(data, parse_constant=_no_constant)
    except BadBody:
        raise
    except ValueError as error:
        # malformed JSON is the views' 400 to give; a number too long to read is ours
        if "digits" in str(error):
            raise BadBody(422, "A number is too long.", "_body", "Out of range.") from None
        return
    _check_values(parsed, "")


def guard_api_body() -> Response | None:
    """before_request for the API: refuse a JSON body the views could not handle safely."""
    if not request.path.startswith("/api/") or not request.is_json:
        return None
    try:
        check_json(request.get_data(cache=True))
    except BadBody as error:
        errors = {error.field: [error.problem]} if error.field else None
        response = jsonify(error_body(error.code, error.message, errors))
        response.status_code = error.code
        return response
    return None


def guard_form_text() -> None:
    """before_request for pages: no NUL character in any submitted text."""
    if request.path.startswith("/api/") or request.method != "POST":
        return
    for name, value in request.form.items(multi=True):
        if "\x00" in value:
            raise ValidationFailed(
                Text("Text must not contain NUL characters."),
                {name[:80]: [Text("Must not contain NUL characters.")]},
            )
