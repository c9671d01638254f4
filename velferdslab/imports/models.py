"""The history of imports (dry runs too) and the link from a lab's own reference to a family."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from velferdslab.db import Base, created_at, intpk


class ImportRun(Base):
    """One upload: what was sent (name, SHA-256), by whom, in which mode, and what came of it."""

    __tablename__ = "import_run"

    id: Mapped[intpk]
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[created_at]
    dry_run: Mapped[bool]
    status: Mapped[str] = mapped_column(String(10), default="done")
    file_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    # {created, updated, unchanged, refused}
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # [{sheet, row, column, value, severity, code, message: {en, nb}}]; national ids masked.
    report: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # {reference: created | updated | unchanged | refused}
    families: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    finished_at: Mapped[dt.datetime | None]


class ImportedFamily(Base):
    """The lab's own `Referanse` of a family, unique in the municipality: re-imports match on
    it. (api.md names it the family's `external_reference`; it lives here until the families
    package takes it over.)"""

    __tablename__ = "imported_family"
    __table_args__ = (UniqueConstraint("municipality_id", "external_reference"),)

    id: Mapped[intpk]
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"))
    external_reference: Mapped[str] = mapped_column(String(100))
    family_id: Mapped[int] = mapped_column(ForeignKey("family.id", ondelete="CASCADE"), unique=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("import_run.id"))
    created_at: Mapped[created_at]
