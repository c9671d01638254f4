"""Shared pieces of the API blueprints: pagination, ETags, strict field types, today's date."""

from __future__ import annotations

import datetime as dt
from typing import Any

import marshmallow as ma
from flask import Response, request
from flask_smorest import Page

from velferdslab.db import MAX_MONEY, as_utc
from velferdslab.errors import PreconditionFailed, PreconditionRequired

MAX_INT = 2_147_483_647
ID_CONVERTER = "id"


def today() -> dt.date:
    return dt.date.today()


class QueryPage(Page):  # type: ignore[misc]
    """Pagination over a SQLAlchemy Select: counts with one query, fetches one page."""

    def __init__(self, collection: Any, page_params: Any) -> None:
        super().__init__(collection, page_params)

    @property
    def items(self) -> Any:
        from velferdslab.extensions import db

        if self.page_params.first_item > MAX_INT:
            return []  # far past the end; an offset that large would overflow the database
        query = self.collection.limit(self.page_params.page_size).offset(
            self.page_params.first_item
        )
        return db.session.scalars(query).all()

    @property
    def item_count(self) -> int:
        from sqlalchemy import func, select

        from velferdslab.extensions import db

        counted = select(func.count()).select_from(self.collection.order_by(None).subquery())
        return int(db.session.scalar(counted) or 0)


class Id(ma.fields.Integer):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("strict", True)
        kwargs.setdefault("validate", ma.validate.Range(min=1, max=MAX_INT))
        super().__init__(**kwargs)


class QueryId(ma.fields.Integer):
    """An id in a query string: text by nature, so not strict, but bounded."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("validate", ma.validate.Range(min=1, max=MAX_INT))
        super().__init__(**kwargs)


class Money(ma.fields.Decimal):
    """NOK with at most two decimals, as a JSON number."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("places", None)
        kwargs.setdefault("as_string", False)
        kwargs.setdefault("allow_nan", False)
        kwargs.setdefault("validate", ma.validate.Range(min=0, max=MAX_MONEY))
        super().__init__(**kwargs)

    def _validated(self, value: Any) -> Any:
        if isinstance(value, bool | str):
            raise self.make_error("invalid")
        number = super()._validated(value)
        if number is not None and number.as_tuple().exponent < -2:  # type: ignore[operator]
            raise ma.ValidationError("At most 2 decimals (øre).")
        return number

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> Any:
        return None if value is None else float(value)


class Flag(ma.fields.Boolean):
    """true or false (or their text in a query string); never 0, 1, "yes" or "on", which a
    typed client would never send and a typo would silently turn into a decision."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, bool):
            return value
        if value in ("true", "false"):
            return value == "true"
        raise self.make_error("invalid", input=value)


class Timestamp(ma.fields.DateTime):
    """ISO 8601 with its offset, always: SQLite hands back naive datetimes, written as UTC."""

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> Any:
        return super()._serialize(None if value is None else as_utc(value), attr, obj, **kwargs)


class Date(ma.fields.Date):
    """A calendar date within a range a welfare case can have."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "validate",
            ma.validate.Range(
                min=dt.date(1900, 1, 1),
                max=dt.date(2100, 12, 31),
                error="Must be between 1900-01-01 and 2100-12-31.",
            ),
        )
        super().__init__(**kwargs)


def text(
    max_length: int, *, min_length: int = 0, required: bool = False, **kwargs: Any
) -> ma.fields.String:
    """A string with bounded length; min_length=1 refuses an empty one."""
    length = ma.validate.Length(min=min_length or None, max=max_length)
    return ma.fields.String(required=required, validate=length, **kwargs)


def etag_of(entity: str, record: Any) -> str:
    return f'"{entity}-{record.id}-v{record.version}"'


def check_if_match(entity: str, record: Any) -> None:
    """A change names the version it was made from: `If-Match` with the record's ETag (from its
    GET), or `*` to overwrite whatever is there on purpose. A PATCH without it is a 428, so two
    clients that omit it cannot silently overwrite each other."""
    expected = request.headers.get("If-Match")
    if expected is None:
        if request.method == "PATCH":
            raise PreconditionRequired()
        return
    candidates = {tag.strip() for tag in expected.split(",")}
    if "*" not in candidates and etag_of(entity, record) not in candidates:
        raise PreconditionFailed()


def with_etag(response: Response, entity: str, record: Any) -> Response:
    response.headers["ETag"] = etag_of(entity, record)
    return response


class StrictSchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE


ERROR_DESCRIPTIONS = {
    401: "Not authenticated: no token, or an expired or revoked one.",
    403: "Your role lacks this collection-level permission.",
    404: "Missing, or not visible to you.",
    409: "Conflicts with the current state; nothing was saved.",
    412: "Stale If-Match: the record changed since you read it.",
    428: "If-Match is required: send the ETag of your last read (or * to overwrite).",
    413: "The request body is too large.",
    429: "Too many attempts.",
}


def document_errors(blp: Any, *codes: int) -> Any:
    """Document the error answers of an operation, all in the one error shape."""

    if 412 in codes:
        codes = (*codes, 428)

    def decorate(view: Any) -> Any:
        for code in codes:
            view = blp.alt_response(
                code, response="DEFAULT_ERROR", description=ERROR_DESCRIPTIONS[code]
            )(view)
        return view

    return decorate
