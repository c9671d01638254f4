"""The estimate of a lab's effect against its comparison cohorts, read from the database: the
lab's enrolled families and the cohorts' readings of the same municipalities, each group's share
at stable or better per quarter end, and the difference in differences (evidence/did.py).

Small groups are suppressed as every count of the lab: a quarter with fewer families than the
rule's threshold in a group shows no share of that group, and no estimate is made from fewer
than that many families in either group (for any reader: it would say nothing)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Date, Integer, cast, func, literal, select

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


def _epoch_days(column: Any, dialect: str) -> Any:
    """A date column as whole days since 1970-01-01, computed by the database: the readings
    then arrive as plain integers (building a date object per value took most of the time)."""
    if dialect == "postgresql":
        return column - cast(literal("1970-01-01"), Date)
    return cast(func.julianday(column) - 2440587.5, Integer)


def _levels_of(model: Any) -> list[Any]:
    return [func.coalesce(getattr(model, f"level_{d}"), -1) for d in DOMAINS]


def _integers(session: AnySession, query: Any, columns: int) -> np.ndarray:
    """The query's rows as one int64 array: on PostgreSQL through COPY as CSV (a region's
    readings in a third of the time of the driver's tuples), else the driver's own tuples."""
    if session.get_bind().dialect.name == "postgresql":
        return _copied(session, query, columns)
    result = session.connection().execute(query)
    try:
        rows = result.cursor.fetchall() if result.cursor is not None else []
    finally:
        result.close()
    return np.array(rows, dtype=np.int64).reshape(-1, columns)


def _copied(session: AnySession, query: Any, columns: int) -> np.ndarray:
    # The literals inlined are ids and dates of this module's own filters, never user text.
    dialect = session.get_bind().dialect
    sql = str(query.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    raw = session.connection().connection.dbapi_connection
    assert raw is not None
    buffer = io.BytesIO()
    with raw.cursor() as cursor, cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)") as copy:  # type: ignore[attr-defined]
        for block in copy:
            buffer.write(block)
    if not buffer.getbuffer().nbytes:
        return np.zeros((0, columns), dtype=np.int64)
    buffer.seek(0)
    values: np.ndarray = pd.read_csv(buffer, header=None, dtype=np.int64).to_numpy()
    return values.reshape(-1, columns)


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
    dialect = session.get_bind().dialect.name
    lab = _integers(
        session,
        select(
            Assessment.family_id, _epoch_days(Assessment.assessed_on, dialect),
            _epoch_days(Family.enrolled_on, dialect), Assessment.id, *_levels_of(Assessment),
        )
        .join(Family, Family.id == Assessment.family_id)
        .where(
            Family.municipality_id.in_(municipality_ids), Family.enrolled_on.is_not(None),
            Family.enrolled_on <= as_of, Assessment.assessed_on <= as_of,
        ),
        4 + len(DOMAINS),
    )  # fmt: skip
    # In the order recorded (of two readings on one date the later wins): sorted here, not by
    # the database, which spilled the sort to disk for a region's readings.
    lab = lab[np.argsort(lab[:, 3], kind="stable")]
    # A cohort family is its (cohort, reference): numbered by the database. One reading per
    # family and date (a unique constraint), so the index's order is as good as any.
    order = (CohortReading.cohort_id, CohortReading.reference, CohortReading.assessed_on)
    cohort = _integers(
        session,
        select(
            func.dense_rank().over(order_by=order[:2]),
            _epoch_days(CohortReading.assessed_on, dialect), *_levels_of(CohortReading),
        )
        .where(
            CohortReading.cohort_id.in_([c.id for c in cohorts]),
            CohortReading.assessed_on <= as_of,
        )
        .order_by(*order),
        2 + len(DOMAINS),
    )  # fmt: skip
    _codes, first = np.unique(lab[:, 0], return_index=True)
    return Groups(
        lab=did.Readings(lab[:, 0], lab[:, 1].astype("datetime64[D]"), lab[:, 4:]),
        lab_enrolled=lab[first, 2].astype("datetime64[D]"),
        cohort=did.Readings(cohort[:, 0], cohort[:, 1].astype("datetime64[D]"), cohort[:, 2:]),
        cohorts=cohorts,
    )


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
