"""a provider's assertion is used once (kept server-side, never in the cookie); the last
sign-out and the second factor's enrolment secret on the user; wrong codes counted apart

Revision ID: c3a9e1f7d2b4
Revises: c3a9e5d71b24
Create Date: 2026-12-06 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c3a9e1f7d2b4"
down_revision: str | None = "c3a9e5d71b24"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(sa.Column("totp_enrol_secret", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("signed_out_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("login_failure") as batch:
        batch.add_column(
            sa.Column("kind", sa.String(length=20), server_default="password", nullable=False)
        )
    op.create_table(
        "used_assertion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("provider", sa.String(length=40), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id_token", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_used_assertion_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_used_assertion")),
        sa.UniqueConstraint("digest", name=op.f("uq_used_assertion_digest")),
    )
    op.create_index(
        op.f("ix_used_assertion_expires_at"), "used_assertion", ["expires_at"], unique=False
    )
    op.create_index(op.f("ix_used_assertion_user_id"), "used_assertion", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_used_assertion_user_id"), table_name="used_assertion")
    op.drop_index(op.f("ix_used_assertion_expires_at"), table_name="used_assertion")
    op.drop_table("used_assertion")
    with op.batch_alter_table("login_failure") as batch:
        batch.drop_column("kind")
    with op.batch_alter_table("user_account") as batch:
        batch.drop_column("signed_out_at")
        batch.drop_column("totp_enrol_secret")
