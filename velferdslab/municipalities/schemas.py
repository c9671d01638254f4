"""API schemas of municipalities and agencies, and the content ETag of records without a version."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import marshmallow as ma

from velferdslab.api.common import Id, QueryId, StrictSchema
from velferdslab.vocabulary import AgencyKind, GovernmentLevel, values

CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
NUMBER = re.compile(r"[0-9]{4}")
PREFIX = re.compile(r"[A-ZÆØÅ]{2,5}")


def _printable(value: str) -> None:
    # A NUL byte is refused by PostgreSQL: a 422 here, not a 500 at the commit.
    if CONTROL_CHARACTERS.search(value):
        raise ma.ValidationError("Must not contain control characters.")
    if not value.strip():
        raise ma.ValidationError("Must not be blank.")


def name_field(max_length: int, **kwargs: Any) -> ma.fields.String:
    """A one-line name: 1..max_length printable characters, not blank."""
    return ma.fields.String(
        validate=[ma.validate.Length(min=1, max=max_length), _printable], **kwargs
    )


def _matching(pattern: re.Pattern[str], message: str) -> Any:
    def check(value: str) -> None:
        if not pattern.fullmatch(value):
            raise ma.ValidationError(message)

    return check


def number_field(**kwargs: Any) -> ma.fields.String:
    return ma.fields.String(
        validate=_matching(NUMBER, "Must be exactly 4 digits (kommunenummer)."),
        metadata={"description": "The 4-digit kommunenummer, e.g. 0301.", "pattern": "^[0-9]{4}$"},
        **kwargs,
    )


def prefix_field(
    description: str = "Starts the family references: PREFIX-YEAR-NNNN.", **kwargs: Any
) -> ma.fields.String:
    return ma.fields.String(
        validate=_matching(PREFIX, "Must be 2–5 capital letters (A–Z, Æ, Ø, Å)."),
        metadata={"description": description, "pattern": "^[A-ZÆØÅ]{2,5}$"},
        **kwargs,
    )


class MunicipalitySchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    name = ma.fields.String()
    number = ma.fields.String(metadata={"description": "The 4-digit kommunenummer."})
    reference_prefix = ma.fields.String(
        metadata={"description": "Starts the family references: PREFIX-YEAR-NNNN."}
    )


class MunicipalityCreateSchema(StrictSchema):
    name = name_field(100, required=True)
    number = number_field(required=True)
    reference_prefix = prefix_field(
        "Starts the family references: PREFIX-YEAR-NNNN. Optional: derived from the name when "
        "left out (Asker → ASK; the next free letters when taken); editable (PATCH) until the "
        "municipality has families."
    )


class MunicipalityUpdateSchema(StrictSchema):
    name = name_field(100)
    number = number_field()
    reference_prefix = prefix_field()


def kind_field(**kwargs: Any) -> ma.fields.String:
    return ma.fields.String(validate=ma.validate.OneOf(values(AgencyKind)), **kwargs)


def level_field(**kwargs: Any) -> ma.fields.String:
    return ma.fields.String(validate=ma.validate.OneOf(values(GovernmentLevel)), **kwargs)


class AgencySchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    municipality_id = ma.fields.Integer()
    name = ma.fields.String()
    kind = ma.fields.String(metadata={"enum": list(values(AgencyKind))})
    government_level = ma.fields.String(metadata={"enum": list(values(GovernmentLevel))})


class AgencyCreateSchema(StrictSchema):
    municipality_id = Id(
        metadata={"description": "Defaults to your own municipality; regional admins name it."}
    )
    name = name_field(150, required=True)
    kind = kind_field(required=True)
    government_level = level_field(required=True)


class AgencyUpdateSchema(StrictSchema):
    """The municipality of an agency is fixed: its teams, consents and budgets refer to it."""

    name = name_field(150)
    kind = kind_field()
    government_level = level_field()


class AgencyQuerySchema(ma.Schema):
    municipality_id = QueryId()
    kind = kind_field()


@dataclass(frozen=True)
class ContentVersion:
    """A record tagged by a digest of its representation, for check_if_match and with_etag."""

    id: int
    version: str


def content_version(record_id: int, representation: Mapping[str, Any]) -> ContentVersion:
    text = json.dumps(representation, sort_keys=True, default=str, ensure_ascii=False)
    return ContentVersion(record_id, hashlib.sha256(text.encode()).hexdigest()[:16])
