"""A demo family's plan (goals and measures) and the team's progress notes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np

from velferdslab.demo.reference import MEASURES, NOTES
from velferdslab.vocabulary import DOMAINS

Add = Callable[..., int]  # Builder.add: a row of a table, its id back


def goals_and_measures(
    add: Add,
    rng: np.random.Generator,
    today: dt.date,
    family: int,
    enrolled: dt.date,
    baseline: dict[str, int | None],
    owners: list[int],
) -> None:
    assessed = [d for d, v in baseline.items() if v is not None]
    for domain in rng.choice(
        assessed, size=min(len(assessed), int(rng.integers(2, 4))), replace=False
    ):
        target = min(3, int(baseline[str(domain)] or 0) + 2)
        add(
            "goal",
            family_id=family,
            domain=str(domain),
            target_level=target,
            target_date=enrolled + dt.timedelta(days=int(rng.integers(365, 730))),
            description="Mål satt sammen med familien på duken.",
            created_by=owners[0],
            version=1,
        )
    for _ in range(int(rng.integers(2, 5))):
        due = enrolled + dt.timedelta(days=int(rng.integers(30, 500)))
        status = (
            "done"
            if due < today - dt.timedelta(days=30) and rng.random() < 0.7
            else (str(rng.choice(["planned", "in_progress"])))
        )
        add(
            "measure",
            family_id=family,
            goal_id=None,
            description=str(rng.choice(MEASURES)),
            domain=str(rng.choice(assessed)) if assessed else None,
            owner_user_id=int(rng.choice(owners)),
            due_on=due,
            status=status,
            version=1,
        )


def notes(
    add: Add,
    rng: np.random.Generator,
    family: int,
    start: dt.date,
    end: dt.date,
    authors: list[int],
) -> None:
    span = max(1, (end - start).days)
    for _ in range(5):
        add(
            "progress_note",
            family_id=family,
            written_on=start + dt.timedelta(days=int(rng.integers(0, span + 1))),
            domain=None if rng.random() < 0.5 else str(rng.choice(list(DOMAINS))),
            text=str(rng.choice(NOTES)),
            author_id=int(rng.choice(authors)),
        )
