"""assumption sets: sustain_months, the months a move to stable must hold to be lasting (issue 28)

Revision ID: d28b6e1a4c90
Revises: a27c0f1b2d3e
Create Date: 2026-12-06 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d28b6e1a4c90"
down_revision: str | None = "a27c0f1b2d3e"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("assumption_set") as batch:
        batch.add_column(
            sa.Column("sustain_months", sa.Integer(), server_default="6", nullable=False)
        )
        batch.create_check_constraint(
            op.f("ck_assumption_set_sustain_months_range"), "sustain_months BETWEEN 1 AND 120"
        )


def downgrade() -> None:
    with op.batch_alter_table("assumption_set") as batch:
        batch.drop_constraint(op.f("ck_assumption_set_sustain_months_range"), type_="check")
        batch.drop_column("sustain_months")
