"""Pure rules over levels: the overall level of a reading, and carrying levels forward."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from velferdslab.benefits.levels import overall
from velferdslab.vocabulary import DOMAINS, LEVEL_NUMBER, LEVELS, OverallRule


class UnknownLevel(ValueError):
    pass


def level_number(name: str) -> int:
    try:
        return LEVEL_NUMBER[name]
    except KeyError:
        raise UnknownLevel(f"Unknown level {name!r}: use one of {', '.join(LEVELS)}.") from None


def level_name(number: int | None) -> str | None:
    return None if number is None else LEVELS[number]


def overall_level(levels: Mapping[str, int | None], rule: str = OverallRule.LOWEST) -> int | None:
    return overall(levels, rule)


@dataclass(frozen=True)
class TrajectoryPoint:
    on: dt.date
    levels: dict[str, int | None]  # every domain, carried forward
    overall: int | None


def carry_forward(
    readings: Sequence[tuple[dt.date, int, Mapping[str, int | None]]],
    rule: str = OverallRule.LOWEST,
) -> list[TrajectoryPoint]:
    """One point per date from (date, record order, levels) readings: an unassessed domain keeps
    its last level; of two readings on one date the later recorded wins."""
    current: dict[str, int | None] = dict.fromkeys(DOMAINS)
    points: dict[dt.date, TrajectoryPoint] = {}
    for on, _order, levels in sorted(readings, key=lambda reading: (reading[0], reading[1])):
        current.update({d: v for d, v in levels.items() if v is not None and d in current})
        points[on] = TrajectoryPoint(on, dict(current), overall_level(current, rule))
    return list(points.values())
