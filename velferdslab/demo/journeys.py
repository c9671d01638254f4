"""A family's journey: quarterly readings that mostly improve (the weakest areas first),
sometimes relapse, each with a rationale that fits its level."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from velferdslab.demo.reference import RATIONALES
from velferdslab.vocabulary import DOMAINS

CHILD_DOMAINS = ("school", "childhood")


def readings(
    rng: np.random.Generator,
    start: dt.date,
    end: dt.date,
    *,
    has_children: bool,
    relapser: bool,
) -> list[tuple[dt.date, dict[str, int | None], dict[str, str]]]:
    """Readings every ~3 months from start to end: (date, levels, rationale)."""
    domains = [d for d in DOMAINS if has_children or d not in CHILD_DOMAINS]
    level = {d: int(rng.choice([0, 0, 1, 1, 1, 2], p=None)) for d in domains}
    improve = 0.2 if relapser else 0.27
    out: list[tuple[dt.date, dict[str, int | None], dict[str, str]]] = []
    on = start
    while on <= end:
        levels: dict[str, int | None] = dict.fromkeys(DOMAINS)
        weakest = min(level.values())
        # A relapser has bad quarters: one or two areas fall back at once.
        setback = (
            set(rng.choice(domains, size=int(rng.integers(1, 3)), replace=False))
            if out and relapser and rng.random() < 0.25
            else set()
        )
        for d in domains:
            if out and rng.random() < 0.06:
                continue  # not assessed this time: the last level carries forward
            draw = rng.random()
            # The team works on the weakest areas first, so the overall level (the lowest by
            # default) moves with the areas instead of waiting for a forgotten one.
            if d in setback or (not setback and draw < 0.02):
                level[d] = max(0, level[d] - 1)
            elif not setback and draw < improve * (2.2 if level[d] == weakest else 0.6):
                level[d] = min(3, level[d] + 1)
            levels[d] = level[d]
        rationale = {
            d: str(rng.choice(RATIONALES[d][level[d]])) for d in domains if levels[d] is not None
        }
        out.append((on, levels, rationale))
        on = on + dt.timedelta(days=int(rng.integers(84, 98)))
    return out


def assessment_rows(
    rng: np.random.Generator,
    family_id: int,
    first_id: int,
    plan: list[tuple[dt.date, dict[str, int | None], dict[str, str]]],
    assessors: list[int],
) -> list[dict[str, Any]]:
    rows = []
    current: dict[str, int | None] = dict.fromkeys(DOMAINS)
    for offset, (on, levels, rationale) in enumerate(plan):
        current.update({d: v for d, v in levels.items() if v is not None})
        in_force = [v for v in current.values() if v is not None]
        row: dict[str, Any] = {
            "id": first_id + offset,
            "family_id": family_id,
            "assessed_on": on,
            "rationale": rationale,
            "overall": min(in_force) if in_force else None,
            "overall_override": None,
            "override_reason": None,
            "assessed_by": int(rng.choice(assessors)),
            "version": 1,
        }
        for d in DOMAINS:
            row[f"level_{d}"] = levels[d]
            own = levels[d]
            if own is not None and rng.random() < 0.08:
                own = max(0, min(3, own + int(rng.choice([-1, 1]))))  # the family sees it otherwise
            row[f"family_level_{d}"] = own if own != levels[d] else None
        if row["overall"] is not None and row["overall"] < 3 and rng.random() < 0.02:
            row["overall_override"] = row["overall"] + 1
            row["override_reason"] = "Teamet vurderer helheten som bedre enn svakeste tema."
        rows.append(row)
    return rows
