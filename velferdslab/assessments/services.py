"""Recording assessments: validation, the derived overall level, carry-forward on every write."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import cast

from sqlalchemy import select

from velferdslab.assessments.levels import level_number, overall_level
from velferdslab.assessments.models import Assessment, ProgressNote
from velferdslab.audit.log import record
from velferdslab.db import AnySession
from velferdslab.errors import Text, ValidationFailed
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
        errors["levels"] = [Text("Assess at least one domain.")]
    if overall_override is not None and not (override_reason or "").strip():
        errors["override_reason"] = [Text("Give the reason when the overall level is overridden.")]
    if assessed_on > today:
        errors["assessed_on"] = [Text("Cannot be in the future.")]
    for domain, text in rationale.items():
        if len(text) > MAX_RATIONALE:
            errors[f"rationale.{domain}"] = [f"At most {MAX_RATIONALE} characters."]
    if errors:
        raise ValidationFailed(Text("The assessment has invalid values."), errors)


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
    # Derived before the INSERT, so the new row needs no UPDATE after it; a reading entered
    # late also changes what the later ones carry forward.
    _derive_overall(session, family.id, rule, new=assessment)
    session.add(assessment)
    session.flush()
    record(session, "create", "assessment", assessment.id, family_id=family.id)
    return assessment


LEVEL_COLUMNS = tuple(getattr(Assessment, f"level_{d}") for d in DOMAINS)


def recompute_overall(session: AnySession, family_id: int, rule: str) -> None:
    """Store each assessment's derived overall level from the levels in force at it.

    A reading entered late, or edited, changes what later readings carry forward, so the whole
    family is recomputed; a family has tens of readings, not thousands."""
    _derive_overall(session, family_id, rule)
    session.flush()


def _derive_overall(
    session: AnySession, family_id: int, rule: str, new: Assessment | None = None
) -> None:
    """Set the derived overall level on every reading of the family whose stored one differs,
    `new` (not yet added to the session) included. The readings are read as plain rows; only
    those that change are loaded as records."""
    rows = session.execute(
        select(Assessment.id, Assessment.assessed_on, Assessment.overall, *LEVEL_COLUMNS)
        .where(Assessment.family_id == family_id)
        .order_by(Assessment.assessed_on, Assessment.id)
    ).all()
    readings: list[tuple[Assessment | int, int | None, tuple[int | None, ...]]] = [
        (row[0], row[2], tuple(row[3:])) for row in rows
    ]
    if new is not None:
        # The new reading is recorded last: it follows every reading of an earlier or the same
        # date, as its id will.
        at = sum(1 for row in rows if row[1] <= new.assessed_on)
        readings.insert(at, (new, None, tuple(new.levels()[d] for d in DOMAINS)))
    current: dict[str, int | None] = dict.fromkeys(DOMAINS)
    for target, stored, levels in readings:
        current.update({d: v for d, v in zip(DOMAINS, levels, strict=True) if v is not None})
        derived = overall_level(current, rule)
        if isinstance(target, Assessment):
            target.overall = derived
        elif stored != derived:
            session.get_one(Assessment, target).overall = derived


def _as_numbers(value: object) -> dict[str, int | None]:
    names = value if isinstance(value, dict) else {}
    return {d: None if v is None else level_number(str(v)) for d, v in names.items()}


def update_assessment(
    session: AnySession,
    assessment: Assessment,
    changes: Mapping[str, object],
    rule: str,
    today: dt.date | None = None,
) -> Assessment:
    """Apply a correction given with level names; a field left out keeps its value, `levels`
    replaces the whole reading (a domain left out becomes unassessed)."""
    levels = assessment.levels()
    if "levels" in changes:
        levels = {**dict.fromkeys(DOMAINS), **_as_numbers(changes["levels"])}
    rationale = dict(changes.get("rationale", assessment.rationale) or {})  # type: ignore[call-overload]
    override = assessment.overall_override
    if "overall_override" in changes:
        value = changes["overall_override"]
        override = None if value is None else level_number(str(value))
    given = changes.get("override_reason", assessment.override_reason)
    reason = str(given) if override is not None and given else None
    on = cast(dt.date, changes.get("assessed_on", assessment.assessed_on))
    validate_reading(levels, rationale, override, reason, on, today or dt.date.today())
    assessment.assessed_on = on
    assessment.set_levels(levels)
    if "family_levels" in changes:
        assessment.set_levels(_as_numbers(changes["family_levels"]), family=True)
    assessment.rationale = rationale
    assessment.overall_override = override
    assessment.override_reason = reason
    session.flush()
    recompute_overall(session, assessment.family_id, rule)
    record(session, "update", "assessment", assessment.id, family_id=assessment.family_id)
    return assessment


def write_note(
    session: AnySession,
    family: Family,
    author: User,
    *,
    text: str,
    domain: str | None,
    written_on: dt.date,
    today: dt.date | None = None,
) -> ProgressNote:
    if written_on > (today or dt.date.today()):
        raise ValidationFailed(
            Text("A note is written about what has happened."),
            {"written_on": [Text("Cannot be in the future.")]},
        )
    note = ProgressNote(
        family_id=family.id, written_on=written_on, domain=domain, text=text, author_id=author.id
    )
    session.add(note)
    session.flush()
    record(session, "create", "progress_note", note.id, family_id=family.id)
    return note
