"""a goal can be closed (reached or given up) without losing it from the plan's history

Revision ID: b7e2c4a91f10
Revises: b7e2c4a9d3f1
Create Date: 2026-11-27 17:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b7e2c4a91f10"
down_revision: str | None = "b7e2c4a9d3f1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("goal") as batch:
        batch.add_column(sa.Column("closed_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("goal") as batch:
        batch.drop_column("closed_on")
