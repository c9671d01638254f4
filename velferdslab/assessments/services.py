"""Recording assessments: validation, the derived overall level, carry-forward on every write."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from sqlalchemy import select

from velferdslab.assessments.levels import overall_level
from velferdslab.assessments.models import Assessment, ProgressNote
from velferdslab.db import AnySession
from velferdslab.errors import ValidationFailed
from velferdslab.families.models import Family
from velferdslab.users.models import User
from velferdslab.vocabulary import DOMAINS, OverallRule

MAX_RATIONALE = 2000


def validate_reading(
    levels: Mapping[str, int | None],
    rationale: Mapping[str, str],
    overall_override: int | None,
    override_reason: str | None,
    assessed_on: dt.date,
    today: dt.date,
) -> None:
    errors: dict[str, list[str]] = {}
    if all(levels.get(d) is None for d in DOMAINS):
        errors["levels"] = ["Assess at least one domain."]
    if overall_override is not None and not (override_reason or "").strip():
        errors["override_reason"] = ["Give the reason when the overall level is overridden."]
    if assessed_on > today:
        errors["assessed_on"] = ["Cannot be in the future."]
    for domain, text in rationale.items():
        if len(text) > MAX_RATIONALE:
            errors[f"rationale.{domain}"] = [f"At most {MAX_RATIONALE} characters."]
    if errors:
        raise ValidationFailed("The assessment has invalid values.", errors)


def record_assessment(
    session: AnySession,
    family: Family,
    assessor: User,
    *,
    assessed_on: dt.date,
    levels: Mapping[str, int | None],
    rationale: Mapping[str, str] | None = None,
    family_levels: Mapping[str, int | None] | None = None,
    overall_override: int | None = None,
    override_reason: str | None = None,
    rule: str = OverallRule.LOWEST,
    today: dt.date | None = None,
) -> Assessment:
    rationale = dict(rationale or {})
    validate_reading(
        levels, rationale, overall_override, override_reason, assessed_on, today or dt.date.today()
    )
    assessment = Assessment(
        family_id=family.id,
        assessed_on=assessed_on,
        rationale=rationale,
        overall_override=overall_override,
        override_reason=override_reason if overall_override is not None else None,
        assessed_by=assessor.id,
    )
    assessment.set_levels(dict(levels))
    assessment.set_levels(dict(family_levels or {}), family=True)
    session.add(assessment)
    session.flush()
    recompute_overall(session, family.id, rule)
    return assessment


def recompute_overall(session: AnySession, family_id: int, rule: str) -> None:
    """Store each assessment's derived overall level from the levels in force at it.

    A reading entered late, or edited, changes what later readings carry forward, so the whole
    family is recomputed; a family has tens of readings, not thousands."""
    assessments = session.scalars(
        select(Assessment)
        .where(Assessment.family_id == family_id)
        .order_by(Assessment.assessed_on, Assessment.id)
    ).all()
    current: dict[str, int | None] = dict.fromkeys(DOMAINS)
    for assessment in assessments:
        current.update({d: v for d, v in assessment.levels().items() if v is not None})
        derived = overall_level(current, rule)
        if assessment.overall != derived:
            assessment.overall = derived
    session.flush()


def update_assessment(
    session: AnySession, assessment: Assessment, changes: Mapping[str, object], rule: str
) -> Assessment:
    """Apply a correction (level names already turned into numbers by the caller or not)."""
    from velferdslab.assessments.levels import level_number

    def as_numbers(value: object) -> dict[str, int | None]:
        names = value if isinstance(value, dict) else {}
        return {d: None if v is None else level_number(str(v)) for d, v in names.items()}

    levels = assessment.levels()
    if "levels" in changes:
        levels = {**dict.fromkeys(DOMAINS), **as_numbers(changes["levels"])}
    rationale = dict(changes.get("rationale", assessment.rationale) or {})  # type: ignore[call-overload]
    override = assessment.overall_override
    if "overall_override" in changes:
        value = changes["overall_override"]
        override = None if value is None else level_number(str(value))
    reason = changes.get("override_reason", assessment.override_reason)
    validate_reading(
        levels, rationale, override, str(reason) if reason else None,
        assessment.assessed_on, assessment.assessed_on,
    )  # fmt: skip
    assessment.set_levels(levels)
    if "family_levels" in changes:
        assessment.set_levels(as_numbers(changes["family_levels"]), family=True)
    assessment.rationale = rationale
    assessment.overall_override = override
    assessment.override_reason = str(reason) if override is not None and reason else None
    session.flush()
    recompute_overall(session, assessment.family_id, rule)
    return assessment


def write_note(
    session: AnySession,
    family: Family,
    author: User,
    *,
    text: str,
    domain: str | None,
    written_on: dt.date,
) -> ProgressNote:
    note = ProgressNote(
        family_id=family.id, written_on=written_on, domain=domain, text=text, author_id=author.id
    )
    session.add(note)
    session.flush()
    return note
