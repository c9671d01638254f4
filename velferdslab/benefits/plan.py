"""The gevinstrealiseringsplan (DFØ: baseline, expected benefit with an owner and a date, and
measurement against it) from the plan's goals and the assessments, per goal and per domain.

A goal's **expected gain** is the yearly saving the plan expects once the domain is at the
target level, against the baseline: Σ over the domain's cost items of
k_i · (cost_i(b_d) − cost_i(target)), with k_i the same adjustment as every figure
(deadweight, attribution, optimism bias) and before the success rate and drop-off of the
projection. The **measured gain** at an assessment is the same sum at the level then measured;
the **variance** is measured − expected. Pure functions over the engine's frames.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from velferdslab.benefits.analytics import domain_columns
from velferdslab.benefits.forecast import yearly_rates
from velferdslab.benefits.params import AssumptionParams
from velferdslab.vocabulary import DOMAINS


def yearly_gain_table(params: AssumptionParams) -> np.ndarray:
    """[domain, baseline level, level] → the adjusted yearly saving of being at `level`, all
    payers: the engine's own pricing of one year (forecast.yearly_rates)."""
    table: np.ndarray = yearly_rates(params).sum(axis=(-1, -2))
    return table


def _readings(assessments: pd.DataFrame, family_id: int, domain: str, as_of: dt.date) -> pd.Series:
    """The family's readings of one domain up to T, one per date (the later recorded wins)."""
    frame = assessments[assessments["family_id"] == family_id]
    frame = frame[pd.to_datetime(frame["assessed_on"]) <= pd.Timestamp(as_of)]
    frame = frame[frame[domain].notna()].sort_values(["assessed_on", "assessment_id"])
    dates = pd.to_datetime(frame["assessed_on"]).dt.date
    return (
        pd.Series(frame[domain].astype(int).to_numpy(), index=dates.to_numpy())
        .groupby(level=0)
        .last()
    )


def family_plan(
    assessments: pd.DataFrame,
    goals: pd.DataFrame,
    params: AssumptionParams,
    as_of: dt.date,
    family_id: int,
    statuses: dict[str, str | None],
) -> list[dict[str, Any]]:
    """Per goal of the family (in domain and target-date order): the baseline level and date,
    the target level and date, the expected gain, each assessment since the baseline with its
    level, gain and variance, and the domain's status against the forecast."""
    table = yearly_gain_table(params)
    rows = []
    own = goals[goals["family_id"] == family_id] if len(goals) else goals
    if len(own):
        own = own.assign(
            _date=pd.to_datetime(own["target_date"]), _id=own.get("goal_id", range(len(own)))
        ).sort_values(["domain", "_date", "_id"], na_position="last")
    for goal in own.itertuples(index=False):
        readings = _readings(assessments, family_id, goal.domain, as_of)
        column = DOMAINS.index(goal.domain)
        target = int(goal.target_level)
        date = None if pd.isna(goal.target_date) else pd.Timestamp(goal.target_date).date()
        if readings.empty:
            rows.append(_row(goal.domain, None, None, target, date, None, [], None))
            continue
        base = int(readings.iloc[0])
        expected = float(table[column, base, target])
        since = [
            {
                "on": on,
                "level": int(level),
                "gain": float(table[column, base, int(level)]),
                "variance": float(table[column, base, int(level)]) - expected,
            }
            for on, level in readings.iloc[1:].items()
        ]
        status = statuses.get(goal.domain) if date is not None else None
        rows.append(
            _row(goal.domain, base, readings.index[0], target, date, expected, since, status)
        )
    return rows


def _row(
    domain: str,
    baseline: int | None,
    baseline_date: dt.date | None,
    target: int,
    target_date: dt.date | None,
    expected: float | None,
    since: list[dict[str, Any]],
    status: str | None,
) -> dict[str, Any]:
    latest = since[-1] if since else None
    return {
        "domain": domain,
        "baseline_level": baseline,
        "baseline_date": baseline_date,
        "target_level": target,
        "target_date": target_date,
        "expected_gain": expected,
        "measurements": since,
        "measured_gain": latest["gain"] if latest else (0.0 if expected is not None else None),
        "variance": (
            (latest["gain"] if latest else 0.0) - expected if expected is not None else None
        ),
        "status": status,
    }


def domain_plan(
    baseline: np.ndarray,
    current: np.ndarray,
    family_ids: np.ndarray,
    goals: pd.DataFrame,
    params: AssumptionParams,
) -> list[dict[str, Any]]:
    """Per domain over a set of families (the engine's baseline and level-at-T tables): the dated
    goals in assessed domains, how many families hold them, the expected and the measured gain
    summed over those goals, and the variance."""
    table = yearly_gain_table(params)
    # The dated goals' columns as arrays (a region's 50 000 goals: no copy of the frame).
    dated = goals["target_date"].notna().to_numpy() if len(goals) else np.zeros(0, dtype=bool)
    out = []
    if dated.any() and len(family_ids):
        family = goals["family_id"].to_numpy(np.int64)[dated]
        position = np.searchsorted(family_ids, family)
        known = (position < len(family_ids)) & (
            family_ids[np.minimum(position, len(family_ids) - 1)] == family
        )
        position = np.minimum(position, len(family_ids) - 1)
        column = domain_columns(goals["domain"][dated])
        base = baseline[position, column].astype(np.int64)
        now = current[position, column].astype(np.int64)
        entered = known & (base >= 0) & (now >= 0)
        target = goals["target_level"].to_numpy(np.int64)[dated]
        safe = np.maximum(base, 0), np.maximum(now, 0)
        expected = np.where(entered, table[column, safe[0], target], 0.0)
        measured = np.where(entered, table[column, safe[0], safe[1]], 0.0)
    for index, domain in enumerate(DOMAINS):
        if not (dated.any() and len(family_ids)):
            chosen = np.zeros(0, dtype=bool)
            families = 0
            e = m = 0.0
        else:
            chosen = entered & (column == index)
            families = len(np.unique(family[chosen]))
            e, m = float(expected[chosen].sum()), float(measured[chosen].sum())
        out.append(
            {
                "domain": domain,
                "goals": int(chosen.sum()),
                "families": families,
                "expected_gain": e,
                "measured_gain": m,
                "variance": m - e,
            }
        )
    return out
