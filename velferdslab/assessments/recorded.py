"""Readings as they were recorded (a lab's past, brought in by an import): the rules of
record_assessment for many readings of one family at once. Each reading is checked as one entered
by hand (validate_reading), the derived overall levels are computed once over the family's
readings old and new (a late reading changes what later ones carry forward), and the new rows
are written in one INSERT (or collected for an import's COPY, velferdslab.bulk), with one event
naming them all."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import cast

from sqlalchemy import Table, select

from velferdslab.assessments.levels import overall_level
from velferdslab.assessments.models import Assessment
from velferdslab.assessments.services import LEVEL_COLUMNS, validate_reading
from velferdslab.audit.log import record
from velferdslab.bulk import insert_rows
from velferdslab.db import AnySession
from velferdslab.families.models import Family
from velferdslab.vocabulary import DOMAINS

TABLE = cast(Table, Assessment.__table__)


@dataclass(frozen=True)
class Reading:
    assessed_on: dt.date
    levels: Mapping[str, int | None]
    assessed_by: int
    rationale: Mapping[str, str] = field(default_factory=dict)


def check_reading(reading: Reading, today: dt.date) -> None:
    """A reading's own rules, as record_assessment applies them (ValidationFailed)."""
    validate_reading(reading.levels, reading.rationale, None, None, reading.assessed_on, today)


def record_readings(
    session: AnySession,
    family: Family,
    readings: Sequence[Reading],
    *,
    rule: str,
    today: dt.date,
    fresh: bool = False,
) -> list[int]:
    """Add the readings (checked again here: the service holds the rule) and return their
    ids. `fresh`: the caller created the family in this transaction, it has no stored
    readings to read."""
    for reading in readings:
        check_reading(reading, today)
    if not readings:
        return []
    query = (
        select(Assessment.id, Assessment.assessed_on, Assessment.overall, *LEVEL_COLUMNS)
        .where(Assessment.family_id == family.id)
        .order_by(Assessment.assessed_on, Assessment.id)
    )
    stored = [] if fresh else session.execute(query).all()
    # In the order the readings carry forward: by date; a new reading after every stored one of
    # its date, the new ones in the order given (their ids will follow it).
    order: list[tuple[tuple[dt.date, int, int], int | None, int | None, tuple[int | None, ...]]]
    order = [((row[1], 0, i), row[0], row[2], tuple(row[3:])) for i, row in enumerate(stored)]
    order += [
        ((r.assessed_on, 1, i), None, i, tuple(r.levels.get(d) for d in DOMAINS))
        for i, r in enumerate(readings)
    ]
    order.sort(key=lambda item: item[0])
    derived: list[int | None] = [None] * len(readings)
    current: dict[str, int | None] = dict.fromkeys(DOMAINS)
    for _, stored_id, value, levels in order:
        current.update({d: v for d, v in zip(DOMAINS, levels, strict=True) if v is not None})
        overall = overall_level(current, rule)
        if stored_id is None:
            assert value is not None
            derived[value] = overall
        elif value != overall:
            session.get_one(Assessment, stored_id).overall = overall
    session.flush()
    rows = [
        {
            "family_id": family.id,
            "assessed_on": r.assessed_on,
            **{f"level_{d}": r.levels.get(d) for d in DOMAINS},
            **{f"family_level_{d}": None for d in DOMAINS},
            "rationale": dict(r.rationale),
            "overall": derived[i],
            "overall_override": None,
            "override_reason": None,
            "assessed_by": r.assessed_by,
        }
        for i, r in enumerate(readings)
    ]
    # A Core INSERT of the whole list, or the rows collected for an import's COPY (velferdslab
    # .bulk); the events need the ids only, in no particular order.
    ids = [reading_id for (reading_id,) in insert_rows(session, TABLE, rows, "id")]
    # One event for the family's new readings, naming each (a lab's past is thousands of
    # readings: an event each would be most of an import's time and memory).
    record(session, "create", "assessment", None, family_id=family.id,
           details={"count": len(ids), "ids": sorted(ids)})  # fmt: skip
    return sorted(ids)
