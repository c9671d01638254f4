"""an import runs in the background for a large file (its upload kept until it ends, its
progress, its failure, a request to cancel it) and keeps its refused rows to download (issue 25)

Revision ID: e25f0a1b2c3e
Revises: e25f0a1b2c3d
Create Date: 2026-12-06 07:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e25f0a1b2c3e"
down_revision: str | None = "e25f0a1b2c3d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("import_run") as batch:
        batch.add_column(
            sa.Column("rejected", sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
        )
        batch.add_column(
            sa.Column("progress", sa.Integer(), nullable=False, server_default=sa.text("0"))
        )
        batch.add_column(sa.Column("error", sa.String(length=500), nullable=True))
        batch.add_column(
            sa.Column(
                "cancel_requested", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
        batch.add_column(sa.Column("upload", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("import_run") as batch:
        for column in ("upload", "cancel_requested", "error", "progress", "rejected"):
            batch.drop_column(column)
