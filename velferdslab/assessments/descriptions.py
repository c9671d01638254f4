"""Help text beside the assessment form: defaults from config/, admins' edits in the database."""

from __future__ import annotations

import tomllib
from functools import cache

from sqlalchemy import select

from velferdslab.assessments.models import LevelDescription
from velferdslab.extensions import db
from velferdslab.settings import CONFIG_DIR
from velferdslab.vocabulary import DOMAINS, LEVELS

LANGUAGES = ("nb", "en")


class CriteriaError(ValueError):
    pass


@cache
def default_criteria() -> dict[str, dict[str, list[str]]]:
    """{language: {domain: [text per level, worst first]}}, checked to be complete."""
    with open(CONFIG_DIR / "level-criteria.toml", "rb") as handle:
        raw = tomllib.load(handle)
    missing = [
        f"{domain}.{language}.{level}"
        for domain in DOMAINS
        for language in LANGUAGES
        for level in LEVELS
        if not raw.get(domain, {}).get(language, {}).get(level)
    ]
    if missing:
        raise CriteriaError(f"config/level-criteria.toml lacks: {', '.join(missing)}")
    return {
        language: {d: [raw[d][language][level] for level in LEVELS] for d in DOMAINS}
        for language in LANGUAGES
    }


def scoring_rule(language: str) -> str:
    with open(CONFIG_DIR / "level-criteria.toml", "rb") as handle:
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
