"""The `id` URL converter: a record's id in a path, at most a 32-bit integer, so that a larger
number answers 404 from routing instead of an overflow in the database driver."""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter, Map

ID_MAX = 2_147_483_647


class IdConverter(IntegerConverter):
    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        super().__init__(url_map, max=ID_MAX)


def register_converters(app: Flask) -> None:
    app.url_map.converters["id"] = IdConverter
