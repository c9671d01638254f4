"""Staff users with their roles, and the API tokens they hold (stored hashed)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from velferdslab.db import Base, created_at, enum_column, intpk
from velferdslab.vocabulary import Role


class User(Base):
    __tablename__ = "user_account"
    __table_args__ = (UniqueConstraint("sso_provider", "sso_subject", name="uq_user_account_sso"),)

    id: Mapped[intpk]
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(150))
    email: Mapped[str | None] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(200))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    # None: a regional user who sees every municipality of the programme.
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[created_at]
    last_login_at: Mapped[dt.datetime | None]
    # Every web session carries the epoch it was opened in; raising it (logout, a new password,
    # new roles, deactivation) ends all of the user's sessions at once, in every worker.
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")
    # A password an admin set (a first one, or a reset) is one-time: the user must choose their
    # own at the next sign-in before anything else, so an admin never signs in as someone else.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default="0")
    # Signed in through an OpenID provider (velferdslab.auth.oidc): its name in sso.toml and the
    # token's `sub`. None: a local account.
    sso_provider: Mapped[str | None] = mapped_column(String(40))
    sso_subject: Mapped[str | None] = mapped_column(String(255))
    # Base32 TOTP secret of a local admin's second factor (pyotp); None: not enrolled.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    # The 30-second step of the last code accepted: a code works once.
    totp_last_step: Mapped[int | None]
    # The secret shown while the admin enrols their second factor: kept here, never in the
    # (readable) session cookie, until the first code proves the app holds it.
    totp_enrol_secret: Mapped[str | None] = mapped_column(String(64))
    # The last sign-out: a provider's assertion issued before it is not exchanged any more.
    signed_out_at: Mapped[dt.datetime | None]

    role_rows: Mapped[list[UserRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="UserRole.role"
    )

    @property
    def roles(self) -> set[str]:
        return {row.role.value for row in self.role_rows}

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))


class UserRole(Base):
    __tablename__ = "user_role"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"), primary_key=True)


class ApiToken(Base):
    __tablename__ = "api_token"

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    # SHA-256 of the bearer token: a leaked database does not leak usable tokens.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[created_at]
    expires_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None]
