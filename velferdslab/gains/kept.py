"""The engine's tables kept per worker, brought up to date by reading only what changed.

A region's tables are a million rows (W-national: 1.45 s to read from PostgreSQL on a quiet
machine), and a region's data change every working hour. So each worker keeps the tables it
read for a scope (the whole region, or one municipality) together with each family's stamp
(`engine_stamp`, set anew by the database's own triggers whenever a row the engine reads for
that family is inserted, changed or deleted; velferdslab/gains/models.py). A later read fetches
the stamps of the scope's families (one narrow query), reads the rows of the families whose
stamp moved, and splices them in place of those families' old rows; families gone from the
scope are dropped. The tables are kept in one order, by family and then by each row's own id,
so a table brought up to date is row for row the table a fresh read gives
(tests/gains/test_kept.py holds every figure of the portfolio equal to a fresh computation after
random writes).

Stamps are never given twice (PostgreSQL: a sequence, which a rolled-back transaction does not
give back; SQLite: a random 64-bit number), so rows read inside a transaction that later rolls
back are read again. The stamps are read before the rows: a write that lands in between makes
the rows newer than their stamp, and they are read once more next time — never older.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import and_, select
from sqlalchemy.sql.elements import ColumnElement

from velferdslab.db import AnySession
from velferdslab.families.models import Family
from velferdslab.gains.data import (
    DATE_COLUMNS,
    EngineInput,
    _frame,
    engine_queries,
    typed_input,
)
from velferdslab.gains.models import EngineStamp
from velferdslab.vocabulary import ExpenditureStatus, values

# More families changed than this share of the scope (or than MAX_SPLICED): read it all again.
FULL_SHARE = 0.25
MAX_SPLICED = 2000
# Scopes kept per worker: the region and a few municipalities.
SCOPES = 8
# Id columns that may be empty: int64 when none is, float64 (NaN) when one is, as a fresh
# read gives them.
INT_LIKE = ("municipality_id", "paying_agency_id", "agency_id", "year", "target_level")
SPENDING_STATUS = pd.CategoricalDtype(values(ExpenditureStatus))
TABLES = ("families", "assessments", "expenditures", "contributions", "budgets", "goals")


@dataclass(frozen=True)
class Tables:
    """A scope's engine tables and their version: a key under which anything computed from
    them alone can be kept (new data, a new version). Treat the frames as read-only."""

    data: EngineInput
    version: tuple[Any, ...]
    read: str  # how they were read this time: "full", "spliced" or "kept"
    changed: int  # families read again
    ids: np.ndarray = field(repr=False, compare=False)  # the families' ids, sorted
    stamps: np.ndarray = field(repr=False, compare=False)  # and their stamps, -1 for none
    database: str = ""

    def versions_by(self, column: str) -> dict[int, Hashable]:
        """A version per value of the families' `column` (a municipality's, for
        column="municipality_id"): it moves only when a family with that value changes, joins
        or leaves, or an agency changes."""
        families = self.data.families
        values = families[column].to_numpy()
        position = np.searchsorted(self.ids, families["family_id"].to_numpy(np.int64))
        position = np.minimum(position, max(len(self.ids) - 1, 0))
        found = (
            self.ids[position] == families["family_id"].to_numpy(np.int64)
            if len(self.ids)
            else np.zeros(len(families), dtype=bool)
        )
        versions: dict[int, Hashable] = {}
        for value in np.unique(values):
            mine = values == value
            stamps = self.stamps[position[mine]]
            known = bool(found[mine].all()) and bool((stamps != -1).all())
            digest = hashlib.blake2b(
                families["family_id"].to_numpy(np.int64)[mine].tobytes() + stamps.tobytes(),
                digest_size=16,
            ).digest()
            versions[int(value)] = (self.database, digest, self.version[-1]) if known else object()
        return versions


@dataclass
class _Kept:
    ids: np.ndarray  # the scope's family ids, sorted
    stamps: np.ndarray  # their stamps as the frames hold them
    frames: dict[str, pd.DataFrame]  # TABLES, by family and row id


_kept: OrderedDict[Hashable, _Kept] = OrderedDict()
_lock = threading.Lock()


def forget() -> None:
    """Drop every kept table (tests; a worker frees the memory)."""
    with _lock:
        _kept.clear()


def engine_tables(
    session: AnySession,
    scope: Hashable,
    family_filter: ColumnElement[bool],
    *,
    bulk: bool = False,
) -> Tables:
    """The engine's tables for the families matching the filter — the same rows as
    load_engine_input(session, family_filter) — from what this worker kept for `scope` (a
    name for the filter: the same scope must always mean the same filter), reading only the
    families whose stamp moved. `bulk` as for load_engine_input."""
    ids, stamps, known = _stamps(session, family_filter)
    agencies = _frame(session, *engine_queries(family_filter)["agencies"], False)
    key = (str(session.connection().engine.url), scope)
    with _lock:
        kept = _kept.get(key)
    changed = _changed(kept, ids, stamps, known)
    if kept is None or len(changed) > min(MAX_SPLICED, FULL_SHARE * max(len(ids), 1)):
        frames, read = _read(session, family_filter, bulk), "full"
        changed = ids
    elif len(changed) or len(kept.ids) != len(ids) or not np.array_equal(kept.ids, ids):
        fresh = _read(session, and_(family_filter, Family.id.in_(changed.tolist())), bulk)
        frames = {name: _splice(kept.frames[name], fresh[name], ids, changed) for name in TABLES}
        read = "spliced"
    else:
        frames, read = kept.frames, "kept"
    with _lock:
        _kept[key] = _Kept(ids, stamps, frames)
        _kept.move_to_end(key)
        while len(_kept) > SCOPES:
            _kept.popitem(last=False)
    # The database is part of the version: two databases' sequences give the same stamps.
    version = (
        key,
        hashlib.blake2b(ids.tobytes() + stamps.tobytes(), digest_size=16).digest()
        if known.all()
        else object(),  # a family without a stamp (none is: the migration gave each one)
        tuple(agencies.itertuples(index=False, name=None)),
    )
    # Typed when read: EngineInput's conversions find nothing left to do here.
    data = EngineInput(**{name: frames[name].copy(deep=False) for name in TABLES},
                       agencies=agencies)  # fmt: skip
    return Tables(data, version, read, len(changed), ids, np.where(known, stamps, -1), key[0])


def _stamps(
    session: AnySession, family_filter: ColumnElement[bool]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    query = (
        select(Family.id, EngineStamp.stamp)
        .outerjoin(EngineStamp, EngineStamp.family_id == Family.id)
        .where(family_filter)
        .order_by(Family.id)
    )
    result = session.connection().execute(query)
    try:
        rows = result.cursor.fetchall() if result.cursor is not None else []
    finally:
        result.close()
    ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
    known = np.fromiter((row[1] is not None for row in rows), dtype=bool, count=len(rows))
    stamps = np.fromiter(
        (row[1] if row[1] is not None else 0 for row in rows), dtype=np.int64, count=len(rows)
    )
    return ids, stamps, known


def _changed(
    kept: _Kept | None, ids: np.ndarray, stamps: np.ndarray, known: np.ndarray
) -> np.ndarray:
    """The families to read again: new in the scope, stamp moved, or without a stamp (read
    again every time)."""
    if kept is None:
        return ids
    position = np.minimum(np.searchsorted(kept.ids, ids), max(len(kept.ids) - 1, 0))
    same = (
        (kept.ids[position] == ids) & (kept.stamps[position] == stamps)
        if len(kept.ids)
        else np.zeros(len(ids), dtype=bool)
    )
    changed: np.ndarray = ids[~(same & known)]
    return changed


def _read(
    session: AnySession, family_filter: ColumnElement[bool], bulk: bool
) -> dict[str, pd.DataFrame]:
    """The tables of the filter's families, typed as EngineInput's, by family and row."""
    queries = engine_queries(family_filter, row_ids=True)
    frames = {}
    for name in TABLES:
        dtypes = {"status": SPENDING_STATUS} if name == "expenditures" else None
        frame = _frame(session, *queries[name], bulk, dtypes, DATE_COLUMNS.get(name, ()))
        frame = _canonical(frame)
        if "_row" in frame.columns:
            order = np.lexsort((frame["_row"].to_numpy(), frame["family_id"].to_numpy()))
            if len(order) and not (order[1:] > order[:-1]).all():  # no copy when in order
                frame = frame.take(order)
            frame = frame.drop(columns="_row").reset_index(drop=True)
        frames[name] = frame
    typed = typed_input({**frames, "agencies": pd.DataFrame()})
    return {name: getattr(typed, name) for name in TABLES}


def _canonical(frame: pd.DataFrame) -> pd.DataFrame:
    # A million spending rows share three statuses: kept as categories, not a million texts.
    if "status" in frame.columns and "spent_on" in frame.columns:
        frame["status"] = frame["status"].astype(SPENDING_STATUS)
    for column in INT_LIKE:
        if column in frame.columns:
            values = pd.to_numeric(frame[column])
            frame[column] = values if values.isna().any() else values.astype("int64")
    return frame


def _splice(
    old: pd.DataFrame, fresh: pd.DataFrame, ids: np.ndarray, changed: np.ndarray
) -> pd.DataFrame:
    """`old` with the rows of the `changed` families (and of families no longer in `ids`)
    replaced by `fresh`'s, in family order: one copy, whatever the number of pieces."""
    family = old["family_id"].to_numpy(np.int64)
    # The families the rows hold, each once (the rows are by family: where the family changes),
    # then those no longer in the scope: a search among 20 000, not among a million rows.
    present = (
        family[np.flatnonzero(np.append(True, family[1:] != family[:-1]))]
        if len(family)
        else family
    )
    gone = np.unique(present[~np.isin(present, ids)])
    replaced = np.union1d(changed, gone)
    starts = np.searchsorted(family, replaced, side="left")
    ends = np.searchsorted(family, replaced, side="right")
    fresh_family = fresh["family_id"].to_numpy(np.int64)
    fresh = _like(fresh, old)
    if not len(gone) and _unchanged(old, fresh, starts, ends, len(fresh_family)):
        return old  # a new reading leaves the million spending rows as they were: no copy
    pieces: list[pd.DataFrame] = []
    at = 0
    for family_id, start, end in zip(replaced, starts, ends, strict=True):
        pieces.append(old.iloc[at:start])
        lo, hi = np.searchsorted(fresh_family, [family_id, family_id + 1])
        if hi > lo:
            pieces.append(fresh.iloc[lo:hi])
        at = end
    pieces.append(old.iloc[at:])
    out = pd.concat([piece for piece in pieces if len(piece)] or [old.iloc[:0]],
                    ignore_index=True)  # fmt: skip
    return _canonical(out)


def _unchanged(
    old: pd.DataFrame, fresh: pd.DataFrame, starts: np.ndarray, ends: np.ndarray, rows: int
) -> bool:
    """Whether the changed families' fresh rows are exactly their kept ones (same values,
    types and order): the splice would then give the kept table again."""
    if int((ends - starts).sum()) != rows or list(fresh.columns) != list(old.columns):
        return False
    if not rows:
        return True
    kept = old.take(np.concatenate([np.arange(a, b) for a, b in zip(starts, ends, strict=True)]))
    return bool(kept.reset_index(drop=True).equals(fresh.reset_index(drop=True)))


def _like(fresh: pd.DataFrame, old: pd.DataFrame) -> pd.DataFrame:
    """`fresh` with the kept column types where its own come only from having few rows (an
    empty or all-empty column); concat then keeps the kept types."""
    out = fresh.copy()
    for column in old.columns:
        have, want = out[column].dtype, old[column].dtype
        if have != want and out[column].isna().all():
            out[column] = out[column].astype("float64" if want.kind in "iu" else want)
    return out
