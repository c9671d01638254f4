"""Read models of assessments: a family's journey with levels carried forward."""

from __future__ import annotations

from sqlalchemy import select

from velferdslab.assessments.models import Assessment
from velferdslab.charts.journey import JourneyPoint
from velferdslab.db import AnySession


def journey(session: AnySession, family_id: int) -> list[JourneyPoint]:
    """One point per assessment date: every domain's latest level so far, and the overall level
    in force (the team's override when it gave one, else the derived level)."""
    assessments = session.scalars(
        select(Assessment)
        .where(Assessment.family_id == family_id)
        .order_by(Assessment.assessed_on, Assessment.id)
    ).all()
    current: dict[str, int | None] = {}
    points: dict[object, JourneyPoint] = {}
    for assessment in assessments:
        current.update({d: v for d, v in assessment.levels().items() if v is not None})
        overall = (
            assessment.overall_override
            if assessment.overall_override is not None
            else assessment.overall
        )
        # Two readings on one date: the later recorded one wins.
        points[assessment.assessed_on] = JourneyPoint(
            assessment.assessed_on, dict(current), overall
        )
    return list(points.values())
