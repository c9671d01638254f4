"""a checkpoint carries a signed sequence number (issue 23.10): checkpoints removed from the
database leave a gap, or a checkpoint the copy kept off the database has and the database lacks

Revision ID: c3a9e5d71b24
Revises: b7e2c4a91f10
Create Date: 2026-12-06 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c3a9e5d71b24"
down_revision: str | None = "b7e2c4a91f10"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit_checkpoint") as batch:
        batch.add_column(sa.Column("sequence", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_checkpoint") as batch:
        batch.drop_column("sequence")
