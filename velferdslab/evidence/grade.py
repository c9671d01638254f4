"""Whether the gains of a set of municipalities rest on a comparison (evidence grade 3): the
estimate, where every municipality of the set with enrolled families has a comparison cohort
and the estimate exists; None otherwise (grade 1, before/after). velferdslab.gains.evidence
asks here for every figure of gains, so without a cohort it costs one small query."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import func, select

from velferdslab.db import AnySession
from velferdslab.evidence.did import Estimate
from velferdslab.evidence.estimate import estimate_for, overall_rule
from velferdslab.evidence.models import ComparisonCohort, Preregistration
from velferdslab.families.models import Family


def comparison_estimate(
    session: AnySession, municipality_ids: Sequence[int] | None, as_of: dt.date
) -> Estimate | None:
    """The estimate behind grade 3 for these municipalities (None: every one) at the date."""
    cohorts = select(ComparisonCohort.municipality_id).distinct()
    if municipality_ids is not None:
        cohorts = cohorts.where(ComparisonCohort.municipality_id.in_(municipality_ids))
    with_cohort = set(session.scalars(cohorts))
    if not with_cohort:
        return None
    enrolled = select(Family.municipality_id).distinct().where(Family.enrolled_on.is_not(None))
    if municipality_ids is not None:
        enrolled = enrolled.where(Family.municipality_id.in_(municipality_ids))
    labs = set(session.scalars(enrolled))
    # A figure over several labs is graded 3 only when each of them is compared.
    if not labs or labs - with_cohort:
        return None
    return estimate_for(session, sorted(labs), as_of, overall_rule(session)).estimate


def evidence_fingerprint(session: AnySession) -> tuple[int, int, int]:
    """What the grade depends on beyond the lab's own data (cohorts and pre-registrations
    added or removed), for the keys of kept reports (gains/services.py)."""
    cohorts = session.execute(
        select(func.count(ComparisonCohort.id), func.coalesce(func.max(ComparisonCohort.id), 0))
    ).one()
    registered = session.scalar(select(func.coalesce(func.max(Preregistration.id), 0)))
    return int(cohorts[0]), int(cohorts[1]), int(registered or 0)
