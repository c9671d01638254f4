"""What the family's pages store: the sign-in sessions (server-side, so a back-channel logout
ends them), the family's own reading of an area, its comments on the plan (and the team's
answers), and the entries of the access log the family flagged to the privacy contact."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from velferdslab.db import Base, created_at, intpk
from velferdslab.plans.models import DOMAIN_CHECK


class FamilySession(Base):
    """A signed-in person on the family pages. The cookie holds a random key; the row holds
    its digest, the provider's `sub`/`sid` (for back-channel logout) and the ID token (the
    sign-out's id_token_hint). Never a staff session: no user id."""

    __tablename__ = "family_session"

    id: Mapped[intpk]
    key_digest: Mapped[str] = mapped_column(String(64), unique=True)
    issuer: Mapped[str] = mapped_column(String(300))
    subject: Mapped[str] = mapped_column(String(255), index=True)
    sid: Mapped[str | None] = mapped_column(String(255), index=True)
    id_token: Mapped[str | None] = mapped_column(Text)
    # [[family_id, member_id], …]: the families this person may choose between
    choices: Mapped[list[Any]] = mapped_column(JSON, default=list)
    family_id: Mapped[int | None] = mapped_column(ForeignKey("family.id", ondelete="CASCADE"))
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("family_member.id", ondelete="CASCADE")
    )
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class FamilyReading(Base):
    """The family's own level of one area and a sentence, dated: never the team's reading."""

    __tablename__ = "family_reading"
    __table_args__ = (
        CheckConstraint(DOMAIN_CHECK, name="known_domain"),
        CheckConstraint("level BETWEEN 0 AND 3", name="level_range"),
    )

    id: Mapped[intpk]
    family_id: Mapped[int] = mapped_column(ForeignKey("family.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("family_member.id", ondelete="SET NULL")
    )
    domain: Mapped[str] = mapped_column(String(20))
    level: Mapped[int] = mapped_column(SmallInteger)
    sentence: Mapped[str] = mapped_column(Text, default="")
    read_on: Mapped[dt.date]
    created_at: Mapped[created_at]


class FamilyComment(Base):
    """A family's short message on a goal or a measure, or the team's answer to one."""

    __tablename__ = "family_comment"
    __table_args__ = (
        CheckConstraint(
            "(goal_id IS NOT NULL) OR (measure_id IS NOT NULL) OR (answer_to IS NOT NULL)",
            name="on_the_plan",
        ),
    )

    id: Mapped[intpk]
    family_id: Mapped[int] = mapped_column(ForeignKey("family.id", ondelete="CASCADE"), index=True)
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("goal.id", ondelete="CASCADE"))
    measure_id: Mapped[int | None] = mapped_column(ForeignKey("measure.id", ondelete="CASCADE"))
    answer_to: Mapped[int | None] = mapped_column(
        ForeignKey("family_comment.id", ondelete="CASCADE")
    )
    # one of the two: a family member wrote it, or a staff user answered
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("family_member.id", ondelete="SET NULL")
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[created_at]


class AccessFlag(Base):
    """An entry of the family's access log that the family asked the privacy contact about."""

    __tablename__ = "family_access_flag"

    id: Mapped[intpk]
    family_id: Mapped[int] = mapped_column(ForeignKey("family.id", ondelete="CASCADE"), index=True)
    audit_event_id: Mapped[int] = mapped_column(ForeignKey("audit_event.id"))
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("family_member.id", ondelete="SET NULL")
    )
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[created_at]
