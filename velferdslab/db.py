"""Declarative base, naming convention and the shared column types of every model."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from sqlalchemy import DateTime, Enum, MetaData, Numeric, String, func
from sqlalchemy.orm import DeclarativeBase, Session, mapped_column, scoped_session

# Stable constraint names make Alembic migrations reproducible on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

MONEY = Numeric(14, 2)
# The one bound of a money field, on pages and in the API: far above any family budget, far
# below the column's range.
MAX_MONEY = 10_000_000_000


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {Decimal: MONEY, dt.datetime: DateTime(timezone=True)}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def as_utc(value: dt.datetime) -> dt.datetime:
    """A stored instant with its offset: SQLite hands back naive datetimes, written as UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def enum_column(enum: type[StrEnum], name: str) -> Enum:
    """An enumeration stored by value in a VARCHAR with a CHECK constraint on both databases."""
    return Enum(
        enum,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(member.value) for member in enum),
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


# Services accept a plain session (CLI, benchmarks) or Flask-SQLAlchemy's scoped one.
AnySession = Session | scoped_session[Any]

intpk = Annotated[int, mapped_column(primary_key=True)]
created_at = Annotated[
    dt.datetime,
    mapped_column(DateTime(timezone=True), server_default=func.now(), default=utcnow),
]
text_short = Annotated[str, mapped_column(String(200))]
