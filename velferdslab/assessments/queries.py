"""Read models of assessments: a family's journey with levels carried forward."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select

from velferdslab.assessments.levels import carry_forward
from velferdslab.assessments.models import Assessment
from velferdslab.charts.journey import JourneyPoint
from velferdslab.db import AnySession


def family_assessments(session: AnySession, family_id: int) -> list[Assessment]:
    return list(
        session.scalars(
            select(Assessment)
            .where(Assessment.family_id == family_id)
            .order_by(Assessment.assessed_on, Assessment.id)
        )
    )


def journey(session: AnySession, family_id: int) -> list[JourneyPoint]:
    """One point per assessment date: the levels in force and the overall level in force."""
    return journey_of(family_assessments(session, family_id))


def journey_of(assessments: Sequence[Assessment]) -> list[JourneyPoint]:
    """The journey from a family's assessments in date order (family_assessments)."""
    points = carry_forward([(a.assessed_on, a.id, a.levels()) for a in assessments])
    overall_on: dict[dt.date, int | None] = {}
    for assessment in assessments:  # in record order: the later one on a date wins
        overall_on[assessment.assessed_on] = assessment.effective_overall
    return [JourneyPoint(p.on, p.levels, overall_on[p.on]) for p in points]
