# mypy: disallow-untyped-decorators=False
# (flask-smorest's decorators are untyped; pyproject relaxes this for the *.api modules alike.)
"""Help text beside the assessment form: defaults from config/, admins' edits in the database,
and /level-descriptions, where admins edit them."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import cache
from typing import Any

import marshmallow as ma
from flask_smorest import Blueprint, Page
from sqlalchemy import select

from velferdslab import policy
from velferdslab.api.common import Flag, StrictSchema, document_errors
from velferdslab.assessments.models import LevelDescription
from velferdslab.audit.log import record
from velferdslab.auth.current import current_user
from velferdslab.db import AnySession
from velferdslab.extensions import db
from velferdslab.settings import config_file
from velferdslab.vocabulary import DOMAINS, LEVEL_NUMBER, LEVELS

LANGUAGES = ("nb", "en")


class CriteriaError(ValueError):
    pass


@cache
def default_criteria() -> dict[str, dict[str, list[str]]]:
    """{language: {domain: [text per level, worst first]}}, checked to be complete."""
    with open(config_file("level-criteria.toml"), "rb") as handle:
        raw = tomllib.load(handle)
    missing = [
        f"{domain}.{language}.{level}"
        for domain in DOMAINS
        for language in LANGUAGES
        for level in LEVELS
        if not raw.get(domain, {}).get(language, {}).get(level)
    ]
    if missing:
        raise CriteriaError(f"velferdslab/defaults/level-criteria.toml lacks: {', '.join(missing)}")
    return {
        language: {d: [raw[d][language][level] for level in LEVELS] for d in DOMAINS}
        for language in LANGUAGES
    }


def scoring_rule(language: str) -> str:
    with open(config_file("level-criteria.toml"), "rb") as handle:
        return str(tomllib.load(handle)["scoring_rule"][language])


def help_texts(language: str) -> dict[str, list[str]]:
    language = language if language in LANGUAGES else "nb"
    texts = {d: list(levels) for d, levels in default_criteria()[language].items()}
    edits = db.session.scalars(
        select(LevelDescription).where(LevelDescription.language == language)
    ).all()
    for edit in edits:
        texts[edit.domain][edit.level] = edit.text
    return texts


def edited_texts(session: AnySession) -> dict[tuple[str, int, str], str]:
    return {
        (e.domain, e.level, e.language): e.text for e in session.scalars(select(LevelDescription))
    }


def all_descriptions(session: AnySession, filters: Mapping[str, str]) -> list[dict[str, Any]]:
    """Every domain × level × language, the admin's text where there is one, else the default."""
    edits = edited_texts(session)
    languages = [filters["language"]] if "language" in filters else LANGUAGES
    domains = [filters["domain"]] if "domain" in filters else DOMAINS
    rows = []
    for language in languages:
        for domain in domains:
            defaults = default_criteria()[language][domain]
            for number, level in enumerate(LEVELS):
                key = (domain, number, language)
                text = edits.get(key, defaults[number])
                edited = key in edits
                rows.append(
                    dict(domain=domain, level=level, language=language, text=text, edited=edited)
                )
    return rows


def set_description(
    session: AnySession, domain: str, level: str, language: str, text: str, user_id: int
) -> None:
    number = LEVEL_NUMBER[level]
    row = session.get(LevelDescription, (domain, number, language))
    if row is None:
        row = LevelDescription(domain=domain, level=number, language=language)
        session.add(row)
    row.text = text
    row.updated_by = user_id
    session.flush()
    record(session, "update", "level_description", details={"key": f"{domain}.{level}.{language}"})


def _printable(value: str) -> None:
    if "\x00" in value or not value.strip():
        raise ma.ValidationError("Write some text (no NUL characters).")


class LevelDescriptionSchema(ma.Schema):
    domain = ma.fields.String(metadata={"enum": list(DOMAINS)})
    level = ma.fields.String(metadata={"enum": list(LEVELS)})
    language = ma.fields.String(metadata={"enum": list(LANGUAGES)})
    text = ma.fields.String()
    edited = Flag(metadata={"description": "false: the default from config/."})


class LevelDescriptionQuerySchema(ma.Schema):
    domain = ma.fields.String(validate=ma.validate.OneOf(DOMAINS))
    language = ma.fields.String(validate=ma.validate.OneOf(LANGUAGES))


class LevelDescriptionWriteSchema(StrictSchema):
    text = ma.fields.String(
        required=True, validate=[ma.validate.Length(min=1, max=2000), _printable]
    )


def _any(choices: tuple[str, ...]) -> str:
    return f"any({', '.join(choices)})"


KEY_PATH = f"/<{_any(DOMAINS)}:domain>/<{_any(LEVELS)}:level>/<{_any(LANGUAGES)}:language>"


def create_blueprint() -> Blueprint:
    blp = Blueprint(
        "level_descriptions",
        __name__,
        url_prefix="/api/v1/level-descriptions",
        description="The help text beside the assessment form, per domain, level and language. "
        "Defaults come from the shipped level-criteria.toml; admins may replace any of them.",
    )

    @blp.route("", methods=["GET"])
    @blp.arguments(LevelDescriptionQuerySchema, location="query")
    @blp.response(200, LevelDescriptionSchema(many=True))
    @blp.paginate(Page, page_size=100, max_page_size=500)
    @document_errors(blp, 401)
    def list_descriptions(args: dict[str, str]) -> Any:
        """Every help text: by language, domain and level (worst first)."""
        return all_descriptions(db.session, args)

    @blp.route(KEY_PATH, methods=["PUT"])
    @blp.arguments(LevelDescriptionWriteSchema)
    @blp.response(200, LevelDescriptionSchema)
    @document_errors(blp, 401, 403, 404)
    def put_description(data: dict[str, str], domain: str, level: str, language: str) -> Any:
        """Replace the help text of one domain, level and language (admins).

        An unknown domain, level or language is a 404. The text replaces the default from
        config/ for every assessment form from now on.
        """
        user = current_user()
        policy.require(user, "level_descriptions.write")
        set_description(db.session, domain, level, language, data["text"], user.id)
        return {
            "domain": domain,
            "level": level,
            "language": language,
            "text": data["text"],
            "edited": True,
        }

    return blp
