"""The estimate of a lab's effect against its comparison cohorts, read from the database: the
lab's enrolled families and the cohorts' readings of the same municipalities, each group's share
at stable or better per quarter end, and the difference in differences (evidence/did.py).

Small groups are suppressed as every count of the lab: a quarter with fewer families than the
rule's threshold in a group shows no share of that group, and no estimate is made from fewer
than that many families in either group (for any reader: it would say nothing)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import select

from velferdslab.assessments.models import Assessment
from velferdslab.benefits.suppression import Suppression
from velferdslab.db import AnySession
from velferdslab.evidence import did
from velferdslab.evidence.models import CohortReading, ComparisonCohort, Preregistration
from velferdslab.families.models import Family
from velferdslab.vocabulary import DOMAINS

MIN_FAMILIES = Suppression(applied=True).threshold


def quarter_end(day: dt.date) -> dt.date:
    month = (day.month - 1) // 3 * 3 + 3
    following = dt.date(day.year + (month == 12), month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def last_quarter_end(day: dt.date) -> dt.date:
    """The last quarter end on or before the day."""
    end = quarter_end(day)
    return end if end == day else quarter_end(end.replace(day=1) - dt.timedelta(days=92))


def quarter_ends_between(first: dt.date, last: dt.date) -> list[dt.date]:
    ends, end = [], quarter_end(first)
    while end <= last:
        ends.append(end)
        end = quarter_end(end + dt.timedelta(days=1))
    return ends


@dataclass(frozen=True)
class Groups:
    lab: did.Readings
    lab_enrolled: np.ndarray  # datetime64[D] per lab family, in the order of its codes
    cohort: did.Readings
    cohorts: list[ComparisonCohort]


def _levels(rows: Sequence[Any], offset: int) -> np.ndarray:
    if not rows:
        return np.zeros((0, len(DOMAINS)), int)
    values = np.array([row[offset:] for row in rows], dtype=object)
    return np.where(values == None, -1, values).astype(int)  # noqa: E711


def load_groups(session: AnySession, municipality_ids: Sequence[int], as_of: dt.date) -> Groups:
    """The lab's enrolled families' readings and the cohorts' readings, up to the date
    (without a cohort, nothing more is read: the gains' grade asks this on every figure)."""
    cohorts = list(
        session.scalars(
            select(ComparisonCohort).where(ComparisonCohort.municipality_id.in_(municipality_ids))
        )
    )
    if not cohorts:
        empty = did.Readings.empty(len(DOMAINS))
        return Groups(empty, np.zeros(0, "datetime64[D]"), empty, [])
    lab_rows = session.execute(
        select(
            Assessment.family_id, Assessment.assessed_on,
            *(getattr(Assessment, f"level_{d}") for d in DOMAINS),
        )
        .join(Family, Family.id == Assessment.family_id)
        .where(
            Family.municipality_id.in_(municipality_ids), Family.enrolled_on.is_not(None),
            Family.enrolled_on <= as_of, Assessment.assessed_on <= as_of,
        )
        .order_by(Assessment.id)
    ).all()  # fmt: skip
    enrolled: dict[int, dt.date | None] = dict(
        session.execute(
            select(Family.id, Family.enrolled_on).where(
                Family.municipality_id.in_(municipality_ids), Family.enrolled_on.is_not(None)
            )
        ).all()
    )
    cohort_rows = session.execute(
        select(
            CohortReading.cohort_id, CohortReading.reference, CohortReading.assessed_on,
            *(getattr(CohortReading, f"level_{d}") for d in DOMAINS),
        )
        .where(
            CohortReading.cohort_id.in_([c.id for c in cohorts]),
            CohortReading.assessed_on <= as_of,
        )
        .order_by(CohortReading.id)
    ).all()  # fmt: skip
    lab_family = np.array([row[0] for row in lab_rows], dtype=np.int64)
    codes = np.unique(lab_family)
    pseudonyms: dict[tuple[int, str], int] = {}
    cohort_family = np.array(
        [pseudonyms.setdefault((row[0], row[1]), len(pseudonyms)) for row in cohort_rows],
        dtype=np.int64,
    )
    return Groups(
        lab=did.Readings(lab_family, _days([row[1] for row in lab_rows]), _levels(lab_rows, 2)),
        lab_enrolled=np.array([enrolled[int(code)] for code in codes], dtype="datetime64[D]"),
        cohort=did.Readings(
            cohort_family, _days([row[2] for row in cohort_rows]), _levels(cohort_rows, 3)
        ),
        cohorts=cohorts,
    )


def _days(values: Sequence[dt.date]) -> np.ndarray:
    return np.array(values, dtype="datetime64[D]")


@dataclass(frozen=True)
class Quarters:
    ends: list[dt.date]
    lab: np.ndarray  # [family, quarter] overall level, −1 none (or not yet enrolled)
    cohort: np.ndarray


def quarter_table(groups: Groups, as_of: dt.date, rule: str) -> Quarters:
    days = np.concatenate([groups.lab.day, groups.cohort.day])
    if not len(days) or not len(groups.cohort.day):
        return Quarters([], np.zeros((0, 0), int), np.zeros((0, 0), int))
    ends = quarter_ends_between(days.min().item(), last_quarter_end(as_of))
    lab = did.quarter_levels(groups.lab, ends, rule)
    if len(lab):
        not_yet = groups.lab_enrolled[:, None] > np.array(ends, dtype="datetime64[D]")[None, :]
        lab = np.where(not_yet, -1, lab)
    return Quarters(ends, lab, did.quarter_levels(groups.cohort, ends, rule))


def chosen_quarters(
    table: Quarters,
    baseline: dt.date | None,
    later: dt.date | None,
    registered: Preregistration | None,
) -> tuple[dt.date, dt.date] | None:
    """Baseline and later quarter ends: as asked; else the pre-registered ones (the point of
    registering them: no choosing after the fact); else the first quarter end at which both
    groups have enough families, and the last one."""
    if not table.ends:
        return None
    if registered is not None:
        baseline = baseline or registered.baseline_on
        later = later or registered.horizon_on
    if baseline is None:
        enough = ((table.lab >= 0).sum(axis=0) >= MIN_FAMILIES) & (
            (table.cohort >= 0).sum(axis=0) >= MIN_FAMILIES
        )
        if not enough.any():
            return None
        baseline = table.ends[int(np.argmax(enough))]
    start = quarter_end(baseline)
    end = min(quarter_end(later), table.ends[-1]) if later else table.ends[-1]
    if start not in table.ends or end <= start:
        return None
    return start, end
