"""What the kept engine tables are checked against (velferdslab/gains/kept.py): one stamp per
family, set anew by the database itself (triggers of migration 20261206_0600) whenever a row the
engine reads for that family is inserted, changed or deleted."""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer
from sqlalchemy.orm import Mapped, mapped_column

from velferdslab.db import Base


class EngineStamp(Base):
    """A family's stamp: a value never given twice (PostgreSQL: a sequence, which a rolled-back
    transaction does not give back; SQLite: a random 64-bit number). No foreign key: the row of
    a deleted family is deleted by the family's own trigger."""

    __tablename__ = "engine_stamp"

    family_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    stamp: Mapped[int] = mapped_column(BigInteger)
