"""users signed in through an OpenID provider carry its (provider, subject); local admins may
hold a TOTP secret for their second factor

Revision ID: 5e1d0c1a7b13
Revises: b7e5c1d2a3f4
Create Date: 2026-11-27 17:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5e1d0c1a7b13"
down_revision: str | None = "b7e5c1d2a3f4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(sa.Column("sso_provider", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("sso_subject", sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("totp_secret", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("totp_last_step", sa.Integer(), nullable=True))
        batch.create_unique_constraint("uq_user_account_sso", ["sso_provider", "sso_subject"])


def downgrade() -> None:
    with op.batch_alter_table("user_account") as batch:
        batch.drop_constraint("uq_user_account_sso", type_="unique")
        batch.drop_column("totp_last_step")
        batch.drop_column("totp_secret")
        batch.drop_column("sso_subject")
        batch.drop_column("sso_provider")
