"""Lasting moves (benefit-model.md, "Lasting moves, the way from gross to net, …"): whether each
family reached stable and held it for `sustain_months`, at any date, over the engine's tables.

A family's readings become *spells*, each a status from a start day until the day before its
end: never reached, not yet lasting, lasting, fell back, started stable. The status at T is the
spell covering T, and counts at many dates (quarter ends) are one cumulative sum over the
spells, so that a region's families at forty quarter ends cost one pass."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from velferdslab.benefits.levels import overall_rows
from velferdslab.vocabulary import DOMAINS

STATUSES: tuple[str, ...] = (
    "lasting",
    "not_yet_lasting",
    "fell_back",
    "never_reached",
    "started_stable",
)
LASTING, NOT_YET_LASTING, FELL_BACK, NEVER_REACHED, STARTED_STABLE = range(len(STATUSES))
# Counted in the denominator without a reading yet (intention to treat: enrolled is enrolled).
NOT_ASSESSED = "not_assessed"
NEVER = np.iinfo(np.int64).max // 4
NONE_DAY = -NEVER  # "no date" in the day arrays
STABLE = 2


@dataclass(frozen=True)
class Moves:
    """The spells of a set of families, grouped by family in start order (contiguous: each
    ends where the next begins, the last never), and when each family enters the denominator."""

    family_ids: np.ndarray  # sorted
    counted_from: np.ndarray  # [family] day the family counts from (NONE_DAY: always)
    row: np.ndarray  # [spell] family row
    status: np.ndarray  # [spell] index into STATUSES
    start: np.ndarray  # [spell] first day
    end: np.ndarray  # [spell] first day after it
    reached: np.ndarray  # [spell] the day stable was reached (the run held or fallen from)
    fell: np.ndarray  # [spell] the day of falling back (fell-back spells)
    sustain_months: int


def day_number(value: dt.date) -> int:
    return int(np.datetime64(value, "D").astype(np.int64))


def add_months(days: np.ndarray, months: int) -> np.ndarray:
    """Each day plus whole calendar months, the day of month kept or cut to the month's last
    (31.08 + 6 months = 28.02, or 29.02 in a leap year)."""
    dates = days.astype("datetime64[D]")
    month = dates.astype("datetime64[M]")
    day_of_month = (dates - month.astype("datetime64[D]")).astype(np.int64)
    target = month + np.timedelta64(months, "M")
    length = ((target + np.timedelta64(1, "M")).astype("datetime64[D]") - target).astype(np.int64)
    shifted = target.astype("datetime64[D]") + np.minimum(day_of_month, length - 1)
    result: np.ndarray = shifted.astype(np.int64)
    return result


def overall_readings(
    assessments: pd.DataFrame, rule: str, ids: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per family (rows of ids) and reading date, in order: the row, the day and the overall
    level of the domains in force (each domain's last reading carried forward; of two readings
    on one date the later recorded wins). Dates without any level in force are left out.

    Plain small arrays throughout (levels as int8, one sort on a single key): a region's
    quarter of a million readings cost a fifth of the engine's time, not half."""
    empty = np.zeros(0, dtype=np.int64)
    if assessments.empty or not len(ids):
        return empty, empty, empty
    family = assessments["family_id"].to_numpy(np.int64)
    position = np.minimum(np.searchsorted(ids, family), len(ids) - 1)
    chosen = np.flatnonzero(ids[position] == family)
    dates = pd.to_datetime(assessments["assessed_on"]).to_numpy(dtype="datetime64[D]")
    day = dates.astype(np.int64)[chosen]
    row = position[chosen]
    # Record order first, then one stable sort by family and date: ties keep record order.
    record = assessments["assessment_id"].to_numpy(np.int64)[chosen]
    if len(record) > 1 and not bool(np.all(record[1:] >= record[:-1])):
        by_record = np.argsort(record, kind="stable")
        chosen, day, row = chosen[by_record], day[by_record], row[by_record]
    low = int(day.min()) if len(day) else 0
    order = np.argsort((row << 32) | (day - low), kind="stable")
    row, day, chosen = row[order], day[order], chosen[order]
    raw = assessments[list(DOMAINS)].to_numpy(dtype=float)
    levels = np.where(np.isnan(raw), -1, raw).astype(np.int8)[chosen].T.copy()
    index = np.arange(len(row))
    starts = np.ones(len(row), dtype=bool)
    starts[1:] = row[1:] != row[:-1]
    for column in range(len(DOMAINS)):
        source = np.maximum.accumulate(np.where((levels[column] >= 0) | starts, index, 0))
        levels[column] = levels[column][source]
    overall = overall_rows(levels.T, rule)
    last_of_date = np.ones(len(row), dtype=bool)
    last_of_date[:-1] = (row[1:] != row[:-1]) | (day[1:] != day[:-1])
    keep = last_of_date & (overall >= 0)
    return row[keep], day[keep], overall[keep]


def move_spells(
    assessments: pd.DataFrame,
    family_ids: Iterable[int],
    rule: str,
    sustain_months: int,
    enrolled_on: Mapping[int, dt.date | None] | pd.Series | None = None,
) -> Moves:
    """The spells of the families given (the set, every family ever enrolled in it) from all
    their readings; ask `status_at` or `counts_at` for a date: readings after it play no part.
    A family counts in the denominator from its enrolment date (or its first reading, if
    earlier); one with neither counts at every date. `enrolled_on`: family id → date, as a
    mapping or a Series indexed by family id (the portfolio's thousands, without a loop)."""
    ids = np.unique(np.asarray(list(family_ids), dtype=np.int64))
    row, day, overall = overall_readings(assessments, rule, ids)
    counted_from = _counted_from(ids, row, day, _enrolment_days(enrolled_on))
    stable = overall >= STABLE
    opens = np.ones(len(row), dtype=bool)
    opens[1:] = row[1:] != row[:-1]
    started_stable = np.zeros(len(ids), dtype=bool)
    started_stable[row[opens]] = stable[opens]
    # A spell opens at a family's first reading and wherever the side of stable changes.
    change = opens.copy()
    change[1:] |= stable[1:] != stable[:-1]
    change &= ~(started_stable[row] & ~opens)
    s_row, s_day, s_stable = row[change], day[change], stable[change]
    s_opens = np.ones(len(s_row), dtype=bool)
    s_opens[1:] = s_row[1:] != s_row[:-1]
    s_end = np.append(s_day[1:], NEVER).astype(np.int64)
    s_end[:-1][s_row[1:] != s_row[:-1]] = NEVER
    # The day of the run each spell holds or fell from: a stable spell's own start, carried on.
    index = np.arange(len(s_row))
    run = np.maximum.accumulate(np.where(s_stable | s_opens, index, 0))
    reached = np.where(s_stable[run] & (s_row[run] == s_row), s_day[run], NONE_DAY)
    first = started_stable[s_row]
    status = np.where(
        first,
        STARTED_STABLE,
        np.where(s_stable, NOT_YET_LASTING, np.where(reached > NONE_DAY, FELL_BACK, NEVER_REACHED)),
    )
    fell = np.where(status == FELL_BACK, s_day, NONE_DAY)
    reached = np.where(first, NONE_DAY, reached)
    # A stable spell turns lasting sustain_months after it began, if it holds that long.
    holding = status == NOT_YET_LASTING
    lasting_from = add_months(np.where(holding, s_day, 0), sustain_months)
    split = holding & (lasting_from < s_end)
    extra = np.flatnonzero(split)
    parts = [
        (s_row, status, s_day, np.where(split, lasting_from, s_end), reached, fell),
        (
            s_row[extra],
            np.full(len(extra), LASTING),
            lasting_from[extra],
            s_end[extra],
            reached[extra],
            fell[extra],
        ),
    ]
    columns = [np.concatenate([p[i] for p in parts]) for i in range(6)]
    order = np.lexsort((columns[2], columns[0]))
    r, st, start, end, reach, fall = (c[order] for c in columns)
    return Moves(
        ids, counted_from, r.astype(np.int64), st.astype(np.int8), start.astype(np.int64),
        end.astype(np.int64), reach.astype(np.int64), fall.astype(np.int64), sustain_months,
    )  # fmt: skip


def _enrolment_days(
    enrolled_on: Mapping[int, dt.date | None] | pd.Series | None,
) -> tuple[np.ndarray, np.ndarray]:
    """(family ids, enrolment days) of the families with a date."""
    if enrolled_on is None or len(enrolled_on) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    if isinstance(enrolled_on, pd.Series):
        keys, values = enrolled_on.index.to_numpy(np.int64), enrolled_on.to_numpy()
    else:
        keys = np.fromiter(enrolled_on.keys(), dtype=np.int64, count=len(enrolled_on))
        values = np.array(list(enrolled_on.values()), dtype=object)
    if np.issubdtype(values.dtype, np.datetime64):
        dates = values.astype("datetime64[D]")
    else:
        dates = pd.to_datetime(pd.Series(values), errors="coerce").to_numpy(dtype="datetime64[D]")
    known = ~np.isnat(dates)
    return keys[known], dates[known].astype(np.int64)


def _counted_from(
    ids: np.ndarray, row: np.ndarray, day: np.ndarray, enrolment: tuple[np.ndarray, np.ndarray]
) -> np.ndarray:
    counted = np.full(len(ids), NEVER, dtype=np.int64)
    np.minimum.at(counted, row, day)
    keys, days = enrolment
    if len(ids) and len(keys):
        position = np.minimum(np.searchsorted(ids, keys), len(ids) - 1)
        mine = ids[position] == keys
        np.minimum.at(counted, position[mine], days[mine])
    counted[counted == NEVER] = NONE_DAY
    return counted


def _covering(moves: Moves, day: int) -> np.ndarray:
    return np.flatnonzero((moves.start <= day) & (day < moves.end))


def _dates(days: np.ndarray) -> pd.Series:
    known = (days > NONE_DAY) & (days < NEVER)
    values = np.full(len(days), None, dtype=object)
    values[known] = days[known].astype("datetime64[D]").astype(dt.date)
    return pd.Series(values, dtype=object)


def status_at(moves: Moves, as_of: dt.date) -> pd.DataFrame:
    """Per family: status (None before its first reading), reached_on, lasting_since (the day
    the move became lasting), fell_back_on, and whether it counts in the denominator at T."""
    day = day_number(as_of)
    spell = _covering(moves, day)
    n = len(moves.family_ids)
    rows = moves.row[spell]
    status = np.full(n, None, dtype=object)
    status[rows] = np.asarray(STATUSES, dtype=object)[moves.status[spell]]
    reached, since, fell = (np.full(n, NONE_DAY, dtype=np.int64) for _ in range(3))
    reached[rows] = moves.reached[spell]
    fell[rows] = moves.fell[spell]
    since[rows] = np.where(moves.status[spell] == LASTING, moves.start[spell], NONE_DAY)
    return pd.DataFrame(
        {
            "family_id": moves.family_ids,
            "status": pd.Series(status, dtype=object),
            "reached_on": _dates(reached),
            "lasting_since": _dates(since),
            "fell_back_on": _dates(fell),
            "counted": moves.counted_from <= day,
        }
    )


def family_moves(moves: Moves, family_id: int, as_of: dt.date) -> dict[str, Any]:
    """One family's move at T, as the API's `moves` block gives it."""
    table = status_at(moves, as_of)
    found = table[table["family_id"] == family_id]
    if found.empty:
        return {
            "status": None, "reached_on": None, "lasting_since": None, "fell_back_on": None,
            "sustain_months": moves.sustain_months,
        }  # fmt: skip
    line = found.iloc[0]
    return {
        "status": line["status"],
        "reached_on": line["reached_on"],
        "lasting_since": line["lasting_since"],
        "fell_back_on": line["fell_back_on"],
        "sustain_months": moves.sustain_months,
    }


def count_matrix(moves: Moves, dates: Sequence[dt.date]) -> tuple[np.ndarray, np.ndarray]:
    """[date, status] the families in each status, and [date] the denominator, for dates in
    any order: each spell is added at the first date it covers and taken off after its last."""
    days = np.array([day_number(d) for d in dates], dtype=np.int64)
    order = np.argsort(days, kind="stable")
    sorted_days = days[order]
    counts = np.zeros((len(days) + 1, len(STATUSES)), dtype=np.int64)
    first = np.searchsorted(sorted_days, moves.start, side="left")
    stop = np.searchsorted(sorted_days, moves.end, side="left")
    np.add.at(counts, (first, moves.status), 1)
    np.add.at(counts, (stop, moves.status), -1)
    cumulative = np.cumsum(counts, axis=0)[: len(days)]
    entered = np.searchsorted(sorted_days, moves.counted_from, side="left")
    denominator = np.cumsum(np.bincount(entered, minlength=len(days) + 1))[: len(days)]
    result = np.empty_like(cumulative)
    result[order] = cumulative
    totals = np.empty_like(denominator)
    totals[order] = denominator
    return result, totals


def counts_at(moves: Moves, dates: Sequence[dt.date]) -> list[dict[str, Any]]:
    """At each date: the families in each status, those enrolled without a reading yet, and the
    denominator (every family of the set enrolled by then, concluded and withdrawn ones kept)."""
    counts, denominator = count_matrix(moves, dates)
    out = []
    for index, on in enumerate(dates):
        line: dict[str, Any] = {"date": on}
        line.update({name: int(counts[index, k]) for k, name in enumerate(STATUSES)})
        line[NOT_ASSESSED] = int(denominator[index] - counts[index].sum())
        line["denominator"] = int(denominator[index])
        out.append(line)
    return out


def lasting_moves_at(moves: Moves, quarter_ends: Sequence[dt.date]) -> list[int]:
    """The number of lasting moves at each date (the missions' `lasting_moves` indicator)."""
    counts, _ = count_matrix(moves, quarter_ends)
    return [int(v) for v in counts[:, LASTING]]
