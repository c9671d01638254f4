"""Failed sign-ins, counted for the login limit (velferdslab.auth.limits), and the provider
assertions already used (velferdslab.auth.services): a token is exchanged once."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from velferdslab.db import Base, intpk

PASSWORD = "password"  # noqa: S105  (a kind of failure, not a password)
SECOND_FACTOR = "second_factor"


class LoginFailure(Base):
    __tablename__ = "login_failure"
    __table_args__ = (
        Index("ix_login_failure_username_at", "username", "at"),
        Index("ix_login_failure_ip_at", "ip", "at"),
    )

    id: Mapped[intpk]
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    username: Mapped[str] = mapped_column(String(80))
    ip: Mapped[str] = mapped_column(String(45))
    # PASSWORD or SECOND_FACTOR: a wrong code has a lower limit of its own
    kind: Mapped[str] = mapped_column(String(20), default=PASSWORD, server_default=PASSWORD)


class UsedAssertion(Base):
    """A provider's token that signed someone in (the web sign-in's ID token, or one exchanged
    at POST /auth/token): never exchanged again. The web session's cookie holds only `digest`;
    the ID token itself waits here for the sign-out's id_token_hint."""

    __tablename__ = "used_assertion"

    id: Mapped[intpk]
    digest: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of provider + jti
    provider: Mapped[str] = mapped_column(String(40))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    id_token: Mapped[str | None] = mapped_column(Text)
