"""Reading the benefit engine's input tables from the database, for one family or thousands.

Rows are fetched with one query per table and handed to pandas column-wise: the engine then
works on whole columns, never on ORM objects.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.sql import Executable
from sqlalchemy.sql.elements import ColumnElement

from velferdslab.assessments.models import Assessment
from velferdslab.budgets.models import Budget, Contribution, Expenditure
from velferdslab.db import AnySession
from velferdslab.families.models import Family
from velferdslab.municipalities.models import Agency
from velferdslab.plans.models import Goal
from velferdslab.vocabulary import DOMAINS


@dataclass(frozen=True)
class EngineInput:
    families: pd.DataFrame  # family_id, municipality_id, status, reference, enrolled_on
    assessments: pd.DataFrame  # family_id, assessment_id, assessed_on, <domain>…
    expenditures: pd.DataFrame  # family_id, spent_on, amount, status, paying_agency_id
    contributions: pd.DataFrame  # family_id, year, agency_id, amount
    budgets: pd.DataFrame  # family_id, year, amount
    agencies: pd.DataFrame  # agency_id, name, kind, government_level, municipality_id
    goals: pd.DataFrame  # goal_id (creation order), family_id, domain, target_level, target_date

    @property
    def family_ids(self) -> list[int]:
        return [int(v) for v in self.families["family_id"]]


# The date columns typed_input makes datetime64: COPY gives them as days since 1970, read as
# integers, instead of a million ISO texts parsed afterwards (each text a Python object while
# the frame is built: some 70 MB at the peak of a region's first read).
DATE_COLUMNS = {"assessments": ("assessed_on",), "expenditures": ("spent_on",),
                "goals": ("target_date",)}  # fmt: skip
# The type pd.to_datetime gives ISO dates (its resolution is pandas' choice): the days read as
# integers are made the same type, so both ways give the same frame.
_DATE_TYPE = pd.to_datetime(pd.Series(["1970-01-01"])).dtype


def _frame(
    session: AnySession,
    query: Executable,
    columns: Sequence[str],
    bulk: bool,
    dtypes: dict[str, Any] | None = None,
    dates: Sequence[str] = (),
) -> pd.DataFrame:
    if bulk and session.get_bind().dialect.name == "postgresql":
        return _copy_frame(session, query, columns, dtypes, dates)
    # The driver's own tuples: no ORM rows, no Row object and no SQLAlchemy conversion per
    # value (enums stay their text; dates are made datetime64 once below) — those took two
    # thirds of the time for a municipality's tables, and pandas takes tuples at C speed.
    result = session.connection().execute(query)
    try:
        rows = result.cursor.fetchall() if result.cursor is not None else []
    finally:
        result.close()
    return pd.DataFrame(rows, columns=list(columns))


class _CopyStream(io.RawIOBase):
    """COPY's blocks (a row each) as a file pandas reads as they come, a megabyte at a time:
    the whole CSV text (50 MB for a region's spending) is never held beside the frame made of
    it."""

    def __init__(self, blocks: Any) -> None:
        self._blocks = iter(blocks)
        self._rest = b""

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        size = -1 if size is None else size
        parts, have = [self._rest], len(self._rest)
        if size < 0 or have < size:
            for block in self._blocks:
                block = bytes(block)  # psycopg's memoryview: joined as bytes, 3× faster
                parts.append(block)
                have += len(block)
                if 0 <= size <= have:
                    break
        data = b"".join(parts)
        if 0 <= size < len(data):
            self._rest = data[size:]
            return data[:size]
        self._rest = b""
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _copy_frame(
    session: AnySession,
    query: Executable,
    columns: Sequence[str],
    dtypes: dict[str, Any] | None = None,
    dates: Sequence[str] = (),
) -> pd.DataFrame:
    """COPY … TO STDOUT as CSV into pandas: ten times faster than building a row object each.
    The literals inlined are ids and dates this module puts in its own filters, never user text.
    `dtypes` as read_csv takes them (a column read straight into categories); `dates` columns
    (SQL dates) come as datetime64 of pd.to_datetime's type, read as days since 1970."""
    dialect = session.get_bind().dialect
    sql = str(query.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))  # type: ignore[attr-defined]
    if dates:
        names = [f"c{i}" for i in range(len(columns))]
        picked = [
            f"({name} - DATE '1970-01-01')" if column in dates else name
            for name, column in zip(names, columns, strict=True)
        ]
        # Our own column names around our own compiled query: no text from outside.
        sql = f"SELECT {', '.join(picked)} FROM ({sql}) AS q({', '.join(names)})"  # noqa: S608
    raw = session.connection().connection.dbapi_connection
    assert raw is not None
    with raw.cursor() as cursor, cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)") as copy:  # type: ignore[attr-defined]
        try:
            frame = pd.read_csv(
                _CopyStream(copy),
                header=None,
                names=list(columns),
                dtype=dtypes,
            )
        except pd.errors.EmptyDataError:
            return pd.DataFrame(columns=list(columns))
    for column in dates:
        frame[column] = _from_days(frame[column])
    return frame


def _from_days(days: pd.Series) -> pd.Series:
    """Days since 1970 (NaN for NULL) as the datetime64 pd.to_datetime makes of the ISO date."""
    missing = days.isna().to_numpy()
    if missing.all():  # read as an empty float column either way: the type pandas gives that
        return pd.to_datetime(days)
    whole = days.fillna(0).to_numpy().astype(np.int64)
    whole[missing] = np.iinfo(np.int64).min  # NaT
    return pd.Series(whole.view("datetime64[D]").astype(_DATE_TYPE), index=days.index)


def load_engine_input(
    session: AnySession,
    family_filter: ColumnElement[bool],
    as_of: dt.date | None = None,
    *,
    bulk: bool = False,
) -> EngineInput:
    """Every table the engine needs for the families matching the filter (a WHERE on Family).
    `bulk=True` where the filter may hold a whole region (thousands of families): PostgreSQL's
    COPY then reads ten times faster than the driver's rows; for one family or municipality it
    costs more (a CSV parse per table: 3–4 ms of 14 for a municipality's dashboard)."""
    frames = {
        name: _frame(session, query, columns, bulk, dates=DATE_COLUMNS.get(name, ()))
        for name, (query, columns) in engine_queries(family_filter, as_of).items()
    }
    return typed_input(frames)


def engine_queries(
    family_filter: ColumnElement[bool], as_of: dt.date | None = None, *, row_ids: bool = False
) -> dict[str, tuple[Executable, list[str]]]:
    """The query and columns of each table of EngineInput. With `row_ids` every table but the
    agencies also gives each row's own id as `_row`, last (velferdslab/gains/kept.py orders
    the tables by family and row with it)."""
    ids = select(Family.id).where(family_filter)
    level_columns = [getattr(Assessment, f"level_{d}") for d in DOMAINS]
    assessment_query = select(
        Assessment.family_id, Assessment.id, Assessment.assessed_on, *level_columns
    ).where(Assessment.family_id.in_(ids))
    if as_of is not None:
        assessment_query = assessment_query.where(Assessment.assessed_on <= as_of)
    queries: dict[str, tuple[Any, list[str], Any]] = {
        "families": (
            select(
                Family.id,
                Family.municipality_id,
                Family.status,
                Family.reference,
                Family.enrolled_on,
            ).where(family_filter),
            ["family_id", "municipality_id", "status", "reference", "enrolled_on"],
            Family.id,
        ),
        "assessments": (
            assessment_query,
            ["family_id", "assessment_id", "assessed_on", *DOMAINS],
            Assessment.id,
        ),
        "expenditures": (
            select(
                Expenditure.family_id,
                Expenditure.spent_on,
                Expenditure.amount,
                Expenditure.status,
                Expenditure.paying_agency_id,
            ).where(Expenditure.family_id.in_(ids)),
            ["family_id", "spent_on", "amount", "status", "paying_agency_id"],
            Expenditure.id,
        ),
        "contributions": (
            select(Budget.family_id, Budget.year, Contribution.agency_id, Contribution.amount)
            .join(Contribution, Contribution.budget_id == Budget.id)
            .where(Budget.family_id.in_(ids)),
            ["family_id", "year", "agency_id", "amount"],
            Contribution.id,
        ),
        "budgets": (
            select(Budget.family_id, Budget.year, Budget.amount).where(Budget.family_id.in_(ids)),
            ["family_id", "year", "amount"],
            Budget.id,
        ),
        "agencies": (
            select(
                Agency.id, Agency.name, Agency.kind, Agency.government_level, Agency.municipality_id
            ),
            ["agency_id", "name", "kind", "government_level", "municipality_id"],
            None,
        ),
        "goals": (
            select(Goal.id, Goal.family_id, Goal.domain, Goal.target_level, Goal.target_date).where(
                Goal.family_id.in_(ids)
            ),
            ["goal_id", "family_id", "domain", "target_level", "target_date"],
            Goal.id,
        ),
    }
    out: dict[str, tuple[Executable, list[str]]] = {}
    for name, (query, columns, row) in queries.items():
        if row_ids and row is not None:
            query, columns = query.add_columns(row), [*columns, "_row"]
        out[name] = (query, columns)
    return out


def typed_input(frames: dict[str, pd.DataFrame]) -> EngineInput:
    """EngineInput from the frames as read: dates as datetime64, money as float64."""
    return EngineInput(
        families=frames["families"],
        assessments=_typed_assessments(frames["assessments"]),
        expenditures=_dates(_money(frames["expenditures"], "amount"), "spent_on"),
        contributions=_money(frames["contributions"], "amount"),
        budgets=_money(frames["budgets"], "amount"),
        agencies=frames["agencies"],
        goals=_dates(frames["goals"], "target_date"),
    )


def _typed_assessments(frame: pd.DataFrame) -> pd.DataFrame:
    frame["assessed_on"] = pd.to_datetime(frame["assessed_on"])
    for domain in DOMAINS:
        frame[domain] = pd.to_numeric(frame[domain], errors="coerce").astype("float64")
    return frame


def _dates(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """Dates as datetime64 once, whatever the driver gave (ISO text, date objects): the engine,
    the forecast and the portfolio read them several times a report."""
    frame[column] = pd.to_datetime(frame[column])
    return frame


def _money(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    frame[column] = frame[column].astype("float64")
    return frame


def data_fingerprint(
    session: AnySession, family_filter: ColumnElement[bool] | None = None
) -> tuple[Any, ...]:
    """What every engine input table looks like for the families matching the filter (all
    when None), in one scan per table (counts, largest ids, sums of row versions, the latest
    decision): any insert, edit, decision or deletion changes it, and so does a family moving
    in or out. A portfolio computed from the tables can be kept under this key (see
    compute_portfolio); a municipality's key reads only its own rows (by the family_id
    indexes), so a change elsewhere does not make its dashboard compute anew."""
    from sqlalchemy import func

    def scoped(query: Any, column: Any) -> Any:
        if family_filter is None:
            return query
        return query.where(column.in_(select(Family.id).where(family_filter)))

    families = select(func.count(Family.id), func.max(Family.id), func.sum(Family.version))
    queries = (
        families if family_filter is None else families.where(family_filter),
        scoped(
            select(
                func.count(Assessment.id), func.max(Assessment.id), func.sum(Assessment.version)
            ),
            Assessment.family_id,
        ),
        scoped(
            select(
                func.count(Expenditure.id),
                func.max(Expenditure.id),
                func.max(Expenditure.decided_at),
                func.count(Expenditure.decided_at),
                func.sum(Expenditure.amount),
            ),
            Expenditure.family_id,
        ),
        scoped(
            select(func.count(Budget.id), func.sum(Budget.version), func.sum(Budget.amount)),
            Budget.family_id,
        ),
        scoped(
            select(
                func.count(Contribution.id),
                func.max(Contribution.id),
                func.sum(Contribution.amount),
            ).join(Budget, Budget.id == Contribution.budget_id),
            Budget.family_id,
        ),
        scoped(
            select(func.count(Goal.id), func.max(Goal.id), func.sum(Goal.target_level)),
            Goal.family_id,
        ),
    )
    counts = tuple(value for query in queries for value in session.execute(query).one())
    agencies = tuple(
        session.execute(
            select(Agency.id, Agency.name, Agency.kind, Agency.government_level).order_by(Agency.id)
        ).all()
    )
    return (*counts, agencies)
